"""Shared test harness: blocks on an XBlock runtime shaped like the LMS's.

The runtime keeps field data in memory, records every ``publish`` call, and offers a
``user`` service carrying the ``edx-platform.*`` attributes the LMS sets, so tests see
exactly the calls a real Open edX would make.
"""
import json
import re
from pathlib import Path

import pytest
import yaml
from webob import Request
from xblock.field_data import DictFieldData
from xblock.fields import ScopeIds
from xblock.reference.user_service import UserService, XBlockUser
from xblock.test.tools import TestRuntime

DATA = Path(__file__).parent / "complaint_sim" / "data"


class LmsUserService(UserService):
    """A user service with the attributes the LMS's user service provides."""

    def __init__(self, username="learner", staff=False, authenticated=True):
        user = XBlockUser(is_current_user=True, full_name=username)
        user.opt_attrs.update({
            "edx-platform.user_id": abs(hash(username)) % 10_000,
            "edx-platform.username": username,
            "edx-platform.anonymous_user_id": f"anon-{username}",
            "edx-platform.is_authenticated": authenticated,
            "edx-platform.user_is_staff": staff,
            "edx-platform.user_role": "staff" if staff else "student",
        })
        super().__init__(user=user)

    def get_current_user(self):
        """The user this service was made for."""
        return self._user


# ``user=`` default: a signed-in learner. ``user=None`` is no user service at all, as the LMS's
# grades and report code calls a block.
LEARNER = object()


class LmsLikeRuntime(TestRuntime):
    """An in-memory runtime that records published events."""

    def __init__(self, user=LEARNER, field_data=None):
        self.published = []
        services = {"field-data": field_data or DictFieldData({})}
        if user is not None:
            services["user"] = LmsUserService() if user is LEARNER else user
        super().__init__(services=services)

    def publish(self, block, event_type, event_data):
        self.published.append((event_type, event_data))

    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):
        return f"/handler/{block.scope_ids.usage_id}/{handler_name}/{suffix}"

    def local_resource_url(self, block, uri):
        return f"/resource/{uri}"

    def events(self, event_type):
        """Payloads published under ``event_type``."""
        return [data for name, data in self.published if name == event_type]


INIT_SCRIPT = re.compile(r'<script type="application/json">(.*?)</script>', re.S)


def init_data(frag):
    """The init data a block's view carries in its own escaped ``<script type="application/json">``
    (the runtime's init arguments stay empty: the workbench writes those unescaped)."""
    assert not frag.json_init_args, "init data must not go through the runtime's arguments"
    found = INIT_SCRIPT.findall(frag.body_html())
    assert len(found) == 1, "one init script per view"
    return json.loads(found[0])


def load_yaml(path):
    """Parsed YAML from a file."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def post(block, handler, payload, raw=None):
    """POST ``payload`` as JSON to ``handler`` through the runtime's handler dispatch."""
    body = raw if raw is not None else json.dumps(payload).encode("utf-8")
    request = Request.blank("/", method="POST", body=body, content_type="application/json")
    response = block.runtime.handle(block, handler, request)
    return response.status_code, json.loads(response.body.decode("utf-8"))


@pytest.fixture
def make_block(db):
    """Build a block of ``cls`` on a fresh LMS-like runtime: ``make_block(cls, user=..., **fields)``.

    ``user`` is a user service (default: a signed-in learner), or None for no user service. With
    the test database: the role-play keeps learner progress in its run table.
    """
    counter = iter(range(1, 10_000))

    def build(cls, user=LEARNER, field_data=None, block_type=None, **fields):
        runtime = LmsLikeRuntime(user=user, field_data=field_data)
        n = next(counter)
        block_type = block_type or cls.__name__.lower()
        keys = ScopeIds("learner", block_type, f"def-{n}", f"usage-{n}")
        block = runtime.construct_xblock_from_class(cls, keys)
        for name, value in fields.items():
            setattr(block, name, value)
        block.save()
        return block

    return build


@pytest.fixture
def mini_data():
    """The small scenario that exercises every engine feature."""
    return load_yaml(DATA / "mini.yaml")


@pytest.fixture
def workbench(db):
    """The workbench's scenarios loaded into this test's database.

    The workbench loads scenarios into its database once per process; pytest-django rolls
    the database back after each test, so each HTTP test loads them again.
    """
    from workbench import scenarios  # noqa: PLC0415  (needs Django set up)

    scenarios.init_scenarios()
    scenarios.get_scenarios.initialized = True
    return scenarios.SCENARIOS


def pytest_collection_modifyitems(items):
    """Every test that loads the workbench's scenarios is an ``integration`` test: it goes through
    the workbench's whole Django stack (URLs, views, its runtime, every scenario parsed), the
    slower layer ``make integration`` runs apart from ``make unit``."""
    integration = pytest.mark.integration
    for item in items:
        if "workbench" in getattr(item, "fixturenames", ()):
            item.add_marker(integration)


# The browser harness's fixtures, declared here once so that every folder's browser tests
# share one demo server and one Chromium (Playwright allows one sync session per process).
from tests.browser_harness import axe_source, browser, demo_server, open_page, scan, shot  # noqa: E402,F401
