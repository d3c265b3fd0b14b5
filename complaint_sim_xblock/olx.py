"""Readable OLX for scenarios: canonical scenario data <-> a ``<scenario>`` element.

Pure (lxml only). Every part of the scenario is a child element or an attribute that an
author can read and edit in an exported course; ``scenario_from_xml(scenario_to_xml(d))``
gives back ``d`` for canonical data. Values that do not parse are kept as text, so the
validator reports them with their location instead of this module guessing.
"""
from lxml import etree

from .scenario import RECORD_CHOICE_FIELDS


def _set(element, name, value):
    if value is not None and value != "":
        element.set(name, str(value))


def _text_child(parent, tag, text):
    if text:
        etree.SubElement(parent, tag).text = text


def _number(text, kind=int):
    """An int/float from attribute text, or the text itself so validation can report it."""
    if text is None:
        return None
    try:
        return kind(text)
    except ValueError:
        if kind is float:
            return text
        try:
            as_float = float(text)
        except ValueError:
            return text
        return int(as_float) if as_float.is_integer() else text


def _weight(text):
    value = _number(text, float)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def scenario_to_xml(data):
    """A ``<scenario>`` element holding the canonical scenario ``data``."""
    root = etree.Element("scenario")
    for key in ("id", "start", "max_steps", "feedback", "mood_variable"):
        _set(root, key, data.get(key))
    _text_child(root, "title", data.get("title"))
    _text_child(root, "situation", data.get("situation"))
    persona = data.get("persona") or {}
    element = etree.SubElement(root, "persona")
    _set(element, "name", persona.get("name"))
    _set(element, "role", persona.get("role"))
    _text_child(element, "wants", persona.get("wants"))
    for comp in data.get("competencies", ()):
        element = etree.SubElement(root, "competency")
        for key in ("id", "label", "weight"):
            _set(element, key, comp.get(key))
    for var in data.get("variables", ()):
        element = etree.SubElement(root, "variable")
        for key in ("id", "label", "min", "max", "initial"):
            _set(element, key, var.get(key))
    for duty in data.get("duties", ()):
        element = etree.SubElement(root, "duty")
        for key in ("id", "label", "points"):
            _set(element, key, duty.get(key))
        _text_child(element, "basis", duty.get("basis"))
    for node in data.get("nodes", ()):
        root.append(_node_to_xml(node))
    return root


def _node_to_xml(node):  # noqa: PLR0912  (lane A is rewriting this module: split it there)
    element = etree.Element("node")
    for key in ("id", "type", "speaker", "next", "title", "quality"):
        _set(element, key, node.get(key))
    _text_child(element, "text", node.get("text"))
    _text_child(element, "feedback", node.get("feedback"))
    for choice in node.get("choices", ()):
        child = etree.SubElement(element, "choice")
        for key in ("id", "target", "condition"):
            _set(child, key, choice.get(key))
        if choice.get("model"):
            child.set("model", "true")
        _text_child(child, "text", choice.get("text"))
        _text_child(child, "feedback", choice.get("feedback"))
        for comp, points in choice.get("scores", {}).items():
            etree.SubElement(child, "score", competency=comp, points=str(points))
        for var, change in choice.get("effects", {}).items():
            etree.SubElement(child, "effect", variable=var, change=str(change))
        for duty in choice.get("fulfils", ()):
            etree.SubElement(child, "fulfils", duty=duty)
        for duty in choice.get("breaches", ()):
            etree.SubElement(child, "breaches", duty=duty)
    record = node.get("record")
    if record:
        for key in RECORD_CHOICE_FIELDS:
            spec = record.get(key, {})
            field = etree.SubElement(element, "field", name=key)
            _set(field, "expected", spec.get("expected"))
            for option in spec.get("options", ()):
                etree.SubElement(field, "option").text = option
        deadline = record.get("deadline_days", {})
        etree.SubElement(element, "deadline", expected=str(deadline.get("expected", "")),
                         tolerance=str(deadline.get("tolerance", 0)))
        summary = record.get("summary", {})
        child = etree.SubElement(element, "summary", min_words=str(summary.get("min_words", 0)))
        for group in summary.get("keywords", ()):
            keywords = etree.SubElement(child, "keywords")
            for word in group:
                etree.SubElement(keywords, "keyword").text = word
    return element


def _child_text(element, tag):
    child = element.find(tag)
    return (child.text or "").strip() if child is not None else None


def scenario_from_xml(root):
    """Scenario data read from a ``<scenario>`` element (validate it before use)."""
    data = {"id": root.get("id"), "start": root.get("start"),
            "max_steps": _number(root.get("max_steps")), "feedback": root.get("feedback")}
    if root.get("mood_variable"):
        data["mood_variable"] = root.get("mood_variable")
    data = {k: v for k, v in data.items() if v is not None}
    data["title"] = _child_text(root, "title")
    data["situation"] = _child_text(root, "situation")
    persona = root.find("persona")
    if persona is not None:
        data["persona"] = {"name": persona.get("name"), "role": persona.get("role", ""),
                           "wants": _child_text(persona, "wants") or ""}
    data["competencies"] = [
        {"id": e.get("id"), "label": e.get("label"), "weight": _weight(e.get("weight", "1"))}
        for e in root.iterchildren("competency")]
    data["variables"] = [
        {"id": e.get("id"), "label": e.get("label"), "min": _number(e.get("min")),
         "max": _number(e.get("max")), "initial": _number(e.get("initial"))}
        for e in root.iterchildren("variable")]
    data["duties"] = [
        {"id": e.get("id"), "label": e.get("label"), "basis": _child_text(e, "basis"),
         "points": _number(e.get("points", "1"))}
        for e in root.iterchildren("duty")]
    data["nodes"] = [_node_from_xml(e) for e in root.iterchildren("node")]
    return data


def _node_from_xml(element):
    node = {"id": element.get("id"), "type": element.get("type"), "text": _child_text(element, "text")}
    kind = node["type"]
    if kind == "dialogue":
        node["speaker"] = element.get("speaker")
        node["choices"] = [_choice_from_xml(c) for c in element.iterchildren("choice")]
    elif kind == "record":
        node["next"] = element.get("next")
        node["feedback"] = _child_text(element, "feedback") or ""
        record = {}
        for field in element.iterchildren("field"):
            record[field.get("name")] = {
                "options": [(o.text or "").strip() for o in field.iterchildren("option")],
                "expected": field.get("expected")}
        deadline = element.find("deadline")
        if deadline is not None:
            record["deadline_days"] = {"expected": _number(deadline.get("expected")),
                                       "tolerance": _number(deadline.get("tolerance", "0"))}
        summary = element.find("summary")
        if summary is not None:
            record["summary"] = {
                "min_words": _number(summary.get("min_words", "0")),
                "keywords": [[(k.text or "").strip() for k in group.iterchildren("keyword")]
                             for group in summary.iterchildren("keywords")]}
        node["record"] = record
    elif kind == "ending":
        node["title"] = element.get("title")
        node["quality"] = element.get("quality")
    return node


def _choice_from_xml(element):
    choice = {"id": element.get("id"), "target": element.get("target"),
              "text": _child_text(element, "text"), "feedback": _child_text(element, "feedback") or "",
              "model": element.get("model", "false").lower() == "true",
              "scores": {e.get("competency"): _number(e.get("points")) for e in element.iterchildren("score")},
              "effects": {e.get("variable"): _number(e.get("change")) for e in element.iterchildren("effect")},
              "fulfils": [e.get("duty") for e in element.iterchildren("fulfils")],
              "breaches": [e.get("duty") for e in element.iterchildren("breaches")]}
    if element.get("condition"):
        choice["condition"] = element.get("condition")
    return choice
