"""Regressions from the review: odd input is a 4xx (never a 500), release publishes the
current grade once, a linked role-play must be in this block's course, OLX is as strict as
the editor. Through the real dispatch path (``block.handle``) or the OLX parser."""
import pytest
from lxml import etree
from rubric_support import FULL_MARKS, GOOD_TEXT, SIM_USAGE, Course, call, error_code
from submissions import api as submissions_api
from submissions.models import Score
from xblock.fields import ScopeIds
from xblock.runtime import DictKeyValueStore, KvsFieldData
from xblock.test.tools import TestRuntime

from rubric_xblock import compat, grading_store
from rubric_xblock.block import RubricReflectionBlock
from rubric_xblock.models import Assessment, AssessmentChange, Reflection
from rubric_xblock.rubric import RubricError

pytestmark = pytest.mark.django_db

LONE = "\ud800"  # a lone surrogate: valid in a JSON string, not encodable as UTF-8


def _uuid():
    return Reflection.objects.get().submission_uuid


# -- A5: lone surrogates never reach the database ----------------------------------------------

@pytest.mark.parametrize(("handler", "payload", "code"), [
    ("save_draft", {"text": "Draf " + LONE}, "BAD_TEXT"),
    ("submit", {"text": GOOD_TEXT + " " + LONE, "confirm": True}, "BAD_TEXT"),
])
def test_learner_text_with_a_lone_surrogate_is_400(course, handler, payload, code):
    status, body = call(course.block("budi"), handler, payload)
    assert status == 400 and error_code((status, body)) == code
    assert course.block("budi").draft == "" and Reflection.objects.count() == 0


@pytest.mark.parametrize("payload", [
    {"comments": {"catatan": "Baik " + LONE}},
    {"overall_comment": LONE},
])
def test_self_assessment_comment_with_a_lone_surrogate_is_400(submitted, payload):
    status, body = call(submitted.block("budi"), "self_assess", {"selections": FULL_MARKS, **payload})
    assert status == 400 and error_code((status, body)) == "BAD_COMMENT"
    assert Assessment.objects.count() == 0


@pytest.mark.parametrize("payload", [
    {"comments": {"empati": LONE}},
    {"overall_comment": "Bagus " + LONE},
])
def test_staff_comment_with_a_lone_surrogate_is_400(submitted, payload):
    status, body = call(submitted.block("staff1", staff=True), "staff_grade",
                        {"submission_uuid": _uuid(), "selections": FULL_MARKS, "expected_version": 0, **payload})
    assert status == 400 and error_code((status, body)) == "BAD_COMMENT"
    assert Assessment.objects.count() == 0


@pytest.mark.parametrize("handler", ["staff_submission", "staff_grade"])
def test_a_submission_uuid_with_a_lone_surrogate_is_not_found(submitted, handler):
    status, body = call(submitted.block("staff1", staff=True), handler,
                        {"submission_uuid": LONE, "selections": FULL_MARKS, "expected_version": 0})
    assert status == 404 and error_code((status, body)) == "SUBMISSION_NOT_FOUND"


# -- C2: release publishes the row as it is now, once ------------------------------------------

def _stale_listing(monkeypatch, before_return=None):
    """Make ``release_grades`` read the unreleased rows, then let ``before_return`` run (a
    regrade, another release) before it goes on with what it read: the race, made certain."""
    real = grading_store.unreleased_counted

    def listing(course_id, item_id, submission_uuids=None):
        rows = real(course_id, item_id, submission_uuids)
        if before_return is not None:
            before_return()
        return rows

    monkeypatch.setattr(grading_store, "unreleased_counted", listing)


def _gradebook(course):
    block = course.block("budi")
    course_id, item_id = block._ids()
    return submissions_api.get_score({"student_id": "anon-budi", "course_id": course_id, "item_id": item_id,
                                      "item_type": "rubric_reflection"})


def test_release_sends_a_regrade_saved_after_the_unreleased_rows_were_read(db, monkeypatch):
    course = Course(grade_release="staff")
    call(course.block("budi"), "submit", {"text": GOOD_TEXT, "confirm": True})
    low = {"empati": "belum", "integritas": "baik"}
    assert call(course.block("staff1", staff=True), "staff_grade",
                {"submission_uuid": _uuid(), "selections": low, "expected_version": 0})[0] == 200

    def regrade():
        assert call(course.block("staff2", staff=True), "staff_grade",
                    {"submission_uuid": _uuid(), "selections": FULL_MARKS, "expected_version": 1})[0] == 200

    _stale_listing(monkeypatch, regrade)
    status, body = call(course.block("staff1", staff=True), "release_grades")
    assert status == 200 and body == {"released": 1}
    score = _gradebook(course)
    assert (score["points_earned"], score["points_possible"]) == (6, 6)  # the regrade, not the 2 points read
    released = AssessmentChange.objects.filter(action=AssessmentChange.RELEASED).get()
    assert released.version == 2


def test_a_repeated_release_sends_and_audits_once(db, monkeypatch):
    course = Course(grade_release="staff")
    call(course.block("budi"), "submit", {"text": GOOD_TEXT, "confirm": True})
    call(course.block("staff1", staff=True), "staff_grade",
         {"submission_uuid": _uuid(), "selections": FULL_MARKS, "expected_version": 0})
    # A double click: the second request read the row as unreleased before the first released it.
    first = {}

    def other_click():
        monkeypatch.setattr(grading_store, "unreleased_counted", real)
        first["result"] = call(course.block("staff1", staff=True), "release_grades")

    real = grading_store.unreleased_counted
    _stale_listing(monkeypatch, other_click)
    status, body = call(course.block("staff1", staff=True), "release_grades")
    assert first["result"] == (200, {"released": 1})
    assert status == 200 and body == {"released": 0}
    assert Score.objects.count() == 1
    assert AssessmentChange.objects.filter(action=AssessmentChange.RELEASED).count() == 1
    # And once released, a further release has nothing to do.
    assert call(course.block("staff1", staff=True), "release_grades") == (200, {"released": 0})
    assert Score.objects.count() == 1


# -- D1: the linked role-play must be in this block's course -------------------------------------

OTHER_COURSE_SIM = "block-v1:LainKota+PPM101+2026+type@complaint_sim+block@ktp"
RUN = [{"attempt": 1, "ending_title": "Selesai", "quality": "good", "points": 3, "max_points": 4}]


def test_a_link_into_another_course_is_ignored_when_reading(db):
    course = Course(linked_simulation=OTHER_COURSE_SIM)
    course.sim_states[("budi", OTHER_COURSE_SIM)] = {"history": RUN}
    block = course.block("budi")
    assert call(block, "learner_state")[1]["state"]["simulation"] is None
    assert block.runtime.service(block, "user_state").calls == []  # never even asked
    call(block, "submit", {"text": GOOD_TEXT, "confirm": True})
    staff = course.block("staff1", staff=True)
    assert call(staff, "staff_submission", {"submission_uuid": _uuid()})[1]["submission"]["simulation"] is None
    assert staff.runtime.service(staff, "user_state").calls == []


def test_a_link_in_the_same_course_is_read(db):
    course = Course(linked_simulation=SIM_USAGE)
    course.sim_states[("budi", SIM_USAGE)] = {"history": RUN}
    assert call(course.block("budi"), "learner_state")[1]["state"]["simulation"]["ending_title"] == "Selesai"


@pytest.mark.parametrize(("link", "own", "same"), [
    (SIM_USAGE, "block-v1:Tangerang+PPM101+2026+type@rubric_reflection+block@r", True),
    (SIM_USAGE, "block-v1:Tangerang+PPM101+2026+branch@draft-branch+type@rubric_reflection+block@r", True),
    (OTHER_COURSE_SIM, "block-v1:Tangerang+PPM101+2026+type@rubric_reflection+block@r", False),
    (SIM_USAGE, "refleksi.rubric_reflection.d0.u0", False),  # a real key from a workbench block
    ("ktp.complaint_sim.d0.u0", "block-v1:Tangerang+PPM101+2026+type@rubric_reflection+block@r", False),
    ("ktp.complaint_sim.d0.u0", "refleksi.rubric_reflection.d0.u0", True),  # the workbench demo
    (LONE, "refleksi.rubric_reflection.d0.u0", False),
])
def test_same_context(link, own, same):
    assert compat.same_context(link, compat.usage_key_or_string(own)) is same


# -- A4, B1: OLX is as strict as the editor --------------------------------------------------------

def _parse(xml):
    runtime = TestRuntime(services={"field-data": KvsFieldData(DictKeyValueStore())})
    keys = ScopeIds("u", "rubric_reflection", "d", "u1")
    return RubricReflectionBlock.parse_xml(etree.fromstring(xml), runtime, keys)


LEVELS = '<level id="y" label="Y" points="1"/>'


@pytest.mark.parametrize("xml", [
    f'<rubric_reflection><rubric><criterion id="a" label="A"><level id="x" label="X" points="²"/>{LEVELS}'
    '</criterion></rubric></rubric_reflection>',
    f'<rubric_reflection><rubric><criterion id="a" label="A"><level id="x" label="X" points="{"1" * 5000}"/>'
    f'{LEVELS}</criterion></rubric></rubric_reflection>',
    '<rubric_reflection self_assessment="maybe"/>',
    '<rubric_reflection staff_assessment="1"/>',
    '<rubric_reflection max_words="1.5"/>',
    '<rubric_reflection min_words="2e3"/>',
    '<rubric_reflection display_name=" "/>',
    '<rubric_reflection linked_simulation="dua kata"/>',
])
def test_olx_the_editor_would_refuse_is_refused(xml):
    with pytest.raises(RubricError):
        _parse(xml)


def test_olx_booleans_and_numbers_still_parse():
    block = _parse('<rubric_reflection self_assessment="False" staff_assessment="true" min_words=" 10 "'
                   ' max_words="300" weight="20.0"/>')
    assert (block.self_assessment, block.staff_assessment, block.min_words, block.max_words, block.weight) == (
        False, True, 10, 300, 20.0)
