"""Twee 3 (Twine) import: a story's passages become scenario nodes, its links become choices.

Pure Python: imports neither Django nor XBlock. :func:`import_twee` parses Twee 3 source
(twine-specs v3.0.1, link syntax as Twine's ``parse-links``) and returns scenario data in
our format (``scenarios/FORMAT.md``) plus a report per passage of everything that has no
equivalent in a role-play: story-format macros, variables, HTML, external links, link
setters, wrong link counts. Nothing is dropped without a report line. The data is *not*
expected to be valid: the caller runs :func:`~complaint_sim_xblock.scenario.validate_scenario`
and the author completes it (persona, competencies, scores) in the editor.

Mapping:

- ``StoryTitle`` → ``title`` (and the slug ``id``); ``StoryData`` → ``start`` (its ``start``
  passage, else the passage named ``Start``, else the first story passage);
- passages tagged ``script`` or ``stylesheet`` are skipped (reported);
- every other passage → a node whose id is the slug of its name; no outgoing story link →
  an ``ending`` (title = passage name; a tag ``good``, ``fair`` or ``poor`` sets its quality);
  one link → a ``narration`` node (``next`` = the linked passage; the learner presses "Lanjut";
  tag ``citizen`` sets the speaker, else ``narrator``); more links → a ``dialogue`` node (tag
  ``narrator`` sets the speaker, else ``citizen``);
- each link → a choice: text = link text, target = the linked passage's node id.
"""
import json
import re
import unicodedata

from .scenario import MAX_CHOICES, N_

MAX_ID_LEN = 64
SPECIAL_PASSAGES = ("StoryTitle", "StoryData")
SKIPPED_TAGS = ("script", "stylesheet")
QUALITY_TAGS = ("good", "fair", "poor")
SPEAKER_TAGS = ("narrator", "citizen")
MAX_SNIPPETS = 5

LINK_RE = re.compile(r"\[\[(.*?)\]\]")
EXTERNAL_RE = re.compile(r"^\w+://")
SUGARCUBE_MACRO_RE = re.compile(r"<<[\s\S]*?>>")
HARLOWE_MACRO_RE = re.compile(r"\(([A-Za-z][\w-]*):")
VARIABLE_RE = re.compile(r"(?<![\w$])[$_][A-Za-z]\w*")
HTML_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>")
CHAPBOOK_INSERT_RE = re.compile(r"\{[a-z][^{}]*\}")
CHAPBOOK_VARS_RE = re.compile(r"^(?:[A-Za-z_][\w.]*\s*(?:\([^)]*\))?\s*:\s*.+\n)+--\s*\n", re.M)


class TweeError(ValueError):
    """The text is not Twee at all (no passage header)."""


def _unescape(text):
    """Decode Twee's ``\\x`` → ``x``."""
    return re.sub(r"\\(.)", r"\1", text)


def slugify(name, taken=(), fallback="node"):
    """An id (``^[a-z0-9][a-z0-9_-]{0,63}$``) from ``name``, unique among ``taken``."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9_-]+", "-", text).strip("-_")
    text = re.sub(r"-{2,}", "-", text) or fallback
    text = text[:MAX_ID_LEN].strip("-_") or fallback
    candidate, n = text, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate = text[:MAX_ID_LEN - len(suffix)] + suffix
        n += 1
    return candidate


# --- Passages ------------------------------------------------------------------------------

def _split_header(line):
    """``(name, tags, metadata_text)`` of a header line without its leading ``::``."""
    name, tags, meta, i = [], None, None, 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            name.append(line[i:i + 2])
            i += 2
            continue
        if ch == "[":
            end = _unescaped_index(line, "]", i + 1)
            if end == -1:
                name.append(line[i:])
                break
            tags = line[i + 1:end]
            rest = line[end + 1:].strip()
            meta = rest or None
            break
        if ch == "{":
            meta = line[i:].strip()
            break
        name.append(ch)
        i += 1
    tag_list = [_unescape(t) for t in tags.split()] if tags else []
    return _unescape("".join(name).strip()), tag_list, meta


def _unescaped_index(text, char, start):
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == char:
            return i
        i += 1
    return -1


def parse_passages(source):
    """The passages of Twee 3 ``source``: dicts ``{name, tags, metadata, text, line, warnings}``."""
    passages = []
    current = None
    for number, line in enumerate(source.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if line.startswith("::"):
            name, tags, meta = _split_header(line[2:])
            current = {"name": name, "tags": tags, "metadata": {}, "lines": [], "line": number, "warnings": []}
            if meta:
                try:
                    value = json.loads(meta)
                    if not isinstance(value, dict):
                        raise ValueError("not an object")
                    current["metadata"] = value
                except (ValueError, RecursionError):
                    current["warnings"].append(("bad_metadata", N_("its metadata is not a JSON object and was "
                                                                 "ignored: {snippet}"), meta[:80]))
            passages.append(current)
        elif current is not None:
            current["lines"].append(line[1:] if line.startswith("\\::") else line)
    if not passages:
        raise TweeError("no passage header ('::') found")
    for passage in passages:
        lines = passage.pop("lines")
        while lines and not lines[-1].strip():
            lines.pop()
        passage["text"] = "\n".join(lines).strip("\n")
    return passages


# --- Links and story-format code ---------------------------------------------------------------

def _split_setter(inner):
    """``(link, setter)`` of ``text|target][$x to 1`` (the setter suffix Twine strips)."""
    if "][" in inner:
        link, setter = inner.split("][", 1)
        return link, setter
    return inner, ""


def parse_link(inner):
    """``(text, target)`` of the inside of ``[[...]]`` as Twine reads it."""
    if "|" in inner:
        text, target = inner.split("|", 1)
    elif "->" in inner:
        pos = inner.rfind("->")
        text, target = inner[:pos], inner[pos + 2:]
    elif "<-" in inner:
        pos = inner.find("<-")
        target, text = inner[:pos], inner[pos + 2:]
    else:
        text = target = inner
    return text.strip(), target.strip()


def _strip_harlowe_macros(text, found):
    """Remove ``(name: ...)`` macros (balanced parentheses); keep the text of their hooks."""
    out, i = [], 0
    while True:
        match = HARLOWE_MACRO_RE.search(text, i)
        if not match:
            out.append(text[i:])
            break
        out.append(text[i:match.start()])
        depth, j = 0, match.start()
        while j < len(text):
            if text[j] == "(":
                depth += 1
            elif text[j] == ")":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        found.append(text[match.start():j + 1])
        i = j + 1
        if i < len(text) and text[i] == "[" and not text.startswith("[[", i):
            end = _matching_bracket(text, i)
            if end != -1:
                out.append(text[i + 1:end])
                i = end + 1
    return "".join(out)


def _matching_bracket(text, start):
    depth = 0
    for j in range(start, len(text)):
        if text.startswith("[[", j) and depth >= 1:
            continue
        if text[j] == "[":
            depth += 1
        elif text[j] == "]":
            depth -= 1
            if depth == 0:
                return j
    return -1


def _clean_text(text, report, story_format=""):
    """Plain text of a passage without story-format code, each removal reported.

    Harlowe's ``(name: ...)`` macros are removed only when the story is Harlowe or names no
    format, so prose such as "(Note: ...)" in other formats stays as written.
    """
    vars_block = CHAPBOOK_VARS_RE.match(text)
    if vars_block:
        report("chapbook_vars", N_("a Chapbook vars section was removed: {snippet}"), vars_block.group(0))
        text = text[vars_block.end():]
    found = SUGARCUBE_MACRO_RE.findall(text)
    if found:
        report("macro", N_("story-format macros have no equivalent and were removed: {snippet}"), found)
        text = SUGARCUBE_MACRO_RE.sub("", text)
    harlowe = []
    if story_format.lower() in ("", "harlowe"):
        text = _strip_harlowe_macros(text, harlowe)
    if harlowe:
        report("macro", N_("story-format macros have no equivalent and were removed "
                           "(the text of their hooks is kept, shown always): {snippet}"), harlowe)
    tags = HTML_TAG_RE.findall(text)
    if tags:
        report("html", N_("HTML is not allowed in scenario text; these tags were removed: {snippet}"), tags)
        text = HTML_TAG_RE.sub("", text)
    inserts = CHAPBOOK_INSERT_RE.findall(text)
    if inserts:
        report("insert", N_("story-format inserts have no equivalent and were left in the text: {snippet}"),
               inserts)
    variables = VARIABLE_RE.findall(LINK_RE.sub("", text))
    if variables:
        report("variable", N_("story variables are printed literally; use the scenario's variables and "
                              "conditions instead: {snippet}"), sorted(set(variables)))
    return text


# --- The import ------------------------------------------------------------------------------

def _report_entry(passage_name, node_id, code, template, snippet):
    if isinstance(snippet, list):
        shown = [s.strip() for s in snippet[:MAX_SNIPPETS]]
        snippet = ", ".join(shown) + (f" (+{len(snippet) - MAX_SNIPPETS})" if len(snippet) > MAX_SNIPPETS else "")
    params = {"snippet": str(snippet).strip()[:200]}
    return {"passage": passage_name, "node": node_id, "code": code, "template": template, "params": params}


def _story_passages(passages, story, add):
    """The passages that become nodes; the special ones (StoryTitle, StoryData, scripts and
    stylesheets) fill ``story`` or are reported as skipped."""
    story_passages = []
    for passage in passages:
        for warning in passage["warnings"]:
            add(passage["name"], None, *warning)
        if passage["name"] == "StoryTitle":
            story["title"] = passage["text"].strip()
        elif passage["name"] == "StoryData":
            try:
                data = json.loads(passage["text"] or "{}")
                if not isinstance(data, dict):
                    raise ValueError("not an object")
            except (ValueError, RecursionError):
                add("StoryData", None, "bad_story_data", N_("StoryData is not a JSON object and was ignored"))
                data = {}
            story.update({"ifid": str(data.get("ifid", "")), "format": str(data.get("format", "")),
                          "format_version": str(data.get("format-version", "")),
                          "start": str(data.get("start", ""))})
        elif set(passage["tags"]) & set(SKIPPED_TAGS):
            kind = "script" if "script" in passage["tags"] else "stylesheet"
            add(passage["name"], None, "skipped_" + kind,
                N_("a {snippet} passage has no equivalent in a role-play and was skipped"), kind)
        else:
            story_passages.append(passage)
    return story_passages


def _node_ids(story_passages, add):
    """``{passage name: node id}``: the slug of each passage's name, unique (set on each passage too)."""
    ids, taken = {}, set()
    for passage in story_passages:
        if passage["name"] in ids:
            add(passage["name"], None, "duplicate_passage",
                N_("another passage has the same name; this one was imported under its own id"))
        node_id = slugify(passage["name"], taken)
        taken.add(node_id)
        passage["id"] = node_id
        ids.setdefault(passage["name"], node_id)
    return ids


def _start_name(story, ids, story_passages, add):
    start_name = story["start"] or ("Start" if "Start" in ids else "")
    if story["start"] and story["start"] not in ids:
        add("StoryData", None, "missing_start", N_("the start passage '{snippet}' does not exist"), story["start"])
        start_name = ""
    if not start_name and story_passages:
        start_name = story_passages[0]["name"]
        add(start_name, ids[start_name], "start_guessed",
            N_("the story names no start passage; the first passage is used as the start"))
    return start_name


def _passage_links(text, ids, note):
    """``(choices, plain lines)`` of a passage's text: its links as choices, the rest as text."""
    choices, taken_choices, plain_lines = [], set(), []
    for line in text.split("\n"):
        links = list(LINK_RE.finditer(line))
        for match in links:
            inner, setter = _split_setter(match.group(1))
            label, target = parse_link(inner)
            if setter:
                note("setter", N_("a link setter has no equivalent and was removed: {snippet}"), match.group(0))
            if EXTERNAL_RE.match(target):
                note("external_link", N_("an external link is not a choice; its text was kept: {snippet}"),
                     match.group(0))
                continue
            if target not in ids:
                note("missing_passage", N_("the link points to a passage that does not exist: {snippet}"),
                     target)
                target_id = slugify(target)
            else:
                target_id = ids[target]
            choice_id = slugify(label, taken_choices, fallback="choice")
            taken_choices.add(choice_id)
            choices.append({"id": choice_id, "text": label or target, "target": target_id})
        rest = LINK_RE.sub("", line)
        if links and not re.sub(r"[\s|•·,;:/-]+", "", rest):
            continue  # a line of links only: they became choices
        plain_lines.append(LINK_RE.sub(_link_text, line))
    return choices, plain_lines


def _passage_node(node_id, name, tags, body, choices, note):
    """The node a passage becomes: narration (one link), dialogue (more) or ending (none)."""
    if len(choices) == 1:
        if choices[0]["text"] != choices[0]["target"]:
            note("narration", N_("one link, so this passage is a narration step: the learner presses "
                                 "'Lanjut' (the link text is not shown): {snippet}"), choices[0]["text"])
        return {"id": node_id, "type": "narration", "speaker": "citizen" if "citizen" in tags else "narrator",
                "text": body, "next": choices[0]["target"]}
    if choices:
        if len(choices) > MAX_CHOICES:
            note("too_many_links", N_("{snippet} links, but a node offers at most 5 choices: "
                                      "remove or merge some in the editor"), str(len(choices)))
        speaker = "narrator" if "narrator" in tags else "citizen"
        return {"id": node_id, "type": "dialogue", "speaker": speaker, "text": body, "choices": choices}
    quality = next((t for t in tags if t in QUALITY_TAGS), None)
    if quality is None:
        note("ending_quality", N_("no links, so this passage is an ending; its quality is set to "
                                  "'fair' (tag it good, fair or poor to choose)"))
    return {"id": node_id, "type": "ending", "title": name, "text": body, "quality": quality or "fair"}


def _passage_to_node(passage, ids, story_format, add):
    node_id, name = passage["id"], passage["name"]

    def note(code, template, snippet=""):
        add(name, node_id, code, template, snippet)

    choices, plain_lines = _passage_links(passage["text"], ids, note)
    body = _clean_text("\n".join(plain_lines).strip(), note, story_format)
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    tags = passage["tags"]
    for tag in tags:
        if tag not in QUALITY_TAGS + SPEAKER_TAGS:
            note("tag", N_("the tag '{snippet}' has no meaning in a role-play and was ignored"), tag)
    if not body:
        note("empty_text", N_("the passage has no text left; write what happens here"))
    return _passage_node(node_id, name, tags, body, choices, note)


def import_twee(source):
    """Scenario data and the report of a Twee 3 story: ``{"scenario", "report", "story"}``.

    ``report`` lists dicts ``{passage, node, code, template, params}`` (``template`` is an
    English message to translate, then ``format(**params)``). Raises :class:`TweeError` when
    the text has no passage at all.
    """
    passages = parse_passages(source)
    report = []
    story = {"title": "", "ifid": "", "format": "", "format_version": "", "start": ""}

    def add(passage, node_id, code, template, snippet=""):
        report.append(_report_entry(passage, node_id, code, template, snippet))

    story_passages = _story_passages(passages, story, add)  # special passages first: where it starts
    ids = _node_ids(story_passages, add)
    start_name = _start_name(story, ids, story_passages, add)
    nodes = [_passage_to_node(passage, ids, story["format"], add) for passage in story_passages]
    title = story["title"] or "Twine story"
    scenario = {
        "id": slugify(title, fallback="twine-story"),
        "title": title,
        "situation": "",
        "start": ids.get(start_name, ""),
        "max_steps": min(500, max(40, len(nodes) + 10)),
        "feedback": "immediate",
        "persona": {"name": "", "role": "", "wants": ""},
        "competencies": [],
        "variables": [],
        "duties": [],
        "nodes": nodes,
    }
    if story["format"]:
        add("StoryData", None, "story_format",
            N_("the story was written for {snippet}; its macros and variables do not carry over"),
            f"{story['format']} {story['format_version']}".strip())
    return {"scenario": scenario, "report": report, "story": story}


def _link_text(match):
    label, target = parse_link(_split_setter(match.group(1))[0])
    return label or target


def report_messages(report, translate=None):
    """The report with each entry's message filled in (translated with ``translate``)."""
    out = []
    for entry in report:
        template = translate(entry["template"]) if translate else entry["template"]
        out.append({"passage": entry["passage"], "node": entry["node"], "code": entry["code"],
                    "message": template.format(**entry["params"])})
    return out
