"""In Chromium at 1280 px and 360 px: the reflection's staff analytics with data from several
units (reflections submitted, self-assessed and staff-graded through the real handlers, the
roster uploaded by staff): real tables, the page fits, and units under k left out.

A demo server of this module's own, with k = 3 (DEMO_K_ANONYMITY), so a handful of learners
per unit is enough.
"""
import shutil

import pytest

from tests.browser_harness import ARTIFACTS, assert_fits, k_demo_with_roster
from tests.load_harness import Client

pytestmark = pytest.mark.browser
PATH = "/scenario/rubric_reflection.0/"  # self assessment and staff grading, grades released at once
SHOTS = ARTIFACTS / "analytics"
UNITS = {"Kelurahan Sudimara": 4, "Kecamatan Ciledug": 3, "OPD Disdukcapil": 3, "Kelurahan Gaga": 2}
TEXT = ("Saya menyapa Pak Darto dengan hormat, mendengarkan keluhannya sampai selesai, menolak uang rokok dengan "
        "sopan, lalu merujuk pengaduannya ke Disdukcapil dengan nomor pengaduan dan tenggat lima hari kerja. ")
LEVELS = ("belum", "sebagian", "baik", "sangat-baik")
CRITERIA = ("empati", "integritas", "prosedur", "dokumentasi")


def selections(offset):
    return {c: LEVELS[(offset + i) % len(LEVELS)] for i, c in enumerate(CRITERIA)}


@pytest.fixture(scope="module")
def reflection_server(tmp_path_factory):
    server, staff, usage, names = k_demo_with_roster(tmp_path_factory.mktemp("reflection-analytics-demo"), PATH,
                                                     "rubric_reflection", UNITS)
    log = []
    for index, name in enumerate(names):
        learner = Client(server.url, name, log)
        learner.page(PATH)
        status, body = learner.post(usage, "submit", {"text": TEXT * 3, "confirm": True})
        assert status == 200, body
        if index % 3:
            status, body = learner.post(usage, "self_assess", {"selections": selections(index + 1)})
            assert status == 200, body
        if index % 4 != 3:
            queue = staff.post(usage, "staff_queue", {"filter": "all", "search": name})[1]
            uuid = queue["items"][0]["submission_uuid"]
            status, body = staff.post(usage, "staff_grade", {"submission_uuid": uuid, "selections": selections(index),
                                                             "expected_version": 0})
            assert status == 200, body
    yield server
    server.stop()


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_reflection_staff_analytics_with_three_units(open_page, reflection_server, shot, scan, viewport):
    page = open_page(viewport, server=reflection_server)
    page.goto(f"{reflection_server.url}{PATH}?student=staff_bkpsdm")
    page.locator(".rr-block").wait_for()
    page.locator(".tgr-analytics-toggle").click()
    page.locator(".tgr-analytics-table").first.wait_for()
    box = page.locator(".tgr-analytics")
    ids = box.locator("[data-table]").evaluate_all("nodes => nodes.map(n => n.dataset.table)")
    assert {"progress", "levels", "gap", "units"} <= set(ids), ids
    units = box.locator('[data-table="units"] table tbody th[scope=row]').all_inner_texts()
    assert units == ["Kecamatan Ciledug", "Kelurahan Sudimara", "OPD Disdukcapil"]  # Gaga 2 and tanpa unit 1 < k
    assert "2 unit dengan kurang dari 3 peserta" in box.inner_text()
    assert box.locator('[data-table="units"] td.tgr-band').count() > 0
    progress = box.locator('[data-table="progress"] tbody tr').first.locator("th, td").all_inner_texts()
    assert progress == ["13", "8", "10", "3", "10", "0"], progress  # submitted, self-assessed, graded, waiting, …
    text = box.inner_text()
    assert "asn_" not in text and "Pak Darto" not in text  # no names, no reflection text
    assert_fits(page, "reflection analytics", viewport=viewport)
    scan(page, f"reflection-analytics-{viewport}", include=[".tgr-analytics"])
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot(page, f"reflection-analytics-{viewport}"), SHOTS / f"reflection-analytics-{viewport}.png")
    for table in ("units", "levels", "gap"):
        path = SHOTS / f"reflection-analytics-{viewport}-{table}.png"
        box.locator(f'[data-table="{table}"]').screenshot(path=str(path))
