"""The one seam for imports that exist only on the platform (edx-submissions, opaque keys).

Tests and the demo replace or use these in one place.
"""


def submissions_api():
    """The edx-submissions ``api`` module (installed with the package and in the LMS)."""
    from submissions import api

    return api


def usage_key_or_string(value):
    """``value`` as an opaque-keys ``UsageKey`` when it parses as one, else the string itself.

    The LMS's user_state service looks up ``StudentModule.module_state_key`` by it; the
    workbench uses plain strings.
    """
    try:
        from opaque_keys import InvalidKeyError
        from opaque_keys.edx.keys import UsageKey
    except ImportError:  # pragma: no cover - opaque-keys ships with edx-submissions
        return value
    try:
        return UsageKey.from_string(value)
    except InvalidKeyError:
        return value
