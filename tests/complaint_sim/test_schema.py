"""The scenario schema: each field declared once, and what follows from it."""
from lxml import etree

from complaint_sim_xblock import schema
from complaint_sim_xblock.olx import scenario_from_xml, scenario_to_xml
from complaint_sim_xblock.scenario import compile_scenario, normalize_scenario, validate_scenario


def test_format_md_table_is_generated_from_the_schema():
    text = schema.FORMAT_MD.read_text(encoding="utf-8")
    assert schema.format_table() in text, "run: .venv/bin/python -m complaint_sim_xblock.schema"
    for part, fields in schema.PARTS.items():
        for f in fields:
            assert f"| {part} | `{f.name}` |" in text


def test_every_declared_field_has_a_kind_a_doc_and_an_olx_form():
    for fields in schema.PARTS.values():
        assert len({f.name for f in fields}) == len(fields)
        for f in fields:
            assert f.kind in schema.KINDS and f.doc and f.olx in ("attr", "child")


def test_a_bound_declared_in_the_schema_is_what_the_validator_enforces(mini_data):
    field = next(f for f in schema.SCENARIO if f.name == "max_steps")
    assert not validate_scenario({**mini_data, "max_steps": field.high})
    problems = validate_scenario({**mini_data, "max_steps": field.high + 1})
    assert [(p.code, p.path) for p in problems] == [("out_of_range", "scenario.max_steps")]
    assert dict(problems[0].params) == {"key": "max_steps", "low": field.low, "high": field.high}


def test_defaults_come_from_the_schema(mini_data):
    data = {**mini_data}
    data.pop("max_steps", None)
    assert compile_scenario(data).max_steps == 40
    canon = normalize_scenario(mini_data)
    assert canon["competencies"][0]["weight"] == mini_data["competencies"][0].get("weight", 1)


def test_an_attribute_field_is_an_attribute_in_olx_and_reads_back(mini_data):
    canon = normalize_scenario(mini_data)
    root = scenario_to_xml(canon)
    for f in schema.SCENARIO:
        if canon.get(f.name) not in (None, ""):
            if f.olx == "attr":
                assert root.get(f.name) == str(canon[f.name])
            else:
                assert root.find(f.name).text == canon[f.name]
    again = scenario_from_xml(etree.fromstring(etree.tostring(root)))
    assert normalize_scenario(again) == canon


def test_a_boolean_field_refuses_text(mini_data):
    nodes = [dict(n) for n in mini_data["nodes"]]
    first = dict(nodes[0])
    first["choices"] = [{**first["choices"][0], "model": "yes"}, *first["choices"][1:]]
    nodes[0] = first
    problems = validate_scenario({**mini_data, "nodes": nodes})
    assert [p.code for p in problems] == ["not_boolean"]
    assert problems[0].path == "nodes[0].choices[0].model"


def test_the_editor_gets_every_part_with_bounds_and_controls():
    data = schema.editor_schema()
    assert set(data) == set(schema.PARTS)
    steps = next(f for f in data["scenario"] if f["name"] == "max_steps")
    assert steps == {"name": "max_steps", "kind": "int", "required": False, "default": 40, "low": 1,
                     "high": schema.MAX_STEPS_LIMIT, "allowed": [], "editor": "number", "doc": steps["doc"]}


def test_compiling_runs_each_step_once(mini_data, monkeypatch):
    from complaint_sim_xblock import scenario as engine
    calls = {"read": 0, "graph": 0, "build": 0, "route": 0}
    for name, key in (("_read", "read"), ("_graph_problems", "graph"), ("_build", "build"),
                      ("trace_model_route", "route")):
        original = getattr(engine, name)

        def counted(*a, _original=original, _key=key, **k):
            calls[_key] += 1
            return _original(*a, **k)
        monkeypatch.setattr(engine, name, counted)
    engine.compile_scenario(mini_data)
    assert calls == {"read": 1, "graph": 1, "build": 1, "route": 1}


def test_critical_cap_is_declared_once_and_read_written_and_bounded(mini_data):
    assert normalize_scenario(mini_data).get("critical_cap") is None, "absent stays absent (old scenarios)"
    canon = normalize_scenario({**mini_data, "critical_cap": 0.5})
    assert canon["critical_cap"] == 0.5
    assert scenario_to_xml(canon).get("critical_cap") == "0.5"
    assert normalize_scenario(scenario_from_xml(scenario_to_xml(canon))) == canon
    for bad in (1.5, -0.1, "half", True):
        problems = validate_scenario({**mini_data, "critical_cap": bad})
        assert [(p.code, p.path) for p in problems] == [("not_fraction", "scenario.critical_cap")], bad
