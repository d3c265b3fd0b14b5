"""Django settings for the local demo: the xblock-sdk workbench with this project's blocks.

Used by ``make demo`` and by the tests. Only the workbench's sample blocks are hidden, a
user service that knows course staff is added, and the real edx-submissions app runs on
the workbench's SQLite database.
"""
import importlib.util
import logging
import os

os.environ.setdefault("EXCLUDE_SAMPLE_XBLOCKS", "yes")

from workbench.settings import *  # noqa: E402,F403  (the workbench's settings are the base)
from workbench.settings import INSTALLED_APPS, WORKBENCH  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "submissions", "rubric_xblock", "complaint_sim_xblock", "tangerang_units",
                  "course_export.demo", "tangerang_xapi"]

# k for the staff analytics' anonymity (tangerang_units.compat.course_k; in the LMS a course sets
# "k_anonymity" in its Other Course Settings). The browser test of the analytics lowers it.
TANGERANG_K_ANONYMITY = int(os.environ.get("DEMO_K_ANONYMITY", "10"))
if importlib.util.find_spec("event_routing_backends"):
    # With edx-event-routing-backends installed (`make xapi-deps`) its apps run as in an LMS with
    # Aspects, so tangerang_xapi registers its transformers and the tests turn the blocks' real
    # events into statements. Without it the xAPI app does nothing.
    INSTALLED_APPS += ["config_models", "event_routing_backends"]
    LMS_ROOT_URL = "http://127.0.0.1:8000"
    # ERB logs a traceback when edx-platform's modules (student, course overviews, external ids)
    # are missing, as they are outside an LMS: expected here, so not shown at every start.
    logging.getLogger("event_routing_backends.helpers").setLevel(logging.CRITICAL)

ROOT_URLCONF = "course_export.demo.urls"  # the course outline at /, then the workbench's URLs

LANGUAGE_CODE = os.environ.get("DEMO_LANGUAGE", "id")
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
TIME_ZONE = "Asia/Jakarta"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DEMO_DATABASE", "var/workbench.db"),
        # One process, many threads (runserver): every transaction takes SQLite's write lock at
        # BEGIN (IMMEDIATE), so two writers queue on the busy timeout instead of one failing with
        # "database is locked" when its read lock cannot be upgraded (a deadlock SQLite does not
        # wait out); the loser of a race then gets the handlers' own 409.
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 30},
    }
}
if os.environ.get("DEMO_MYSQL_SOCKET"):
    # MariaDB/MySQL over a Unix socket (the multi-worker load test starts its own server).
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.mysql",
        "NAME": os.environ.get("DEMO_MYSQL_DATABASE", "demo"),
        "USER": os.environ.get("DEMO_MYSQL_USER", "root"),
        "HOST": os.environ["DEMO_MYSQL_SOCKET"],
        "OPTIONS": {"charset": "utf8mb4", "isolation_level": "read committed"},
    }

# Log to the console only: the workbench's default also writes var/workbench.log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

WORKBENCH = {
    **WORKBENCH,
    "reset_state_on_restart": os.environ.get("WORKBENCH_RESET_STATE_ON_RESTART", "false") == "true",
    "services": {
        "user": "course_export.demo.services.DemoUserService",
        "user_state": "course_export.demo.services.DemoUserStateService",
        "i18n": "course_export.demo.services.DemoI18nService",
    },
}
