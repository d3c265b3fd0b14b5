"""What the Studio editor needs from the engine: reports, settings checks, playtest turns.

Pure Python: imports neither Django nor XBlock. The XBlock layer
(:mod:`complaint_sim_xblock.studio`) parses requests and calls these functions; nothing
here touches a block or a learner's state. A playtest run lives in the author's browser
and is posted back on each turn, so it is checked here like any untrusted input.
"""
import json
import math

import yaml

from . import bounded_yaml, register, session
from .scenario import (
    N_,
    RECORD_CHOICE_FIELDS,
    TIMEOUT_ENDING,
    Problem,
    ScenarioInvalid,
    check_scenario,
    compile_scenario,
)

GRADING_POLICIES = ("best", "last")
MAX_DISPLAY_NAME = 255
MAX_WEIGHT = 1000
MAX_ATTEMPTS = 1000
MAX_TEXT_CHARS = 2_000_000
MAX_PATH = 2000


class EditorError(ValueError):
    """Input the editor cannot use: a stable code and an English message."""

    def __init__(self, code, template, problems=(), **params):
        super().__init__(template)
        self.code = code
        self.template = template
        self.problems = list(problems)
        self.params = params

    def message(self, translate=None):
        """The message in the user's language, parameters filled in."""
        return (translate(self.template) if translate else self.template).format(**self.params)


def _problem(code, template, path, **params):
    return Problem(code, template, path, None, tuple(sorted(params.items())))


# --- Settings --------------------------------------------------------------------------------

def _check_display_name(name):
    if not isinstance(name, str) or not name.strip():
        return None, _problem("missing", N_("'{key}' is required"), "settings.display_name", key="display_name")
    if len(name.strip()) > MAX_DISPLAY_NAME:
        return None, _problem("too_long", N_("'{key}' is longer than {limit} characters"),
                              "settings.display_name", key="display_name", limit=MAX_DISPLAY_NAME)
    return name.strip(), None


def _check_weight(weight):
    if (isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight)
            or not 0 <= weight <= MAX_WEIGHT):
        return None, _problem("out_of_range", N_("'{key}' must be between {low} and {high}"),
                              "settings.weight", key="weight", low=0, high=MAX_WEIGHT)
    return float(weight), None


def _check_max_attempts(attempts):
    if isinstance(attempts, bool) or not isinstance(attempts, int) or not 0 <= attempts <= MAX_ATTEMPTS:
        return None, _problem("out_of_range", N_("'{key}' must be between {low} and {high}"),
                              "settings.max_attempts", key="max_attempts", low=0, high=MAX_ATTEMPTS)
    return attempts, None


def _check_grading_policy(policy):
    if policy not in GRADING_POLICIES:
        return None, _problem("not_allowed", N_("'{key}' must be one of: {allowed}"), "settings.grading_policy",
                              key="grading_policy", allowed=", ".join(GRADING_POLICIES))
    return policy, None


# Each editable setting and its check: ``check(value) -> (clean value, None) | (None, problem)``.
SETTING_CHECKS = {
    "display_name": _check_display_name,
    "weight": _check_weight,
    "max_attempts": _check_max_attempts,
    "grading_policy": _check_grading_policy,
}


def validate_settings(data):
    """``(clean, problems)`` for the block settings the editor edits.

    Keys: ``display_name`` (1..255 characters), ``weight`` (number 0..1000),
    ``max_attempts`` (whole number 0..1000; 0 = no limit), ``grading_policy`` (best | last).
    Missing keys are left out of ``clean`` (unchanged).
    """
    if not isinstance(data, dict):
        return {}, [_problem("not_mapping", N_("must be a mapping of keys to values"), "settings")]
    clean, problems = {}, []
    for key, check in SETTING_CHECKS.items():
        if key in data:
            value, problem = check(data[key])
            if problem is None:
                clean[key] = value
            else:
                problems.append(problem)
    return clean, problems


# --- The law register for the editor's picker -------------------------------------------------

def register_choices(data=None):
    """The register entries (the package's and the scenario's ``laws``) and maladministration
    categories, as the editor's citation picker shows them."""
    extra = data.get("laws") if isinstance(data, dict) and isinstance(data.get("laws"), list) else ()
    laws = register.laws_by_id(extra)
    return {"laws": [{"id": law["id"], "name": register.name(law), "title": law["title"], "status": law["status"],
                      "replaced_by": law.get("replaced_by")} for law in laws.values()
                     if isinstance(law.get("title"), str) and law.get("status")],
            "maladministration": [{"id": k, "label": v} for k, v in register.maladministration().items()]}


# --- Validation report ---------------------------------------------------------------------

def route_detail(scenario):
    """The model route with the variable values on arrival at each node."""
    detail = []
    variables = scenario.initial_variables()
    for node_id, choice_id in scenario.model_route:
        detail.append({"node": node_id, "choice": choice_id, "vars": dict(variables)})
        node = scenario.node(node_id)
        effects = node.choice(choice_id).effects if choice_id is not None else node.effects
        variables = scenario.apply_effects(variables, effects)
    return detail


def scenario_report(data, translate=None, stored=None):
    """Problems, maximum score and model route of candidate scenario ``data``.

    ``stored`` (the scenario learners play now) adds ``impact``: the nodes this edit removes,
    where learners mid-run restart their attempt (keeping attempt count and best score).
    """
    return checked_report(data, translate, stored)[0]


def checked_report(data, translate=None, stored=None):
    """``(report, scenario)``: :func:`scenario_report`, and the playable scenario when ``data``
    is valid (else None), from one check of it."""
    problems, scenario = check_scenario(data)
    report = {"valid": not problems, "problems": [p.as_dict(translate) for p in problems],
              "max_score": None, "model_route": [], "impact": {"removed_nodes": []}}
    if not problems:
        report["max_score"] = session.max_points(scenario)
        report["model_route"] = route_detail(scenario)
    if stored and isinstance(data, dict) and isinstance(data.get("nodes"), list):
        new_ids = {n.get("id") for n in data["nodes"] if isinstance(n, dict)}
        report["impact"]["removed_nodes"] = [
            n["id"] for n in stored.get("nodes", []) if isinstance(n, dict) and n.get("id") not in new_ids]
    return report, scenario


# --- Text formats ----------------------------------------------------------------------------

_BOUNDS_MESSAGES = {
    "aliases": N_("The text uses too many YAML aliases (*name; 100 at most): write the values out "
                  "(line {line})."),
    "expansion": N_("The text's YAML aliases expand to more than a scenario can hold (line {line})."),
    "recursive": N_("A YAML alias refers to a value that contains it (line {line})."),
}


def parse_text(text):
    """Scenario data from YAML or JSON text (JSON is YAML); EditorError if it does not parse."""
    if not isinstance(text, str):
        raise EditorError("BAD_REQUEST", N_("The request is missing the text."))
    if len(text) > MAX_TEXT_CHARS:
        raise EditorError("TEXT_TOO_LONG", N_("The text is too long (2,000,000 characters at most)."))
    try:
        data = bounded_yaml.load(text)
    except bounded_yaml.YamlBoundsError as error:
        code = "BAD_TEXT" if error.kind == "recursive" else "TEXT_TOO_COMPLEX"
        raise EditorError(code, _BOUNDS_MESSAGES[error.kind], line=error.line or 1) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        if mark is None:
            raise EditorError("BAD_TEXT", N_("The text is not valid YAML or JSON.")) from None
        raise EditorError("BAD_TEXT", N_("The text is not valid YAML or JSON (line {line}, column {column})."),
                          line=mark.line + 1, column=mark.column + 1) from None
    except (ValueError, RecursionError):  # numbers past Python's digit limit, nesting too deep
        raise EditorError("BAD_TEXT", N_("The text is not valid YAML or JSON.")) from None
    if not isinstance(data, dict):
        raise EditorError("BAD_TEXT", N_("The text must describe one scenario (a mapping of keys to values)."))
    # Dates, non-text keys and other YAML types become text, so the scenario is plain JSON data;
    # an anchor that refers to itself cannot.
    try:
        return json.loads(json.dumps(_text_keys(data), default=str))
    except (ValueError, RecursionError):
        raise EditorError("BAD_TEXT", N_("The text is not valid YAML or JSON.")) from None


def _text_keys(value):
    """``value`` with every mapping key turned into text (JSON allows no other keys)."""
    if isinstance(value, dict):
        return {str(key): _text_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_text_keys(item) for item in value]
    return value


def dump_text(data, fmt="yaml"):
    """The scenario as YAML (keys in the documented order) or as indented JSON."""
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)


# --- Playtest --------------------------------------------------------------------------------

def compile_for_playtest(data):
    """The playable scenario, or EditorError with every problem."""
    try:
        return compile_scenario(data)
    except ScenarioInvalid as invalid:
        raise EditorError("SCENARIO_INVALID", N_("Fix the scenario's problems before playtesting it."),
                          invalid.problems) from None


def playtest_start(scenario, origin=None, variables=None):
    """A fresh playtest run at the start, or at ``origin`` with optional starting ``variables``."""
    run = session.new_run(scenario, 1)
    if origin not in (None, ""):
        node = scenario.nodes.get(origin) if isinstance(origin, str) else None
        if node is None or node.type == "ending":
            raise EditorError("BAD_ORIGIN", N_("A playtest starts at a dialogue or record node of the scenario."))
        run["node"] = origin
    if variables is not None:
        if not isinstance(variables, dict):
            raise EditorError("BAD_REQUEST", N_("The starting variables must be a mapping."))
        values = dict(run["vars"])
        for var in scenario.variables:
            value = variables.get(var["id"])
            if isinstance(value, int) and not isinstance(value, bool):
                values[var["id"]] = max(var["min"], min(var["max"], value))
        run["vars"] = values
    return run


BAD_RUN_MESSAGE = N_("The playtest state is missing or malformed; start again.")


def _whole(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _run_is_well_formed(run):
    return (_whole(run.get("attempt")) and isinstance(run.get("node"), str) and _whole(run.get("step"))
            and isinstance(run.get("vars"), dict) and isinstance(run.get("path"), list)
            and len(run["path"]) <= MAX_PATH and (run.get("ending") is None or isinstance(run.get("ending"), str))
            and isinstance(run.get("digest"), str))


def _kept_entry(scenario, entry):
    """A playtest path entry fitted to ``scenario``: the clean entry, or None when it no longer
    fits (its node is gone or of another kind, or its record fails); EditorError if malformed."""
    if not isinstance(entry, dict) or not isinstance(entry.get("node"), str):
        raise EditorError("BAD_RUN", BAD_RUN_MESSAGE)
    target = scenario.nodes.get(entry["node"])
    kind = target.type if target is not None else None
    if isinstance(entry.get("choice"), str):
        return {"node": entry["node"], "choice": entry["choice"]} if kind == "dialogue" else None
    if isinstance(entry.get("record"), dict):
        if kind != "record":
            return None
        try:
            return {"node": entry["node"], "record": session.clean_record(target, entry["record"], scenario.story_date)}
        except session.ActionError:
            return None
    if entry.get("next") is True:
        return {"node": entry["node"], "next": True} if kind == "narration" else None
    raise EditorError("BAD_RUN", BAD_RUN_MESSAGE)


def clean_run(scenario, run):
    """A playtest run posted back by the browser, checked and fitted to ``scenario``.

    Malformed input raises EditorError; path entries that no longer fit the scenario (after
    an edit) are dropped; a changed scenario is handled by :func:`session.migrate_run`, as
    for learners. Returns ``(run, restarted)``.
    """
    if not isinstance(run, dict) or not _run_is_well_formed(run):
        raise EditorError("BAD_RUN", BAD_RUN_MESSAGE)
    kept = [clean for clean in (_kept_entry(scenario, entry) for entry in run["path"]) if clean is not None]
    node, ending = run["node"], run.get("ending")
    clean = {"digest": run["digest"], "attempt": run["attempt"], "node": node, "step": run["step"],
             "vars": {k: v for k, v in run["vars"].items() if isinstance(v, int) and not isinstance(v, bool)},
             "path": kept, "ending": ending if ending in scenario.nodes or ending == TIMEOUT_ENDING else None}
    if clean["digest"] == scenario.digest and (node not in scenario.nodes or
                                               set(clean["vars"]) != {v["id"] for v in scenario.variables}):
        clean["digest"] = ""  # inconsistent with this content: let migrate_run repair it
    return session.migrate_run(scenario, clean)


def playtest_turn(scenario, run, action, payload):
    """The run after ``action`` ("choose" or "record") with ``payload``; EditorError if refused."""
    try:
        if action == "choose":
            return session.choose(scenario, run, run["node"], run["step"], payload.get("choice"))
        if action == "record":
            return session.submit_record(scenario, run, run["node"], run["step"], payload.get("record"))
        if action == "next":
            return session.proceed(scenario, run, run["node"], run["step"])
    except session.ActionError as error:
        raise EditorError(error.code, error.template) from None
    raise EditorError("BAD_REQUEST", N_("Unknown playtest action."))


def playtest_state(scenario, run):
    """Everything the author sees in a playtest: the learner's view plus the answer key."""
    node = scenario.nodes.get(run["node"])
    author = None
    if node is not None and not session.is_finished(run):
        author = {"id": node.id, "type": node.type, "speaker": node.speaker, "text": node.text}
        if node.type == "dialogue":
            author["choices"] = [
                {"id": c.id, "text": c.text, "target": c.target, "visible": c.visible(run["vars"]),
                 "condition": c.condition_text, "model": c.model, "value": scenario.choice_value(c)}
                for c in node.choices]
        elif node.type == "record":
            author["record"] = {key: {"options": list(node.record[key]["options"]),
                                      "expected": node.record[key]["expected"]} for key in RECORD_CHOICE_FIELDS}
            author["record"]["deadline_days"] = dict(node.record["deadline_days"])
            if scenario.story_date is not None:
                author["record"]["deadline_date"] = session.workdays.add_working_days(
                    scenario.story_date, node.record["deadline_days"]["expected"]).isoformat()
            author["record"]["summary"] = {"min_words": node.record["summary"]["min_words"],
                                           "keywords": [list(g) for g in node.record["summary"]["keywords"]]}
        elif node.type == "narration":
            author["next"] = node.next
    variables = [{"id": v["id"], "label": v["label"], "min": v["min"], "max": v["max"],
                  "value": run["vars"].get(v["id"], v["initial"])} for v in scenario.variables]
    score = session.result(scenario, run)
    state = {"run": run, "view": session.learner_view(scenario, run), "node": author, "variables": variables,
             "score": {k: score[k] for k in ("points", "max_points", "percent", "competencies", "duties")},
             "debrief": None}
    if session.is_finished(run):
        state["debrief"] = session.debrief(scenario, run)
    return state


def map_outline(data):
    """What the staff analytics' scenario map draws, and nothing of the answer key.

    Per node its id, type, the start of its text (or an ending's title) and its edges: choices as
    ``{id, text, target}``, a narration or record step's ``next``. No scores, effects, duties,
    conditions, feedback or recommended choice.
    """
    nodes = []
    for node in data.get("nodes", []):
        item = {"id": node["id"], "type": node.get("type", "dialogue"), "text": str(node.get("text", ""))[:80]}
        if node.get("title"):
            item["title"] = str(node["title"])[:80]
        if node.get("next"):
            item["next"] = node["next"]
        if node.get("choices"):
            item["choices"] = [{"id": c["id"], "text": str(c.get("text", ""))[:80], "target": c.get("target", "")}
                               for c in node["choices"]]
        nodes.append(item)
    return {"start": data.get("start"), "nodes": nodes}
