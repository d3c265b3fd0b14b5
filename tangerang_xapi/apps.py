"""The plugin app that brings our statements to ERB (``lms.djangoapp`` / ``cms.djangoapp``)."""
import logging

from django.apps import AppConfig, apps

log = logging.getLogger(__name__)


class TangerangXapiConfig(AppConfig):
    """Registers the transformers in ``ready()`` and the allowlist in ``plugin_settings``."""

    name = "tangerang_xapi"
    label = "tangerang_xapi"
    verbose_name = "xAPI statements of the complaint-handling XBlocks"
    plugin_app = {
        "settings_config": {
            "lms.djangoapp": {"common": {"relative_path": "settings"}},
            "cms.djangoapp": {"common": {"relative_path": "settings"}},
        },
    }

    def ready(self):
        """Register our transformers, only where ERB is an installed app (its models load).

        An ERB whose API moved (another major version) costs the statements, never the LMS's
        start: the failure is logged and nothing is registered.
        """
        if not apps.is_installed("event_routing_backends"):
            return
        try:
            from . import transformers  # noqa: F401  (registers on import)
        except (ImportError, AttributeError):
            log.exception("tangerang_xapi: this event-routing-backends cannot take our transformers; "
                          "no xAPI statements for complaint_sim and rubric_reflection")
