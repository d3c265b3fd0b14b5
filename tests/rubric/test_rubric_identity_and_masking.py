"""Reflections: the submission's identity in the rubric tables, masking wherever staff read
learner text (issue 14, defects 4 and 6).

Defect 4: an autosave racing the submit wrote the learner's whole user state back without
``submission_uuid`` (11 of 90 races); the old code then took drafts again and the report
showed the learner as not submitted. The lost write is reproduced here exactly: the user-state
field is gone, the rubric table still has the row.
"""
from collections import namedtuple

from rubric_support import GOOD_TEXT, SIM_USAGE, Course, call, error_code

from rubric_xblock.models import Reflection

UserState = namedtuple("UserState", "username state")
NIK, PHONE, EMAIL = "3671012345678901", "0812-3456-7890", "budi.santoso@example.go.id"


def lose_submission_uuid(course, username):
    """What the racing autosave did: its stale user state, without the uuid, written last."""
    block = course.block(username)
    del block.submission_uuid
    del block.submitted_at
    block.save()
    assert course.block(username).submission_uuid == ""


def test_a_draft_after_submit_is_refused_even_when_user_state_lost_the_uuid(submitted):
    lose_submission_uuid(submitted, "budi")
    result = call(submitted.block("budi"), "save_draft", {"text": "teks baru setelah kirim"})
    assert result[0] == 409 and error_code(result) == "ALREADY_SUBMITTED"
    state = call(submitted.block("budi"), "learner_state")[1]["state"]
    assert state["submission"] is not None and state["step"] != "write"
    result = call(submitted.block("budi"), "submit", {"text": GOOD_TEXT + " lagi", "confirm": True})
    assert result[0] == 409 and Reflection.objects.count() == 1


def test_the_report_reads_the_submission_from_the_rubric_table(submitted):
    lose_submission_uuid(submitted, "budi")
    block = submitted.block("staff1", staff=True)
    rows = dict(block.generate_report_data(iter([UserState("budi", {"draft": GOOD_TEXT})])))
    assert rows["budi"]["Submitted"] is True and rows["budi"]["Answer"] == GOOD_TEXT
    assert rows["budi"]["Submitted at"] == Reflection.objects.get().submitted_at.isoformat()


def test_staff_read_comments_summary_and_report_masked_until_revealed(db):
    course = Course(linked_simulation=SIM_USAGE)
    course.sim_states[("budi", SIM_USAGE)] = {"history": [{
        "attempt": 1, "ending": "tutup", "ending_title": "Selesai", "quality": "good", "points": 3, "max_points": 4,
        "competencies": {}, "duties": {},
        "path": [{"node": "catat", "text": "Isi catatan.", "choice_text": f"Warga NIK {NIK}, HP {PHONE}"}]}]}
    text = f"{GOOD_TEXT} Surel warga {EMAIL}."
    assert call(course.block("budi"), "submit", {"text": text, "confirm": True, "personal_data_ok": True})[0] == 200
    learner = course.block("budi")
    result = call(learner, "self_assess", {
        "selections": {"empati": "baik", "integritas": "baik"},
        "comments": {"empati": f"NIK saya {NIK}", "catatan": f"telepon {PHONE}"},
        "overall_comment": f"hubungi {EMAIL} atau {PHONE}"})
    assert result[0] == 200, result
    staff = course.block("staff1", staff=True)
    uuid = Reflection.objects.get().submission_uuid
    shown = call(staff, "staff_submission", {"submission_uuid": uuid})[1]["submission"]
    blob = repr({key: shown[key] for key in ("text", "self_assessment", "simulation")})
    for secret in (NIK, PHONE, EMAIL, "3456"):
        assert secret not in blob, secret
    assert "@" in shown["text"] and shown["masked"] is True
    revealed = call(staff, "staff_submission", {"submission_uuid": uuid, "reveal": True})[1]["submission"]
    assert NIK in repr(revealed["self_assessment"]) and PHONE in repr(revealed["simulation"])
    assert EMAIL in revealed["text"]
    assert staff.runtime.events("rubric_reflection.personal_data_revealed")
    rows = dict(staff.generate_report_data(iter([UserState("budi", {})])))
    assert EMAIL not in rows["budi"]["Answer"] and GOOD_TEXT in rows["budi"]["Answer"]


def test_the_learner_sees_their_own_text_unmasked(db):
    course = Course(linked_simulation=SIM_USAGE)
    course.sim_states[("budi", SIM_USAGE)] = {"history": [{
        "attempt": 1, "ending": "tutup", "ending_title": "Selesai", "quality": "good", "points": 3, "max_points": 4,
        "competencies": {}, "duties": {},
        "path": [{"node": "catat", "text": "Isi catatan.", "choice_text": f"Warga NIK {NIK}"}]}]}
    state = call(course.block("budi"), "learner_state")[1]["state"]
    assert NIK in repr(state["simulation"])
