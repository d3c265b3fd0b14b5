"""Fixtures for the reflection editor and rubric-version tests.

They reuse the reflection tests' LMS-shaped harness (``tests/rubric/rubric_support.py``):
one block (one usage key) seen by several users over one shared field store, on the test DB.
"""
import copy
import sys
from pathlib import Path

import pytest

RUBRIC_TESTS = Path(__file__).resolve().parents[1] / "rubric"
if str(RUBRIC_TESTS) not in sys.path:
    sys.path.insert(0, str(RUBRIC_TESTS))

from rubric_support import GOOD_TEXT, RUBRIC, Course, call  # noqa: E402

from tests import browser_harness  # noqa: E402

PROMPT = "<p>Tulis refleksi Anda tentang <em>pengaduan</em> ini.</p>"


@pytest.fixture
def course(db):
    """A course with one reflection block using the test rubric (min 5 words) and a prompt."""
    return Course(prompt=PROMPT)


@pytest.fixture
def submitted(course):
    """``course`` where learner ``budi`` has submitted ``GOOD_TEXT``."""
    status, body = call(course.block("budi"), "submit", {"text": GOOD_TEXT, "confirm": True})
    assert status == 200, body
    return course


@pytest.fixture
def form(course):
    """The editor's form for the course's block, as studio_view would start it."""
    block = course.block("author", staff=True)
    return copy.deepcopy({name: getattr(block, name) for name in (
        "display_name", "prompt", "min_words", "max_words", "self_assessment", "staff_assessment",
        "grade_release", "weight", "linked_simulation", "rubric")})


@pytest.fixture
def rubric():
    """A fresh copy of the test rubric."""
    return copy.deepcopy(RUBRIC)


# --- Browser: the shared harness (tests/browser_harness.py, fixtures in tests/conftest.py) -----------

@pytest.fixture(scope="module")
def editor_server(tmp_path_factory):
    """A demo workbench of our own (fresh database, English): the test edits a shared rubric."""
    server = browser_harness.DemoServer(tmp_path_factory.mktemp("rubric-editor-demo"), language="en").start()
    yield server
    server.stop()


@pytest.fixture
def chromium(browser):
    """The session's Chromium (Playwright allows one sync session per process)."""
    return browser


@pytest.fixture(scope="module")
def axe_editor_source():
    """axe-core, as the browser tests use it (installed by ``make browser-deps``)."""
    path = browser_harness.AXE_JS
    if not path.exists():
        pytest.fail(f"{path} not found: run `make browser-deps`")
    return path.read_text(encoding="utf-8")
