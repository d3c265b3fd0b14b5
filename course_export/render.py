"""The validated course model -> the files of a Studio-style OLX export (``course/...``).

Custom blocks are written inline in their vertical by the block class's own
``add_xml_to_node``, so the OLX format is the block's and stays in step with its parser.
"""
import json
import mimetypes

from lxml import etree
from xblock.field_data import DictFieldData
from xblock.fields import ScopeIds
from xblock.test.tools import TestRuntime

TOP = "course"
ROLEPLAY_TAG = "complaint_sim"
REFLECTION_TAG = "rubric_reflection"
ADVANCED_MODULES = [ROLEPLAY_TAG, REFLECTION_TAG]


def block_classes():
    """``{tag: XBlock class}`` of the project's custom blocks (imported on first use)."""
    from complaint_sim_xblock.block import ComplaintSimBlock
    from rubric_xblock.block import RubricReflectionBlock

    return {ROLEPLAY_TAG: ComplaintSimBlock, REFLECTION_TAG: RubricReflectionBlock}


def new_runtime():
    """An in-memory XBlock runtime for constructing, exporting and re-importing blocks."""
    return TestRuntime(services={"field-data": DictFieldData({})})


def _xml(element):
    etree.indent(element, space="  ")
    return etree.tostring(element, encoding="utf-8") + b"\n"


def _json(value):
    return (json.dumps(value, indent=4, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def custom_block_fields(course, component):
    """``(tag, {field: value})`` the custom block of ``component`` must hold."""
    if component.kind == "roleplay":
        return ROLEPLAY_TAG, {"display_name": component.title, "scenario": component.scenario,
                              **component.settings}
    fields = {"display_name": component.title, "prompt": component.prompt, "rubric": component.rubric,
              **component.settings}
    if component.linked_roleplay:
        fields["linked_simulation"] = course.usage_key(ROLEPLAY_TAG, component.linked_roleplay)
    return REFLECTION_TAG, fields


def custom_block_element(course, component):
    """The inline OLX element of a role-play or reflection, written by its block class."""
    tag, fields = custom_block_fields(course, component)
    cls = block_classes()[tag]
    runtime = new_runtime()
    block = runtime.construct_xblock_from_class(cls, ScopeIds("author", tag, component.id, component.id))
    for name, value in fields.items():
        if name == "scenario":
            block.set_scenario(value)
        else:
            setattr(block, name, value)
    element = etree.Element(tag, url_name=component.id)
    block.add_xml_to_node(element)
    return element


def _html_fragment(parent, html):
    """Append the elements (and text) of an HTML fragment to ``parent``."""
    wrapper = etree.fromstring(f"<div>{html}</div>")
    if wrapper.text and wrapper.text.strip():
        etree.SubElement(parent, "p").text = wrapper.text.strip()
    for child in wrapper:
        parent.append(child)


def problem_element(question):
    """A standard Open edX multiple-choice ``<problem>``."""
    problem = etree.Element("problem", display_name=question.title)
    response = etree.SubElement(problem, "multiplechoiceresponse")
    wrapper = etree.fromstring(f"<div>{question.text}</div>")
    blocks = list(wrapper)
    for context in blocks[:-1]:
        response.append(context)
    label = etree.SubElement(response, "label")
    last = blocks[-1] if blocks else None
    if last is not None and last.tag == "p":
        label.text = last.text
        for child in last:
            label.append(child)
    else:
        label.text = "".join(wrapper.itertext()).strip()
    group = etree.SubElement(response, "choicegroup", type="MultipleChoice")
    for choice in question.choices:
        node = etree.SubElement(group, "choice", correct="true" if choice.correct else "false")
        node.text = choice.text
        if choice.hint:
            etree.SubElement(node, "choicehint").text = choice.hint
    if question.explanation:
        solution = etree.SubElement(response, "solution")
        detailed = etree.SubElement(solution, "div", {"class": "detailed-solution"})
        etree.SubElement(detailed, "p").text = "Penjelasan"
        _html_fragment(detailed, question.explanation)
    return problem


def course_settings(course):
    """The course-level settings, as Studio writes them in policy.json."""
    settings = {
        "display_name": course.title,
        "language": course.language,
        "start": course.start,
        "advanced_modules": ADVANCED_MODULES,
        "self_paced": course.self_paced,
    }
    if course.end:
        settings["end"] = course.end
    if course.course_image:
        settings["course_image"] = course.course_image
    return settings


def render_course(course):
    """``{archive path: bytes}`` of the whole export, under ``course/``."""
    files = {}

    def put(path, data):
        files[f"{TOP}/{path}"] = data

    put("course.xml", _xml(etree.Element("course", url_name=course.run, org=course.org, course=course.number)))
    root = etree.Element("course")
    for section in course.sections:
        etree.SubElement(root, "chapter", url_name=section.id)
    put(f"course/{course.run}.xml", _xml(root))

    for section in course.sections:
        chapter = etree.Element("chapter", display_name=section.title)
        for subsection in section.subsections:
            etree.SubElement(chapter, "sequential", url_name=subsection.id)
            sequential = etree.Element("sequential", display_name=subsection.title)
            if subsection.graded_as:
                sequential.set("format", subsection.graded_as)
                sequential.set("graded", "true")
            for unit in subsection.units:
                etree.SubElement(sequential, "vertical", url_name=unit.id)
                put(f"vertical/{unit.id}.xml", _xml(_vertical(course, unit, put)))
            put(f"sequential/{subsection.id}.xml", _xml(sequential))
        put(f"chapter/{section.id}.xml", _xml(chapter))

    put(f"policies/{course.run}/policy.json", _json({f"course/{course.run}": course_settings(course)}))
    put(f"policies/{course.run}/grading_policy.json", _json({
        "GRADER": [{"type": t.type, "short_label": t.short_label, "min_count": t.min_count,
                    "drop_count": t.drop_count, "weight": t.weight} for t in course.grading],
        "GRADE_CUTOFFS": {"Pass": course.pass_mark},
    }))
    put("policies/assets.json", _json({name: _asset(course, name) for name in course.static_files}))
    put("about/overview.html", (course.overview_html + "\n").encode("utf-8"))
    put("about/short_description.html", (course.short_description + "\n").encode("utf-8"))
    if course.effort:
        put("about/effort.html", (course.effort + "\n").encode("utf-8"))
    if course.handouts_html:
        put("info/handouts.html", (course.handouts_html + "\n").encode("utf-8"))
    for name, path in course.static_files.items():
        put(f"static/{name}", path.read_bytes())
    return files


def _vertical(course, unit, put):
    vertical = etree.Element("vertical", display_name=unit.title)
    for component in unit.components:
        if component.kind == "page":
            etree.SubElement(vertical, "html", url_name=component.id)
            put(f"html/{component.id}.xml",
                _xml(etree.Element("html", filename=component.id, display_name=component.title)))
            put(f"html/{component.id}.html", (component.html + "\n").encode("utf-8"))
        elif component.kind == "question":
            etree.SubElement(vertical, "problem", url_name=component.id)
            put(f"problem/{component.id}.xml", _xml(problem_element(component)))
        else:
            vertical.append(custom_block_element(course, component))
    return vertical


def _asset(course, name):
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return {
        "contentType": content_type,
        "displayname": name,
        "filename": f"asset-v1:{course.org}+{course.number}+{course.run}+type@asset+block@{name}",
        "import_path": None,
        "locked": False,
        "thumbnail_location": None,
        "content_son": {"category": "asset", "course": course.number, "name": name, "org": course.org,
                        "revision": None, "run": course.run, "tag": "c4x"},
    }
