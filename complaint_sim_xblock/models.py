"""The role-play's learner progress: one row per learner and block, written by compare-and-set.

User state (one ``StudentModule`` row per learner and block in the LMS) is last-writer-wins,
so two tabs, a double click or a ``start`` racing the final choice could all "succeed" and
overwrite each other. Here every write is ``UPDATE … WHERE version = <version read>``: of
two racing requests exactly one changes the row, and the other learns it lost.
"""
from django.db import models


class RoleplayRun(models.Model):
    """A learner's current run and finished attempts in one role-play block."""

    course_key = models.CharField(max_length=255, db_index=True, help_text="course of the block")
    usage_key = models.CharField(max_length=255, help_text="the block's usage key")
    user_id = models.CharField(max_length=255, help_text="the learner's anonymous user id")
    version = models.PositiveIntegerField(default=1, help_text="+1 on every write")
    run = models.JSONField(null=True, blank=True, help_text="current or last attempt")
    history = models.JSONField(default=list, help_text="one summary per finished attempt")
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["usage_key", "user_id"], name="csim_run_one_per_learner"),
        ]

    def __str__(self):
        return f"{self.usage_key} / {self.user_id} v{self.version}"


class RoleplayCounter(models.Model):
    """One aggregate figure of a role-play: a count ``n`` and sums ``total`` / ``total2``.

    Keyed by block, scenario version (its digest), the learners' unit and the day (course
    time zone) the attempts ended on, then ``metric`` and ``item``, e.g. ``("choice",
    "node|choice")``, ``("duty", "duty|breached")``, ``("competency", id)`` with the points
    earned and possible in ``total`` / ``total2``. Every ending adds to its rows with one
    ``INSERT … ON CONFLICT DO UPDATE n = n + …`` (see :mod:`.aggregates`), never a
    read-modify-write; the staff analytics and the debrief's colleague shares read only these
    rows, so their cost follows units × days × items, not the number of attempts.
    """

    usage_key = models.CharField(max_length=255, help_text="the block's usage key")
    scenario_version = models.CharField(max_length=64, help_text="scenario digest the attempts were played on")
    unit = models.CharField(max_length=100, blank=True, help_text="the learners' unit ('' = none)")
    day = models.DateField(help_text="day the attempts ended (course time zone)")
    metric = models.CharField(max_length=32)
    item = models.CharField(max_length=150, blank=True)
    n = models.BigIntegerField(default=0)
    total = models.FloatField(default=0)
    total2 = models.FloatField(default=0)

    class Meta:
        constraints = [
            # Day before unit: the all-time rows of a version (day = ALL_DAYS, read by the analytics
            # without a date range and by the debrief) and a date range are both a prefix of it.
            models.UniqueConstraint(fields=["usage_key", "scenario_version", "day", "unit", "metric", "item"],
                                    name="csim_counter_day_key"),
        ]
        indexes = [
            # The versions list: the all-time "attempts" rows of every version, index entries only.
            models.Index(fields=["usage_key", "metric", "day", "scenario_version", "n"], name="csim_counter_versions"),
            # Covering: the analytics (all-time rows or a date range), the units list and the
            # debrief's choices read index entries only, a version's all-time rows side by side,
            # instead of one table row per entry, scattered over the table as the attempts came
            # in (more pages read per view the more attempts there are).
            models.Index(fields=["usage_key", "scenario_version", "day", "metric", "unit", "item", "n", "total",
                                 "total2"], name="csim_counter_read"),
        ]

    def __str__(self):
        return f"{self.usage_key} {self.scenario_version} {self.unit} {self.day} {self.metric}:{self.item}={self.n}"


class RoleplayLearnerBest(models.Model):
    """A learner's first and best score (percent) on one scenario version of a block.

    Written only by the recording of that learner's ending, after the learner's own run row
    won its compare-and-set in the same transaction (so one learner's endings are serialised);
    read only by that recording, never by the analytics (which read :class:`RoleplayCounter`).
    """

    usage_key = models.CharField(max_length=255)
    scenario_version = models.CharField(max_length=64)
    user_id = models.CharField(max_length=255, help_text="the learner's anonymous user id")
    first_percent = models.FloatField()
    best_percent = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["usage_key", "scenario_version", "user_id"], name="csim_best_one"),
        ]

    def __str__(self):
        return f"{self.usage_key} {self.scenario_version} {self.user_id}: {self.best_percent}"
