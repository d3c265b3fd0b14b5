"""Rubric scoring for the reflection block: plain data and plain functions.

Imports neither ``xblock`` nor ``django`` (a test guards this). Errors carry a stable
``code``, an English message (a gettext msgid, translated by the caller) and its
parameters, so the block can translate them and map them to an HTTP status.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from complaint_sim_xblock import flow

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# Points written as text (OLX attributes, a form field): ASCII digits only, and few of them.
# ``str.isdigit`` also accepts "²" and other digits ``int`` refuses, and a very long string
# of digits exceeds Python's int conversion limit; both must be a located problem, not a 500.
POINTS_TEXT = re.compile(r"[0-9]{1,6}")

MAX_CRITERIA = 12
MAX_LEVELS = 8
MAX_LEVEL_POINTS = 100
MAX_LABEL_CHARS = 200
MAX_DESCRIPTION_CHARS = 2000
MAX_COMMENT_CHARS = 4000
# edx-submissions refuses answers over 100 KB of JSON; keep the text well below that.
MAX_TEXT_CHARS = 30000
MAX_WORDS_LIMIT = 5000

RELEASE_IMMEDIATE = "immediate"
RELEASE_STAFF = "staff"
RELEASE_MODES = (RELEASE_IMMEDIATE, RELEASE_STAFF)


def storable(text):
    """True when ``text`` can be stored and shown: it encodes as UTF-8.

    A JSON body may carry lone surrogates (``"\\ud800"``); Python decodes them into a ``str``
    that every database driver, edx-submissions and report then fails to encode (a 500).
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def N_(message):  # noqa: N802  (the gettext marker convention)
    """Mark ``message`` for translation; the caller translates it."""
    return message


class RubricError(ValueError):
    """Invalid rubric, settings or assessment. ``status`` is the HTTP status it maps to."""

    status = 400

    def __init__(self, code, message, **params):
        super().__init__(message % params if params else message)
        self.code = code
        self.message = message
        self.params = params


# ---------------------------------------------------------------------------
# Model


@dataclass(frozen=True)
class Level:
    """One performance level of a criterion, worth ``points``."""

    id: str
    label: str
    points: int
    description: str = ""


@dataclass(frozen=True)
class Criterion:
    """A rubric row. A criterion without levels is feedback-only (a comment, no points)."""

    id: str
    label: str
    description: str = ""
    levels: tuple[Level, ...] = ()

    @property
    def feedback_only(self):
        """True when the criterion takes a comment only and scores nothing."""
        return not self.levels

    @property
    def max_points(self):
        """The most points this criterion can give (0 for feedback-only)."""
        return max((level.points for level in self.levels), default=0)

    def level(self, level_id):
        """The level with ``level_id``, or None."""
        for level in self.levels:
            if level.id == level_id:
                return level
        return None


@dataclass(frozen=True)
class Rubric:
    """Criteria × levels. ``version`` changes whenever anything a grade depends on changes."""

    criteria: tuple[Criterion, ...] = ()

    @property
    def points_possible(self):
        """Sum of the criteria's maximum points."""
        return sum(criterion.max_points for criterion in self.criteria)

    @property
    def scored_criteria(self):
        """Criteria that carry points."""
        return tuple(criterion for criterion in self.criteria if not criterion.feedback_only)

    def criterion(self, criterion_id):
        """The criterion with ``criterion_id``, or None."""
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        return None

    @property
    def version(self):
        """A short digest of what a grade depends on: criterion ids, level ids and points.

        Labels, descriptions and the order of criteria and levels are left out, so authors
        may reword and reorder a rubric without making earlier assessments stale; adding,
        removing or renaming (the id of) a criterion or level, or changing points, gives a
        new version. Stored with every assessment.
        """
        canonical = json.dumps(
            {criterion.id: {level.id: level.points for level in criterion.levels} for criterion in self.criteria},
            sort_keys=True, ensure_ascii=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("ascii")).hexdigest()[:16]

    def to_dict(self):
        """Plain JSON-able form (the ``rubric`` field's value)."""
        return {
            "criteria": [
                {
                    "id": criterion.id,
                    "label": criterion.label,
                    "description": criterion.description,
                    "levels": [
                        {"id": level.id, "label": level.label, "description": level.description,
                         "points": level.points}
                        for level in criterion.levels
                    ],
                }
                for criterion in self.criteria
            ]
        }


# ---------------------------------------------------------------------------
# Validation of authored content


def _located(err, path):
    """``err`` with the ``path`` of the field it concerns (e.g. ``criteria[0].levels[1].points``)."""
    err.path = path
    return err


def _text(value, where, limit, required=True):
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _located(RubricError("RUBRIC_INVALID", N_("%(where)s must be text."), where=where), where)
    if not storable(value):
        raise _located(RubricError("RUBRIC_INVALID", N_("%(where)s contains characters that cannot be saved."),
                                   where=where), where)
    value = value.strip()
    if required and not value:
        raise _located(RubricError("RUBRIC_INVALID", N_("%(where)s is required."), where=where), where)
    if len(value) > limit:
        raise _located(RubricError("RUBRIC_INVALID", N_("%(where)s is longer than %(limit)s characters."),
                                   where=where, limit=limit), where)
    return value


def _slug(value, where):
    if not isinstance(value, str) or not SLUG.match(value):
        raise _located(RubricError("RUBRIC_INVALID",
                                   N_("%(where)s must be a short id of lowercase letters, digits, - or _."),
                                   where=where), where)
    return value


def _problem(message, path, **params):
    return _located(RubricError("RUBRIC_INVALID", message, **params), path)


def _check_levels(levels_raw, where, problems):
    """The valid :class:`Level` objects of one criterion; problems are appended, in order."""
    levels, level_ids = [], set()
    for level_index, level_raw in enumerate(levels_raw):
        level_where = f"{where}.levels[{level_index}]"
        if not isinstance(level_raw, dict):
            problems.append(_problem(N_("%(where)s must be an object."), level_where, where=level_where))
            continue
        ok = True
        try:
            level_id = _slug(level_raw.get("id"), level_where + ".id")
        except RubricError as err:
            problems.append(err)
            level_id, ok = None, False
        if level_id is not None and level_id in level_ids:
            problems.append(_problem(N_("%(where)s repeats the id %(id)s."), level_where + ".id",
                                     where=level_where, id=level_id))
            ok = False
        level_ids.add(level_id)
        points = level_raw.get("points")
        if isinstance(points, str) and POINTS_TEXT.fullmatch(points.strip()):
            points = int(points.strip())
        if isinstance(points, bool) or not isinstance(points, int) or not 0 <= points <= MAX_LEVEL_POINTS:
            problems.append(_problem(N_("%(where)s must be a whole number from 0 to %(limit)s."),
                                     level_where + ".points", where=level_where + ".points",
                                     limit=MAX_LEVEL_POINTS))
            ok = False
        texts = {}
        for name, limit, required in (("label", MAX_LABEL_CHARS, True),
                                      ("description", MAX_DESCRIPTION_CHARS, False)):
            try:
                texts[name] = _text(level_raw.get(name), f"{level_where}.{name}", limit, required=required)
            except RubricError as err:
                problems.append(err)
                ok = False
        if ok:
            levels.append(Level(id=level_id, label=texts["label"], description=texts["description"],
                                points=points))
    return levels


def _check_criterion(item, where, seen, problems):
    """The criterion at ``where``, or None with its problems appended to ``problems``.

    ``seen`` holds the ids of the criteria before it (this one's is added).
    """
    if not isinstance(item, dict):
        problems.append(_problem(N_("%(where)s must be an object."), where, where=where))
        return None
    before = len(problems)
    try:
        criterion_id = _slug(item.get("id"), where + ".id")
    except RubricError as err:
        problems.append(err)
        criterion_id = None
    if criterion_id is not None and criterion_id in seen:
        problems.append(_problem(N_("%(where)s repeats the id %(id)s."), where + ".id",
                                 where=where, id=criterion_id))
    seen.add(criterion_id)
    levels_raw = item.get("levels") or []
    levels = []
    if not isinstance(levels_raw, list):
        problems.append(_problem(N_("%(where)s must be a list."), where + ".levels", where=where + ".levels"))
    else:
        if len(levels_raw) == 1 or len(levels_raw) > MAX_LEVELS:
            problems.append(_problem(N_("%(where)s needs 2 to %(limit)s levels, or none for a "
                                        "feedback-only criterion."), where + ".levels",
                                     where=where, limit=MAX_LEVELS))
        levels = _check_levels(levels_raw[:MAX_LEVELS * 4], where, problems)
    texts = {}
    for name, limit, required in (("label", MAX_LABEL_CHARS, True),
                                  ("description", MAX_DESCRIPTION_CHARS, False)):
        try:
            texts[name] = _text(item.get(name), f"{where}.{name}", limit, required=required)
        except RubricError as err:
            problems.append(err)
    if len(problems) > before:
        return None
    criterion = Criterion(id=criterion_id, label=texts["label"], description=texts["description"],
                          levels=tuple(levels))
    if not criterion.feedback_only and criterion.max_points == 0:
        problems.append(_problem(N_("%(where)s has no level worth any points."), where + ".levels", where=where))
        return None
    return criterion


def check_rubric(raw):
    """Every problem of a plain ``{"criteria": [...]}`` dict: ``(rubric or None, [RubricError])``.

    Each problem has a ``path`` naming the field it concerns (``criteria[1].levels[0].points``),
    so an editor can show it in place. The rubric is returned only when there is no problem.
    """
    if not isinstance(raw, dict) or not isinstance(raw.get("criteria"), list):
        return None, [_problem(N_("The rubric needs a list of criteria."), "criteria")]
    items = raw["criteria"]
    problems = []
    if not 1 <= len(items) <= MAX_CRITERIA:
        problems.append(_problem(N_("A rubric has 1 to %(limit)s criteria."), "criteria", limit=MAX_CRITERIA))
    criteria, seen = [], set()
    for index, item in enumerate(items[:MAX_CRITERIA * 4]):
        criterion = _check_criterion(item, f"criteria[{index}]", seen, problems)
        if criterion is not None:
            criteria.append(criterion)
    if problems:
        return None, problems
    rubric = Rubric(criteria=tuple(criteria))
    if rubric.points_possible <= 0:
        return None, [_problem(N_("At least one criterion must carry points."), "criteria")]
    return rubric, []


def parse_rubric(raw):
    """Validate a plain ``{"criteria": [...]}`` dict and return a :class:`Rubric`.

    Raises :class:`RubricError` (code ``RUBRIC_INVALID``) naming the first bad place
    (:func:`check_rubric` lists them all).
    """
    rubric, problems = check_rubric(raw)
    if problems:
        raise problems[0]
    return rubric


def rubric_from_assessment(assessment):
    """A stand-in rubric for an assessment whose rubric version was never recorded.

    Built from the assessment itself (criterion ids, the chosen level ids and their
    points), so an old grade can still be shown rather than failing. Ids stand in for
    labels.
    """
    criteria = []
    for part in assessment.parts:
        levels = []
        if part.level_id:
            levels.append({"id": part.level_id, "label": part.level_id, "description": "",
                           "points": part.points or 0})
        criteria.append({"id": part.criterion_id, "label": part.criterion_id, "description": "",
                         "levels": levels})
    return {"criteria": criteria, "reconstructed": True}


def rubric_from_dict(data):
    """A :class:`Rubric` from stored data without validating it (a kept or stand-in rubric).

    Tolerant: malformed entries are skipped, so showing an old grade never fails.
    """
    criteria = []
    raw = data.get("criteria") if isinstance(data, dict) else None
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        levels = tuple(
            Level(id=level["id"], label=str(level.get("label") or level["id"]),
                  points=level["points"] if isinstance(level.get("points"), int) else 0,
                  description=str(level.get("description") or ""))
            for level in item.get("levels") or [] if isinstance(level, dict) and isinstance(level.get("id"), str)
        )
        criteria.append(Criterion(id=item["id"], label=str(item.get("label") or item["id"]),
                                  description=str(item.get("description") or ""), levels=levels))
    return Rubric(criteria=tuple(criteria))


@dataclass(frozen=True)
class Settings:
    """The author's settings other than prompt and rubric, validated together."""

    min_words: int = 0
    max_words: int = 1000
    self_assessment: bool = True
    staff_assessment: bool = True
    grade_release: str = RELEASE_IMMEDIATE
    weight: float | None = None


def validate_settings(min_words, max_words, self_assessment, staff_assessment, grade_release, weight):
    """Check the author's settings as a whole; return :class:`Settings` or raise RubricError."""
    for name, value in (("min_words", min_words), ("max_words", max_words)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WORDS_LIMIT:
            raise RubricError("INVALID_SETTINGS", N_("%(where)s must be a whole number from 0 to %(limit)s."),
                              where=name, limit=MAX_WORDS_LIMIT)
    if max_words < 1 or min_words > max_words:
        raise RubricError("INVALID_SETTINGS",
                          N_("The word limits must satisfy 0 <= minimum <= maximum, maximum at least 1."))
    if not (self_assessment or staff_assessment):
        raise RubricError("INVALID_SETTINGS", N_("Switch on self assessment, staff assessment or both."))
    if grade_release not in RELEASE_MODES:
        raise RubricError("INVALID_SETTINGS", N_("Grade release must be 'immediate' or 'staff'."))
    if weight is not None and (isinstance(weight, bool) or not isinstance(weight, int | float)
                               or not 0 < weight <= 1000 or weight != int(weight)):
        raise RubricError("INVALID_SETTINGS", N_("The weight must be a whole number from 1 to 1000."))
    return Settings(min_words, max_words, bool(self_assessment), bool(staff_assessment), grade_release,
                    None if weight is None else float(weight))


# ---------------------------------------------------------------------------
# Assessments


@dataclass(frozen=True)
class CriterionResult:
    """One criterion of an assessment: the chosen level (None if feedback-only) and a comment."""

    criterion_id: str
    level_id: str | None
    points: int | None
    comment: str = ""


@dataclass(frozen=True)
class Assessment:
    """A complete, validated assessment against one rubric version."""

    rubric_version: str
    parts: tuple[CriterionResult, ...]
    overall_comment: str = ""
    points_earned: int = 0
    points_possible: int = 0

    def part(self, criterion_id):
        """The result for ``criterion_id``, or None."""
        for part in self.parts:
            if part.criterion_id == criterion_id:
                return part
        return None


def _comment(value, where):
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RubricError("BAD_COMMENT", N_("The comment for %(where)s must be text."), where=where)
    if not storable(value):
        raise RubricError("BAD_COMMENT", N_("The comment for %(where)s contains characters that cannot be saved."),
                          where=where)
    value = value.strip()
    if len(value) > MAX_COMMENT_CHARS:
        raise RubricError("COMMENT_TOO_LONG", N_("The comment for %(where)s is longer than %(limit)s characters."),
                          where=where, limit=MAX_COMMENT_CHARS)
    return value


def assess(rubric, selections, comments=None, overall_comment=""):
    """Validate a grader's choices against ``rubric`` and total them.

    ``selections`` maps criterion id → level id for every scored criterion; ``comments`` maps
    criterion id → text (any criterion, optional). Feedback-only criteria take no level and
    add no points. Raises :class:`RubricError` on unknown ids or missing choices.
    """
    comments = {} if comments is None else comments
    if not isinstance(selections, dict) or not isinstance(comments, dict):
        raise RubricError("BAD_ASSESSMENT", N_("Selections and comments must be objects keyed by criterion id."))
    for criterion_id in list(selections) + list(comments):
        if rubric.criterion(criterion_id) is None:
            raise RubricError("UNKNOWN_CRITERION", N_("There is no criterion %(id)s in this rubric."),
                              id=str(criterion_id)[:64])
    parts, earned = [], 0
    for criterion in rubric.criteria:
        level_id = selections.get(criterion.id)
        comment = _comment(comments.get(criterion.id), criterion.label)
        if criterion.feedback_only:
            if level_id not in (None, ""):
                raise RubricError("UNKNOWN_LEVEL", N_("%(criterion)s takes a comment only, no level."),
                                  criterion=criterion.label)
            parts.append(CriterionResult(criterion.id, None, None, comment))
            continue
        if level_id in (None, ""):
            raise RubricError("MISSING_CRITERION", N_("Choose a level for %(criterion)s."),
                              criterion=criterion.label)
        level = criterion.level(level_id) if isinstance(level_id, str) else None
        if level is None:
            raise RubricError("UNKNOWN_LEVEL", N_("%(criterion)s has no level %(id)s."),
                              criterion=criterion.label, id=str(level_id)[:64])
        earned += level.points
        parts.append(CriterionResult(criterion.id, level.id, level.points, comment))
    return Assessment(
        rubric_version=rubric.version,
        parts=tuple(parts),
        overall_comment=_comment(overall_comment, "overall"),
        points_earned=earned,
        points_possible=rubric.points_possible,
    )


def final_score(points_earned, points_possible, weight=None):
    """The integer (earned, possible) pair sent to the gradebook.

    edx-submissions takes whole points and the LMS ignores ``weight`` for them, so a weight
    rescales here: ``possible`` becomes the weight and ``earned`` is rounded half up.
    """
    if points_possible <= 0:
        raise RubricError("RUBRIC_INVALID", N_("At least one criterion must carry points."))
    earned = min(max(points_earned, 0), points_possible)
    if weight is None:
        return int(earned), int(points_possible)
    scale = int(weight)
    return int(earned * scale / points_possible + 0.5), scale


def gaps(rubric, self_assessment, staff_assessment):
    """Per scored criterion: self vs staff level and ``gap = self points - staff points``.

    A positive gap means the learner rated themselves higher than staff did. Criteria
    missing from either side (another rubric version) have ``gap`` None.
    """
    rows = []
    for criterion in rubric.scored_criteria:
        mine = self_assessment.part(criterion.id) if self_assessment else None
        theirs = staff_assessment.part(criterion.id) if staff_assessment else None
        gap = None
        if mine and theirs and mine.points is not None and theirs.points is not None:
            gap = mine.points - theirs.points
        rows.append({
            "criterion_id": criterion.id,
            "self_level": mine.level_id if mine else None,
            "staff_level": theirs.level_id if theirs else None,
            "self_points": mine.points if mine else None,
            "staff_points": theirs.points if theirs else None,
            "gap": gap,
        })
    return rows


# ---------------------------------------------------------------------------
# Learner text


WORD = re.compile(r"\S+")


def count_words(text):
    """Words as the browser counts them: runs of non-space characters."""
    return len(WORD.findall(text or ""))


@dataclass(frozen=True)
class TextCheck:
    """The result of checking a learner's text against the limits."""

    words: int
    personal_data: tuple[str, ...] = field(default_factory=tuple)


def check_text(text, min_words, max_words, final):
    """Check a draft (``final=False``) or a submission (``final=True``).

    Drafts only need to be text under the size cap; submissions must be non-empty and
    within the word limits. Returns :class:`TextCheck`.
    """
    if not isinstance(text, str):
        raise RubricError("BAD_TEXT", N_("The text must be a string."))
    if not storable(text):
        raise RubricError("BAD_TEXT", N_("The text contains characters that cannot be saved; remove them and "
                                         "try again."))
    if len(text) > MAX_TEXT_CHARS:
        raise RubricError("TEXT_TOO_LONG", N_("The text is longer than %(limit)s characters."),
                          limit=MAX_TEXT_CHARS)
    words = count_words(text)
    if final:
        if words == 0:
            raise RubricError("EMPTY_TEXT", N_("Write your reflection before submitting."))
        if words < min_words:
            raise RubricError("TOO_FEW_WORDS", N_("Write at least %(min)s words (now %(count)s)."),
                              min=min_words, count=words)
        if words > max_words:
            raise RubricError("TOO_MANY_WORDS", N_("Write at most %(max)s words (now %(count)s)."),
                              max=max_words, count=words)
    return TextCheck(words=words, personal_data=tuple(find_personal_data(text)))


# 16 digits, optionally in groups separated by a space, dot or dash (a NIK).
_NIK = re.compile(r"(?<![\d])(?:\d[ .-]?){15}\d(?![\d])")
# An Indonesian phone number: +62 / 62 / 0, then 8–12 more digits with optional separators.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\d+])(?:\+62|62|0)[ .-]?\(?\d{2,4}\)?(?:[ .-]?\d{2,5}){1,3}(?![\d])")


def _digits(text):
    return re.sub(r"\D", "", text)


def personal_data_spans(text):
    """``(start, end, kind)`` of every likely NIK or phone number in ``text``, in order."""
    spans = []
    for match in _NIK.finditer(text or ""):
        if len(_digits(match.group())) == 16:
            spans.append((match.start(), match.end(), "nik"))
    for match in _PHONE.finditer(text or ""):
        if any(start < match.end() and match.start() < end for start, end, _ in spans):
            continue
        digits = _digits(match.group())
        national = digits[2:] if digits.startswith("62") else digits[1:]
        if 8 <= len(national) <= 12:
            spans.append((match.start(), match.end(), "phone"))
    for match in _EMAIL.finditer(text or ""):
        if not any(start < match.end() and match.start() < end for start, end, _ in spans):
            spans.append((match.start(), match.end(), "email"))
    return sorted(spans)


def find_personal_data(text):
    """The kinds of personal data found (``"nik"``, ``"phone"``), each once, in that order."""
    kinds = {kind for _, _, kind in personal_data_spans(text)}
    return [kind for kind in ("nik", "phone") if kind in kinds]


def mask_personal_data(text):
    """``text`` with the digits of every likely NIK or phone number, and every character of an
    e-mail address but ``@`` and ``.``, replaced by ``•``."""
    text = text or ""
    out, position = [], 0
    for start, end, kind in personal_data_spans(text):
        out.append(text[position:start])
        out.append(re.sub(r"[^@.]" if kind == "email" else r"\d", "•", text[start:end]))
        position = end
    out.append(text[position:])
    return "".join(out)


# ---------------------------------------------------------------------------
# Linked role-play run


def _scored(entry):
    """True when a history entry carries numeric ``points`` and ``max_points`` (not booleans)."""
    return all(isinstance(entry.get(k), int | float) and not isinstance(entry.get(k), bool)
               for k in ("points", "max_points"))


def counted_attempt(history, grading_policy="best"):
    """The attempt of a ``complaint_sim`` ``history`` that the role-play's grading policy counts.

    The role-play's own rule (:func:`complaint_sim_xblock.flow.counted_entry`): ``"last"`` is
    the newest attempt, anything else the best share of its maximum (the first on ties), over
    the entries that carry numeric points. Defensive: entries that are not dicts are skipped;
    with no scored entry, the newest entry is used. None when there is none.
    """
    if not isinstance(history, list):
        return None
    entries = [entry for entry in history if isinstance(entry, dict)]
    if not entries:
        return None
    if grading_policy == "last":
        return entries[-1]
    scored = [entry for entry in entries if _scored(entry)]
    return flow.counted_entry(scored, "best") if scored else entries[-1]


def summarise_run(history, grading_policy="best"):
    """The counted attempt of a ``complaint_sim`` ``history`` (see :func:`counted_attempt`),
    reduced to what a reflection shows (ending, quality, points, competencies, duties, path,
    which policy chose it), or None.

    Defensive: the history comes from another block's user state and may be missing,
    older or malformed; anything unexpected is dropped rather than trusted.
    """
    if not isinstance(history, list) or not history:
        return None
    attempt = counted_attempt(history, grading_policy)
    if attempt is None:
        return None

    def text(value, limit=500):
        return value[:limit] if isinstance(value, str) else ""

    def number(value):
        return value if isinstance(value, int | float) and not isinstance(value, bool) else None

    competencies = []
    raw_competencies = attempt.get("competencies")
    if isinstance(raw_competencies, dict):
        for comp_id, comp in list(raw_competencies.items())[:20]:
            if isinstance(comp, dict):
                competencies.append({"id": text(comp_id, 64), "label": text(comp.get("label"), 200),
                                     "earned": number(comp.get("earned")), "max": number(comp.get("max"))})
    duties = []
    raw_duties = attempt.get("duties")
    if isinstance(raw_duties, dict):
        for duty_id, duty in list(raw_duties.items())[:30]:
            if isinstance(duty, dict) and duty.get("status") in ("met", "missed", "breached"):
                duties.append({"id": text(duty_id, 64), "label": text(duty.get("label"), 300),
                               "status": duty["status"]})
    path = []
    raw_path = attempt.get("path")
    if isinstance(raw_path, list):
        for step in raw_path[:200]:
            if isinstance(step, dict):
                path.append({"text": text(step.get("text"), 1000), "choice_text": text(step.get("choice_text"), 1000)})
    quality = attempt.get("quality")
    return {
        "attempt": number(attempt.get("attempt")),
        "attempts": len(history),
        "counted_by": "last" if grading_policy == "last" else "best",
        "ending_title": text(attempt.get("ending_title"), 300),
        "quality": quality if quality in ("good", "fair", "poor") else None,
        "points": number(attempt.get("points")),
        "max_points": number(attempt.get("max_points")),
        "competencies": competencies,
        "duties": duties,
        "path": path,
    }
