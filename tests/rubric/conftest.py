"""Fixtures for the reflection block's tests (helpers live in ``rubric_support``)."""
import pytest
from rubric_support import GOOD_TEXT, Course, call


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Queue counts and agreement figures live in Django's cache; each test starts without."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def course(db):
    """A course with one reflection block using the test rubric (min 5 words)."""
    return Course()


@pytest.fixture
def submitted(course):
    """``course`` where learner ``budi`` has submitted ``GOOD_TEXT``."""
    status, body = call(course.block("budi"), "submit", {"text": GOOD_TEXT, "confirm": True})
    assert status == 200, body
    return course

