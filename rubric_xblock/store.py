"""Persistence for reflections: edx-submissions (text, final score) and this app's models.

Imports Django but not ``xblock``. Refusals that depend on stored state raise
:class:`Conflict` (the block answers 409); everything else is the block's business.
"""
import csv
import io

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from . import compat, grading
from .models import Assessment, AssessmentChange, CriterionAssessment, Reflection, RubricVersion
from .rubric import Assessment as RubricAssessment
from .rubric import CriterionResult, final_score, rubric_from_assessment, storable

ITEM_TYPE = "rubric_reflection"


class Conflict(Exception):
    """The stored state forbids the action (already done, changed meanwhile…)."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def student_item(course_id, item_id, student_id):
    """The edx-submissions ``student_item`` dict for this learner and block."""
    return {"student_id": student_id, "course_id": course_id, "item_id": item_id, "item_type": ITEM_TYPE}


# ---------------------------------------------------------------------------
# Submissions


def get_reflection(course_id, item_id, student_id):
    """The learner's reflection in this block, or None."""
    return Reflection.objects.filter(course_id=course_id, item_id=item_id, student_id=student_id).first()


def reflections_by_username(course_id, item_id):
    """Every submitted reflection of this block by the learner's username (one query)."""
    return {r.username: r for r in Reflection.objects.filter(course_id=course_id, item_id=item_id) if r.username}


def find_reflection(course_id, item_id, submission_uuid):
    """The reflection of this block with ``submission_uuid``, or None (also for other blocks)."""
    if not isinstance(submission_uuid, str) or not submission_uuid or len(submission_uuid) > 64 \
            or not storable(submission_uuid):
        return None  # a lone surrogate cannot even be sent to the database: no such submission
    return Reflection.objects.filter(course_id=course_id, item_id=item_id,
                                     submission_uuid=submission_uuid).first()


def create_reflection(course_id, item_id, student_id, username, text, word_count, unit="", breached=False,
                      sample_share=0):
    """Store the final text in edx-submissions and index it; at most one per learner.

    One transaction, one commit. The index row is written first, with the queue flags known
    before the submission (unit, critical breach), so two simultaneous submits meet its unique
    constraint before either reaches edx-submissions (whose own get-or-create of the student
    item is not safe against a racing twin: it answered 500 on MariaDB) and only one
    edx-submission is created; the row then gets the submission's uuid and the agreement
    sample flag (decided by that uuid) in one UPDATE. The attempt is always the learner's first
    (one reflection per learner), so edx-submissions need not count earlier ones.
    """
    now = timezone.now()
    try:
        with transaction.atomic():
            reflection = Reflection.objects.create(
                course_id=course_id, item_id=item_id, student_id=student_id, username=username or "",
                word_count=word_count, submitted_at=now, unit=unit or "", breached=bool(breached),
            )
            submission = compat.submissions_api().create_submission(
                student_item(course_id, item_id, student_id), {"text": text}, submitted_at=now, attempt_number=1,
            )
            reflection.submission_uuid = submission["uuid"]
            reflection.sampled = grading.in_sample(submission["uuid"], sample_share)
            Reflection.objects.filter(pk=reflection.pk).update(submission_uuid=reflection.submission_uuid,
                                                               sampled=reflection.sampled)
    except IntegrityError as err:
        raise Conflict("ALREADY_SUBMITTED") from err
    return reflection


def submission_text(reflection):
    """The submitted text, read back from edx-submissions ('' if unreadable)."""
    api = compat.submissions_api()
    try:
        answer = api.get_submission(reflection.submission_uuid)["answer"]
    except (api.SubmissionError, KeyError, TypeError):
        return ""
    return answer.get("text", "") if isinstance(answer, dict) else ""


# ---------------------------------------------------------------------------
# Assessments


def get_assessments(reflection):
    """``{kind: Assessment}`` of the reflection, with their parts, in two queries."""
    if reflection is None or reflection.pk is None:
        return {}
    return {model.kind: model for model in
            Assessment.objects.filter(reflection=reflection).prefetch_related("parts")}


def to_rubric_assessment(model):
    """A stored assessment as the pure :class:`rubric_xblock.rubric.Assessment`."""
    if model is None:
        return None
    parts = tuple(
        CriterionResult(part.criterion_id, part.level_id or None, part.points, part.comment)
        for part in model.parts.all()
    )
    return RubricAssessment(model.rubric_version, parts, model.overall_comment, model.points_earned,
                            model.points_possible)


def snapshot(model):
    """A JSON-able copy of an assessment (for the audit trail and the staff view)."""
    return {
        "version": model.version,
        "rubric_version": model.rubric_version,
        "grader": model.grader_username,
        "points_earned": model.points_earned,
        "points_possible": model.points_possible,
        "overall_comment": model.overall_comment,
        "modified_at": model.modified_at.isoformat(),
        "released_at": model.released_at.isoformat() if model.released_at else None,
        "parts": [
            {"criterion_id": part.criterion_id, "level_id": part.level_id or None, "points": part.points,
             "comment": part.comment}
            for part in model.parts.all()
        ],
    }


def _write_parts(model, assessment):
    model.parts.all().delete()
    CriterionAssessment.objects.bulk_create([
        CriterionAssessment(assessment=model, criterion_id=part.criterion_id, level_id=part.level_id or "",
                            points=part.points, comment=part.comment)
        for part in assessment.parts
    ])


def create_assessment(reflection, kind, assessment, grader_id, grader_username, now, slot=""):
    """A new assessment of ``kind`` (version 1) with its parts and its "created" history row.

    The one way the self, peer and second-staff assessments are created; call it inside the
    caller's ``transaction.atomic()`` (the unique key on reflection, kind and slot refuses a
    duplicate with IntegrityError, which the caller turns into its own Conflict).
    """
    model = Assessment.objects.create(
        reflection=reflection, kind=kind, slot=slot, rubric_version=assessment.rubric_version,
        grader_id=grader_id, grader_username=grader_username or "",
        overall_comment=assessment.overall_comment, points_earned=assessment.points_earned,
        points_possible=assessment.points_possible, version=1, created_at=now, modified_at=now)
    _write_parts(model, assessment)
    AssessmentChange.objects.create(assessment=model, action=AssessmentChange.CREATED, version=1,
                                    changed_by_id=grader_id, changed_by_username=grader_username or "",
                                    changed_at=now)
    return model


def save_self_assessment(reflection, assessment, grader_id, grader_username):
    """Store the learner's self assessment; refused once one exists."""
    now = timezone.now()
    try:
        with transaction.atomic():
            model = create_assessment(reflection, Assessment.SELF, assessment, grader_id, grader_username, now)
    except IntegrityError as err:
        raise Conflict("ALREADY_SELF_ASSESSED") from err
    return model


def save_staff_assessment(reflection, assessment, grader_id, grader_username, expected_version):
    """Create or change the staff assessment, if nobody changed it since ``expected_version``.

    ``expected_version`` is 0 when the grader saw no staff assessment. Raises
    ``Conflict("STALE_ASSESSMENT")`` otherwise. Every change keeps the previous state.
    """
    now = timezone.now()
    try:
        with transaction.atomic():
            model = (Assessment.objects.select_for_update()
                     .filter(reflection=reflection, kind=Assessment.STAFF).first())
            if model is None:
                if expected_version != 0:
                    raise Conflict("STALE_ASSESSMENT")
                model = Assessment.objects.create(
                    reflection=reflection, kind=Assessment.STAFF, rubric_version=assessment.rubric_version,
                    grader_id=grader_id, grader_username=grader_username or "",
                    overall_comment=assessment.overall_comment, points_earned=assessment.points_earned,
                    points_possible=assessment.points_possible, version=1, created_at=now, modified_at=now,
                )
                action, previous = AssessmentChange.CREATED, None
            else:
                previous = snapshot(model)
                # Compare-and-set on the version: the check holds even without row locks (SQLite).
                changed = Assessment.objects.filter(pk=model.pk, version=expected_version).update(
                    version=F("version") + 1, rubric_version=assessment.rubric_version, grader_id=grader_id,
                    grader_username=grader_username or "", overall_comment=assessment.overall_comment,
                    points_earned=assessment.points_earned, points_possible=assessment.points_possible,
                    modified_at=now,
                )
                if not changed:
                    raise Conflict("STALE_ASSESSMENT")
                model.refresh_from_db()
                action = AssessmentChange.CHANGED
            _write_parts(model, assessment)
            AssessmentChange.objects.create(assessment=model, action=action, version=model.version,
                                            changed_by_id=grader_id, changed_by_username=grader_username or "",
                                            changed_at=now, previous=previous)
    except IntegrityError as err:
        raise Conflict("STALE_ASSESSMENT") from err
    return model


def _publish(pk, weight, released_by_id, released_by_username, only_unreleased):
    """Send the stored points of assessment ``pk`` to the gradebook; the fresh row, or None.

    One transaction: a conditional update marks the row released (and locks it, so a
    regrade waits until this commits), then the row is read again and *its* points are
    sent. A regrade saved after the caller read the row is therefore never overwritten by
    older points. ``only_unreleased``: do nothing (None) when the row is already released,
    so a repeated or concurrent release publishes once and audits once.
    """
    now = timezone.now()
    with transaction.atomic():
        first_release = bool(Assessment.objects.filter(pk=pk, released_at__isnull=True).update(released_at=now))
        if not first_release:
            if only_unreleased:
                return None
            if not Assessment.objects.filter(pk=pk).update(released_at=now):
                return None  # deleted meanwhile
        fresh = Assessment.objects.select_for_update().select_related("reflection").get(pk=pk)
        earned, possible = final_score(fresh.points_earned, fresh.points_possible, weight)
        compat.submissions_api().set_score(fresh.reflection.submission_uuid, earned, possible)
        if first_release and fresh.kind == Assessment.STAFF:
            AssessmentChange.objects.create(assessment=fresh, action=AssessmentChange.RELEASED,
                                            version=fresh.version, changed_by_id=released_by_id,
                                            changed_by_username=released_by_username or "", changed_at=now)
    return fresh


def publish_score(reflection, model, weight, released_by_id, released_by_username):
    """Send the points stored for ``model`` to the gradebook through edx-submissions ``set_score``.

    The LMS turns the ``score_set`` signal into the course grade. Marks the assessment
    released and records who released it (once). The points sent are re-read from the
    database under a lock, not taken from ``model``: if another grader saved meanwhile,
    their (newer) points are the ones published. ``model.released_at`` is updated.
    Returns ``(earned, possible)`` sent, or None if the assessment no longer exists.
    """
    fresh = _publish(model.pk, weight, released_by_id, released_by_username, only_unreleased=False)
    if fresh is None:
        return None
    model.released_at = fresh.released_at
    return final_score(fresh.points_earned, fresh.points_possible, weight)


def release_score(pk, weight, released_by_id, released_by_username):
    """Release the staff assessment ``pk`` if it is not released yet; True if this call did.

    Idempotent: a second (double-clicked, concurrent) release of the same row sends nothing
    and writes no second ``RELEASED`` audit row. The points sent are the row's current ones.
    """
    return _publish(pk, weight, released_by_id, released_by_username, only_unreleased=True) is not None


def unreleased_staff_assessments(course_id, item_id):
    """Staff assessments of this block not yet sent to the gradebook."""
    return (Assessment.objects.filter(kind=Assessment.STAFF, released_at__isnull=True,
                                      reflection__course_id=course_id, reflection__item_id=item_id)
            .select_related("reflection"))


def changes(model):
    """The audit trail of an assessment, oldest first, JSON-able."""
    if model is None:
        return []
    return [
        {"action": change.action, "version": change.version, "by": change.changed_by_username,
         "at": change.changed_at.isoformat(), "previous": change.previous}
        for change in model.changes.all()
    ]


# ---------------------------------------------------------------------------
# Rubric versions


def remember_rubric(course_id, item_id, rubric):
    """Keep ``rubric`` (a :class:`~rubric_xblock.rubric.Rubric`) under its version.

    Called before an assessment is stored. One read when the version is known with the
    same labels; otherwise one write (a relabelled rubric keeps its version and updates the
    labels kept for it). Safe when two requests race: the unique constraint decides.
    """
    data = rubric.to_dict()
    now = timezone.now()
    known = RubricVersion.objects.filter(course_id=course_id, item_id=item_id, version=rubric.version).first()
    if known is None:
        try:
            with transaction.atomic():
                RubricVersion.objects.create(course_id=course_id, item_id=item_id, version=rubric.version,
                                             rubric=data, created_at=now, modified_at=now)
        except IntegrityError:
            pass  # another request stored this version first
    elif known.rubric != data:
        RubricVersion.objects.filter(pk=known.pk).update(rubric=data, modified_at=now)


def rubrics_for(course_id, item_id, versions):
    """``{version: rubric dict}`` for the ``versions`` kept for this block (one query)."""
    wanted = {version for version in versions if version}
    if not wanted:
        return {}
    return {row.version: row.rubric for row in
            RubricVersion.objects.filter(course_id=course_id, item_id=item_id, version__in=wanted)}


def rubric_of(assessment, kept):
    """The rubric dict ``assessment`` (a pure Assessment) was made with: the kept one, else a
    stand-in rebuilt from the assessment itself (marked ``reconstructed``)."""
    return kept.get(assessment.rubric_version) or rubric_from_assessment(assessment)


def version_impact(course_id, item_id, version):
    """What saving a rubric of ``version`` means for this block's stored work (two queries):
    ``{"submissions", "assessments", "other_version"}`` (staff and self assessments made with
    another version)."""
    assessments = Assessment.objects.filter(reflection__course_id=course_id, reflection__item_id=item_id)
    return {
        "submissions": Reflection.objects.filter(course_id=course_id, item_id=item_id).count(),
        "assessments": assessments.count(),
        "other_version": assessments.exclude(rubric_version=version).count(),
    }


# ---------------------------------------------------------------------------
# Export

def _csv_cell(value):
    """Guard spreadsheet formulas: a cell starting with = + - @ gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_csv(course_id, item_id, rubric, weight):
    """One row per learner: staff points per criterion, total, final score, grader, dates."""
    out = io.StringIO()
    writer = csv.writer(out)
    scored = rubric.scored_criteria
    writer.writerow(["username", "submitted_at", "words", *[c.id for c in scored], "points_earned",
                     "points_possible", "score", "score_possible", "self_points", "grader", "graded_at",
                     "released_at", "rubric_version"])
    reflections = Reflection.objects.filter(course_id=course_id, item_id=item_id).order_by("username", "id")
    assessments = {}
    for model in (Assessment.objects.filter(reflection__in=reflections).prefetch_related("parts")):
        assessments[(model.reflection_id, model.kind)] = model
    for reflection in reflections:
        staff = assessments.get((reflection.pk, Assessment.STAFF))
        mine = assessments.get((reflection.pk, Assessment.SELF))
        points = {part.criterion_id: part.points for part in staff.parts.all()} if staff else {}
        score = final_score(staff.points_earned, staff.points_possible, weight) if staff else (None, None)
        writer.writerow([_csv_cell(cell) for cell in [
            reflection.username, reflection.submitted_at.isoformat(), reflection.word_count,
            *[points.get(c.id) for c in scored],
            staff.points_earned if staff else None, staff.points_possible if staff else None,
            score[0], score[1], mine.points_earned if mine else None,
            staff.grader_username if staff else None,
            staff.modified_at.isoformat() if staff else None,
            staff.released_at.isoformat() if staff and staff.released_at else None,
            staff.rubric_version if staff else None,
        ]])
    return out.getvalue()
