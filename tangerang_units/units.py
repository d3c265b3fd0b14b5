"""A learner's unit, and the course's roster: the Django side (models, the cohort seam).

The rule both blocks follow: the course cohort (LMS), else the roster staff uploaded for the
course, else ``NO_UNIT`` (shown as "tanpa unit").
"""
from django.db import connection, transaction

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
    units = _roster_units(str(course_key), keys)
    for key in keys:  # the username's row first, then the email's
        if key in units:
            return units[key]
    return NO_UNIT


def _roster_units(course_key, keys):
    """``{user_key: unit}`` of ``keys`` in the course's roster: one read of the (course, user)
    unique index, as plain SQL (each reflection submit asks; the ORM's query building cost 15
    times the read itself)."""
    ops = connection.ops
    table, course, user, unit = (ops.quote_name(name) for name in (
        RosterEntry._meta.db_table, *(RosterEntry._meta.get_field(f).column for f in ("course_key", "user_key",
                                                                                        "unit"))))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {user}, {unit} FROM {table} WHERE {course} = %s AND {user} IN "  # noqa: S608
                       f"({', '.join(['%s'] * len(keys))})", [course_key, *keys])
        return dict(cursor.fetchall())


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
