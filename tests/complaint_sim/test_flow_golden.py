"""The run flow as pure functions, pinned per scenario by golden JSON (issue 15, item 4).

For every packaged scenario (and the test scenario): start, the model route to its ending,
a stale repeat, a restart and a poor route (the first visible choice each turn), each step's
new progress, learner state and events, computed by :mod:`complaint_sim_xblock.flow` alone
(no block, no database). Regenerate after an intended change with
``UPDATE_GOLDEN=1 pytest tests/complaint_sim/test_flow_golden.py`` and review the diff.
"""
import json
import os
from importlib import resources
from pathlib import Path

import pytest

from complaint_sim_xblock import flow, session
from complaint_sim_xblock.block import packaged_scenario
from complaint_sim_xblock.scenario import compile_scenario
from tests.conftest import DATA, load_yaml

GOLDEN = Path(__file__).parent / "golden" / "flow"
PACKAGED = sorted(p.name for p in resources.files("complaint_sim_xblock").joinpath("scenarios").iterdir()
                  if p.name.endswith(".yaml"))
CASES = {"mini": lambda: load_yaml(DATA / "mini.yaml"),
         **{name.removesuffix(".yaml"): (lambda name=name: packaged_scenario(name)) for name in PACKAGED}}


def _step(log, scenario, label, current, action):
    try:
        current, events = action(current)
        outcome = {"events": events}
    except flow.FlowError as error:
        outcome = {"error": {"status": error.status, "code": error.code}}
    log.append({"action": label, **outcome,
                "state": flow.learner_state(scenario, current, 3, "best", timeout_text=("Time is up", "…"))})
    return current


def _play(log, scenario, current, moves):
    for move in moves:
        run = current["run"]
        if session.is_finished(run):
            break
        node = scenario.node(run["node"])
        if node.type == "record":
            values = session._perfect_record(node.record)  # noqa: SLF001
            current = _step(log, scenario, f"record {node.id}", current,
                            lambda c, n=node, r=run, v=values: flow.record(scenario, c, n.id, r["step"], v, "best"))
        else:
            choice = move or session.visible_choices(scenario, run)[0].id
            current = _step(log, scenario, f"choose {node.id}/{choice}", current,
                            lambda c, n=node, r=run, ch=choice: flow.choose(scenario, c, n.id, r["step"], ch, "best"))
    return current


def walk(scenario):
    """Every step of: model route, a stale repeat, restart, first-choice route, one start too many."""
    log = []
    current = _step(log, scenario, "start 1", flow.empty(), lambda c: flow.start(scenario, c, 1, 3))
    model = [choice for node, choice in scenario.model_route if scenario.node(node).type != "ending"]
    current = _play(log, scenario, current, model)
    current = _step(log, scenario, "choose again after the ending", current,
                    lambda c: flow.choose(scenario, c, model and scenario.start or "x", 0, "x", "best"))
    current = _step(log, scenario, "start 1 again (stale)", current, lambda c: flow.start(scenario, c, 1, 3))
    current = _step(log, scenario, "start 2", current, lambda c: flow.start(scenario, c, 2, 3))
    current = _play(log, scenario, current, [None] * scenario.max_steps)
    current = _step(log, scenario, "start 3", current, lambda c: flow.start(scenario, c, 3, 3))
    _step(log, scenario, "start 4 (no attempts left)", current, lambda c: flow.start(scenario, c, 4, 3))
    return log


@pytest.mark.parametrize("name", sorted(CASES))
def test_run_flow_matches_golden(name):
    log = walk(compile_scenario(CASES[name]()))
    text = json.dumps(log, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    path = GOLDEN / f"{name}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1"
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(text)


def test_each_ending_sends_its_grade_ending_and_completion_once():
    log = walk(compile_scenario(CASES["mini"]()))
    names = [name for step in log for name, _payload in step.get("events", [])]
    assert names.count("edx.complaint_sim.ending") == 2 and names.count("grade") == 2
    assert names.count("completion") == 1
