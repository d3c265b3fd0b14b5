"""A learner's unit, and the course's roster: the Django side (models, the cohort seam).

The rule both blocks follow: the course cohort (LMS), else the roster staff uploaded for the
course, else ``NO_UNIT`` (shown as "tanpa unit").
"""
from django.db import transaction

from . import compat
from .models import RosterEntry
from .roster import clean_unit

NO_UNIT = ""


def unit_of(course_key, user_id=None, username=None, emails=()):
    """The learner's unit in ``course_key`` (a CourseKey or its string): cohort, roster, or ``NO_UNIT``."""
    cohort = compat.cohort_name(course_key, user_id)
    if cohort:
        return clean_unit(cohort)[:100]
    keys = [key.lower() for key in (username, *emails) if isinstance(key, str) and key]
    if not keys:
        return NO_UNIT
    units = dict(RosterEntry.objects.filter(course_key=str(course_key), user_key__in=keys)
                 .values_list("user_key", "unit"))
    for key in keys:  # the username's row first, then the email's
        if key in units:
            return units[key]
    return NO_UNIT


def replace_roster(course_key, entries):
    """Make ``entries`` ({user_key: unit}) the course's whole roster, in one transaction."""
    with transaction.atomic():
        RosterEntry.objects.filter(course_key=str(course_key)).delete()
        RosterEntry.objects.bulk_create(
            [RosterEntry(course_key=str(course_key), user_key=user, unit=unit) for user, unit in entries.items()],
            batch_size=1000)


def roster_summary(course_key):
    """``{"entries": n, "units": {unit: learners}}`` of the course's roster (no names)."""
    from django.db.models import Count

    units = dict(RosterEntry.objects.filter(course_key=str(course_key)).values("unit")
                 .annotate(n=Count("id")).order_by("unit").values_list("unit", "n"))
    return {"entries": sum(units.values()), "units": units}
