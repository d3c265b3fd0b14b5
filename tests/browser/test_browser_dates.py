"""In Chromium at 1280 px and 360 px (mobile emulation), Indonesian and English demos, each with a
browser whose own locale is the other language: days are written in the page's language, never
the browser's or ISO (issue 13, item 4).

* The staff analytics (tangerang_units/public/analytics.js, both blocks): the native date filters
  are kept (as the LMS's own), the chosen period is stated beside them in the page's language,
  the version list names its days so, and the filter works on both pages.
* The analytics' unit filter is wide enough to read long unit names at 1280 px.
* The reflection's agreement figures name their months so ("Desember 2026", not "2026-12").
* The role-play editor's playtest: the dated deadline of the record step is labelled and
  explained as the learner sees it, the chosen day stated in the page's language; the story
  date in the scenario panel too.
"""
import calendar
import datetime
import json
import re
from zoneinfo import ZoneInfo

import pytest

from tests.browser.sim_driver import BULAN, ROUTE_GOOD, ROUTE_POOR, SCENARIO_PATH, type_date
from tests.browser_harness import ARTIFACTS, assert_fits, k_demo_with_roster
from tests.load_harness import Client

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "dates"
UNITS = {"Kelurahan Sukasari (Kec. Tangerang)": 2, "OPD Dinas Kependudukan dan Pencatatan Sipil": 2}
REFLECTION = "/scenario/rubric_reflection.0/"
EDITOR = "/scenario/complaint_sim.0/studio_view/?student=staff"
# The browser's own locale is the other language than the page's.
BROWSER_LOCALE = {"id": "en-US", "en": "id-ID"}
SHORT_MONTHS = {"id": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
                "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]}
PERIOD = {"id": ("Periode: semua tanggal", "Periode: 10 Feb 2026 – 20 Feb 2026", "Periode: sejak 10 Feb 2026",
                 "Tanggal mulai sesudah tanggal akhir"),
          "en": ("Period: all dates", "Period: Feb 10, 2026 – Feb 20, 2026", "Period: from Feb 10, 2026",
                 "The start date is after the end date")}


def short_day(day, language):
    month = SHORT_MONTHS[language][day.month - 1]
    return f"{day.day} {month} {day.year}" if language == "id" else f"{month} {day.day}, {day.year}"


@pytest.fixture(scope="module", params=["id", "en"])
def dated_server(request, tmp_path_factory):
    """A demo (Indonesian or English) with k = 2: two units of two learners with long names,
    each learner played the role-play once (today, in Asia/Jakarta); nobody wrote a reflection."""
    language = request.param
    server, _staff, usage, names = k_demo_with_roster(tmp_path_factory.mktemp(f"dates-{language}"), SCENARIO_PATH,
                                                      "complaint_sim", UNITS, k=2, language=language)
    for name in names[:-1]:
        learner = Client(server.url, name, [])
        learner.page(SCENARIO_PATH)
        assert learner.post(usage, "start", {"attempt": 1})[0] == 200
        for step, (node, choice) in enumerate(ROUTE_POOR):
            assert learner.post(usage, "choose", {"node": node, "step": step, "choice": choice})[0] == 200
    server.language = language
    yield server
    server.stop()


def open_analytics(page, server, path=SCENARIO_PATH):
    page.goto(f"{server.url}{path}?student=staff_bkpsdm")
    page.locator(".tgr-analytics-toggle").click()
    page.locator(".tgr-analytics-summary, .tgr-analytics-hidden").first.wait_for()
    return page.locator(".tgr-analytics")


def apply(page, box):
    with page.expect_response(lambda r: "/analytics/" in r.url) as answer:
        box.locator(".tgr-analytics-apply").click()
    box.locator(".tgr-analytics-summary, .tgr-analytics-hidden").first.wait_for()
    return answer.value.json()


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_the_analytics_date_filter_states_the_period_in_the_page_language(open_page, dated_server, shot, viewport):
    language = dated_server.language
    all_dates, february, from_only, reversed_range = PERIOD[language]
    page = open_page(viewport, server=dated_server, locale=BROWSER_LOCALE[language])
    box = open_analytics(page, dated_server)
    today = datetime.datetime.now(ZoneInfo("Asia/Jakarta")).date()
    version = box.locator("select[name=version] option").first.inner_text()
    assert f"({short_day(today, language)}, " in version and today.isoformat() not in version, version
    period = box.locator(".tgr-analytics-range")
    assert period.inner_text() == all_dates
    start, end = box.locator("input[name=from]"), box.locator("input[name=to]")
    assert start.get_attribute("aria-describedby") == period.get_attribute("id")

    type_date(page, start, "2026", "02", "10")
    assert period.inner_text() == from_only
    type_date(page, end, "2026", "02", "20")
    assert period.inner_text() == february
    assert_fits(page, "analytics dates", viewport=viewport)
    shot(page, f"analytics-period-{language}-{viewport}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    box.locator(".tgr-analytics-filters").screenshot(path=str(SHOTS / f"filters-{language}-{viewport}.png"))
    answer = apply(page, box)
    assert answer["filters"] == {"unit": None, "from": "2026-02-10", "to": "2026-02-20"}
    assert box.locator(".tgr-analytics-hidden").count() == 1  # nobody played in February
    assert box.locator(".tgr-analytics-range").inner_text() == february  # still stated after the reload

    type_date(page, box.locator("input[name=from]"), *today.isoformat().split("-"))
    type_date(page, box.locator("input[name=to]"), *today.isoformat().split("-"))
    answer = apply(page, box)
    assert answer["filters"]["from"] == answer["filters"]["to"] == today.isoformat()
    summary = box.locator(".tgr-analytics-summary").inner_text()
    assert summary.startswith("4 peserta" if language == "id" else "4 learners"), summary

    type_date(page, box.locator("input[name=to]"), "2026", "02", "20")
    assert box.locator(".tgr-analytics-range").inner_text().startswith(reversed_range)


@pytest.mark.parametrize("path", [SCENARIO_PATH, REFLECTION])
def test_the_unit_filter_reads_long_unit_names_at_1280(open_page, dated_server, path):
    """The role-play lists both long unit names; the reflection (nothing written yet) only "all
    units": either way the select is at least 20rem wide and shows its longest option in full."""
    page = open_page("desktop", server=dated_server, locale=BROWSER_LOCALE[dated_server.language])
    box = open_analytics(page, dated_server, path)
    select = box.locator("select[name=unit]")
    found = select.evaluate("""s => {
      const context = document.createElement('canvas').getContext('2d');
      context.font = getComputedStyle(s).font;
      return {width: s.getBoundingClientRect().width,
              longest: Math.max(...Array.from(s.options).map(o => context.measureText(o.text).width)),
              options: Array.from(s.options).map(o => o.text)};
    }""")
    if path == SCENARIO_PATH:
        assert set(UNITS) <= set(found["options"]), found
    assert found["width"] >= 320, found
    assert found["width"] >= found["longest"] + 20, found  # the text and the arrow (Chromium: 22 px)
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = "roleplay" if path == SCENARIO_PATH else "reflection"
    box.locator(".tgr-analytics-filters").screenshot(path=str(SHOTS / f"unit-{name}-{dated_server.language}.png"))


PLAYTEST = {"id": ("Tenggat tindak lanjut (tanggal)", "Dihitung dalam hari kerja sejak 15 Juli 2026",
                   "Dipilih: 22 Juli 2026", "Yaitu 15 Juli 2026."),
            "en": ("Follow-up deadline (date)", "Counted in working days from July 15, 2026",
                   "Chosen: July 22, 2026", "That is July 15, 2026.")}


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_the_playtest_states_the_deadline_days_in_the_page_language(open_page, dated_server, shot, viewport):
    language = dated_server.language
    label, hint, chosen, story = PLAYTEST[language]
    page = open_page(viewport, server=dated_server, locale=BROWSER_LOCALE[language])
    page.goto(dated_server.url + EDITOR)
    page.wait_for_selector('.cse[data-state="ready"]')
    page.locator(".cse-playtest-start").click()
    for _node, choice in ROUTE_GOOD:
        if choice == "RECORD":
            break
        page.locator(f'.cse-playtest button[data-choice="{choice}"]').click()
    form = page.locator(".cse-play-record")
    form.wait_for()
    deadline = form.locator("input[type=date]")
    field = deadline.locator("xpath=..")
    assert field.locator("label").inner_text() == label
    described = page.locator("#" + deadline.get_attribute("aria-describedby"))
    assert described.inner_text().startswith(hint)
    assert "2026-07" not in form.inner_text()
    form.locator("button").first.click()  # fill in the expected values: 5 working days from 15 July
    assert deadline.input_value() == "2026-07-22"
    assert field.locator(".cse-day-note").inner_text() == chosen
    form.scroll_into_view_if_needed()
    assert_fits(page, "playtest record", viewport=viewport)
    SHOTS.mkdir(parents=True, exist_ok=True)
    form.screenshot(path=str(SHOTS / f"playtest-record-{language}-{viewport}.png"))
    with page.expect_response(lambda r: "/editor_playtest/" in r.url) as answer:
        form.locator(".action-primary").click()
    assert answer.value.status == 200
    page.locator('.cse-playtest .cse-play-node:has-text("serah-nomor")').wait_for()

    page.locator('.cse-tab[data-tab="scenario"]').click()
    story_date = page.locator('[data-path="scenario.story_date"]')
    assert story_date.input_value() == "2026-07-15"
    assert story_date.locator("xpath=..").locator(".cse-day-note").inner_text() == story
    shot(page, f"editor-story-date-{language}-{viewport}")


STAFF_RELEASE = "/scenario/rubric_reflection.2/"  # graded by course staff, who release the grades
TEXT = ("Saya menyapa Pak Darto dengan hormat, mendengarkan keluhannya sampai selesai, menolak uang rokok dengan "
        "sopan, lalu merujuk pengaduannya ke Disdukcapil dengan nomor pengaduan dan tenggat lima hari kerja. ")
CRITERIA = ("empati", "integritas", "prosedur", "dokumentasi")


def double_graded(server):
    """The staff-graded reflection with every submission in the agreement sample (saved through
    its editor), two learners' reflections graded by ``staff_a`` and one graded again, blind, by
    ``staff_b``: one month of staff-staff agreement figures."""
    author = Client(server.url, "staff_penulis", [])
    html = author.page(STAFF_RELEASE + "studio_view/")
    usage = author.usage(html, "rubric_reflection")
    init = next(json.loads(text) for text in re.findall(r'<script type="application/json">(.*?)</script>', html, re.S)
                if '"reflection"' in text)
    status, body = author.post(usage, "editor_save", {"reflection": {**init["reflection"], "agreement_share": 100}})
    assert status == 200, body
    grader, second = Client(server.url, "staff_a", []), Client(server.url, "staff_b", [])
    for name in ("asn_agree_1", "asn_agree_2"):
        learner = Client(server.url, name, [])
        learner.page(STAFF_RELEASE)
        assert learner.post(usage, "submit", {"text": TEXT * 2, "confirm": True})[0] == 200
        grader.page(STAFF_RELEASE)
        queue = grader.post(usage, "staff_queue", {"filter": "all", "search": name})[1]
        status, body = grader.post(usage, "staff_grade", {"submission_uuid": queue["items"][0]["submission_uuid"],
                                                          "selections": dict.fromkeys(CRITERIA, "baik"),
                                                          "expected_version": 0})
        assert status == 200, body
    second.page(STAFF_RELEASE)
    blind = second.post(usage, "grade_next", {})[1]["submission"]
    assert blind["grading_as"] == "second", blind
    status, body = second.post(usage, "staff_grade", {"submission_uuid": blind["submission_uuid"], "second": True,
                                                      "selections": dict.fromkeys(CRITERIA, "sebagian"),
                                                      "expected_version": 0})
    assert status == 200, body


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_the_agreement_figures_name_their_month_in_the_page_language(open_page, dated_server, viewport):
    language = dated_server.language
    if not getattr(dated_server, "double_graded", False):
        double_graded(dated_server)
        dated_server.double_graded = True
    page = open_page(viewport, server=dated_server, locale=BROWSER_LOCALE[language])
    page.goto(f"{dated_server.url}{STAFF_RELEASE}?student=staff_b")
    page.locator(".rr-block").wait_for()
    page.get_by_role("button", name="Kesepakatan" if language == "id" else "Agreement", exact=True).click()
    captions = page.locator("table.rr-table caption")
    captions.nth(1).wait_for()
    today = datetime.datetime.now(ZoneInfo("Asia/Jakarta")).date()
    month = (BULAN if language == "id" else calendar.month_name[1:])[today.month - 1]
    texts = captions.all_inner_texts()
    assert any(text.endswith(f", {month} {today.year}") for text in texts), texts
    assert not any(re.search(r"\d{4}-\d{2}", text) for text in texts), texts
    # Header cells wrap between words, never inside one ("Pasan|gan").
    broken = page.locator("table.rr-table thead th").evaluate_all("""cells => cells.filter(th => {
      const context = document.createElement('canvas').getContext('2d');
      context.font = getComputedStyle(th).font;
      const widest = Math.max(...th.textContent.split(/\\s+/).map(w => context.measureText(w).width));
      const style = getComputedStyle(th);
      return th.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) < widest - 0.5;
    }).map(th => th.textContent)""")
    assert broken == [], broken
    assert_fits(page, "agreement", viewport=viewport)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".rr-scroll").first.screenshot(path=str(SHOTS / f"agreement-{language}-{viewport}.png"))
