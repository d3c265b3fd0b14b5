"""Every page of the demo, as a phone (mobile emulation, 360×740) and a desktop (1280×800) see it.

The crawl starts at the outline and follows every link the pages offer (units, the blocks'
scenarios, their editors, the learner / staff / author links), so a page nobody links to is
not "the demo". Each page must answer 200, carry the meta viewport, fit its viewport (nothing
scrolls sideways), give its navigation links 44 px targets and run without script errors
(the harness checks those).
"""
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser_harness import assert_fits, page_width

pytestmark = pytest.mark.browser
SKIP_PREFIXES = ("/admin", "/handler/", "/resource/", "/static/", "/reset_state", "/jsi18n")
# Navigation our pages draw (the outline's lists, the demo page's bars); text links inside
# course pages are inline links, which the 44 px rule exempts.
NAV_LINKS = "main li > a, .demo-bar a, .demo-who a"
LOADING = """() => !document.querySelector('.csim-loading, .cse[data-state=loading], .rre[data-state=loading]')"""


def _links(page, origin):
    hrefs = page.eval_on_selector_all("a[href]", "nodes => nodes.map(n => n.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or parts.path.startswith(SKIP_PREFIXES):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _variants(path_and_query):
    """The page as the crawl visits it: one learner version per path, and one staff (or author)
    version where staff see something else (block scenarios and editors, reflection units)."""
    parts = urlsplit(path_and_query)
    student = parse_qs(parts.query).get("student", [""])[0]
    staff_differs = parts.path.startswith("/scenario/") or "refleksi" in parts.path
    return parts.path, "staff" if student.startswith("staff") and staff_differs else "learner"


def crawl(page, viewport, check):
    """Visit every page reachable from ``/``; ``check(page, url)`` on each. Returns the URLs."""
    origin = page.server.url
    queue, seen, visited = ["/"], set(), []
    while queue:
        url = queue.pop(0)
        key = _variants(url)
        if key in seen:
            continue
        seen.add(key)
        response = page.goto(origin + url, wait_until="load")
        assert response.status == 200, f"{url}: HTTP {response.status}"
        page.wait_for_function(LOADING)
        check(page, url)
        visited.append(url)
        queue.extend(_links(page, origin))
    return visited


@pytest.mark.parametrize("viewport", ["mobile", "desktop"])
def test_every_demo_page_fits_its_viewport(open_page, shot, viewport):
    page = open_page(viewport)
    small = []

    def check(page, url):
        assert page.locator('meta[name=viewport][content*="width=device-width"]').count() == 1, url
        assert_fits(page, url, viewport)
        # Links folded away (the role switcher on a phone) are checked where they are shown.
        for box in page.eval_on_selector_all(NAV_LINKS, """nodes => nodes.filter(n => n.getClientRects().length)
                .map(n => ({text: n.textContent.trim(), h: n.getBoundingClientRect().height}))"""):
            if box["h"] < 44:
                small.append((url, box["text"], box["h"]))
        if url in ("/", "/unit/unit-ktp-el/", "/scenario/complaint_sim.0/studio_view/?student=staff_author",
                   "/scenario/rubric_reflection.0/?student=staff",
                   "/scenario/rubric_reflection.0/studio_view/?student=staff_author"):
            shot(page, url)

    visited = crawl(page, viewport, check)
    assert small == [], f"links smaller than 44 px: {small[:10]}"
    paths = {urlsplit(url).path for url in visited}
    # The crawl really went everywhere: every unit, both blocks and both editors, as staff too.
    assert sum(path.startswith("/unit/") for path in paths) >= 20
    for path in ("/scenario/complaint_sim.0/", "/scenario/rubric_reflection.0/",
                 "/scenario/complaint_sim.0/studio_view/", "/scenario/rubric_reflection.0/studio_view/"):
        assert path in paths, path
    assert any("student=staff" in url for url in visited)


def test_the_width_check_fails_on_a_wide_page(open_page):
    """The check is real: a page 154,055 px wide (a 3,000-char word in a no-wrap box) fails it."""
    page = open_page("mobile")
    page.goto(page.server.url + "/")
    assert_fits(page, viewport="mobile")
    page.evaluate("""() => { const p = document.createElement('p'); p.style.whiteSpace = 'nowrap';
        p.style.overflowWrap = 'normal'; p.textContent = 'x'.repeat(3000); document.body.appendChild(p); }""")
    assert page_width(page)["width"] > 360
    with pytest.raises(AssertionError, match="wide in a 360 px viewport"):
        assert_fits(page, viewport="mobile")


def test_a_page_without_the_meta_viewport_is_caught_on_a_phone(open_page):
    """Under real mobile emulation the workbench's 404 page (no meta viewport) is 980 px wide."""
    page = open_page("mobile")
    page.goto(page.server.url + "/scenario/filethumbs.0/")
    with pytest.raises(AssertionError, match="laid out 980 px wide"):
        assert_fits(page, viewport="mobile")


@pytest.mark.parametrize("path", ["/unit/unit-ktp-el/", "/scenario/rubric_reflection.0/?student=staff"])
def test_the_role_switcher_leaves_a_phone_screen_to_the_course(open_page, shot, path):
    """At 360×740 the page's chrome (title, course bar, role switcher) ends within the top third;
    the switcher is one line that opens to the role links (44 px) and the how-to."""
    page = open_page("mobile")
    page.goto(page.server.url + path)
    who = page.locator(".demo-who")
    assert who.bounding_box()["height"] <= 60
    assert page.evaluate("() => document.querySelector('.demo-who').getBoundingClientRect().bottom") < 740 / 3
    assert page.locator(".demo-who summary").inner_text().startswith("Anda: ")
    links = page.locator(".demo-role-links a")
    assert links.count() >= 1 and not links.first.is_visible()
    page.locator(".demo-who summary").click()
    assert links.first.is_visible() and min(box["height"] for box in links.evaluate_all(
        "ns => ns.map(n => n.getBoundingClientRect())")) >= 44
    shot(page, "role-switcher-open")
    # On a desktop there is room: the switcher is open from the start.
    wide = open_page("desktop")
    wide.goto(wide.server.url + path)
    assert wide.locator(".demo-role-links a").first.is_visible()
