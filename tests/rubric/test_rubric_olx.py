"""OLX: readable child elements, validation before writing, export → import keeps values."""
import pytest
from lxml import etree
from rubric_support import SCENARIO
from xblock.runtime import DictKeyValueStore, KvsFieldData
from xblock.test.tools import TestRuntime

from rubric_xblock.block import ATTRIBUTE_FIELDS, RubricReflectionBlock
from rubric_xblock.rubric import RubricError

VALUE_FIELDS = ("prompt", "rubric", *ATTRIBUTE_FIELDS)


def runtime():
    """A runtime that can parse and export OLX."""
    return TestRuntime(services={"field-data": KvsFieldData(DictKeyValueStore())})


def parse(xml):
    """Parse one ``rubric_reflection`` element into a block."""
    rt = runtime()
    return rt.get_block(rt.parse_xml_string(xml))


def export(block):
    """Export ``block`` as an OLX string."""
    node = etree.Element("unknown")
    block.add_xml_to_node(node)
    return etree.tostring(node, encoding="unicode", pretty_print=True)


def values(block):
    """The field values that matter, by name."""
    return {name: getattr(block, name) for name in VALUE_FIELDS}


def test_demo_scenario_round_trips_with_equal_values():
    xml = SCENARIO.read_text(encoding="utf-8")
    first = parse(xml)
    assert first.min_words == 80 and first.self_assessment is True and first.grade_release == "immediate"
    assert [c["id"] for c in first.rubric["criteria"]] == ["empati", "integritas", "prosedur", "dokumentasi",
                                                         "perbaikan"]
    assert first.rubric["criteria"][4]["levels"] == []
    assert "<ol>" in first.prompt and "uang rokok" in first.prompt
    exported = export(first)
    assert "<criterion " in exported and "<level " in exported and "&#10;" not in exported
    second = parse(exported)
    assert values(second) == values(first)
    assert export(second) == exported


def test_every_setting_round_trips():
    xml = """<rubric_reflection display_name="R &amp; D" min_words="10" max_words="20" self_assessment="false"
        staff_assessment="true" grade_release="staff" linked_simulation="block-v1:A+B+C+type@complaint_sim+block@x"
        weight="5"><prompt><p>Tulis <em>refleksi</em>.</p><p>Dua</p></prompt>
        <rubric><criterion id="a" label="A"><description>d</description>
          <level id="x" label="X" points="0"/><level id="y" label="Y" points="3">baik</level></criterion>
        </rubric></rubric_reflection>"""
    first = parse(xml)
    assert first.prompt == "<p>Tulis <em>refleksi</em>.</p><p>Dua</p>"
    assert (first.weight, first.self_assessment, first.grade_release) == (5.0, False, "staff")
    second = parse(export(first))
    assert values(second) == values(first)


def test_prompt_is_sanitised_on_import():
    block = parse('<rubric_reflection><prompt><![CDATA[<p onclick="x()">Hai<script>alert(1)</script></p>]]>'
                  '</prompt></rubric_reflection>')
    assert block.prompt == "<p>Hai</p>"


def test_defaults_export_a_valid_block():
    block = parse("<rubric_reflection/>")
    assert values(parse(export(block))) == values(block)


@pytest.mark.parametrize("xml", [
    '<rubric_reflection min_words="50" max_words="10"/>',
    '<rubric_reflection min_words="banyak"/>',
    '<rubric_reflection self_assessment="false" staff_assessment="false"/>',
    '<rubric_reflection grade_release="nanti"/>',
    '<rubric_reflection weight="0.5"/>',
    '<rubric_reflection><rubric/></rubric_reflection>',
    '<rubric_reflection><rubric><criterion id="a" label="A"><level id="x" label="X" points="1"/></criterion>'
    '</rubric></rubric_reflection>',
    '<rubric_reflection><rubric><criterion id="a" label="A"><level id="x" label="X" points="lots"/>'
    '<level id="y" label="Y" points="1"/></criterion></rubric></rubric_reflection>',
    '<rubric_reflection><prompt>a</prompt><prompt>b</prompt></rubric_reflection>',
])
def test_invalid_olx_is_refused_before_any_field_is_written(xml):
    with pytest.raises(RubricError):
        parse(xml)


def test_workbench_scenario_wraps_the_demo_file():
    scenarios = RubricReflectionBlock.workbench_scenarios()
    assert len(scenarios) == 3
    for title, xml in scenarios:
        assert title.startswith("Refleksi") and xml.startswith("<vertical_demo><rubric_reflection")
    assert 'grading_mode="peer"' in scenarios[1][1] and 'grade_release="staff"' in scenarios[2][1]
    for _title, xml in scenarios:
        block = parse(xml.removeprefix("<vertical_demo>").removesuffix("</vertical_demo>"))
        assert block.min_words in (20, 80)
