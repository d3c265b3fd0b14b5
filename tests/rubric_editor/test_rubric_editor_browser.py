"""In Chromium: an author edits a rubric while submissions exist; staff see the version marker.

A learner submits and self-assesses and staff grade, through the handlers. The author then
opens the reflection editor (1280 px), breaks a level's points (the problem shows in place and
the save is refused), fixes it with new points, moves a criterion with the keyboard, and saves
(Studio's notify contract). At 360 px the learner still sees the grade as given, and the staff
panel marks it "earlier rubric"; staff regrade with the current rubric and the marker goes.
Screenshots go to artifacts/browser/rubric-editor/.
"""
import json
import re
import shutil
import time
from pathlib import Path

import pytest
from lxml import etree

from rubric_xblock.olx import rubric_from_element

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser" / "rubric-editor"
SCENARIO = "rubric_reflection.0"
SCENARIO_XML = ROOT / "rubric_xblock" / "scenarios" / "refleksi_ktp_el.xml"
TEXT = " ".join(["Saya mendengarkan Pak Darto, menolak uang rokok dengan sopan, merujuk ke Disdukcapil dan "
                 "mencatat pengaduannya dengan nomor tanda terima."] * 8)


def demo_rubric():
    """The packaged demo reflection's rubric (what the workbench scenario starts with)."""
    node = etree.fromstring(SCENARIO_XML.read_bytes())
    return rubric_from_element(node.find("rubric"))


def top_levels(rubric):
    return {c["id"]: c["levels"][-1]["id"] for c in rubric["criteria"] if c["levels"]}


class Pages:
    """Pages of one test in fresh contexts, with screenshots, JS errors and notify() calls kept."""

    def __init__(self, chromium, server, folder):
        self.chromium, self.server, self.folder, self.count, self.contexts = chromium, server, folder, 0, []

    def open(self, path, width):
        context = self.chromium.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.errors, page.notified = [], []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("console", lambda msg: page.notified.append(msg) if msg.text.startswith("Runtime event") else None)
        page.goto(self.server.url + path)
        self.contexts.append(context)
        return page

    def shot(self, page, name):
        self.count += 1
        size = page.viewport_size
        height = page.evaluate("() => document.documentElement.scrollHeight")
        page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(height, 9000))})
        page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"))
        page.set_viewport_size(size)

    def post(self, page, usage, handler, student, payload):
        """POST to a handler as the page would (with the CSRF cookie's token)."""
        token = next((c["value"] for c in page.context.cookies() if c["name"] == "csrftoken"), "")
        response = page.request.post(f"{self.server.url}/handler/{usage}/{handler}/?student={student}",
                                     data=json.dumps(payload),
                                     headers={"Content-Type": "application/json", "X-CSRFToken": token})
        assert response.status == 200, response.text()
        return response.json()


def notifications(page):
    """``[(name, data)]`` of every runtime.notify() call the page made."""
    # The workbench runtime logs console.log(`Runtime event "name" with data:`, data).
    return [(re.match(r'Runtime event "(\w+)"', msg.text).group(1), msg.args[-1].json_value())
            for msg in page.notified]


def axe(page, source, selector):
    """Serious or critical axe violations inside ``selector``."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    found = page.evaluate("""async (sel) => (await axe.run({include: [[sel]]}, {resultTypes: ['violations']}))
        .violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}))""", selector)
    return [v for v in found if v["impact"] in ("serious", "critical")]


@pytest.fixture
def pages(chromium, editor_server):
    folder = ARTIFACTS
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    helper = Pages(chromium, editor_server, folder)
    yield helper
    for context in helper.contexts:
        for page in context.pages:
            assert not page.errors, page.errors
        context.close()


def test_author_edits_a_rubric_with_submissions_and_staff_see_the_version_marker(pages, axe_editor_source):
    rubric = demo_rubric()
    learner, old_version = _submitted_and_graded(pages, rubric)
    editor = _open_the_editor(pages, axe_editor_source)
    points = _refuse_a_wrong_value(pages, editor)
    _save_new_points(pages, editor, points, old_version)
    _learner_sees_the_grade_as_given(pages, learner)
    staff = _staff_see_the_earlier_rubric(pages, axe_editor_source, rubric, old_version)
    _regrade(pages, staff)


def _submitted_and_graded(pages, rubric):
    """A learner submits and self-assesses, staff grade: all through the handlers."""
    learner = pages.open(f"/scenario/{SCENARIO}/?student=learner_ani", 360)
    usage = learner.locator("[data-block-type='rubric_reflection']").get_attribute("data-usage")
    pages.post(learner, usage, "submit", "learner_ani", {"text": TEXT, "confirm": True})
    pages.post(learner, usage, "self_assess", "learner_ani", {"selections": top_levels(rubric)})
    queue = pages.post(learner, usage, "staff_queue", "staff_budi", {"filter": "all"})
    uuid = queue["items"][0]["submission_uuid"]
    graded = pages.post(learner, usage, "staff_grade", "staff_budi",
                        {"submission_uuid": uuid, "selections": top_levels(rubric), "expected_version": 0})
    old_version = graded["submission"]["staff_assessment"]["rubric_version"]
    assert graded["submission"]["rubric_current"] is True
    return learner, old_version


def _open_the_editor(pages, axe_source):
    """The author opens the editor."""
    editor = pages.open(f"/scenario/{SCENARIO}/studio_view/?student=staff_author", 1280)
    editor.wait_for_selector('.rre[data-state="ready"]')
    editor.wait_for_function("() => document.querySelector('.rre-problem-count').textContent.length > 0")
    assert not axe(editor, axe_source, ".rre"), axe(editor, axe_source, ".rre")
    pages.shot(editor, "editor-opened")
    return editor


def _refuse_a_wrong_value(pages, editor):
    """A wrong value shows in place, and the save is refused."""
    points = editor.locator('[data-path="rubric.criteria[0].levels[3].points"]')
    points.fill("banyak")
    editor.wait_for_selector('[data-path="rubric.criteria[0].levels[3].points"][aria-invalid="true"]')
    error = editor.locator(".rre-level").nth(3).locator(".rre-field-error")
    assert "Points" in error.inner_text()
    editor.click(".save-button")
    editor.wait_for_function("() => document.querySelector('.rre-notice').classList.contains('rre-bad')")
    editor.wait_for_timeout(200)
    assert [name for name, _ in notifications(editor)] == ["save", "error"]
    pages.shot(editor, "editor-save-refused")
    return points


def _save_new_points(pages, editor, points, old_version):
    """Fixed with new points: a new version is announced, with the grades it concerns."""
    points.fill("5")
    editor.wait_for_selector(".rre-version-new")
    assert "2 assessments" in editor.inner_text(".rre-version-impact")
    # A label changes too, and the second criterion moves up with the keyboard.
    editor.locator('[data-path="rubric.criteria[1].label"]').fill("Integritas (menolak gratifikasi)")
    up = editor.locator('[data-focus="c1-up"]')
    up.focus()
    editor.keyboard.press("Enter")
    editor.wait_for_function("() => document.activeElement && document.activeElement.dataset.focus === 'c0-down'")
    assert editor.locator('[data-path="rubric.criteria[0].label"]').input_value() == "Integritas (menolak gratifikasi)"
    assert "Integritas (menolak gratifikasi)" in editor.locator(".rre-preview .rr-criterion h4").first.inner_text()
    pages.shot(editor, "editor-new-version")
    editor.click(".save-button")
    # "Saving…" is in the notice at once: wait for the save's own end, however slow the server.
    deadline = time.monotonic() + 60
    while notifications(editor)[-1:] != [("save", {"state": "end"})] and time.monotonic() < deadline:
        editor.wait_for_timeout(100)
    assert [(name, data.get("state")) for name, data in notifications(editor)][-2:] == [("save", "start"),
                                                                                    ("save", "end")]
    assert "rre-bad" not in editor.get_attribute(".rre-notice", "class")
    new_version = editor.inner_text(".rre-version .rre-badge")
    assert old_version not in new_version
    pages.shot(editor, "editor-saved")


def _learner_sees_the_grade_as_given(pages, learner):
    """The learner, at 360 px: the grade as given, with the rubric it used."""
    learner.reload()
    learner.wait_for_selector(".rr-total")
    assert "earlier version of the rubric" in learner.inner_text(".rr-step")
    pages.shot(learner, "learner-after-rubric-change")


def _staff_see_the_earlier_rubric(pages, axe_source, rubric, old_version):
    """Staff, at 360 px: the graded submission carries the "earlier rubric" marker."""
    staff = pages.open(f"/scenario/{SCENARIO}/?student=staff_budi", 360)
    staff.wait_for_selector(".rr-staff select")
    staff.locator(".rr-staff select").first.select_option("graded")  # the queue's filter: Graded (1)
    staff.wait_for_selector(".rr-queue .rr-old")
    assert staff.inner_text(".rr-queue .rr-old") == "earlier rubric"
    assert not axe(staff, axe_source, ".rr-block"), axe(staff, axe_source, ".rr-block")
    pages.shot(staff, "staff-queue-marker")
    staff.click(".rr-queue button")
    staff.wait_for_selector(".rr-stale")
    assert old_version in staff.inner_text(".rr-stale")
    assert staff.locator(".rr-oldgrade li").count() == len(rubric["criteria"])
    assert not axe(staff, axe_source, ".rr-block"), axe(staff, axe_source, ".rr-block")
    pages.shot(staff, "staff-regrade-form")
    return staff


def _regrade(pages, staff):
    """Regrade: the form starts from the earlier levels (their ids still exist); save it."""
    with staff.expect_response(lambda r: "/staff_grade/" in r.url) as info:
        staff.locator(".rr-staff form button[type=submit]").click()
    assert info.value.status == 200, info.value.text()
    staff.wait_for_function("() => !document.querySelector('.rr-stale')")
    staff.click(".rr-staff > button")  # back to the list
    staff.wait_for_selector(".rr-staff select")
    staff.locator(".rr-staff select").first.select_option("graded")
    staff.wait_for_selector(".rr-queue li")
    assert staff.locator(".rr-queue .rr-old").count() == 0
    pages.shot(staff, "staff-after-regrade")
