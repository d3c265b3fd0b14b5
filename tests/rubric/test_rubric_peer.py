"""Peer review with training, the median and staff override, agreement, appeals: through the
real handler dispatch, with edx-submissions and this app's models."""
from datetime import timedelta

import pytest
from django.utils import timezone
from rubric_support import FULL_MARKS, GOOD_TEXT, Course, call, error_code
from submissions import api as submissions_api

from rubric_xblock.models import Appeal, Assessment, AssessmentChange, PeerAllocation, Reflection

LOW = {"empati": "belum", "integritas": "belum"}
MID = {"empati": "cukup", "integritas": "baik"}
NIK_TEXT = GOOD_TEXT + " NIK saya 3671012345678901."


def _peer_course(**fields):
    return Course(grading_mode="peer", peer_training=False, self_assessment=False, **fields)


def _submit(course, names, text=GOOD_TEXT):
    for name in names:
        status, body = call(course.block(name), "submit", {"text": text, "confirm": True, "personal_data_ok": True})
        assert status == 200, body


def _review(course, name, selections=MID):
    status, body = call(course.block(name), "peer_next")
    assert status == 200, body
    review = body["review"]
    assert review is not None, body
    status, body = call(course.block(name), "peer_assess", {"submission_uuid": review["submission_uuid"],
                                                           "selections": selections,
                                                           "comments": {"catatan": "Rujukan sudah tepat."}})
    assert status == 200, body
    return review, body["state"]


def _score(course, name):
    course_id, item_id = course.block(name)._ids()
    return submissions_api.get_score({"student_id": f"anon-{name}", "course_id": course_id, "item_id": item_id,
                                      "item_type": "rubric_reflection"})


def test_a_learner_never_reviews_their_own_and_sees_it_masked_and_anonymous(db):
    course = _peer_course()
    _submit(course, ["budi"], NIK_TEXT)
    _submit(course, ["sari"])
    body = call(course.block("sari"), "peer_next")[1]
    assert body["review"]["text"].count("3671012345678901") == 0 and "budi" not in str(body)
    assert call(course.block("budi"), "peer_next")[1]["review"]["submission_uuid"] != \
        Reflection.objects.get(username="budi").submission_uuid
    # Only two learners: after budi reviewed sari there is nobody else for him.
    _review(course, "budi")
    assert call(course.block("budi"), "peer_next")[1]["review"] is None


def test_allocation_is_fewest_first_and_serves_late_learners(db):
    course = _peer_course()
    _submit(course, ["a1", "a2", "a3", "a4"])
    for name in ("a1", "a2", "a3", "a4"):
        for _ in range(3):
            _review(course, name)
    assert sorted(Reflection.objects.values_list("peer_done", flat=True)) == [3, 3, 3, 3]
    _submit(course, ["late"])
    # A learner reviewing after the late one submitted gets the late one first (0 reviews).
    _submit(course, ["a5"])
    body = call(course.block("a5"), "peer_next")[1]
    assert body["review"]["submission_uuid"] == Reflection.objects.get(username="late").submission_uuid


def test_reviews_given_in_another_block_of_the_course_neither_count_nor_block_here(db):
    from rubric_support import OTHER_USAGE

    first, other = _peer_course(peer_count=1), _peer_course(usage=OTHER_USAGE, peer_count=1)
    for course in (first, other):
        _submit(course, ["budi", "sari"])
    _review(other, "budi")  # budi's one review, in the other block (the same anonymous id)
    assert call(other.block("budi"), "learner_state")[1]["state"]["peer"]["done"] == 1
    assert call(first.block("budi"), "learner_state")[1]["state"]["peer"]["done"] == 0
    review = call(first.block("budi"), "peer_next")[1]["review"]  # not "done", nor the other block's open one
    assert review["submission_uuid"] == Reflection.objects.get(item_id=str(first.usage),
                                                               username="sari").submission_uuid


def test_a_review_of_a_submission_not_allocated_is_403_and_twice_is_409(db):
    course = _peer_course()
    _submit(course, ["budi", "sari", "rina"])
    rina = Reflection.objects.get(username="rina").submission_uuid
    status, body = call(course.block("budi"), "peer_assess", {"submission_uuid": rina, "selections": MID})
    allocated = call(course.block("budi"), "peer_next")[1]["review"]["submission_uuid"]
    if allocated == rina:   # allocation is fewest-first; make sure the refused one was not his
        pytest.fail("rina's reflection was allocated before peer_next was called")
    assert (status, body["error"]["code"]) == (403, "NOT_ALLOCATED")
    assert Assessment.objects.filter(kind="peer").count() == 0
    payload = {"submission_uuid": allocated, "selections": MID}
    assert call(course.block("budi"), "peer_assess", payload)[0] == 200
    assert error_code(call(course.block("budi"), "peer_assess", payload)) == "ALREADY_REVIEWED"
    assert error_code(call(course.block("budi"), "peer_assess", {"submission_uuid": "nope", "selections": MID})) \
        == "NOT_ALLOCATED"


def test_the_median_becomes_the_grade_once_m_reviews_exist_and_staff_can_override(db):
    course = _peer_course(peer_minimum=3)
    _submit(course, ["budi", "r1", "r2", "r3"])
    budi = Reflection.objects.get(username="budi")
    # Everyone reviews three: fewest-first spreads them, so budi is reviewed by r1, r2 and r3.
    for name, levels in (("r1", LOW), ("r2", MID), ("r3", FULL_MARKS)):
        for _ in range(3):
            _review(course, name, levels)
    assert set(PeerAllocation.objects.filter(reflection=budi).values_list("reviewer_id", flat=True)) == \
        {"anon-r1", "anon-r2", "anon-r3"}
    median = Assessment.objects.get(reflection=budi, kind="median")
    assert (median.points_earned, median.points_possible) == (4, 6)  # cukup (2) + baik (2)
    assert (_score(course, "budi")["points_earned"]) == 4           # immediate release
    state = call(course.block("budi"), "learner_state")[1]["state"]
    # budi still owes his own reviews before he sees the result.
    assert state["step"] == "peer"
    for _ in range(3):
        _review(course, "budi")
    state = call(course.block("budi"), "learner_state")[1]["state"]
    assert state["step"] == "done" and state["result"]["by"] == "peers"
    assert [f["reviewer"] for f in state["peer_feedback"]] == [1, 2, 3]
    assert "r1" not in str(state["peer_feedback"]) and "anon-r1" not in str(state["peer_feedback"])
    assert state["peer_feedback"][0]["parts"][2]["comment"] == "Rujukan sudah tepat."
    # Staff override: the staff grade counts, and goes out at once (the median was out already).
    status, _body = call(course.block("staff1", staff=True), "staff_grade",
                         {"submission_uuid": budi.submission_uuid, "selections": LOW, "expected_version": 0})
    assert status == 200
    assert _score(course, "budi")["points_earned"] == 0
    state = call(course.block("budi"), "learner_state")[1]["state"]
    assert state["result"]["by"] == "staff" and state["result"]["points_earned"] == 0


def test_peer_then_staff_the_median_does_not_count(db):
    course = Course(grading_mode="peer_staff", peer_training=False, self_assessment=False, grade_release="staff")
    _submit(course, ["budi", "r1", "r2", "r3"])
    for name in ("r1", "r2", "r3"):
        for _ in range(3):
            _review(course, name, FULL_MARKS)
    assert Assessment.objects.filter(kind="median", reflection__username="budi").count() == 1
    assert call(course.block("staff1", staff=True), "release_grades", {"preview": True}) == (200, {"count": 0})
    staff = call(course.block("staff1", staff=True), "staff_submission",
                 {"submission_uuid": Reflection.objects.get(username="budi").submission_uuid})[1]["submission"]
    assert staff["peer_median"]["points_earned"] == 6 and staff["peer_reviews"] == 3


def test_training_comes_first_and_passes_within_one_level(db):
    course = Course(grading_mode="peer", self_assessment=False, training_tolerance=1)
    _submit(course, ["budi", "sari"], NIK_TEXT)
    staff = course.block("staff1", staff=True)
    example_uuid = Reflection.objects.get(username="sari").submission_uuid
    body = call(staff, "staff_add_example", {"submission_uuid": example_uuid, "selections": FULL_MARKS,
                                             "rationale": {"empati": "Mendengarkan sampai selesai."}})[1]
    assert len(body["examples"]) == 1 and "3671012345678901" not in body["examples"][0]["text"]
    assert call(course.block("budi"), "learner_state")[1]["state"]["step"] == "training"
    assert error_code(call(course.block("budi"), "peer_next")) == "TRAINING_REQUIRED"
    example = call(course.block("budi"), "training_next")[1]["example"]
    # Two levels off on empati: fails, and says where and why.
    status, body = call(course.block("budi"), "training_assess",
                        {"example_id": example["id"], "selections": {"empati": "belum", "integritas": "baik"}})
    assert status == 200 and body["result"]["passed"] is False
    row = body["result"]["rows"][0]
    assert (row["criterion_id"], row["distance"], row["ok"]) == ("empati", 2, False)
    assert row["rationale"] == "Mendengarkan sampai selesai."
    assert body["state"]["step"] == "training"
    # One level off passes (tolerance 1).
    body = call(course.block("budi"), "training_assess",
                {"example_id": example["id"], "selections": {"empati": "cukup", "integritas": "baik"}})[1]
    assert body["result"]["passed"] is True and body["training"]["done"] is True
    assert body["training"]["accuracy"] == 0.5   # first attempt: integritas exact, empati not
    assert body["state"]["step"] == "peer"
    accuracy = call(staff, "staff_examples", {"students": [Reflection.objects.get(username="budi").submission_uuid]})
    assert list(accuracy[1]["accuracy"].values())[0]["accuracy"] == 0.5
    assert error_code(call(course.block("budi"), "training_assess", {"example_id": 999, "selections": MID})) == \
        "EXAMPLE_NOT_FOUND"


def test_training_required_but_no_examples_blocks_peer_review(db):
    course = Course(grading_mode="peer", self_assessment=False)
    _submit(course, ["budi", "sari"])
    assert call(course.block("budi"), "training_next")[1] == {
        "example": None, "training": {"examples": 0, "passed": [], "next": None, "done": False, "accuracy": None}}
    assert error_code(call(course.block("budi"), "peer_next")) == "TRAINING_REQUIRED"


def test_a_sampled_submission_gets_a_blind_second_grade_and_agreement_figures(db):
    course = Course(agreement_share=100, self_assessment=False, grade_release="staff")
    _submit(course, ["budi", "sari"])
    for name in ("budi", "sari"):
        uuid = Reflection.objects.get(username=name).submission_uuid
        assert call(course.block("staff1", staff=True), "staff_grade",
                    {"submission_uuid": uuid, "selections": FULL_MARKS, "expected_version": 0})[0] == 200
    second = call(course.block("staff2", staff=True), "grade_next")[1]["submission"]
    assert second["grading_as"] == "second" and second["staff_assessment"] is None and second["history"] == []
    assert call(course.block("staff1", staff=True), "grade_next")[1]["submission"] is None  # not his own again
    status, body = call(course.block("staff2", staff=True), "staff_grade",
                        {"submission_uuid": second["submission_uuid"], "selections": MID, "expected_version": 0,
                         "second": True})
    assert status == 200, body
    assert Assessment.objects.get(kind="staff", reflection__submission_uuid=second["submission_uuid"]).points_earned \
        == 6   # the second grade never replaces the first
    summary = call(course.block("staff1", staff=True), "agreement_summary")[1]["agreement"]
    empati = summary["kinds"]["staff_staff"]["criteria"]["empati"]
    assert (empati["n"], empati["exact"], empati["within_one"]) == (1, 0.0, 1.0)
    assert summary["kinds"]["staff_staff"]["criteria"]["integritas"]["exact"] == 1.0
    graders = {g["grader"]: g["mean_difference"] for g in summary["graders"]}
    assert graders == {"staff1": 0.5, "staff2": -0.5}
    assert summary["sample"] == {"sampled": 2, "waiting": 1}
    assert error_code(call(course.block("staff1", staff=True), "staff_grade",
                           {"submission_uuid": second["submission_uuid"], "selections": MID,
                            "expected_version": 0, "second": True})) == "SECOND_NOT_NEEDED"


def test_the_agreement_summary_is_kept_under_the_blocks_stamp_and_follows_a_regrade(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rubric_xblock.models import AgreementStamp

    course = Course(agreement_share=100, self_assessment=False, grade_release="staff")
    _submit(course, ["budi"])
    uuid = Reflection.objects.get().submission_uuid
    assert call(course.block("staff1", staff=True), "staff_grade",
                {"submission_uuid": uuid, "selections": FULL_MARKS, "expected_version": 0})[0] == 200
    assert not AgreementStamp.objects.exists()  # a first grade alone pairs with nothing: no stamp
    assert call(course.block("staff2", staff=True), "staff_grade",
                {"submission_uuid": uuid, "selections": MID, "expected_version": 0, "second": True})[0] == 200
    stamp = AgreementStamp.objects.get().stamp

    def empati():
        summary = call(course.block("staff1", staff=True), "agreement_summary")[1]["agreement"]
        return summary["kinds"]["staff_staff"]["criteria"]["empati"]["exact"]

    assert empati() == 0.0
    with CaptureQueriesContext(connection) as queries:
        assert empati() == 0.0
    # Served from the cache: one read of the stamp, nothing that counts the pairs.
    pair_reads = [q["sql"] for q in queries.captured_queries if "agreement" in q["sql"]]
    assert len(pair_reads) == 1 and "rubric_xblock_agreementstamp" in pair_reads[0], pair_reads
    # staff1 regrades to staff2's levels: the pairs are rewritten, the stamp raised, the summary new.
    assert call(course.block("staff1", staff=True), "staff_grade",
                {"submission_uuid": uuid, "selections": MID, "expected_version": 1})[0] == 200
    assert AgreementStamp.objects.get().stamp == stamp + 1
    assert empati() == 1.0


def _released(course, name="budi"):
    _submit(course, [name])
    uuid = Reflection.objects.get(username=name).submission_uuid
    assert call(course.block("staff1", staff=True), "staff_grade",
                {"submission_uuid": uuid, "selections": LOW, "expected_version": 0})[0] == 200
    return uuid


def test_an_appeal_is_decided_by_a_different_grader_with_its_audit(db):
    course = Course(self_assessment=False, appeal_days=7, appeal_staff_days=5)
    uuid = _released(course)
    state = call(course.block("budi"), "learner_state")[1]["state"]
    assert state["appeal"]["open"] is True and state["appeal"]["appeal"] is None
    assert error_code(call(course.block("budi"), "appeal", {"reason": "pendek"})) == "BAD_REASON"
    status, body = call(course.block("budi"), "appeal", {"reason": "Saya sudah menolak gratifikasi dengan jelas."})
    assert status == 200
    appeal = body["state"]["appeal"]["appeal"]
    assert appeal["status"] == "open" and appeal["staff_deadline"] > appeal["created_at"]
    assert error_code(call(course.block("budi"), "appeal", {"reason": "Sekali lagi, mohon ditinjau."})) == \
        "ALREADY_APPEALED"
    assert call(course.block("staff1", staff=True), "staff_queue", {"filter": "appealed"})[1]["total"] == 1
    decision = {"submission_uuid": uuid, "decision": "changed", "reason": "Integritas tampak jelas di paragraf 2.",
                "selections": MID, "expected_version": 1}
    assert error_code(call(course.block("staff1", staff=True), "decide_appeal", decision)) == "SAME_GRADER"
    assert error_code(call(course.block("staff2", staff=True), "decide_appeal",
                           {**decision, "decision": "maybe"})) == "BAD_REQUEST"
    decider = course.block("staff2", staff=True)
    status, body = call(decider, "decide_appeal", decision)
    assert status == 200, body
    assert body["submission"]["appeal"]["status"] == "changed"
    # The changed grade is published as a staff grade too, so Aspects sees the learner's new score.
    graded = decider.runtime.events("rubric_reflection.staff_graded")
    assert [(g["appeal"], g["points_earned"], g["released"]) for g in graded] == [(True, 4, True)]
    assert _score(course, "budi")["points_earned"] == 4
    assert error_code(call(course.block("staff3", staff=True), "decide_appeal", decision)) == "APPEAL_DECIDED"
    state = call(course.block("budi"), "learner_state")[1]["state"]
    assert state["appeal"]["appeal"]["decision_reason"] == "Integritas tampak jelas di paragraf 2."
    assert state["result"]["points_earned"] == 4
    actions = list(AssessmentChange.objects.filter(assessment__kind="staff").values_list("action", "changed_by_id"))
    # The changed grade goes out at once; "released" is audited the first time only.
    assert [a for a, _by in actions] == ["created", "released", "appealed", "changed", "decided"]
    assert ("decided", "anon-staff2") in actions
    assert not Reflection.objects.get().appealed


def test_an_appeal_after_its_deadline_is_409(db):
    course = Course(self_assessment=False, appeal_days=7)
    _released(course)
    Assessment.objects.filter(kind="staff").update(released_at=timezone.now() - timedelta(days=20))  # > 7 working days
    status, body = call(course.block("budi"), "appeal", {"reason": "Saya sudah menolak gratifikasi dengan jelas."})
    assert (status, body["error"]["code"]) == (409, "APPEAL_CLOSED")
    assert Appeal.objects.count() == 0 and body["state"]["appeal"]["open"] is False


def test_an_upheld_appeal_keeps_the_grade(db):
    course = Course(self_assessment=False)
    uuid = _released(course)
    call(course.block("budi"), "appeal", {"reason": "Saya sudah menolak gratifikasi dengan jelas."})
    decider = course.block("staff2", staff=True)
    status, body = call(decider, "decide_appeal",
                        {"submission_uuid": uuid, "decision": "upheld", "reason": "Nilai sesuai rubrik."})
    assert status == 200 and body["submission"]["appeal"]["status"] == "upheld"
    assert decider.runtime.events("rubric_reflection.staff_graded") == []  # no new grade, no new score
    assert _score(course, "budi")["points_earned"] == 0


def test_appeals_of_unreleased_grades_are_refused(db):
    course = Course(self_assessment=False, grade_release="staff")
    _released(course)
    assert error_code(call(course.block("budi"), "appeal", {"reason": "Saya sudah menolak gratifikasi."})) == \
        "NOT_RELEASED"
    assert PeerAllocation.objects.count() == 0


def test_a_stale_allocation_returns_to_the_pool_and_nobody_holds_it_twice(db):
    course = _peer_course(peer_count=1, peer_minimum=1, peer_expiry_hours=24)
    _submit(course, ["a", "b", "c"])
    uuid = {name: Reflection.objects.get(username=name).submission_uuid for name in "abc"}
    assert call(course.block("b"), "peer_next")[1]["review"]["submission_uuid"] == uuid["a"]
    held = PeerAllocation.objects.get(reviewer_id="anon-b")
    # Within the hold time nothing is released: c is given the next neediest, b's own.
    PeerAllocation.objects.filter(pk=held.pk).update(created_at=timezone.now() - timedelta(hours=23))
    assert call(course.block("c"), "peer_next")[1]["review"]["submission_uuid"] == uuid["b"]
    # Past it, the next allocation gives a's slot back (load 1 → 0), and d is given it.
    PeerAllocation.objects.filter(pk=held.pk).update(created_at=timezone.now() - timedelta(hours=25))
    _submit(course, ["d"])
    assert call(course.block("d"), "peer_next")[1]["review"]["submission_uuid"] == uuid["a"]
    assert not PeerAllocation.objects.filter(pk=held.pk).exists()
    a = Reflection.objects.get(username="a")
    assert a.peer_load == 1 and list(a.allocations.values_list("reviewer_id", flat=True)) == ["anon-d"]
    # b no longer holds it: their review is refused and nothing is written.
    status, body = call(course.block("b"), "peer_assess", {"submission_uuid": uuid["a"], "selections": MID})
    assert (status, body["error"]["code"]) == (403, "NOT_ALLOCATED")
    assert Assessment.objects.filter(kind="peer").count() == 0
    # b asks again and is given the neediest one that is not theirs: c's (load 0).
    assert call(course.block("b"), "peer_next")[1]["review"]["submission_uuid"] == uuid["c"]


def test_a_reviewer_whose_own_allocation_went_stale_gets_a_fresh_one(db):
    course = _peer_course(peer_count=1, peer_minimum=1, peer_expiry_hours=2)
    _submit(course, ["a", "b"])
    first = call(course.block("b"), "peer_next")[1]["review"]["submission_uuid"]
    PeerAllocation.objects.update(created_at=timezone.now() - timedelta(hours=3))
    # The stale one is released and given again (a is still the only one b may review): one
    # allocation, a fresh hold time, the load counted once.
    assert call(course.block("b"), "peer_next")[1]["review"]["submission_uuid"] == first
    allocation = PeerAllocation.objects.get()
    assert allocation.created_at > timezone.now() - timedelta(minutes=5)
    assert Reflection.objects.get(username="a").peer_load == 1
    # A finished review never goes stale.
    _review_uuid = {"submission_uuid": first, "selections": MID}
    assert call(course.block("b"), "peer_assess", _review_uuid)[0] == 200
    PeerAllocation.objects.update(created_at=timezone.now() - timedelta(hours=30))
    _submit(course, ["c"])
    call(course.block("c"), "peer_next")
    assert PeerAllocation.objects.filter(reviewer_id="anon-b", done_at__isnull=False).count() == 1


def test_an_appealed_grade_is_shown_to_the_next_grader_even_in_the_agreement_sample(db):
    """The blind second view is for the agreement sample before release; whoever answers an appeal
    sees the grade that is appealed (the browser test failed when the appeal fell in the sample)."""
    course = Course(agreement_share=100, self_assessment=False, grade_release="staff")
    _submit(course, ["budi"])
    uuid = Reflection.objects.get(username="budi").submission_uuid
    staff1, staff2 = course.block("staff1", staff=True), course.block("staff2", staff=True)
    assert call(staff1, "staff_grade", {"submission_uuid": uuid, "selections": MID, "expected_version": 0})[0] == 200
    assert call(staff2, "staff_submission", {"submission_uuid": uuid})[1]["submission"]["grading_as"] == "second"
    assert call(staff1, "release_grades", {"submission_uuids": [uuid]})[0] == 200
    assert call(course.block("budi"), "appeal", {"reason": "Saya menolak uang rokok."})[0] == 200
    shown = call(staff2, "staff_submission", {"submission_uuid": uuid})[1]["submission"]
    assert shown["grading_as"] == "staff" and shown["version"] == 1 and shown["staff_assessment"] is not None
    status, body = call(staff2, "decide_appeal", {"submission_uuid": uuid, "selections": FULL_MARKS,
                                                  "expected_version": 1, "decision": "changed",
                                                  "reason": "Integritas tampak jelas."})
    assert status == 200, body
