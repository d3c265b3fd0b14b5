"""Recording finished attempts into the aggregate rows, and reading them back (Django side).

:func:`record` runs inside the transaction in which the learner's run row won its
compare-and-set (:mod:`.store`), so an ending is added exactly once and a 409 loser adds
nothing. Each ending adds to its counters with ONE statement, an upsert that increments in
the database (``INSERT … ON CONFLICT … DO UPDATE SET n = n + excluded.n`` on SQLite and
PostgreSQL, ``ON DUPLICATE KEY UPDATE n = n + VALUES(n)`` on MariaDB/MySQL): no value is read
into Python and written back, so any number of LMS workers can record at once without losing
a count. Rows are written in key order, so two upserts lock shared rows in the same order.
"""
import datetime
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, CharField, F, Sum, Value, When
from django.utils import timezone

from . import tallies
from .models import RoleplayCounter, RoleplayLearnerBest

COURSE_TIME_ZONE = ZoneInfo("Asia/Jakarta")
# Every ending is added twice: to its day's rows and to the all-time rows, whose ``day`` is this
# date. The views without a date range and the debrief read the all-time rows only, so their
# cost follows the number of units and choices, not of days or attempts.
ALL_DAYS = datetime.date(1, 1, 1)
COLUMNS = ("usage_key", "scenario_version", "day", "unit", "metric", "item", "n", "total", "total2")
KEY = COLUMNS[:6]


def today():
    """The day in the course's time zone (Kota Tangerang): the ``day`` of the rows written now."""
    return timezone.now().astimezone(COURSE_TIME_ZONE).date()


def _upsert_sql(count):
    table = connection.ops.quote_name(RoleplayCounter._meta.db_table)  # noqa: SLF001
    quoted = [connection.ops.quote_name(c) for c in COLUMNS]
    values = ", ".join(["(" + ", ".join(["%s"] * len(COLUMNS)) + ")"] * count)
    insert = f"INSERT INTO {table} ({', '.join(quoted)}) VALUES {values}"
    n, total, total2 = quoted[6:]
    if connection.vendor == "mysql":
        return (f"{insert} ON DUPLICATE KEY UPDATE {n} = {n} + VALUES({n}), {total} = {total} + VALUES({total}), "
                f"{total2} = {total2} + VALUES({total2})")
    return (f"{insert} ON CONFLICT ({', '.join(quoted[:6])}) DO UPDATE SET {n} = {table}.{n} + excluded.{n}, "
            f"{total} = {table}.{total} + excluded.{total}, {total2} = {table}.{total2} + excluded.{total2}")


def add(usage_key, version, unit, day, counters):
    """Add ``counters`` ({(metric, item): (n, total, total2)}) to the rows of ``day`` and to the
    all-time rows, in one statement."""
    if not counters:
        return
    params = []
    for when in sorted({ALL_DAYS, day}):
        for (metric, item), (n, total, total2) in sorted(counters.items()):
            params += [usage_key, version, when, unit, metric, item[:150], n, total, total2]
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(len(params) // len(COLUMNS)), params)


def _first_and_gain(usage_key, version, user_id, pct):
    """``(first, gain)`` for this learner's new attempt; updates their first/best row.

    Only this learner's recording writes the row, and it runs after the learner's run row
    won its compare-and-set in this transaction, so one learner's endings come one at a time.
    """
    try:
        with transaction.atomic():
            RoleplayLearnerBest.objects.create(usage_key=usage_key, scenario_version=version, user_id=user_id,
                                               first_percent=pct, best_percent=pct)
        return True, pct
    except IntegrityError:
        pass
    best = RoleplayLearnerBest.objects.filter(usage_key=usage_key, scenario_version=version,
                                              user_id=user_id).values_list("best_percent", flat=True).first()
    first, gain = tallies.first_and_gain(0, best or 0.0, pct)
    if gain:
        RoleplayLearnerBest.objects.filter(usage_key=usage_key, scenario_version=version, user_id=user_id,
                                           best_percent__lt=pct).update(best_percent=pct)
    return first, gain


def record(scenario, usage_key, user_id, unit, run, entry, day=None):
    """Add one finished attempt to the aggregates (call inside the run row's transaction)."""
    version = run.get("digest") or scenario.digest
    pct = tallies.percent(entry["points"], entry["max_points"])
    first, gain = _first_and_gain(usage_key, version, user_id, pct)
    counters = tallies.ending_counters(run, entry, first, gain, tallies.record_checks(scenario, run))
    add(usage_key, version, unit or "", day or today(), counters)


def _rows(usage_key, version, unit=None, start=None, end=None, metrics=None):
    rows = RoleplayCounter.objects.filter(usage_key=usage_key, scenario_version=version)
    if unit is not None:
        rows = rows.filter(unit=unit)
    if start is None and end is None:
        rows = rows.filter(day=ALL_DAYS)
    else:
        rows = rows.filter(day__gt=ALL_DAYS)
        if start is not None:
            rows = rows.filter(day__gte=start)
        if end is not None:
            rows = rows.filter(day__lte=end)
    if metrics is not None:
        rows = rows.filter(metric__in=metrics)
    return rows


def summed(usage_key, version, unit=None, start=None, end=None):
    """Rows ``{unit, metric, item, n, total, total2}`` summed over the days in ``[start, end]``:
    one per unit for the metrics of ``tallies.PER_UNIT`` (the units table), one over every unit
    (``unit`` None) for the others.

    One query over the all-time rows (or the day rows of a range); the answer has units × duties
    + items rows, not units × items, so the Python that shapes it does not grow with the units.
    """
    per_unit = Case(When(metric__in=tallies.PER_UNIT, then=F("unit")), default=Value(None), output_field=CharField())
    return [{"unit": u, "metric": m, "item": i, "n": n, "total": t, "total2": t2} for u, m, i, n, t, t2 in
            _rows(usage_key, version, unit, start, end).annotate(per_unit=per_unit, m=F("metric"), i=F("item"))
            .values("per_unit", "m", "i").order_by()
            .annotate(n=Sum("n"), total=Sum("total"), total2=Sum("total2"))
            .values_list("per_unit", "m", "i", "n", "total", "total2")]


def _versions_sql():
    table = connection.ops.quote_name(RoleplayCounter._meta.db_table)  # noqa: SLF001
    usage, version, day, metric, n = (connection.ops.quote_name(c) for c in
                                      ("usage_key", "scenario_version", "day", "metric", "n"))
    # MIN / MAX alone over an index prefix: one seek at either end of the version's day rows
    # (SQLite's min/max optimisation, MariaDB's "tables optimized away", PostgreSQL's index scan).
    ends = [f"(SELECT {f}(d.{day}) FROM {table} d WHERE d.{usage} = %s AND d.{version} = c.{version} "
            f"AND d.{day} > %s)" for f in ("MIN", "MAX")]
    return (f"SELECT c.{version}, c.{n}, {ends[0]}, {ends[1]} FROM {table} c "
            f"WHERE c.{usage} = %s AND c.{metric} = 'attempts' AND c.{day} = %s")


def versions(usage_key):
    """``[{version, attempts, first_day, last_day}]`` of the block, the most recent first.

    One query over the all-time "attempts" rows (versions × units rows; index usage_key, metric,
    day), each with the first and last day of its version from a seek at either end of the
    version's day rows in the key index: the cost follows versions × units, not days or attempts.
    Plain SQL, without GROUP BY: grouped by version, SQLite walks the block's whole key index
    for the order instead, and the ORM's correlated subqueries cost more to build than to run.
    """
    found = {}
    with connection.cursor() as cursor:
        cursor.execute(_versions_sql(), [usage_key, ALL_DAYS, usage_key, ALL_DAYS, usage_key, ALL_DAYS])
        for version, n, first, last in cursor.fetchall():
            attempts = found.get(version, {}).get("attempts", 0) + n
            found[version] = {"version": version, "attempts": attempts, "first_day": str(first), "last_day": str(last)}
    return sorted(found.values(), key=lambda v: v["last_day"], reverse=True)


def units(usage_key, version):
    """The units that have attempts in this block and version (names of units, not of people)."""
    return sorted(RoleplayCounter.objects.filter(usage_key=usage_key, scenario_version=version, metric="attempts",
                                                 day=ALL_DAYS).values_list("unit", flat=True).distinct().order_by())


def choices_taken(usage_key, version):
    """``{node: {choice: count}}`` over every unit and day of the block's scenario version."""
    taken = {}
    for item, n in (_rows(usage_key, version, metrics=["choice"]).values("item").order_by()
                    .annotate(n=Sum("n")).values_list("item", "n")):
        node, choice = item.split("|", 1)
        taken.setdefault(node, {})[choice] = n
    return taken


def parse_day(value):
    """An ISO date string, or None for an empty or missing one; ValueError otherwise."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError(value)
    return datetime.date.fromisoformat(value)
