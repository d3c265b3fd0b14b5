"""Issue 11's speed budgets, for ``make bench`` (``python -m tests.bench_analytics`` alone).

Through the workbench's Django stack (test client -> workbench -> runtime -> block -> SQLite),
on the packaged KTP-el role-play:

* attempts are generated through the real recording path: each is a random walk played with
  the pure flow (``flow.start`` / ``choose`` / ``proceed`` / ``record``), and its ending is
  added with ``aggregates.record`` in a transaction, the function the block's ``_commit``
  calls (8 units, 30 days);
* the staff ``analytics`` handler and the ``state`` of a learner whose debrief carries
  colleague shares are timed at 200 and at 20,000 attempts, against the ``state`` of a
  learner in the middle of an attempt (budget: each <= 2x, and 20,000 / 200 <= 1.3), in one
  interleaved loop (``bench_timing.interleaved_ns``: 10 untimed rounds, then ``BENCH_RUNS``
  rounds of the three calls in rotating order; medians);
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


def _usage(client):
    import re

    page = client.get(f"/scenario/{SCENARIO}/?student=bench").content.decode("utf-8")
    return re.search(r"data-usage=['\"]([^'\"]+\.complaint_sim\.[^'\"]+)['\"]", page).group(1)


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


WARMUP = 10  # untimed rounds of the three calls before each size's timed rounds


def bench_analytics(runs=60, large=LARGE):
    """The figures as a dict (see the module doc)."""
    from django.test import Client

    from complaint_sim_xblock import aggregates
    from complaint_sim_xblock.block import ComplaintSimBlock, default_scenario
    from tests.browser.sim_driver import ROUTE_GOOD, ROUTE_POOR

    client = Client()
    usage = _usage(client)
    scenario = default_scenario()
    rng = random.Random(11)
    _post(client, usage, "start", "mid", {"attempt": 1})
    _post(client, usage, "choose", "mid", {"node": "pembuka", "step": 0, "choice": "sapa-validasi"})
    _post(client, usage, "start", "done", {"attempt": 1})
    for step, (node, choice) in enumerate(ROUTE_GOOD):
        if choice == "RECORD":
            from tests.browser.sim_driver import GOOD_RECORD

            _post(client, usage, "record", "done", {"node": node, "step": step,
                                                    "record": {**GOOD_RECORD, "deadline_days": 5}})
        else:
            _post(client, usage, "choose", "done", {"node": node, "step": step, "choice": choice})
    figures = {}
    recorded = 1  # "done" above
    for size in (SMALL, large):
        started = time.perf_counter()
        generate(scenario, usage, size - recorded, rng, recorded)
        generation = time.perf_counter() - started
        recorded = size
        assert any(t.get("peers") for t in _post(client, usage, "state", "done", {})["state"]["debrief"]["turns"])
        # One loop of rounds, each calling the three handlers once (in rotating order): the ratios
        # compare calls made side by side, whatever the machine's other users do meanwhile.
        samples = interleaved_ns({
            "state": lambda: _post(client, usage, "state", "mid", {}),
            "debrief": lambda: _post(client, usage, "state", "done", {}),
            "analytics": lambda: _post(client, usage, "analytics", "staff_bench", {}),
        }, runs, WARMUP)
        state, debrief, analytics = (median_ms(samples[name]) for name in ("state", "debrief", "analytics"))
        rows = aggregates.RoleplayCounter.objects.filter(usage_key=usage).count()
        figures[size] = {"state_ms": round(state, 3), "debrief_ms": round(debrief, 3),
                         "analytics_ms": round(analytics, 3), "debrief_ratio": round(debrief / state, 2),
                         "analytics_ratio": round(analytics / state, 2), "aggregate_rows": rows,
                         "generation_s": round(generation, 1)}
    figures["growth"] = {key: round(figures[large][f"{key}_ms"] / figures[SMALL][f"{key}_ms"], 2)
                         for key in ("debrief", "analytics", "state")}
    # The same growth with each figure taken relative to `state` measured beside it: the machine's
    # load, which moves every millisecond figure between the two sizes, cancels out.
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
