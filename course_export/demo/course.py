"""The course's units as workbench scenarios, built from the same sources as the tarball.

Each unit becomes the scenario ``course.<unit id>``: a ``vertical_demo`` holding its pages
(``html_demo``), its quiz questions (read-only, answers hidden: the workbench has no capa
problem block) and its role-plays and reflections, serialised exactly as in the export.
"""
import functools
import html
import threading

from lxml import etree

from course_export.cli import DEFAULT_SOURCE
from course_export.render import REFLECTION_TAG, custom_block_element
from course_export.source import load_course

SCENARIO_PREFIX = "course."
_LOCK = threading.Lock()
QUIZ_NOTE = ("Di Open edX soal ini dinilai otomatis. Demo lokal hanya menampilkannya, tanpa kunci "
             "jawaban.")


_COURSE_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1)
def _load_demo_course():
    return load_course(DEFAULT_SOURCE)


def demo_course():
    """The packaged course, validated (content only: the same for every user and request).

    Loaded by one thread at a time: the demo server is threaded, and the Markdown cleaner the
    loader shares is not thread-safe, so two first requests at once answered 500.
    """
    with _COURSE_LOCK:
        return _load_demo_course()


def scenario_id(unit):
    """The workbench scenario id of a unit."""
    return f"{SCENARIO_PREFIX}{unit.id}"


def _html_demo(markup):
    # html_demo substitutes $NAMES from its context: a literal $ must be doubled.
    return f"<html_demo>{markup.replace('$', '$$')}</html_demo>"


def _question_markup(question):
    choices = "".join(f"<li>{html.escape(choice.text)}</li>" for choice in question.choices)
    return (f'<div class="course-quiz"><h3>{html.escape(question.title)}</h3>{question.text}'
            f'<ul>{choices}</ul><p><small>{html.escape(QUIZ_NOTE)}</small></p></div>')


def unit_xml(course, unit, roleplay_usages):
    """The ``vertical_demo`` XML of ``unit``; reflections link to the demo's role-play usages."""
    parts = []
    for component in unit.components:
        if component.kind == "page":
            parts.append(_html_demo(f'<div class="course-page"><h2>{html.escape(component.title)}</h2>'
                                    f'{component.html}</div>'))
        elif component.kind == "question":
            parts.append(_html_demo(_question_markup(component)))
        else:
            element = custom_block_element(course, component)
            element.attrib.pop("url_name", None)
            if element.tag == REFLECTION_TAG:
                usage = roleplay_usages.get(component.linked_roleplay)
                if usage:
                    element.set("linked_simulation", usage)
                else:
                    element.attrib.pop("linked_simulation", None)
            parts.append(etree.tostring(element, encoding="unicode"))
    return f"<vertical_demo>{''.join(parts)}</vertical_demo>"


def register_units():
    """Add every unit as a workbench scenario (once; again if the workbench cleared them)."""
    from workbench.runtime import WorkbenchRuntime
    from workbench.scenarios import SCENARIOS, add_xml_scenario, get_scenarios

    course = demo_course()
    with _LOCK:
        get_scenarios()  # the blocks' own scenarios first (this clears SCENARIOS the first time)
        units = [unit for _s, _ss, unit in course.units()]
        if all(scenario_id(unit) in SCENARIOS for unit in units):
            return course
        # Units without reflections first, so a reflection can name its role-play's usage id.
        has_reflection = {unit.id for unit in units if any(c.kind == "reflection" for c in unit.components)}
        roleplay_usages = {}
        for unit in sorted(units, key=lambda unit: unit.id in has_reflection):
            name = scenario_id(unit)
            if name not in SCENARIOS:
                add_xml_scenario(name, f"{unit.title} [{unit.id}]", unit_xml(course, unit, roleplay_usages))
            vertical = WorkbenchRuntime().get_block(SCENARIOS[name].usage_id)
            for component, child in zip(unit.components, vertical.children, strict=False):
                if component.kind == "roleplay":
                    roleplay_usages[component.id] = str(child)
    return course
