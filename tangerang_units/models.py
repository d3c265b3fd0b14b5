"""The per-course unit roster: one row per learner named in the roster staff uploaded."""
from django.db import models

from .roster import MAX_UNIT, MAX_USER


class RosterEntry(models.Model):
    """``user_key`` (a username or an email, lower-cased) belongs to ``unit`` in ``course_key``."""

    course_key = models.CharField(max_length=255, help_text="course the roster belongs to")
    user_key = models.CharField(max_length=MAX_USER, help_text="username or email, lower-cased")
    unit = models.CharField(max_length=MAX_UNIT, help_text="the learner's work unit")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course_key", "user_key"], name="tgr_units_one_per_user"),
        ]

    def __str__(self):
        return f"{self.course_key} / {self.user_key}: {self.unit}"
