"""Reading a unit roster (CSV: username or email, unit) with a located report.

Pure Python: imports neither Django nor XBlock. :func:`parse` returns every entry or, when
any row is bad, every problem with its line number, so nothing is stored from a roster
with an error in it.
"""
import csv
import io
import re
from dataclasses import dataclass

MAX_UNIT = 100
MAX_USER = 254
MAX_ROWS = 50_000
HEADER_USER = {"username", "email", "user", "pengguna", "nama pengguna", "surel", "e-mail"}
HEADER_UNIT = {"unit", "unit kerja", "opd"}
USERNAME_RE = re.compile(r"^[\w.@+-]+$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def N_(text):
    """Mark ``text`` for extraction; the block translates it when it is shown."""
    return text


@dataclass(frozen=True)
class Problem:
    """A bad row: ``line`` (1-based, as a spreadsheet numbers it), an English msgid and its params."""

    line: int
    message: str
    params: dict

    def text(self, gettext):
        """'Line 7: …' in the user's language."""
        return gettext(N_("Line %(line)s: %(problem)s")) % {
            "line": self.line, "problem": gettext(self.message) % self.params}


def _dialect(text):
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def clean_unit(value):
    """A unit name as stored: inner whitespace collapsed, trimmed."""
    return " ".join(value.split())


def _row_problem(index, raw, user, unit, seen):
    """The problem of one two-column row, or None."""
    if not user:
        return Problem(index, N_("the username or email is empty."), {})
    if len(user) > MAX_USER or not (EMAIL_RE.match(user) if "@" in user else USERNAME_RE.match(user)):
        return Problem(index, N_("\"%(user)s\" is not a username or an email address."), {"user": raw[:60]})
    if not unit:
        return Problem(index, N_("the unit is empty."), {})
    if len(unit) > MAX_UNIT:
        return Problem(index, N_("the unit is longer than %(max)s characters."), {"max": MAX_UNIT})
    if user in seen:
        return Problem(index, N_("\"%(user)s\" is already on line %(first)s."), {"user": raw[:60], "first": seen[user]})
    return None


def parse(text):
    """``(entries, problems)``: ``entries`` maps each lower-cased username or email to its unit.

    A first row that names the columns (``username``/``email``, ``unit``) is skipped. Blank
    rows are skipped. Each problem names its line; with any problem, ``entries`` is empty.
    """
    problems, entries, seen = [], {}, {}
    if not text.strip():
        return {}, [Problem(1, N_("the roster is empty."), {})]
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=_dialect(text))
    for index, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if index == 1 and len(cells) >= 2 and cells[0].lower() in HEADER_USER and cells[1].lower() in HEADER_UNIT:
            continue
        if len(entries) + len(problems) >= MAX_ROWS:
            problems.append(Problem(index, N_("a roster has at most %(max)s rows."), {"max": MAX_ROWS}))
            break
        if len(cells) != 2:
            problems.append(Problem(index, N_("expected 2 columns (username or email, unit), found %(found)s."),
                                    {"found": len(cells)}))
            continue
        user, unit = cells[0].lower(), clean_unit(cells[1])
        problem = _row_problem(index, cells[0], user, unit, seen)
        if problem is not None:
            problems.append(problem)
        else:
            seen[user] = index
            entries[user] = unit
    if problems:
        return {}, problems
    if not entries:
        return {}, [Problem(1, N_("the roster is empty."), {})]
    return entries, []
