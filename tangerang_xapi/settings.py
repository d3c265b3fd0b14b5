"""``plugin_settings`` for the LMS and Studio (edx-django-utils plugin settings)."""
from .constants import ALL_EVENTS


def plugin_settings(settings):
    """Add our event names to ERB's xAPI allowlist, where ERB is installed; else do nothing.

    Load-order safe, like ERB's own ``plugin_settings``: the allowlist may or may not exist yet.
    ERB builds ``EVENT_TRACKING_BACKENDS`` from the allowlist; when it already did (its plugin
    settings ran before ours), the backend is rebuilt with our names in it, and so is
    ``EVENT_BUS_TRACKING_LOGS``.
    """
    try:
        from event_routing_backends.utils.settings import event_tracking_backends_config
    except ImportError:
        return
    allowed = list(getattr(settings, "EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS", None) or [])
    allowed += [name for name in ALL_EVENTS if name not in allowed]
    settings.EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS = allowed
    if hasattr(settings, "EVENT_BUS_TRACKING_LOGS"):
        # ERB's tracking-log-over-event-bus list is made from the allowlists too.
        settings.EVENT_BUS_TRACKING_LOGS = set(settings.EVENT_BUS_TRACKING_LOGS) | set(ALL_EVENTS)
    backends = getattr(settings, "EVENT_TRACKING_BACKENDS", None)
    if backends and "event_transformer" in backends:
        backends.update(event_tracking_backends_config(
            settings, allowed, list(getattr(settings, "EVENT_TRACKING_BACKENDS_ALLOWED_CALIPER_EVENTS", []))))
