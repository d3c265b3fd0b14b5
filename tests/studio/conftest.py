"""Fixtures for the Studio editor tests: blocks as staff, learner, Studio author or anonymous."""
import copy
import shutil
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
ARTIFACTS = Path(__file__).parents[2] / "artifacts" / "browser" / "studio-editor"


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


@pytest.fixture
def editor_page(chromium, studio_server, request):
    """The studio_view of the first role-play, as course staff, with notify() calls recorded."""
    folder = ARTIFACTS / request.node.name.removeprefix("test_")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.notified = []
    page.errors = []
    page.on("console", lambda msg: page.notified.append(msg.text) if msg.text.startswith("Runtime event") else None)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(studio_server.url + "/scenario/complaint_sim.0/studio_view/?student=staff_author")
    page.wait_for_selector('.cse[data-state="ready"]')
    page.shots = 0

    def shot(name):
        page.shots += 1
        page.screenshot(path=str(folder / f"{page.shots:02d}-{name}.png"))

    page.shot = shot
    yield page
    assert not page.errors, page.errors
    context.close()
