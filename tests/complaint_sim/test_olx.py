"""OLX: the scenario as readable child elements, and export -> import giving equal fields."""
import io

from lxml import etree
from xblock.field_data import DictFieldData

from complaint_sim_xblock.block import ComplaintSimBlock
from complaint_sim_xblock.olx import scenario_from_xml, scenario_to_xml
from complaint_sim_xblock.scenario import compile_scenario, normalize_scenario
from tests.conftest import LmsLikeRuntime


def runtime():
    rt = LmsLikeRuntime(field_data=DictFieldData({}))
    rt.load_block_type = lambda block_type: ComplaintSimBlock  # only our block in these tests
    return rt


def export(block):
    out = io.BytesIO()
    block.runtime.export_to_xml(block, out)
    return out.getvalue().decode("utf-8")


def import_block(data, attributes=""):
    """A block parsed from ``<complaint_sim {attributes}>`` holding ``data`` as its scenario."""
    rt = runtime()
    scenario = etree.tostring(scenario_to_xml(data), encoding="unicode")
    return rt.get_block(rt.parse_xml_string(f"<complaint_sim {attributes}>{scenario}</complaint_sim>"))


def test_scenario_xml_round_trip_is_exact(mini_data):
    canon = compile_scenario(mini_data).data
    element = scenario_to_xml(canon)
    again = etree.fromstring(etree.tostring(element))
    assert normalize_scenario(scenario_from_xml(again)) == canon


def test_export_is_readable_child_elements(mini_data):
    block = import_block(compile_scenario(mini_data).data, 'display_name="Loket" max_attempts="2"')
    xml = export(block)
    root = etree.fromstring(xml.encode("utf-8"))
    assert root.tag == "complaint_sim" and root.get("max_attempts") == "2"
    choice = root.find("scenario/node[@id='datang']/choice[@id='sapa']")
    assert choice.find("text").text == "Mohon maaf, Bu. Saya bantu sekarang."
    assert root.find("scenario/node[@id='rekam']/field[@name='category']").get("expected") == "Pelayanan"
    assert "{" not in (root.get("scenario") or ""), "no JSON blob in an attribute"
    assert root.get("run") is None and root.get("history") is None, "no learner state in OLX"


def test_export_then_import_gives_equal_field_values(mini_data):
    source = import_block(compile_scenario(mini_data).data,
                          'display_name="Loket" weight="2.5" grading_policy="last" max_attempts="0"')
    rt2 = runtime()
    copy = rt2.get_block(rt2.parse_xml_string(export(source).split("?>", 1)[-1]))
    for name in ("display_name", "weight", "grading_policy", "max_attempts", "scenario", "scenario_digest"):
        assert getattr(copy, name) == getattr(source, name), name
    assert copy.scenario == compile_scenario(mini_data).data
    assert copy.max_score() == 12


def test_import_of_an_invalid_scenario_keeps_it_for_the_author(mini_data):
    block = import_block({**compile_scenario(mini_data).data, "start": "hilang"})
    assert block.scenario["start"] == "hilang"
    assert block.max_score() == 0
    assert "cannot be played" in block.student_view().body_html()
