"""Reflection handler costs for ``make bench``: submit, self-assess, staff-grade.

Each timed call builds a fresh LMS-shaped runtime for its user (as a request would), loads
the block and calls the handler through the real dispatch path (``block.handle`` with a
webob request); field data lives in the workbench's database store (as the LMS keeps it in
``StudentModule``), and the real edx-submissions and this package's models use the same
bench database. The floor is an empty XBlock's JSON handler timed the same way in the same
run; the budget is a ratio to it (issue: each within 5x). Not a test: nothing passes or
fails here.
"""
import itertools
import json
import statistics

from webob import Request
from xblock.core import XBlock
from xblock.fields import ScopeIds
from xblock.reference.user_service import UserService, XBlockUser
from xblock.runtime import KvsFieldData
from xblock.test.tools import TestRuntime

BUDGET = 5
RUBRIC = {"criteria": [
    {"id": f"k{i}", "label": f"Kriteria {i}", "description": "",
     "levels": [{"id": f"l{j}", "label": f"Tingkat {j}", "description": "", "points": j} for j in range(4)]}
    for i in range(5)
] + [{"id": "catatan", "label": "Catatan", "description": "", "levels": []}]}
SELECTIONS = {f"k{i}": "l2" for i in range(5)}
TEXT = " ".join(["Saya menyapa warga, menolak uang rokok, merujuk ke Disdukcapil dan mencatat pengaduan."] * 20)


class _Empty(XBlock):
    """The floor: a JSON handler that returns ``{}``."""

    @XBlock.json_handler
    def noop(self, data, suffix=""):
        """Nothing."""
        return {}


class _User(UserService):
    def __init__(self, username, staff=False):
        user = XBlockUser(is_current_user=True, full_name=username)
        user.opt_attrs.update({"edx-platform.username": username, "edx-platform.anonymous_user_id": f"b-{username}",
                               "edx-platform.user_id": 1, "edx-platform.is_authenticated": True,
                               "edx-platform.user_is_staff": staff})
        super().__init__(user=user)

    def get_current_user(self):
        return self._user


class _Runtime(TestRuntime):
    def publish(self, block, event_type, event_data):
        pass


def _block(cls, kvs, usage, username, staff=False):
    runtime = _Runtime(services={"field-data": KvsFieldData(kvs), "user": _User(username, staff)})
    return runtime.construct_xblock_from_class(cls, ScopeIds(username, usage.split(".")[1], usage, usage))


def _call(block, handler, payload):
    request = Request.blank("/", method="POST", body=json.dumps(payload).encode(), content_type="application/json")
    response = block.handle(handler, request)
    if response.status_code != 200:
        raise RuntimeError(f"{handler}: {response.status_code} {response.body[:200]!r}")
    return response


def bench_rubric(measure):
    """Median ms of submit, self_assess and staff_grade beside the empty-block floor.

    ``measure(fn)`` calls ``fn`` repeatedly (after a warm-up) and returns nanosecond samples.
    Every submit is a new learner; every self assessment and staff grade a new submission.
    """
    from workbench.runtime import WORKBENCH_KVS as kvs

    from rubric_xblock.block import RubricReflectionBlock
    from rubric_xblock.models import Reflection

    run = Reflection.objects.count()  # keeps usage ids unique if called twice on one database
    usage = f"bench-rubric-{run}.rubric_reflection.d0.u0"
    author = _block(RubricReflectionBlock, kvs, usage, "author")
    author.rubric, author.min_words, author.max_words = RUBRIC, 10, 1000
    author.save()
    names = (f"learner{n}" for n in itertools.count())
    submitted = []

    def submit():
        name = next(names)
        _call(_block(RubricReflectionBlock, kvs, usage, name), "submit", {"text": TEXT, "confirm": True})
        submitted.append(name)

    floor_usage = f"bench-rubric-{run}.bench_empty.d0.u0"
    floor = statistics.median(measure(lambda: _call(_block(_Empty, kvs, floor_usage, "floor"), "noop",
                                                    {"x": 1}))) / 1e6
    submit_ms = statistics.median(measure(submit)) / 1e6

    to_assess = iter(list(submitted))
    self_ms = statistics.median(measure(lambda: _call(
        _block(RubricReflectionBlock, kvs, usage, next(to_assess)), "self_assess",
        {"selections": SELECTIONS, "comments": {"catatan": "Saya akan mencatat tenggat."}}))) / 1e6

    uuids = iter(list(Reflection.objects.filter(item_id=usage).values_list("submission_uuid", flat=True)))
    grade_ms = statistics.median(measure(lambda: _call(_block(RubricReflectionBlock, kvs, usage, "staff", staff=True),
                                                       "staff_grade", {
        "submission_uuid": next(uuids), "selections": SELECTIONS, "comments": {"k0": "Bagus."},
        "overall_comment": "Baik.", "expected_version": 0}))) / 1e6

    return {"dispatch": _figures(floor, submit_ms, self_ms, grade_ms), "http": _bench_http(measure, run)}


def _figures(floor, submit_ms, self_ms, grade_ms):
    figures = {"floor_handler_ms": round(floor, 3)}
    for name, value in (("submit", submit_ms), ("self_assess", self_ms), ("staff_grade", grade_ms)):
        figures[f"{name}_ms"] = round(value, 3)
        figures[f"{name}_ratio"] = round(value / floor, 2)
    figures[f"within_{BUDGET}x"] = all(figures[f"{n}_ratio"] <= BUDGET for n in ("submit", "self_assess",
                                                                                 "staff_grade"))
    return figures


def _bench_http(measure, run):
    """The same three handlers through the workbench's Django stack (test client → views →
    runtime → block), beside an empty block's handler served the same way."""
    from django.test import Client
    from workbench import scenarios

    from rubric_xblock.models import Reflection

    client = Client()

    @XBlock.register_temp_plugin(_Empty, "bench_rubric_empty")
    def measure_all():
        scenarios.get_scenarios()
        scenarios.add_xml_scenario(f"bench-rubric-empty-{run}", f"bench rubric empty {run}",
                                   "<vertical_demo><bench_rubric_empty/></vertical_demo>")
        scenarios.add_xml_scenario(f"bench-rubric-http-{run}", f"bench rubric http {run}", f"""<vertical_demo>
            <rubric_reflection min_words="10" max_words="1000"><rubric>{_rubric_olx()}</rubric>
            </rubric_reflection></vertical_demo>""")
        empty = f"bench-rubric-empty-{run}.bench_rubric_empty.d0.u0"
        usage = f"bench-rubric-http-{run}.rubric_reflection.d0.u0"
        students = (f"h{run}x{n}" for n in itertools.count())

        def post(target, handler, student, payload):
            response = client.post(f"/handler/{target}/{handler}/?student={student}", json.dumps(payload),
                                   content_type="application/json")
            if response.status_code != 200:
                raise RuntimeError(f"{handler}: {response.status_code} {response.content[:200]!r}")

        floor = statistics.median(measure(lambda: post(empty, "noop", "floor", {"x": 1}))) / 1e6
        done = []

        def submit():
            student = next(students)
            post(usage, "submit", student, {"text": TEXT, "confirm": True})
            done.append(student)

        submit_ms = statistics.median(measure(submit)) / 1e6
        assessing = iter(list(done))
        self_ms = statistics.median(measure(lambda: post(usage, "self_assess", next(assessing), {
            "selections": SELECTIONS, "comments": {"catatan": "Saya akan mencatat tenggat."}}))) / 1e6
        uuids = iter(list(Reflection.objects.filter(item_id=usage).values_list("submission_uuid", flat=True)))
        grade_ms = statistics.median(measure(lambda: post(usage, "staff_grade", "staff_bench", {
            "submission_uuid": next(uuids), "selections": SELECTIONS, "comments": {"k0": "Bagus."},
            "overall_comment": "Baik.", "expected_version": 0}))) / 1e6
        return _figures(floor, submit_ms, self_ms, grade_ms)

    return measure_all()


def _rubric_olx():
    from lxml import etree

    from rubric_xblock.olx import rubric_to_element
    from rubric_xblock.rubric import parse_rubric

    element = rubric_to_element(parse_rubric(RUBRIC))
    return "".join(etree.tostring(child, encoding="unicode") for child in element)


# ---------------------------------------------------------------------------
# Grading at scale (issue 12): 200 and 20,000 submissions, 3 peer reviews each, a staff grade
# on every 10th (20,000 → 60,000 peer assessments and 2,000 staff grades), seeded through the
# real models with bulk_create.

SCALE_SIZES = (200, 20_000)
SCALE_BUDGET = 3      # each handler within 3x one staff_submission
FLAT_BUDGET = 1.5     # and within 1.5x of itself from 200 to 20,000 submissions


def bench_rubric_scale(measure=None, runs=None):
    """Queue page, Grade next, a peer allocation and the agreement summary beside one
    ``staff_submission``, at 200 and 20,000 submissions; the streamed CSV's memory peak.

    Both sizes are seeded first; then all ten calls (five per size) are interleaved
    (``tests.bench_speed.interleaved``: every round calls each once, in a rotating order), so
    the machine's noise falls on the yardstick and the handlers, and on both sizes, alike;
    ``runs`` rounds (BENCH_RUNS, else 60). ``measure`` is not used (kept for old callers). All
    on the bench's SQLite file as the demo configures it (rollback journal, synchronous FULL):
    the write handlers pay their commits, the read yardstick none.
    """
    import os
    import time

    from workbench.runtime import WORKBENCH_KVS as kvs

    from rubric_xblock.block import RubricReflectionBlock
    from rubric_xblock.models import Reflection
    from rubric_xblock.rubric import parse_rubric
    from tests.bench_speed import interleaved
    from tests.rubric_seed import seed

    runs = runs or int(os.environ.get("BENCH_RUNS", "60"))
    rubric = parse_rubric(RUBRIC)
    run = Reflection.objects.count()
    names = ("queue_page", "grade_next", "peer_allocation", "agreement")
    contenders, figures = {}, {}
    for size in SCALE_SIZES:
        usage = f"bench-scale-{run}-{size}.rubric_reflection.d0.u0"
        author = _block(RubricReflectionBlock, kvs, usage, "author")
        author.rubric, author.min_words, author.grading_mode, author.peer_training = RUBRIC, 10, "peer", False
        author.save()
        prefix = f"s{run}x{size}n"
        started = time.perf_counter()
        seed("workbench", usage, size, prefix, rubric=rubric, peer_per=3, staff_share=10, sampled_share=10,
             anonymous="b-{}".format)
        figures[size] = {"seed_s": round(time.perf_counter() - started, 1)}
        uuids = list(Reflection.objects.filter(item_id=usage).order_by("id").values_list("submission_uuid", flat=True))
        # map(str.format): the names are fixed now (a generator would read prefix after the loop).
        graders = map(f"grader{run}x{size}n{{}}".format, itertools.count())
        learners = map(f"{prefix}{{}}".format, itertools.count(1))

        def staff(handler, payload, usage=usage, user=lambda: "staff"):
            # Like every handler timed here, a fresh block per call (as a request builds it): a block
            # reused across calls reads its fields once and makes the yardstick look cheaper.
            return lambda: _call(_block(RubricReflectionBlock, kvs, usage, user(), staff=True), handler, payload)

        contenders.update({
            (size, "staff_submission"): staff("staff_submission", {"submission_uuid": uuids[7]}),
            (size, "queue_page"): staff("staff_queue", {"filter": "ungraded"}),
            (size, "grade_next"): staff("grade_next", {}, user=lambda graders=graders: next(graders)),
            (size, "peer_allocation"): lambda usage=usage, learners=learners: _call(
                _block(RubricReflectionBlock, kvs, usage, next(learners)), "peer_next", {"more": True}),
            (size, "agreement"): staff("agreement_summary", {}),
        })
        figures[size]["csv_usage"] = usage
    figures["load_average_before"] = round(os.getloadavg()[0], 2)
    times = interleaved(contenders, runs)
    figures["load_average_after"] = round(os.getloadavg()[0], 2)
    for size in SCALE_SIZES:
        entry = figures[size]
        one = times[size, "staff_submission"]
        entry["staff_submission_ms"] = round(one, 3)
        for name in names:
            entry[f"{name}_ms"] = round(times[size, name], 3)
            entry[f"{name}_ratio"] = round(times[size, name] / one, 2)
    large, small = figures[SCALE_SIZES[-1]], figures[SCALE_SIZES[0]]
    small.pop("csv_usage")
    large["csv_rows"], large["csv_peak_mb"] = _csv_peak(
        _block(RubricReflectionBlock, kvs, large.pop("csv_usage"), "staff", staff=True))
    figures["flat"] = {name: round(large[f"{name}_ms"] / small[f"{name}_ms"], 2) for name in names}
    figures[f"within_{SCALE_BUDGET}x_staff_submission"] = all(
        figures[size][f"{name}_ratio"] <= SCALE_BUDGET for size in SCALE_SIZES for name in names)
    figures[f"flat_within_{FLAT_BUDGET}"] = all(value <= FLAT_BUDGET for value in figures["flat"].values())
    figures["csv_under_50_mb"] = large["csv_peak_mb"] < 50
    return figures


def _csv_peak(block):
    """``(rows, peak MB)`` of the block's streamed CSV export, read to its end."""
    import tracemalloc

    request = Request.blank("/", method="POST", body=b"{}", content_type="application/json")
    tracemalloc.start()
    response = block.handle("download_csv", request)
    rows = sum(chunk.count(b"\n") for chunk in response.app_iter) - 1
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return rows, round(peak / 2**20, 2)


def main(argv):
    """``python -m tests.bench_rubric [dispatch|scale ...]``: the reflection's handler costs
    (``dispatch``) and grading at scale (``scale``, issue 12), as JSON; BENCH_RUNS calls each (60)."""
    import os
    import sys

    from tests import bench_django
    from tests.bench_timing import samples_ns

    bench_django.setup("bench-rubric-")
    runs = int(os.environ.get("BENCH_RUNS", "60"))
    from course_export.demo import pages as demo_pages
    from tests.bench_speed import patch_peers

    patch_peers()  # the workbench lists scenarios (dispatch's HTTP part) with the peers installed too
    ours = demo_pages.is_our_scenario  # the demo serves the bench's scenarios too, as in tests/bench.py
    demo_pages.is_our_scenario = lambda name: name.startswith("bench-") or ours(name)

    def timed(fn):
        return samples_ns(fn, runs, 5)

    parts = argv or ["dispatch", "scale"]
    report = {"load_average": os.getloadavg()[0], "runs": runs}
    if "dispatch" in parts:
        report["rubric_reflection"] = bench_rubric(timed)
    if "scale" in parts:
        report["rubric_grading_at_scale"] = bench_rubric_scale(timed)
    report["load_average_after"] = os.getloadavg()[0]
    json.dump(report, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
