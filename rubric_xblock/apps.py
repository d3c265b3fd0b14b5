"""Django app for the reflection block's models (an Open edX plugin app)."""
from django.apps import AppConfig


class RubricXBlockConfig(AppConfig):
    """Registered through the ``lms.djangoapp`` and ``cms.djangoapp`` entry points."""

    name = "rubric_xblock"
    label = "rubric_xblock"
    verbose_name = "Rubric reflection XBlock"
    default_auto_field = "django.db.models.BigAutoField"
    plugin_app = {}
