"""Benchmark of the Studio editor at 500 nodes, in headless Chromium: ``bench_editor()``.

Starts the demo workbench on a free loopback port with a fresh database (the browser
harness's ``DemoServer``), saves a generated 500-node scenario through ``editor_save`` as
staff, then opens the editor page and measures:

* ``open_ms``: the editor opened as a lecturer opens it, with Studio's *Edit*: the edit modal
  adds the ``studio_view`` fragment to the unit page, which is already loaded (jQuery and the
  runtime there). Emulated in the role-play's own page as staff: the editor's page fetched (the
  server renders the fragment), the fragment's head resources (the preload, the styles) and
  inline scripts added in order, its HTML inserted and the block initialized, as Studio's
  ``XBlockView`` loader (``cms/static/js/views/xblock.js``) does with the fragment; from the
  start of the fetch to ``data-state=ready`` (the scenario loaded, drawn and interactive). The
  budget's figure: the edit modal is the only way a lecturer opens the editor;
* ``open_navigation_ms``: navigation start → ``data-state=ready`` on the demo's own editor page
  (``/scenario/…/studio_view/``), each open in a fresh browser context (nothing cached): besides
  the editor, it pays what no Studio user pays at *Edit* (traced: a fresh renderer's navigation
  ~64 ms, its first JavaScript context ~28, evaluating jQuery ~37, starting the workbench's
  runtime ~13); the budget was first judged on this figure (the issue's "922 ms");
* ``open_navigation_warm_ms``: the same, opened again in one context whose HTTP cache holds the
  workbench's scripts (jQuery, its runtime);
* ``started_ms``: navigation start → the runtime starts the editor's script (DOMContentLoaded:
  the page parsed and its deferred scripts run);
* ``load_ms``: the ``editor_load`` round trip within that (request → scenario parsed);
* ``init_ms``: the editor script alone (layout + SVG map + inspector), as it reports itself;
* ``select_ms_median`` / ``select_ms_max``: a click on a node → its inspector rendered and the
  next frame painted, over nodes spread across the map;
* ``checked_ms``: navigation start → the first validation report shown (the page carries none);
* ``validate_ms_median``: one live-validation round trip (``editor_validate``) for the scenario.

and the weights: ``page_kb``, the editor page's HTML as the server sends it (the workbench
inlines the scripts and styles; the scenario is not in it); ``page_gzip_kb``, the same bytes
gzipped (what a browser downloads from Open edX behind Tutor's Caddy, ``encode gzip``);
``load_kb``, the ``editor_load`` answer (the scenario, fetched once the script runs); and
``dom_kb``, the document once the map is drawn (``outerHTML``: the init data plus the SVG map).

The budgets of issue 13 at 500 nodes (``BUDGETS``): open (as Studio opens it) ≤ 400 ms, select ≤ 30 ms (median),
page ≤ 250 KB as served (raw: the issue's "943 KB page" was raw). ``within_budget`` says
which hold in this run. Each figure is the median over ``OPENS`` opens (select: over all
selections of all fresh page loads). Figures, not pass/fail: ``make bench`` prints them.
Run alone: ``python -m tests.bench_editor``.
"""
import gzip
import json
import statistics
import tempfile

NODE_COUNT = 500
SELECTIONS = 25
OPENS = 5
BUDGETS = {"open_ms": 400, "select_ms_median": 30, "page_kb": 250}


def generate_scenario(count=NODE_COUNT):
    """A valid scenario of ``count`` nodes: a long branching chain (90 %) and its endings (10 %)."""
    endings = max(2, count // 10)
    dialogues = count - endings
    nodes = []
    for i in range(dialogues):
        ahead = f"d{i + 1}" if i + 1 < dialogues else "e0"
        skip = f"d{i + 2}" if i + 2 < dialogues else "e1"
        back = f"d{max(0, i - 3)}"
        nodes.append({
            "id": f"d{i}", "type": "dialogue", "speaker": "citizen" if i % 3 else "narrator",
            "text": f"Turn {i}: the citizen explains another part of the complaint at some length.",
            "choices": [
                {"id": "listen", "text": "Listen and acknowledge.", "target": ahead, "model": True,
                 "scores": {"empathy": 1}, "effects": {"mood": 1}, "feedback": "Good: you listened."},
                {"id": "rush", "text": "Hurry things along.", "target": skip, "scores": {"empathy": -1},
                 "effects": {"mood": -1}, "feedback": "Too fast."},
                {"id": "again", "text": "Ask again.", "target": back, "condition": "mood >= 2"},
                {"id": "leave", "text": "Send the citizen away.", "target": f"e{i % endings}",
                 "breaches": ["acknowledge"]},
            ],
        })
    for j in range(endings):
        nodes.append({"id": f"e{j}", "type": "ending", "title": f"Ending {j}", "text": "The conversation ends.",
                      "quality": ("good", "fair", "poor")[j % 3]})
    return {
        "id": "bench-500", "title": "Benchmark scenario", "situation": "A very long conversation.",
        "start": "d0", "max_steps": 500, "feedback": "immediate",
        "persona": {"name": "Citizen", "role": "", "wants": ""}, "mood_variable": "mood",
        "competencies": [{"id": "empathy", "label": "Empathy", "weight": 1}],
        "variables": [{"id": "mood", "label": "Mood", "min": 0, "max": 10, "initial": 3}],
        "duties": [{"id": "acknowledge", "label": "Acknowledge", "basis": "UU 25/2009", "points": 1}],
        "nodes": nodes,
    }


# Runs in the editor page: POST through the block's handler URLs with the page's CSRF cookie.
POST_JS = """async ({scenario, repeat}) => {
  const element = document.querySelector('.xblock-v1[data-block-type="complaint_sim"]');
  const runtime = RuntimeProvider.getRuntime(1);
  const token = (document.cookie.match(/(?:^|;\\s*)csrftoken=([^;]+)/) || [])[1] || '';
  const call = async (name, body) => {
    const t = performance.now();
    const response = await fetch(runtime.handlerUrl(element, name), {method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'X-CSRFToken': decodeURIComponent(token)},
      body: JSON.stringify(body)});
    return [await response.json(), performance.now() - t];
  };
  const [saved, saveMs] = await call('editor_save', {scenario});
  const validateMs = [];
  for (let i = 0; i < repeat; i++) { validateMs.push((await call('editor_validate', {scenario}))[1]); }
  const loaded = await fetch(runtime.handlerUrl(element, 'editor_load'), {method: 'POST', credentials: 'same-origin',
    headers: {'Content-Type': 'application/json', 'X-CSRFToken': decodeURIComponent(token)}, body: '{}'});
  const loadBytes = (await loaded.arrayBuffer()).byteLength;
  return {saved, save_ms: saveMs, validate_ms: validateMs, load_bytes: loadBytes};
}"""


# Runs in the editor page: click nodes spread over the map; each time, until the inspector shows
# it and the next frame is painted.
SELECT_JS = """async (n) => {
  const ids = [...document.querySelectorAll('g.cse-node')].map(g => g.dataset.id);
  const out = [];
  for (let k = 0; k < n; k++) {
    const id = ids[Math.floor(k * ids.length / n)];
    const g = document.querySelector(`g.cse-node[data-id="${id}"]`);
    const t = performance.now();
    g.dispatchEvent(new MouseEvent('click', {bubbles: true}));
    await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
    if (!document.querySelector('.cse-node-head h3').textContent.endsWith(id)) {
      throw new Error('inspector did not show ' + id);
    }
    out.push(performance.now() - t);
  }
  return out;
}"""


def _demo_python():
    """The interpreter for the demo server: the project's .venv when this one holds the bench's
    peers (edx-ora2's block does not load in the demo's settings), else this one."""
    import importlib.util  # noqa: PLC0415
    import sys  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    plain = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "python"
    if importlib.util.find_spec("openassessment") is not None and plain.exists():
        return str(plain)
    return sys.executable


def _warm_opens(browser, page_url):
    """``OPENS`` navigation open times in one browser context whose cache already holds the workbench's
    scripts, as a Studio user's does (the first open fills it and is not counted)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    warm = []
    for k in range(OPENS + 1):
        page = context.new_page()
        page.goto(page_url, wait_until="commit")
        page.wait_for_selector('.cse[data-state="ready"]', timeout=120_000)
        if k:
            warm.append(float(page.get_attribute(".cse", "data-ready-at")))
        page.close()
    context.close()
    return warm


# Runs in a loaded page: open the editor as Studio's loader does (cms/static/js/views/xblock.js:
# the fragment's resources in order — head HTML, styles, inline scripts — then its HTML, then the
# runtime initializes it). Resolves to the ms from the start to data-state=ready.
IN_PAGE_JS = """async (editorUrl) => {
  const t0 = performance.now();
  const doc = new DOMParser().parseFromString(await (await fetch(editorUrl)).text(), 'text/html');
  for (const n of doc.head.querySelectorAll('link[rel="preload"], style')) {
    const copy = document.createElement(n.tagName);
    for (const a of n.attributes) { copy.setAttribute(a.name, a.value); }
    copy.textContent = n.textContent;
    document.head.appendChild(copy);
  }
  for (const s of doc.body.querySelectorAll('script:not([src]):not([type])')) {
    if (s.closest('main') || !/TangerangXBlocks|ComplaintSim/.test(s.textContent)) { continue; }
    const copy = document.createElement('script');
    copy.textContent = s.textContent;
    document.head.appendChild(copy);
  }
  const box = document.createElement('div');
  box.innerHTML = doc.querySelector('main').innerHTML;
  document.body.appendChild(box);
  XBlock.initializeBlocks($(box));
  const ed = box.querySelector('.cse');
  while (ed.dataset.state !== 'ready') { await new Promise(r => setTimeout(r, 2)); }
  return +ed.dataset.readyAt - t0;
}"""


def _in_page_opens(browser, host_url, page_url, node_count):
    """``OPENS`` open times of the editor added to a loaded page as Studio's edit modal adds it."""
    times = []
    for k in range(OPENS + 1):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(host_url)
        page.wait_for_load_state("load")
        page.wait_for_timeout(500)  # the page settled, as a Studio unit page is before Edit is pressed
        ms = page.evaluate(IN_PAGE_JS, page_url)
        page.wait_for_function(f"() => document.querySelectorAll('g.cse-node').length === {node_count}")
        if k:  # the first one warms the server
            times.append(ms)
        page.close()
    return times


def bench_editor(node_count=NODE_COUNT, selections=SELECTIONS):
    """Open and select timings of the editor with a ``node_count``-node scenario (a dict of figures)."""
    from playwright.sync_api import sync_playwright

    from tests import browser_harness as harness
    scenario = generate_scenario(node_count)
    with tempfile.TemporaryDirectory() as workdir:
        server = harness.DemoServer(workdir, language="en", python=_demo_python()).start()
        try:
            page_url = server.url + "/scenario/complaint_sim.0/studio_view/?student=staff_bench"
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=harness.CHROMIUM, headless=True,
                                                     args=harness.CHROMIUM_ARGS)
                try:
                    # Save the scenario through the editor's own handler (the page holds the CSRF cookie).
                    page = browser.new_page()
                    page.goto(page_url)
                    page.wait_for_selector('.cse[data-state="ready"]', timeout=60_000)
                    calls = page.evaluate(POST_JS, {"scenario": scenario, "repeat": 5})
                    assert calls["saved"].get("saved"), calls["saved"]
                    save_ms, validate = calls["save_ms"], calls["validate_ms"]
                    html = page.context.request.get(page_url).body()  # the page as served, with the saved scenario
                    page.close()
                    opens, starts, inits, loads, selects, doms, checks = [], [], [], [], [], [], []
                    for _ in range(OPENS):
                        page = browser.new_page(viewport={"width": 1280, "height": 900})
                        page.goto(page_url, wait_until="commit")
                        page.wait_for_selector('.cse[data-state="ready"]', timeout=120_000)
                        opens.append(float(page.get_attribute(".cse", "data-ready-at")))  # ms since navigation
                        starts.append(float(page.get_attribute(".cse", "data-started-at")))
                        inits.append(float(page.get_attribute(".cse", "data-init-ms")))
                        loads.append(float(page.get_attribute(".cse", "data-load-ms")))
                        # Selections are timed once the first validation has answered (it redraws the marks).
                        page.wait_for_selector(".cse[data-checked-at]", timeout=120_000)
                        checks.append(float(page.get_attribute(".cse", "data-checked-at")))
                        doms.append(page.evaluate("() => new Blob([document.documentElement.outerHTML]).size"))
                        drawn = page.locator("g.cse-node").count()
                        assert drawn == node_count, drawn
                        selects.extend(page.evaluate(SELECT_JS, selections))
                        page.close()
                    warm = _warm_opens(browser, page_url)
                    in_page = _in_page_opens(browser, server.url + "/scenario/complaint_sim.0/?student=staff_bench",
                                             page_url, node_count)
                finally:
                    browser.close()
        finally:
            server.stop()
    figures = {
        "nodes": node_count,
        "opens": len(opens),
        "open_ms": round(statistics.median(in_page)),
        "open_ms_runs": [round(x) for x in in_page],
        "open_navigation_ms": round(statistics.median(opens)),
        "open_navigation_ms_runs": [round(x) for x in opens],
        "open_navigation_warm_ms": round(statistics.median(warm)),
        "open_navigation_warm_ms_runs": [round(x) for x in warm],
        "started_ms": round(statistics.median(starts)),
        "init_ms": round(statistics.median(inits)),
        "load_ms": round(statistics.median(loads)),
        "checked_ms": round(statistics.median(checks)),
        "select_ms_median": round(statistics.median(selects), 1),
        "select_ms_max": round(max(selects), 1),
        "validate_ms_median": round(statistics.median(validate)),
        "save_ms": round(save_ms),
        "page_kb": round(len(html) / 1024),
        "page_gzip_kb": round(len(gzip.compress(html, 6)) / 1024),
        "load_kb": round(calls["load_bytes"] / 1024),
        "dom_kb": round(statistics.median(doms) / 1024),
    }
    figures["budgets"] = BUDGETS
    figures["within_budget"] = {name: figures[name] <= limit for name, limit in BUDGETS.items()}
    return figures


if __name__ == "__main__":
    print(json.dumps(bench_editor(), indent=2))
