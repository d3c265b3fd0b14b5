"""The scenario format's fields, each declared once.

Pure Python: imports neither Django nor XBlock. Every scalar field of every part of a
scenario (the scenario itself, persona, competency, variable, duty, law entry, node, choice,
record deadline and summary) is one :class:`Field` here: its kind (which fixes the type and
the validation message), bounds, default, where it lives in OLX (an attribute or a child
element's text), which control the editor shows, and its documentation line. From these
tables follow:

- the validator's reading of each part (:func:`complaint_sim_xblock.scenario._read`);
- the OLX writer and reader (:mod:`complaint_sim_xblock.olx`);
- the editor's controls and bounds (``editor_schema()``, sent to ``studio.js``);
- the field table in ``scenarios/FORMAT.md`` (``python -m complaint_sim_xblock.schema``
  rewrites it; a test checks it is current);
- ``course_export``, which validates and writes scenarios through the two above.

Structure (lists of nodes and choices, score and effect mappings, citations, conditions) is
read by hand in ``scenario.py``; what is a single value is declared here.
"""
import sys
from dataclasses import dataclass
from pathlib import Path

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
MAX_POINTS = 1000
MAX_STEPS_LIMIT = 500

#: The kinds of field and how each reads; ``message`` is the validation message of the kind.
KINDS = {
    "id": "must be an id: lowercase letters, digits, '-' or '_'",
    "text": "text, at most 5000 characters",
    "int": "a whole number between the bounds",
    "number": "a number above 0 and at most the upper bound",
    "fraction": "a number between 0 and 1",
    "choice": "one of the allowed values",
    "bool": "true or false",
    "date": "an ISO date, YYYY-MM-DD",
}


@dataclass(frozen=True)
class Field:
    """One scalar field of the scenario format."""

    name: str
    kind: str  # a key of KINDS
    doc: str  # the documentation line (FORMAT.md, editor help)
    required: bool = False
    default: object = None
    low: object = None
    high: object = None
    allowed: tuple = ()
    olx: str = "attr"  # "attr": an attribute; "child": a child element's text
    editor: str = ""  # the editor's control: input | area | number | select | checkbox | date | node
    omit_default: bool = False  # left out of canonical data when absent (fields added later)
    default_from: str = ""  # the default is the value of this sibling field
    manual: bool = False  # read by hand in scenario.py (a reference checked against other parts)

    def as_json(self):
        """What the editor needs of the field."""
        return {"name": self.name, "kind": self.kind, "required": self.required, "default": self.default,
                "low": self.low, "high": self.high, "allowed": list(self.allowed), "editor": self.editor,
                "doc": self.doc}


SPEAKERS = ("citizen", "narrator")
QUALITIES = ("good", "fair", "poor")
FEEDBACK_MODES = ("immediate", "debrief")
NODE_TYPES = ("dialogue", "narration", "record", "ending")
LAW_KINDS = ("uu", "perppu", "pp", "perpres", "inpres", "permen", "perkpk", "perban", "perda", "perwal",
             "keputusan", "putusan-mk", "surat-edaran", "lainnya")
LAW_STATUSES = ("berlaku", "diubah", "diganti", "dicabut")

SCENARIO = (
    Field("id", "id", "slug, unique in the course", required=True, editor="input"),
    Field("title", "text", "the title learners see", required=True, olx="child", editor="input"),
    Field("situation", "text", "what the learner is told before the first node", required=True, olx="child",
          editor="area"),
    Field("start", "id", "id of the first node", required=True, editor="node"),
    Field("max_steps", "int", "step bound: an attempt ends after this many actions", default=40, low=1,
          high=MAX_STEPS_LIMIT, editor="number"),
    Field("feedback", "choice", "when per-choice feedback is shown", default="immediate",
          allowed=FEEDBACK_MODES, editor="select"),
    Field("mood_variable", "id", "the variable shown to the learner as the citizen's mood", editor="select",
          omit_default=True, manual=True),
    Field("story_date", "date", "the day the story happens; record deadlines are dates counted in working "
          "days from it (absent: the learner types a number of days)", editor="date", omit_default=True),
    Field("critical_cap", "fraction", "the share of the maximum an attempt that breaches a critical duty "
          "can score at most", default=0, low=0, high=1, editor="number", omit_default=True),
)
PERSONA = (
    Field("name", "text", "the citizen's name", required=True, editor="input"),
    Field("role", "text", "who the citizen is", default="", editor="input"),
    Field("wants", "text", "what the citizen wants", default="", olx="child", editor="input"),
)
COMPETENCY = (
    Field("id", "id", "competency id", required=True, editor="input"),
    Field("label", "text", "name shown in the debrief", required=True, editor="input"),
    Field("weight", "number", "multiplies this competency's points in the total", default=1, high=MAX_POINTS,
          editor="number"),
)
VARIABLE = (
    Field("id", "id", "variable id", required=True, editor="input"),
    Field("label", "text", "name shown to authors (and as the mood label)", required=True, editor="input"),
    Field("min", "int", "lowest value; effects are clamped to it", default=0, low=-MAX_POINTS, high=MAX_POINTS,
          editor="number"),
    Field("max", "int", "highest value; effects are clamped to it", default=10, low=-MAX_POINTS,
          high=MAX_POINTS, editor="number"),
    Field("initial", "int", "value at the start of an attempt (default: min)", low=-MAX_POINTS,
          high=MAX_POINTS, editor="number", default_from="min"),
)
DUTY = (
    Field("id", "id", "duty id", required=True, editor="input"),
    Field("label", "text", "what the duty asks", required=True, editor="input"),
    Field("points", "int", "added when met, subtracted when breached", default=1, low=0, high=100,
          editor="number"),
    Field("critical", "bool", "an integrity duty: breaching it caps the attempt and leads the debrief",
          default=False, editor="checkbox", omit_default=True),
    Field("maladministration", "id", "Ombudsman maladministration category (an id from the register)",
          editor="select", omit_default=True),
)
LAW = (
    Field("id", "id", "register id, kind-number-year (uu-25-2009)", required=True),
    Field("kind", "choice", "kind of regulation", required=True, allowed=LAW_KINDS),
    Field("number", "text", "its number, as text", required=True),
    Field("year", "int", "its year", required=True, low=1945, high=2100),
    Field("title", "text", "its full title", required=True, olx="child"),
    Field("status", "choice", "berlaku, diubah (amended_by), diganti (replaced_by) or dicabut",
          required=True, allowed=LAW_STATUSES),
    Field("replaced_by", "id", "the id that replaces it (status diganti; may be set for dicabut)",
          omit_default=True),
    Field("amended_by", "id", "ids of the regulations that amend it (status diubah; a list)", omit_default=True,
          manual=True),
    Field("url", "text", "a public source", default=""),
    Field("checked", "date", "when the entry was last checked against its source (absent: never)",
          omit_default=True),
    Field("note", "text", "what the check rested on, what is still unverified", default="", olx="child",
          omit_default=True),
)
NODE = (
    Field("id", "id", "node id", required=True, editor="input"),
    Field("type", "choice", "dialogue, narration, record or ending", default="dialogue", allowed=NODE_TYPES,
          editor="select"),
    Field("text", "text", "what is said or happens", required=True, olx="child", editor="area"),
)
DIALOGUE = (
    Field("speaker", "choice", "who speaks", default="citizen", allowed=SPEAKERS, editor="select"),
)
NARRATION = (
    Field("speaker", "choice", "who speaks", default="narrator", allowed=SPEAKERS, editor="select"),
    Field("next", "id", "id of the next node (the learner presses 'Lanjut')", required=True, editor="node"),
)
RECORD = (
    Field("next", "id", "id of the next node", required=True, editor="node"),
    Field("feedback", "text", "the author's comment, shown in the debrief", default="", olx="child",
          editor="area"),
)
ENDING = (
    Field("title", "text", "title of the ending", required=True, editor="input"),
    Field("quality", "choice", "good, fair or poor", default="fair", allowed=QUALITIES, editor="select"),
)
CHOICE = (
    Field("id", "id", "unique within the node", required=True, editor="input"),
    Field("text", "text", "what the learner says or does", required=True, olx="child", editor="area"),
    Field("target", "id", "id of the next node", required=True, editor="node"),
    Field("feedback", "text", "the author's comment on the choice", default="", olx="child", editor="area"),
    Field("model", "bool", "the recommended choice at this node (at most one)", default=False,
          editor="checkbox"),
)
DEADLINE = (
    Field("expected", "int", "follow-up deadline in working days (hari kerja)", required=True, low=0, high=365,
          editor="number"),
    Field("tolerance", "int", "accepted difference, in working days", default=0, low=0, high=365,
          editor="number"),
)
SUMMARY = (
    Field("min_words", "int", "fewest words the summary needs", default=5, low=0, high=500, editor="number"),
)

INTEGER = Field("value", "int", "a whole number (scores, effects)")  # the values of score/effect mappings

PARTS = {
    "scenario": SCENARIO, "persona": PERSONA, "competency": COMPETENCY, "variable": VARIABLE, "duty": DUTY,
    "law": LAW, "node": NODE, "dialogue": DIALOGUE, "narration": NARRATION, "record": RECORD,
    "ending": ENDING, "choice": CHOICE, "deadline": DEADLINE, "summary": SUMMARY,
}
NODE_PARTS = {"dialogue": DIALOGUE, "narration": NARRATION, "record": RECORD, "ending": ENDING}


# --- OLX: text <-> values, following each field's kind ---------------------------------------

def to_olx(field, value):
    """The attribute/element text of ``value``, or None when nothing is written."""
    if value is None or value == "":
        return None
    if field.kind == "bool":
        return "true" if value is True else (None if value is False else str(value))
    return str(value)


def from_olx(field, text):
    """The value of OLX ``text``; text that does not parse is kept, so validation reports it."""
    if text is None:
        return None
    if field.kind == "bool":
        return {"true": True, "false": False}.get(text.strip().lower(), text)
    if field.kind in ("int", "number", "fraction"):
        try:
            value = float(text) if field.kind != "int" else int(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                return text
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value
    if field.kind == "text":
        return text.strip()
    return text


def editor_schema():
    """Every part's fields, as the editor reads them (bounds, defaults, controls, help)."""
    return {part: [f.as_json() for f in fields] for part, fields in PARTS.items()}


# --- FORMAT.md ----------------------------------------------------------------------------

BEGIN, END = "<!-- schema:begin (generated by python -m complaint_sim_xblock.schema) -->", "<!-- schema:end -->"


def _bounds(field):
    if field.allowed:
        return " \\| ".join(field.allowed)
    if field.low is not None or field.high is not None:
        low = "" if field.low is None else field.low
        return f"{low}..{field.high}" if field.kind != "number" else f"> 0, ≤ {field.high}"
    return ""


def format_table():
    """The Markdown field table of FORMAT.md."""
    lines = [BEGIN, "", "| part | field | kind | required / default | values | OLX | meaning |",
             "|---|---|---|---|---|---|---|"]
    for part, fields in PARTS.items():
        for f in fields:
            if f.required:
                need = "required"
            elif f.default_from:
                need = f"default: `{f.default_from}`"
            elif f.default is None:
                need = "optional"
            else:
                need = f"default `{str(f.default).lower() if f.kind == 'bool' else f.default}`"
            olx = "attribute" if f.olx == "attr" else "child element"
            lines.append(f"| {part} | `{f.name}` | {f.kind} | {need} | {_bounds(f)} | {olx} | {f.doc} |")
    lines += ["", END]
    return "\n".join(lines)


FORMAT_MD = Path(__file__).parent / "scenarios" / "FORMAT.md"


def updated_format_md(text):
    """``text`` (FORMAT.md) with its generated table replaced by the current one."""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        return head + format_table() + tail
    return text.rstrip("\n") + "\n\n## Every field\n\n" + format_table() + "\n"


if __name__ == "__main__":  # rewrite the table in FORMAT.md
    FORMAT_MD.write_text(updated_format_md(FORMAT_MD.read_text(encoding="utf-8")), encoding="utf-8")
    sys.stdout.write(f"updated {FORMAT_MD}\n")
