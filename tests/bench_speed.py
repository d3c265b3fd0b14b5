"""Issue 16's figures for ``make bench``, each beside its peers in the same run, interleaved.

- the reflection's ``student_view``, ``submit`` and ``self_assess`` beside edx-ora2's and an
  empty block's;
- the role-play's ``student_view`` and choice beside branching-xblock's, 10 to 1,000 nodes;
- the compiled-scenario memo: compiled sizes, and the byte budget held over a mix of sizes;
- the first compile of a scenario: a full compile (an unvalidated scenario), the build of a
  scenario validated on save (what a fresh worker's first learner request pays), and the same
  first request timed in fresh processes.

Every block runs in-process on the workbench runtime over in-memory field data (the block's
own CPU; edx-submissions and edx-ora2's workflow on the bench's SQLite database), a fresh
runtime and block per call as each LMS request builds one. "Interleaved": every round calls
each contender once, in a rotating order, so the machine's noise falls on all of them alike.
Peers are optional (``make bench-peers`` installs them in ``.venv-bench``); without them their
figures read "not installed". Not a test: nothing passes or fails here.
"""
import itertools
import json
import logging
import os
import statistics
import subprocess
import sys
import time

from web_fragments.fragment import Fragment
from webob import Request
from xblock.core import XBlock
from xblock.field_data import DictFieldData
from xblock.fields import ScopeIds
from xblock.runtime import DictKeyValueStore, KvsFieldData

from tests.bench_rubric import RUBRIC, SELECTIONS, TEXT
from tests.generated import generated_scenario

SIZES = (10, 100, 1000)
WARMUP = 3


class Floor(XBlock):
    """The empty block: an empty fragment, a JSON handler that returns ``{}``."""

    def student_view(self, context=None):
        """An empty fragment."""
        return Fragment("<div></div>")

    @XBlock.json_handler
    def noop(self, data, suffix=""):
        """Nothing."""
        return {}


class Elapsed(int):
    """Nanoseconds a contender timed itself (its set-up left out)."""


def interleaved(contenders, runs):
    """Median milliseconds of each of ``{name: fn}``, called in rotating order, once per round.

    ``fn()`` is timed whole, unless it returns an :class:`Elapsed`: its own measure.
    """
    names = list(contenders)
    for name in names:
        for _ in range(WARMUP):
            contenders[name]()
    samples = {name: [] for name in names}
    for round_no in range(runs):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter_ns()
            measured = contenders[name]()
            elapsed = time.perf_counter_ns() - start
            samples[name].append(measured if isinstance(measured, Elapsed) else elapsed)
    return {name: statistics.median(values) / 1e6 for name, values in samples.items()}


def _runtime(user, data):
    from workbench.runtime import WorkbenchRuntime  # noqa: PLC0415

    runtime = WorkbenchRuntime(user)
    runtime._services["field-data"] = data  # noqa: SLF001  (in-memory field data: the block's own CPU)
    return runtime


def _block(cls, block_type, usage, data, user="bench"):
    return _runtime(user, data).construct_xblock_from_class(cls, ScopeIds(user, block_type, usage, usage))


def _post(block, handler, payload):
    request = Request.blank("/", method="POST", body=json.dumps(payload).encode(), content_type="application/json")
    response = block.handle(handler, request)
    if response.status_code != 200:
        raise RuntimeError(f"{handler}: {response.status_code} {response.body[:300]!r}")
    return response


def restart(field_data, started):
    """Back to a learner who has just started (``started``, a copy of the field data then): the
    field data and the run table, whose row would make every repeated choice a 409 STALE."""
    from complaint_sim_xblock.models import RoleplayRun  # noqa: PLC0415

    RoleplayRun.objects.all().delete()
    field_data._data.clear()  # noqa: SLF001
    field_data._data.update(started)  # noqa: SLF001


def _peer(module, name):
    try:
        return getattr(__import__(module, fromlist=[name]), name)
    except ImportError:
        return None


def _ratios(times, floor="empty"):
    figures = {f"{name}_ms": round(value, 3) for name, value in times.items()}
    figures.update({f"{name}_vs_{floor}": round(value / times[floor], 2) for name, value in times.items()
                    if name != floor})
    return figures


# --- The reflection beside edx-ora2 ------------------------------------------------------------

def reflection_figures(runs):
    """Render, submit and self-assess: rubric_reflection, edx-ora2 (if installed), the floor."""
    from rubric_xblock.block import RubricReflectionBlock  # noqa: PLC0415

    ora_cls = _peer("openassessment.xblock.openassessmentblock", "OpenAssessmentBlock")
    # Kept per user and scope (DictFieldData would share one learner state among all learners).
    ours, ora, floor = (KvsFieldData(DictKeyValueStore()) for _ in range(3))
    author = _block(RubricReflectionBlock, "rubric_reflection", "rr", ours, "author")
    author.rubric, author.min_words, author.max_words = RUBRIC, 10, 1000
    author.prompt = "<p>Ceritakan bagaimana Anda menangani <strong>pengaduan</strong> di loket.</p>"
    author.save()
    if ora_cls is not None:
        ora_author = _block(ora_cls, "openassessment", "ora", ora, "author")
        ora_author.rubric_assessments = [{"name": "self-assessment"}]  # the same flow: submit, self
        ora_author.save()
        ora_options = {c["name"]: c["options"][1]["name"] for c in ora_author.rubric_criteria}
    views = {
        "empty": lambda: _block(Floor, "bench_empty", "e", floor).student_view(),
        "rubric_reflection": lambda: _block(RubricReflectionBlock, "rubric_reflection", "rr", ours).student_view(),
    }
    if ora_cls is not None:
        views["ora2"] = lambda: _block(ora_cls, "openassessment", "ora", ora).student_view()
    figures = {"peer": "edx-ora2 " + _version("ora2") if ora_cls else "edx-ora2 not installed",
               "render": _ratios(interleaved(views, runs))}

    learners = (f"w{n}" for n in itertools.count())
    submitted = {"rubric_reflection": [], "ora2": []}

    def submit(kind, cls, block_type, usage, data, payload):
        def call():
            name = next(learners)
            block = _block(cls, block_type, usage, data, name)
            start = time.perf_counter_ns()
            _post(block, "submit", payload)
            elapsed = time.perf_counter_ns() - start
            submitted[kind].append(name)
            return Elapsed(elapsed)
        return call

    handlers = {"empty": lambda: _post(_block(Floor, "bench_empty", "e", floor), "noop", {"x": 1}),
                "rubric_reflection": submit("rubric_reflection", RubricReflectionBlock, "rubric_reflection", "rr",
                                            ours, {"text": TEXT, "confirm": True})}
    if ora_cls is not None:
        handlers["ora2"] = submit("ora2", ora_cls, "openassessment", "ora", ora, {"submission": [TEXT]})
    figures["submit"] = _ratios(interleaved(handlers, runs))

    def assess(kind, cls, block_type, usage, data, payload):
        queue = iter(list(submitted[kind]))

        def call():
            block = _block(cls, block_type, usage, data, next(queue))
            start = time.perf_counter_ns()
            _post(block, "self_assess", payload)
            return Elapsed(time.perf_counter_ns() - start)
        return call

    selves = {"empty": handlers["empty"],
              "rubric_reflection": assess("rubric_reflection", RubricReflectionBlock, "rubric_reflection", "rr",
                                          ours, {"selections": SELECTIONS, "comments": {"catatan": "Tenggat."}})}
    if ora_cls is not None:
        selves["ora2"] = assess("ora2", ora_cls, "openassessment", "ora", ora, {
            "options_selected": ora_options, "criterion_feedback": {}, "overall_feedback": ""})
    figures["self_assess"] = _ratios(interleaved(selves, min(runs, len(submitted["rubric_reflection"])
                                                              - WARMUP)))
    if ora_cls is not None:
        figures["vs_ora2"] = {step: round(figures[step]["rubric_reflection_ms"] / figures[step]["ora2_ms"], 2)
                              for step in ("render", "submit", "self_assess")}
    return figures


# --- The role-play beside branching-xblock -------------------------------------------------------

def _branching_data(size):
    """The generated scenario as branching-xblock nodes: the same graph, text and choices."""
    scenario = generated_scenario(size)
    nodes = {}
    for node in scenario["nodes"]:
        if node["type"] == "dialogue":
            choices = [{"text": c["text"], "target_node_id": c["target"], "score": 1} for c in node["choices"]]
        elif node["type"] == "record":
            choices = [{"text": "Simpan catatan", "target_node_id": node["next"], "score": 1}]
        else:
            choices = []
        nodes[node["id"]] = {"id": node["id"], "content": f"<p>{node['text']}</p>", "choices": choices,
                             "media": {"type": "", "url": "", "alt": ""}, "hint": ""}
    return {"nodes": nodes, "start_node_id": scenario["start"]}


def roleplay_figures(runs):
    """complaint_sim and branching-xblock (if installed): render and one choice, per size."""
    from complaint_sim_xblock.block import ComplaintSimBlock  # noqa: PLC0415
    from complaint_sim_xblock.scenario import compile_scenario  # noqa: PLC0415

    branching = _peer("branching_xblock.branching_xblock", "BranchingXBlock")
    floor = DictFieldData({})
    figures = {"peer": "branching-xblock " + _version("branching-xblock") if branching
               else "branching-xblock not installed"}
    for size in SIZES:
        ours = DictFieldData({})
        author = _block(ComplaintSimBlock, "complaint_sim", f"cs{size}", ours, "author")
        author.set_scenario(compile_scenario(generated_scenario(size)).data)
        author.save()
        _post(_block(ComplaintSimBlock, "complaint_sim", f"cs{size}", ours), "start", {"attempt": 1})
        started = dict(ours._data)  # noqa: SLF001  (a learner who has just started)
        views = {"empty": lambda: _block(Floor, "bench_empty", "e", floor).student_view(),
                 "complaint_sim": lambda size=size, ours=ours: _block(
                     ComplaintSimBlock, "complaint_sim", f"cs{size}", ours).student_view()}

        def ours_choice(size=size, ours=ours, started=started):
            restart(ours, started)
            block = _block(ComplaintSimBlock, "complaint_sim", f"cs{size}", ours)
            start = time.perf_counter_ns()
            _post(block, "choose", {"node": "n0", "step": 0, "choice": "baik"})
            return Elapsed(time.perf_counter_ns() - start)

        choices = {"empty": lambda: _post(_block(Floor, "bench_empty", "e", floor), "noop", {"x": 1}),
                   "complaint_sim": ours_choice}
        if branching is not None:
            theirs = DictFieldData({})
            peer_author = _block(branching, "branching", f"br{size}", theirs, "author")
            peer_author.scenario_data = _branching_data(size)
            peer_author.save()
            _block(branching, "branching", f"br{size}", theirs).student_view()
            peer_started = dict(theirs._data)  # noqa: SLF001
            views["branching"] = lambda size=size, theirs=theirs: _block(
                branching, "branching", f"br{size}", theirs).student_view()

            def peer_choice(size=size, theirs=theirs, peer_started=peer_started):
                theirs._data.clear()  # noqa: SLF001
                theirs._data.update(peer_started)  # noqa: SLF001
                block = _block(branching, "branching", f"br{size}", theirs)
                start = time.perf_counter_ns()
                _post(block, "select_choice", {"choice_index": 0})
                return Elapsed(time.perf_counter_ns() - start)

            choices["branching"] = peer_choice
        rounds = runs if size < 1000 else max(10, runs // 5)  # branching-xblock takes ~0.3 s a call at 1,000
        figures[size] = {"render": _ratios(interleaved(views, rounds)),
                         "choice": _ratios(interleaved(choices, rounds))}
    return figures


# --- The memo and the first compile ----------------------------------------------------------------

def memo_figures():
    """Compiled sizes per scenario size, and the default budget held over a mix of sizes."""
    from complaint_sim_xblock.block import DEFAULT_MEMO_BYTES  # noqa: PLC0415
    from complaint_sim_xblock.memo import ByteBudgetMemo, MiB, deep_size  # noqa: PLC0415
    from complaint_sim_xblock.scenario import compile_scenario  # noqa: PLC0415

    compiled = {size: compile_scenario(generated_scenario(size)) for size in (10, 30, 100, 300, 1000)}
    sizes = {size: deep_size(value) for size, value in compiled.items()}
    memo = ByteBudgetMemo(DEFAULT_MEMO_BYTES)
    mix = [1000, 10, 300, 100, 30] * 12  # 60 distinct scenarios, about 100 MiB if all were kept
    peak = 0
    for n, size in enumerate(mix):
        memo.get(f"s{n}", lambda size=size: compiled[size], size=sizes[size])
        peak = max(peak, memo.stats()["bytes"])
    stats = memo.stats()
    return {"compiled_MiB": {size: round(value / MiB, 3) for size, value in sizes.items()},
            "budget_MiB": round(DEFAULT_MEMO_BYTES / MiB, 1),
            "one_1000_node_scenarios_per_budget": DEFAULT_MEMO_BYTES // sizes[1000],
            "mix": {"scenarios": len(mix), "offered_MiB": round(sum(sizes[s] for s in mix) / MiB, 1),
                    "peak_held_MiB": round(peak / MiB, 2), "held_entries": stats["entries"],
                    "evictions": stats["evictions"], "within_budget": peak <= DEFAULT_MEMO_BYTES}}


def compile_figures(runs):
    """Per size: full compile, the build of a scenario validated on save, its measuring, the
    field's JSON decoding (for scale); then the first learner request in fresh processes."""
    from complaint_sim_xblock.memo import deep_size  # noqa: PLC0415
    from complaint_sim_xblock.scenario import build_validated, compile_scenario, scenario_digest  # noqa: PLC0415

    figures = {}
    for size in SIZES:
        canon = compile_scenario(generated_scenario(size)).data
        digest = scenario_digest(canon)
        raw = json.dumps(canon)
        value = compile_scenario(canon, digest)  # measured on save: every node built
        figures[size] = {k: round(v, 2) for k, v in interleaved({
            "full_compile": lambda canon=canon, digest=digest: compile_scenario(canon, digest),
            "build_validated": lambda canon=canon, digest=digest: build_validated(canon, digest),
            "measure_size_on_save": lambda value=value: deep_size(value),
            "json_decode_field": lambda raw=raw: json.loads(raw),
        }, max(5, runs // (10 if size == 1000 else 1))).items()}
    figures["first_request_fresh_process_1000_nodes_ms"] = _fresh_process_first_request()
    return figures


FRESH = r"""
import json, time
from xblock.fields import ScopeIds
from xblock.runtime import DictKeyValueStore, KvsFieldData
from complaint_sim_xblock import block as module
from complaint_sim_xblock.scenario import compile_scenario
from tests.conftest import LmsLikeRuntime
from tests.generated import generated_scenario

def fresh(data, user="u"):
    return LmsLikeRuntime(field_data=data).construct_xblock_from_class(
        module.ComplaintSimBlock, ScopeIds(user, "complaint_sim", "d", "u"))

lazy_build = module.build_validated


def eager_build(canon, digest):  # session 2's build of a validated scenario: every node at once
    scenario = lazy_build(canon, digest)
    scenario.nodes.build_all()
    return scenario


out = {}
# Interleaved, so the process's own first-use costs (templates, the first query) land on the
# first kind alike in every process: "warm_up" is a 10-node scenario met first.
for kind in ("warm_up", "validated_on_save", "validated_every_node_built", "never_validated"):
    data = KvsFieldData(DictKeyValueStore())  # field data as the LMS's: read without copying
    author = fresh(data, "author")
    author.set_scenario(compile_scenario(generated_scenario(10 if kind == "warm_up" else 1000)).data)
    if kind == "never_validated":
        author.scenario_checked = {}  # saved before validation moved to the save, or not through set_scenario
    author.save()
    module.build_validated = eager_build if kind == "validated_every_node_built" else lazy_build
    module._COMPILED.clear()  # a worker that has not met the scenario yet
    start = time.perf_counter()
    fresh(data).student_view()
    out[kind] = round((time.perf_counter() - start) * 1000, 1)
print(json.dumps(out))
"""


def _fresh_process_first_request(processes=3):
    """The first ``student_view`` of a 1,000-node role-play in new processes (imports excluded)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "course_export.demo.settings"}
    results = []
    for _ in range(processes):
        done = subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + FRESH], env=env,
                              capture_output=True, text=True, check=False, timeout=300)
        if done.returncode != 0:
            return {"error": done.stderr[-500:]}
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {kind: {"median": statistics.median(r[kind] for r in results),
                   "runs": [r[kind] for r in results]} for kind in results[0]}


def _version(distribution):
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"


def patch_peers():
    """Let the workbench list its scenarios with the peers installed: the peers list none.

    branching-xblock 0.3.3 declares ``workbench_scenarios`` without ``@staticmethod``, and
    edx-ora2 7.1.2's wheel lacks the XML files its ``workbench_scenarios`` reads; either stops
    the workbench listing any block's scenarios. The bench builds the peers' blocks itself.
    """
    for module, name in (("branching_xblock.branching_xblock", "BranchingXBlock"),
                         ("openassessment.xblock.openassessmentblock", "OpenAssessmentBlock")):
        peer = _peer(module, name)
        if peer is not None:
            peer.workbench_scenarios = staticmethod(list)


def bench_speed(runs):
    """Every figure of this module, as one JSON-able dict."""
    patch_peers()
    for noisy in ("openassessment", "workbench.runtime", "waffle"):  # edx-ora2 logs per request in the workbench
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    return {"reflection": reflection_figures(runs), "roleplay": roleplay_figures(runs),
            "memo": memo_figures(), "first_compile": compile_figures(runs)}


PARTS = {"reflection": reflection_figures, "roleplay": roleplay_figures, "memo": memo_figures,
         "first_compile": compile_figures}


def main(argv):
    """``python -m tests.bench_speed [part ...]``: issue 16's figures (every part, or the named ones:
    reflection, roleplay, memo, first_compile) as JSON, then the budget lines; BENCH_RUNS rounds (60)."""
    from tests import bench_django  # noqa: PLC0415

    bench_django.setup("bench-speed-")
    runs = int(os.environ.get("BENCH_RUNS", "60"))
    parts = argv or list(PARTS)
    unknown = [part for part in parts if part not in PARTS]
    if unknown:
        raise SystemExit(f"unknown part {unknown}; choose from {list(PARTS)}")
    patch_peers()
    for noisy in ("openassessment", "workbench.runtime", "waffle"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    report = {part: PARTS[part]() if part == "memo" else PARTS[part](runs) for part in parts}
    print(json.dumps(report, indent=2))
    reflection = report.get("reflection", {})
    if "vs_ora2" in reflection:
        ratios = reflection["vs_ora2"]
        print(f"load average {os.getloadavg()[0]:.2f}; reflection vs ORA2: render {ratios['render']}x (budget <= 1), "
              f"submit {ratios['submit']}x, self_assess {ratios['self_assess']}x (budget <= 0.4): "
              f"{'yes' if ratios['render'] <= 1 and max(ratios['submit'], ratios['self_assess']) <= 0.4 else 'NO'}")


if __name__ == "__main__":
    main(sys.argv[1:])
