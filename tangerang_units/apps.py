"""Django app for the per-course unit roster (an Open edX plugin app)."""
from django.apps import AppConfig


class TangerangUnitsConfig(AppConfig):
    """Registered through the ``lms.djangoapp`` and ``cms.djangoapp`` entry points."""

    name = "tangerang_units"
    label = "tangerang_units"
    verbose_name = "Work units of learners (roster and cohorts)"
    default_auto_field = "django.db.models.BigAutoField"
    plugin_app = {}
