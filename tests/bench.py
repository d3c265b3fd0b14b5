"""``make bench``: request costs through the workbench's Django stack, against an empty XBlock.

Every figure is a median over many requests, measured in this run beside the floor: an
XBlock whose view returns an empty fragment and whose JSON handler returns ``{}``, served
through exactly the same path (Django test client -> workbench views -> runtime -> block
-> field storage in SQLite). Ratios, not seconds, are what the budgets speak of, because
these machines are noisy. Not a test: nothing here passes or fails.
"""
import gzip
import json
import os
import re
import statistics
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.bench_settings")  # the demo's, plus installed peers
os.environ["DEMO_DATABASE"] = os.path.join(tempfile.mkdtemp(prefix="bench-"), "bench.db")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from lxml import etree  # noqa: E402
from web_fragments.fragment import Fragment  # noqa: E402
from webob import Request  # noqa: E402
from workbench import scenarios  # noqa: E402
from xblock.core import XBlock  # noqa: E402
from xblock.field_data import DictFieldData  # noqa: E402
from xblock.fields import Integer, Scope, ScopeIds  # noqa: E402

from complaint_sim_xblock.block import ComplaintSimBlock  # noqa: E402
from complaint_sim_xblock.olx import scenario_to_xml  # noqa: E402
from complaint_sim_xblock.scenario import compile_scenario  # noqa: E402
from course_export.demo import pages as demo_pages  # noqa: E402
from tests.bench_speed import bench_speed, patch_peers, restart  # noqa: E402
from tests.bench_timing import median_ms, samples_ns  # noqa: E402
from tests.conftest import LmsLikeRuntime  # noqa: E402
from tests.generated import generated_scenario  # noqa: E402

SIZES = (10, 100, 1000)
RUNS = int(os.environ.get("BENCH_RUNS", "150"))
WARMUP = 5


class EmptyBlock(XBlock):
    """The floor: a view that returns an empty fragment, a handler that returns {}, and one
    that stores a learner-state field (the least a handler that keeps learner state pays)."""

    count = Integer(default=0, scope=Scope.user_state)

    def student_view(self, context=None):
        """An empty fragment."""
        return Fragment("<div></div>")

    @XBlock.json_handler
    def noop(self, data, suffix=""):
        """Nothing."""
        return {}

    @XBlock.json_handler
    def noop_write(self, data, suffix=""):
        """One user-state write (saved by the runtime after the handler)."""
        self.count += 1
        return {}


def timed(fn, runs=RUNS):
    """Nanoseconds of ``fn`` over ``runs`` calls after a warm-up."""
    return samples_ns(fn, runs, WARMUP)


def get(client, url):
    """A page that must exist: a floor measured on a 404 page would be no floor."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def usage_of(client, scenario_id, block_type):
    page = get(client, f"/scenario/{scenario_id}/?student=bench").content.decode("utf-8")
    return re.search(rf"data-usage=['\"]([^'\"]+\.{block_type}\.[^'\"]+)['\"]", page).group(1)


def post(client, usage, handler, student, payload):
    response = client.post(f"/handler/{usage}/{handler}/?student={student}", json.dumps(payload),
                           content_type="application/json")
    assert response.status_code == 200, response.content
    return response


@XBlock.register_temp_plugin(EmptyBlock, "bench_empty")
def main():
    """Run every measurement and print the figures as JSON."""
    call_command("migrate", verbosity=0, interactive=False)
    patch_peers()
    # The demo serves only this project's scenarios; the bench's own go the same path.
    ours = demo_pages.is_our_scenario
    demo_pages.is_our_scenario = lambda name: name.startswith("bench-") or ours(name)
    client = Client()
    if True:  # the temporary plugin is registered for the whole run
        scenarios.init_scenarios()
        scenarios.get_scenarios.initialized = True
        scenarios.add_xml_scenario("bench-empty", "Empty XBlock", "<vertical_demo><bench_empty/></vertical_demo>")
        for size in SIZES:
            data = compile_scenario(generated_scenario(size)).data
            element = etree.Element("complaint_sim", display_name=f"Bench {size}", max_attempts="0")
            element.append(scenario_to_xml(data))
            scenarios.add_xml_scenario(f"bench-{size}", f"Bench {size}",
                                       f"<vertical_demo>{etree.tostring(element, encoding='unicode')}</vertical_demo>")
        report = {"runs": RUNS, "python": sys.version.split()[0], "complaint_sim": {}}

        empty_usage = usage_of(client, "bench-empty", "bench_empty")
        floor_view = median_ms(timed(lambda: get(client, "/view/bench-empty/student_view/?student=bench")))
        counter = iter(range(10**9))
        floor_handler = median_ms(timed(lambda: post(client, empty_usage, "noop", f"e{next(counter)}", {"x": 1})))
        floor_write = median_ms(timed(lambda: post(client, empty_usage, "noop_write", f"w{next(counter)}", {"x": 1})))
        report["floor_ms"] = {"render": round(floor_view, 3), "handler": round(floor_handler, 3),
                              "handler_one_state_write": round(floor_write, 3)}

        for size in SIZES:
            report["complaint_sim"][size] = http_figures(client, size, report["floor_ms"])

        report["complaint_sim_in_process"] = in_process_figures()
        page = get(client, "/view/complaint_sim.0/student_view/?student=weight").content.decode("utf-8")
        report["page_weight"] = page_weight(page)
        from tests.bench_editor import bench_editor  # noqa: PLC0415
        from tests.bench_rubric import bench_rubric, bench_rubric_scale  # noqa: PLC0415

        report["rubric_reflection"] = bench_rubric(timed)
        report["rubric_grading_at_scale"] = bench_rubric_scale(timed)
        report["editor_500_nodes"] = bench_editor()
        report["issue_16"] = bench_speed(min(RUNS, 60))
        from tests.bench_validator import bench_validator  # noqa: PLC0415

        report["validator"] = bench_validator()
    print(json.dumps(report, indent=2))
    http_summary(report)
    print(f"learner assets under 30 KB gzipped: {'yes' if report['page_weight']['total_gzip'] < 30_000 else 'NO'}")
    summary(report["issue_16"])
    editor_summary(report["editor_500_nodes"])


def http_figures(client, size, floor):
    """First render, render and choice of the ``size``-node role-play over HTTP, with ratios."""
    sid = f"bench-{size}"
    usage = usage_of(client, sid, "complaint_sim")
    start = time.perf_counter_ns()
    get(client, f"/view/{sid}/student_view/?student=cold")
    cold = (time.perf_counter_ns() - start) / 1e6
    post(client, usage, "start", "viewer", {"attempt": 1})
    render = median_ms(timed(lambda: get(client, f"/view/{sid}/student_view/?student=viewer")))
    learners = iter(range(10**9))

    def choose():
        student = f"s{next(learners)}"
        post(client, usage, "start", student, {"attempt": 1})
        start_ns = time.perf_counter_ns()
        post(client, usage, "choose", student, {"node": "n0", "step": 0, "choice": "baik"})
        return time.perf_counter_ns() - start_ns

    for _ in range(WARMUP):
        choose()
    choice = statistics.median(choose() for _ in range(RUNS)) / 1e6
    return {
        "first_render_ms": round(cold, 3),
        "render_ms": round(render, 3), "render_ratio": round(render / floor["render"], 2),
        "choice_ms": round(choice, 3), "choice_ratio": round(choice / floor["handler"], 2),
        "choice_ratio_to_one_write": round(choice / floor["handler_one_state_write"], 2),
    }


def editor_summary(figures):
    """One line per budget of issue 13's editor at 500 nodes."""
    ok = figures["within_budget"]
    print(f"editor at {figures['nodes']} nodes, open within {figures['budgets']['open_ms']} ms as Studio's edit modal "
          f"opens it: {'yes' if ok['open_ms'] else 'NO'} (median {figures['open_ms']} ms of {figures['open_ms_runs']})")
    print(f"editor from a fresh navigation of the demo's editor page (not the budget: it also pays a new "
          f"renderer, jQuery and the workbench's runtime): median {figures['open_navigation_ms']} ms of "
          f"{figures['open_navigation_ms_runs']}, {figures['open_navigation_warm_ms']} ms with the workbench's "
          f"scripts cached")
    print(f"editor select within {figures['budgets']['select_ms_median']} ms: "
          f"{'yes' if ok['select_ms_median'] else 'NO'} (median {figures['select_ms_median']} ms)")
    print(f"editor page within {figures['budgets']['page_kb']} KB: {'yes' if ok['page_kb'] else 'NO'} "
          f"({figures['page_kb']} KB raw, {figures['page_gzip_kb']} KB gzipped)")


def http_summary(report):
    """The HTTP figures' budgets, each beside the floor it is measured against."""
    sizes = report["complaint_sim"].values()
    floor = report["floor_ms"]
    print(f"floor (empty block, same demo page and handler path): render {floor['render']} ms, handler "
          f"{floor['handler']} ms, handler with one learner-state write {floor['handler_one_state_write']} ms")
    renders = all(v["render_ratio"] <= 2 for v in sizes)
    print(f"complaint_sim render within 2x the empty block's at every size: {'yes' if renders else 'NO'} "
          f"({', '.join(str(v['render_ratio']) for v in sizes)})")
    print(f"complaint_sim choice within 2x an empty handler that stores learner state, at every size: "
          f"{'yes' if all(v['choice_ratio_to_one_write'] <= 2 for v in sizes) else 'NO'} "
          f"({', '.join(str(v['choice_ratio_to_one_write']) for v in sizes)}; "
          f"{', '.join(str(v['choice_ratio']) for v in sizes)} x a handler that stores nothing)")


def summary(speed):
    """Issue 16's budgets, read off this run's figures."""
    reflection = speed["reflection"]
    if "vs_ora2" in reflection:
        ratios = reflection["vs_ora2"]
        print(f"reflection render {ratios['render']}x ORA2's (budget <= 1): {'yes' if ratios['render'] <= 1 else 'NO'}")
        print(f"reflection submit {ratios['submit']}x, self_assess {ratios['self_assess']}x ORA2's (budget <= 0.4): "
              f"{'yes' if max(ratios['submit'], ratios['self_assess']) <= 0.4 else 'NO'}")
    else:
        print("reflection beside ORA2: edx-ora2 not installed (make bench-peers)")
    memo = speed["memo"]["mix"]
    print(f"memo: {memo['scenarios']} scenarios ({memo['offered_MiB']} MiB) offered, peak {memo['peak_held_MiB']} "
          f"MiB held of {speed['memo']['budget_MiB']} MiB: {'yes' if memo['within_budget'] else 'NO'}")
    first = speed["first_compile"][1000]
    fresh = speed["first_compile"]["first_request_fresh_process_1000_nodes_ms"]
    print(f"1,000 nodes: full compile {first['full_compile']} ms, build of a scenario validated on save "
          f"{first['build_validated']} ms (budget <= 100: {'yes' if first['build_validated'] <= 100 else 'NO'}); "
          f"first request in a fresh process {fresh.get('validated_on_save', fresh)}")


def in_process_figures():
    """The blocks' own code: runtime dispatch on in-memory field data, as the LMS holds it per request.

    A fresh block instance per call (as each LMS request builds one) over field data that
    persists between calls; the floor is the empty block called the same way.
    """
    def fresh(cls, data, block_type, usage):
        runtime = LmsLikeRuntime(field_data=data)
        return runtime.construct_xblock_from_class(cls, ScopeIds("bench", block_type, usage, usage))

    def request(payload):
        return Request.blank("/", method="POST", body=json.dumps(payload).encode(), content_type="application/json")

    empty_data = DictFieldData({})
    floor_view = median_ms(timed(lambda: fresh(EmptyBlock, empty_data, "bench_empty", "e").student_view()))
    floor_handler = median_ms(timed(lambda: fresh(EmptyBlock, empty_data, "bench_empty", "e").handle(
        "noop", request({"x": 1}))))
    figures = {"floor_ms": {"render": round(floor_view, 4), "handler": round(floor_handler, 4)}}
    for size in SIZES:
        data = DictFieldData({})
        author = fresh(ComplaintSimBlock, data, "complaint_sim", f"b{size}")
        author.set_scenario(compile_scenario(generated_scenario(size)).data)
        author.save()
        viewer = fresh(ComplaintSimBlock, data, "complaint_sim", f"b{size}")
        viewer.handle("start", request({"attempt": 1}))
        render = median_ms(timed(lambda data=data, size=size: fresh(
            ComplaintSimBlock, data, "complaint_sim", f"b{size}").student_view()))
        started = dict(data._data)  # noqa: SLF001  (a learner who has just started, restored before each choice)

        def choose(data=data, size=size, started=started):
            restart(data, started)
            block = fresh(ComplaintSimBlock, data, "complaint_sim", f"b{size}")
            start_ns = time.perf_counter_ns()
            response = block.handle("choose", request({"node": "n0", "step": 0, "choice": "baik"}))
            elapsed = time.perf_counter_ns() - start_ns
            assert response.status_code == 200, response.body
            return elapsed

        for _ in range(WARMUP):
            choose()
        choice = statistics.median(choose() for _ in range(RUNS)) / 1e6
        figures[size] = {"render_ms": round(render, 4), "render_ratio": round(render / floor_view, 1),
                         "choice_ms": round(choice, 4), "choice_ratio": round(choice / floor_handler, 1)}
    return figures


def page_weight(page):
    """Bytes of the block's HTML, JS and CSS, raw and gzipped (the workbench's own chrome excluded)."""
    from complaint_sim_xblock.block import asset  # noqa: PLC0415
    from xblock_json_contract import client_script  # noqa: PLC0415

    html = page[page.find("<section class=\"csim\""):]
    html = html[: html.find("</section>") + len("</section>")]
    parts = {"html": html, "js": client_script() + asset("public/complaint_sim.js"),
             "css": asset("public/complaint_sim.css")}
    sizes = {f"{k}_raw": len(v.encode("utf-8")) for k, v in parts.items()}
    sizes.update({f"{k}_gzip": len(gzip.compress(v.encode("utf-8"), mtime=0)) for k, v in parts.items()})
    sizes["total_raw"] = sum(sizes[f"{k}_raw"] for k in parts)
    sizes["total_gzip"] = sum(sizes[f"{k}_gzip"] for k in parts)
    return sizes


if __name__ == "__main__":
    main()
