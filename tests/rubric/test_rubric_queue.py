"""The staff queue for thousands: paging, search, filters, sorting, counts; "Grade next" with
locks that expire; release of a selection with its count. Through the real handler dispatch."""
import threading
import time
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.utils import timezone
from rubric_support import FULL_MARKS, GOOD_TEXT, Course, call, error_code
from submissions.models import Score

from rubric_xblock import grading_handlers, grading_store
from rubric_xblock.models import AssessmentChange, Reflection


def _submit(course, names):
    for name in names:
        status, body = call(course.block(name), "submit", {"text": GOOD_TEXT, "confirm": True})
        assert status == 200, body


def _grade(course, staff, uuid, version=0, **extra):
    return call(course.block(staff, staff=True), "staff_grade",
                {"submission_uuid": uuid, "selections": FULL_MARKS, "expected_version": version, **extra})


def _queue(course, **body):
    status, payload = call(course.block("staff1", staff=True), "staff_queue", body)
    assert status == 200, payload
    return payload


def test_every_submission_is_reachable_by_paging(db, monkeypatch):
    monkeypatch.setattr(grading_handlers, "QUEUE_PAGE", 4)
    course = Course()
    names = [f"asn{n:02d}" for n in range(11)]
    _submit(course, names)
    seen, offset = [], 0
    while True:
        page = _queue(course, filter="all", offset=offset)
        assert page["total"] == 11 and page["page_size"] == 4
        if not page["items"]:
            break
        seen += [item["username"] for item in page["items"]]
        offset += page["page_size"]
    assert seen == names


def test_search_sort_filters_and_counts(db):
    course = Course()
    _submit(course, ["budi", "sari", "bambang", "rina"])
    uuid = {r.username: r.submission_uuid for r in Reflection.objects.all()}
    assert _grade(course, "staff1", uuid["sari"])[0] == 200
    call(course.block("staff1", staff=True), "staff_flag", {"submission_uuid": uuid["rina"], "flagged": True})
    Reflection.objects.filter(username="bambang").update(breached=True, unit="Kelurahan Sukasari")
    grading_store.forget_counts(*course.block("x")._ids())  # a direct write, as a later issue's unit import would

    page = _queue(course, filter="all", search="b")
    assert [i["username"] for i in page["items"]] == ["budi", "bambang"]
    assert page["counts"]["all"] == 2 and page["counts"]["ungraded"] == 2
    assert [i["username"] for i in _queue(course, filter="all", sort="username")["items"]] == \
        ["bambang", "budi", "rina", "sari"]
    assert [i["username"] for i in _queue(course, filter="all", sort="newest")["items"]][0] == "rina"
    counts = _queue(course, filter="all")["counts"]
    assert counts == {"all": 4, "ungraded": 3, "graded": 1, "released": 1, "unreleased": 0, "flagged": 1,
                      "breached": 1, "appealed": 0, "sampled": counts["sampled"]}
    assert [i["username"] for i in _queue(course, filter="flagged")["items"]] == ["rina"]
    assert [i["username"] for i in _queue(course, filter="breached")["items"]] == ["bambang"]
    assert [i["username"] for i in _queue(course, filter="released")["items"]] == ["sari"]
    page = _queue(course, filter="all", unit="Kelurahan Sukasari")
    assert page["units"] == ["Kelurahan Sukasari"] and [i["username"] for i in page["items"]] == ["bambang"]


def test_a_critical_duty_breached_in_the_linked_run_is_a_filter(db):
    from rubric_support import SIM_USAGE

    course = Course(linked_simulation=SIM_USAGE)
    course.sim_states[("budi", SIM_USAGE)] = {"history": [{"attempt": 1, "duties": {
        "gratifikasi": {"label": "Menolak gratifikasi", "status": "breached", "critical": True}}}]}
    course.sim_states[("sari", SIM_USAGE)] = {"history": [{"attempt": 1, "duties": {
        "sapa": {"label": "Menyapa", "status": "breached"}}}]}   # breached, but not critical
    # the shape complaint_sim's history entries have (session.history_entry): a list of breaches
    course.sim_states[("dewi", SIM_USAGE)] = {"history": [{"attempt": 1, "critical_breaches": ["tolak-gratifikasi"]}]}
    course.sim_states[("eko", SIM_USAGE)] = {"history": [{"attempt": 1, "critical_breaches": []}]}
    _submit(course, ["budi", "sari", "rina", "dewi", "eko"])      # rina: no run at all
    assert [i["username"] for i in _queue(course, filter="breached")["items"]] == ["budi", "dewi"]


def test_grade_next_takes_the_oldest_ungraded_and_two_graders_get_different_ones(db):
    # No agreement sample: a sampled submission (random uuids, 10 %) rightly comes back to
    # another grader for its blind second grade.
    course = Course(agreement_share=0)
    _submit(course, ["budi", "sari", "rina"])
    first = call(course.block("staff1", staff=True), "grade_next")[1]["submission"]
    second = call(course.block("staff2", staff=True), "grade_next")[1]["submission"]
    assert (first["username"], second["username"]) == ("budi", "sari")
    assert first["lock"]["mine"] is True
    # Pressing again (a reload) gives the same one back, not a third.
    assert call(course.block("staff1", staff=True), "grade_next")[1]["submission"]["username"] == "budi"
    assert _grade(course, "staff1", first["submission_uuid"])[0] == 200
    assert call(course.block("staff1", staff=True), "grade_next")[1]["submission"]["username"] == "rina"
    assert call(course.block("staff3", staff=True), "grade_next")[1]["submission"] is None


def test_a_grade_on_a_submission_locked_by_another_grader_is_409_with_the_current_state(db):
    course = Course()
    _submit(course, ["budi"])
    held = call(course.block("staff1", staff=True), "grade_next")[1]["submission"]
    status, body = _grade(course, "staff2", held["submission_uuid"])
    assert (status, body["error"]["code"]) == (409, "LOCKED")
    assert body["submission"]["lock"]["mine"] is False and body["submission"]["version"] == 0
    assert AssessmentChange.objects.count() == 0
    assert _grade(course, "staff1", held["submission_uuid"])[0] == 200  # the holder may


def test_a_stale_lock_expires(db):
    course = Course()
    _submit(course, ["budi"])
    held = call(course.block("staff1", staff=True), "grade_next")[1]["submission"]
    Reflection.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    taken = call(course.block("staff2", staff=True), "grade_next")[1]["submission"]
    assert taken["submission_uuid"] == held["submission_uuid"]
    assert _grade(course, "staff2", held["submission_uuid"])[0] == 200
    assert Reflection.objects.get().locked_by == ""  # grading frees the lock


def test_grade_next_skips_a_row_another_grader_won_meanwhile(db, monkeypatch):
    # The race made certain: staff2 locks the oldest between staff1's read and its update.
    course = Course()
    _submit(course, ["budi", "sari"])
    original = grading_store.grading.lock_expiry
    fired = []

    def interleave(now, minutes=grading_store.grading.LOCK_MINUTES):
        if not fired:
            fired.append(True)
            budi = Reflection.objects.get(username="budi")
            Reflection.objects.filter(pk=budi.pk).update(locked_by="anon-staff2", locked_until=original(now))
        return original(now, minutes)

    monkeypatch.setattr(grading_store.grading, "lock_expiry", interleave)
    got = call(course.block("staff1", staff=True), "grade_next")[1]["submission"]
    assert got["username"] == "sari"
    assert Reflection.objects.get(username="budi").locked_by == "anon-staff2"


@pytest.mark.django_db(transaction=True)
def test_graders_pressing_grade_next_together_never_share_a_submission():
    course = Course()
    _submit(course, [f"asn{n}" for n in range(12)])
    graders = [f"staff{n}" for n in range(6)]
    got, errors = {}, []
    start = threading.Barrier(len(graders))

    def retried(action):
        # The test database is SQLite's shared-cache memory database, which answers "table is
        # locked" instead of waiting; a real database (MariaDB, a SQLite file) waits. Retry.
        for _attempt in range(200):
            try:
                return action()
            except OperationalError as err:
                if "locked" not in str(err):
                    raise
                time.sleep(0.005)
        raise AssertionError("still locked")

    def press(name):
        try:
            start.wait()
            for _ in range(2):
                status, body = retried(lambda: call(course.block(name, staff=True), "grade_next"))
                assert status == 200, body
                uuid = body["submission"]["submission_uuid"]
                got.setdefault(name, []).append(uuid)
                done = Reflection.objects.filter(submission_uuid=uuid)
                retried(lambda: done.update(graded=True))  # noqa: B023  (called at once) done: take another
        except Exception as err:  # noqa: BLE001  reported below
            errors.append(repr(err))
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(name,)) for name in graders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    taken = [uuid for uuids in got.values() for uuid in uuids]
    assert len(taken) == 12 and len(set(taken)) == 12


def test_release_a_selection_after_a_confirmation_count(db):
    course = Course(grade_release="staff")
    _submit(course, ["budi", "sari", "rina"])
    uuid = {r.username: r.submission_uuid for r in Reflection.objects.all()}
    for name in ("budi", "sari", "rina"):
        assert _grade(course, "staff1", uuid[name])[0] == 200
    staff = course.block("staff1", staff=True)
    chosen = [uuid["budi"], uuid["sari"]]
    assert call(staff, "release_grades", {"submission_uuids": chosen, "preview": True}) == (200, {"count": 2})
    status, body = call(staff, "release_grades", {"submission_uuids": chosen, "expected_count": 3})
    assert (status, body["error"]["code"], body["count"]) == (409, "COUNT_CHANGED", 2)
    assert Score.objects.count() == 0
    assert call(staff, "release_grades", {"submission_uuids": chosen, "expected_count": 2}) == (200, {"released": 2})
    assert Score.objects.count() == 2
    assert _queue(course, filter="unreleased")["counts"]["unreleased"] == 1
    assert call(staff, "release_grades", {"preview": True}) == (200, {"count": 1})
    assert call(staff, "release_grades", {}) == (200, {"released": 1})
    for bad in ([], ["x" * 65], "all", [1]):
        assert error_code(call(staff, "release_grades", {"submission_uuids": bad})) == "BAD_SELECTION"


@pytest.mark.parametrize("handler", ["grade_next", "staff_flag", "release_grades", "agreement_summary",
                                     "staff_examples", "staff_add_example", "decide_appeal", "download_csv"])
def test_learners_get_403_from_every_staff_handler(submitted, handler):
    status, body = call(submitted.block("budi"), handler, {})
    assert (status, body["error"]["code"]) == (403, "STAFF_ONLY")


def test_the_csv_streams_one_row_per_learner(db):
    from webob import Request

    course = Course()
    _submit(course, ["budi", "=sari"])
    block = course.block("staff1", staff=True)
    response = block.handle("download_csv", Request.blank("/", method="POST", body=b"{}"))
    assert response.status_code == 200 and response.content_type == "text/csv"
    lines = b"".join(response.app_iter).decode("utf-8").splitlines()
    assert lines[0].startswith("username,submitted_at,words,empati,integritas,points_earned")
    assert [line.split(",")[0] for line in lines[1:]] == ["budi", "'=sari"]
    assert block.handle("download_csv", Request.blank("/", method="GET")).status_code == 405


def test_a_member_of_the_wrong_type_is_the_contracts_bad_request(submitted):
    # staff_flag's "flagged" and decide_appeal's "decision" use the shared code, not one of their own.
    staff = submitted.block("staff1", staff=True)
    uuid = Reflection.objects.get().submission_uuid
    for flagged in (None, "yes", 1):
        assert error_code(call(staff, "staff_flag", {"submission_uuid": uuid, "flagged": flagged})) == "BAD_REQUEST"
    assert not Reflection.objects.get().flagged


def test_search_finds_learners_by_full_name_where_the_platform_has_names(db):
    """The reflection stores usernames only; a name search asks the platform's users (here
    Django's User names, in the LMS the profile's full name) through rubric_xblock.compat."""
    from django.contrib.auth import get_user_model

    from rubric_xblock import compat

    course = Course()
    _submit(course, ["asn0041", "asn0042", "asn0043"])
    users = get_user_model().objects
    users.create(username="asn0041", first_name="Siti", last_name="Rahmawati")
    users.create(username="asn0042", first_name="Budi", last_name="Santoso")
    users.create(username="lain", first_name="Siti", last_name="Aminah")  # no submission here
    assert sorted(compat.usernames_by_name("siti")) == ["asn0041", "lain"]
    assert [i["username"] for i in _queue(course, filter="all", search="Rahma")["items"]] == ["asn0041"]
    page = _queue(course, filter="all", search="siti")
    assert [i["username"] for i in page["items"]] == ["asn0041"] and page["counts"]["all"] == 1
    # The username still matches as before, and a name nobody has finds nothing.
    assert [i["username"] for i in _queue(course, filter="all", search="0043")["items"]] == ["asn0043"]
    assert _queue(course, filter="all", search="Joko")["items"] == []
    assert compat.usernames_by_name("  ") == []
