"""The demo layer as a Django app: makes the workbench's state table safe for many workers.

The workbench's ``XBlockState`` table has no unique key, and ``get_for_key`` is a
``get_or_create``: two simultaneous first requests (two workers loading the scenarios, a new
learner's two first page loads) both insert, and every later ``get`` of that key raises
``MultipleObjectsReturned``: a 500 for that learner or page for good. Here every read and write
of a key goes to its oldest row, so duplicates, when two inserts race, are harmless: both
requests converge on the same row, and the younger one is never read.
"""
from django.apps import AppConfig


def _key_fields(key):
    """The ``XBlockState`` column values of a ``KeyValueStore.Key`` (as the workbench computes them)."""
    from workbench.models import shorten_scope_name
    from xblock.fields import Scope

    full_name = key.scope.attr_name if key.scope in (Scope.parent, Scope.children) else key.scope.block.attr_name
    scope = shorten_scope_name(full_name)
    if scope in ("type", "all"):
        scenario, tag = None, key.block_scope_id
    else:
        scenario, tag, _rest = key.block_scope_id.split(".", 2)
    return {"scope": scope, "scope_id": key.block_scope_id, "user_id": key.user_id, "scenario": scenario, "tag": tag}


def get_for_key(cls, key):
    """The oldest row of ``key``, created if there is none (a racing twin is left unread)."""
    fields = _key_fields(key)
    record = cls.objects.filter(**fields).order_by("id").first()
    if record is None:
        cls.objects.create(**fields)
        record = cls.objects.filter(**fields).order_by("id").first()
    return record


class DemoConfig(AppConfig):
    """``course_export.demo``: the local demo's additions to the workbench."""

    name = "course_export.demo"
    label = "course_export_demo"
    verbose_name = "Course demo (workbench)"

    def ready(self):
        from workbench.models import XBlockState

        XBlockState.get_for_key = classmethod(get_for_key)
