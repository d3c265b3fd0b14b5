"""The scenario validator: every rule, with its code and location; the model route."""
import copy

import pytest

from complaint_sim_xblock import session
from complaint_sim_xblock.scenario import (
    ScenarioInvalid,
    build_validated,
    compile_scenario,
    scenario_digest,
    validate_scenario,
)
from tests.generated import generated_scenario


def node(data, node_id):
    """The node dict with this id."""
    return next(n for n in data["nodes"] if n["id"] == node_id)


def codes(data):
    """(code, path) of each problem."""
    return [(p.code, p.path) for p in validate_scenario(data)]


def test_mini_scenario_is_valid(mini_data):
    assert validate_scenario(mini_data) == []


def test_packaged_scenarios_are_valid():
    from complaint_sim_xblock.block import ComplaintSimBlock  # noqa: PLC0415

    scenarios = ComplaintSimBlock.workbench_scenarios()
    assert scenarios, "the package ships at least the demo scenario"
    assert "KTP-el" in scenarios[0][0]


def mutate(mini_data, change):
    data = copy.deepcopy(mini_data)
    change(data)
    return data


CASES = {
    "duplicate node id": (lambda d: d["nodes"].append(copy.deepcopy(node(d, "baik"))),
                          ("duplicate_id", "nodes[7].id")),
    "duplicate choice id": (lambda d: node(d, "datang")["choices"][1].update(id="sapa"),
                            ("duplicate_id", "nodes[0].choices[1].id")),
    "duplicate competency id": (lambda d: d["competencies"][1].update(id="empati"),
                                ("duplicate_id", "competencies[1].id")),
    "missing target": (lambda d: node(d, "datang")["choices"][1].update(target="nowhere"),
                       ("missing_target", "nodes[0].choices[1].target")),
    "missing record next": (lambda d: node(d, "rekam").update(next="nowhere"), ("missing_target", "nodes[2].next")),
    "missing start": (lambda d: d.update(start="nowhere"), ("missing_start", "scenario.start")),
    "unreachable node": (lambda d: d["nodes"].append(
        {"id": "lost", "type": "ending", "title": "x", "text": "y", "quality": "poor"}), ("unreachable", "nodes[7]")),
    "no reachable ending": (lambda d: (node(d, "tanya")["choices"][2].update(target="tanya"),
                                       node(d, "tanya")["choices"][1].update(target="tanya")),
                            ("no_ending", "scenario.start")),
    "loop that cannot end": (lambda d: (node(d, "tanya")["choices"].append(
        {"id": "loop", "text": "x", "target": "putar"}), d["nodes"].append(
        {"id": "putar", "type": "dialogue", "speaker": "citizen", "text": "t", "choices": [
            {"id": "a", "text": "a", "target": "putar"}, {"id": "b", "text": "b", "target": "putar"}]})),
        ("endless_loop", "nodes[7]")),
    "condition on unknown variable": (lambda d: node(d, "tanya")["choices"][1].update(condition="anger > 2"),
                                      ("unknown_variable", "nodes[1].choices[1].condition")),
    "unparsable condition": (lambda d: node(d, "tanya")["choices"][1].update(condition="mood is high"),
                             ("bad_condition", "nodes[1].choices[1].condition")),
    "conditions can hide every choice": (
        lambda d: [c.update(condition="mood >= 5") for c in node(d, "tutup")["choices"]],
        ("all_hidden", "nodes[3].choices")),
    "too few choices": (lambda d: node(d, "tutup")["choices"].pop(), ("choice_count", "nodes[3].choices")),
    "unknown competency": (lambda d: node(d, "datang")["choices"][0]["scores"].update(kejujuran=1),
                           ("unknown_reference", "nodes[0].choices[0].scores.kejujuran")),
    "unknown duty": (lambda d: node(d, "datang")["choices"][0].update(fulfils=["tidak-ada"]),
                     ("unknown_reference", "nodes[0].choices[0].fulfils")),
    "unknown effect variable": (lambda d: node(d, "datang")["choices"][0]["effects"].update(sabar=1),
                                ("unknown_reference", "nodes[0].choices[0].effects.sabar")),
    "two model choices": (lambda d: node(d, "datang")["choices"][1].update(model=True),
                          ("several_models", "nodes[0].choices")),
    "initial outside bounds": (lambda d: d["variables"][0].update(initial=11),
                               ("initial_out_of_bounds", "variables[0].initial")),
    "expected not an option": (lambda d: node(d, "rekam")["record"]["category"].update(expected="Lain"),
                               ("expected_not_option", "nodes[2].record.category.expected")),
    "bad id": (lambda d: node(d, "baik").update(id="Baik Sekali"), ("bad_id", "nodes[4].id")),
    "dead end": (lambda d: node(d, "tutup").update(choices=[]), ("dead_end", "nodes[3]")),
    "missing text": (lambda d: node(d, "tanya").pop("text"), ("missing", "nodes[1].text")),
    "not a mapping": (lambda d: d.update(persona="Bu Sari"), ("not_mapping", "persona")),
    "unknown mood variable": (lambda d: d.update(mood_variable="marah"),
                              ("unknown_variable", "scenario.mood_variable")),
    "max_steps out of range": (lambda d: d.update(max_steps=0), ("out_of_range", "scenario.max_steps")),
    "model route too long for the step bound": (lambda d: d.update(max_steps=2),
                                                ("model_route_no_ending", "scenario.max_steps")),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_rule_reports_its_code_and_location(mini_data, case):
    change, expected = CASES[case]
    found = codes(mutate(mini_data, change))
    assert expected in found, found


def test_problem_messages_are_located_and_readable(mini_data):
    data = mutate(mini_data, lambda d: node(d, "datang")["choices"][1].update(target="nowhere"))
    (problem,) = validate_scenario(data)
    assert problem.node == "datang"
    assert str(problem) == "nodes[0].choices[1].target: target 'nowhere' is not a node"
    translated = problem.as_dict(lambda t: t.replace("is not a node", "bukan simpul"))
    assert translated == {"code": "missing_target", "message": "target 'nowhere' bukan simpul",
                          "path": "nodes[0].choices[1].target", "node": "datang"}


def test_compile_raises_with_all_problems(mini_data):
    data = mutate(mini_data, lambda d: d.update(persona=None, title=""))
    with pytest.raises(ScenarioInvalid) as raised:
        compile_scenario(data)
    assert {p.code for p in raised.value.problems} >= {"not_mapping", "missing"}


def test_garbage_input_is_reported_not_raised():
    for garbage in (None, [], "text", 42, {"nodes": "x"}, {"nodes": [None, 3]}):
        assert validate_scenario(garbage), garbage


def test_model_route_follows_marked_choices_and_conditions(mini_data):
    scenario = compile_scenario(mini_data)
    assert scenario.model_route == (
        ("datang", "sapa"), ("tanya", "catat"), ("rekam", None), ("tutup", "nomor"), ("baik", None))


def test_model_route_without_marks_takes_the_most_valuable_visible_choice(mini_data):
    data = mutate(mini_data, lambda d: [c.pop("model", None) for n in d["nodes"] for c in n.get("choices", [])])
    scenario = compile_scenario(data)
    # At 'tanya' the 'catat' choice (worth 2) is visible because 'sapa' raised the mood to 5.
    assert scenario.model_route[:2] == (("datang", "sapa"), ("tanya", "catat"))


def test_maximum_is_derived_from_the_model_route(mini_data):
    scenario = compile_scenario(mini_data)
    # empati 2x1 + prosedur 1x2 + duties sapa 1 + nomor 2 + five record fields.
    assert session.max_points(scenario) == 12


def test_digest_changes_with_content_only(mini_data):
    same = copy.deepcopy(mini_data)
    assert scenario_digest(compile_scenario(mini_data).data) == scenario_digest(compile_scenario(same).data)
    same["title"] = "Lain"
    assert scenario_digest(compile_scenario(mini_data).data) != scenario_digest(compile_scenario(same).data)


@pytest.mark.parametrize("change, code", [
    (lambda d: d.update(mood_variable=[]), "unknown_variable"),
    (lambda d: d.update(mood_variable={}), "unknown_variable"),
    (lambda d: node(d, "datang")["choices"][0].update(fulfils=[[1]]), "unknown_reference"),
    (lambda d: node(d, "datang")["choices"][0].update(breaches=[{}]), "unknown_reference"),
    (lambda d: node(d, "tanya")["choices"][1].update(condition="mood > " + "9" * 5000), "bad_condition"),
    (lambda d: node(d, "datang")["choices"][0].update(scores={"empati": 10**400}), "out_of_range"),
    (lambda d: node(d, "datang")["choices"][0].update(effects={"mood": -(10**30)}), "out_of_range"),
    (lambda d: d["competencies"][0].update(weight=float("inf")), "not_positive"),
    (lambda d: d["variables"][0].update(max=10**30), "out_of_range"),
])
def test_hostile_values_are_located_problems(mini_data, change, code):
    assert code in [p.code for p in validate_scenario(mutate(mini_data, change))]


def test_a_scenario_validated_on_save_builds_only_the_nodes_a_request_reads():
    """build_validated (a worker meeting a scenario validated on save) builds nodes on first
    read: the model route's at once, any other when asked, each equal to the full build's."""
    canon = compile_scenario(generated_scenario(300)).data
    eager = compile_scenario(canon)
    lazy = build_validated(canon, eager.digest)
    route_nodes = {node_id for node_id, _choice in eager.model_route}
    assert set(lazy.nodes._built) == route_nodes  # noqa: SLF001
    assert len(route_nodes) < len(canon["nodes"]) // 4
    assert lazy.model_route == eager.model_route and session.max_points(lazy) == session.max_points(eager)
    assert list(lazy.nodes) == list(eager.nodes) and len(lazy.nodes) == len(canon["nodes"])
    assert "nowhere" not in lazy.nodes and lazy.nodes.get("nowhere") is None
    assert dict(lazy.nodes) == dict(eager.nodes)  # every node, built as it is read, equal
    assert lazy == eager
