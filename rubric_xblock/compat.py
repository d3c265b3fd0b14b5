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


def _plain_context(key):
    """``key``'s course (or library) key without branch and version, for comparing."""
    context = key.context_key
    for method in ("for_branch", "for_version"):
        if hasattr(context, method):
            context = getattr(context, method)(None)
    return context


def same_context(link, own_usage_id):
    """True when the usage id ``link`` names a block of the same course (context) as ``own_usage_id``.

    The reflection reads the linked role-play's *learner state*, so a link into another
    course would let that course's staff read learners' runs elsewhere: refused.

    Both ids are parsed as opaque keys. Their course keys (branch and version left out)
    must be equal. When neither parses (the workbench, where usage ids are plain strings
    such as ``role-play-….complaint_sim.d0.u0`` and there is only one "course"), the link
    counts as the same course; when exactly one of them parses, the link cannot be in this
    block's course and is refused. Never raises.
    """
    try:
        link_key = usage_key_or_string(link) if isinstance(link, str) else None
        own_key = own_usage_id if hasattr(own_usage_id, "context_key") else usage_key_or_string(str(own_usage_id))
        if link_key is None:
            return False
        link.encode("utf-8")  # a lone surrogate is no block's id (UnicodeEncodeError: refused)
        if isinstance(link_key, str) or isinstance(own_key, str):
            return isinstance(link_key, str) and isinstance(own_key, str)
        return _plain_context(link_key) == _plain_context(own_key)
    except Exception:  # noqa: BLE001  an odd key is simply not this course's
        return False


MAX_NAME_MATCHES = 200


def usernames_by_name(text, limit=MAX_NAME_MATCHES):
    """Usernames of the platform's users whose full name contains ``text`` (case-insensitive).

    The staff queue's search by name: the reflection stores no names (only the username), so
    it asks the platform's own user records. In the LMS that is the learner profile's full
    name (``common.djangoapps.student.models.UserProfile.name``); elsewhere (the demo, tests)
    Django's ``User.first_name`` / ``last_name``. At most ``limit`` usernames; an empty list
    where there are no users or names. Never raises.
    """
    text = (text or "").strip()
    if not text:
        return []
    try:
        from django.contrib.auth import get_user_model
        from django.db.models import Q

        try:
            from common.djangoapps.student.models import UserProfile  # edx-platform only
        except ImportError:
            UserProfile = None  # noqa: N806  the LMS's model, absent elsewhere
        if UserProfile is not None:
            found = UserProfile.objects.filter(name__icontains=text).values_list("user__username", flat=True)
        else:
            found = get_user_model().objects.filter(Q(first_name__icontains=text) | Q(last_name__icontains=text)
                                                    ).values_list("username", flat=True)
        return list(found[:limit])
    except Exception:  # noqa: BLE001  search by username still works without names
        return []
