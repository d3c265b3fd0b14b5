"""In Chromium at 360 px: taking the money puts the breach at the top of the debrief with a
capped score; the record's date picker works with the keyboard; Lanjut moves a narration on.

The scenario (data_amplop.yaml) is saved through the editor's text pane on a demo server of
this module's own, so the shared demo's packaged scenarios stay untouched.
"""
import re
from pathlib import Path

import pytest
from sim_driver import type_date

from tests.browser_harness import DemoServer

pytestmark = pytest.mark.browser
SCENARIO = (Path(__file__).parent / "data_amplop.yaml").read_text(encoding="utf-8")
PATH = "/scenario/complaint_sim.0/"


@pytest.fixture(scope="module")
def amplop_server(tmp_path_factory, browser):
    """A demo of our own whose first role-play holds the amplop scenario, saved as an author would."""
    server = DemoServer(tmp_path_factory.mktemp("amplop-demo")).start()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{server.url}{PATH}studio_view/?student=staff_author")
    page.wait_for_selector('.cse[data-state="ready"]')
    page.click('.cse-tab[data-tab="text"]')
    page.wait_for_function("() => document.querySelector('.cse-text').value.length > 0")  # the export shown
    page.locator(".cse-text").fill(SCENARIO)
    with page.expect_response(lambda r: "editor_import_text" in r.url) as applied:
        page.click(".cse-apply-text")
    assert applied.value.status == 200, applied.value.text()
    page.wait_for_function("() => { const b = document.querySelector('.cse-problem-count');"
                           " return b && !b.classList.contains('has-problems') && b.textContent.length > 0; }")
    with page.expect_response(lambda r: "editor_save" in r.url) as saved:
        page.click(".save-button")
    assert saved.value.status == 200, saved.value.text()
    context.close()
    yield server
    server.stop()


def act(page, do):
    with page.expect_response(lambda r: "/handler/" in r.url and r.request.method == "POST") as info:
        do()
    assert info.value.status == 200, info.value.text()
    page.wait_for_function("() => document.activeElement && document.activeElement.classList.contains('csim-focus')")


def test_taking_the_money_caps_the_score_and_leads_the_debrief(open_page, amplop_server, shot, scan):
    page = open_page("mobile", server=amplop_server)
    page.goto(f"{amplop_server.url}{PATH}?student=learner_amplop")
    root = page.locator(".csim")
    page.locator(".csim-body .csim-loading").wait_for(state="detached")
    act(page, lambda: root.locator("button.csim-primary").click())
    shot(page, "offer")
    act(page, lambda: root.get_by_role("button", name="Baik, Pak, saya simpan dulu.", exact=True).click())

    # The record: selects with the mouse, the date with the keyboard only.
    form = root.locator("form.csim-record")
    form.locator("select[name=category]").select_option("Administrasi kependudukan")
    form.locator("select[name=urgency]").select_option("Sedang")
    form.locator("select[name=referral]").select_option("Disdukcapil")
    date = form.locator("input[name=deadline_date]")
    assert date.get_attribute("type") == "date" and date.get_attribute("min") == "2026-03-17"
    hint = form.locator("#" + date.get_attribute("aria-describedby")).inner_text()
    assert "sejak 17 Maret 2026:" in hint, hint
    order = type_date(page, date, "2026", "03", "26")
    page.keyboard.press("ArrowDown")  # the last segment typed goes one down, then back up
    assert date.input_value() != "2026-03-26"
    page.keyboard.press("ArrowUp")
    assert date.input_value() == "2026-03-26", order
    form.locator("textarea[name=summary]").fill("Berkas KTP Pak Budi minta didahulukan")
    shot(page, "record-filled")
    scan(page, "record")
    page.keyboard.press("Tab")
    act(page, lambda: form.locator("button[type=submit]").click())

    # A narration step: the Lanjut button, reachable by keyboard.
    assert root.locator(".csim-narration").count() == 1
    shot(page, "narration")
    scan(page, "narration")
    act(page, lambda: root.locator("button.csim-next").press("Enter"))
    act(page, lambda: root.get_by_role("button", name="Silakan tanya lagi minggu depan.", exact=True).click())

    debrief = root.locator(".csim-debrief")
    debrief.wait_for()
    shot(page, "debrief")
    scan(page, "debrief")
    first = debrief.locator(":scope > *").first
    assert "csim-breach" in first.get_attribute("class"), "the breach opens the debrief"
    breach = first.inner_text()
    assert "Menolak pemberian dan menjelaskan alasannya" in breach
    assert "Undang-Undang Nomor 20 Tahun 2001" in breach and "Pasal 12B" in breach
    assert "Mohon maaf, Pak, saya tidak boleh menerima pemberian." in breach  # what the model route did
    assert debrief.locator(".csim-score").inner_text().startswith("0 ")
    assert "csim-quality-poor" in debrief.locator(".csim-quality").get_attribute("class")
    assert page.evaluate("() => document.activeElement.closest('.csim-breach') !== null")
    # the deadline: 26 March is 2 working days from 17 March, across Nyepi, Idulfitri and cuti bersama
    assert debrief.locator(".csim-compare").get_attribute("open") is not None  # the path, where the record is
    record = debrief.locator(".csim-deadline-detail").inner_text()
    shot(page, "debrief-path")
    assert "Hari Suci Nyepi" in record and "Cuti bersama" in record
    # dates as Indonesians write them, not ISO: the deadline picked, the right one, the days skipped
    assert "Tenggat Anda: 26 Maret 2026" in record and "18 Maret 2026 — Cuti bersama" in record, record
    assert not re.search(r"\d{4}-\d{2}-\d{2}", record), record
    assert root.evaluate("node => node.scrollWidth <= node.clientWidth + 1")
