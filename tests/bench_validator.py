"""``make bench``: the validator's time, with the critical-breach reachability check.

Figures (milliseconds, median of several runs) for the six course scenarios as shipped, the
same six with every duty marked critical (the check then explores every state it can reach),
and generated scenarios of 10, 100 and 1,000 nodes whose "ketus" choice breaches a critical
duty (so the search walks the whole state space: nodes x mood values x breached).
"""
import copy
import statistics
import time
from importlib import resources

import yaml

from complaint_sim_xblock.scenario import compile_scenario, critical_reach, validate_scenario

RUNS = 5


def _ms(fn, runs=RUNS):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 2)


def course_scenarios():
    folder = resources.files("complaint_sim_xblock").joinpath("scenarios")
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(folder.iterdir(), key=lambda p: p.name)
            if p.name.endswith(".yaml")]


def all_critical(data):
    data = copy.deepcopy(data)
    for duty in data.get("duties", ()):
        duty["critical"] = True
    return data


def critical_generated(size):
    from tests.bench import generated_scenario  # noqa: PLC0415

    data = generated_scenario(size)
    data["duties"] = [{"id": "tolak", "label": "Tidak melempar tanggung jawab", "critical": True,
                       "basis": [{"law": "uu-25-2009", "article": "Pasal 34"}]}]
    for node in data["nodes"]:
        for choice in node.get("choices", ()):
            if choice["id"] == "ketus":
                choice["breaches"] = ["tolak"]
    return data


def bench_validator():
    """The figures, as a dict for bench.py's report."""
    shipped = course_scenarios()
    marked = [all_critical(d) for d in shipped]
    compiled_marked = []
    for data in marked:  # compile without the critical rules (they may fail: that is issue 10)
        plain = copy.deepcopy(data)
        for duty in plain["duties"]:
            duty.pop("critical")
        compiled_marked.append(compile_scenario(plain))
    # the reach check on the compiled scenarios, with the duties marked critical again
    from dataclasses import replace  # noqa: PLC0415

    compiled_marked = [replace(s, duties=tuple({**d, "critical": True} for d in s.duties)) for s in compiled_marked]
    report = {
        "course_six_validate_ms": _ms(lambda: [validate_scenario(d) for d in shipped]),
        "course_six_all_duties_critical_validate_ms": _ms(lambda: [validate_scenario(d) for d in marked]),
        "course_six_all_duties_critical_reach_ms": _ms(lambda: [critical_reach(s) for s in compiled_marked]),
    }
    for size in (10, 100, 1000):
        data = critical_generated(size)
        assert validate_scenario(data) == [], size
        scenario = compile_scenario(data)
        states = len(scenario.nodes) * 11
        report[f"generated_{size}_nodes"] = {
            "validate_ms": _ms(lambda data=data: validate_scenario(data), runs=3),
            "reach_ms": _ms(lambda scenario=scenario: critical_reach(scenario), runs=3),
            "state_bound": states,
        }
    return report


if __name__ == "__main__":
    import json

    print(json.dumps(bench_validator(), indent=2))
