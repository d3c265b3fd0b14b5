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
    # The staff queue's filters, kept on the row so that a page and its counts are index reads.
    graded = models.BooleanField(default=False, help_text="a staff assessment exists")
    released = models.BooleanField(default=False, help_text="the counted grade reached the gradebook")
    flagged = models.BooleanField(default=False, help_text="marked by staff for a second look")
    breached = models.BooleanField(default=False, help_text="the linked role-play run breached a critical duty")
    unit = models.CharField(max_length=100, blank=True, help_text="the learner's work unit, when one is known")
    appealed = models.BooleanField(default=False, help_text="an appeal is open")
    sampled = models.BooleanField(default=False, help_text="in the double-graded agreement sample")
    needs_second = models.BooleanField(default=False, help_text="sampled, graded once, awaiting a blind second grade")
    # "Grade next": the grader holding this submission, until when.
    locked_by = models.CharField(max_length=255, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    # Peer review: allocations handed out (open or done) and assessments received.
    peer_load = models.PositiveIntegerField(default=0)
    peer_done = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course_id", "item_id", "student_id"],
                                    name="rubric_xblock_one_reflection_per_learner"),
        ]
        indexes = [
            models.Index(fields=["course_id", "item_id", "graded", "submitted_at"], name="rubric_xb_queue_graded"),
            models.Index(fields=["course_id", "item_id", "peer_load", "submitted_at"], name="rubric_xb_peer_load"),
            models.Index(fields=["course_id", "item_id", "username"], name="rubric_xb_username"),
            models.Index(fields=["course_id", "item_id", "locked_by"], name="rubric_xb_locked"),
        ]
        ordering = ["submitted_at", "id"]

    def __str__(self):
        return f"Reflection({self.item_id}, {self.student_id})"


class Assessment(models.Model):
    """An assessment of a reflection: self, staff, one per peer reviewer (``slot``), the peer
    median, and a blind second staff grade for the agreement sample. At most one per
    (kind, slot); edited in place.

    ``version`` goes up by one on every change; a grader's form carries the version it was
    built from, so a stale form is refused instead of overwriting someone else's grade.
    """

    SELF = "self"
    STAFF = "staff"
    PEER = "peer"
    MEDIAN = "median"
    SECOND = "second"
    KINDS = [(SELF, "self"), (STAFF, "staff"), (PEER, "peer"), (MEDIAN, "peer median"),
             (SECOND, "blind second staff grade")]

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(max_length=8, choices=KINDS)
    slot = models.CharField(max_length=255, blank=True, default="",
                            help_text="'' for self, staff, median, second; the reviewer's anonymous id for peer")
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
            models.UniqueConstraint(fields=["reflection", "kind", "slot"],
                                    name="rubric_xblock_one_assessment_per_slot"),
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
    APPEALED = "appealed"
    DECIDED = "decided"
    ACTIONS = [(CREATED, "created"), (CHANGED, "changed"), (RELEASED, "released"), (APPEALED, "appealed"),
               (DECIDED, "appeal decided")]

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


class PeerAllocation(models.Model):
    """A reflection handed to a learner for peer review; ``done_at`` once assessed."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="allocations")
    reviewer_id = models.CharField(max_length=255, help_text="the reviewer's anonymous user id")
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reflection", "reviewer_id"], name="rubric_xblock_one_review_per_peer"),
        ]
        indexes = [models.Index(fields=["reviewer_id", "done_at"], name="rubric_xb_reviewer"),
                   # Stale allocations (open, older than the hold time) are found by this one.
                   models.Index(fields=["done_at", "created_at"], name="rubric_xb_alloc_open")]
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"PeerAllocation({self.reflection_id}, {self.reviewer_id})"


class TrainingExample(models.Model):
    """An example reflection with staff's reference assessment, scored by learners before peer review."""

    course_id = models.CharField(max_length=255)
    item_id = models.CharField(max_length=255)
    text = models.TextField(help_text="the example text, personal data masked")
    rubric_version = models.CharField(max_length=40)
    reference = models.JSONField(help_text="{criterion_id: level_id}")
    rationale = models.JSONField(default=dict, help_text="{criterion_id: why this level}")
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["course_id", "item_id", "active"], name="rubric_xb_examples")]
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"TrainingExample({self.item_id}, {self.pk})"


class TrainingAttempt(models.Model):
    """One learner's scoring of one training example: their levels, the comparison, pass or not."""

    example = models.ForeignKey(TrainingExample, on_delete=models.CASCADE, related_name="attempts")
    student_id = models.CharField(max_length=255)
    selections = models.JSONField()
    criteria = models.PositiveIntegerField(help_text="scored criteria compared")
    exact = models.PositiveIntegerField(help_text="criteria at the reference level")
    within = models.PositiveIntegerField(help_text="criteria within the tolerance")
    passed = models.BooleanField()
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["student_id", "example"], name="rubric_xb_training")]
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"TrainingAttempt({self.example_id}, {self.student_id}, passed={self.passed})"


class AgreementPair(models.Model):
    """Two independent scores of one criterion of one reflection (staff-staff or staff-peer median)."""

    STAFF_STAFF = "staff_staff"
    STAFF_PEER = "staff_peer"
    KINDS = [(STAFF_STAFF, "two staff"), (STAFF_PEER, "staff and peer median")]

    course_id = models.CharField(max_length=255)
    item_id = models.CharField(max_length=255)
    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="pairs")
    kind = models.CharField(max_length=12, choices=KINDS)
    criterion_id = models.CharField(max_length=64)
    rubric_version = models.CharField(max_length=40)
    grader_a = models.CharField(max_length=150)
    grader_b = models.CharField(max_length=150)
    level_a = models.PositiveIntegerField(help_text="index of the level by points, lowest 0")
    level_b = models.PositiveIntegerField()
    graded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["course_id", "item_id", "kind"], name="rubric_xb_pairs")]

    def __str__(self):
        return f"AgreementPair({self.reflection_id}, {self.kind}, {self.criterion_id})"


class AgreementStamp(models.Model):
    """How many times a block's agreement pairs were written: the key of its cached summary.

    Raised (an F() increment) in the same transaction as every rewrite of the block's pairs,
    so a reader that sees new pairs sees a new stamp; one indexed row read replaces counting
    the block's pairs on every request (which grew with the pairs: 3 ms at 20,000 submissions).
    """

    course_id = models.CharField(max_length=255)
    item_id = models.CharField(max_length=255)
    stamp = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course_id", "item_id"], name="rubric_xblock_one_stamp")]

    def __str__(self):
        return f"AgreementStamp({self.item_id}, {self.stamp})"


class Appeal(models.Model):
    """A learner's appeal (keberatan) against a released grade, and staff's decision."""

    OPEN = "open"
    UPHELD = "upheld"
    CHANGED = "changed"
    STATUSES = [(OPEN, "open"), (UPHELD, "grade upheld"), (CHANGED, "grade changed")]

    reflection = models.OneToOneField(Reflection, on_delete=models.CASCADE, related_name="appeal")
    reason = models.TextField()
    created_at = models.DateTimeField()
    staff_deadline = models.DateTimeField()
    status = models.CharField(max_length=8, choices=STATUSES, default=OPEN)
    original_grader_id = models.CharField(max_length=255)
    decided_by_id = models.CharField(max_length=255, blank=True)
    decided_by_username = models.CharField(max_length=150, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Appeal({self.reflection_id}, {self.status})"
