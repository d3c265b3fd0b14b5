"""The Studio editor (``studio_view``) of complaint_sim in Chromium: every tab renders
without script errors and passes the axe scan. Its behaviour is tested over HTTP elsewhere.
"""
import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_complaint_sim_editor_tabs_are_accessible(open_page, shot, scan, viewport):
    page = open_page(viewport)
    page.goto(f"{page.server.url}/scenario/complaint_sim.0/studio_view/?student=staff_editor")
    editor = page.locator(".cse")
    editor.wait_for()
    page.wait_for_function("() => document.querySelector('.cse').dataset.state !== 'loading'")
    tabs = editor.locator("[role=tab]")
    assert tabs.count() >= 3
    for index in range(tabs.count()):
        tab = tabs.nth(index)
        label = tab.get_attribute("data-tab") or str(index)
        tab.click()
        assert tab.get_attribute("aria-selected") == "true"
        shot(page, f"editor-{label}")
        scan(page, f"editor-{label}")


@pytest.mark.parametrize("viewport", ["mobile", "desktop"])
def test_course_outline_page_is_accessible(open_page, shot, scan, viewport):
    """The demo's course outline (course_export) as a whole document, page chrome included."""
    page = open_page(viewport)
    page.goto(f"{page.server.url}/")
    assert page.locator("a[href^='/unit/']").count() > 0
    shot(page, "outline")
    scan(page, "outline", include=["html"])


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_rubric_editor_is_accessible(open_page, shot, scan, viewport):
    page = open_page(viewport)
    page.goto(f"{page.server.url}/scenario/rubric_reflection.0/studio_view/?student=staff_editor")
    page.locator(".rre").wait_for()
    page.wait_for_function("() => document.querySelector('.rre').dataset.state !== 'loading'")
    page.wait_for_load_state("networkidle")
    shot(page, "rubric-editor")
    scan(page, "rubric-editor")
