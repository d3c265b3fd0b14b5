"""Browser test harness, shared by every browser test (its fixtures are declared in
tests/conftest.py): the demo workbench on a loopback port, Debian's Chromium, axe-core.

* ``demo_server`` starts ``python -m django runserver`` with the demo settings on a free
  loopback port and a fresh SQLite database of its own (migrated first), once per session.
  Every test uses its own ``?student=`` names, so tests never see each other's state.
* ``browser`` is Debian's ``/usr/bin/chromium`` driven by Playwright; it is never downloaded.
* ``open_page(viewport)`` gives a page in a fresh context that records every request; when
  the test ends, a request to any host but the demo server fails the test.
* ``scan(page, ...)`` injects axe-core (installed from the npm registry by
  ``make browser-deps``) and fails on serious or critical violations inside our blocks.

Nothing here skips: a missing Chromium or axe-core is an error, so a green run means the
browser and accessibility tests really ran.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.load_harness import Client

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts" / "browser"
# How long a demo server may take to answer its first page (six engineers share two cores).
STARTUP_SECONDS = 180
# How long one browser step (a wait, a click) may take on such a machine.
STEP_SECONDS = 60
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE_JS = Path(os.environ.get("AXE_JS", ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage",
]
VIEWPORTS = {"mobile": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}
DEVICES = {
    "mobile": {"viewport": VIEWPORTS["mobile"], "screen": VIEWPORTS["mobile"], "is_mobile": True,
               "has_touch": True, "device_scale_factor": 3},
    "desktop": {"viewport": VIEWPORTS["desktop"], "is_mobile": False, "has_touch": False,
                "device_scale_factor": 1},
}
# Blocks we own on a workbench page; axe looks inside these only (the workbench's own page
# chrome is not what the LMS shows, see ``scan``).
BLOCK_SELECTORS = [".csim", ".rr-block", ".cse", ".rre"]
BLOCKING_IMPACTS = ("serious", "critical")
STARTUP_SECONDS = 240


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DemoServer:
    """A demo workbench served by ``runserver`` in a subprocess."""

    def __init__(self, workdir, language=None, python=sys.executable):
        self.python = python
        self.workdir = Path(workdir)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "course_export.demo.settings",
                    "DEMO_DATABASE": str(self.workdir / "demo.sqlite3"), "PYTHONUNBUFFERED": "1"}
        if language:
            self.env["DEMO_LANGUAGE"] = language
        self.log = self.workdir / "server.log"
        self.process = None

    def start(self):
        """Migrate the empty database, start the server and wait until it answers."""
        subprocess.run([self.python, "-m", "django", "migrate", "--noinput", "-v", "0"],
                       env=self.env, cwd=ROOT, check=True, timeout=180)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [self.python, "-m", "django", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
                env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        # The first page builds the demo course, which takes a while on a busy machine: wait for
        # that answer rather than stacking new requests on top of it.
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"demo server exited early:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=STARTUP_SECONDS / 4) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"demo server did not answer within {STARTUP_SECONDS} s:\n{self.log.read_text()}")

    def stop(self):
        """Stop the server process this object started."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def k_demo_with_roster(workdir, path, block_type, units, k=3, language=None):
    """A demo server of its own with ``DEMO_K_ANONYMITY=k`` and a roster that course staff
    (``staff_bkpsdm``) uploaded through the block at ``path``: ``units`` maps a unit to its number
    of learners (``asn_<u>_<i>``). Returns ``(server, staff client, usage, learner names)``: the
    named learners and one without a unit (``asn_tanpa_unit``), for the caller to play.
    ``language``: the demo's DEMO_LANGUAGE (Indonesian by default)."""
    server = DemoServer(workdir, language=language)
    server.env["DEMO_K_ANONYMITY"] = str(k)
    server.start()
    staff = Client(server.url, "staff_bkpsdm", [])
    usage = staff.usage(staff.page(path), block_type)
    names = [(f"asn_{u}_{i}", unit) for u, (unit, count) in enumerate(units.items()) for i in range(count)]
    status, body = staff.post(usage, "roster_upload", {"csv": "username,unit\n" + "".join(
        f"{name},{unit}\n" for name, unit in names)})
    assert status == 200, body
    return server, staff, usage, [name for name, _unit in names] + ["asn_tanpa_unit"]


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """The Indonesian (default) demo on a free loopback port, with its own database."""
    server = DemoServer(tmp_path_factory.mktemp("demo-id")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, with Google's background services switched off."""
    from playwright.sync_api import sync_playwright

    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(f"{CHROMIUM} not found: run `make browser-deps` (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source():
    """The axe-core script (installed by ``make browser-deps`` into .cache/axe)."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} not found: run `make browser-deps` (npm install axe-core into .cache/axe)")
    return AXE_JS.read_text(encoding="utf-8")


def _slug(text):
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:120]


class Shooter:
    """Numbered full-page screenshots of one test, under artifacts/browser/<test>/."""

    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        shutil.rmtree(folder, ignore_errors=True)

    def __call__(self, page, name):
        self.count += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{self.count:02d}-{_slug(name)}.png"
        # Playwright's full_page=True hangs with Debian's Chromium 156 ("waiting for fonts"),
        # so the viewport is stretched to the page height for the shot, then restored.
        size = page.viewport_size
        height = page.evaluate("() => document.documentElement.scrollHeight")
        page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(height, 12_000))})
        try:
            # One image pixel per CSS pixel: a tall page at a phone's 3x density is otherwise
            # too big to capture in time.
            page.screenshot(path=str(path), scale="css")
        finally:
            page.set_viewport_size(size)
        return path


@pytest.fixture
def shot(request):
    """``shot(page, "step-name")`` saves a numbered screenshot for this test."""
    return Shooter(ARTIFACTS / _slug(request.node.name))


@pytest.fixture
def open_page(browser, demo_server):
    """``open_page(viewport="mobile"|"desktop", server=None, **context_options)``: a page in a
    fresh context (``DEVICES[viewport]``; options such as ``locale`` or ``timezone_id`` added).

    Every request of every page is recorded; at teardown any request to a host other than
    the demo server fails the test (no CDN, fonts, analytics or other outside calls).
    """
    contexts = []

    def make(viewport="mobile", server=None, **context_options):
        server = server or demo_server
        context_options.setdefault("locale", "id-ID")
        # A phone for real: mobile emulation (the meta viewport is honoured, a page without one
        # is laid out 980 px wide), touch, and a phone's pixel density.
        context = browser.new_context(**DEVICES[viewport], **context_options)
        context.set_default_timeout(STEP_SECONDS * 1000)
        requests = []
        context.on("request", lambda req: requests.append(req.url))
        contexts.append((context, requests, server))
        page = context.new_page()
        page.on("pageerror", lambda error: page.js_errors.append(str(error)))
        page.js_errors = []
        page.server = server
        return page

    yield make
    outside = []
    for context, requests, server in contexts:
        origin = urlsplit(server.url)
        for url in requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if (parts.scheme, parts.hostname, parts.port) != (origin.scheme, origin.hostname, origin.port):
                outside.append(url)
        for page in context.pages:
            assert not page.js_errors, f"JavaScript errors on {page.url}: {page.js_errors}"
        context.close()
    assert not outside, f"requests to hosts other than the demo server: {outside}"


def axe_violations(page, axe_source, include=None):
    """Serious and critical axe violations inside ``include`` (our blocks by default)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    selectors = include or [sel for sel in BLOCK_SELECTORS if page.locator(sel).count()]
    assert selectors, f"none of our blocks is on {page.url}"
    result = page.evaluate(
        """async (selectors) => {
            const r = await axe.run({include: selectors.map(s => [s])},
                                    {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 200),
                                          summary: n.failureSummary}))}));
        }""", selectors)
    return [v for v in result if v["impact"] in BLOCKING_IMPACTS], result


@pytest.fixture
def scan(axe_source, request):
    """``scan(page, label)``: fail on serious/critical axe violations in our blocks.

    Every finding (any impact) is appended to artifacts/browser/axe-report.jsonl, so minor
    and moderate issues are visible too without failing the run.
    """
    def run(page, label, include=None):
        blocking, everything = axe_violations(page, axe_source, include)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        with (ARTIFACTS / "axe-report.jsonl").open("a", encoding="utf-8") as report:
            report.write(json.dumps({"test": request.node.name, "step": label, "url": page.url,
                                     "violations": everything}, ensure_ascii=False) + "\n")
        assert not blocking, f"axe: serious/critical violations at {label}:\n" + json.dumps(
            blocking, indent=2, ensure_ascii=False)
        return everything

    return run


# The page's layout width (the meta viewport's ``device-width`` on a phone), how wide its
# content really is, and the widest elements when it does not fit.
_WIDTH_JS = """() => {
    const doc = document.documentElement;
    const limit = doc.clientWidth;
    const wide = [];
    for (const node of document.querySelectorAll('body *')) {
        const box = node.getBoundingClientRect();
        if (box.width && box.right > limit + 1) {
            wide.push({tag: node.tagName.toLowerCase(), cls: String(node.className).slice(0, 60),
                       right: Math.round(box.right), text: (node.textContent || '').trim().slice(0, 60)});
        }
    }
    return {limit: limit, width: Math.max(doc.scrollWidth, document.body.scrollWidth),
            inner: window.innerWidth, wide: wide.slice(-8)};
}"""


def page_width(page):
    """``{limit, width, inner, wide}``: layout viewport width, content width, the overflowing elements."""
    return page.evaluate(_WIDTH_JS)


def assert_fits(page, label="", viewport=None):
    """Fail when the page is wider than its viewport (nothing may scroll sideways).

    ``viewport`` ("mobile"/"desktop") also checks the layout width itself: a page without a
    working meta viewport is laid out 980 px wide on a phone, which fits nothing.
    """
    found = page_width(page)
    where = f"{label or page.url}: "
    assert found["width"] <= found["limit"] + 1, (
        f"{where}page is {found['width']} px wide in a {found['limit']} px viewport; widest: {found['wide']}")
    if viewport:
        expected = VIEWPORTS[viewport]["width"]
        assert found["limit"] <= expected and found["inner"] <= expected, (
            f"{where}laid out {found['limit']} px wide (window {found['inner']} px) on a {expected} px screen")
