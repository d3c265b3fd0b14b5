"""The role-play scenario: its model, validation and the model route.

Pure Python: imports neither Django nor XBlock. A scenario arrives as plain data (parsed
YAML/JSON, or the block's OLX turned into a dict); :func:`validate_scenario` lists every
problem with its location, :func:`compile_scenario` turns valid data into an immutable
:class:`Scenario` that the session code in :mod:`complaint_sim_xblock.session` plays.
The format is documented in ``scenarios/FORMAT.md``.
"""
import hashlib
import json
import operator
import re
from dataclasses import dataclass, field, replace
from itertools import product


def N_(text):
    """Mark a message for translation; the XBlock layer translates it."""
    return text


ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
SPEAKERS = ("citizen", "narrator")
QUALITIES = ("good", "fair", "poor")
FEEDBACK_MODES = ("immediate", "debrief")
RECORD_CHOICE_FIELDS = ("category", "urgency", "referral")
RECORD_FIELDS = (*RECORD_CHOICE_FIELDS, "deadline_days", "summary")
MIN_CHOICES, MAX_CHOICES = 2, 5
MAX_STEPS_LIMIT = 500
MAX_TEXT = 5000
MAX_CONDITION_ASSIGNMENTS = 200_000
TIMEOUT_ENDING = "__timeout__"

OPERATORS = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt,
    ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
}
CLAUSE_RE = re.compile(r"^\s*([a-z0-9][a-z0-9_-]*)\s*(<=|>=|==|!=|<|>)\s*(-?[0-9]{1,6})\s*$")
MAX_POINTS = 1000  # bound on any score, effect, weight or variable bound an author types


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
        if self.type == "record":
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
    duties: tuple  # of dicts {id, label, basis, points}
    nodes: dict  # id -> Node, in document order
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

    def number(self, data, key, path, default):
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= MAX_POINTS:
            self.add("not_positive", N_("'{key}' must be a number above 0 and at most {high}"),
                     f"{path}.{key}", key=key, high=MAX_POINTS)
            return default
        return value

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


def _read(data):
    """Canonical data and the problems found in it (structure and references)."""
    r = _Reader()
    data = r.mapping(data, "scenario")
    canon = {
        "id": r.ident(data, "id", "scenario"),
        "title": r.text(data, "title", "scenario"),
        "situation": r.text(data, "situation", "scenario"),
        "start": r.ident(data, "start", "scenario"),
        "max_steps": r.integer(data, "max_steps", "scenario", default=40, low=1, high=MAX_STEPS_LIMIT),
        "feedback": r.choice_of(data, "feedback", FEEDBACK_MODES, "scenario", default="immediate"),
    }
    persona = r.mapping(data.get("persona", {}), "persona")
    canon["persona"] = {
        "name": r.text(persona, "name", "persona"),
        "role": r.text(persona, "role", "persona", required=False),
        "wants": r.text(persona, "wants", "persona", required=False),
    }

    competencies = []
    for i, item in enumerate(r.sequence(data.get("competencies"), "competencies")):
        path = f"competencies[{i}]"
        item = r.mapping(item, path)
        competencies.append({"id": r.ident(item, "id", path), "label": r.text(item, "label", path),
                             "weight": r.number(item, "weight", path, 1)})
    if not competencies:
        r.add("no_competencies", N_("at least one competency is required"), "competencies")
    r.unique([c["id"] for c in competencies], "competencies", "competency")
    canon["competencies"] = competencies

    variables = []
    for i, item in enumerate(r.sequence(data.get("variables"), "variables")):
        path = f"variables[{i}]"
        item = r.mapping(item, path)
        var = {"id": r.ident(item, "id", path), "label": r.text(item, "label", path),
               "min": r.integer(item, "min", path, default=0, low=-MAX_POINTS, high=MAX_POINTS),
               "max": r.integer(item, "max", path, default=10, low=-MAX_POINTS, high=MAX_POINTS)}
        var["initial"] = r.integer(item, "initial", path, default=var["min"], low=-MAX_POINTS, high=MAX_POINTS)
        if var["min"] >= var["max"]:
            r.add("bad_bounds", N_("'min' must be below 'max'"), f"{path}.min")
        elif not var["min"] <= var["initial"] <= var["max"]:
            r.add("initial_out_of_bounds", N_("'initial' must be between min ({low}) and max ({high})"),
                  f"{path}.initial", low=var["min"], high=var["max"])
        variables.append(var)
    r.unique([v["id"] for v in variables], "variables", "variable")
    canon["variables"] = variables
    variable_ids = {v["id"] for v in variables}

    mood = data.get("mood_variable")
    known_mood = isinstance(mood, str) and mood in variable_ids
    if mood is not None and not known_mood:
        r.add("unknown_variable", N_("'{name}' is not a declared variable"), "scenario.mood_variable",
              name=str(mood))
    canon["mood_variable"] = mood if known_mood else None

    duties = []
    for i, item in enumerate(r.sequence(data.get("duties"), "duties")):
        path = f"duties[{i}]"
        item = r.mapping(item, path)
        duties.append({"id": r.ident(item, "id", path), "label": r.text(item, "label", path),
                       "basis": r.text(item, "basis", path),
                       "points": r.integer(item, "points", path, default=1, low=0, high=100)})
    r.unique([d["id"] for d in duties], "duties", "duty")
    canon["duties"] = duties

    refs = {"competencies": {c["id"] for c in competencies}, "variables": variable_ids,
            "duties": {d["id"] for d in duties}}
    nodes = []
    for i, item in enumerate(r.sequence(data.get("nodes"), "nodes")):
        nodes.append(_read_node(r, r.mapping(item, f"nodes[{i}]"), f"nodes[{i}]", refs))
    if not nodes:
        r.add("no_nodes", N_("the scenario has no nodes"), "nodes")
    r.unique([n["id"] for n in nodes], "nodes", "node")
    canon["nodes"] = nodes
    return canon, r.problems


def _read_node(r, item, path, refs):
    node_id = r.ident(item, "id", path)
    kind = r.choice_of(item, "type", ("dialogue", "record", "ending"), path, node_id, default="dialogue")
    node = {"id": node_id, "type": kind, "text": r.text(item, "text", path, node_id)}
    if kind == "dialogue":
        node["speaker"] = r.choice_of(item, "speaker", SPEAKERS, path, node_id, default="citizen")
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
    elif kind == "record":
        node["next"] = r.ident(item, "next", path, node_id)
        node["feedback"] = r.text(item, "feedback", path, node_id, required=False)
        node["record"] = _read_record(r, r.mapping(item.get("record", {}), f"{path}.record", node_id),
                                      f"{path}.record", node_id)
    else:
        node["title"] = r.text(item, "title", path, node_id)
        node["quality"] = r.choice_of(item, "quality", QUALITIES, path, node_id, default="fair")
    return node


def _read_choice(r, item, path, node_id, refs):  # noqa: PLR0912  (lane A is rewriting this module: split it there)
    choice = {
        "id": r.ident(item, "id", path, node_id),
        "text": r.text(item, "text", path, node_id),
        "target": r.ident(item, "target", path, node_id),
        "feedback": r.text(item, "feedback", path, node_id, required=False),
        "model": bool(item.get("model", False)),
    }
    for key, kind in (("scores", "competencies"), ("effects", "variables")):
        amounts = {}
        for name, amount in r.mapping(item.get(key) or {}, f"{path}.{key}", node_id).items():
            if name not in refs[kind]:
                r.add("unknown_reference", N_("'{name}' is not a declared {kind} entry"),
                      f"{path}.{key}.{name}", node_id, name=str(name), kind=kind)
            elif isinstance(amount, bool) or not isinstance(amount, int):
                r.add("not_integer", N_("'{key}' must be a whole number"), f"{path}.{key}.{name}",
                      node_id, key=name)
            elif abs(amount) > MAX_POINTS:
                r.add("out_of_range", N_("'{key}' must be between {low} and {high}"), f"{path}.{key}.{name}",
                      node_id, key=name, low=-MAX_POINTS, high=MAX_POINTS)
            else:
                amounts[name] = amount
        choice[key] = amounts
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
    canon["deadline_days"] = {
        "expected": r.integer(spec, "expected", f"{path}.deadline_days", node_id, low=0, high=365),
        "tolerance": r.integer(spec, "tolerance", f"{path}.deadline_days", node_id, default=0, low=0, high=365),
    }
    spec = r.mapping(record.get("summary", {}), f"{path}.summary", node_id)
    groups = []
    for k, group in enumerate(r.sequence(spec.get("keywords"), f"{path}.summary.keywords", node_id)):
        words = group if isinstance(group, list) else [group]
        words = [str(w).strip().lower() for w in words if str(w).strip()]
        if not words:
            r.add("empty_keywords", N_("a keyword group is empty"), f"{path}.summary.keywords[{k}]", node_id)
        groups.append(words)
    canon["summary"] = {
        "min_words": r.integer(spec, "min_words", f"{path}.summary", node_id, default=5, low=0, high=500),
        "keywords": groups,
    }
    return canon


# --- Graph rules --------------------------------------------------------------------------

def _graph_problems(canon):  # noqa: PLR0912  (lane A is rewriting this module: split it there)
    problems = []

    def add(code, template, path, at=None, **params):
        problems.append(Problem(code, template, path, at, tuple(sorted(params.items()))))

    index = {n["id"]: i for i, n in enumerate(canon["nodes"]) if n["id"]}
    by_id = {n["id"]: n for n in canon["nodes"] if n["id"]}
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
        elif node["type"] == "record" and node.get("next"):
            if node["next"] not in by_id:
                add("missing_target", N_("target '{target}' is not a node"), f"{path}.next", node["id"],
                    target=node["next"])
            else:
                targets.append(node["next"])
        if node["type"] != "ending" and not targets:
            add("dead_end", N_("node '{node}' is not an ending but has no way out"), path, node["id"],
                node=node["id"])
        edges[node["id"]] = targets

    start = canon["start"]
    if start and start not in by_id:
        add("missing_start", N_("start node '{node}' does not exist"), "scenario.start", node=start)
        return problems
    if not start:
        return problems

    reachable = _reach(start, edges)
    for node_id in by_id:
        if node_id not in reachable:
            add("unreachable", N_("node '{node}' cannot be reached from the start"),
                f"nodes[{index[node_id]}]", node_id, node=node_id)
    endings = {n for n in reachable if by_id[n]["type"] == "ending"}
    if not endings:
        add("no_ending", N_("no ending can be reached from the start"), "scenario.start", start)
        return problems
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

    variables = {v["id"]: v for v in canon["variables"]}
    for node in canon["nodes"]:
        if node["type"] == "dialogue" and node["choices"] and node["id"]:
            if _can_hide_all(node["choices"], variables):
                add("all_hidden", N_("for some values of the variables every choice of node '{node}' is hidden"),
                    f"nodes[{index[node['id']]}].choices", node["id"], node=node["id"])
    return problems


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

def _build(canon, digest):
    nodes = {}
    for item in canon["nodes"]:
        choices = tuple(
            Choice(id=c["id"], text=c["text"], target=c["target"], feedback=c["feedback"],
                   scores=dict(c["scores"]), effects=dict(c["effects"]), fulfils=tuple(c["fulfils"]),
                   breaches=tuple(c["breaches"]), condition=_parse_condition(c["condition"]) if
                   c.get("condition") else (), condition_text=c.get("condition", ""), model=c["model"])
            for c in item.get("choices", ())
        )
        nodes[item["id"]] = Node(
            id=item["id"], type=item["type"], text=item["text"], speaker=item.get("speaker", "narrator"),
            choices=choices, next=item.get("next"), record=item.get("record", {}),
            feedback=item.get("feedback", ""), title=item.get("title", ""), quality=item.get("quality", ""))
    return Scenario(
        id=canon["id"], title=canon["title"], situation=canon["situation"], start=canon["start"],
        max_steps=canon["max_steps"], feedback_mode=canon["feedback"], persona=dict(canon["persona"]),
        mood_variable=canon["mood_variable"], competencies=tuple(canon["competencies"]),
        variables=tuple(canon["variables"]), duties=tuple(canon["duties"]), nodes=nodes, data=canon,
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
        if node.type == "record":
            route.append((node.id, None))
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
    return canon, replace(scenario, model_route=route), []


def validate_scenario(data):
    """Every problem in a scenario's data, each with its location; empty when it is valid."""
    return _check(data)[2]


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
    scenario = _build(canon, digest)
    route, _ends = trace_model_route(scenario)
    return replace(scenario, model_route=route)
