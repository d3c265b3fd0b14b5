"""The block's handlers through the real dispatch path (``block.handle``), on the test DB."""
import json

import pytest
from rubric_support import FULL_MARKS, GOOD_TEXT, OTHER_USAGE, SIM_USAGE, Course, anonymous_id, call, error_code

from rubric_xblock.models import Assessment, AssessmentChange, Reflection

pytestmark = pytest.mark.django_db

LEARNER_HANDLERS = ["learner_state", "save_draft", "submit", "self_assess"]
STAFF_HANDLERS = ["staff_queue", "staff_submission", "staff_grade", "release_grades", "export_csv"]


# -- the learner's path ----------------------------------------------------------------------

def test_draft_is_saved_and_restored(course):
    status, body = call(course.block("budi"), "save_draft", {"text": "Draf pertama saya"})
    assert status == 200 and body["words"] == 3 and body["personal_data"] == []
    state = call(course.block("budi"), "learner_state")[1]["state"]
    assert state["step"] == "write" and state["draft"]["text"] == "Draf pertama saya"
    assert call(course.block("sari"), "learner_state")[1]["state"]["draft"]["text"] == ""


def test_draft_warns_about_personal_data(course):
    body = call(course.block("budi"), "save_draft", {"text": "NIK 3671012345678901, HP 0812-3456-7890"})[1]
    assert body["personal_data"] == ["nik", "phone"]


def test_submit_then_self_assess_then_wait(course):
    block = course.block("budi")
    status, body = call(block, "submit", {"text": GOOD_TEXT, "confirm": True})
    assert status == 200
    assert body["state"]["step"] == "self" and body["state"]["submission"]["text"] == GOOD_TEXT
    assert block.runtime.events("completion") == [{"completion": 1.0}]
    assert block.runtime.events("rubric_reflection.submitted")[0]["words"] == len(GOOD_TEXT.split())
    status, body = call(course.block("budi"), "self_assess",
                        {"selections": {"empati": "cukup", "integritas": "baik"},
                         "comments": {"catatan": "Saya akan lebih cepat merujuk."}})
    assert status == 200 and body["state"]["step"] == "waiting"
    assert body["state"]["self_assessment"]["points_earned"] == 4
    assert body["state"]["result"] is None


def test_submit_twice_is_409_and_stores_one(submitted):
    block = submitted.block("budi")
    status, body = call(block, "submit", {"text": GOOD_TEXT, "confirm": True})
    assert status == 409 and body["error"]["code"] == "ALREADY_SUBMITTED"
    assert Reflection.objects.count() == 1
    # Even with the learner's own state lost (two tabs, stale field), the DB refuses.
    block.submission_uuid = ""
    assert error_code(call(block, "submit", {"text": GOOD_TEXT, "confirm": True})) == "ALREADY_SUBMITTED"
    from submissions import api
    assert len(api.get_submissions({"student_id": "anon-budi", "course_id": "course-v1:Tangerang+PPM101+2026",
                                    "item_id": str(submitted.usage), "item_type": "rubric_reflection"})) == 1


def test_a_submit_writes_its_reflection_and_every_queue_flag_in_two_statements(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    course = Course(agreement_share=100)  # every submission in the agreement sample
    with CaptureQueriesContext(connection) as queries:
        assert call(course.block("budi"), "submit", {"text": GOOD_TEXT, "confirm": True})[0] == 200
    writes = [q["sql"] for q in queries.captured_queries if "rubric_xblock_reflection" in q["sql"]
              and not q["sql"].startswith("SELECT")]
    # The row first (it claims the learner's one slot), then one UPDATE with the edx-submission's
    # uuid and the sample flag the uuid decides: no later write to fix the flags up.
    assert [w.split()[0] for w in writes] == ["INSERT", "UPDATE"], writes
    assert '"submission_uuid"' in writes[1] and '"sampled"' in writes[1]
    reflection = Reflection.objects.get()
    assert reflection.sampled is True and reflection.submission_uuid and reflection.needs_second is False
    from submissions import api
    assert api.get_submission(reflection.submission_uuid)["attempt_number"] == 1


def test_draft_after_submit_is_409(submitted):
    assert error_code(call(submitted.block("budi"), "save_draft", {"text": "lagi"})) == "ALREADY_SUBMITTED"


@pytest.mark.parametrize(("payload", "code"), [
    ({"text": "", "confirm": True}, "EMPTY_TEXT"),
    ({"text": "   \n ", "confirm": True}, "EMPTY_TEXT"),
    ({"text": "terlalu pendek", "confirm": True}, "TOO_FEW_WORDS"),
    ({"text": "kata " * 201, "confirm": True}, "TOO_MANY_WORDS"),
    ({"text": "x" * 30001, "confirm": True}, "TEXT_TOO_LONG"),
    ({"text": 42, "confirm": True}, "BAD_TEXT"),
    ({"text": None, "confirm": True}, "BAD_TEXT"),
    ({"text": GOOD_TEXT}, "NOT_CONFIRMED"),
    ({"text": GOOD_TEXT, "confirm": "yes"}, "NOT_CONFIRMED"),
    ({"text": GOOD_TEXT + " hubungi 081234567890", "confirm": True}, "PERSONAL_DATA"),
])
def test_bad_submissions_are_400_and_change_nothing(course, payload, code):
    status, body = call(course.block("budi"), "submit", payload)
    assert status == 400 and body["error"]["code"] == code and body["error"]["message"]
    assert Reflection.objects.count() == 0


def test_personal_data_can_be_confirmed(course):
    payload = {"text": GOOD_TEXT + " hubungi 081234567890", "confirm": True, "personal_data_ok": True}
    assert call(course.block("budi"), "submit", payload)[0] == 200


def test_self_assessment_before_submitting_is_409(course):
    assert error_code(call(course.block("budi"), "self_assess", {"selections": FULL_MARKS})) == "NOT_SUBMITTED"


@pytest.mark.parametrize(("payload", "code"), [
    ({"selections": {"empati": "baik"}}, "MISSING_CRITERION"),
    ({"selections": {**FULL_MARKS, "hantu": "baik"}}, "UNKNOWN_CRITERION"),
    ({"selections": {"empati": "luar-biasa", "integritas": "baik"}}, "UNKNOWN_LEVEL"),
    ({"selections": {**FULL_MARKS, "catatan": "baik"}}, "UNKNOWN_LEVEL"),
    ({"selections": {"empati": ["baik"], "integritas": "baik"}}, "UNKNOWN_LEVEL"),
    ({"selections": "baik"}, "BAD_ASSESSMENT"),
    ({"selections": FULL_MARKS, "comments": ["x"]}, "BAD_ASSESSMENT"),
    ({"selections": FULL_MARKS, "comments": {"empati": 5}}, "BAD_COMMENT"),
    ({"selections": FULL_MARKS, "comments": {"empati": "x" * 5000}}, "COMMENT_TOO_LONG"),
])
def test_bad_self_assessments_are_400(submitted, payload, code):
    status, body = call(submitted.block("budi"), "self_assess", payload)
    assert (status, body["error"]["code"]) == (400, code)
    assert Assessment.objects.count() == 0


def test_self_assessment_twice_is_409(submitted):
    assert call(submitted.block("budi"), "self_assess", {"selections": FULL_MARKS})[0] == 200
    assert error_code(call(submitted.block("budi"), "self_assess", {"selections": FULL_MARKS})) == \
        "ALREADY_SELF_ASSESSED"
    assert Assessment.objects.count() == 1


def test_anonymous_user_changes_nothing(course):
    block = course.block(None)
    for handler, payload in [("save_draft", {"text": "x"}), ("submit", {"text": GOOD_TEXT, "confirm": True}),
                             ("self_assess", {"selections": FULL_MARKS})]:
        assert call(block, handler, payload) == (403, call(block, handler, payload)[1])
        assert error_code(call(block, handler, payload)) == "NOT_SIGNED_IN"
    assert call(block, "learner_state")[0] == 200
    assert Reflection.objects.count() == 0


# -- bad requests of every kind never give a 500 -----------------------------------------------

@pytest.mark.parametrize("handler", LEARNER_HANDLERS + STAFF_HANDLERS)
@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b"\"text\"", b"null", b"\xff\xfe", b"{" * 5000,
                                 json.dumps({"text": "x" * 400_000}).encode()])
def test_malformed_bodies_are_4xx(course, handler, raw):
    status, body = call(course.block("staff1", staff=True), handler, raw=raw)
    assert 400 <= status < 500, (status, body)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}


@pytest.mark.parametrize("handler", LEARNER_HANDLERS + STAFF_HANDLERS)
@pytest.mark.parametrize("payload", [
    {"text": {"a": 1}, "selections": [], "comments": "x", "submission_uuid": ["u"], "expected_version": "1",
     "filter": 3, "offset": -1, "reveal": "yes", "confirm": 1},
    {"text": "x" * 200_000, "submission_uuid": "y" * 100_000, "selections": {"empati": "z" * 100_000}},
])
def test_wrong_types_are_never_500(submitted, handler, payload):
    for block in (submitted.block("budi"), submitted.block("staff1", staff=True)):
        status, _body = call(block, handler, payload)
        assert status < 500


@pytest.mark.parametrize("handler", LEARNER_HANDLERS + STAFF_HANDLERS)
def test_empty_body_means_empty_object(course, handler):
    status, _body = call(course.block("staff1", staff=True), handler, raw=b"")
    assert status < 500


def test_get_is_405(course):
    status, body = call(course.block("budi"), "learner_state", method="GET")
    assert (status, body["error"]["code"]) == (405, "METHOD_NOT_ALLOWED")


# -- staff -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("handler", STAFF_HANDLERS)
def test_learner_calling_staff_handler_is_403(submitted, handler):
    uuid = Reflection.objects.get().submission_uuid
    payload = {"submission_uuid": uuid, "selections": FULL_MARKS, "expected_version": 0}
    status, body = call(submitted.block("budi"), handler, payload)
    assert (status, body["error"]["code"]) == (403, "STAFF_ONLY")
    assert Assessment.objects.count() == 0


def test_staff_queue_counts_and_filters(submitted):
    call(submitted.block("sari"), "submit", {"text": GOOD_TEXT, "confirm": True})
    staff = submitted.block("staff1", staff=True)
    body = call(staff, "staff_queue", {"filter": "ungraded"})[1]
    assert {k: body["counts"][k] for k in ("ungraded", "graded", "all")} == {"ungraded": 2, "graded": 0, "all": 2}
    assert [item["username"] for item in body["items"]] == ["budi", "sari"]
    uuid = body["items"][0]["submission_uuid"]
    assert call(staff, "staff_grade", {"submission_uuid": uuid, "selections": FULL_MARKS,
                                       "expected_version": 0})[0] == 200
    body = call(staff, "staff_queue", {"filter": "graded"})[1]
    assert {k: body["counts"][k] for k in ("ungraded", "graded", "all")} == {"ungraded": 1, "graded": 1, "all": 2}
    assert body["items"][0]["points_earned"] == 6 and body["items"][0]["grader"] == "staff1"
    assert error_code(call(staff, "staff_queue", {"filter": "semua"})) == "BAD_FILTER"


def test_staff_sees_masked_text_until_revealed(course):
    text = GOOD_TEXT + " NIK warga 3671012345678901."
    call(course.block("budi"), "submit", {"text": text, "confirm": True, "personal_data_ok": True})
    staff = course.block("staff1", staff=True)
    uuid = Reflection.objects.get().submission_uuid
    body = call(staff, "staff_submission", {"submission_uuid": uuid})[1]["submission"]
    assert "3671012345678901" not in body["text"] and body["masked"] is True
    assert "••••••••••••••••" in body["text"]
    body = call(staff, "staff_submission", {"submission_uuid": uuid, "reveal": True})[1]["submission"]
    assert body["text"] == text and body["masked"] is False
    assert staff.runtime.events("rubric_reflection.personal_data_revealed")


def test_grade_flow_result_and_gaps(submitted):
    call(submitted.block("budi"), "self_assess", {"selections": {"empati": "baik", "integritas": "baik"}})
    staff = submitted.block("staff1", staff=True)
    uuid = Reflection.objects.get().submission_uuid
    status, body = call(staff, "staff_grade", {
        "submission_uuid": uuid, "selections": {"empati": "cukup", "integritas": "baik"},
        "comments": {"empati": "Sapa warga lebih dulu.", "catatan": "Rencana perbaikan jelas."},
        "overall_comment": "Bagus.", "expected_version": 0})
    assert status == 200 and body["submission"]["version"] == 1
    assert staff.runtime.events("rubric_reflection.staff_graded")[0]["points_earned"] == 4
    state = call(submitted.block("budi"), "learner_state")[1]["state"]
    assert state["step"] == "done"
    result = state["result"]
    assert (result["points_earned"], result["points_possible"], result["score"], result["score_possible"]) == \
        (4, 6, 4, 6)
    assert {row["criterion_id"]: row["gap"] for row in result["gaps"]} == {"empati": 2, "integritas": 0}
    assert result["parts"][2] == {"criterion_id": "catatan", "level_id": None, "points": None,
                                  "comment": "Rencana perbaikan jelas."}


def test_staff_events_name_nobody(submitted):
    # Grading, releasing and revealing are tracked with the staff member's anonymous id: no
    # username (the runtime's event context already says which user acted).
    uuid = Reflection.objects.get().submission_uuid
    staff = submitted.block("staff1", staff=True)
    call(staff, "staff_submission", {"submission_uuid": uuid, "reveal": True})
    call(staff, "staff_grade", {"submission_uuid": uuid, "selections": FULL_MARKS, "expected_version": 0})
    call(staff, "release_grades", {})
    graded = staff.runtime.events("rubric_reflection.staff_graded")
    released = staff.runtime.events("rubric_reflection.released")
    revealed = staff.runtime.events("rubric_reflection.personal_data_revealed")
    assert len(graded) == len(released) == len(revealed) == 1
    assert graded[0]["grader_id"] == revealed[0]["by_id"] == released[0]["by_id"] == anonymous_id("staff1")
    for _name, payload in staff.runtime.published:
        assert not {"grader", "by", "username"} & set(payload), payload
        assert not {"staff1", "budi"} & {v for v in payload.values() if isinstance(v, str)}, payload


def test_regrade_keeps_audit_trail(submitted):
    staff = submitted.block("staff1", staff=True)
    uuid = Reflection.objects.get().submission_uuid
    call(staff, "staff_grade", {"submission_uuid": uuid, "selections": FULL_MARKS, "expected_version": 0})
    other = submitted.block("staff2", staff=True)
    status, body = call(other, "staff_grade", {"submission_uuid": uuid, "expected_version": 1,
                                               "selections": {"empati": "belum", "integritas": "baik"}})
    assert status == 200
    history = body["submission"]["history"]
    assert [(h["action"], h["by"], h["version"]) for h in history] == [
        ("created", "staff1", 1), ("released", "staff1", 1), ("changed", "staff2", 2)]
    assert history[2]["previous"]["points_earned"] == 6 and history[2]["previous"]["grader"] == "staff1"
    assert AssessmentChange.objects.count() == 3


def test_concurrent_grading_is_409_never_silent_overwrite(submitted):
    uuid = Reflection.objects.get().submission_uuid
    first, second = submitted.block("staff1", staff=True), submitted.block("staff2", staff=True)
    # Both open the ungraded submission (version 0).
    assert call(first, "staff_submission", {"submission_uuid": uuid})[1]["submission"]["version"] == 0
    assert call(second, "staff_submission", {"submission_uuid": uuid})[1]["submission"]["version"] == 0
    assert call(first, "staff_grade", {"submission_uuid": uuid, "selections": FULL_MARKS,
                                       "expected_version": 0})[0] == 200
    status, body = call(second, "staff_grade", {"submission_uuid": uuid, "expected_version": 0,
                                                "selections": {"empati": "belum", "integritas": "belum"}})
    assert (status, body["error"]["code"]) == (409, "STALE_ASSESSMENT")
    # Later edits by the first grader with an old version are refused too.
    call(first, "staff_grade", {"submission_uuid": uuid, "selections": FULL_MARKS, "expected_version": 1})
    assert error_code(call(second, "staff_grade", {"submission_uuid": uuid, "selections": FULL_MARKS,
                                                   "expected_version": 1})) == "STALE_ASSESSMENT"
    model = Assessment.objects.get(kind="staff")
    assert (model.points_earned, model.grader_username, model.version) == (6, "staff1", 2)


def test_grading_a_submission_of_another_block_is_404(submitted):
    other = Course(usage=OTHER_USAGE)
    call(other.block("sari"), "submit", {"text": GOOD_TEXT, "confirm": True})
    foreign = Reflection.objects.get(username="sari").submission_uuid
    staff = submitted.block("staff1", staff=True)
    for handler in ("staff_submission", "staff_grade"):
        status, body = call(staff, handler, {"submission_uuid": foreign, "selections": FULL_MARKS,
                                             "expected_version": 0})
        assert (status, body["error"]["code"]) == (404, "SUBMISSION_NOT_FOUND")
    assert error_code(call(staff, "staff_submission", {"submission_uuid": "nope"})) == "SUBMISSION_NOT_FOUND"


@pytest.mark.parametrize(("payload", "code"), [
    ({"selections": FULL_MARKS}, "BAD_VERSION"),
    ({"selections": FULL_MARKS, "expected_version": True}, "BAD_VERSION"),
    ({"selections": FULL_MARKS, "expected_version": -1}, "BAD_VERSION"),
    ({"selections": {"empati": "baik"}, "expected_version": 0}, "MISSING_CRITERION"),
    ({"selections": {"empati": "baik", "integritas": "x"}, "expected_version": 0}, "UNKNOWN_LEVEL"),
])
def test_bad_grades_are_400(submitted, payload, code):
    uuid = Reflection.objects.get().submission_uuid
    status, body = call(submitted.block("staff1", staff=True), "staff_grade", {"submission_uuid": uuid, **payload})
    assert (status, body["error"]["code"]) == (400, code)


def test_csv_export(submitted):
    staff = submitted.block("staff1", staff=True)
    uuid = Reflection.objects.get().submission_uuid
    call(staff, "staff_grade", {"submission_uuid": uuid, "selections": FULL_MARKS, "expected_version": 0})
    body = call(staff, "export_csv")[1]
    lines = body["csv"].strip().splitlines()
    assert lines[0].startswith("username,submitted_at,words,empati,integritas,points_earned,points_possible")
    assert lines[1].startswith("budi,") and ",4,2,6,6,6,6," in lines[1] and "staff1" in lines[1]
    assert body["filename"].endswith(".csv")


def test_csv_guards_formulas(course):
    course_block = course.block("=cmd|calc", staff=False)
    call(course_block, "submit", {"text": GOOD_TEXT, "confirm": True})
    csv_text = call(course.block("staff1", staff=True), "export_csv")[1]["csv"]
    assert "\n'=cmd|calc," in csv_text


# -- the linked role-play run ---------------------------------------------------------------------

HISTORY = [{"attempt": 1, "ending": "tutup", "ending_title": "Pengaduan tertangani", "quality": "good",
            "points": 14, "max_points": 16,
            "competencies": {"empati": {"label": "Empati", "earned": 4, "max": 4}},
            "duties": {"tolak-gratifikasi": {"label": "Menolak gratifikasi", "status": "met"},
                       "tenggat": {"label": "Menyebut tenggat", "status": "missed"}},
            "path": [{"node": "pembuka", "text": "Pak, ini sudah tiga bulan!", "choice_text": "Selamat pagi."}]}]


def test_linked_run_is_shown_to_learner_and_staff():
    course = Course(linked_simulation=SIM_USAGE)
    course.sim_states[("budi", SIM_USAGE)] = {"history": HISTORY}
    block = course.block("budi")
    state = call(block, "learner_state")[1]["state"]
    assert state["simulation"]["ending_title"] == "Pengaduan tertangani"
    assert [d["status"] for d in state["simulation"]["duties"]] == ["met", "missed"]
    assert block.runtime.service(block, "user_state").calls == [("budi", SIM_USAGE)]
    call(block, "submit", {"text": GOOD_TEXT, "confirm": True})
    staff = course.block("staff1", staff=True)
    uuid = Reflection.objects.get().submission_uuid
    assert call(staff, "staff_submission", {"submission_uuid": uuid})[1]["submission"]["simulation"]["points"] == 14


def test_linked_run_degrades_without_service_or_with_junk():
    course = Course(linked_simulation=SIM_USAGE)
    assert call(course.block("budi", user_state=False), "learner_state")[1]["state"]["simulation"] is None
    course.sim_states[("budi", SIM_USAGE)] = {"history": "rusak"}
    assert call(course.block("budi"), "learner_state")[1]["state"]["simulation"] is None
    course.sim_states[("budi", SIM_USAGE)] = {"history": [{"quality": "excellent", "duties": [1], "path": "x"}]}
    sim = call(course.block("budi"), "learner_state")[1]["state"]["simulation"]
    assert sim["quality"] is None and sim["duties"] == [] and sim["path"] == []


TWO_RUNS = [{**HISTORY[0], "attempt": 1, "points": 16, "max_points": 16, "critical_breaches": []},
            {**HISTORY[0], "attempt": 2, "points": 0, "max_points": 16, "ending_title": "Gratifikasi diterima",
             "critical_breaches": ["tolak-gratifikasi"]}]


class LinkedRolePlay:
    """What ``runtime.get_block`` returns for the linked role-play: its settings fields."""

    def __init__(self, grading_policy):
        self.grading_policy = grading_policy


def linked_block(course, username, policy, staff=False):
    block = course.block(username, staff=staff)
    asked = []

    def get_block(key):
        asked.append(str(key))
        if policy is None:
            raise LookupError(key)
        return LinkedRolePlay(policy)

    block.runtime.get_block = get_block
    return block, asked


@pytest.mark.parametrize(("policy", "attempt", "points"), [("best", 1, 16), ("last", 2, 0), (None, 1, 16),
                                                          ("junk", 1, 16)])
def test_the_run_shown_is_the_one_the_role_play_counts(policy, attempt, points):
    course = Course(linked_simulation=SIM_USAGE)
    course.sim_states[("budi", SIM_USAGE)] = {"history": TWO_RUNS}
    block, asked = linked_block(course, "budi", policy)
    sim = call(block, "learner_state")[1]["state"]["simulation"]
    assert asked == [SIM_USAGE]
    assert (sim["attempt"], sim["points"], sim["attempts"]) == (attempt, points, 2)
    assert sim["counted_by"] == ("last" if policy == "last" else "best")
    # The breach flag reads the same counted run: only the counted 0/16 retry breached.
    block, asked = linked_block(course, "budi", policy)
    state = call(block, "submit", {"text": GOOD_TEXT, "confirm": True})[1]["state"]
    assert Reflection.objects.get().breached is (policy == "last")
    assert state["simulation"]["attempt"] == attempt
    # One read of the learner's run and one of the role-play's policy serve the flag and the state.
    assert block.runtime.service(block, "user_state").calls == [("budi", SIM_USAGE)] and asked == [SIM_USAGE]
    staff, _asked = linked_block(course, "staff1", policy, staff=True)
    uuid = Reflection.objects.get().submission_uuid
    shown = call(staff, "staff_submission", {"submission_uuid": uuid})[1]["submission"]["simulation"]
    assert shown["attempt"] == attempt
