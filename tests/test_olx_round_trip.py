"""OLX round trip of every authored field of both blocks: write → parse → equal (issue 15, item 7).

Content libraries v2 keep a block as its OLX, so whatever an author sets must survive export
and import unchanged. For each block, every field in content or settings scope is given a
value here (the table must name every field: a new field fails
``test_the_table_names_every_authored_field`` until its round trip is tested), the block is
exported with its own ``add_xml_to_node`` through the runtime, parsed back with a fresh runtime
through its own ``parse_xml``, and every field compared. Two value sets per block: one far from
the defaults (edge values, markup characters, Unicode), one that sets each field to its default
explicitly.
"""
import io

import pytest
from lxml import etree
from xblock.fields import Scope
from xblock.runtime import DictKeyValueStore, KvsFieldData
from xblock.test.tools import TestRuntime

from complaint_sim_xblock.block import DERIVED_FIELDS, ComplaintSimBlock
from complaint_sim_xblock.scenario import compile_scenario
from rubric_xblock.block import RubricReflectionBlock
from tests.conftest import DATA, load_yaml

# The runtime's own settings (XBlock's ``name`` and ``tags``): not authored in the block.
RUNTIME_FIELDS = {"name", "tags"}
AWKWARD_TEXT = 'Loket & <Pengaduan> "Kota" — ’ünï’ 😀\nbaris dua'

RUBRIC = {"criteria": [
    {"id": "empati", "label": "Empati & <hormat>", "description": "Menyapa \"warga\" dengan ramah.",
     "levels": [{"id": "kurang", "label": "Kurang", "points": 0, "description": ""},
                {"id": "baik", "label": "Baik", "points": 3, "description": "Menyapa, mendengar — ✓"}]},
    {"id": "catatan", "label": "Catatan umum", "description": "", "levels": []},
]}


def _roleplay_values():
    scenario = compile_scenario(load_yaml(DATA / "mini.yaml")).data
    return {
        "edges": {"display_name": AWKWARD_TEXT, "scenario": scenario, "weight": 0.0, "max_attempts": 0,
                  "grading_policy": "last"},
        "defaults": {"display_name": ComplaintSimBlock.display_name.default, "scenario": scenario,
                     "weight": 1.0, "max_attempts": 3, "grading_policy": "best"},
    }


def _reflection_values():
    return {
        "edges": {"display_name": AWKWARD_TEXT, "prompt": "<p>Tulis <em>refleksi</em> &amp; alasan.</p><p>Dua</p>",
                  "rubric": RUBRIC, "min_words": 1, "max_words": 1, "self_assessment": False,
                  "staff_assessment": True, "grade_release": "staff",
                  "linked_simulation": "block-v1:Kota+ASN101+2026_T1+type@complaint_sim+block@rp-ktp-el",
                  "weight": 1000.0, "grading_mode": "peer_staff", "peer_count": 10, "peer_minimum": 1,
                  "peer_training": False, "training_tolerance": 0, "agreement_share": 100, "appeal_days": 0,
                  "appeal_staff_days": 90, "peer_expiry_hours": 336},
        "defaults": {name: field.default for name, field in RubricReflectionBlock.fields.items()
                     if name not in RUNTIME_FIELDS and field.scope in (Scope.content, Scope.settings)},
    }


BLOCKS = {"complaint_sim": (ComplaintSimBlock, _roleplay_values, set(DERIVED_FIELDS)),
          "rubric_reflection": (RubricReflectionBlock, _reflection_values, set())}
CASES = [(tag, kind) for tag in BLOCKS for kind in ("edges", "defaults")]


def authored_fields(cls):
    return {name for name, field in cls.fields.items()
            if field.scope in (Scope.content, Scope.settings) and name not in RUNTIME_FIELDS}


def runtime(cls):
    rt = TestRuntime(services={"field-data": KvsFieldData(DictKeyValueStore())})
    rt.load_block_type = lambda block_type: cls
    return rt


def written(tag, values):
    """A block of ``tag`` holding ``values`` (the scenario set as the editor sets it), saved."""
    cls = BLOCKS[tag][0]
    rt = runtime(cls)
    block = rt.get_block(rt.parse_xml_string(f"<{tag}/>"))
    for name, value in values.items():
        if name == "scenario":
            block.set_scenario(value)
        else:
            setattr(block, name, value)
    block.save()
    return block


def exported(block):
    out = io.BytesIO()
    block.runtime.export_to_xml(block, out)
    return out.getvalue().decode("utf-8").split("?>", 1)[-1]


def parsed(tag, xml):
    rt = runtime(BLOCKS[tag][0])
    return rt.get_block(rt.parse_xml_string(xml))


@pytest.mark.parametrize("tag", sorted(BLOCKS))
def test_the_table_names_every_authored_field(tag):
    cls, values, derived = BLOCKS[tag]
    for kind, table in values().items():
        assert set(table) | derived == authored_fields(cls), kind


@pytest.mark.parametrize(("tag", "kind"), CASES)
def test_write_parse_gives_every_field_equal(tag, kind):
    cls, values, derived = BLOCKS[tag]
    table = values()[kind]
    source = written(tag, table)
    assert {name: getattr(source, name) for name in table} == table, "the values are the block's own"
    xml = exported(source)
    copy = parsed(tag, xml)
    for name in sorted(authored_fields(cls)):
        assert getattr(copy, name) == getattr(source, name), name
        assert type(getattr(copy, name)) is type(getattr(source, name)), name
    # Derived fields are recomputed on import, never exported.
    assert all(f'{name}="' not in xml for name in derived)
    # And the OLX is stable: exporting the imported block writes the same text.
    assert exported(copy) == xml


@pytest.mark.parametrize(("tag", "kind"), CASES)
def test_olx_is_readable_elements_not_json(tag, kind):
    xml = exported(written(tag, BLOCKS[tag][1]()[kind]))
    root = etree.fromstring(xml)
    assert root.tag == tag
    assert all("{" not in value for value in root.attrib.values()), "no JSON blob in an attribute"
