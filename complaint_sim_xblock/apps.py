"""Django app for the role-play's run table (an Open edX plugin app, like rubric_xblock)."""
from django.apps import AppConfig


class ComplaintSimConfig(AppConfig):
    """Registered through the ``lms.djangoapp`` and ``cms.djangoapp`` entry points."""

    name = "complaint_sim_xblock"
    label = "complaint_sim_xblock"
    verbose_name = "Complaint-handling role-play XBlock"
    default_auto_field = "django.db.models.BigAutoField"
    plugin_app = {}
