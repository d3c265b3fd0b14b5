"""Readable OLX for the prompt and the rubric (lxml only; no ``xblock`` or ``django``).

::

    <rubric_reflection display_name="..." min_words="100" max_words="600" ...>
      <prompt><![CDATA[<p>HTML</p>]]></prompt>      (or the HTML written inline as XML)
      <rubric>
        <criterion id="empati" label="Empati">
          <description>What the criterion looks at.</description>
          <level id="belum" label="Belum tampak" points="0">What this level looks like.</level>
          ...
        </criterion>
        <criterion id="catatan" label="Catatan pelatih"/>   (no levels: feedback-only)
      </rubric>
    </rubric_reflection>
"""
from lxml import etree

from .rubric import N_, RubricError


def _children(node, tag):
    return [child for child in node if isinstance(child.tag, str) and child.tag == tag]


def prompt_from_element(element):
    """The prompt HTML held by ``<prompt>``: its text (CDATA) or its inline XML children."""
    parts = [element.text or ""]
    for child in element:
        parts.append(etree.tostring(child, encoding="unicode", with_tail=True))
    return "".join(parts).strip()


def prompt_to_element(html):
    """``<prompt>`` holding ``html`` as CDATA (escaped text if it contains ``]]>``)."""
    element = etree.Element("prompt")
    element.text = etree.CDATA(html) if "]]>" not in html else html
    return element


def rubric_from_element(element):
    """The plain rubric dict described by ``<rubric>`` (validated later by ``parse_rubric``)."""
    criteria = []
    for index, node in enumerate(_children(element, "criterion")):
        descriptions = _children(node, "description")
        if len(descriptions) > 1:
            raise RubricError("RUBRIC_INVALID", N_("%(where)s has more than one description."),
                              where=f"criteria[{index}]")
        levels = []
        for level in _children(node, "level"):
            levels.append({
                "id": level.get("id"),
                "label": level.get("label"),
                "points": level.get("points"),
                "description": (level.text or "").strip(),
            })
        criteria.append({
            "id": node.get("id"),
            "label": node.get("label"),
            "description": (descriptions[0].text or "").strip() if descriptions else "",
            "levels": levels,
        })
    return {"criteria": criteria}


def rubric_to_element(rubric):
    """``<rubric>`` for a :class:`~rubric_xblock.rubric.Rubric`."""
    element = etree.Element("rubric")
    for criterion in rubric.criteria:
        node = etree.SubElement(element, "criterion", id=criterion.id, label=criterion.label)
        if criterion.description:
            etree.SubElement(node, "description").text = criterion.description
        for level in criterion.levels:
            level_node = etree.SubElement(node, "level", id=level.id, label=level.label,
                                          points=str(level.points))
            level_node.text = level.description or None
    return element
