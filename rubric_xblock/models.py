"""What edx-submissions cannot hold: who submitted, and per-criterion assessments with audit.

The reflection text and the final score live in edx-submissions; these tables index the
submissions of a block (with the learner's username for the staff queue) and keep each
self and staff assessment per criterion, the rubric version it was made against, its
grader, timestamps, and every earlier state of it.
"""
from django.db import models


class Reflection(models.Model):
    """One learner's submitted reflection in one block: a pointer to its edx-submission."""

    course_id = models.CharField(max_length=255, db_index=True)
    item_id = models.CharField(max_length=255, db_index=True, help_text="str(usage_key) of the block")
    student_id = models.CharField(max_length=255, help_text="the learner's anonymous user id")
    username = models.CharField(max_length=150, blank=True)
    submission_uuid = models.CharField(max_length=64, blank=True, db_index=True)
    word_count = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course_id", "item_id", "student_id"],
                                    name="rubric_xblock_one_reflection_per_learner"),
        ]
        ordering = ["submitted_at", "id"]

    def __str__(self):
        return f"Reflection({self.item_id}, {self.student_id})"


class Assessment(models.Model):
    """A self or staff assessment of a reflection (at most one of each kind, edited in place).

    ``version`` goes up by one on every change; a grader's form carries the version it was
    built from, so a stale form is refused instead of overwriting someone else's grade.
    """

    SELF = "self"
    STAFF = "staff"
    KINDS = [(SELF, "self"), (STAFF, "staff")]

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(max_length=8, choices=KINDS)
    rubric_version = models.CharField(max_length=40)
    grader_id = models.CharField(max_length=255, help_text="anonymous user id of the grader")
    grader_username = models.CharField(max_length=150, blank=True)
    overall_comment = models.TextField(blank=True)
    points_earned = models.PositiveIntegerField(default=0)
    points_possible = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    modified_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True, help_text="when the score reached the gradebook")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reflection", "kind"], name="rubric_xblock_one_assessment_per_kind"),
        ]

    def __str__(self):
        return f"Assessment({self.kind}, {self.reflection_id}, v{self.version})"


class CriterionAssessment(models.Model):
    """One criterion of an assessment: level and points (None when feedback-only), comment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="parts")
    criterion_id = models.CharField(max_length=64)
    level_id = models.CharField(max_length=64, blank=True)
    points = models.PositiveIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion_id"], name="rubric_xblock_one_part_per_criterion"),
        ]
        ordering = ["id"]

    def __str__(self):
        return f"CriterionAssessment({self.assessment_id}, {self.criterion_id}={self.level_id})"


class AssessmentChange(models.Model):
    """Audit trail: who did what to an assessment, when, and what it was before."""

    CREATED = "created"
    CHANGED = "changed"
    RELEASED = "released"
    ACTIONS = [(CREATED, "created"), (CHANGED, "changed"), (RELEASED, "released")]

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=10, choices=ACTIONS)
    version = models.PositiveIntegerField(help_text="the assessment's version after this change")
    changed_by_id = models.CharField(max_length=255)
    changed_by_username = models.CharField(max_length=150, blank=True)
    changed_at = models.DateTimeField()
    previous = models.JSONField(null=True, blank=True, help_text="the assessment before the change")

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"AssessmentChange({self.assessment_id}, {self.action}, v{self.version})"


class RubricVersion(models.Model):
    """The rubric of one version, kept so that assessments made with it can still be shown.

    Written when an assessment is made (whatever changed the rubric: the Studio editor, an
    OLX import or anything else), so every stored ``Assessment.rubric_version`` of a block
    has its rubric here. The version digest covers ids and points only, so the labels kept
    are the latest ones an assessment was made with.
    """

    course_id = models.CharField(max_length=255)
    item_id = models.CharField(max_length=255, help_text="str(usage_key) of the block")
    version = models.CharField(max_length=40)
    rubric = models.JSONField(help_text="the rubric as the block's ``rubric`` field holds it")
    created_at = models.DateTimeField()
    modified_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course_id", "item_id", "version"],
                                    name="rubric_xblock_one_rubric_per_version"),
        ]
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"RubricVersion({self.item_id}, {self.version})"
