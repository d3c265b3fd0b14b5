"""Loading and storing a learner's role-play progress in :class:`~.models.RoleplayRun`.

Imports Django but not ``xblock``. Writes are compare-and-set on ``version``: :func:`save`
changes the row only if nobody wrote it since it was read, else raises :class:`Conflict`,
and the block answers 409 with the state as it now is.
"""
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import RoleplayRun


class Conflict(Exception):
    """Someone else wrote this learner's progress since it was read."""


@dataclass(frozen=True)
class Stored:
    """Progress as read: ``version`` 0 means no row yet (old user state, or never played)."""

    version: int
    run: dict | None
    history: list


def load(usage_key, user_id):
    """The learner's stored progress in this block, or None if there is no row."""
    row = RoleplayRun.objects.filter(usage_key=usage_key, user_id=user_id).values(
        "version", "run", "history").first()
    if row is None:
        return None
    return Stored(row["version"], row["run"] or None, list(row["history"] or []))


def save(course_key, usage_key, user_id, expected_version, run, history):
    """Store ``run`` and ``history`` if the row is still at ``expected_version``; the new version.

    ``expected_version`` 0 inserts the row (the unique key lets exactly one of two racing
    first writes in). Raises :class:`Conflict` when the row moved on meanwhile.
    """
    if expected_version == 0:
        try:
            with transaction.atomic():
                RoleplayRun.objects.create(course_key=course_key, usage_key=usage_key, user_id=user_id,
                                           version=1, run=run, history=history)
        except IntegrityError:
            raise Conflict() from None
        return 1
    changed = RoleplayRun.objects.filter(usage_key=usage_key, user_id=user_id, version=expected_version).update(
        run=run, history=history, version=F("version") + 1, modified_at=timezone.now())
    if changed != 1:
        raise Conflict()
    return expected_version + 1
