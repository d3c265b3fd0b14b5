"""In Chromium, issue 13 item 5: an editor a lecturer can use. Problems named by the author's
words, undo and redo, unsaved-change guards, keyboard navigation on the map, condition pickers.

A server of its own (fresh database): every test starts from the packaged KTP-el scenario, and
no test here saves.
"""
import pytest

from tests.studio.test_editor_browser import node, wait_valid

pytestmark = pytest.mark.browser


def _problem_buttons(page):
    return page.eval_on_selector_all(".cse-problem button", "bs => bs.map(b => b.textContent)")


def test_a_problem_names_the_choice_and_node_by_their_text_and_undo_takes_the_change_back(editor_page):
    """Deleting a node that a choice leads to: the problem names that choice and its node by
    their text; Save is refused; Ctrl+Z brings the node back, and the refusal does not linger
    beside "No problems"."""
    page = editor_page
    wait_valid(page)
    assert page.locator(".cse-undo-button").is_disabled()
    node(page, "bingung").click()
    page.click(".cse-node-actions .cse-danger")
    assert node(page, "bingung").count() == 0
    assert page.locator(".cse-unsaved").inner_text() == "Unsaved changes"
    page.wait_for_function("() => document.querySelector('.cse-problem-count').classList.contains('has-problems')")
    labels = _problem_buttons(page)
    # rujuk's choice "rujuk-jargon" leads to the deleted node: named by its own words and its node's.
    assert any(label.startswith("Choice 'Jadi begini, Pak") and "at node 'Terus sekarang gimana" in label
               for label in labels), labels
    assert not any(label.startswith("nodes[") for label in labels), labels
    page.click(".save-button")
    page.wait_for_function("() => document.querySelector('.cse-notice').textContent.includes('fix them')")
    page.shot("problem-named-by-text")
    page.locator(".cse-map").focus()
    page.keyboard.press("Control+z")
    assert node(page, "bingung").count() == 1
    wait_valid(page)
    assert page.locator(".cse-notice").inner_text() == ""
    assert page.locator(".cse-unsaved").inner_text() == ""
    assert page.locator(".cse-undo-button").is_disabled()  # back where the editor opened
    page.click(".cse-redo-button")
    assert node(page, "bingung").count() == 0
    page.keyboard.press("Control+Shift+z")  # nothing left to redo: no change
    assert node(page, "bingung").count() == 0
    page.click(".cse-undo-button")
    assert node(page, "bingung").count() == 1


def test_typing_is_one_undo_step_and_cancel_asks_before_dropping_changes(editor_page):
    page = editor_page
    node(page, "pembuka").click()
    box = page.locator('[data-path="nodes[0].text"]')
    original = box.input_value()
    box.press_sequentially(" Tambahan", delay=5)
    assert box.input_value() == original + " Tambahan"
    box.press("Control+z")  # the whole typing run, not one letter
    assert page.locator('[data-path="nodes[0].text"]').input_value() == original
    page.keyboard.press("Control+Shift+z")
    assert page.locator('[data-path="nodes[0].text"]').input_value() == original + " Tambahan"
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss() if len(dialogs) == 1 else dialog.accept()

    page.on("dialog", answer)
    page.click(".cancel-button")  # dismissed: the editor stays, nothing is notified
    assert dialogs == ["confirm"]
    page.wait_for_timeout(200)
    assert not any('"cancel"' in m for m in page.notified), page.notified
    assert page.locator('[data-path="nodes[0].text"]').input_value() == original + " Tambahan"
    page.click(".cancel-button")  # accepted: Studio is told to close the editor
    page.wait_for_timeout(200)
    assert dialogs == ["confirm", "confirm"]
    assert any('"cancel"' in m for m in page.notified), page.notified


def test_leaving_the_page_with_unsaved_changes_asks_and_a_clean_editor_does_not(editor_page):
    page = editor_page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    node(page, "pembuka").click()
    page.locator('[data-path="nodes[0].text"]').press_sequentially("!", delay=5)
    try:
        page.reload(timeout=3_000)  # the browser asks; dismissed, the page stays
    except Exception:  # noqa: BLE001 (Playwright's timeout: the navigation was cancelled)
        pass
    assert dialogs == ["beforeunload"]
    assert page.locator('[data-path="nodes[0].text"]').input_value().endswith("!")
    page.click(".cse-undo-button")
    page.reload()
    page.wait_for_selector('.cse[data-state="ready"]')
    assert dialogs == ["beforeunload"]


def test_the_map_is_reachable_and_navigable_by_keyboard(editor_page):
    page = editor_page
    active = "() => document.activeElement.closest('g.cse-node') && document.activeElement.dataset.id"
    page.locator(".cse-map").focus()
    page.keyboard.press("Tab")  # the map's one tab stop: the start node
    assert page.evaluate(active) == "pembuka"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", outline
    page.keyboard.press("ArrowRight")
    first = page.evaluate(active)
    assert first and first != "pembuka"
    page.keyboard.press("ArrowDown")
    second = page.evaluate(active)
    assert second and second != first
    page.keyboard.press("ArrowUp")
    assert page.evaluate(active) == first
    page.keyboard.press("Enter")
    assert page.locator(".cse-node-head h3").inner_text().endswith(first)
    assert node(page, first).get_attribute("class").count("is-selected") == 1
    page.keyboard.press("Home")
    assert page.evaluate(active) == "pembuka"
    page.shot("keyboard-focus")
    # Tab leaves the map after the one node stop (not through every node).
    page.keyboard.press("Tab")
    assert page.evaluate(active) is None


def test_conditions_are_built_with_pickers_and_the_text_form_still_works(editor_page):
    page = editor_page
    node(page, "tersinggung").click()
    index = page.evaluate("() => [...document.querySelectorAll('g.cse-node')].map(g => g.dataset.id)"
                          ".indexOf('tersinggung')")
    choice = page.locator('.cse-choice[data-choice="0"]')
    choice.locator("summary").click()
    rows = choice.locator(".cse-condition-row")
    assert rows.count() == 1
    assert rows.first.locator(".cse-condition-variable").input_value() == "mood"
    assert rows.first.locator(".cse-condition-op").input_value() == "<="
    assert rows.first.locator(".cse-condition-value").input_value() == "3"
    text = choice.locator(f'[data-path="nodes[{index}].choices[0].condition"]')
    rows.first.locator(".cse-condition-op").select_option(">=")
    assert text.input_value() == "mood >= 3"
    choice.locator(".cse-condition-add").click()
    assert rows.count() == 2
    assert text.input_value() == "mood >= 3 and mood >= 1"
    rows.nth(1).locator(".cse-condition-op").select_option("<")
    rows.nth(1).locator(".cse-condition-value").fill("8")
    assert text.input_value() == "mood >= 3 and mood < 8"
    page.shot("condition-pickers")
    wait_valid(page)
    text.fill("mood > 1 and mood != 4")
    text.press("Tab")
    assert rows.count() == 2 and rows.nth(1).locator(".cse-condition-op").input_value() == "!="
    text.fill("mood >= 2 or mood < 1")  # not the engine's grammar: said at once, kept as typed
    assert "does not read as" in choice.locator(".cse-condition-note").inner_text()
    page.wait_for_function("() => document.querySelector('.cse-problem-count').classList.contains('has-problems')")


def test_the_map_view_mounts_read_only_with_choice_counts_as_edge_bands(editor_page):
    """The staff analytics' use of scenario_map.js: per-choice counts drawn as edge widths, a
    text legend, no tab stop. Mounted here on the editor's page, which has the scripts loaded."""
    page = editor_page
    drawn = page.evaluate("""() => {
      const box = document.createElement('div');
      box.className = 'cse-map-ro';
      box.style.cssText = 'height: 420px; overflow: auto; border: 1px solid #999';
      document.querySelector('.cse').prepend(box);
      const scenario = {start: 'a', nodes: [
        {id: 'a', type: 'dialogue', text: 'Tawaran amplop', choices: [
          {id: 'refuse', text: 'Tolak dengan sopan', target: 'b'}, {id: 'take', text: 'Terima', target: 'c'},
          {id: 'ask', text: 'Tanya dulu', target: 'b'}]},
        {id: 'b', type: 'ending', title: 'Baik'}, {id: 'c', type: 'ending', title: 'Buruk'}]};
      const strings = {map_label: 'Peta', map_edge_count: '{choice}: {count} peserta ({share})',
                       map_weight_legend: 'Legenda', map_band_0: 'tidak ada', map_band_1: '< 10 %',
                       map_band_2: '10–30 %', map_band_3: '30–60 %', map_band_4: '≥ 60 %'};
      new ComplaintSimScenario.map.MapView(box, {strings, noKeyboard: true,
        counts: {a: {refuse: 7, take: 3, ask: 0}}}).render(scenario);
      const edges = [...box.querySelectorAll('path.cse-edge')].map(p => [p.dataset.choice, p.dataset.band,
        getComputedStyle(p).strokeWidth, p.querySelector('title').textContent]);
      return {edges, legend: [...box.querySelectorAll('.cse-weight-legend li')].map(li => li.textContent.trim()),
              focusable: box.querySelectorAll('[tabindex]').length};
    }""")
    assert drawn["edges"] == [["refuse", "4", "10px", "Tolak dengan sopan: 7 peserta (70 %)"],
                              ["take", "3", "7px", "Terima: 3 peserta (30 %)"],
                              ["ask", "0", "1px", "Tanya dulu: 0 peserta (0 %)"]]
    assert drawn["legend"] == ["tidak ada", "< 10 %", "10–30 %", "30–60 %", "≥ 60 %"]
    assert drawn["focusable"] == 0
    page.shot("map-weighted")


def test_the_scenario_arrives_after_the_page_and_a_failed_load_offers_nothing_to_lose(chromium, studio_server):
    """The page carries no scenario: the editor says "Loading…" and takes editor_load's answer
    (preloaded by the page's head). When that fails it says so, shows no Save and nothing to
    edit, and Try again loads it."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    held = []
    def hold(route):  # answered below, by hand
        held.append(route)

    page.route("**/editor_load/**", hold)
    page.goto(studio_server.url + "/scenario/complaint_sim.0/studio_view/?student=staff_author")
    page.wait_for_function("() => document.querySelector('.cse').dataset.state === 'loading'")
    assert "pembuka" not in page.content()  # the scenario is not in the page
    assert page.locator(".cse-loading").inner_text() == "Loading…"
    assert not page.locator(".save-button").is_visible() and not page.locator(".cse-tabs").is_visible()
    while not held:
        page.wait_for_timeout(50)
    # The page's head asked (a preload) while the page loaded; once the runtime has started the
    # block, the editor takes that answer: no second request.
    page.wait_for_function("() => document.readyState === 'complete'")
    page.wait_for_timeout(300)
    assert len(held) == 1
    held.pop().fulfill(status=500, content_type="text/html", body="<h1>Server Error</h1>")
    page.wait_for_selector('.cse[data-state="failed"]')
    assert page.locator(".cse-loading").inner_text().startswith("The scenario could not be loaded")
    assert not page.locator(".save-button").is_visible() and page.locator("g.cse-node").count() == 0
    assert page.locator(".cancel-button").is_visible()
    page.unroute("**/editor_load/**")
    page.click(".cse-retry")
    page.wait_for_selector('.cse[data-state="ready"]')
    assert page.locator(".save-button").is_visible() and not page.locator(".cse-loading").is_visible()
    assert page.locator('g.cse-node[data-id="pembuka"]').count() == 1
    assert not page.errors, page.errors
    context.close()


def test_the_scenario_is_asked_once_a_preload_from_the_head_that_the_editor_takes(chromium, studio_server):
    """One request for the scenario, started by the page's head before any script (the
    preload), whose answer the editor's own GET then takes, also when that answer has long
    arrived."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    asked = []
    page.on("request", lambda request: asked.append(request) if "/editor_load/" in request.url else None)
    page.goto(studio_server.url + "/scenario/complaint_sim.0/studio_view/?student=staff_author", wait_until="commit")
    page.wait_for_selector('.cse[data-state="ready"]')
    page.wait_for_timeout(300)
    assert [r.method for r in asked] == ["GET"], asked  # (a preload's resource type reads "other")
    timing = page.evaluate("""() => {
      const load = performance.getEntriesByType('resource').filter(r => r.name.includes('/editor_load/'));
      const jquery = performance.getEntriesByType('resource').filter(r => r.name.endsWith('/jquery.min.js'))[0];
      return {loads: load.length, initiator: load[0].initiatorType, first: load[0].startTime,
              jquery: jquery.startTime, started: +document.querySelector('.cse').dataset.startedAt};
    }""")
    assert timing["loads"] == 1 and timing["initiator"] == "link", timing
    assert timing["first"] <= timing["jquery"] and timing["first"] < timing["started"], timing
    assert page.locator('g.cse-node[data-id="pembuka"]').count() == 1
    context.close()


def test_the_editor_uses_the_width_of_the_page(editor_page):
    """At 1280 px the map gets the room beside the inspector (it was a 330 px strip inside the
    demo's 48rem column), and nothing widens the page."""
    page = editor_page
    width = page.locator(".cse-map").bounding_box()["width"]
    assert width >= 700, width
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280
