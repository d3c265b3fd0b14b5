"""Pure grading rules: allocation order, the peer median, training tolerance, the sample,
appeal windows, queue requests. No Django, no XBlock."""
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from rubric_support import RUBRIC

from rubric_xblock import grading
from rubric_xblock.grading import Candidate, choose_peer, compare_training, peer_median, training_status
from rubric_xblock.rubric import RubricError, assess, parse_rubric

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_grading_modules_import_neither_xblock_nor_django():
    code = ("import sys, rubric_xblock.grading, rubric_xblock.flow, rubric_xblock.agreement; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('xblock', 'django')]; "
            "sys.exit(repr(bad) if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _candidates(loads):
    return [Candidate(key=f"r{i}", author=f"a{i}", load=load, submitted_at=T0 + timedelta(minutes=i))
            for i, load in enumerate(loads)]


def test_allocation_never_gives_a_learner_their_own_reflection():
    candidates = _candidates([0, 5, 5])
    assert choose_peer(candidates, "a0", set()).key != "r0"
    assert choose_peer(candidates[:1], "a0", set()) is None


def test_allocation_takes_the_fewest_assessed_first_then_the_oldest():
    candidates = _candidates([3, 1, 1, 2])
    assert choose_peer(candidates, "x", set()).key == "r1"        # fewest; oldest of the two
    assert choose_peer(candidates, "x", {"r1"}).key == "r2"      # never one they already had


def test_late_learners_are_served_first_whoever_came_before():
    early = _candidates([3, 3, 3])
    late = Candidate(key="late", author="late-author", load=0, submitted_at=T0 + timedelta(days=20))
    assert choose_peer([*early, late], "a0", set()).key == "late"


def test_fewest_first_spreads_reviews_evenly_over_a_simulated_cohort():
    # 30 learners each review 3 peers in turn: all but the last reviewer's leftovers get exactly 3
    # (the last one cannot review themselves, so one review may land one place over).
    loads = {f"r{i}": 0 for i in range(30)}
    for reviewer in range(30):
        had = set()
        for _ in range(3):
            pool = [Candidate(k, f"a{k[1:]}", loads[k], T0 + timedelta(minutes=int(k[1:]))) for k in loads]
            pick = choose_peer(pool, f"a{reviewer}", had)
            had.add(pick.key)
            loads[pick.key] += 1
    assert sum(loads.values()) == 90 and min(loads.values()) >= 2 and max(loads.values()) <= 4
    assert sum(1 for load in loads.values() if load != 3) <= 2


def _peer(rubric, empati, integritas):
    return assess(rubric, {"empati": empati, "integritas": integritas})


def test_median_waits_for_the_minimum_and_takes_the_upper_median_per_criterion():
    rubric = parse_rubric(RUBRIC)
    reviews = [_peer(rubric, "belum", "baik"), _peer(rubric, "baik", "belum")]
    assert peer_median(rubric, reviews, 3) is None
    reviews.append(_peer(rubric, "cukup", "baik"))
    median = peer_median(rubric, reviews, 3)
    assert median.part("empati").level_id == "cukup" and median.part("integritas").level_id == "baik"
    assert (median.points_earned, median.points_possible) == (4, 6)
    reviews.append(_peer(rubric, "belum", "belum"))          # even count: the higher middle value
    four = peer_median(rubric, reviews, 3)
    assert four.part("empati").points == 2 and four.part("integritas").points == 2


def test_median_leaves_out_reviews_of_another_rubric_version():
    rubric = parse_rubric(RUBRIC)
    old = assess(parse_rubric({"criteria": [RUBRIC["criteria"][0]]}), {"empati": "baik"})
    assert peer_median(rubric, [old, _peer(rubric, "belum", "belum"), _peer(rubric, "belum", "belum")], 3) is None


def test_staff_override_counts_over_the_median_only_in_peer_mode():
    assert grading.counted_kind("peer", {"median", "staff"}) == "staff"
    assert grading.counted_kind("peer", {"median"}) == "median"
    assert grading.counted_kind("peer_staff", {"median"}) is None
    assert grading.counted_kind("staff", {"median", "self"}) is None


def test_training_passes_within_one_level_and_reports_each_difference():
    rubric = parse_rubric(RUBRIC)
    reference = {"empati": "baik", "integritas": "baik"}
    near = compare_training(rubric, reference, {"empati": "cukup", "integritas": "baik"}, tolerance=1)
    assert near["passed"] and (near["exact"], near["within"], near["criteria"]) == (1, 2, 2)
    assert near["rows"][0] == {"criterion_id": "empati", "mine": "cukup", "reference": "baik", "distance": 1,
                               "ok": True}
    far = compare_training(rubric, reference, {"empati": "belum", "integritas": "baik"}, tolerance=1)
    assert not far["passed"] and far["rows"][0]["distance"] == 2
    exact_only = compare_training(rubric, reference, {"empati": "cukup", "integritas": "baik"}, tolerance=0)
    assert not exact_only["passed"]  # ORA2's rule, as a setting


def test_training_status_counts_first_attempt_accuracy_and_the_next_example():
    status = training_status([1, 2], [(1, False, 0, 2), (1, True, 2, 2), (2, True, 1, 2)])
    assert status == {"examples": 2, "passed": [1, 2], "next": None, "done": True, "accuracy": 0.25}
    assert training_status([1, 2], [(1, True, 2, 2)])["next"] == 2
    assert training_status([], [])["done"] is False


def test_sample_is_stable_and_near_its_share():
    uuids = [f"uuid-{n}" for n in range(5000)]
    picked = [u for u in uuids if grading.in_sample(u, 10)]
    assert 400 <= len(picked) <= 600
    assert picked == [u for u in uuids if grading.in_sample(u, 10)]
    assert not any(grading.in_sample(u, 0) for u in uuids[:100])
    assert all(grading.in_sample(u, 100) for u in uuids[:100])


def test_lock_holder_expires():
    assert grading.lock_holder("g1", T0 + timedelta(minutes=1), T0) == "g1"
    assert grading.lock_holder("g1", T0 - timedelta(seconds=1), T0) is None
    assert grading.lock_holder("", None, T0) is None
    assert grading.lock_expiry(T0) == T0 + timedelta(minutes=grading.LOCK_MINUTES)


def test_appeal_window_and_reason():
    # T0 is Monday 2 March 2026, 15:00 in Jakarta: 7 working days end on Wednesday 11 March.
    end = datetime(2026, 3, 11, 16, 59, 59, 999999, tzinfo=UTC)  # 23:59:59.999999 WIB
    window = grading.appeal_window(T0, end, 7)
    assert window == {"open": True, "deadline": end.isoformat()}
    assert not grading.appeal_window(T0, end + timedelta(microseconds=1), 7)["open"]
    assert not grading.appeal_window(None, T0, 7)["open"]
    assert grading.check_reason("  Nilai empati tidak sesuai rubrik.  ") == "Nilai empati tidak sesuai rubrik."
    for bad in ("pendek", 5, None, "\ud800" * 20, "x" * 4001):
        with pytest.raises(RubricError) as err:
            grading.check_reason(bad)
        assert err.value.code == "BAD_REASON"


@pytest.mark.parametrize("body", [{"filter": "semua"}, {"sort": "acak"}, {"offset": -1}, {"offset": True},
                                  {"search": 5}, {"search": "x" * 101}, {"unit": "\ud800"}])
def test_queue_requests_refuse_anything_unknown(body):
    with pytest.raises(RubricError) as err:
        grading.parse_queue_request(body)
    assert err.value.code == "BAD_FILTER"


def test_grading_settings_are_checked_together():
    assert grading.validate_grading_settings({})["peer_count"] == 3
    for bad in ({"grading_mode": "ai"}, {"peer_count": 0}, {"agreement_share": 101}, {"peer_minimum": True}):
        with pytest.raises(RubricError):
            grading.validate_grading_settings(bad)


def test_appeal_deadlines_count_working_days_in_jakarta():
    # Released Friday 13 March 2026, 08:00 WIB. Not counted: the weekends, cuti bersama for Nyepi
    # (18 March), Hari Suci Nyepi (19), cuti bersama Idulfitri (20, 23, 24): the 7th working day
    # is Tuesday 31 March, and the window closes at its end in Jakarta (16:59:59 UTC).
    released = datetime(2026, 3, 13, 1, 0, tzinfo=UTC)
    assert grading.appeal_deadline(released, 7) == datetime(2026, 3, 31, 16, 59, 59, 999999, tzinfo=UTC)
    # The staff's deadline follows the same rule: 5 working days from Tuesday 17 March (25, 26, 27,
    # 30, 31 March) is 31 March.
    lodged = datetime(2026, 3, 17, 3, 0, tzinfo=UTC)
    assert grading.staff_deadline(lodged, 5).date().isoformat() == "2026-03-31"
    # The day is Jakarta's: 23:30 UTC on Thursday 8 January is Friday 06:30 in Jakarta, so one
    # working day later is Monday 12 January (counted in UTC it would be Friday 9).
    late = datetime(2026, 1, 8, 23, 30, tzinfo=UTC)
    assert grading.working_day_deadline(late, 1) == datetime(2026, 1, 12, 16, 59, 59, 999999, tzinfo=UTC)
    assert grading.working_day_deadline(late, 0) == datetime(2026, 1, 9, 16, 59, 59, 999999, tzinfo=UTC)
    # A naive datetime is UTC; the answer keeps the caller's time zone.
    assert grading.working_day_deadline(datetime(2026, 3, 13, 1, 0), 7) == grading.appeal_deadline(released, 7)
