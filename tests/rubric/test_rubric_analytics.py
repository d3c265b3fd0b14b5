"""Issue 11 in the reflection: the unit on the reflection row and in the events, and the staff
analytics (levels per criterion, self-vs-staff gap, grading progress, units) with k-anonymity."""
import pytest
from rubric_support import FULL_MARKS, GOOD_TEXT, call, error_code

from rubric_xblock.models import Reflection

pytestmark = pytest.mark.django_db


@pytest.fixture
def k3(settings):
    settings.TANGERANG_K_ANONYMITY = 3


def submit(course, name, own=None):
    assert call(course.block(name), "submit", {"text": GOOD_TEXT, "confirm": True})[0] == 200
    if own:
        assert call(course.block(name), "self_assess", {"selections": own})[0] == 200


def grade(course, name, selections):
    staff = course.block("staff1", staff=True)
    uuid = Reflection.objects.get(username=name).submission_uuid
    status, body = call(staff, "staff_grade", {"submission_uuid": uuid, "selections": selections,
                                               "expected_version": 0})
    assert status == 200, body
    return staff


def table(body, name):
    return next(t for t in body["report"]["tables"] if t["id"] == name)


def test_the_unit_is_kept_on_the_reflection_and_in_both_events(course):
    staff = course.block("staff1", staff=True)
    assert call(staff, "roster_upload", {"csv": "budi,Kelurahan Sudimara\n"})[0] == 200
    block = course.block("budi")
    assert call(block, "submit", {"text": GOOD_TEXT, "confirm": True})[0] == 200
    assert block.runtime.events("rubric_reflection.submitted")[0]["unit"] == "Kelurahan Sudimara"
    assert Reflection.objects.get().unit == "Kelurahan Sudimara"
    staff = grade(course, "budi", FULL_MARKS)
    assert staff.runtime.events("rubric_reflection.staff_graded")[0]["unit"] == "Kelurahan Sudimara"


def test_analytics_for_staff_only(course):
    assert error_code(call(course.block("budi"), "analytics", {})) == "STAFF_ONLY"
    assert error_code(call(course.block("staff1", staff=True), "analytics", {"from": "besok"})) == "BAD_REQUEST"


def test_levels_gap_progress_and_units_with_k(course, k3):
    staff = course.block("staff1", staff=True)
    assert call(staff, "roster_upload", {"csv": "a,Unit A\nb,Unit A\nc,Unit A\nd,Unit B\n"})[0] == 200
    body = None
    for name in ("a", "b"):
        submit(course, name, own={"empati": "baik", "integritas": "baik"})
    status, body = call(staff, "analytics", {})
    assert status == 200 and body["report"]["hidden"] is True and body["report"]["tables"] == []
    submit(course, "c", own={"empati": "cukup", "integritas": "baik"})
    submit(course, "d")
    for name in ("a", "b", "c"):
        grade(course, name, {"empati": "cukup", "integritas": "baik"})
    body = call(staff, "analytics", {})[1]
    submitted, self_assessed, graded, waiting, _released, appealed = table(body, "progress")["rows"][0]
    assert (submitted, self_assessed, graded, waiting, appealed) == (4, 3, 3, 1, 0)
    levels = table(body, "levels")["rows"]
    assert ["Empati", "Cukup (2)", 3, "100.0 %", 1, "33.3 %"] in levels
    assert ["Empati", "Baik (4)", 0, "0.0 %", 2, "66.7 %"] in levels
    gap = table(body, "gap")["rows"]
    assert gap[0][:2] == ["Empati", 3] and gap[0][4] == "+1.33"  # self (4+4+2)/3 against staff 2
    units = table(body, "units")["rows"]
    assert [row[0] for row in units] == ["Unit A"] and body["report"]["hidden_units"] == 1  # Unit B: 1 < 3
    assert units[0][3]["text"].startswith("50.0 %") and units[0][3]["band"] == "yellow"
    # The bands are explained in the reflection's terms (staff grades), not the role-play's duties.
    assert "top points" in table(body, "units")["legend"] and "duty" not in table(body, "units")["legend"]
    small = call(staff, "analytics", {"unit": "Unit B"})[1]
    assert small["report"]["hidden"] is True
    assert body["units"] == ["Unit A", "Unit B"]


def test_the_grading_queue_filters_by_the_roster_unit(course):
    """Issue 12's unit filter over issue 11's units: the roster's unit, taken at submit."""
    staff = course.block("staff1", staff=True)
    assert call(staff, "roster_upload", {"csv": "ani,Kelurahan Sudimara\nbayu,OPD Disdukcapil\n"})[0] == 200
    for name in ("ani", "bayu", "citra"):  # citra is on no roster: tanpa unit
        submit(course, name)
    status, body = call(staff, "staff_queue", {"filter": "all", "unit": "Kelurahan Sudimara"})
    assert status == 200, body
    assert body["units"] == ["Kelurahan Sudimara", "OPD Disdukcapil"]
    assert [item["unit"] for item in body["items"]] == ["Kelurahan Sudimara"] and body["total"] == 1
    assert call(staff, "staff_queue", {"filter": "all"})[1]["total"] == 3
