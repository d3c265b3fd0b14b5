"""Issue 11's speed budgets, for ``make bench`` (``python -m tests.bench_analytics`` alone).

Through the workbench's Django stack (test client -> workbench -> runtime -> block -> SQLite),
on the packaged KTP-el role-play:

* attempts are generated through the real recording path: each is a random walk played with
  the pure flow (``flow.start`` / ``choose`` / ``proceed`` / ``record``), and its ending is
  added with ``aggregates.record`` in a transaction, the function the block's ``_commit``
  calls (8 units, 30 days);
* two blocks of the same role-play, one with 200 attempts and one with 20,000, in one
  table (as in an LMS: every block's rows together): on each, the staff ``analytics``
  handler and the ``state`` of a learner whose debrief carries colleague shares are timed
  against the ``state`` of a learner in the middle of an attempt (budget: each <= 2x, and
  20,000 / 200 <= 1.3), all six calls in one interleaved loop
  (``bench_timing.interleaved_ns``: 10 untimed rounds, then ``BENCH_RUNS`` rounds in rotating
  order, gc before; medians), so the 200 and the 20,000 figures are taken side by side;
* the ``choose`` that ends an attempt, with the recording and with it replaced by nothing
  (budget: recording adds <= 50 %).

Not a test: nothing passes or fails; the figures are printed.
"""
import json
import os
import random
import statistics
import sys
import tempfile
import time

from tests.bench_timing import interleaved_ns, median_ms

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.bench_settings")
    os.environ["DEMO_DATABASE"] = os.path.join(tempfile.mkdtemp(prefix="bench-analytics-"), "bench.db")
    import django

    django.setup()

SCENARIO = "complaint_sim.0"
UNITS = [f"Kelurahan {n}" for n in ("Sudimara", "Paninggilan", "Karang Tengah", "Pondok Bahar", "Cipadu",
                                    "Larangan Utara", "Gaga", "Kreo")]
SMALL, LARGE = 200, 20_000


def _usage(client, scenario_name=SCENARIO):
    import re

    page = client.get(f"/scenario/{scenario_name}/?student=bench").content.decode("utf-8")
    return re.search(r"data-usage=['\"]([^'\"]+\.complaint_sim\.[^'\"]+)['\"]", page).group(1)


def _second_block():
    """The name of a second workbench scenario holding the same role-play (another block)."""
    from workbench.scenarios import add_xml_scenario, get_scenarios

    name = "complaint_sim.bench-small"
    if name not in get_scenarios():
        add_xml_scenario(name, "Bench: the same role-play, a second block", get_scenarios()[SCENARIO].xml)
    return name


def _learners(client, usage):
    """A learner in the middle of an attempt ("mid") and one after an ending ("done")."""
    from tests.browser.sim_driver import GOOD_RECORD, ROUTE_GOOD

    _post(client, usage, "start", "mid", {"attempt": 1})
    _post(client, usage, "choose", "mid", {"node": "pembuka", "step": 0, "choice": "sapa-validasi"})
    _post(client, usage, "start", "done", {"attempt": 1})
    for step, (node, choice) in enumerate(ROUTE_GOOD):
        if choice == "RECORD":
            _post(client, usage, "record", "done", {"node": node, "step": step,
                                                    "record": {**GOOD_RECORD, "deadline_days": 5}})
        else:
            _post(client, usage, "choose", "done", {"node": node, "step": step, "choice": choice})


def _post(client, usage, handler, student, payload):
    response = client.post(f"/handler/{usage}/{handler}/?student={student}", json.dumps(payload),
                           content_type="application/json")
    assert response.status_code == 200, response.content[:500]
    return json.loads(response.content)


def _walk(scenario, rng):
    """A finished run of a random walk through ``scenario``, and its history entry."""
    from complaint_sim_xblock import flow, session
    from tests.browser.sim_driver import GOOD_RECORD

    current, _events = flow.start(scenario, flow.empty(), 1, 0)
    while not session.is_finished(current["run"]):
        run = current["run"]
        node = scenario.node(run["node"])
        if node.type == "dialogue":
            choice = rng.choice(session.visible_choices(scenario, run))
            current, _events = flow.choose(scenario, current, node.id, run["step"], choice.id, "best")
        elif node.type == "narration":
            current, _events = flow.proceed(scenario, current, node.id, run["step"], "best")
        else:
            current, _events = flow.record(scenario, current, node.id, run["step"],
                                           {**GOOD_RECORD, "deadline_days": 5}, "best")
    return current["run"], current["history"][-1]


def generate(scenario, usage, count, rng, offset):
    """Record ``count`` finished attempts of learners ``gen-<offset>…`` into the aggregates."""
    import datetime

    from django.db import transaction

    from complaint_sim_xblock import aggregates

    first_day = datetime.date(2026, 10, 1)
    for i in range(offset, offset + count):
        run, entry = _walk(scenario, rng)
        with transaction.atomic():
            aggregates.record(scenario, usage, f"gen-{i}", UNITS[i % len(UNITS)], run, entry,
                              first_day + datetime.timedelta(days=i % 30))


WARMUP = 10  # untimed rounds of the timed calls before the timed rounds


def bench_analytics(runs=60, large=LARGE):
    """The figures as a dict (see the module doc)."""
    from django.test import Client

    from complaint_sim_xblock import aggregates
    from complaint_sim_xblock.block import ComplaintSimBlock, default_scenario
    from tests.browser.sim_driver import ROUTE_POOR

    client = Client()
    usages = {SMALL: _usage(client, _second_block()), large: _usage(client)}
    usage = usages[large]
    scenario = default_scenario()
    rng = random.Random(11)
    figures, generation = {}, {}
    for size, block in usages.items():
        _learners(client, block)  # "done" is the block's first recorded attempt
        started = time.perf_counter()
        generate(scenario, block, size - 1, rng, 1)
        generation[size] = time.perf_counter() - started
        assert any(t.get("peers") for t in _post(client, block, "state", "done", {})["state"]["debrief"]["turns"])
    # One loop of rounds, each calling the three handlers on both blocks once (in rotating order):
    # every ratio, and the growth from 200 to 20,000, compares calls made side by side, whatever
    # the machine's other users do meanwhile.
    calls = {}
    for size, block in usages.items():
        calls[f"state {size}"] = lambda block=block: _post(client, block, "state", "mid", {})
        calls[f"debrief {size}"] = lambda block=block: _post(client, block, "state", "done", {})
        calls[f"analytics {size}"] = lambda block=block: _post(client, block, "analytics", "staff_bench", {})
    samples = interleaved_ns(calls, runs, WARMUP)
    for size, block in usages.items():
        state, debrief, analytics = (median_ms(samples[f"{name} {size}"]) for name in ("state", "debrief", "analytics"))
        rows = aggregates.RoleplayCounter.objects.filter(usage_key=block).count()
        figures[size] = {"state_ms": round(state, 3), "debrief_ms": round(debrief, 3),
                         "analytics_ms": round(analytics, 3), "debrief_ratio": round(debrief / state, 2),
                         "analytics_ratio": round(analytics / state, 2), "aggregate_rows": rows,
                         "generation_s": round(generation[size], 1)}
    figures["growth"] = {key: round(figures[large][f"{key}_ms"] / figures[SMALL][f"{key}_ms"], 2)
                         for key in ("debrief", "analytics", "state")}
    # The same growth with each figure taken relative to `state` measured beside it.
    figures["growth_vs_state"] = {key: round(figures[large][f"{key}_ratio"] / figures[SMALL][f"{key}_ratio"], 2)
                                  for key in ("debrief", "analytics")}

    # The choose that ends an attempt (ROUTE_POOR: two choices), with and without the recording.
    learners = iter(range(10**9))

    def ending():
        student = f"end{next(learners)}"
        _post(client, usage, "start", student, {"attempt": 1})
        _post(client, usage, "choose", student, {"node": ROUTE_POOR[0][0], "step": 0, "choice": ROUTE_POOR[0][1]})
        start = time.perf_counter_ns()
        _post(client, usage, "choose", student, {"node": ROUTE_POOR[1][0], "step": 1, "choice": ROUTE_POOR[1][1]})
        return time.perf_counter_ns() - start

    real_record, real_unit = aggregates.record, ComplaintSimBlock.learner_unit
    with_recording, without = [], []
    for _ in range(3):
        ending()
    for _ in range(runs):  # interleaved, so the machine's noise falls on both alike
        with_recording.append(ending())
        aggregates.record, ComplaintSimBlock.learner_unit = (lambda *a, **k: None), (lambda self: "")
        try:
            without.append(ending())
        finally:
            aggregates.record, ComplaintSimBlock.learner_unit = real_record, real_unit
    on, off = statistics.median(with_recording) / 1e6, statistics.median(without) / 1e6
    figures["ending_choose"] = {"with_recording_ms": round(on, 3), "without_ms": round(off, 3),
                                "added": f"{round(100 * (on - off) / off)} %"}
    return figures


def verdict(figures, large=LARGE):
    """Issue 11's budgets, read off the figures."""
    big = figures[large]
    ending = figures["ending_choose"]
    return {
        "analytics and debrief <= 2x state (at 200 and at 20,000)": all(
            figures[size]["analytics_ratio"] <= 2 and figures[size]["debrief_ratio"] <= 2 for size in (SMALL, large)),
        "20,000 / 200 <= 1.3 (relative to state)": all(v <= 1.3 for v in figures["growth_vs_state"].values()),
        "recording adds <= 50 % to the ending choose": ending["with_recording_ms"] <= 1.5 * ending["without_ms"],
        "rows": big["aggregate_rows"],
    }


def main():
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    large = int(os.environ.get("BENCH_ATTEMPTS", LARGE))
    figures = bench_analytics(int(os.environ.get("BENCH_RUNS", "60")), large)
    print(json.dumps({"issue_11": figures, "budgets": verdict(figures, large)}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
