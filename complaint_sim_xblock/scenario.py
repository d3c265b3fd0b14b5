"""The role-play scenario: its model, validation and the model route.

Pure Python: imports neither Django nor XBlock. A scenario arrives as plain data (parsed
YAML/JSON, or the block's OLX turned into a dict); :func:`validate_scenario` lists every
problem with its location, :func:`compile_scenario` turns valid data into an immutable
:class:`Scenario` that the session code in :mod:`complaint_sim_xblock.session` plays.
The format is documented in ``scenarios/FORMAT.md``.
"""
import datetime
import hashlib
import json
import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from itertools import product

from . import register, schema, workdays


def N_(text):
    """Mark a message for translation; the XBlock layer translates it."""
    return text


ID_RE = re.compile(schema.ID_PATTERN)
SPEAKERS = schema.SPEAKERS
QUALITIES = schema.QUALITIES
FEEDBACK_MODES = schema.FEEDBACK_MODES
RECORD_CHOICE_FIELDS = ("category", "urgency", "referral")
RECORD_FIELDS = (*RECORD_CHOICE_FIELDS, "deadline_days", "summary")
MIN_CHOICES, MAX_CHOICES = 2, 5
MAX_STEPS_LIMIT = schema.MAX_STEPS_LIMIT
MAX_TEXT = 5000
MAX_CONDITION_ASSIGNMENTS = 200_000
TIMEOUT_ENDING = "__timeout__"

OPERATORS = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt,
    ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
}
CLAUSE_RE = re.compile(r"^\s*([a-z0-9][a-z0-9_-]*)\s*(<=|>=|==|!=|<|>)\s*(-?[0-9]{1,6})\s*$")
MAX_POINTS = schema.MAX_POINTS  # bound on any score, effect, weight or variable bound an author types


@dataclass(frozen=True)
class Problem:
    """One validation problem: a stable code, a message template, where it is."""

    code: str
    template: str
    path: str
    node: str | None = None
    params: tuple = ()

    @property
    def message(self):
        """The English message with its parameters filled in."""
        return self.template.format(**dict(self.params))

    def __str__(self):
        return f"{self.path}: {self.message}"

    def as_dict(self, translate=None):
        """JSON-safe form; ``translate`` turns the English template into the user's language."""
        template = translate(self.template) if translate else self.template
        return {"code": self.code, "message": template.format(**dict(self.params)),
                "path": self.path, "node": self.node}


class ScenarioInvalid(ValueError):
    """Raised by :func:`compile_scenario` with the list of problems found."""

    def __init__(self, problems):
        super().__init__("; ".join(str(p) for p in problems[:5]))
        self.problems = problems


@dataclass(frozen=True)
class Clause:
    """``variable op value``: one part of a choice's condition."""

    variable: str
    op: str
    value: int

    def holds(self, variables):
        """Whether the clause is true for these variable values."""
        return OPERATORS[self.op](variables[self.variable], self.value)


@dataclass(frozen=True)
class Choice:
    """What the learner can say or do at a dialogue node."""

    id: str
    text: str
    target: str
    feedback: str
    scores: dict
    effects: dict
    fulfils: tuple
    breaches: tuple
    condition: tuple  # of Clause; empty = always shown
    condition_text: str
    model: bool

    def visible(self, variables):
        """Whether the choice is offered with these variable values."""
        return all(clause.holds(variables) for clause in self.condition)


@dataclass(frozen=True)
class Node:
    """A dialogue, record or ending node."""

    id: str
    type: str
    text: str
    speaker: str = "narrator"
    choices: tuple = ()
    next: str | None = None
    record: dict = field(default_factory=dict)
    feedback: str = ""
    title: str = ""
    quality: str = ""
    effects: dict = field(default_factory=dict)  # narration: variable changes on "Lanjut"

    def choice(self, choice_id):
        """The choice with this id, or None."""
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        return None

    def targets(self):
        """Ids of the nodes this node leads to."""
        if self.type == "dialogue":
            return [choice.target for choice in self.choices]
        if self.type in ("record", "narration"):
            return [self.next]
        return []


@dataclass(frozen=True)
class Scenario:
    """A validated, immutable scenario ready to be played."""

    id: str
    title: str
    situation: str
    start: str
    max_steps: int
    feedback_mode: str
    persona: dict
    mood_variable: str | None
    competencies: tuple  # of dicts {id, label, weight}
    variables: tuple  # of dicts {id, label, min, max, initial}
    duties: tuple  # of dicts {id, label, basis, points[, critical, maladministration]}
    nodes: Mapping  # id -> Node, in document order (a Nodes)
    data: dict  # the canonical source data
    digest: str
    model_route: tuple = ()  # of (node_id, choice_id or None)
    cache: dict = field(default_factory=dict, compare=False, repr=False)  # derived values

    def node(self, node_id):
        """The node with this id (KeyError if there is none)."""
        return self.nodes[node_id]

    def variable(self, variable_id):
        """The variable definition with this id."""
        return next(v for v in self.variables if v["id"] == variable_id)

    def initial_variables(self):
        """Variable values at the start of an attempt."""
        return {v["id"]: v["initial"] for v in self.variables}

    def apply_effects(self, variables, effects):
        """New variable values after ``effects``, clamped to each variable's bounds."""
        updated = dict(variables)
        for var in self.variables:
            if var["id"] in effects:
                value = updated[var["id"]] + effects[var["id"]]
                updated[var["id"]] = max(var["min"], min(var["max"], value))
        return updated

    @property
    def critical_duties(self):
        """Ids of the duties marked ``critical``."""
        return frozenset(d["id"] for d in self.duties if d.get("critical"))

    @property
    def story_date(self):
        """The day the story happens (a ``datetime.date``), or None: deadlines are then numbers."""
        text = self.data.get("story_date")
        return datetime.date.fromisoformat(text) if text else None

    @property
    def critical_cap(self):
        """The share of the maximum an attempt with a critical breach can score."""
        return self.data.get("critical_cap", 0)

    def choice_value(self, choice):
        """Points a choice is worth on its own: weighted competencies and duties."""
        weights = {c["id"]: c["weight"] for c in self.competencies}
        points = {d["id"]: d["points"] for d in self.duties}
        value = sum(weights[c] * p for c, p in choice.scores.items())
        value += sum(points[d] for d in choice.fulfils) - sum(points[d] for d in choice.breaches)
        return value


def scenario_digest(data):
    """A short hash of the scenario's canonical JSON: changes whenever its content does."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


# --- Reading plain data, with located problems ------------------------------------------

class _Reader:
    """Collects problems while reading loosely typed data into canonical form."""

    def __init__(self):
        self.problems = []

    def add(self, code, template, path, at=None, **params):
        self.problems.append(Problem(code, template, path, at, tuple(sorted(params.items()))))

    def mapping(self, value, path, node=None):
        if isinstance(value, dict):
            return value
        self.add("not_mapping", N_("must be a mapping of keys to values"), path, node)
        return {}

    def sequence(self, value, path, node=None):
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self.add("not_list", N_("must be a list"), path, node)
        return []

    def text(self, data, key, path, node=None, required=True, default=""):
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.add("missing", N_("'{key}' is required"), f"{path}.{key}", node, key=key)
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.add("not_text", N_("'{key}' must be text"), f"{path}.{key}", node, key=key)
            return default
        value = str(value).strip()
        if len(value) > MAX_TEXT:
            self.add("too_long", N_("'{key}' is longer than {limit} characters"),
                     f"{path}.{key}", node, key=key, limit=MAX_TEXT)
        return value

    def ident(self, data, key, path, node=None, required=True):
        value = data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not ID_RE.match(value):
            self.add("bad_id", N_("'{key}' must be an id: lowercase letters, digits, '-' or '_'"),
                     f"{path}.{key}", node, key=key)
            return None
        return value

    def integer(self, data, key, path, node=None, default=None, low=None, high=None):
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.add("not_integer", N_("'{key}' must be a whole number"), f"{path}.{key}", node, key=key)
            return default if default is not None else 0
        if (low is not None and value < low) or (high is not None and value > high):
            self.add("out_of_range", N_("'{key}' must be between {low} and {high}"),
                     f"{path}.{key}", node, key=key, low=low, high=high)
        return value

    def number(self, data, key, path, default, node=None, high=MAX_POINTS):
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= high:
            self.add("not_positive", N_("'{key}' must be a number above 0 and at most {high}"),
                     f"{path}.{key}", node, key=key, high=high)
            return default
        return value

    def fraction(self, data, key, path, default, node=None):
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            self.add("not_fraction", N_("'{key}' must be a number from 0 to 1"), f"{path}.{key}", node, key=key)
            return default
        return value

    def boolean(self, data, key, path, default, node=None):
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.add("not_boolean", N_("'{key}' must be true or false"), f"{path}.{key}", node, key=key)
            return default
        return value

    def date(self, data, key, path, node=None, required=False):
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.add("missing", N_("'{key}' is required"), f"{path}.{key}", node, key=key)
            return None
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value.isoformat()
        try:
            if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
                return datetime.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
        self.add("not_date", N_("'{key}' must be a date written YYYY-MM-DD"), f"{path}.{key}", node, key=key)
        return None

    def field(self, f, data, path, node=None, siblings=None):
        """The value of schema field ``f`` in ``data`` (problems recorded), or None when absent."""
        if f.kind == "id":
            return self.ident(data, f.name, path, node, required=f.required)
        if f.kind == "text":
            return self.text(data, f.name, path, node, required=f.required, default=f.default or "")
        if f.kind == "int":
            default = (siblings or {}).get(f.default_from) if f.default_from else f.default
            return self.integer(data, f.name, path, node, default=default, low=f.low, high=f.high)
        if f.kind == "number":
            return self.number(data, f.name, path, f.default, node, high=f.high)
        if f.kind == "fraction":
            return self.fraction(data, f.name, path, f.default, node)
        if f.kind == "choice":
            return self.choice_of(data, f.name, f.allowed, path, node, default=f.default)
        if f.kind == "bool":
            return self.boolean(data, f.name, path, f.default, node)
        if f.kind == "date":
            return self.date(data, f.name, path, node, required=f.required)
        raise ValueError(f"unknown field kind {f.kind}")

    def fields(self, spec, data, path, node=None):
        """Canonical values of every schema field in ``spec`` (a part of :mod:`schema`)."""
        out = {}
        for f in spec:
            if f.manual:
                continue
            if f.omit_default and data.get(f.name) in (None, "", f.default):
                continue
            out[f.name] = self.field(f, data, path, node, out)
        return out

    def choice_of(self, data, key, allowed, path, node=None, default=None):
        value = data.get(key, default)
        if value not in allowed:
            self.add("not_allowed", N_("'{key}' must be one of: {allowed}"), f"{path}.{key}", node,
                     key=key, allowed=", ".join(allowed))
            return default or allowed[0]
        return value

    def unique(self, items, path, what, node=None):
        seen = set()
        for index, item in enumerate(items):
            if item is not None and item in seen:
                self.add("duplicate_id", N_("duplicate {what} id '{id}'"), f"{path}[{index}].id", node,
                         what=what, id=item)
            seen.add(item)


def _parse_condition(text):
    """Clauses of a condition string, or None when it does not parse."""
    clauses = []
    for part in re.split(r"\s+and\s+", text.strip()):
        match = CLAUSE_RE.match(part)
        if not match:
            return None
        clauses.append(Clause(match.group(1), match.group(2), int(match.group(3))))
    return tuple(clauses)


def _check_story_date(r, canon):
    if canon.get("story_date"):
        shut = workdays.closed(datetime.date.fromisoformat(canon["story_date"]))
        if shut:
            r.add("story_date_closed", N_("the story's date {date} is not a working day ({why})"),
                  "scenario.story_date", date=canon["story_date"], why=shut[1] or shut[0])


def _read_competencies(r, data):
    competencies = []
    for i, item in enumerate(r.sequence(data.get("competencies"), "competencies")):
        path = f"competencies[{i}]"
        competencies.append(r.fields(schema.COMPETENCY, r.mapping(item, path), path))
    if not competencies:
        r.add("no_competencies", N_("at least one competency is required"), "competencies")
    r.unique([c["id"] for c in competencies], "competencies", "competency")
    return competencies


def _read_variables(r, data):
    variables = []
    for i, item in enumerate(r.sequence(data.get("variables"), "variables")):
        path = f"variables[{i}]"
        var = r.fields(schema.VARIABLE, r.mapping(item, path), path)
        if var["min"] >= var["max"]:
            r.add("bad_bounds", N_("'min' must be below 'max'"), f"{path}.min")
        elif not var["min"] <= var["initial"] <= var["max"]:
            r.add("initial_out_of_bounds", N_("'initial' must be between min ({low}) and max ({high})"),
                  f"{path}.initial", low=var["min"], high=var["max"])
        variables.append(var)
    r.unique([v["id"] for v in variables], "variables", "variable")
    return variables


def _read_mood(r, data, variable_ids):
    mood = data.get("mood_variable")
    known_mood = isinstance(mood, str) and mood in variable_ids
    if mood is not None and not known_mood:
        r.add("unknown_variable", N_("'{name}' is not a declared variable"), "scenario.mood_variable",
              name=str(mood))
    return mood if known_mood else None


def _read_duties(r, data, laws):
    categories = register.maladministration()
    duties = []
    for i, item in enumerate(r.sequence(data.get("duties"), "duties")):
        path = f"duties[{i}]"
        item = r.mapping(item, path)
        duty = r.fields(schema.DUTY, item, path)
        duty["basis"] = _read_basis(r, item.get("basis"), f"{path}.basis", laws)
        if duty.get("maladministration") and duty["maladministration"] not in categories:
            r.add("unknown_maladministration", N_("'{name}' is not a maladministration category of the register"),
                  f"{path}.maladministration", name=duty["maladministration"])
        duties.append(duty)
    r.unique([d["id"] for d in duties], "duties", "duty")
    return duties


def _read_nodes(r, data, refs):
    nodes = [_read_node(r, r.mapping(item, f"nodes[{i}]"), f"nodes[{i}]", refs)
             for i, item in enumerate(r.sequence(data.get("nodes"), "nodes"))]
    if not nodes:
        r.add("no_nodes", N_("the scenario has no nodes"), "nodes")
    r.unique([n["id"] for n in nodes], "nodes", "node")
    return nodes


def _read(data):
    """Canonical data and the problems found in it (structure and references), one part of
    the format after another."""
    r = _Reader()
    data = r.mapping(data, "scenario")
    canon = r.fields(schema.SCENARIO, data, "scenario")
    _check_story_date(r, canon)
    canon["persona"] = r.fields(schema.PERSONA, r.mapping(data.get("persona", {}), "persona"), "persona")
    canon["competencies"] = _read_competencies(r, data)
    canon["variables"] = _read_variables(r, data)
    variable_ids = {v["id"] for v in canon["variables"]}
    canon["mood_variable"] = _read_mood(r, data, variable_ids)
    if data.get("laws") is not None:
        canon["laws"] = read_laws(r, data.get("laws"), "laws")
    canon["duties"] = _read_duties(r, data, register.laws_by_id(canon.get("laws")))
    refs = {"competencies": {c["id"] for c in canon["competencies"]}, "variables": variable_ids,
            "duties": {d["id"] for d in canon["duties"]}}
    canon["nodes"] = _read_nodes(r, data, refs)
    return canon, r.problems


def read_laws(r, value, path):
    """Register entries (a scenario's ``laws:`` or a register file's ``laws``), canonical."""
    laws = []
    for i, item in enumerate(r.sequence(value, path)):
        where = f"{path}[{i}]"
        item = r.mapping(item, where)
        law = r.fields(schema.LAW, item, where)
        if item.get("amended_by") is not None:
            amended = [a for a in r.sequence(item.get("amended_by"), f"{where}.amended_by")
                       if isinstance(a, str) and ID_RE.match(a)]
            if len(amended) != len(item["amended_by"]):
                r.add("bad_id", N_("'{key}' must be an id: lowercase letters, digits, '-' or '_'"),
                      f"{where}.amended_by", key="amended_by")
            law["amended_by"] = amended
        if law.get("status") == "diganti" and not law.get("replaced_by"):
            r.add("missing", N_("'{key}' is required"), f"{where}.replaced_by", key="replaced_by")
        laws.append(law)
    r.unique([law.get("id") for law in laws], path, "law")
    return laws


def read_register(data):
    """``(register, problems)`` for a register file's data (``laws``, ``cuti_bersama``, ...)."""
    r = _Reader()
    data = r.mapping(data, "register")
    out = {"laws": read_laws(r, data.get("laws"), "laws")}
    known = register.laws_by_id(out["laws"])
    for i, law in enumerate(out["laws"]):
        for key in ("replaced_by",):
            if law.get(key) and law[key] not in known:
                r.add("unknown_law", N_("'{law}' is not in the law register"), f"laws[{i}].{key}", law=law[key])
    days = []
    for i, item in enumerate(r.sequence(data.get("cuti_bersama"), "cuti_bersama")):
        item = r.mapping(item, f"cuti_bersama[{i}]")
        days.append({"date": r.date(item, "date", f"cuti_bersama[{i}]", required=True),
                     "label": r.text(item, "label", f"cuti_bersama[{i}]"),
                     "source": r.text(item, "source", f"cuti_bersama[{i}]")})
    out["cuti_bersama"] = days
    out["maladministration"] = [
        {"id": r.ident(m, "id", f"maladministration[{i}]"), "label": r.text(m, "label", f"maladministration[{i}]")}
        for i, m in enumerate(r.mapping(m, f"maladministration[{i}]") for m in
                              r.sequence(data.get("maladministration"), "maladministration"))]
    return out, r.problems


def _check_citation(r, citation, where, laws):
    law = laws.get(citation["law"])
    if law is None:
        r.add("unknown_law", N_("'{law}' is not in the law register"), f"{where}.law", law=citation["law"])
        return
    if law["status"] in ("diganti", "dicabut"):
        nxt = register.successor(law, laws)
        if law["status"] == "diganti":
            r.add("law_replaced", N_("'{law}' has been replaced by '{successor}' ({title}): cite that instead"),
                  f"{where}.law", law=law["id"], successor=law.get("replaced_by", ""),
                  title=nxt["title"] if nxt else "")
        else:
            r.add("law_revoked", N_("'{law}' has been revoked (by '{successor}'): it cannot be a legal basis"),
                  f"{where}.law", law=law["id"], successor=law.get("replaced_by") or "-")


def _read_basis(r, value, path, laws):
    """A duty's legal basis: citations ``[{law, article}|{note}]``, or (legacy) one text, a note."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return r.text({"basis": value}, "basis", path.rsplit(".", 1)[0])
    if value in (None, "", []):
        r.add("missing", N_("'{key}' is required"), path, key="basis")
        return ""
    citations = []
    for k, item in enumerate(r.sequence(value, path)):
        where = f"{path}[{k}]"
        item = r.mapping(item, where)
        if set(item) == {"note"}:
            citations.append({"note": r.text(item, "note", where)})
        elif "law" in item and set(item) <= {"law", "article"}:
            citation = {"law": r.ident(item, "law", where)}
            article = r.text(item, "article", where, required=False)
            if article:
                citation["article"] = article
            if citation["law"]:
                _check_citation(r, citation, where, laws)
            citations.append(citation)
        else:
            r.add("bad_citation", N_("a citation is either {{law: id, article: text}} or {{note: text}}"), where)
    return citations


def _read_node(r, item, path, refs):
    node_id = r.ident(item, "id", path)
    node = r.fields(schema.NODE, item, path, node_id)
    kind = node["type"]
    node.update(r.fields(schema.NODE_PARTS[kind], item, path, node_id))
    if kind == "dialogue":
        choices = [
            _read_choice(r, r.mapping(c, f"{path}.choices[{j}]", node_id), f"{path}.choices[{j}]",
                         node_id, refs)
            for j, c in enumerate(r.sequence(item.get("choices"), f"{path}.choices", node_id))
        ]
        if not choices:
            r.add("dead_end", N_("node '{node}' is not an ending but has no way out"), path, node_id,
                  node=node_id)
        elif not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
            r.add("choice_count", N_("a dialogue node needs {low} to {high} choices, this one has {count}"),
                  f"{path}.choices", node_id, low=MIN_CHOICES, high=MAX_CHOICES, count=len(choices))
        r.unique([c["id"] for c in choices], f"{path}.choices", "choice", node_id)
        if sum(1 for c in choices if c["model"]) > 1:
            r.add("several_models", N_("more than one choice is marked 'model'"), f"{path}.choices", node_id)
        node["choices"] = choices
    elif kind == "narration":
        effects = _read_amounts(r, item.get("effects"), f"{path}.effects", node_id, refs, "variables")
        if effects:
            node["effects"] = effects
    elif kind == "record":
        node["record"] = _read_record(r, r.mapping(item.get("record", {}), f"{path}.record", node_id),
                                      f"{path}.record", node_id)
    return node


def _read_choice(r, item, path, node_id, refs):
    choice = r.fields(schema.CHOICE, item, path, node_id)
    for key, kind in (("scores", "competencies"), ("effects", "variables")):
        choice[key] = _read_amounts(r, item.get(key), f"{path}.{key}", node_id, refs, kind)
    for key in ("fulfils", "breaches"):
        duties = []
        for name in r.sequence(item.get(key), f"{path}.{key}", node_id):
            if not isinstance(name, str) or name not in refs["duties"]:
                r.add("unknown_reference", N_("'{name}' is not a declared {kind} entry"),
                      f"{path}.{key}", node_id, name=str(name), kind="duties")
            elif name not in duties:
                duties.append(name)
        choice[key] = duties
    condition = item.get("condition")
    if condition not in (None, ""):
        clauses = _parse_condition(str(condition))
        if clauses is None:
            r.add("bad_condition", N_("condition '{text}' does not read as 'variable op number [and ...]'"),
                  f"{path}.condition", node_id, text=str(condition))
        else:
            for clause in clauses:
                if clause.variable not in refs["variables"]:
                    r.add("unknown_variable", N_("'{name}' is not a declared variable"),
                          f"{path}.condition", node_id, name=clause.variable)
            choice["condition"] = " and ".join(f"{c.variable} {c.op} {c.value}" for c in clauses)
    return choice


def _read_amounts(r, value, path, node_id, refs, kind):
    """A mapping of declared ids (competencies or variables) to whole numbers."""
    amounts = {}
    for name, amount in r.mapping(value or {}, path, node_id).items():
        if name not in refs[kind]:
            r.add("unknown_reference", N_("'{name}' is not a declared {kind} entry"),
                  f"{path}.{name}", node_id, name=str(name), kind=kind)
        elif isinstance(amount, bool) or not isinstance(amount, int):
            r.add("not_integer", N_("'{key}' must be a whole number"), f"{path}.{name}", node_id, key=name)
        elif abs(amount) > MAX_POINTS:
            r.add("out_of_range", N_("'{key}' must be between {low} and {high}"), f"{path}.{name}",
                  node_id, key=name, low=-MAX_POINTS, high=MAX_POINTS)
        else:
            amounts[name] = amount
    return amounts


def _read_record(r, record, path, node_id):
    canon = {}
    for key in RECORD_CHOICE_FIELDS:
        spec = r.mapping(record.get(key, {}), f"{path}.{key}", node_id)
        options = [str(o).strip() for o in r.sequence(spec.get("options"), f"{path}.{key}.options", node_id)]
        expected = r.text(spec, "expected", f"{path}.{key}", node_id)
        if len(options) < 2:
            r.add("few_options", N_("'{key}' needs at least two options"), f"{path}.{key}.options",
                  node_id, key=key)
        elif expected and expected not in options:
            r.add("expected_not_option", N_("the expected value '{value}' is not among the options"),
                  f"{path}.{key}.expected", node_id, value=expected)
        canon[key] = {"options": options, "expected": expected}
    spec = r.mapping(record.get("deadline_days", {}), f"{path}.deadline_days", node_id)
    canon["deadline_days"] = r.fields(schema.DEADLINE, spec, f"{path}.deadline_days", node_id)
    spec = r.mapping(record.get("summary", {}), f"{path}.summary", node_id)
    groups = []
    for k, group in enumerate(r.sequence(spec.get("keywords"), f"{path}.summary.keywords", node_id)):
        words = group if isinstance(group, list) else [group]
        words = [str(w).strip().lower() for w in words if str(w).strip()]
        if not words:
            r.add("empty_keywords", N_("a keyword group is empty"), f"{path}.summary.keywords[{k}]", node_id)
        groups.append(words)
    canon["summary"] = {**r.fields(schema.SUMMARY, spec, f"{path}.summary", node_id), "keywords": groups}
    return canon


# --- Graph rules --------------------------------------------------------------------------

class _Found:
    """Problems found in canonical data, added with their code, template and location."""

    def __init__(self):
        self.problems = []

    def __call__(self, code, template, path, at=None, **params):
        self.problems.append(Problem(code, template, path, at, tuple(sorted(params.items()))))


def _edges(canon, index, by_id, add):
    """``{node id: [target ids]}``; a target that is not a node, and a node that is not an
    ending but leads nowhere, are problems."""
    edges = {}
    for node in canon["nodes"]:
        if not node["id"]:
            continue
        path = f"nodes[{index[node['id']]}]"
        targets = []
        if node["type"] == "dialogue":
            for j, choice in enumerate(node["choices"]):
                if choice["target"] and choice["target"] not in by_id:
                    add("missing_target", N_("target '{target}' is not a node"),
                        f"{path}.choices[{j}].target", node["id"], target=choice["target"])
                elif choice["target"]:
                    targets.append(choice["target"])
        elif node["type"] in ("record", "narration") and node.get("next"):
            if node["next"] not in by_id:
                add("missing_target", N_("target '{target}' is not a node"), f"{path}.next", node["id"],
                    target=node["next"])
            else:
                targets.append(node["next"])
        if node["type"] != "ending" and not targets:
            add("dead_end", N_("node '{node}' is not an ending but has no way out"), path, node["id"],
                node=node["id"])
        edges[node["id"]] = targets
    return edges


def _reach_problems(start, edges, index, by_id, add):
    """Nodes the start cannot reach, no reachable ending, and loops no ending can be reached from."""
    reachable = _reach(start, edges)
    for node_id in by_id:
        if node_id not in reachable:
            add("unreachable", N_("node '{node}' cannot be reached from the start"),
                f"nodes[{index[node_id]}]", node_id, node=node_id)
    endings = {n for n in reachable if by_id[n]["type"] == "ending"}
    if not endings:
        add("no_ending", N_("no ending can be reached from the start"), "scenario.start", start)
        return False
    reverse = {}
    for source, targets in edges.items():
        for target in targets:
            reverse.setdefault(target, []).append(source)
    can_end = set()
    for ending in endings:
        can_end |= _reach(ending, reverse)
    for node_id in sorted(reachable - can_end, key=index.get):
        if edges.get(node_id):
            add("endless_loop", N_("from node '{node}' no ending can be reached: the loop cannot end"),
                f"nodes[{index[node_id]}]", node_id, node=node_id)
    return True


def _graph_problems(canon):
    add = _Found()
    index = {n["id"]: i for i, n in enumerate(canon["nodes"]) if n["id"]}
    by_id = {n["id"]: n for n in canon["nodes"] if n["id"]}
    edges = _edges(canon, index, by_id, add)
    start = canon["start"]
    if start and start not in by_id:
        add("missing_start", N_("start node '{node}' does not exist"), "scenario.start", node=start)
        return add.problems
    if not start or not _reach_problems(start, edges, index, by_id, add):
        return add.problems
    variables = {v["id"]: v for v in canon["variables"]}
    for node in canon["nodes"]:
        if node["type"] == "dialogue" and node["choices"] and node["id"]:
            if _can_hide_all(node["choices"], variables):
                add("all_hidden", N_("for some values of the variables every choice of node '{node}' is hidden"),
                    f"nodes[{index[node['id']]}].choices", node["id"], node=node["id"])
    return add.problems


def _reach(origin, edges):
    seen = {origin}
    stack = [origin]
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _can_hide_all(choices, variables):
    """Whether some variable values within bounds hide every choice of a node."""
    if any(not c.get("condition") for c in choices):
        return False
    conditions = [_parse_condition(c["condition"]) for c in choices]
    names = sorted({clause.variable for clauses in conditions for clause in clauses})
    if any(name not in variables for name in names):
        return False  # reported elsewhere
    ranges = [range(variables[n]["min"], variables[n]["max"] + 1) for n in names]
    size = 1
    for values in ranges:
        size *= len(values)
    if size > MAX_CONDITION_ASSIGNMENTS:
        return True  # too many combinations to prove: ask for an unconditional choice
    for values in product(*ranges):
        assignment = dict(zip(names, values, strict=True))
        if not any(all(c.holds(assignment) for c in clauses) for clauses in conditions):
            return True
    return False


# --- Building the immutable scenario --------------------------------------------------------

def _build_node(item):
    choices = tuple(
        Choice(id=c["id"], text=c["text"], target=c["target"], feedback=c["feedback"],
               scores=dict(c["scores"]), effects=dict(c["effects"]), fulfils=tuple(c["fulfils"]),
               breaches=tuple(c["breaches"]), condition=_parse_condition(c["condition"]) if
               c.get("condition") else (), condition_text=c.get("condition", ""), model=c["model"])
        for c in item.get("choices", ())
    )
    return Node(
        id=item["id"], type=item["type"], text=item["text"], speaker=item.get("speaker", "narrator"),
        choices=choices, next=item.get("next"), record=item.get("record", {}),
        feedback=item.get("feedback", ""), title=item.get("title", ""), quality=item.get("quality", ""),
        effects=dict(item.get("effects", {})))


class Nodes(Mapping):
    """``node id -> Node`` in document order, each Node built from the canonical data the first
    time it is read.

    A learner's request reads a handful of a scenario's nodes (the model route, the current
    node, the path): a worker that meets a 1,000-node scenario for the first time builds those,
    not all thousand. Content-derived and immutable: two threads that build the same node at
    once make equal Nodes, and either may be kept. ``build_all()`` builds every node (the
    validator does, so the compiled size measured on save is the whole scenario's).
    """

    __slots__ = ("_built", "_items")

    def __init__(self, items):
        self._items = {item["id"]: item for item in items}
        self._built = {}

    def __getitem__(self, node_id):
        node = self._built.get(node_id)
        if node is None:
            node = self._built[node_id] = _build_node(self._items[node_id])
        return node

    def __contains__(self, node_id):
        return node_id in self._items

    def __iter__(self):
        return iter(self._items)

    def __len__(self):
        return len(self._items)

    def build_all(self):
        """Build every node now; returns self."""
        for node_id in self._items:
            self[node_id]  # noqa: B018  (builds and keeps it)
        return self


def _build(canon, digest, lazy=False):
    """The :class:`Scenario` of canonical data; ``lazy``: nodes are built when first read."""
    laws = register.laws_by_id(canon.get("laws"))
    nodes = Nodes(canon["nodes"])
    if not lazy:
        nodes.build_all()
    return Scenario(
        id=canon["id"], title=canon["title"], situation=canon["situation"], start=canon["start"],
        max_steps=canon["max_steps"], feedback_mode=canon["feedback"], persona=dict(canon["persona"]),
        mood_variable=canon["mood_variable"], competencies=tuple(canon["competencies"]),
        variables=tuple(canon["variables"]), nodes=nodes, data=canon,
        duties=tuple({**d, "citations": register.citations(d["basis"], laws)} for d in canon["duties"]),
        digest=digest)


def model_choice(scenario, node, variables):
    """The recommended visible choice at a dialogue node (see FORMAT.md, 'model route')."""
    visible = [c for c in node.choices if c.visible(variables)]
    marked = [c for c in visible if c.model]
    if marked:
        return marked[0]
    if not visible:
        return None
    return max(visible, key=lambda c: (scenario.choice_value(c), -visible.index(c)))


def trace_model_route(scenario):
    """The model route as ``(node_id, choice_id)`` pairs, and whether it reaches an ending."""
    route = []
    variables = scenario.initial_variables()
    node = scenario.node(scenario.start)
    for _step in range(scenario.max_steps):
        if node.type == "ending":
            route.append((node.id, None))
            return tuple(route), True
        if node.type in ("record", "narration"):
            route.append((node.id, None))
            variables = scenario.apply_effects(variables, node.effects)
            node = scenario.node(node.next)
            continue
        choice = model_choice(scenario, node, variables)
        if choice is None:
            return tuple(route), False
        route.append((node.id, choice.id))
        variables = scenario.apply_effects(variables, choice.effects)
        node = scenario.node(choice.target)
    if node.type == "ending":
        route.append((node.id, None))
        return tuple(route), True
    return tuple(route), False


def _check(data):
    """``(canon, scenario, problems)``: one reading, one graph check, one build and one trace.

    ``scenario`` (with its model route, without a digest) is None when there are problems.
    Validating and compiling share this, so compiling reads the data once, not twice.
    """
    canon, problems = _read(data)
    if problems:
        return canon, None, problems
    problems = _graph_problems(canon)
    if problems:
        return canon, None, problems
    scenario = _build(canon, "")
    route, ends = trace_model_route(scenario)
    if not ends:
        return canon, None, [Problem("model_route_no_ending",
                                     N_("the model route does not reach an ending within max_steps ({limit})"),
                                     "scenario.max_steps", scenario.start, (("limit", scenario.max_steps),))]
    scenario = replace(scenario, model_route=route)
    problems = _critical_route_problems(scenario) + _critical_reach_problems(scenario)
    if problems:
        return canon, None, problems
    return canon, scenario, []


MAX_REACH_STATES = 250_000  # bound on the states the critical-breach check explores


def _route_text(steps):
    return " > ".join(f"{node}:{choice}" if choice else node for node, choice in steps)


def _critical_route_problems(scenario):
    """The model route may breach no critical duty."""
    critical = scenario.critical_duties
    index = {node_id: i for i, node_id in enumerate(scenario.nodes)}
    problems = []
    for node_id, choice_id in scenario.model_route:
        if choice_id is None:
            continue
        node = scenario.node(node_id)
        choice = node.choice(choice_id)
        for duty in choice.breaches:
            if duty in critical:
                j = node.choices.index(choice)
                problems.append(Problem(
                    "model_route_breaches_critical",
                    N_("the recommended route breaches the critical duty '{duty}' at choice '{choice}'"),
                    f"nodes[{index[node_id]}].choices[{j}].breaches", node_id,
                    (("choice", choice_id), ("duty", duty))))
    return problems


class _Values:
    """Variable values as a tuple in the scenario's order, and effects applied to them."""

    def __init__(self, scenario):
        self.names = [v["id"] for v in scenario.variables]
        self.bounds = [(v["min"], v["max"]) for v in scenario.variables]
        self._effects = {}  # id(effects dict) -> [(index, change), ...]

    def initial(self, scenario):
        start = scenario.initial_variables()
        return tuple(start[n] for n in self.names)

    def as_dict(self, values):
        return dict(zip(self.names, values, strict=True))

    def apply(self, values, effects):
        if not effects:
            return values
        key = id(effects)
        if key not in self._effects:
            self._effects[key] = [(i, effects[n]) for i, n in enumerate(self.names) if n in effects]
        out = list(values)
        for i, change in self._effects[key]:
            low, high = self.bounds[i]
            out[i] = max(low, min(high, out[i] + change))
        return tuple(out)


def _moves(node, values, breached, space, critical):
    """``(choice id or None, target, values, breached)`` for each move open at ``node``."""
    if node.type == "dialogue":
        variables = space.as_dict(values)
        return [(c.id, c.target, space.apply(values, c.effects), breached or any(d in critical for d in c.breaches))
                for c in node.choices if c.visible(variables)]
    if node.type in ("record", "narration"):
        return [(None, node.next, space.apply(values, node.effects), breached)]
    return []


def _first_breach(scenario, steps, critical):
    """The first critical duty breached on a path of ``(node, choice or None)`` steps."""
    return next(d for node_id, choice_id in steps if choice_id
                for d in scenario.node(node_id).choice(choice_id).breaches if d in critical)


def critical_reach(scenario, limit=MAX_REACH_STATES):
    """``(found, complete)``: for each good or fair ending reachable after a critical breach,
    the shortest such path ``[(node, choice or None), ...]`` and the first duty breached on it.

    Explores states ``(node, variables, breached)`` breadth first from the start, each once
    (a memo), never past ``max_steps`` actions: conditions depend on the variables, so the
    node alone does not say which choices are open. ``complete`` is False when more than
    ``limit`` states would be needed.
    """
    critical = scenario.critical_duties
    if not critical:
        return {}, True
    space = _Values(scenario)
    start = (scenario.start, space.initial(scenario), False)
    parent = {start: None}
    frontier = [start]
    found = {}
    wanted = {n.id for n in scenario.nodes.values() if n.type == "ending" and n.quality in ("good", "fair")}
    for _depth in range(scenario.max_steps):
        following = []
        for state in frontier:
            node_id, values, breached = state
            for choice_id, target, new_values, new_breached in _moves(scenario.nodes[node_id], values, breached,
                                                                      space, critical):
                nxt = (target, new_values, new_breached)
                if nxt in parent:
                    continue
                parent[nxt] = (state, choice_id)
                if len(parent) > limit:
                    return found, False
                if scenario.nodes[target].type != "ending":
                    following.append(nxt)
                elif new_breached and target in wanted and target not in found:
                    found[target] = _reach_path(parent, nxt)
        frontier = following
        if not frontier or len(found) == len(wanted):
            break
    return {ending: {"path": steps, "duty": _first_breach(scenario, steps, critical)}
            for ending, steps in found.items()}, True


def _reach_path(parent, state):
    steps = [(state[0], None)]
    while parent[state] is not None:
        state, choice_id = parent[state]
        steps.append((state[0], choice_id))
    return steps[::-1]


def _critical_reach_problems(scenario):
    found, complete = critical_reach(scenario)
    index = {node_id: i for i, node_id in enumerate(scenario.nodes)}
    problems = []
    for ending, hit in sorted(found.items(), key=lambda item: index[item[0]]):
        node = scenario.node(ending)
        problems.append(Problem(
            "breach_reaches_good_ending",
            N_("the {quality} ending '{node}' can be reached after breaching the critical duty '{duty}': {route}"),
            f"nodes[{index[ending]}]", ending,
            (("duty", hit["duty"]), ("node", ending), ("quality", node.quality),
             ("route", _route_text(hit["path"])))))
    if not complete:
        problems.append(Problem(
            "breach_check_too_large",
            N_("the scenario has too many combinations of node and variable values to check that no "
               "critical breach reaches a good or fair ending (more than {limit})"),
            "scenario.max_steps", scenario.start, (("limit", MAX_REACH_STATES),)))
    return problems


def validate_scenario(data):
    """Every problem in a scenario's data, each with its location; empty when it is valid."""
    return _check(data)[2]


def check_scenario(data):
    """``(problems, scenario)`` from one check: every problem of ``data`` (as
    :func:`validate_scenario`) and, when there is none, the playable :class:`Scenario` (as
    :func:`compile_scenario`, but without its digest: the editor's report needs none, and the
    block's ``set_scenario`` gives the one it stores), else None. For a caller that needs both:
    the editor's report and save, which used to check a scenario twice (three times to save it)."""
    _canon, scenario, problems = _check(data)
    return (problems, None) if problems else ([], scenario)


def normalize_scenario(data):
    """The canonical form of valid scenario data (raises :class:`ScenarioInvalid`)."""
    canon, _scenario, problems = _check(data)
    if problems:
        raise ScenarioInvalid(problems)
    return canon


def compile_scenario(data, digest=None):
    """A playable :class:`Scenario` from valid data (raises :class:`ScenarioInvalid`).

    ``digest``: ``scenario_digest(data)`` when the caller already has it (the block stores it
    beside the scenario); it is used when ``data`` is already canonical, and saves hashing.
    """
    canon, scenario, problems = _check(data)
    if problems:
        raise ScenarioInvalid(problems)
    if digest is None or canon != data:
        digest = scenario_digest(canon)
    return replace(scenario, digest=digest)


def build_validated(canon, digest):
    """The playable :class:`Scenario` from canonical data that :func:`compile_scenario` accepted
    before (the block validates on save and records it): builds and traces only, no checks.

    Data never validated, or changed since, must go through :func:`compile_scenario`.
    """
    scenario = _build(canon, digest, lazy=True)
    route, _ends = trace_model_route(scenario)
    return replace(scenario, model_route=route)
