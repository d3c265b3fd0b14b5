"""The LMS call contract: real edx-submissions on the test DB, the ``score_set`` signal the
grades app listens to, unbound ``max_score``/``student_view_data``/report, fields, migrations."""
import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from rubric_support import FULL_MARKS, GOOD_TEXT, USAGE, Course, anonymous_id, call
from submissions import api as submissions_api
from submissions.models import score_set
from xblock.fields import Scope, ScopeIds
from xblock.runtime import DictKeyValueStore, KvsFieldData
from xblock.test.tools import TestRuntime

from rubric_xblock.block import RubricReflectionBlock
from rubric_xblock.models import Reflection

pytestmark = pytest.mark.django_db
COURSE_ID = "course-v1:Tangerang+PPM101+2026"


@pytest.fixture
def signals():
    """Every ``score_set`` signal sent during the test, as its keyword arguments."""
    received = []

    def handler(sender, **kwargs):
        received.append(kwargs)

    score_set.connect(handler, weak=False, dispatch_uid="rubric-test")
    yield received
    score_set.disconnect(dispatch_uid="rubric-test")


def grade(course, selections=FULL_MARKS, expected_version=0, grader="staff1"):
    """Grade budi's submission as ``grader``; return (status, body)."""
    uuid = Reflection.objects.get(username="budi").submission_uuid
    return call(course.block(grader, staff=True), "staff_grade",
                {"submission_uuid": uuid, "selections": selections, "expected_version": expected_version})


def test_submission_is_stored_with_the_lms_student_item(submitted):
    reflection = Reflection.objects.get()
    submission = submissions_api.get_submission_and_student(reflection.submission_uuid)
    assert submission["answer"] == {"text": GOOD_TEXT}
    assert submission["student_item"] == {"student_id": anonymous_id("budi"), "course_id": COURSE_ID,
                                          "item_id": USAGE, "item_type": "rubric_reflection"}


def test_staff_grade_sends_score_set_with_learner_item_and_points(submitted, signals):
    assert grade(submitted, {"empati": "cukup", "integritas": "baik"})[0] == 200
    assert len(signals) == 1
    sent = signals[0]
    assert sent["anonymous_user_id"] == anonymous_id("budi")
    assert sent["course_id"] == COURSE_ID and sent["item_id"] == USAGE
    assert (sent["points_earned"], sent["points_possible"]) == (4, 6)
    assert isinstance(sent["points_earned"], int) and sent["points_possible"] > 0
    score = submissions_api.get_score({"student_id": anonymous_id("budi"), "course_id": COURSE_ID,
                                       "item_id": USAGE, "item_type": "rubric_reflection"})
    assert (score["points_earned"], score["points_possible"]) == (4, 6)


def test_regrade_sends_the_new_score_latest_wins(submitted, signals):
    grade(submitted)
    grade(submitted, {"empati": "belum", "integritas": "belum"}, expected_version=1, grader="staff2")
    assert [(s["points_earned"], s["points_possible"]) for s in signals] == [(6, 6), (0, 6)]
    assert submissions_api.get_scores(COURSE_ID, anonymous_id("budi"))[USAGE]["points_earned"] == 0


def test_weight_rescales_the_integer_score(signals):
    course = Course(weight=10.0)
    call(course.block("budi"), "submit", {"text": GOOD_TEXT, "confirm": True})
    grade(course, {"empati": "cukup", "integritas": "baik"})
    assert (signals[0]["points_earned"], signals[0]["points_possible"]) == (7, 10)
    assert course.block(None).max_score() == 10


def test_staff_release_holds_the_score_until_released(signals):
    course = Course(grade_release="staff")
    call(course.block("budi"), "submit", {"text": GOOD_TEXT, "confirm": True})
    call(course.block("budi"), "self_assess", {"selections": FULL_MARKS})
    assert grade(course)[0] == 200
    assert signals == []
    assert call(course.block("budi"), "learner_state")[1]["state"]["step"] == "waiting"
    staff = course.block("staff1", staff=True)
    assert call(staff, "staff_queue", {"filter": "all"})[1]["unreleased"] == 1
    assert call(staff, "release_grades")[1] == {"released": 1}
    assert [(s["anonymous_user_id"], s["points_earned"]) for s in signals] == [(anonymous_id("budi"), 6)]
    assert staff.runtime.events("rubric_reflection.released")[0]["count"] == 1
    assert call(staff, "release_grades")[1] == {"released": 0}
    assert call(course.block("budi"), "learner_state")[1]["state"]["step"] == "done"
    # A change after release goes to the gradebook at once.
    grade(course, {"empati": "belum", "integritas": "baik"}, expected_version=1)
    assert signals[-1]["points_earned"] == 2


def test_self_assessment_only_grades_itself(signals):
    course = Course(staff_assessment=False)
    call(course.block("budi"), "submit", {"text": GOOD_TEXT, "confirm": True})
    assert call(course.block("budi"), "self_assess",
                {"selections": {"empati": "cukup", "integritas": "belum"}})[1]["state"]["step"] == "done"
    assert [(s["anonymous_user_id"], s["points_earned"], s["points_possible"]) for s in signals] == [
        (anonymous_id("budi"), 2, 6)]
    assert call(course.block("staff1", staff=True), "staff_grade", {})[1]["error"]["code"] == "STEP_DISABLED"


def test_no_self_assessment_step_goes_straight_to_waiting():
    course = Course(self_assessment=False)
    body = call(course.block("budi"), "submit", {"text": GOOD_TEXT, "confirm": True})[1]
    assert body["state"]["step"] == "waiting"
    assert call(course.block("budi"), "self_assess", {"selections": FULL_MARKS})[1]["error"]["code"] == \
        "STEP_DISABLED"


def unbound_block(**fields):
    """A block with no user service at all, as the LMS's block-structure collection sees it."""
    runtime = TestRuntime(services={"field-data": KvsFieldData(DictKeyValueStore())})
    block = runtime.construct_xblock_from_class(RubricReflectionBlock,
                                                ScopeIds(None, "rubric_reflection", "d", "u"))
    for name, value in fields.items():
        setattr(block, name, value)
    return block


def test_max_score_and_student_view_data_need_no_user():
    block = unbound_block()
    assert block.max_score() == 2
    data = block.student_view_data()
    assert data["rubric"]["criteria"][0]["levels"][2]["points"] == 2
    assert data["linked_simulation"] is None and data["grade_release"] == "immediate"
    block.rubric = {"criteria": "broken"}
    assert block.max_score() is None and block.student_view_data()["rubric"] is None


def test_generate_report_data(submitted):
    class UserState:
        def __init__(self, username, state):
            self.username, self.state = username, state
            self.block_key, self.updated, self.scope = USAGE, datetime.datetime.now(), Scope.user_state

    uuid = Reflection.objects.get().submission_uuid
    rows = list(unbound_block().generate_report_data(iter([
        UserState("budi", {"submission_uuid": uuid, "submitted_at": "2026-01-01T00:00:00", "draft": GOOD_TEXT}),
        UserState("sari", {"draft": "baru dua"}),
        UserState("rudi", {}),
    ]), limit_responses=2))
    assert [name for name, _ in rows] == ["budi", "sari"]
    assert rows[0][1]["Answer"] == GOOD_TEXT and rows[0][1]["Submitted"] is True
    assert rows[1][1] == {"Submitted": False, "Submitted at": "", "Draft words": 2, "Answer": ""}


def test_every_field_has_an_explicit_scope_and_help():
    authoring = {"display_name", "prompt", "rubric", "min_words", "max_words", "self_assessment",
                 "staff_assessment", "grade_release", "linked_simulation", "weight"}
    learner = {"draft", "draft_saved_at", "submission_uuid", "submitted_at"}
    for name in authoring | learner:
        field = RubricReflectionBlock.fields[name]
        assert field.help, name
        expected = Scope.user_state if name in learner else (Scope.content if name in ("prompt", "rubric")
                                                              else Scope.settings)
        assert field.scope == expected, name
    assert RubricReflectionBlock.has_score is True


@pytest.mark.django_db(transaction=True)
def test_migrations_are_complete_and_apply():
    out = StringIO()
    call_command("makemigrations", "rubric_xblock", "--check", "--dry-run", stdout=out)
    call_command("migrate", "rubric_xblock", "zero", verbosity=0)
    call_command("migrate", "rubric_xblock", verbosity=0)
    assert Reflection.objects.count() == 0
