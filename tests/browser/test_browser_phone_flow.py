"""Issue 13 on a phone (mobile emulation) and a desktop: the turn after a choice, the saved
record, the mood that is not a verdict, dates in the page's language and the course's time
zone, and text that cannot widen a page.
"""
import json
import re
import uuid

import pytest
from sim_driver import GOOD_RECORD, ROUTE_GOOD, Sim

from tests.browser_harness import DemoServer, assert_fits

pytestmark = pytest.mark.browser
VIEWPORTS = ["mobile", "desktop"]
BRIBE_ROUTE = [*ROUTE_GOOD[:4], ("uang-rokok", "terima")]
LONG_WORD = "Pengaduan" * 334  # 3,006 characters without a space


def learner(prefix):
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def _boxes(sim):
    """Top/bottom (viewport px) of the feedback, the mood meter and the line, and the block body."""
    return sim.page.evaluate("""() => {
        const box = (sel) => { const n = document.querySelector(sel); if (!n) return null;
                               const r = n.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; };
        return {body: box('.csim-body'), feedback: box('.csim-body .csim-feedback'),
                mood: box('.csim-body .csim-mood'), line: box('.csim-body .csim-line'),
                height: window.innerHeight};
    }""")


def _scroll_to_choices(sim):
    sim.root.locator(".csim-choices").scroll_into_view_if_needed()
    sim.page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_after_a_choice_feedback_then_mood_then_the_new_line(open_page, shot, scan, viewport):
    """In order, from the top of the screen: the comment on the choice, the mood change, then the
    citizen's new line; focus on the comment; the live region reads them in the same order."""
    page = open_page(viewport)
    sim = Sim(page, shot, scan, student=learner("order")).open()
    sim.start()
    for node_id, choice_id in ROUTE_GOOD[:3]:
        _scroll_to_choices(sim)  # the learner scrolled down to read the choices
        sim.choose(node_id, choice_id)
        boxes = _boxes(sim)
        assert boxes["feedback"] and boxes["mood"] and boxes["line"], boxes
        assert boxes["feedback"]["top"] < boxes["mood"]["top"] < boxes["line"]["top"], boxes
        # Nothing new above the screen: the turn starts on screen, at the top.
        assert -1 <= boxes["body"]["top"] < boxes["height"] / 2, boxes
        assert 0 <= boxes["feedback"]["top"] < boxes["height"], boxes
        active = page.evaluate("() => document.activeElement.className")
        assert "csim-feedback" in active and "csim-focus" in active, active
        announced = " ".join(sim.root.locator(".csim-live").text_content().split())
        feedback = " ".join(next(c["feedback"] for c in sim.nodes[node_id]["choices"]
                                 if c["id"] == choice_id).split())
        change = sim.root.locator(".csim-mood-change").text_content()
        moved = re.fullmatch(r"\(?(naik|turun): (.+) → (.+?)\)?", change.strip())
        assert moved or re.search(r"(naik|turun) sedikit, masih .+|tetap", change), change
        assert not moved or moved.group(2) != moved.group(3), f"a band 'changed' to itself: {change}"
        line = sim.current_line()
        assert announced.index(feedback) < announced.index(change) < announced.index(line), announced
    sim.step("third-turn")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_rising_mood_after_a_bribe_does_not_read_as_success(open_page, shot, scan, viewport):
    page = open_page(viewport)
    sim = Sim(page, shot, scan, student=learner("bribe")).open()
    sim.start()
    sim.play(BRIBE_ROUTE)
    mood = sim.root.locator(".csim-mood")
    assert sim.root.locator(".csim-mood-change").text_content().startswith("naik")
    note = mood.locator(".csim-mood-note")
    assert note.is_visible()
    assert "bukan benar-tidaknya pilihan Anda" in note.text_content()
    assert mood.locator("[role=meter]").get_attribute("aria-describedby") == note.get_attribute("id")
    # The comment on the choice says it was wrong, above the meter, and the meter is not green.
    assert "gratifikasi" in sim.root.locator(".csim-feedback").text_content()
    fill = mood.locator(".csim-bar-fill").evaluate("node => getComputedStyle(node).backgroundColor")
    red, green, blue = (int(v) for v in re.findall(r"\d+", fill)[:3])
    assert not (green > red and green > blue), fill
    sim.step("bribe-taken")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_record_step_confirms_what_was_saved_without_the_answer_key(open_page, shot, scan, viewport):
    page = open_page(viewport)
    sim = Sim(page, shot, scan, student=learner("saved")).open()
    sim.start()
    sim.play(ROUTE_GOOD[:6])
    sim.fill_record({**GOOD_RECORD, "urgency": "Rendah"})  # a wrong urgency: Tinggi is expected
    saved = sim.root.locator(".csim-saved")
    assert saved.is_visible()
    assert "Catatan tersimpan" in saved.text_content()
    values = saved.locator("dd").all_inner_texts()
    deadline = GOOD_RECORD["deadline_days"]
    if "story_date" in sim.data:  # the deadline is a date: the date the learner picked, as Indonesians write it
        deadline = sim.long_date(sim.deadline_date(deadline))
    assert values[:4] == [GOOD_RECORD["category"], "Rendah", GOOD_RECORD["referral"], deadline]
    assert GOOD_RECORD["summary"] in values
    text = sim.root.locator(".csim-body").text_content()
    assert "Tinggi" not in text and "Diharapkan" not in text  # no answer key before the debrief
    assert "pembahasan" in saved.text_content()
    assert page.evaluate("() => document.activeElement.classList.contains('csim-saved')")
    sim.step("record-confirmed")


DATE_ID = re.compile(r"\d{1,2} (Jan|Feb|Mar|Apr|Mei|Jun|Jul|Agu|Sep|Okt|Nov|Des) \d{4},? \d{2}\.\d{2} WIB")
DATE_EN = re.compile(r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4},? \d{2}:\d{2} [AP]M GMT\+7")


@pytest.fixture(scope="module")
def english_server(tmp_path_factory):
    server = DemoServer(tmp_path_factory.mktemp("demo-en"), language="en").start()
    yield server
    server.stop()


@pytest.mark.parametrize("language", ["id", "en"])
def test_dates_follow_the_page_language_and_the_course_time_zone(open_page, english_server, language):
    """A browser in New York with an American locale still sees Indonesian dates in WIB on an
    Indonesian page (and English ones, still in the course's time zone, on an English page)."""
    server = english_server if language == "en" else None
    page = open_page("mobile", server=server, locale="en-US", timezone_id="America/New_York")
    page.goto(f"{page.server.url}/scenario/rubric_reflection.0/?student={learner('dates')}")
    box = page.locator(".rr-block .rr-step textarea")
    box.wait_for()
    with page.expect_response(lambda r: "/save_draft/" in r.url) as info:
        box.fill("Saya mendengarkan keluhan warga sampai selesai.")
    assert info.value.status == 200
    status = page.locator(".rr-status")
    page.wait_for_function("() => /\\d/.test(document.querySelector('.rr-status').textContent)")
    text = status.text_content()
    assert (DATE_ID if language == "id" else DATE_EN).search(text), text
    assert "/" not in text
    if language == "id":
        assert "AM" not in text and "PM" not in text


def _usage(page, block_type):
    return page.locator(f"[data-block-type={block_type}]").first.get_attribute("data-usage")


def _post(page, usage, handler, body, student):
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(f"{page.server.url}/handler/{usage}/{handler}/?student={student}",
                                 data=json.dumps(body), headers={"Content-Type": "application/json",
                                                                 "X-CSRFToken": csrf})
    assert response.status == 200, response.text()
    return response.json()


@pytest.fixture(scope="module")
def long_word_server(tmp_path_factory):
    """A demo of its own: these tests save long-word content that no other test should meet."""
    server = DemoServer(tmp_path_factory.mktemp("demo-long")).start()
    yield server
    server.stop()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_no_authors_word_widens_the_role_play_or_its_editor(open_page, shot, long_word_server, viewport):
    page = open_page(viewport, server=long_word_server)
    author, path = "staff_author", "/scenario/complaint_sim.5/"
    page.goto(f"{page.server.url}{path}studio_view/?student={author}")
    page.wait_for_function("() => document.querySelector('.cse').dataset.state !== 'loading'")
    usage = _usage(page, "complaint_sim")
    scenario = json.loads(_post(page, usage, "editor_export", {"format": "json"}, author)["text"])
    start = next(node for node in scenario["nodes"] if node["id"] == scenario["start"])
    scenario["title"] = scenario["situation"] = start["text"] = LONG_WORD
    start["choices"][0]["text"] = start["choices"][0]["feedback"] = LONG_WORD
    settings = {"display_name": LONG_WORD[:200], "weight": 1.0, "max_attempts": 0, "grading_policy": "best"}
    _post(page, usage, "editor_save", {"scenario": scenario, "settings": settings}, author)

    page.reload()
    page.wait_for_function("() => document.querySelector('.cse').dataset.state !== 'loading'")
    for tab in page.locator(".cse [role=tab]").all():
        tab.click()
        assert_fits(page, f"editor {tab.get_attribute('data-tab')}", viewport)
    shot(page, "editor-long-word")

    sim = Sim(page, student=learner("long"), path=path).open()
    assert_fits(page, "intro", viewport)
    sim.start()
    assert_fits(page, "first node", viewport)
    # The long-word choice, wherever this attempt's order puts it.
    sim.root.locator("button.csim-choice", has_text=LONG_WORD[:60]).click()
    sim.root.locator(".csim-feedback").wait_for()
    assert LONG_WORD in sim.root.locator(".csim-feedback").text_content()
    assert_fits(page, "feedback", viewport)
    shot(page, "learner-long-word")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_no_learners_or_authors_word_widens_the_reflection(open_page, shot, long_word_server, viewport):
    path = "/scenario/rubric_reflection.0/"
    page = open_page(viewport, server=long_word_server)
    student = learner("longtext")
    page.goto(f"{page.server.url}{path}?student={student}")
    box = page.locator(".rr-block .rr-step textarea")
    box.wait_for()
    words = " ".join(["Saya mendengarkan warga dan mencatat pengaduannya dengan lengkap."] * 20)
    with page.expect_response(lambda r: "/save_draft/" in r.url):
        box.fill(f"{LONG_WORD} {words}")
    page.locator(".rr-block .rr-step button.rr-primary").first.click()
    with page.expect_response(lambda r: "/submit/" in r.url) as info:
        page.locator(".rr-confirm button.rr-primary").click()
    assert info.value.status == 200, info.value.text()
    page.locator(".rr-step form.rr-form").wait_for()
    assert_fits(page, "learner after submitting", viewport)

    staff = open_page(viewport, server=long_word_server)
    staff.goto(f"{staff.server.url}{path}?student=staff_longword")
    entry = staff.locator(".rr-staff").get_by_role("button", name=re.compile(student))
    entry.wait_for()
    with staff.expect_response(lambda r: "/staff_submission/" in r.url):
        entry.click()
    staff.locator(".rr-staff form.rr-form").wait_for()
    staff.locator(".rr-staff form.rr-form textarea").first.fill(LONG_WORD)
    assert_fits(staff, "staff grading the long text", viewport)
    shot(staff, "staff-long-word")

    staff.goto(f"{staff.server.url}{path}studio_view/?student=staff_author")
    prompt = staff.locator(".rre textarea[data-path=prompt]")
    prompt.wait_for()
    with staff.expect_response(lambda r: "/editor_validate/" in r.url):
        prompt.fill(f"<p>{LONG_WORD}</p>")
    staff.wait_for_function("(word) => document.querySelector('.rre .rr-prompt').textContent.includes(word)",
                            arg=LONG_WORD)
    assert_fits(staff, "reflection editor with a long prompt", viewport)
    shot(staff, "editor-long-word")
