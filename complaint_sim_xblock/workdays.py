"""Working days (*hari kerja*) in Indonesia: weekends, national holidays and *cuti bersama*.

Pure Python: imports neither Django nor XBlock. National holidays come from the ``holidays``
package (country ``ID``, public category, Indonesian names); *cuti bersama* days (joint leave
set each year by an SKB of three ministers) come from the law register
(:func:`complaint_sim_xblock.register.cuti_bersama`), since they change by decree. A deadline
of N working days from a date is the Nth working day after it.
"""
import datetime
import functools

import holidays

from . import register

MAX_SPAN_DAYS = 3 * 366  # a picked deadline further than this from the story's date is refused


@functools.cache
def _national(year):
    """Indonesia's public holidays of ``year`` (package data: the same in every process)."""
    return dict(holidays.country_holidays("ID", years=[year], language="id"))


def closed(day, cuti=None):
    """Why offices are closed on ``day``: ``(kind, name)`` with kind weekend | holiday | cuti_bersama,
    or None on a working day."""
    if day.weekday() >= 5:
        return ("weekend", "")
    name = _national(day.year).get(day)
    if name:
        return ("holiday", name)
    label = (register.cuti_bersama() if cuti is None else cuti).get(day.isoformat())
    if label:
        return ("cuti_bersama", label)
    return None


def add_working_days(start, count, cuti=None):
    """The ``count``-th working day after ``start`` (``start`` itself when count is 0)."""
    day = start
    while count > 0:
        day += datetime.timedelta(days=1)
        if closed(day, cuti) is None:
            count -= 1
    return day


def working_days_between(start, end, cuti=None):
    """Working days after ``start`` up to and including ``end``."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if closed(day, cuti) is None:
            count += 1
    return count


def closed_days(start, end, cuti=None):
    """Every day after ``start`` up to and including ``end`` that is not a working day, with why."""
    out, day = [], start
    while day < end:
        day += datetime.timedelta(days=1)
        why = closed(day, cuti)
        if why is not None:
            out.append({"date": day.isoformat(), "kind": why[0], "name": why[1]})
    return out


def parse_date(value):
    """A ``datetime.date`` from ISO text ``YYYY-MM-DD``, or None."""
    if not isinstance(value, str) or len(value.strip()) != 10:
        return None
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        return None
