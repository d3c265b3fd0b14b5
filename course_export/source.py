"""Reading and validating the course sources into a plain model.

Every problem is collected with its file and line before anything is built: the schema of
``course.yaml``, each page, scenario, reflection and quiz file, references between them,
ids (which become OLX url_names), and the grading policy. Scenarios and rubrics are checked
by the validators the blocks themselves use.
"""
import datetime
import math
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .errors import CourseBuildError, Problem
from .located import LoadProblem, load_yaml
from .pages import render_markdown, split_title

COURSE_FILE = "course.yaml"
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
RUN_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
ORG_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
COMPONENT_KINDS = ("page", "roleplay", "reflection", "quiz")
RELEASE_MODES = ("immediate", "staff")
TEXT = (str,)
INT = (int,)
NUMBER = (int, float)
BOOL = (bool,)
LIST = (list,)
MAP = (dict,)
DATE = (datetime.date, str)
BLOCK_RULES = (object, bool)  # any value: the block's own rules check it (and say what it must be)
# A role-play's course.yaml keys that are settings of the block, checked by its editor's rules.
ROLEPLAY_SETTINGS = ("weight", "max_attempts", "grading_policy")
# The block's field defaults for them (the block module needs Django, the CLI does not load it;
# tests/course_export/test_course_errors.py holds these equal to ComplaintSimBlock's fields).
ROLEPLAY_DEFAULTS = {"weight": 1.0, "max_attempts": 3, "grading_policy": "best"}


# ---------------------------------------------------------------------------------------------
# The model


@dataclass(frozen=True)
class AssignmentType:
    """One GRADER entry: an assignment type and its share of the course grade."""

    type: str
    short_label: str
    min_count: int
    drop_count: int
    weight: float


@dataclass
class Page:
    """An HTML component rendered from a Markdown page."""

    id: str
    title: str
    html: str
    source: str
    kind: str = "page"


@dataclass
class RolePlay:
    """A ``complaint_sim`` block: canonical scenario data and its settings."""

    id: str
    title: str
    scenario: dict
    settings: dict
    source: str
    kind: str = "roleplay"


@dataclass
class Reflection:
    """A ``rubric_reflection`` block: prompt HTML, rubric and settings."""

    id: str
    title: str
    prompt: str
    rubric: dict
    settings: dict
    linked_roleplay: str | None
    source: str
    kind: str = "reflection"


@dataclass
class Choice:
    """One answer of a multiple-choice question."""

    text: str
    correct: bool
    hint: str = ""


@dataclass
class Question:
    """A multiple-choice question, built as a standard Open edX ``<problem>``."""

    id: str
    title: str
    text: str
    choices: list
    explanation: str
    source: str
    kind: str = "question"


@dataclass
class Unit:
    """A vertical: a page of components."""

    id: str
    title: str
    components: list = field(default_factory=list)


@dataclass
class Subsection:
    """A sequential; ``graded_as`` names its assignment type when it counts for the grade."""

    id: str
    title: str
    graded_as: str | None
    units: list = field(default_factory=list)


@dataclass
class Section:
    """A chapter of the course."""

    id: str
    title: str
    subsections: list = field(default_factory=list)


@dataclass
class Course:
    """Everything the OLX is built from, already validated."""

    org: str
    number: str
    run: str
    title: str
    language: str
    start: str
    end: str | None
    self_paced: bool
    short_description: str
    overview_html: str
    handouts_html: str | None
    effort: str | None
    course_image: str | None
    grading: list
    pass_mark: float
    sections: list
    static_files: dict

    @property
    def course_key(self):
        """The course key Open edX will give the imported course."""
        return f"course-v1:{self.org}+{self.number}+{self.run}"

    def usage_key(self, block_type, url_name):
        """The usage key of a block of this course after import."""
        return f"block-v1:{self.org}+{self.number}+{self.run}+type@{block_type}+block@{url_name}"

    def units(self):
        """Every ``(section, subsection, unit)`` in course order."""
        for section in self.sections:
            for subsection in section.subsections:
                for unit in subsection.units:
                    yield section, subsection, unit


# ---------------------------------------------------------------------------------------------
# Schema helpers


def _describe(types):
    names = {str: "text", int: "a whole number", float: "a number", bool: "true or false",
             list: "a list", dict: "a mapping", datetime.date: "a date"}
    return " or ".join(dict.fromkeys(names[t] for t in types))


def _is(value, types):
    if isinstance(value, bool) and bool not in types:
        return False
    return isinstance(value, types)


class _Reader:
    """Collects problems while reading every source file."""

    def __init__(self, root):
        self.root = root
        self.problems = []
        self.ids = {}  # id -> (file, line) of its first use
        self.course_laws = []  # law-register.yaml of the course: entries added to the package register
        self.cited = []  # register ids the course's role-plays cite, in order of first citation

    def rel(self, path):
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def add(self, doc, message, *path):
        self.problems.append(doc.problem(message, *path))

    def load(self, path):
        try:
            return load_yaml(path, self.rel(path))
        except LoadProblem as err:
            self.problems.append(err.problem)
            return None

    def mapping(self, doc, value, path, spec):
        """The keys of ``value`` declared in ``spec`` ({key: (types, required)}), type-checked."""
        if not isinstance(value, dict):
            self.add(doc, "must be a mapping (key: value)", *path)
            return None
        result = {}
        for key in value:
            if key not in spec:
                self.add(doc, f"unknown key '{key}' (allowed: {', '.join(spec)})", *path, key)
        for key, (types, required) in spec.items():
            item = value.get(key)
            if item is None:
                if required:
                    self.add(doc, f"missing required key '{key}'", *path)
                continue
            if not _is(item, types):
                self.add(doc, f"'{key}' must be {_describe(types)}", *path, key)
                continue
            if isinstance(item, str) and not item.strip() and required:
                self.add(doc, f"'{key}' must not be empty", *path, key)
                continue
            result[key] = item
        return result

    def claim_id(self, doc, ident, *path):
        """Register an id (a future url_name); report a bad or repeated one."""
        if not isinstance(ident, str) or not SLUG.match(ident):
            self.add(doc, f"id '{ident}' must be a slug: lowercase letters, digits, - and _ "
                          "(1-64 characters, starting with a letter or digit)", *path)
            return False
        line = doc.line(*path)
        if ident in self.ids:
            first_file, first_line = self.ids[ident]
            self.add(doc, f"duplicate id '{ident}' (first used at {first_file}:{first_line}); "
                          "ids become url_names and must be unique in the course", *path)
            return False
        self.ids[ident] = (doc.label, line)
        return True

    def source_file(self, doc, name, path, suffixes):
        """The file named by a reference (relative to the sources), or None with a problem."""
        if not isinstance(name, str) or not name.strip():
            self.add(doc, "must name a file", *path)
            return None
        candidate = (self.root / name).resolve()
        if not name.endswith(suffixes):
            self.add(doc, f"'{name}' must end with {' or '.join(suffixes)}", *path)
            return None
        if not candidate.is_file():
            self.add(doc, f"file not found: {name} (paths are relative to {self.root.name}/)", *path)
            return None
        return candidate


def _iso(value):
    """ISO 8601 with Z for a YAML date/datetime or an ISO string; ValueError otherwise."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, datetime.date):
        return f"{value.isoformat()}T00:00:00Z"
    raise ValueError(value)


def packaged_scenario_path(name):
    """A scenario shipped with ``complaint_sim_xblock`` (``scenarios/<name>``)."""
    return Path(str(resources.files("complaint_sim_xblock").joinpath("scenarios", name)))


# ---------------------------------------------------------------------------------------------
# course.yaml


COURSE_SPEC = {
    "org": (TEXT, True), "number": (TEXT, True), "run": (TEXT, True), "title": (TEXT, True),
    "language": (TEXT, True), "start": (DATE, True), "end": (DATE, False),
    "self_paced": (BOOL, False), "short_description": (TEXT, True), "overview": (TEXT, True),
    "handouts": (TEXT, False), "effort": (TEXT, False), "course_image": (TEXT, False),
    "grading": (MAP, True), "sections": (LIST, True),
}
GRADING_SPEC = {"pass_mark": (NUMBER, True), "types": (LIST, True)}
TYPE_SPEC = {"type": (TEXT, True), "short_label": (TEXT, True), "min_count": (INT, True),
             "drop_count": (INT, False), "weight": (NUMBER, True)}
SECTION_SPEC = {"id": (TEXT, True), "title": (TEXT, True), "subsections": (LIST, True)}
SUBSECTION_SPEC = {"id": (TEXT, True), "title": (TEXT, True), "graded_as": (TEXT, False),
                   "units": (LIST, True)}
UNIT_SPEC = {"id": (TEXT, True), "title": (TEXT, True), "components": (LIST, True)}
COMPONENT_SPEC = {
    "page": {"page": (TEXT, True), "id": (TEXT, False), "title": (TEXT, False)},
    "roleplay": {"roleplay": (TEXT, True), "id": (TEXT, False), "title": (TEXT, False),
                 **{key: (BLOCK_RULES, False) for key in ROLEPLAY_SETTINGS}},
    "reflection": {"reflection": (TEXT, True), "id": (TEXT, False)},
    "quiz": {"quiz": (TEXT, True), "id": (TEXT, False)},
}
REFLECTION_SPEC = {
    "title": (TEXT, True), "prompt": (TEXT, True), "rubric": (MAP, True),
    "min_words": (INT, False), "max_words": (INT, False), "self_assessment": (BOOL, False),
    "staff_assessment": (BOOL, False), "grade_release": (TEXT, False), "weight": (NUMBER, False),
    "linked_roleplay": (TEXT, False),
}
QUIZ_SPEC = {"questions": (LIST, True)}
QUESTION_SPEC = {"id": (TEXT, True), "title": (TEXT, False), "question": (TEXT, True),
                 "choices": (LIST, True), "explanation": (TEXT, False)}
CHOICE_SPEC = {"text": (TEXT, True), "correct": (BOOL, False), "hint": (TEXT, False)}
RUBRIC_SPEC = {"criteria": (LIST, True)}
CRITERION_SPEC = {"id": (TEXT, True), "label": (TEXT, True), "description": (TEXT, False), "levels": (LIST, False)}
LEVEL_SPEC = {"id": (TEXT, True), "label": (TEXT, True), "points": (INT, True), "description": (TEXT, False)}


def load_course(source):
    """Read and validate the sources in folder ``source``; raise CourseBuildError listing all problems."""
    root = Path(source).resolve()
    reader = _Reader(root)
    if not (root / COURSE_FILE).is_file():
        raise CourseBuildError([Problem(str(Path(source) / COURSE_FILE), None,
                                        "file not found: the sources need a course.yaml")])
    doc = reader.load(root / COURSE_FILE)
    if doc is None:
        raise CourseBuildError(reader.problems)
    course = _read_course(reader, doc)
    if reader.problems or course is None:
        raise CourseBuildError(reader.problems)
    return course


def _read_course(reader, doc):
    top = reader.mapping(doc, doc.data, (), COURSE_SPEC)
    if top is None:
        return None
    for key, pattern in (("org", ORG_RE), ("number", ORG_RE), ("run", RUN_RE)):
        if key in top and not pattern.match(top[key]):
            reader.add(doc, f"'{key}' may hold only letters, digits, '.', '_' and '-'", key)
    dates = {}
    for key in ("start", "end"):
        if key in top:
            try:
                dates[key] = _iso(top[key])
            except (ValueError, TypeError):
                reader.add(doc, f"'{key}' must be a date such as 2026-03-02 or 2026-03-02T08:00:00+07:00", key)
    if "start" in dates and "end" in dates and dates["end"] <= dates["start"]:
        reader.add(doc, "'end' must come after 'start'", "end")

    _read_law_register(reader)
    overview = _page_html(reader, doc, top.get("overview"), ("overview",))
    handouts = _page_html(reader, doc, top["handouts"], ("handouts",)) if "handouts" in top else None

    static_dir = reader.root / "static"
    static_files = {}
    if static_dir.is_dir():
        for path in sorted(p for p in static_dir.rglob("*") if p.is_file()):
            static_files[path.relative_to(static_dir).as_posix()] = path
    image = top.get("course_image")
    if image is not None and image not in static_files:
        reader.add(doc, f"course_image '{image}' is not a file in static/", "course_image")

    grading, pass_mark = _read_grading(reader, doc, top.get("grading"))
    sections = _read_outline(reader, doc, top.get("sections", []))
    overview, handouts = _fill_register(reader, overview, handouts, sections)
    _check_grading_use(reader, doc, grading, sections)
    _check_links(reader, sections)
    if reader.problems:
        return None
    return Course(
        org=top["org"], number=top["number"], run=top["run"], title=top["title"].strip(),
        language=top["language"], start=dates["start"], end=dates.get("end"),
        self_paced=top.get("self_paced", True), short_description=top["short_description"].strip(),
        overview_html=overview[1], handouts_html=handouts[1] if handouts else None,
        effort=top.get("effort"), course_image=image, grading=grading, pass_mark=pass_mark,
        sections=sections, static_files=static_files,
    )


# ---------------------------------------------------------------------------------------------
# The law register: the course's own entries, and the register list on a page

LAW_REGISTER_FILE = "law-register.yaml"
REGISTER_LINE = re.compile(r"^\[\[register\]\][ \t]*$", re.MULTILINE)
REGISTER_MARK = '<div class="law-register"></div>'


def _read_law_register(reader):
    """The course's ``law-register.yaml`` (same shape as the package register), if it has one."""
    from complaint_sim_xblock.scenario import read_register

    path = reader.root / LAW_REGISTER_FILE
    if not path.is_file():
        return
    doc = reader.load(path)
    if doc is None:
        return
    register, problems = read_register(doc.data)
    for problem in problems:
        reader.problems.append(Problem(doc.label, doc.line_of(problem.path),
                                       f"invalid law register ({problem.code}) at {problem.path}: {problem.message}"))
    if not problems:
        reader.course_laws = register["laws"]


def _with_course_laws(reader, data):
    """Scenario data with the course register's entries it cites added to its ``laws:``, so the
    built scenario is self-contained inside the LMS; the ids it cites are noted for the page."""
    from complaint_sim_xblock import register

    if not isinstance(data, dict) or not isinstance(data.get("duties"), list):
        return data
    cited = register.cited_ids([d for d in data["duties"] if isinstance(d, dict)])
    reader.cited.extend(i for i in cited if i not in reader.cited)
    own = {law.get("id") for law in data.get("laws") or () if isinstance(law, dict)}
    extra = [law for law in reader.course_laws if law["id"] in cited and law["id"] not in own]
    if not extra:
        return data
    return {**data, "laws": [*(data.get("laws") or []), *extra]}


def _fill_register(reader, overview, handouts, sections):
    """Pages with a ``[[register]]`` line get the register entries the course cites (then the
    course register's other entries): title, status, source and date checked."""
    from complaint_sim_xblock import register

    laws = register.laws_by_id(reader.course_laws)
    ids = [*reader.cited, *(law["id"] for law in reader.course_laws if law["id"] not in reader.cited)]
    listing = register.register_html(ids, laws) or "<p>(belum ada peraturan yang dirujuk)</p>"

    def fill(page):
        return None if page is None else (page[0], page[1].replace(REGISTER_MARK, listing))

    for section in sections:
        for subsection in section.subsections:
            for unit in subsection.units:
                for component in unit.components:
                    if isinstance(component, Page):
                        component.html = component.html.replace(REGISTER_MARK, listing)
    return fill(overview), fill(handouts)


def _page_html(reader, doc, name, path):
    """``(title, html)`` of a Markdown file named at ``path`` in ``doc``, or None."""
    file = reader.source_file(doc, name, path, (".md",))
    if file is None:
        return None
    label = reader.rel(file)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reader.problems.append(Problem(label, None, f"cannot read the page: {err}"))
        return None
    title, body = split_title(text)
    if not body.strip():
        reader.problems.append(Problem(label, 1, "the page is empty"))
        return None
    try:
        parts = REGISTER_LINE.split(body)  # a [[register]] line: the register list goes there
        return title, REGISTER_MARK.join(render_markdown(part) if part.strip() else "" for part in parts)
    except ValueError as err:
        reader.problems.append(Problem(label, None, f"the page does not render to valid HTML: {err}"))
        return None


# ---------------------------------------------------------------------------------------------
# Grading


def _read_grading(reader, doc, raw):
    if raw is None:
        return [], 0.0
    grading = reader.mapping(doc, raw, ("grading",), GRADING_SPEC)
    if grading is None:
        return [], 0.0
    pass_mark = grading.get("pass_mark", 0.0)
    if "pass_mark" in grading and not 0 < pass_mark <= 1:
        reader.add(doc, "pass_mark must be above 0 and at most 1 (a share of the grade, e.g. 0.7)",
                   "grading", "pass_mark")
    types, names, labels = [], set(), set()
    for index, item in enumerate(grading.get("types", [])):
        path = ("grading", "types", index)
        entry = reader.mapping(doc, item, path, TYPE_SPEC)
        if not entry or len(entry) < 4:
            continue
        if entry["type"] in names:
            reader.add(doc, f"assignment type '{entry['type']}' is declared twice", *path, "type")
        if entry["short_label"] in labels:
            reader.add(doc, f"short_label '{entry['short_label']}' is used twice", *path, "short_label")
        names.add(entry["type"])
        labels.add(entry["short_label"])
        drop = entry.get("drop_count", 0)
        if entry["min_count"] < 1:
            reader.add(doc, "min_count must be at least 1", *path, "min_count")
        if not 0 <= drop < max(entry["min_count"], 1):
            reader.add(doc, "drop_count must be 0 or more and less than min_count", *path, "drop_count")
        if not 0 < entry["weight"] <= 1:
            reader.add(doc, "weight must be above 0 and at most 1", *path, "weight")
        types.append(AssignmentType(entry["type"], entry["short_label"], entry["min_count"], drop,
                                    float(entry["weight"])))
    if not types and "types" in grading:
        reader.add(doc, "declare at least one assignment type", "grading", "types")
    total = sum(t.weight for t in types)
    if types and not math.isclose(total, 1.0, abs_tol=1e-9):
        shares = " + ".join(f"{t.weight:g}" for t in types)
        reader.add(doc, f"grading weights must sum to 1, they sum to {total:g} ({shares})", "grading", "types")
    return types, float(pass_mark)


def _check_grading_use(reader, doc, grading, sections):
    known = {t.type: t for t in grading}
    counts = dict.fromkeys(known, 0)
    for section in sections:
        for subsection in section.subsections:
            path = ("sections", section.index, "subsections", subsection.index)
            if subsection.graded_as is None:
                continue
            if subsection.graded_as not in known:
                reader.add(doc, f"graded_as '{subsection.graded_as}' has no grader: declare it under "
                                f"grading.types (known: {', '.join(known) or 'none'})", *path, "graded_as")
                continue
            counts[subsection.graded_as] += 1
            scored = [c for unit in subsection.units for c in unit.components if c.kind != "page"]
            if not scored:
                reader.add(doc, f"subsection '{subsection.id}' is graded but has no scored component "
                                "(role-play, reflection or quiz)", *path)
    for index, kind in enumerate(grading):
        if counts.get(kind.type, 0) == 0:
            reader.add(doc, f"assignment type '{kind.type}' is declared but no subsection is graded as it",
                       "grading", "types", index)
        elif kind.min_count > counts[kind.type]:
            reader.add(doc, f"assignment type '{kind.type}' expects min_count {kind.min_count} but only "
                            f"{counts[kind.type]} subsection(s) are graded as it", "grading", "types", index,
                       "min_count")


# ---------------------------------------------------------------------------------------------
# Outline


def _read_outline(reader, doc, raw_sections):
    sections = []
    if not isinstance(raw_sections, list) or not raw_sections:
        if isinstance(raw_sections, list):
            reader.add(doc, "the course needs at least one section", "sections")
        return sections
    for s_index, raw in enumerate(raw_sections):
        path = ("sections", s_index)
        entry = reader.mapping(doc, raw, path, SECTION_SPEC)
        if entry is None or "id" not in entry:
            continue
        reader.claim_id(doc, entry["id"], *path, "id")
        section = Section(entry["id"], entry.get("title", ""))
        section.index = s_index
        for ss_index, raw_sub in enumerate(entry.get("subsections", [])):
            sub_path = (*path, "subsections", ss_index)
            sub = reader.mapping(doc, raw_sub, sub_path, SUBSECTION_SPEC)
            if sub is None or "id" not in sub:
                continue
            reader.claim_id(doc, sub["id"], *sub_path, "id")
            subsection = Subsection(sub["id"], sub.get("title", ""), sub.get("graded_as"))
            subsection.index = ss_index
            for u_index, raw_unit in enumerate(sub.get("units", [])):
                unit_path = (*sub_path, "units", u_index)
                unit_entry = reader.mapping(doc, raw_unit, unit_path, UNIT_SPEC)
                if unit_entry is None or "id" not in unit_entry:
                    continue
                reader.claim_id(doc, unit_entry["id"], *unit_path, "id")
                unit = Unit(unit_entry["id"], unit_entry.get("title", ""))
                for c_index, raw_component in enumerate(unit_entry.get("components", [])):
                    unit.components.extend(
                        _read_component(reader, doc, unit, raw_component, (*unit_path, "components", c_index)))
                if not unit.components and "components" in unit_entry:
                    reader.add(doc, f"unit '{unit.id}' has no components", *unit_path)
                subsection.units.append(unit)
            if not subsection.units and "units" in sub:
                reader.add(doc, f"subsection '{subsection.id}' has no units", *sub_path)
            section.subsections.append(subsection)
        if not section.subsections and "subsections" in entry:
            reader.add(doc, f"section '{section.id}' has no subsections", *path)
        sections.append(section)
    return sections


def _read_component(reader, doc, unit, raw, path):
    kinds = [kind for kind in COMPONENT_KINDS if isinstance(raw, dict) and kind in raw]
    if len(kinds) != 1:
        reader.add(doc, f"a component names exactly one of: {', '.join(COMPONENT_KINDS)}", *path)
        return []
    kind = kinds[0]
    entry = reader.mapping(doc, raw, path, COMPONENT_SPEC[kind])
    if entry is None or kind not in entry:
        return []
    stem = Path(entry[kind]).stem.replace("_", "-").lower()
    if kind == "quiz":  # each question is a problem; its url_name is <prefix>-<question id>
        prefix = entry.get("id") or unit.id
        if "id" in entry and not SLUG.match(prefix):
            reader.add(doc, f"id '{prefix}' must be a slug (lowercase letters, digits, - and _)", *path, "id")
            return []
        return _read_quiz(reader, doc, prefix, entry, path)
    ident = entry.get("id") or f"{unit.id}-{stem}"
    if not reader.claim_id(doc, ident, *path, "id" if "id" in entry else kind):
        return []
    if kind == "page":
        page = _page_html(reader, doc, entry["page"], (*path, "page"))
        if page is None:
            return []
        title = entry.get("title") or page[0]
        if not title:
            reader.add(doc, "the page has no '# title' line: give it one or set 'title'", *path, "page")
            return []
        return [Page(ident, title, page[1], entry["page"])]
    if kind == "roleplay":
        return _read_roleplay(reader, doc, ident, entry, path)
    return _read_reflection(reader, doc, ident, entry, path)


def _read_roleplay(reader, doc, ident, entry, path):
    from complaint_sim_xblock.scenario import compile_scenario, validate_scenario

    name = entry["roleplay"]
    if "/" in name:
        file = reader.source_file(doc, name, (*path, "roleplay"), (".yaml", ".yml"))
    else:
        file = packaged_scenario_path(name)
        if not name.endswith((".yaml", ".yml")) or not file.is_file():
            reader.add(doc, f"scenario not found: {name} (a bare name is looked up in "
                            "complaint_sim_xblock/scenarios/; use a path with '/' for a file in the sources)",
                       *path, "roleplay")
            file = None
    if file is None:
        return []
    scenario_doc = reader.load(file)
    if scenario_doc is None:
        return []
    scenario_data = _with_course_laws(reader, scenario_doc.data)
    problems = validate_scenario(scenario_data)
    for problem in problems:
        location = problem.path[len("scenario."):] if problem.path.startswith("scenario.") else problem.path
        reader.problems.append(Problem(scenario_doc.label, scenario_doc.line_of(location),
                                       f"invalid scenario ({problem.code}) at {problem.path}: {problem.message}"))
    if problems:
        return []
    data = compile_scenario(scenario_data).data
    title = entry.get("title") or data["title"]
    settings = _roleplay_settings(reader, doc, entry, path, title)
    if settings is None:
        return []
    return [RolePlay(ident, title, data, settings, scenario_doc.label)]


def _roleplay_settings(reader, doc, entry, path, title):
    """The block's settings of a role-play entry, checked by the block's own rules (those its
    editor and its OLX import apply), each problem at its course.yaml line; None if any. Keys
    left out get the block's field defaults."""
    from complaint_sim_xblock.editor import validate_settings

    given = {key: entry[key] for key in ROLEPLAY_SETTINGS if key in entry}
    clean, problems = validate_settings({"display_name": title, **given})
    for problem in problems:
        key = problem.path.removeprefix("settings.")
        where = (*path, key if key in entry else "title" if "title" in entry else "roleplay")
        reader.add(doc, f"invalid role-play setting: {problem.message}", *where)
    if problems:
        return None
    return {key: clean.get(key, ROLEPLAY_DEFAULTS[key]) for key in ROLEPLAY_SETTINGS}


def _read_reflection(reader, doc, ident, entry, path):
    from rubric_xblock.rubric import RubricError, parse_rubric, validate_settings
    from rubric_xblock.sanitize import sanitize_prompt

    file = reader.source_file(doc, entry["reflection"], (*path, "reflection"), (".yaml", ".yml"))
    if file is None:
        return []
    rdoc = reader.load(file)
    if rdoc is None:
        return []
    spec = reader.mapping(rdoc, rdoc.data, (), REFLECTION_SPEC)
    if spec is None or not {"title", "prompt", "rubric"} <= set(spec):
        return []
    found = len(reader.problems)
    _check_rubric_keys(reader, rdoc, spec["rubric"])
    try:
        rubric = parse_rubric(spec["rubric"]).to_dict()
    except RubricError as err:
        where = err.params.get("where", "")
        reader.problems.append(Problem(rdoc.label, rdoc.line_of(where, prefix=("rubric",)),
                                       f"invalid rubric: {err}"))
        rubric = None
    settings = {key: spec[key] for key in ("min_words", "max_words", "self_assessment", "staff_assessment",
                                           "grade_release", "weight") if key in spec}
    merged = {"min_words": 0, "max_words": 1000, "self_assessment": True, "staff_assessment": True,
              "grade_release": "immediate", "weight": None, **settings}
    try:
        validate_settings(**merged)
    except RubricError as err:
        where = err.params.get("where") or next(iter(settings), "")
        reader.problems.append(Problem(rdoc.label, rdoc.line(where) if where else 1,
                                       f"invalid reflection settings: {err}"))
    if "weight" in settings:
        settings["weight"] = float(settings["weight"])
    try:
        prompt = sanitize_prompt(render_markdown(spec["prompt"]))
    except ValueError as err:
        reader.problems.append(Problem(rdoc.label, rdoc.line("prompt"), f"the prompt is not valid: {err}"))
        prompt = ""
    if len(reader.problems) > found or rubric is None:
        return []
    reflection = Reflection(ident, spec["title"].strip(), prompt, rubric, settings, spec.get("linked_roleplay"),
                            rdoc.label)
    reflection.link_at = (rdoc, ("linked_roleplay",))
    return [reflection]


def _check_rubric_keys(reader, rdoc, rubric):
    """Unknown or mistyped keys in the rubric (the block's parser ignores extra keys)."""
    top = reader.mapping(rdoc, rubric, ("rubric",), RUBRIC_SPEC)
    for c_index, criterion in enumerate((top or {}).get("criteria", [])):
        c_path = ("rubric", "criteria", c_index)
        entry = reader.mapping(rdoc, criterion, c_path, CRITERION_SPEC)
        for l_index, level in enumerate((entry or {}).get("levels", [])):
            reader.mapping(rdoc, level, (*c_path, "levels", l_index), LEVEL_SPEC)


def _read_quiz(reader, doc, ident, entry, path):
    file = reader.source_file(doc, entry["quiz"], (*path, "quiz"), (".yaml", ".yml"))
    if file is None:
        return []
    qdoc = reader.load(file)
    if qdoc is None:
        return []
    quiz = reader.mapping(qdoc, qdoc.data, (), QUIZ_SPEC)
    if not quiz or "questions" not in quiz:
        return []
    if not quiz["questions"]:
        reader.add(qdoc, "a quiz needs at least one question", "questions")
    questions = [_read_question(reader, qdoc, ident, raw, index) for index, raw in enumerate(quiz["questions"])]
    return [question for question in questions if question is not None]


def _read_question(reader, qdoc, ident, raw, index):
    """One quiz question (None, with the problems added, when it cannot be used)."""
    q_path = ("questions", index)
    item = reader.mapping(qdoc, raw, q_path, QUESTION_SPEC)
    if item is None or not {"id", "question", "choices"} <= set(item):
        return None
    if not SLUG.match(item["id"]):
        reader.add(qdoc, f"id '{item['id']}' must be a slug (lowercase letters, digits, - and _)", *q_path, "id")
        return None
    if not reader.claim_id(qdoc, f"{ident}-{item['id']}", *q_path, "id"):
        return None
    choices = []
    for c_index, raw_choice in enumerate(item["choices"]):
        choice = reader.mapping(qdoc, raw_choice, (*q_path, "choices", c_index), CHOICE_SPEC)
        if choice and "text" in choice:
            choices.append(Choice(choice["text"].strip(), choice.get("correct", False),
                                  choice.get("hint", "").strip()))
    if not 2 <= len(item["choices"]) <= 6:
        reader.add(qdoc, "a question needs 2 to 6 choices", *q_path, "choices")
    elif len(choices) == len(item["choices"]) and sum(c.correct for c in choices) != 1:
        reader.add(qdoc, "exactly one choice must be marked 'correct: true'", *q_path, "choices")
    try:
        text = render_markdown(item["question"])
        explanation = render_markdown(item.get("explanation", "")) if item.get("explanation") else ""
    except ValueError as err:
        reader.add(qdoc, f"the question does not render to valid HTML: {err}", *q_path)
        return None
    title = item.get("title") or f"Soal {index + 1}"
    return Question(f"{ident}-{item['id']}", title, text, choices, explanation, qdoc.label)


def _check_links(reader, sections):
    roleplays = {c.id for s in sections for ss in s.subsections for u in ss.units for c in u.components
                 if c.kind == "roleplay"}
    for section in sections:
        for subsection in section.subsections:
            for unit in subsection.units:
                for component in unit.components:
                    if component.kind == "reflection" and component.linked_roleplay:
                        if component.linked_roleplay not in roleplays:
                            rdoc, path = component.link_at
                            reader.add(rdoc, f"linked_roleplay '{component.linked_roleplay}' names no role-play "
                                             f"component of the course (known: {', '.join(sorted(roleplays))})",
                                       *path)
