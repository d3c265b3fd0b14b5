"""Both blocks (and their editors) tell the browser the page's language and the time zone to show
dates in: the learner's own ``time_zone`` preference (LMS user service), else the course's."""
import pytest
from django.utils import translation

from complaint_sim_xblock.block import ComplaintSimBlock
from rubric_xblock.block import RubricReflectionBlock
from tests.conftest import LmsUserService, init_data

BLOCKS = [ComplaintSimBlock, RubricReflectionBlock]


def user(preferences=None, staff=False):
    service = LmsUserService(staff=staff)
    if preferences is not None:
        service.get_current_user().opt_attrs["edx-platform.user_preferences"] = preferences
    return service


@pytest.mark.parametrize("cls", BLOCKS)
@pytest.mark.parametrize(("preferences", "time_zone"), [
    (None, "Asia/Jakarta"),
    ({"pref-lang": "id"}, "Asia/Jakarta"),
    ({"time_zone": ""}, "Asia/Jakarta"),
    ({"time_zone": 7}, "Asia/Jakarta"),
    ("not a dict", "Asia/Jakarta"),
    ({"time_zone": "Asia/Makassar"}, "Asia/Makassar"),
])
def test_time_zone_is_the_learners_else_the_courses(make_block, cls, preferences, time_zone):
    block = make_block(cls, user=user(preferences))
    with translation.override("id"):
        assert block.page_locale() == {"language": "id", "time_zone": time_zone}


@pytest.mark.parametrize("cls", BLOCKS)
@pytest.mark.parametrize("view", ["student_view", "studio_view"])
@pytest.mark.parametrize("language", ["id", "en"])
def test_views_pass_the_locale_to_the_browser(make_block, db, cls, view, language):
    block = make_block(cls, user=user(staff=True))
    with translation.override(language):
        fragment = getattr(block, view)()
    assert init_data(fragment)["locale"] == {"language": language, "time_zone": "Asia/Jakarta"}
