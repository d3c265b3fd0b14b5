"""Persistence for grading at scale: the queue, "Grade next" locks, peer allocation and
review, training, agreement pairs, appeals, the streamed CSV.

Imports Django but not ``xblock``. The rules are in :mod:`rubric_xblock.grading` (pure);
here they become queries whose cost follows a page, not the number of submissions.
Refusals that depend on stored state raise :class:`rubric_xblock.store.Conflict`.
"""
import csv
import hashlib
import json

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from . import compat, grading
from .agreement import PairCount, summarise
from .models import (
    AgreementPair,
    AgreementStamp,
    Appeal,
    Assessment,
    AssessmentChange,
    PeerAllocation,
    Reflection,
    TrainingAttempt,
    TrainingExample,
)
from .rubric import final_score, mask_personal_data
from .store import Conflict, _write_parts, create_assessment, snapshot, submission_text, to_rubric_assessment

PEER_LABEL = "peer-median"


def _block(course_id, item_id):
    return Reflection.objects.filter(course_id=course_id, item_id=item_id)


# ---------------------------------------------------------------------------
# The staff queue

# ``field__in=[value]`` rather than ``field=value``: SQLite compiles ``graded=False`` to
# ``NOT graded``, which no index serves; ``graded IN (0)`` walks the queue index in order.
FILTER_Q = {
    "all": Q(),
    "ungraded": Q(graded__in=[False]),
    "graded": Q(graded__in=[True]),
    "released": Q(released__in=[True]),
    "unreleased": Q(graded__in=[True], released__in=[False]),
    "flagged": Q(flagged__in=[True]),
    "breached": Q(breached__in=[True]),
    "appealed": Q(appealed__in=[True]),
    "sampled": Q(sampled__in=[True]),
}
COUNTS_SECONDS = 30  # a count cached by another worker just before a change lives at most this long


def _counts_key(course_id, item_id):
    digest = hashlib.sha256(f"{course_id}|{item_id}".encode()).hexdigest()[:32]
    return f"rubric_xblock:queue-counts:{digest}"


def forget_counts(course_id, item_id):
    """Drop the cached counts of a block: every change of a queue flag calls this."""
    cache.delete(_counts_key(course_id, item_id))


def _count(rows):
    counted = rows.aggregate(**{f"n_{name}": Count("id", filter=q) if q else Count("id")
                                for name, q in FILTER_Q.items()})
    return {name: counted[f"n_{name}"] for name in FILTER_Q}


def block_counts(course_id, item_id):
    """``(counts per filter, units)`` of the whole block: one aggregate, kept in Django's cache
    (shared by the LMS workers) until the next change of a flag, at most COUNTS_SECONDS."""
    key = _counts_key(course_id, item_id)
    cached = cache.get(key)
    if cached is None:
        rows = _block(course_id, item_id)
        cached = {"counts": _count(rows), "units": sorted(
            rows.exclude(unit="").order_by().values_list("unit", flat=True).distinct()[:200]),
            "waiting": rows.filter(needs_second__in=[True]).count()}
        cache.set(key, cached, COUNTS_SECONDS)
    return cached["counts"], cached["units"], cached["waiting"]
SORTS = {"oldest": ("submitted_at", "id"), "newest": ("-submitted_at", "-id"), "username": ("username", "id"),
         "words": ("-word_count", "id")}


def queue_page(course_id, item_id, request, limit, now=None):
    """``(counts, total, items, units)`` for one page of ``request`` (a QueueRequest).

    Counts per filter (within the search and unit) come from one aggregate query; the page
    is one indexed query plus one for its staff assessments.
    """
    now = now or timezone.now()
    rows = _block(course_id, item_id)
    if request.search:
        # By username, and by full name where the platform has names (compat seam).
        by_name = compat.usernames_by_name(request.search)
        rows = rows.filter(Q(username__icontains=request.search) | Q(username__in=by_name) if by_name
                           else Q(username__icontains=request.search))
    if request.unit:
        rows = rows.filter(unit=request.unit)
    whole, units, _waiting = block_counts(course_id, item_id)
    counts = _count(rows) if request.search or request.unit else whole
    page = list(rows.filter(FILTER_Q[request.filter]).order_by(*SORTS[request.sort])
                [request.offset:request.offset + limit])
    staff = {model.reflection_id: model for model in
             Assessment.objects.filter(reflection__in=[r.pk for r in page], kind=Assessment.STAFF)}
    items = []
    for reflection in page:
        model = staff.get(reflection.pk)
        holder = grading.lock_holder(reflection.locked_by, reflection.locked_until, now)
        items.append({
            "submission_uuid": reflection.submission_uuid,
            "username": reflection.username,
            "submitted_at": reflection.submitted_at.isoformat(),
            "word_count": reflection.word_count,
            "status": "graded" if model else "ungraded",
            "points_earned": model.points_earned if model else None,
            "points_possible": model.points_possible if model else None,
            "grader": model.grader_username if model else None,
            "released": reflection.released,
            "rubric_version": model.rubric_version if model else None,
            "flagged": reflection.flagged,
            "breached": reflection.breached,
            "appealed": reflection.appealed,
            "unit": reflection.unit or None,
            "peer_done": reflection.peer_done,
            "locked": bool(holder),
        })
    return counts, counts[request.filter], items, units


def grade_next(course_id, item_id, grader_id, now=None):
    """Lock and return the next reflection for ``grader_id``, or None when nothing is left.

    The oldest ungraded reflection nobody else holds; when none is left, a sampled one
    graded by someone else that waits for a blind second grade. The lock is a conditional
    UPDATE (free, expired, or already this grader's), so of two graders asking at once only
    one wins a row; the other moves on to the next.
    """
    now = now or timezone.now()
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=now) | Q(locked_by=grader_id)
    rows = _block(course_id, item_id)
    pools = (
        rows.filter(graded__in=[False]),
        rows.filter(needs_second__in=[True]).exclude(
            pk__in=Assessment.objects.filter(kind=Assessment.STAFF, grader_id=grader_id,
                                             reflection__course_id=course_id, reflection__item_id=item_id)
            .values("reflection_id")),
    )
    for pool in pools:
        # Oldest first among the free ones and the grader's own: a grader who already holds one
        # gets it back (a reload, a second tab), unless an older one became free meanwhile.
        for _round in range(20):
            candidates = list(pool.filter(free).order_by("submitted_at", "id").values_list("pk", flat=True)[:5])
            if not candidates:
                break
            for pk in candidates:
                # The lock and letting go of the grader's other lock (one submission per grader at
                # a time) in one transaction: one commit, not two, for each "Grade next".
                with transaction.atomic():
                    won = Reflection.objects.filter(pk=pk).filter(free).update(
                        locked_by=grader_id, locked_until=grading.lock_expiry(now))
                    if won:
                        rows.filter(locked_by=grader_id).exclude(pk=pk).update(locked_by="", locked_until=None)
                if won:
                    return Reflection.objects.get(pk=pk)
    return None


def check_lock(reflection, grader_id, now=None):
    """Conflict ``LOCKED`` when another grader holds ``reflection`` now."""
    holder = grading.lock_holder(reflection.locked_by, reflection.locked_until, now or timezone.now())
    if holder and holder != grader_id:
        raise Conflict("LOCKED")


def lock_of(reflection, now=None):
    """``{"holder_is_other": bool, "until"}`` or None for the payload."""
    holder = grading.lock_holder(reflection.locked_by, reflection.locked_until, now or timezone.now())
    if not holder:
        return None
    return {"until": reflection.locked_until.isoformat(), "by": holder}


def after_staff_grade(reflection, model, mode, second_needed_share):
    """Update the queue flags after a staff grade: graded, released, lock freed, sample."""
    sampled = reflection.sampled
    updates = {"graded": True, "released": model.released_at is not None, "locked_by": "", "locked_until": None}
    if sampled and mode == grading.MODE_STAFF and not Assessment.objects.filter(
            reflection=reflection, kind=Assessment.SECOND).exists():
        updates["needs_second"] = True
    Reflection.objects.filter(pk=reflection.pk).update(**updates)
    for name, value in updates.items():
        setattr(reflection, name, value)
    forget_counts(reflection.course_id, reflection.item_id)


def set_flag(reflection, flagged):
    """Mark (or unmark) a reflection for a second look."""
    Reflection.objects.filter(pk=reflection.pk).update(flagged=bool(flagged))
    reflection.flagged = bool(flagged)
    forget_counts(reflection.course_id, reflection.item_id)


def mark_released(course_id, item_id, reflection_ids):
    """Mark reflections released in the queue."""
    Reflection.objects.filter(pk__in=reflection_ids).update(released=True)
    forget_counts(course_id, item_id)


def unreleased_counted(course_id, item_id, submission_uuids=None):
    """The counted assessments (staff, or the peer median in peer mode) not yet released:
    ``[(assessment pk, reflection pk)]``, for the whole block or the given submissions."""
    rows = Assessment.objects.filter(reflection__course_id=course_id, reflection__item_id=item_id,
                                     released_at__isnull=True, kind__in=(Assessment.STAFF, Assessment.MEDIAN))
    if submission_uuids is not None:
        rows = rows.filter(reflection__submission_uuid__in=submission_uuids)
    by_reflection = {}
    for pk, reflection_id, kind in rows.values_list("pk", "reflection_id", "kind"):
        if kind == Assessment.STAFF or reflection_id not in by_reflection:
            by_reflection[reflection_id] = (pk, kind)
    return by_reflection


def staff_overrides(reflection_ids):
    """Reflections among ``reflection_ids`` that have a staff assessment (it overrides a median)."""
    return set(Assessment.objects.filter(reflection_id__in=reflection_ids, kind=Assessment.STAFF)
               .values_list("reflection_id", flat=True))


# ---------------------------------------------------------------------------
# Peer review


def _reviewer_allocations(course_id, item_id, reviewer_id):
    """``[(reflection id, done_at)]`` of the reviewer in this block (a handful of rows).

    Two small indexed reads, not one join: joined, SQLite's planner walks every reflection of
    the block (20,000) and probes each for the reviewer; the reviewer's own rows (index on
    reviewer_id) are a handful, and so is the check of which of them are in this block. That
    check reads the rows by primary key and compares their block here: given the block in
    SQL too, SQLite walked the block's (course, item) index instead (3 ms at 20,000).
    """
    mine = list(PeerAllocation.objects.filter(reviewer_id=reviewer_id).values_list("reflection_id", "done_at"))
    if not mine:
        return []
    here = {pk for pk, course, item in Reflection.objects.filter(pk__in=[pk for pk, _done in mine]).order_by()
            .values_list("pk", "course_id", "item_id") if (course, item) == (course_id, item_id)}
    return [(pk, done_at) for pk, done_at in mine if pk in here]


def open_allocation(course_id, item_id, reviewer_id, had=None):
    """The reviewer's allocation not yet assessed in this block, or None (``had``: the
    reviewer's ``(reflection id, done_at)`` here, if already read)."""
    had = _reviewer_allocations(course_id, item_id, reviewer_id) if had is None else had
    open_ids = [pk for pk, done_at in had if done_at is None]
    if not open_ids:
        return None
    return (PeerAllocation.objects.filter(reviewer_id=reviewer_id, done_at__isnull=True, reflection_id__in=open_ids)
            .select_related("reflection").first())


def reviews_done(course_id, item_id, reviewer_id):
    """How many peer reviews ``reviewer_id`` has given in this block."""
    return sum(1 for _pk, done_at in _reviewer_allocations(course_id, item_id, reviewer_id) if done_at)


def release_stale(course_id, item_id, now, hours, limit=50):
    """Return this block's stale allocations (open longer than ``hours``) to the pool.

    Each goes in its own conditional DELETE (still open?) with the reflection's load lowered
    by an F() decrement in the same transaction: a review saved meanwhile keeps its
    allocation, and a slot is given back once, so no two learners ever hold it. At most
    ``limit`` per call (the next allocation releases more); the (done_at, created_at) index
    keeps the look-up small. Returns how many were released.
    """
    cutoff = grading.allocation_cutoff(now, hours)
    stale = list(PeerAllocation.objects.filter(done_at__isnull=True, created_at__lt=cutoff,
                                               reflection__course_id=course_id, reflection__item_id=item_id)
                 .values_list("pk", "reflection_id")[:limit])
    released = 0
    for pk, reflection_id in stale:
        with transaction.atomic():
            if PeerAllocation.objects.filter(pk=pk, done_at__isnull=True).delete()[0]:
                Reflection.objects.filter(pk=reflection_id).update(peer_load=F("peer_load") - 1)
                released += 1
    return released


def review_for(course_id, item_id, reviewer_id, required, more=False, now=None, hours=None):
    """``(allocation or None, reviews done)``: the reviewer's open allocation, else a new one
    while fewer than ``required`` are done (or ``more``); two queries when one is open.

    With ``hours``, allocations open longer than that are stale: before a new allocation is
    made the block's stale ones go back to the pool, and a reviewer whose own allocation went
    stale gets a new one (which may be the same reflection, if it is still the neediest).
    """
    now = now or timezone.now()
    had = _reviewer_allocations(course_id, item_id, reviewer_id)
    done = sum(1 for _pk, done_at in had if done_at)
    if any(done_at is None for _pk, done_at in had):
        current = open_allocation(course_id, item_id, reviewer_id, had)
        if current is not None and (hours is None or not grading.is_stale(current.created_at, None, now, hours)):
            return current, done
    if done >= required and not more:
        return None, done
    if hours is not None and release_stale(course_id, item_id, now, hours):
        had = _reviewer_allocations(course_id, item_id, reviewer_id)  # their own may be among them
    return allocate(course_id, item_id, reviewer_id, now, had=[pk for pk, _done in had]), done


def allocate(course_id, item_id, reviewer_id, now=None, had=None):
    """Hand ``reviewer_id`` a reflection to review, or None when there is none for them.

    The rule of :func:`rubric_xblock.grading.choose_peer` as one indexed query: never their
    own, never one they had, fewest allocations first, oldest on a tie. Two reviewers may get
    the same reflection (it needs several reviews); the load is counted with an atomic
    increment. ``had``: the reflection ids the reviewer was given before, if already read.
    """
    now = now or timezone.now()
    if had is None:
        existing = open_allocation(course_id, item_id, reviewer_id)
        if existing is not None:
            return existing
        had = [pk for pk, _done in _reviewer_allocations(course_id, item_id, reviewer_id)]
    had = list(had)
    for _round in range(5):
        target = (_block(course_id, item_id).exclude(student_id=reviewer_id).exclude(pk__in=had)
                  .order_by("peer_load", "submitted_at", "id").first())
        if target is None:
            return None
        try:
            with transaction.atomic():
                allocation = PeerAllocation.objects.create(reflection=target, reviewer_id=reviewer_id, created_at=now)
                Reflection.objects.filter(pk=target.pk).update(peer_load=F("peer_load") + 1)
        except IntegrityError:
            had.append(target.pk)
            continue  # the same reviewer's other tab took it first
        allocation.reflection = target
        return allocation
    return None


def allocation_for(reflection, reviewer_id):
    """The reviewer's allocation of ``reflection``, or None."""
    return PeerAllocation.objects.filter(reflection=reflection, reviewer_id=reviewer_id).first()


def save_peer_assessment(reflection, allocation, assessment, reviewer_id, rubric, minimum):
    """Store a peer review, close its allocation, and refresh the median.

    Returns the median Assessment model when it exists (new or changed), else None.
    Conflict ``ALREADY_REVIEWED`` for a second review of the same allocation.
    """
    now = timezone.now()
    try:
        with transaction.atomic():
            if not PeerAllocation.objects.filter(pk=allocation.pk, done_at__isnull=True).update(done_at=now):
                raise Conflict("ALREADY_REVIEWED")
            create_assessment(reflection, Assessment.PEER, assessment, reviewer_id, "", now, slot=reviewer_id)
            Reflection.objects.filter(pk=reflection.pk).update(peer_done=F("peer_done") + 1)
            median = refresh_median(reflection, rubric, minimum, now)
    except IntegrityError as err:
        raise Conflict("ALREADY_REVIEWED") from err
    return median


def peer_assessments(reflection):
    """The reflection's peer reviews as pure Assessments, oldest first."""
    return [to_rubric_assessment(model) for model in
            Assessment.objects.filter(reflection=reflection, kind=Assessment.PEER).order_by("created_at", "id")
            .prefetch_related("parts")]


def refresh_median(reflection, rubric, minimum, now=None):
    """Recompute the stored peer median from the reviews (None while too few exist)."""
    now = now or timezone.now()
    median = grading.peer_median(rubric, peer_assessments(reflection), minimum)
    if median is None:
        return None
    model = Assessment.objects.filter(reflection=reflection, kind=Assessment.MEDIAN, slot="").first()
    if model is None:
        model = Assessment.objects.create(
            reflection=reflection, kind=Assessment.MEDIAN, rubric_version=median.rubric_version,
            grader_id=PEER_LABEL, grader_username=PEER_LABEL, points_earned=median.points_earned,
            points_possible=median.points_possible, version=1, created_at=now, modified_at=now)
        action, previous = AssessmentChange.CREATED, None
    else:
        previous = snapshot(model)
        Assessment.objects.filter(pk=model.pk).update(
            version=F("version") + 1, rubric_version=median.rubric_version, points_earned=median.points_earned,
            points_possible=median.points_possible, modified_at=now)
        model.refresh_from_db()
        action = AssessmentChange.CHANGED
    _write_parts(model, median)
    AssessmentChange.objects.create(assessment=model, action=action, version=model.version,
                                    changed_by_id=PEER_LABEL, changed_by_username=PEER_LABEL, changed_at=now,
                                    previous=previous)
    record_pairs(reflection, rubric)
    return model


# ---------------------------------------------------------------------------
# Training


def examples(course_id, item_id):
    """The active training examples of this block, oldest first."""
    return list(TrainingExample.objects.filter(course_id=course_id, item_id=item_id, active=True))


def add_example(course_id, item_id, reflection, reference, rationale, rubric_version, by):
    """A training example from a submission: its text with personal data masked, staff's levels."""
    return TrainingExample.objects.create(
        course_id=course_id, item_id=item_id, text=mask_personal_data(submission_text(reflection)),
        rubric_version=rubric_version, reference=reference, rationale=rationale, created_by=by or "",
        created_at=timezone.now())


def retire_example(course_id, item_id, example_id):
    """Take an example out of training (attempts are kept); False if there is none."""
    return bool(TrainingExample.objects.filter(course_id=course_id, item_id=item_id, pk=example_id)
                .update(active=False))


def save_training_attempt(example, student_id, selections, comparison):
    """Store one scoring of an example."""
    return TrainingAttempt.objects.create(
        example=example, student_id=student_id, selections=selections, criteria=comparison["criteria"],
        exact=comparison["exact"], within=comparison["within"], passed=comparison["passed"],
        created_at=timezone.now())


def training_attempts(example_ids, student_id):
    """``[(example_id, passed, exact, criteria)]`` of one learner, oldest first."""
    return list(TrainingAttempt.objects.filter(example_id__in=example_ids, student_id=student_id)
                .order_by("created_at", "id").values_list("example_id", "passed", "exact", "criteria"))


def training_accuracy(course_id, item_id, student_ids):
    """``{student_id: status}`` for the learners given (for the staff view)."""
    example_ids = [e.pk for e in examples(course_id, item_id)]
    by_student = {}
    for student_id, example_id, passed, exact, criteria in (
            TrainingAttempt.objects.filter(example_id__in=example_ids, student_id__in=student_ids)
            .order_by("created_at", "id").values_list("student_id", "example_id", "passed", "exact", "criteria")):
        by_student.setdefault(student_id, []).append((example_id, passed, exact, criteria))
    return {student_id: grading.training_status(example_ids, attempts) for student_id, attempts in
            by_student.items()}


# ---------------------------------------------------------------------------
# Agreement


def _levels(criterion, assessment):
    part = assessment.part(criterion.id)
    return grading.level_index(criterion, part.level_id) if part and part.level_id else None


def record_pairs(reflection, rubric):
    """Rewrite the agreement pairs of ``reflection`` from its current assessments.

    Staff vs blind second staff grade (``staff_staff``), and the staff (or second) grade vs
    the peer median (``staff_peer``); only assessments made with ``rubric``'s version pair.
    One transaction, with the block's stamp raised when a pair was removed or added: a reader
    sees the old pairs and stamp or the new ones.
    """
    with transaction.atomic():
        models = {(m.kind): m for m in Assessment.objects.filter(
            reflection=reflection, kind__in=(Assessment.STAFF, Assessment.SECOND, Assessment.MEDIAN))
            .prefetch_related("parts")}
        deleted, _per_model = AgreementPair.objects.filter(reflection=reflection).delete()
        pure = {kind: to_rubric_assessment(model) for kind, model in models.items()
                if model.rubric_version == rubric.version}
        pairs = []
        staffish = [kind for kind in (Assessment.STAFF, Assessment.SECOND) if kind in pure]
        combos = []
        if len(staffish) == 2:
            combos.append((AgreementPair.STAFF_STAFF, Assessment.STAFF, Assessment.SECOND))
        if staffish and Assessment.MEDIAN in pure:
            combos.append((AgreementPair.STAFF_PEER, staffish[0], Assessment.MEDIAN))
        for kind, first, second in combos:
            at = max(models[first].modified_at, models[second].modified_at)
            for criterion in rubric.scored_criteria:
                a, b = _levels(criterion, pure[first]), _levels(criterion, pure[second])
                if a is None or b is None:
                    continue
                pairs.append(AgreementPair(
                    course_id=reflection.course_id, item_id=reflection.item_id, reflection=reflection, kind=kind,
                    criterion_id=criterion.id, rubric_version=rubric.version, grader_a=models[first].grader_username,
                    grader_b=models[second].grader_username, level_a=a, level_b=b, graded_at=at))
        AgreementPair.objects.bulk_create(pairs)
        if deleted or pairs:  # most staff grades pair with nothing: no stamp, no new summary
            bump_agreement_stamp(reflection.course_id, reflection.item_id)


def bump_agreement_stamp(course_id, item_id):
    """Raise the block's :class:`AgreementStamp` (create it at 1): call in the transaction that
    writes the block's agreement pairs, after writing them."""
    stamps = AgreementStamp.objects.filter(course_id=course_id, item_id=item_id)
    if stamps.update(stamp=F("stamp") + 1):
        return
    try:
        with transaction.atomic():
            AgreementStamp.objects.create(course_id=course_id, item_id=item_id, stamp=1)
    except IntegrityError:  # another request created it meanwhile
        stamps.update(stamp=F("stamp") + 1)


def agreement(course_id, item_id, rubric):
    """The agreement summary of this block for the current rubric version.

    The figures are a pure function of the pairs, so they are kept in Django's cache under the
    block's :class:`AgreementStamp` (raised with every write of its pairs, in the same
    transaction) and the rubric version: a request costs one indexed row read, the whole
    statistics run once per change. The stamp is read first: a summary computed from pairs
    newer than its stamp is only ever read under that older stamp, never under a newer one.
    """
    stamp = AgreementStamp.objects.filter(course_id=course_id, item_id=item_id).values_list("stamp", flat=True).first()
    pairs = AgreementPair.objects.filter(course_id=course_id, item_id=item_id, rubric_version=rubric.version)
    levels = {c.id: len(c.levels) for c in rubric.scored_criteria}
    fingerprint = hashlib.sha256(json.dumps([course_id, item_id, rubric.version, stamp or 0,
                                             levels]).encode()).hexdigest()[:40]
    key = f"rubric_xblock:agreement:{fingerprint}"
    summary = cache.get(key)
    if summary is None:
        rows = (pairs.annotate(period=TruncMonth("graded_at"))
                .values("kind", "criterion_id", "period", "grader_a", "grader_b", "level_a", "level_b")
                .annotate(count=Count("id")).order_by())
        counted = [PairCount(row["kind"], row["criterion_id"], row["period"].strftime("%Y-%m"), row["grader_a"],
                             row["grader_b"], row["level_a"], row["level_b"], row["count"]) for row in rows]
        summary = summarise(counted, levels)
        cache.set(key, summary, 24 * 3600)
    counts, _units, waiting = block_counts(course_id, item_id)
    return {**summary, "sample": {"sampled": counts["sampled"], "waiting": waiting}}


def save_second(reflection, assessment, grader_id, grader_username, rubric):
    """A blind second staff grade for the agreement sample (it never counts as the grade)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            model = create_assessment(reflection, Assessment.SECOND, assessment, grader_id, grader_username, now)
            Reflection.objects.filter(pk=reflection.pk).update(needs_second=False, locked_by="", locked_until=None)
    except IntegrityError as err:
        raise Conflict("STALE_ASSESSMENT") from err
    forget_counts(reflection.course_id, reflection.item_id)
    record_pairs(reflection, rubric)
    return model


# ---------------------------------------------------------------------------
# Appeals


def lodge_appeal(reflection, counted, reason, staff_days, student_id):
    """Open the learner's appeal against ``counted`` (the released assessment)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(reflection=reflection, reason=reason, created_at=now,
                                           staff_deadline=grading.staff_deadline(now, staff_days),
                                           original_grader_id=counted.grader_id)
            AssessmentChange.objects.create(assessment=counted, action=AssessmentChange.APPEALED,
                                            version=counted.version, changed_by_id=student_id, changed_at=now,
                                            previous={"reason": reason})
            Reflection.objects.filter(pk=reflection.pk).update(appealed=True)
    except IntegrityError as err:
        raise Conflict("ALREADY_APPEALED") from err
    forget_counts(reflection.course_id, reflection.item_id)
    return appeal


def get_appeal(reflection):
    """The reflection's appeal, or None."""
    return Appeal.objects.filter(reflection=reflection).first()


def decide_appeal(appeal, status, reason, decider_id, decider_username, counted):
    """Close an open appeal (once): the decision, its reason and who, audited on ``counted``."""
    now = timezone.now()
    with transaction.atomic():
        done = Appeal.objects.filter(pk=appeal.pk, status=Appeal.OPEN).update(
            status=status, decision_reason=reason, decided_by_id=decider_id,
            decided_by_username=decider_username or "", decided_at=now)
        if not done:
            raise Conflict("APPEAL_DECIDED")
        AssessmentChange.objects.create(assessment=counted, action=AssessmentChange.DECIDED, version=counted.version,
                                        changed_by_id=decider_id, changed_by_username=decider_username or "",
                                        changed_at=now, previous={"status": status, "reason": reason})
        Reflection.objects.filter(pk=appeal.reflection_id).update(appealed=False)
    appeal.refresh_from_db()
    forget_counts(appeal.reflection.course_id, appeal.reflection.item_id)
    return appeal


def appeal_json(appeal, now=None):
    """The appeal as both sides see it."""
    if appeal is None:
        return None
    now = now or timezone.now()
    return {"reason": appeal.reason, "created_at": appeal.created_at.isoformat(),
            "staff_deadline": appeal.staff_deadline.isoformat(), "overdue": appeal.status == Appeal.OPEN
            and now > appeal.staff_deadline, "status": appeal.status, "decision_reason": appeal.decision_reason,
            "decided_at": appeal.decided_at.isoformat() if appeal.decided_at else None}


# ---------------------------------------------------------------------------
# CSV, streamed


class _Echo:
    """A file-like object whose ``write`` returns the line (for csv.writer in a generator)."""

    def write(self, value):
        return value


def _cell(value):
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def stream_csv(course_id, item_id, rubric, weight, chunk=500):
    """CSV lines (encoded UTF-8), one row per learner, read ``chunk`` reflections at a time.

    Memory follows ``chunk``, not the number of learners: the rows are never all in memory.
    Columns: the staff (else peer median) points per criterion, totals, final score, self
    points, peer reviews received, grader, dates, rubric version, flags.
    """
    writer = csv.writer(_Echo())
    scored = rubric.scored_criteria
    yield writer.writerow(["username", "submitted_at", "words", *[c.id for c in scored], "points_earned",
                           "points_possible", "score", "score_possible", "counted", "self_points", "peer_reviews",
                           "grader", "graded_at", "released_at", "rubric_version", "flagged", "appealed"]
                          ).encode("utf-8")
    last = None
    while True:
        rows = _block(course_id, item_id).order_by("id")
        if last is not None:
            rows = rows.filter(id__gt=last)
        page = list(rows[:chunk])
        if not page:
            return
        last = page[-1].pk
        models = {}
        for model in Assessment.objects.filter(reflection__in=page, kind__in=(
                Assessment.STAFF, Assessment.SELF, Assessment.MEDIAN)).prefetch_related("parts"):
            models[(model.reflection_id, model.kind)] = model
        out = []
        for reflection in page:
            counted = models.get((reflection.pk, Assessment.STAFF)) or models.get((reflection.pk, Assessment.MEDIAN))
            mine = models.get((reflection.pk, Assessment.SELF))
            points = {p.criterion_id: p.points for p in counted.parts.all()} if counted else {}
            score = final_score(counted.points_earned, counted.points_possible, weight) if counted else (None, None)
            out.append(writer.writerow([_cell(cell) for cell in [
                reflection.username, reflection.submitted_at.isoformat(), reflection.word_count,
                *[points.get(c.id) for c in scored],
                counted.points_earned if counted else None, counted.points_possible if counted else None,
                score[0], score[1], counted.kind if counted else None, mine.points_earned if mine else None,
                reflection.peer_done, counted.grader_username if counted else None,
                counted.modified_at.isoformat() if counted else None,
                counted.released_at.isoformat() if counted and counted.released_at else None,
                counted.rubric_version if counted else None, reflection.flagged, reflection.appealed,
            ]]))
        yield "".join(out).encode("utf-8")
