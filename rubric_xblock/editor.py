"""What the reflection's Studio editor needs: check a whole candidate, describe its problems.

Pure Python (imports neither ``xblock`` nor ``django``; a test guards this). The XBlock
layer (:mod:`rubric_xblock.studio`) parses the request, calls :func:`check_candidate`, and
writes the fields only when the candidate has no problem.

A candidate is the editor's whole form::

    {"display_name": str, "prompt": str (HTML), "min_words": int, "max_words": int,
     "self_assessment": bool, "staff_assessment": bool, "grade_release": "immediate"|"staff",
     "weight": int | null, "linked_simulation": str, "rubric": {"criteria": [...]},
     "grading_mode": "staff"|"peer"|"peer_staff", "peer_count": int, "peer_minimum": int,
     "peer_training": bool, "training_tolerance": int, "agreement_share": int,
     "appeal_days": int, "appeal_staff_days": int, "peer_expiry_hours": int}

The grading settings are checked with :mod:`rubric_xblock.grading`'s own limits, the same
rule OLX import applies.

Keys left out keep the block's current value.
"""
import math
import re

from . import grading
from .rubric import (
    MAX_WORDS_LIMIT,
    N_,
    RELEASE_MODES,
    RubricError,
    check_rubric,
    final_score,
    storable,
    validate_settings,
)
from .sanitize import sanitize_prompt

GRADING_FIELDS = ("grading_mode", "peer_count", "peer_minimum", "peer_training", "training_tolerance",
                  "agreement_share", "appeal_days", "appeal_staff_days", "peer_expiry_hours")
GRADING_DEFAULTS = {**grading.DEFAULTS, "peer_training": True}  # the block's field defaults
FIELDS = ("display_name", "prompt", "min_words", "max_words", "self_assessment", "staff_assessment",
          "grade_release", "weight", "linked_simulation", "rubric", *GRADING_FIELDS)
MAX_DISPLAY_NAME = 255
MAX_PROMPT_CHARS = 20000
MAX_LINK_CHARS = 255
MAX_WEIGHT = 1000
LINK = re.compile(r"^[^\s\x00-\x1f]{1,255}$")
# A lone surrogate ("\\ud800" in the JSON) cannot be stored in the course (nor shown).
UNSTORABLE = N_("This text contains characters that cannot be saved; remove them.")
_PATH_PART = re.compile(r"(\w+)(?:\[(\d+)\])?")

# Names of the places a rubric problem can be, for the author (not ``criteria[0].levels[1]``).
PLACE_NAMES = {
    "criteria": N_("Criterion %(n)s"),
    "levels": N_("Level %(n)s"),
    "id": N_("Id"),
    "label": N_("Label"),
    "description": N_("Description"),
    "points": N_("Points"),
    "levels_list": N_("Levels"),
}


def _problem(code, message, path, **params):
    err = RubricError(code, message, **params)
    err.path = path
    return err


def describe_place(where, gettext):
    """``criteria[0].levels[1].points`` → "Criterion 1 › Level 2 › Points" (translated)."""
    parts = []
    for name, index in _PATH_PART.findall(where or ""):
        if name in ("criteria", "levels") and index:
            parts.append(gettext(PLACE_NAMES[name]) % {"n": int(index) + 1})
        elif name == "levels":
            parts.append(gettext(PLACE_NAMES["levels_list"]))
        elif name in PLACE_NAMES:
            parts.append(gettext(PLACE_NAMES[name]))
    return " › ".join(parts) or where


def problem_json(err, gettext, prefix=""):
    """A problem as the editor shows it: ``{code, message, path}`` with a readable place."""
    params = dict(err.params)
    if "where" in params:
        params["where"] = describe_place(str(params["where"]), gettext)
    text = gettext(err.message)
    try:
        text = text % params if params else text
    except (KeyError, TypeError, ValueError):
        text = err.message % params if params else err.message
    path = getattr(err, "path", "") or ""
    return {"code": err.code, "message": text, "path": prefix + path if path else prefix.rstrip(".")}


def _whole(value):
    """``value`` as an int when it is a whole number (JSON may send 3.0), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and (not math.isfinite(value) or value != int(value)):
        return None
    return int(value)


def _check_display_name(merged, clean, problems):
    """The reflection's name."""
    name = merged["display_name"]
    if not isinstance(name, str) or not name.strip():
        problems.append(_problem("INVALID_FIELD", N_("Give the reflection a name."), "display_name"))
    elif not storable(name):
        problems.append(_problem("INVALID_FIELD", UNSTORABLE, "display_name"))
    elif len(name.strip()) > MAX_DISPLAY_NAME:
        problems.append(_problem("INVALID_FIELD", N_("The name is longer than %(limit)s characters."),
                                 "display_name", limit=MAX_DISPLAY_NAME))
    else:
        clean["display_name"] = name.strip()


def _check_prompt(merged, clean, problems):
    """The prompt, sanitised."""
    prompt = merged["prompt"]
    if not isinstance(prompt, str):
        problems.append(_problem("INVALID_FIELD", N_("The prompt must be text."), "prompt"))
    elif not storable(prompt):
        problems.append(_problem("INVALID_FIELD", UNSTORABLE, "prompt"))
    elif len(prompt) > MAX_PROMPT_CHARS:
        problems.append(_problem("INVALID_FIELD", N_("The prompt is longer than %(limit)s characters."),
                                 "prompt", limit=MAX_PROMPT_CHARS))
    else:
        clean["prompt"] = sanitize_prompt(prompt)
        if not re.sub(r"<[^>]*>|&nbsp;|\s", "", clean["prompt"]):
            problems.append(_problem("INVALID_FIELD", N_("Write the prompt learners answer."), "prompt"))


def _check_word_limits(merged, clean, problems):
    """``min_words`` and ``max_words``."""
    for key in ("min_words", "max_words"):
        number = _whole(merged[key])
        if number is None or not 0 <= number <= MAX_WORDS_LIMIT:
            problems.append(_problem("INVALID_FIELD", N_("Enter a whole number from 0 to %(limit)s."), key,
                                     limit=MAX_WORDS_LIMIT))
        else:
            clean[key] = number
    if "min_words" in clean and "max_words" in clean:
        if clean["max_words"] < 1:
            problems.append(_problem("INVALID_FIELD", N_("The maximum must be at least 1 word."), "max_words"))
        elif clean["min_words"] > clean["max_words"]:
            problems.append(_problem("INVALID_FIELD", N_("The minimum is larger than the maximum."),
                                     "min_words"))


def _check_steps(merged, clean, problems):
    """Which assessment steps are on."""
    for key in ("self_assessment", "staff_assessment"):
        if not isinstance(merged[key], bool):
            problems.append(_problem("INVALID_FIELD", N_("Choose on or off."), key))
        else:
            clean[key] = merged[key]
    if clean.get("self_assessment") is False and clean.get("staff_assessment") is False:
        problems.append(_problem("INVALID_FIELD", N_("Switch on self assessment, staff assessment or both."),
                                 "staff_assessment"))


def _check_grade_release(merged, clean, problems):
    """When learners see a staff grade."""
    if merged["grade_release"] not in RELEASE_MODES:
        problems.append(_problem("INVALID_FIELD", N_("Choose when learners see a staff grade."), "grade_release"))
    else:
        clean["grade_release"] = merged["grade_release"]


def _check_weight(merged, clean, problems):
    """The gradebook weight (blank: the rubric's points)."""
    weight = merged["weight"]
    if weight in (None, ""):
        clean["weight"] = None
    else:
        number = _whole(weight)
        if number is None or not 1 <= number <= MAX_WEIGHT:
            problems.append(_problem("INVALID_FIELD", N_("The weight must be a whole number from 1 to 1000."),
                                     "weight"))
        else:
            clean["weight"] = float(number)


def _check_link(merged, clean, problems, warnings, roleplays, same_course):
    """The linked role-play (a warning for one the course's list does not hold)."""
    link = merged["linked_simulation"]
    if link in (None, ""):
        clean["linked_simulation"] = ""
    elif not isinstance(link, str) or not LINK.match(link.strip()) or not storable(link):
        problems.append(_problem("INVALID_FIELD", N_("A role-play id is one word of at most %(limit)s "
                                                     "characters, without spaces."),
                                 "linked_simulation", limit=MAX_LINK_CHARS))
    elif same_course is not None and not same_course(link.strip()):
        problems.append(_problem("INVALID_FIELD", N_("This role-play is in another course; link a role-play of "
                                                     "this course."), "linked_simulation"))
    else:
        clean["linked_simulation"] = link.strip()
        if roleplays and clean["linked_simulation"] not in roleplays:
            warnings.append(_problem("UNKNOWN_ROLEPLAY", N_("No role-play with this id was found in this "
                                                            "course; check it."), "linked_simulation"))


def check_grading_settings(values):
    """``(clean, problems)`` for the grading settings in ``values`` (missing ones get the
    block's defaults): the editor's and the course sources' one check, each problem at its
    setting's name (``problem.path``)."""
    merged = {name: values.get(name, GRADING_DEFAULTS[name]) for name in GRADING_FIELDS}
    clean, problems = {}, []
    _check_grading(merged, clean, problems)
    return clean, problems


def _check_grading(merged, clean, problems):
    """Peer review, training, the agreement sample, appeals: grading's own limits, in place."""
    if merged["grading_mode"] not in grading.GRADING_MODES:
        problems.append(_problem("INVALID_FIELD", N_("Choose who grades: staff, peers, or peers then staff."),
                                 "grading_mode"))
    else:
        clean["grading_mode"] = merged["grading_mode"]
    if not isinstance(merged["peer_training"], bool):
        problems.append(_problem("INVALID_FIELD", N_("Choose on or off."), "peer_training"))
    else:
        clean["peer_training"] = merged["peer_training"]
    for name, (low, high) in grading.LIMITS.items():
        number = _whole(merged[name])
        if number is None or not low <= number <= high:
            problems.append(_problem("INVALID_FIELD", N_("Enter a whole number from %(low)s to %(high)s."), name,
                                     low=low, high=high))
        else:
            clean[name] = number


def _check_rubric(merged, clean, problems):
    """The rubric, in canonical form."""
    rubric, rubric_problems = check_rubric(merged["rubric"])
    for err in rubric_problems:
        err.path = "rubric." + (getattr(err, "path", "") or "criteria")
        problems.append(err)
    if rubric is not None:
        clean["rubric"] = rubric.to_dict()
        clean["_rubric"] = rubric


def check_candidate(data, current, roleplays=None, same_course=None):
    """``(clean, problems, warnings)`` for an editor candidate.

    ``current`` holds the block's present values (used for keys the candidate leaves out);
    ``roleplays`` the usage ids of the course's role-plays when the runtime can list them;
    ``same_course(link)`` tells whether a role-play id is in the block's own course (a link
    elsewhere is a problem: the reflection reads the learner's state of the linked block).
    ``clean`` has every field in its stored form (sanitised prompt, canonical rubric dict)
    and is complete only when ``problems`` is empty. ``warnings`` never block a save.
    """
    merged = {name: data[name] if name in data else current.get(name, GRADING_DEFAULTS.get(name)) for name in FIELDS}
    clean, problems, warnings = {}, [], []
    _check_display_name(merged, clean, problems)
    _check_prompt(merged, clean, problems)
    _check_word_limits(merged, clean, problems)
    _check_steps(merged, clean, problems)
    _check_grade_release(merged, clean, problems)
    _check_weight(merged, clean, problems)
    _check_link(merged, clean, problems, warnings, roleplays, same_course)
    _check_grading(merged, clean, problems)
    _check_rubric(merged, clean, problems)

    if not problems:
        # The block's own whole-settings rule, as parse_xml applies it: the same verdict.
        validate_settings(clean["min_words"], clean["max_words"], clean["self_assessment"],
                          clean["staff_assessment"], clean["grade_release"], clean["weight"])
    return clean, problems, warnings


def summary(clean, current_rubric_version):
    """What the editor shows beside the problems: points, gradebook score, rubric version."""
    rubric = clean.get("_rubric")
    if rubric is None:
        return {"points_possible": None, "max_score": None, "rubric_version": None, "version_changed": None}
    return {
        "points_possible": rubric.points_possible,
        "max_score": final_score(rubric.points_possible, rubric.points_possible, clean.get("weight"))[1],
        "rubric_version": rubric.version,
        "version_changed": current_rubric_version is not None and rubric.version != current_rubric_version,
    }
