"""The seam to the LMS's cohorts (``openedx.core.djangoapps.course_groups``), imported lazily.

Absent outside the LMS (the workbench, Studio's previews, the tests): then no learner has a
cohort and the roster decides. Tests replace :func:`cohort_name` here.
"""
import functools
import logging

log = logging.getLogger(__name__)


@functools.cache
def _cohorts():
    """The LMS's cohorts module, or None outside the LMS: looked up once per process (a failed
    import is not cached by Python and searched the whole path again on every submit)."""
    try:
        from openedx.core.djangoapps.course_groups import cohorts
    except ImportError:
        return None
    return cohorts


def cohort_name(course_key, user_id):
    """The name of the learner's cohort in ``course_key``, or None (no cohort, not cohorted, no LMS).

    Never assigns a cohort (``assign=False``): reading analytics must not change who is where.
    """
    cohorts = _cohorts()
    if cohorts is None:
        return None
    from django.contrib.auth import get_user_model

    if course_key is None or user_id is None or not hasattr(course_key, "org"):
        return None
    try:
        if not cohorts.is_course_cohorted(course_key):
            return None
        user = get_user_model().objects.filter(id=user_id).first()
        if user is None:
            return None
        cohort = cohorts.get_cohort(user, course_key, assign=False)
    except Exception:  # noqa: BLE001  a broken cohort lookup falls back to the roster, never a 500
        log.exception("tangerang_units: cohort lookup failed for course %s", course_key)
        return None
    return cohort.name if cohort is not None else None


K_SETTING = "k_anonymity"
DEFAULT_K = 10


def course_k(course_key):
    """The course's *k* for anonymity: ``k_anonymity`` in its Advanced Settings' "Other Course
    Settings" (LMS), else Django's ``TANGERANG_K_ANONYMITY``, else 10. Values below 2 are ignored."""
    value = None
    try:
        from xmodule.modulestore.django import modulestore
    except ImportError:
        modulestore = None
    if modulestore is not None and hasattr(course_key, "org"):
        try:
            course = modulestore().get_course(course_key, depth=0)
            value = (getattr(course, "other_course_settings", None) or {}).get(K_SETTING)
        except Exception:  # noqa: BLE001  a broken lookup keeps the default
            log.exception("tangerang_units: could not read %s of %s", K_SETTING, course_key)
    if value is None:
        from django.conf import settings

        value = getattr(settings, "TANGERANG_K_ANONYMITY", DEFAULT_K)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 2 else DEFAULT_K
