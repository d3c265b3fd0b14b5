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
