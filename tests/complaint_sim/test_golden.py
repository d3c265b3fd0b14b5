"""Golden files: scenario + route in, the learner payload at every step out.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 pytest tests/complaint_sim/test_golden.py``
and review the diff: it is exactly what the browser receives.
"""
import json
import os
from pathlib import Path

import pytest

from complaint_sim_xblock import session
from complaint_sim_xblock.block import packaged_scenario
from complaint_sim_xblock.scenario import compile_scenario
from tests.conftest import DATA, load_yaml

GOLDEN = Path(__file__).parent / "golden"
RECORD = {"category": "Pelayanan", "urgency": "Sedang", "referral": "Kelurahan", "deadline_days": 3,
          "summary": "Printer rusak sehingga antrean warga panjang"}

CASES = {
    "mini_model_route": (lambda: load_yaml(DATA / "mini.yaml"), "model", RECORD),
    "mini_poor_route": (lambda: load_yaml(DATA / "mini.yaml"), ["ketus", "usir"], None),
    "ktp_el_model_route": (lambda: packaged_scenario("ktp_el_terlambat.yaml"), "model", None),
}


def walk(scenario, route, record):
    """Payloads seen by the learner along a route ('model' follows the model route)."""
    run = session.new_run(scenario, 1)
    payloads = [session.learner_view(scenario, run)]
    moves = [choice for _node, choice in scenario.model_route if scenario.node(_node).type != "ending"] \
        if route == "model" else route
    for move in moves:
        node = scenario.node(run["node"])
        if node.type == "record":
            values = record or session._perfect_record(node.record)  # noqa: SLF001
            run = session.submit_record(scenario, run, node.id, run["step"], values)
        else:
            run = session.choose(scenario, run, node.id, run["step"], move)
        payloads.append(session.learner_view(scenario, run))
    payloads.append(session.debrief(scenario, run))
    return payloads


@pytest.mark.parametrize("name", sorted(CASES))
def test_learner_payloads_match_golden(name):
    load, route, record = CASES[name]
    payloads = walk(compile_scenario(load()), route, record)
    path = GOLDEN / f"{name}.json"
    text = json.dumps(payloads, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1"
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(text)
