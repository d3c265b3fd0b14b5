"""In Chromium, issue 13 item 5 at 500 nodes: the editor page carries no scenario (editor_load
brings it), the map draws what is in view first and the rest right after, and selecting a node
neither redraws the map nor builds the folded parts of its choices.

A server of its own (fresh database): the 500-node scenario of tests/bench_editor.py is saved
through the editor's own editor_save. Figures (open, select) are for `make bench`, not here.
"""
import pytest

from tests.bench_editor import POST_JS, generate_scenario
from tests.browser_harness import DemoServer

pytestmark = pytest.mark.browser

NODES = 500


@pytest.fixture(scope="module")
def large_server(tmp_path_factory):
    server = DemoServer(tmp_path_factory.mktemp("studio-large"), language="en").start()
    yield server
    server.stop()


@pytest.fixture
def large_editor(chromium, large_server):
    url = large_server.url + "/scenario/complaint_sim.0/studio_view/?student=staff_large"
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(url)
    page.wait_for_selector('.cse[data-state="ready"]')
    if page.locator("g.cse-node").count() != NODES:  # once per module: save the 500-node scenario
        saved = page.evaluate(POST_JS, {"scenario": generate_scenario(NODES), "repeat": 0})["saved"]
        assert saved.get("saved"), saved
        page.goto(url)
        page.wait_for_selector('.cse[data-state="ready"]')
    page.url_of_editor = url
    yield page
    assert not page.errors, page.errors
    context.close()


def test_the_page_carries_no_scenario_and_the_map_draws_every_node_and_edge(large_editor):
    page = large_editor
    html = page.context.request.get(page.url_of_editor).text()
    assert "Turn 499: the citizen" not in html and 'data-id="d499"' not in html
    assert len(html.encode("utf-8")) <= 250 * 1024, len(html)  # issue 13's page budget, raw
    # Off-screen nodes come just after the first frame: then all of them, each once, and every edge once.
    page.wait_for_function(f"() => document.querySelectorAll('g.cse-node').length === {NODES}")
    ids = page.eval_on_selector_all("g.cse-node", "gs => gs.map(g => g.dataset.id)")
    assert sorted(ids) == sorted(n["id"] for n in generate_scenario(NODES)["nodes"])
    edges = page.eval_on_selector_all("path.cse-edge", "ps => ps.map(p => p.dataset.from + '/' + p.dataset.choice)")
    expected = [f"{n['id']}/{c['id']}" for n in generate_scenario(NODES)["nodes"] for c in n.get("choices", [])]
    assert sorted(edges) == sorted(expected)
    # The recommended route's marks reach the nodes drawn late as well (d0 … d449, then e0).
    page.wait_for_selector(".cse[data-checked-at]")
    page.wait_for_function("() => document.querySelectorAll('g.cse-node.on-route').length > 0")
    route = page.eval_on_selector_all("g.cse-node.on-route", "gs => gs.map(g => g.dataset.id)")
    assert sorted(route) == sorted([f"d{i}" for i in range(450)] + ["e0"])


def test_a_selection_keeps_the_map_and_builds_a_choice_s_folded_part_when_opened(large_editor):
    page = large_editor
    page.wait_for_function(f"() => document.querySelectorAll('g.cse-node').length === {NODES}")
    page.evaluate("() => { document.querySelector('svg.cse-svg').dataset.tag = 'first'; }")
    for node_id in ("d400", "d3", "e7"):
        page.evaluate("(id) => document.querySelector(`g.cse-node[data-id='${id}']`)"
                      ".dispatchEvent(new MouseEvent('click', {bubbles: true}))", node_id)
        assert page.locator(".cse-node-head h3").inner_text().endswith(node_id)
        assert page.eval_on_selector_all("g.cse-node.is-selected", "gs => gs.map(g => g.dataset.id)") == [node_id]
    # The same drawing throughout: selection toggles classes, it does not redraw.
    assert page.evaluate("() => document.querySelector('svg.cse-svg').dataset.tag") == "first"
    page.evaluate("() => document.querySelector(`g.cse-node[data-id='d10']`)"
                  ".dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    folded = page.locator(".cse-choice").nth(2).locator("details.cse-more")
    assert folded.evaluate("d => d.children.length") == 1  # only its summary until opened
    folded.locator("summary").click()
    assert folded.locator(".cse-condition-row .cse-condition-op").input_value() == ">="  # "mood >= 2"
    assert page.locator(".cse-choice").nth(0).locator("details.cse-more").evaluate("d => d.children.length") == 1
