"""In Chromium at 1280 px and 360 px: the role-play's staff analytics with data from several
units (played through the real handlers, the roster uploaded by staff), every table a real
<table> with a CSV download, units under k left out; and the debrief's colleague shares.

A demo server of this module's own, with k = 3 (DEMO_K_ANONYMITY), so a handful of learners
per unit is enough.
"""
import shutil
from pathlib import Path

import pytest

from tests.browser.sim_driver import GOOD_RECORD, ROUTE_FAIR, ROUTE_GOOD, ROUTE_POOR, SCENARIO_PATH
from tests.browser_harness import ARTIFACTS, assert_fits, k_demo_with_roster
from tests.load_harness import Client

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "analytics"  # kept screenshots of the analytics and the debrief shares
UNITS = {"Kecamatan Ciledug": 5, "Kelurahan Sudimara": 4, "OPD Disdukcapil": 4, "Kelurahan Paninggilan": 2}
ROUTES = (ROUTE_GOOD, ROUTE_FAIR, ROUTE_POOR)


def play(client, usage, route):
    assert client.post(usage, "start", {"attempt": 1})[0] == 200
    body = None
    for step, (node, choice) in enumerate(route):
        if choice == "RECORD":
            status, body = client.post(usage, "record", {"node": node, "step": step,
                                                          "record": {**GOOD_RECORD, "deadline_days": 5}})
        else:
            status, body = client.post(usage, "choose", {"node": node, "step": step, "choice": choice})
        assert status == 200, body
    return body


@pytest.fixture(scope="module")
def analytics_server(tmp_path_factory):
    server, _staff, usage, names = k_demo_with_roster(tmp_path_factory.mktemp("analytics-demo"), SCENARIO_PATH,
                                                      "complaint_sim", UNITS)
    log = []
    for index, name in enumerate(names):
        learner = Client(server.url, name, log)
        learner.page(SCENARIO_PATH)
        play(learner, usage, ROUTES[index % 3])
    server.usage = usage
    yield server
    server.stop()


def keep(path, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / name)


def open_analytics(page, server):
    page.goto(f"{server.url}{SCENARIO_PATH}?student=staff_bkpsdm")
    page.locator(".csim-body .csim-loading").wait_for(state="detached")
    page.locator(".tgr-analytics-toggle").click()
    page.locator(".tgr-analytics-table").first.wait_for()
    return page.locator(".tgr-analytics")


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_staff_analytics_with_three_units(open_page, analytics_server, shot, scan, viewport):
    page = open_page(viewport, server=analytics_server)
    box = open_analytics(page, analytics_server)
    assert box.locator(".tgr-analytics-summary").inner_text().startswith("16 peserta")
    heat = box.locator('[data-table="heatmap"] table')
    units = heat.locator("tbody th[scope=row]").all_inner_texts()
    assert units == ["Kecamatan Ciledug", "Kelurahan Sudimara", "OPD Disdukcapil"]  # Paninggilan: 2 < k
    assert "2 unit dengan kurang dari 3 peserta" in box.inner_text()
    assert heat.locator("td.tgr-band").count() > 0
    assert heat.locator("thead th[scope=col]").first.inner_text() == "Unit"
    duties = box.locator('[data-table="duties"] tbody tr').first.inner_text()
    assert "%" in duties
    ids = box.locator("[data-table]").evaluate_all("nodes => nodes.map(n => n.dataset.table)")
    assert ids == ["endings", "quality", "duties", "competencies", "records", "first_best", "heatmap", "choices"]
    assert box.locator('.tgr-analytics-map[data-map="choices"]').count() == 1
    assert page.evaluate("() => Object.keys(document.querySelector('.tgr-analytics-map').analyticsMap)"
                         ".includes('pembuka')")
    # The scenario map drawn read-only with the counts (scenario_map.js): weighted edges, a legend.
    the_map = box.locator(".tgr-analytics-map")
    assert the_map.locator("g.cse-node").count() > 10
    bands = the_map.locator("path.cse-edge").evaluate_all("ps => ps.map(p => p.dataset.band)")
    assert any(band in ("2", "3", "4") for band in bands), bands
    counted = page.evaluate("""() => {
      const m = document.querySelector('.tgr-analytics-map').analyticsMap.pembuka;
      return Object.values(m).reduce((a, b) => a + b, 0);
    }""")
    title = the_map.locator('path.cse-edge[data-from="pembuka"] title').first.text_content()
    assert "peserta" in title and "%" in title, (title, counted)
    assert box.locator(".cse-map-legend .cse-weight-legend li").count() == 5
    assert_fits(page, "analytics", viewport=viewport)
    scan(page, f"analytics-{viewport}", include=[".tgr-analytics"])
    keep(shot(page, f"analytics-{viewport}"), f"analytics-{viewport}.png")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for table in ("heatmap", "duties", "choices"):
        box.locator(f'[data-table="{table}"]').screenshot(path=str(SHOTS / f"analytics-{viewport}-{table}.png"))
    box.locator(".tgr-analytics-map-section").screenshot(path=str(SHOTS / f"analytics-{viewport}-map.png"))
    if viewport == "desktop":
        with page.expect_download() as info:
            box.locator('[data-table="heatmap"] .tgr-analytics-csv').click()
        text = Path(info.value.path()).read_text(encoding="utf-8-sig")
        assert text.splitlines()[0].startswith("Unit,Peserta,Percobaan,Semua kewajiban")
        assert "Kelurahan Paninggilan" not in text and "asn_" not in text
        # Filtered to one unit under k: everything hidden.
        box.locator("select[name=unit]").select_option("Kelurahan Paninggilan")
        with page.expect_response(lambda r: "/analytics/" in r.url):
            box.locator(".tgr-analytics-apply").click()
        box.locator(".tgr-analytics-hidden").wait_for()
        assert box.locator(".tgr-analytics-table").count() == 0


def test_debrief_shows_colleague_shares(open_page, analytics_server, shot):
    log = []
    learner = Client(analytics_server.url, "asn_baru", log)
    learner.page(SCENARIO_PATH)
    body = play(learner, analytics_server.usage, ROUTE_GOOD)
    peers = [t["peers"] for t in body["state"]["debrief"]["turns"] if t["type"] == "dialogue"]
    assert peers[0]["attempts"] == 17 and peers[0]["model"] == peers[0]["same"]  # 16 colleagues + this one
    page = open_page("mobile", server=analytics_server)
    page.goto(f"{analytics_server.url}{SCENARIO_PATH}?student=asn_baru")
    page.locator(".csim-debrief").wait_for()
    path = page.locator(".csim-debrief details", has=page.locator(".csim-peers"))  # "Jalur Anda"
    if path.get_attribute("open") is None:
        path.locator("summary").first.click()
    first = page.locator(".csim-peers").first
    first.wait_for()
    assert first.inner_text().startswith("Rekan Anda yang memilih sama:")
    first.scroll_into_view_if_needed()
    assert_fits(page, "debrief", viewport="mobile")
    keep(shot(page, "debrief-shares-mobile"), "debrief-shares-mobile.png")
    page.locator(".csim-turn").first.screenshot(path=str(SHOTS / "debrief-shares-mobile-turn.png"))
