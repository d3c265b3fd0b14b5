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
