"""Grading at scale, as plain functions: queue requests, peer allocation order, the peer
median and staff override, training tolerance, the agreement sample, appeal deadlines
(in working days, with :mod:`complaint_sim_xblock.workdays`).

Imports neither ``xblock`` nor ``django`` (a test guards this). The store runs the same
rules as database queries; these functions are the rules, tested on plain data.
"""
from __future__ import annotations

import hashlib
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from complaint_sim_xblock import workdays

from .rubric import N_, Assessment, CriterionResult, RubricError, storable

# -- Settings ----------------------------------------------------------------------------

MODE_STAFF = "staff"            # staff only (today's flow)
MODE_PEER = "peer"              # peers grade; their median is the grade (staff may override)
MODE_PEER_STAFF = "peer_staff"  # peers first, then staff: the staff grade is the grade
GRADING_MODES = (MODE_STAFF, MODE_PEER, MODE_PEER_STAFF)

DEFAULTS = {"grading_mode": MODE_STAFF, "peer_count": 3, "peer_minimum": 3, "training_tolerance": 1,
            "agreement_share": 10, "appeal_days": 7, "appeal_staff_days": 5}
LIMITS = {"peer_count": (1, 10), "peer_minimum": (1, 10), "training_tolerance": (0, 7),
          "agreement_share": (0, 100), "appeal_days": (0, 90), "appeal_staff_days": (1, 90)}

LOCK_MINUTES = 20


def validate_grading_settings(values):
    """Check the grading settings together; return them complete or raise RubricError."""
    merged = {**DEFAULTS, **{k: v for k, v in values.items() if k in DEFAULTS and v is not None}}
    if merged["grading_mode"] not in GRADING_MODES:
        raise RubricError("INVALID_SETTINGS", N_("%(where)s has an invalid value."), where="grading_mode")
    for name, (low, high) in LIMITS.items():
        value = merged[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise RubricError("INVALID_SETTINGS", N_("%(where)s must be a whole number from %(low)s to %(high)s."),
                              where=name, low=low, high=high)
    return merged


# -- Staff queue requests ----------------------------------------------------------------

QUEUE_FILTERS = ("all", "ungraded", "graded", "released", "unreleased", "flagged", "breached", "appealed",
                 "sampled")
QUEUE_SORTS = ("oldest", "newest", "username", "words")
MAX_SEARCH_CHARS = 100
MAX_OFFSET = 10**7


@dataclass(frozen=True)
class QueueRequest:
    """One validated queue page request."""

    filter: str = "ungraded"
    sort: str = "oldest"
    search: str = ""
    unit: str = ""
    offset: int = 0


def parse_queue_request(data):
    """A :class:`QueueRequest` from a handler body; RubricError ``BAD_FILTER`` if anything is off."""
    def bad():
        return RubricError("BAD_FILTER", N_("Unknown filter, sort, search or offset."))

    status = data.get("filter", "ungraded")
    sort = data.get("sort", "oldest")
    search = data.get("search", "")
    unit = data.get("unit", "")
    offset = data.get("offset", 0)
    if status not in QUEUE_FILTERS or sort not in QUEUE_SORTS:
        raise bad()
    for text in (search, unit):
        if not isinstance(text, str) or len(text) > MAX_SEARCH_CHARS or not storable(text):
            raise bad()
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
        raise bad()
    return QueueRequest(status, sort, search.strip(), unit.strip(), offset)


def lock_expiry(now, minutes=LOCK_MINUTES):
    """When a "Grade next" lock taken at ``now`` runs out."""
    return now + timedelta(minutes=minutes)


def lock_holder(locked_by, locked_until, now):
    """Who holds a lock now: ``locked_by`` while ``locked_until`` is in the future, else None."""
    if locked_by and locked_until is not None and locked_until > now:
        return locked_by
    return None


# -- Peer allocation -----------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A reflection as the allocation sees it."""

    key: object
    author: str
    load: int            # allocations already handed out (open or done)
    submitted_at: object


def allocation_order(candidate):
    """Sort key: fewest allocations first, then the oldest (a stable, fair tie-break)."""
    return (candidate.load, candidate.submitted_at, str(candidate.key))


def choose_peer(candidates, reviewer, already):
    """The reflection ``reviewer`` should review next, or None.

    Never their own, never one they already have; among the rest the one with the fewest
    allocations, the oldest on a tie. Late submissions start at 0 and so are served first,
    whoever came before.
    """
    eligible = [c for c in candidates if c.author != reviewer and c.key not in already]
    return min(eligible, key=allocation_order, default=None)


# -- Peer median and the counted grade ------------------------------------------------------


def peer_median(rubric, assessments, minimum):
    """The per-criterion median of peer ``assessments`` (pure Assessments of ``rubric``'s
    version), or None while fewer than ``minimum`` exist.

    Each criterion's median is the upper median of the chosen points
    (``statistics.median_high``: with an even count, the higher middle), so it is always a
    level some peer chose, and a tie leans to the learner as ORA2's median does. Points are
    the level's; assessments made with another rubric version are left out.
    """
    same = [a for a in assessments if a.rubric_version == rubric.version]
    if len(same) < max(1, minimum):
        return None
    parts, earned = [], 0
    for criterion in rubric.criteria:
        if criterion.feedback_only:
            parts.append(CriterionResult(criterion.id, None, None, ""))
            continue
        points = [part.points for a in same if (part := a.part(criterion.id)) and part.points is not None]
        if not points:
            return None
        middle = statistics.median_high(points)
        level = next(level for level in criterion.levels if level.points == middle)
        earned += level.points
        parts.append(CriterionResult(criterion.id, level.id, level.points, ""))
    return Assessment(rubric.version, tuple(parts), "", earned, rubric.points_possible)


def counted_kind(mode, kinds):
    """Which stored assessment counts as the grade: ``"staff"`` (an override in peer mode,
    the grade in the other modes), else ``"median"`` in the peer modes, else None.

    ``kinds`` is the set of kinds stored for the reflection. In peer-then-staff mode the
    median is shown to staff but only a staff grade counts.
    """
    if "staff" in kinds:
        return "staff"
    if mode == MODE_PEER and "median" in kinds:
        return "median"
    return None


# -- Training ------------------------------------------------------------------------------


def level_index(criterion, level_id):
    """Position of ``level_id`` among ``criterion``'s levels ordered by points (lowest 0)."""
    ordered = sorted(criterion.levels, key=lambda level: (level.points, level.id))
    for index, level in enumerate(ordered):
        if level.id == level_id:
            return index
    return None


def compare_training(rubric, reference, selections, tolerance):
    """A learner's levels on a training example against staff's reference.

    Returns ``{"passed", "criteria", "exact", "within", "rows": [{criterion_id, mine,
    reference, distance, ok}]}``: a criterion passes when the learner's level is within
    ``tolerance`` levels of the reference (0 demands ORA2's exact match); the example passes
    when every scored criterion does. ``selections`` must be validated by ``assess`` first.
    """
    rows, exact, within = [], 0, 0
    for criterion in rubric.scored_criteria:
        mine, ref = level_index(criterion, selections.get(criterion.id)), level_index(criterion,
                                                                                       reference.get(criterion.id))
        distance = abs(mine - ref) if mine is not None and ref is not None else None
        ok = distance is not None and distance <= tolerance
        exact += distance == 0
        within += ok
        rows.append({"criterion_id": criterion.id, "mine": selections.get(criterion.id),
                     "reference": reference.get(criterion.id), "distance": distance, "ok": ok})
    return {"passed": within == len(rows), "criteria": len(rows), "exact": exact, "within": within, "rows": rows}


def training_status(example_ids, attempts):
    """Where a learner stands in training: ``{"examples", "passed": [ids], "next", "done",
    "accuracy"}``. ``attempts`` are ``(example_id, passed, exact, criteria)`` oldest first.

    An example is passed once any attempt passed it; ``next`` is the first example not
    passed. ``accuracy`` is the share of criteria matched exactly on each example's first
    attempt (None before any attempt): the calibration figure staff see.
    """
    passed, first = set(), {}
    for example_id, ok, exact, criteria in attempts:
        first.setdefault(example_id, (exact, criteria))
        if ok:
            passed.add(example_id)
    remaining = [example_id for example_id in example_ids if example_id not in passed]
    total = sum(criteria for _exact, criteria in first.values())
    accuracy = round(sum(exact for exact, _criteria in first.values()) / total, 3) if total else None
    return {"examples": len(example_ids), "passed": [e for e in example_ids if e in passed],
            "next": remaining[0] if remaining else None, "done": bool(example_ids) and not remaining,
            "accuracy": accuracy}


# -- Agreement sample ------------------------------------------------------------------------


def in_sample(submission_uuid, share):
    """True when a submission falls in the double-graded sample of ``share`` percent.

    Decided by a digest of its uuid: stable across workers and reloads, about ``share`` %
    of submissions, and not guessable from the order of submitting.
    """
    if share <= 0:
        return False
    digest = hashlib.sha256(f"agreement:{submission_uuid}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 10000 < share * 100


# -- Appeals ---------------------------------------------------------------------------------

MAX_REASON_CHARS = 4000
MIN_REASON_CHARS = 10


# Deadlines are counted in working days (hari kerja) of the course's time zone, like the
# complaint deadlines the course teaches: weekends, national holidays and cuti bersama do not count.
COURSE_TIME_ZONE = ZoneInfo("Asia/Jakarta")


def working_day_deadline(start, days):
    """The end (23:59:59.999999, Asia/Jakarta) of the ``days``-th working day after ``start``'s day.

    ``start`` is an aware datetime (a naive one is taken as UTC); the answer is aware, in
    ``start``'s time zone. ``days`` 0 is the end of ``start``'s own day.
    """
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    last = workdays.add_working_days(start.astimezone(COURSE_TIME_ZONE).date(), max(0, int(days)))
    end = datetime.combine(last + timedelta(days=1), time(0), COURSE_TIME_ZONE) - timedelta(microseconds=1)
    return end.astimezone(start.tzinfo)


def appeal_deadline(released_at, days):
    """The last moment a learner may appeal a grade released at ``released_at`` (working days)."""
    return working_day_deadline(released_at, days)


def staff_deadline(appealed_at, days):
    """When staff must have decided an appeal lodged at ``appealed_at`` (working days)."""
    return working_day_deadline(appealed_at, days)


def check_reason(reason):
    """The appeal's (or decision's) reason, stripped; RubricError ``BAD_REASON`` otherwise."""
    if not isinstance(reason, str) or not storable(reason) or not MIN_REASON_CHARS <= len(reason.strip()) \
            <= MAX_REASON_CHARS:
        raise RubricError("BAD_REASON", N_("Give a reason of %(low)s to %(high)s characters."),
                          low=MIN_REASON_CHARS, high=MAX_REASON_CHARS)
    return reason.strip()


def appeal_window(released_at, now: datetime, days, appeal=None):
    """What the learner may do about a released grade: ``{"open", "deadline"}``."""
    if released_at is None or days <= 0:
        return {"open": False, "deadline": None}
    deadline = appeal_deadline(released_at, days)
    return {"open": appeal is None and now <= deadline, "deadline": deadline.isoformat()}
