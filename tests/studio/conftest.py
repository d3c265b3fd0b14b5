"""Fixtures for the Studio editor tests: blocks as staff, learner, Studio author or anonymous."""
import copy
from pathlib import Path

import pytest
from opaque_keys.edx.locator import CourseLocator
from xblock.field_data import DictFieldData
from xblock.fields import ScopeIds

from complaint_sim_xblock.block import ComplaintSimBlock
from tests.browser_harness import DemoServer
from tests.conftest import LmsLikeRuntime, LmsUserService, load_yaml

DATA = Path(__file__).parent / "data"
MINI = Path(__file__).parents[1] / "complaint_sim" / "data" / "mini.yaml"


class StudioPermissions:
    """Studio's ``studio_user_permissions`` service: ``can_write(course_key)``."""

    def __init__(self, can_write):
        self.allowed = can_write
        self.asked = []

    def can_write(self, course_key):
        """Whether the user may edit the course."""
        self.asked.append(course_key)
        return self.allowed


@pytest.fixture
def mini():
    """A fresh copy of the small scenario that exercises every engine feature."""
    return copy.deepcopy(load_yaml(MINI))


@pytest.fixture
def field_data():
    """Field data shared by every block built in one test (learner and author see the same block)."""
    return DictFieldData({})


@pytest.fixture
def block_as(field_data, db):
    """``block_as(user, permissions=None)``: the same block seen by another user (or none)."""
    course = CourseLocator("TangerangX", "PPM101", "2026")
    usage = course.make_usage_key("complaint_sim", "roleplay")

    def build(user="staff", permissions=None, services=None):
        if isinstance(user, str):
            user = {"staff": LmsUserService("author", staff=True),
                    "learner": LmsUserService("asn_1"),
                    "anonymous": LmsUserService("anon", authenticated=False)}[user]
        runtime = LmsLikeRuntime(user=user, field_data=field_data)  # None: no user service
        if permissions is not None:
            runtime._services["studio_user_permissions"] = permissions
        keys = ScopeIds("user", "complaint_sim", usage, usage)
        return runtime.construct_xblock_from_class(ComplaintSimBlock, keys)

    return build


# --- Browser: the shared harness (tests/browser_harness.py, fixtures in tests/conftest.py) -----------

@pytest.fixture(scope="module")
def studio_server(tmp_path_factory):
    """A demo workbench of our own (fresh database, English) on a free loopback port."""
    server = DemoServer(tmp_path_factory.mktemp("studio-demo"), language="en").start()
    yield server
    server.stop()


@pytest.fixture
def chromium(browser):
    """The session's Chromium (one Playwright session per process)."""
    return browser
