"""In Chromium: an author builds a 3-node scenario from scratch on the map, saves, playtests it."""
import re
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def fill(page, path, value, blur=False):
    box = page.locator(f'[data-path="{path}"]:visible').first
    box.fill(value)
    if blur:
        box.press("Tab")


def node(page, node_id):
    return page.locator(f'g.cse-node[data-id="{node_id}"]')


def wait_valid(page):
    page.wait_for_function("() => { const b = document.querySelector('.cse-problem-count');"
                           " return b && !b.classList.contains('has-problems') && b.textContent.length > 0; }")


def test_author_builds_saves_and_playtests_a_three_node_scenario(editor_page):
    page = editor_page
    page.shot("opened")
    page.click(".cse-new-scenario")
    assert page.locator("g.cse-node").count() == 1
    _fill_the_scenario_panels(page)
    _build_the_map(page)
    _see_the_problems(page)
    _fix_them_as_endings(page)
    _save_and_reload(page)
    _playtest_to_the_good_ending(page)


def _fill_the_scenario_panels(page):
    """Scenario panels: title, situation, persona, one competency."""
    page.click('.cse-tab[data-tab="scenario"]')
    fill(page, "scenario.title", "Printer rusak")
    fill(page, "scenario.situation", "Printer kelurahan rusak; seorang warga mendatangi loket Anda.")
    fill(page, "persona.name", "Bu Sari")
    page.click(".cse-add-competencies")
    fill(page, "competencies[0].id", "empati", blur=True)
    fill(page, "competencies[0].label", "Empati")
    page.shot("scenario-panels")


def _build_the_map(page):
    """The map: the start node gets text and two choices, one to a new node, one picked on the map."""
    page.click('.cse-tab[data-tab="map"]')
    node(page, "start").click()
    fill(page, "nodes[0].text", "Sudah sejam saya menunggu!")
    page.click(".cse-add-choice")
    fill(page, "nodes[0].choices[0].text", "Mohon maaf, Bu. Saya bantu sekarang.")
    page.click('.cse-choice[data-choice="0"] .cse-new-target')
    page.click(".cse-add-choice")
    fill(page, "nodes[0].choices[1].text", "Tunggu saja, Bu.")
    page.click(".cse-add-node")  # node-3, selected
    node(page, "start").click()
    page.click('.cse-choice[data-choice="1"] .cse-pick')
    assert page.locator(".cse-connect-hint").is_visible()
    node(page, "node-3").click()
    assert page.locator('[data-path="nodes[0].choices[1].target"]').input_value() == "node-3"
    assert page.locator('path.cse-edge[data-from="start"]').count() == 2


def _see_the_problems(page):
    """Broken for now: the two new nodes are dialogue nodes without choices."""
    page.wait_for_function("() => document.querySelector('.cse-problem-count').classList.contains('has-problems')")
    assert page.locator("g.cse-node.has-problem").count() >= 1
    page.shot("broken")
    page.locator(".cse-problem button", has_text="node-2").first.click()
    assert page.locator(".cse-node-head h3").inner_text().endswith("node-2")


def _fix_them_as_endings(page):
    """Fix: both become endings."""
    for node_id, title, quality in (("node-2", "Warga tenang", "good"), ("node-3", "Warga pergi", "poor")):
        node(page, node_id).click()
        index = page.evaluate(f"() => [...document.querySelectorAll('g.cse-node')].map(g => g.dataset.id)"
                              f".indexOf('{node_id}')")
        page.select_option(f'[data-path="nodes[{index}].type"]', "ending")
        fill(page, f"nodes[{index}].title", title)
        fill(page, f"nodes[{index}].text", title + ".")
        page.select_option(f'[data-path="nodes[{index}].quality"]', quality)
    node(page, "start").click()
    page.locator(".cse-choice").first.locator("summary").click()
    fill(page, "nodes[0].choices[0].scores.empati", "2")
    wait_valid(page)
    # The maximum follows the validation that answers last: wait for it, not for the first.
    page.wait_for_function("() => document.querySelector('.cse-max').textContent.trim().endsWith('2')")
    page.shot("fixed")


def _save_and_reload(page):
    """Save: Studio's notify contract, then the saved scenario is what the editor loads again."""
    page.click(".save-button")
    # The notice shows "Saving…" at once: wait for the save's start and end, however slow the server.
    deadline = time.monotonic() + 60
    while len([m for m in page.notified if '"save"' in m]) < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    page.wait_for_timeout(300)  # and nothing after them
    saves = [m for m in page.notified if '"save"' in m]
    assert len(saves) == 2, page.notified
    assert not any('"error"' in m for m in page.notified), page.notified
    page.reload()
    page.wait_for_selector('.cse[data-state="ready"]')
    assert sorted(page.eval_on_selector_all("g.cse-node", "gs => gs.map(g => g.dataset.id)")) == [
        "node-2", "node-3", "start"]
    page.shot("saved-and-reloaded")


def _playtest_to_the_good_ending(page):
    """Playtest from the start: the good choice reaches the good ending with full points."""
    page.click(".cse-playtest-start")
    page.wait_for_selector(".cse-play-choice button")
    assert page.locator("g.cse-node.is-playing").get_attribute("data-id") == "start"
    page.shot("playtest-start")
    page.click('.cse-play-choice button[data-choice="choice-1"]')
    page.wait_for_selector(".cse-play-ending")
    assert "Warga tenang" in page.inner_text(".cse-play-ending")
    assert re.search(r"2\D+2", page.inner_text(".cse-play-score h4"))
    page.shot("playtest-ending")

def test_a_scenario_with_problems_is_not_saved_and_errors_show_in_place(editor_page):
    page = editor_page
    page.click(".cse-new-scenario")
    page.click(".save-button")
    page.wait_for_function("() => [...document.querySelectorAll('.cse-problem')].length > 0")
    deadline = time.monotonic() + 60  # the refusal's notification, however slow the server
    while not any('"error"' in m for m in page.notified) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert any('"error"' in m for m in page.notified), page.notified
    assert not any('"end"' in m for m in page.notified)
    assert page.locator(".cse-notice").inner_text()
    page.shot("save-refused")


def test_twine_import_in_the_editor(editor_page):
    page = editor_page
    page.click('.cse-tab[data-tab="twine"]')
    page.fill(".cse-twee", (Path(__file__).parent / "data" / "harlowe.twee").read_text(encoding="utf-8"))
    page.click(".cse-twine-import")
    page.wait_for_selector(".cse-report tbody tr")
    codes = page.eval_on_selector_all(".cse-report tbody tr", "rows => rows.map(r => r.dataset.code)")
    assert {"skipped_script", "macro", "too_many_links", "external_link"} <= set(codes)
    page.shot("twine-report")
    page.click(".cse-twine-use")
    page.wait_for_selector('g.cse-node[data-id="lobby"]')
    assert page.locator("g.cse-node").count() == 11
    page.wait_for_function("() => document.querySelector('.cse-problem-count').classList.contains('has-problems')")
    page.shot("twine-imported")

