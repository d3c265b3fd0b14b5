"""Readable OLX for scenarios: canonical scenario data <-> a ``<scenario>`` element.

Pure (lxml only). Every part of the scenario is a child element or an attribute that an
author can read and edit in an exported course; ``scenario_from_xml(scenario_to_xml(d))``
gives back ``d`` for canonical data. Which scalar field is an attribute and which a child
element follows from :mod:`complaint_sim_xblock.schema`. Values that do not parse are kept
as text, so the validator reports them with their location instead of this module guessing.
"""
from lxml import etree

from . import schema
from .scenario import RECORD_CHOICE_FIELDS


def _text_child(parent, tag, text):
    if text:
        etree.SubElement(parent, tag).text = text


def _write(element, fields, data):
    """The schema ``fields`` of ``data`` as attributes and child elements of ``element``."""
    for f in fields:
        text = schema.to_olx(f, data.get(f.name))
        if text is None:
            continue
        if f.olx == "attr":
            element.set(f.name, text)
        else:
            etree.SubElement(element, f.name).text = text


def _child_text(element, tag):
    child = element.find(tag)
    return (child.text or "").strip() if child is not None else None


def _read(element, fields):
    """The schema ``fields`` found on ``element`` (absent ones left out: the validator fills defaults)."""
    out = {}
    for f in fields:
        text = element.get(f.name) if f.olx == "attr" else _child_text(element, f.name)
        value = schema.from_olx(f, text)
        if value is not None:
            out[f.name] = value
    return out


def scenario_to_xml(data):
    """A ``<scenario>`` element holding the canonical scenario ``data``."""
    root = etree.Element("scenario")
    _write(root, schema.SCENARIO, data)
    _write(etree.SubElement(root, "persona"), schema.PERSONA, data.get("persona") or {})
    for comp in data.get("competencies", ()):
        _write(etree.SubElement(root, "competency"), schema.COMPETENCY, comp)
    for var in data.get("variables", ()):
        _write(etree.SubElement(root, "variable"), schema.VARIABLE, var)
    for law in data.get("laws", ()):
        root.append(_law_to_xml(law))
    for duty in data.get("duties", ()):
        element = etree.SubElement(root, "duty")
        _write(element, schema.DUTY, duty)
        _basis_to_xml(element, duty.get("basis"))
    for node in data.get("nodes", ()):
        root.append(_node_to_xml(node))
    return root


def _basis_to_xml(element, basis):
    """A legacy text basis as ``<basis>``; citations as ``<cite law article/>`` and ``<note>``."""
    if isinstance(basis, str):
        _text_child(element, "basis", basis)
        return
    for citation in basis or ():
        if "note" in citation:
            etree.SubElement(element, "note").text = citation["note"]
        else:
            cite = etree.SubElement(element, "cite", law=citation.get("law") or "")
            if citation.get("article"):
                cite.set("article", citation["article"])


def _law_to_xml(law):
    element = etree.Element("law")
    _write(element, schema.LAW, law)
    for other in law.get("amended_by", ()):
        etree.SubElement(element, "amended_by", law=other)
    return element


def _node_to_xml(node):
    element = etree.Element("node")
    _write(element, schema.NODE, node)
    _write(element, schema.NODE_PARTS.get(node.get("type"), ()), node)
    for choice in node.get("choices", ()):
        child = etree.SubElement(element, "choice")
        _write(child, schema.CHOICE, choice)
        if choice.get("condition"):
            child.set("condition", choice["condition"])
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
            if spec.get("expected"):
                field.set("expected", spec["expected"])
            for option in spec.get("options", ()):
                etree.SubElement(field, "option").text = option
        _write(etree.SubElement(element, "deadline"), schema.DEADLINE, record.get("deadline_days", {}))
        summary = record.get("summary", {})
        child = etree.SubElement(element, "summary")
        _write(child, schema.SUMMARY, summary)
        for group in summary.get("keywords", ()):
            keywords = etree.SubElement(child, "keywords")
            for word in group:
                etree.SubElement(keywords, "keyword").text = word
    return element


def scenario_from_xml(root):
    """Scenario data read from a ``<scenario>`` element (validate it before use)."""
    data = _read(root, schema.SCENARIO)
    for f in schema.SCENARIO:  # required text fields stay present (as None) so the validator names them
        if f.olx == "child":
            data.setdefault(f.name, None)
    persona = root.find("persona")
    if persona is not None:
        data["persona"] = _read(persona, schema.PERSONA)
    data["competencies"] = [_read(e, schema.COMPETENCY) for e in root.iterchildren("competency")]
    data["variables"] = [_read(e, schema.VARIABLE) for e in root.iterchildren("variable")]
    if root.find("law") is not None:
        data["laws"] = [_law_from_xml(e) for e in root.iterchildren("law")]
    data["duties"] = [{**_read(e, schema.DUTY), **_basis_from_xml(e)} for e in root.iterchildren("duty")]
    data["nodes"] = [_node_from_xml(e) for e in root.iterchildren("node")]
    return data


def _basis_from_xml(element):
    text = _child_text(element, "basis")
    if text is not None:
        return {"basis": text}
    citations = []
    for child in element:
        if child.tag == "note":
            citations.append({"note": (child.text or "").strip()})
        elif child.tag == "cite":
            citation = {"law": child.get("law")}
            if child.get("article"):
                citation["article"] = child.get("article")
            citations.append(citation)
    return {"basis": citations} if citations else {}


def _law_from_xml(element):
    law = _read(element, schema.LAW)
    amended = [e.get("law") for e in element.iterchildren("amended_by")]
    if amended:
        law["amended_by"] = amended
    return law


def _node_from_xml(element):
    node = _read(element, schema.NODE)
    kind = node.get("type")
    node.update(_read(element, schema.NODE_PARTS.get(kind, ())))
    if kind == "dialogue":
        node["choices"] = [_choice_from_xml(c) for c in element.iterchildren("choice")]
    elif kind == "record":
        record = {}
        for field in element.iterchildren("field"):
            record[field.get("name")] = {
                "options": [(o.text or "").strip() for o in field.iterchildren("option")],
                "expected": field.get("expected")}
        deadline = element.find("deadline")
        if deadline is not None:
            record["deadline_days"] = _read(deadline, schema.DEADLINE)
        summary = element.find("summary")
        if summary is not None:
            record["summary"] = {
                **_read(summary, schema.SUMMARY),
                "keywords": [[(k.text or "").strip() for k in group.iterchildren("keyword")]
                             for group in summary.iterchildren("keywords")]}
        node["record"] = record
    return node


def _choice_from_xml(element):
    choice = {**_read(element, schema.CHOICE),
              "scores": {e.get("competency"): schema.from_olx(schema.INTEGER, e.get("points"))
                         for e in element.iterchildren("score")},
              "effects": {e.get("variable"): schema.from_olx(schema.INTEGER, e.get("change"))
                          for e in element.iterchildren("effect")},
              "fulfils": [e.get("duty") for e in element.iterchildren("fulfils")],
              "breaches": [e.get("duty") for e in element.iterchildren("breaches")]}
    if element.get("condition"):
        choice["condition"] = element.get("condition")
    return choice
