"""The complaint_sim role-play in Chromium: endings, attempts, the record, keyboard only.

Each flow runs at phone size (360×740) and desktop size (1280×800), takes a screenshot of
each step (artifacts/browser/) and scans each view with axe-core.
"""
import re
import uuid

import pytest
from sim_driver import GOOD_RECORD, ROUTE_FAIR, ROUTE_GOOD, ROUTE_POOR, Sim, type_date

pytestmark = pytest.mark.browser
VIEWPORTS = ["mobile", "desktop"]


def learner(prefix):
    """A fresh learner name, so each test starts with no state."""
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize(("route", "ending", "quality"), [
    (ROUTE_GOOD, "akhir-baik", "good"),
    (ROUTE_FAIR, "akhir-cukup", "fair"),
    (ROUTE_POOR, "akhir-viral", "poor"),
], ids=["good", "fair", "poor"])
def test_play_to_each_kind_of_ending(open_page, shot, scan, viewport, route, ending, quality):
    page = open_page(viewport)
    sim = Sim(page, shot, scan, student=learner(quality)).open()
    sim.start()
    sim.play(route)
    title, shown_quality = sim.debrief()
    assert sim.ending_title(ending) in title
    assert shown_quality == quality
    # The debrief shows the path, the model path, competency bars and the duties.
    assert sim.root.locator(".csim-turns > li").count() == len(route)
    assert sim.root.locator(".csim-model-path > li").count() >= 1
    assert sim.root.locator(".csim-bars [role=meter]").count() == len(sim.data["competencies"])
    assert sim.root.locator(".csim-duties > li").count() == len(sim.data["duties"])
    # Nothing in the block overflows sideways, even on a phone.
    assert sim.root.evaluate("node => node.scrollWidth <= node.clientWidth + 1 "
                             "&& node.getBoundingClientRect().right <= window.innerWidth + 1")
    # Resume: a reload shows the same debrief.
    sim.open("reloaded")
    assert sim.debrief() == (title, shown_quality)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_restart_within_the_limit_then_reach_it(open_page, shot, scan, viewport):
    page = open_page(viewport)
    sim = Sim(page, shot, scan, student=learner("limit")).open()
    limit = 3  # the workbench scenario sets max_attempts="3"
    for attempt in range(1, limit + 1):
        sim.start(f"attempt-{attempt}")
        assert f"{attempt}" in sim.root.locator(".csim-status").inner_text()
        sim.play(ROUTE_POOR)
        sim.debrief()
        if attempt < limit:
            assert sim.start_button().count() == 1, "a restart must be offered within the limit"
    assert sim.start_button().count() == 0
    assert sim.root.locator(".csim-debrief > p").last.inner_text().strip()
    # Reloading does not bring the button back.
    sim.open("limit-reloaded")
    assert sim.start_button().count() == 0


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_record_step_is_checked_in_the_debrief(open_page, shot, scan, viewport):
    page = open_page(viewport)
    sim = Sim(page, shot, scan, student=learner("record")).open()
    sim.start()
    sim.play(ROUTE_GOOD[:6])
    # An empty record is refused by the browser (required fields): no request goes out.
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/handler/" in r.url else None)
    sim.root.locator("form.csim-record button[type=submit]").click()
    page.wait_for_timeout(300)
    assert requests == []
    # A wrong urgency is recorded and reported as not as expected.
    sim.fill_record({**GOOD_RECORD, "urgency": "Rendah"})
    sim.play(ROUTE_GOOD[7:])
    sim.debrief()
    results = sim.root.locator(".csim-record-results > li")
    assert results.count() == 5
    assert sim.root.locator(".csim-record-results > li.csim-bad").count() == 1
    assert "Rendah" in sim.root.locator(".csim-record-results > li.csim-bad").text_content()
    # The path beside the recommended one is open from the start: the record's check is visible.
    assert sim.root.locator(".csim-record-results > li.csim-bad").is_visible()
    closed = sim.root.locator(".csim-debrief details:not([open]) > summary")
    for _ in range(closed.count()):
        closed.first.click()
    assert sim.root.locator(".csim-record-results > li.csim-bad").is_visible()
    sim.step("debrief-paths-open")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_debrief_leads_with_the_outcome_then_the_path_comparison(open_page, shot, scan, viewport):
    page = open_page(viewport)
    sim = Sim(page, shot, scan, student=learner("debrief-order")).open()
    sim.start()
    sim.play(ROUTE_POOR)
    sim.debrief()
    box = sim.root.locator(".csim-debrief")
    order = box.evaluate("""b => Array.from(b.children).map(c => c.classList.contains('csim-compare') ? 'compare'
        : c.classList.contains('csim-bars') ? 'bars' : c.classList.contains('csim-duties') ? 'duties'
        : c.classList.contains('csim-law') ? 'law' : c.classList.contains('csim-score') ? 'score'
        : c.classList.contains('csim-quality') ? 'quality' : '').filter(Boolean)""")
    assert order == ["quality", "score", "compare", "bars", "duties", "law"], order
    compare = box.locator(".csim-compare")
    assert compare.get_attribute("open") is not None and compare.locator(".csim-turns > li").first.is_visible()
    assert "beside the recommended" in compare.locator("summary").inner_text() or \
        "dibandingkan" in compare.locator("summary").inner_text()
    # One score wording: points, percent, then what counts for the grade and why.
    assert re.fullmatch(r"\d+ dari \d+ poin \(\d+%\)", box.locator(".csim-score").inner_text().strip())
    counted = box.locator(".csim-counted").inner_text()
    assert counted.startswith("Dihitung untuk nilai Anda: percobaan terbaik, ") and "%)" in counted
    # The legal basis: collapsed, then readable (>= 16 px) once opened.
    law = box.locator(".csim-law")
    assert law.get_attribute("open") is None
    law.locator("summary").click()
    sizes = law.locator(".csim-basis li").evaluate_all(
        "items => items.map(i => parseFloat(getComputedStyle(i).fontSize))")
    assert sizes and min(sizes) >= 16, sizes
    sim.step("debrief-law-open")


def _tab_to(page, locator, limit=40):
    """Press Tab until ``locator`` has focus (fails after ``limit`` presses)."""
    for _ in range(limit):
        if locator.evaluate("node => node === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_keyboard_only_play(open_page, shot, scan, viewport):
    """Tab/Enter/Space only: focus lands on the new node's heading; the line is announced."""
    page = open_page(viewport)
    sim = Sim(page, shot, scan, student=learner("keyboard")).open()
    live = sim.root.locator(".csim-live")
    assert live.get_attribute("aria-live") == "polite"

    _tab_to(page, sim.start_button())
    sim._after_action(lambda: page.keyboard.press("Enter"))
    sim.step("kbd-started")
    for index, (node_id, choice_id) in enumerate(ROUTE_GOOD):
        focused = page.evaluate("() => document.activeElement.className")
        assert "csim-focus" in focused
        if choice_id == "RECORD":
            _keyboard_record(page, sim)
            continue
        sim.assert_at(node_id)
        # Focus is on the first new thing: the new node's heading at the start, else the
        # comment on the choice just made (or the saved record), which sits above the mood and
        # the line; the live region announces the comment and the new line.
        first_new = "H3" if index == 0 else "ASIDE"
        assert page.evaluate("() => document.activeElement.tagName") == first_new
        announced = " ".join(live.text_content().split())
        assert sim.current_line() in announced
        if index and ROUTE_GOOD[index - 1][1] != "RECORD":
            previous = sim.nodes[ROUTE_GOOD[index - 1][0]]
            feedback = next(c["feedback"] for c in previous["choices"] if c["id"] == ROUTE_GOOD[index - 1][1])
            assert " ".join(feedback.split()) in announced
        _tab_to(page, sim.choice_button(node_id, choice_id))
        key = "Enter" if index % 2 == 0 else "Space"  # both activate a button
        sim._after_action(lambda k=key: page.keyboard.press(k))
        sim.step(f"kbd-{node_id}")
    title, quality = sim.debrief()
    assert quality == "good"
    assert page.evaluate("() => document.activeElement.textContent") == title


def _keyboard_record(page, sim):
    """Fill the record with the keyboard: Tab between fields, type, arrow through selects."""
    form = sim.root.locator("form.csim-record")
    for name in ("category", "urgency", "referral"):
        select = form.locator(f"select[name={name}]")
        _tab_to(page, select)
        options = select.locator("option").all_inner_texts()
        target = options.index(GOOD_RECORD[name])
        for _ in range(target):
            page.keyboard.press("ArrowDown")
        assert select.input_value() == GOOD_RECORD[name]
    if "story_date" in sim.data:  # the deadline is a date input: typed segment by segment
        date = form.locator("input[name=deadline_date]")
        _tab_to(page, date)
        type_date(page, date, *sim.deadline_date(GOOD_RECORD["deadline_days"]).split("-"))
    else:
        _tab_to(page, form.locator("input[name=deadline_days]"))
        page.keyboard.type(GOOD_RECORD["deadline_days"])
    _tab_to(page, form.locator("textarea[name=summary]"))
    page.keyboard.type(GOOD_RECORD["summary"])
    sim.step("kbd-record-filled")
    _tab_to(page, form.locator("button[type=submit]"))
    sim._after_action(lambda: page.keyboard.press("Enter"))
    sim.step("kbd-record-saved")


def test_axe_scan_catches_a_planted_violation(open_page, axe_source):
    """The scan is real: a button without a name planted in the block is reported."""
    from tests.browser_harness import axe_violations

    page = open_page("desktop")
    Sim(page, student=learner("axe")).open()
    assert axe_violations(page, axe_source)[0] == []
    page.evaluate("() => document.querySelector('.csim-body').appendChild(document.createElement('button'))")
    blocking, _all = axe_violations(page, axe_source)
    assert [v["id"] for v in blocking] == ["button-name"]
