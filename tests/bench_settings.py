"""Settings for ``make bench``: the demo's, plus the peers' Django apps where they are installed.

edx-ora2 keeps its workflow and assessments in its own apps; the benchmark adds them when
``openassessment`` can be imported (``make bench-peers`` installs it in ``.venv-bench``), so
the same settings serve a benchmark with or without the peers.
"""
import importlib.util

from course_export.demo.settings import *  # noqa: F403
from course_export.demo.settings import INSTALLED_APPS

ORA2 = importlib.util.find_spec("openassessment") is not None
if ORA2:
    INSTALLED_APPS = [*INSTALLED_APPS, "openassessment", "openassessment.workflow", "openassessment.assessment",
                      "openassessment.staffgrader", "openassessment.fileupload", "waffle"]
    LMS_ROOT_URL = "http://127.0.0.1"
    FEATURES = {}  # the LMS's feature flags, which edx-ora2 reads
