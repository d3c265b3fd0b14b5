"""The plugin app that brings our statements to ERB (``lms.djangoapp`` / ``cms.djangoapp``)."""
from django.apps import AppConfig, apps


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
        """Register our transformers, only where ERB is an installed app (its models load)."""
        if apps.is_installed("event_routing_backends"):
            from . import transformers  # noqa: F401  (registers on import)
