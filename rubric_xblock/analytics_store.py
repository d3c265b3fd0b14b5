"""The reflection's staff analytics: grouped counts from the index tables (Django side).

Every figure is one ``GROUP BY`` in the database over the block's :class:`~.models.Reflection`
rows (filtered by unit and submission date) and their assessments; no learner's text or
state is read. :mod:`.analytics` (pure) turns the figures into tables and applies *k*.
"""
import datetime
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, Q

from .models import Assessment, CriterionAssessment, Reflection

COURSE_TIME_ZONE = ZoneInfo("Asia/Jakarta")


def _day_start(day):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=COURSE_TIME_ZONE)


def figures(course_id, item_id, unit=None, start=None, end=None):
    """The grouped figures of one block (``start``/``end``: dates, course time zone, inclusive)."""
    rows = Reflection.objects.filter(course_id=course_id, item_id=item_id)
    if unit is not None:
        rows = rows.filter(unit=unit)
    if start is not None:
        rows = rows.filter(submitted_at__gte=_day_start(start))
    if end is not None:
        rows = rows.filter(submitted_at__lt=_day_start(end + datetime.timedelta(days=1)))
    progress = list(rows.values("unit").order_by().annotate(
        submitted=Count("id", distinct=True), graded=Count("id", filter=Q(graded=True), distinct=True),
        released=Count("id", filter=Q(released=True), distinct=True),
        appealed=Count("id", filter=Q(appealed=True), distinct=True),
        self_assessed=Count("assessments", filter=Q(assessments__kind=Assessment.SELF), distinct=True)))
    parts = CriterionAssessment.objects.filter(assessment__reflection__in=rows.values("id"))
    levels = list(parts.filter(assessment__kind__in=[Assessment.SELF, Assessment.STAFF]).values(
        "assessment__kind", "criterion_id", "level_id").order_by().annotate(n=Count("id")))
    paired = rows.filter(graded=True, assessments__kind=Assessment.SELF).values("id")
    gaps = list(parts.filter(assessment__reflection__in=paired, points__isnull=False,
                             assessment__kind__in=[Assessment.SELF, Assessment.STAFF])
                .values("assessment__kind", "criterion_id").order_by().annotate(avg=Avg("points"), n=Count("id")))
    per_unit = list(parts.filter(assessment__kind=Assessment.STAFF, points__isnull=False)
                    .values("assessment__reflection__unit", "criterion_id").order_by().annotate(avg=Avg("points")))
    units = sorted(Reflection.objects.filter(course_id=course_id, item_id=item_id)
                   .values_list("unit", flat=True).distinct().order_by())
    return {"progress": progress, "levels": levels, "gaps": gaps, "per_unit": per_unit, "units": units}
