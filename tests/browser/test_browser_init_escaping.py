"""Init data cannot break out of its <script> (issue 14, defect 1), checked in Chromium.

Every author text field (scenario texts, settings, prompt, rubric) and every learner text
field (the record summary, the draft, self-assessment comments) carries ``</script>``
payloads. The pages are loaded (learner, staff and editor views) on the real workbench,
whose wrapper writes the runtime's init arguments unescaped, and on a wrapper built like
the LMS's (``xblock_wrapper.html``: ``dump_js_escaped_json`` into
``<script type="json/xblock-args">``, then ``window[data-init](runtime, element, args)``).
Nothing may run, and the payload must show as text. On the old main the workbench pages ran
the payload.
"""
import copy
import json
import os
import re
import uuid

import pytest

from tests.browser_harness import DemoServer

pytestmark = pytest.mark.browser
# Playwright's sync API keeps an event loop in the test thread; the reflection test below renders
# with the test database (sync Django calls, no concurrency), which Django refuses by default there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PAYLOAD = ('</script><script>window.__xss=(window.__xss||0)+1</script>'
           '<img src=x onerror="window.__xss=(window.__xss||0)+1">\u2028\u2029&amp;<!--<script>')
TEXT_KEYS = {"text", "feedback", "label", "title", "basis", "situation", "name", "role", "wants", "description"}


def poisoned(value, key=None):
    """``value`` with the payload appended to every author text (ids and references untouched)."""
    if isinstance(value, dict):
        return {k: poisoned(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [poisoned(v, key) for v in value]
    if isinstance(value, str) and key in TEXT_KEYS and value and value not in ("immediate", "debrief"):
        return value + " " + PAYLOAD
    return value


def _strings(value):
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return [value] if isinstance(value, str) else []


def assert_inert(page, expect_text=True):
    """Nothing the payload carries ran, and (where text is shown) it shows as text."""
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None, "an injected script ran"
    assert page.locator("body script:not([type]), body script[type='text/javascript']").evaluate_all(
        "nodes => nodes.filter(n => n.textContent.includes('__xss')).length") == 0
    if expect_text:  # shown as text, or (in an editor) held intact in the data the editor edits
        shown = "</script><script>window.__xss" in page.inner_text("body") or any(
            PAYLOAD in text for text in _strings(_init(page)))
        assert shown, "the payload is not shown as text: the init data did not arrive intact"


# --- The workbench ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def poisoned_demo(tmp_path_factory):
    """A demo server of this module's own (its blocks are rewritten with payloads)."""
    server = DemoServer(tmp_path_factory.mktemp("demo-xss")).start()
    yield server
    server.stop()


def _post(page, usage, handler, student, body):
    return page.evaluate("""async ([url, body]) => {
        const token = (document.cookie.match(/(?:^|;\\s*)csrftoken=([^;]+)/) || [])[1] || "";
        const r = await fetch(url, {method: "POST", body: JSON.stringify(body),
                                    headers: {"Content-Type": "application/json", "X-CSRFToken": token}});
        return [r.status, await r.json()];
    }""", [f"/handler/{usage}/{handler}/?student={student}", body])


def _init(page):
    """The block's init data (in its own script; on the old code, in the runtime's arguments)."""
    own = page.locator("script[type='application/json']")
    found = own if own.count() else page.locator("script.xblock_json_init_args")
    return json.loads(found.first.text_content())


def _usage(page, block_type):
    return re.search(rf"data-usage=['\"]([^'\"]+\.{block_type}\.[^'\"]+)['\"]", page.content()).group(1)


def _scenario_path(server, page, block_type):
    page.goto(server.url + "/workbench/")
    href = page.locator(f"a[href^='/scenario/{block_type}.']").first.get_attribute("href")
    return server.url + href


def test_roleplay_pages_on_the_workbench_run_no_injected_script(poisoned_demo, open_page):
    page = open_page("desktop", server=poisoned_demo)
    base = _scenario_path(poisoned_demo, page, "complaint_sim")
    # The author saves a scenario whose every text carries the payload (the display name too).
    page.goto(base + "studio_view/?student=staff")
    args = _init(page)
    usage = _usage(page, "complaint_sim")
    scenario = poisoned(_post(page, usage, "editor_load", "staff", {})[1]["scenario"])
    settings = {**args["settings"], "display_name": "Main peran " + PAYLOAD}
    status, body = _post(page, usage, "editor_save", "staff", {"scenario": scenario, "settings": settings})
    assert status == 200, body
    # A learner plays to an ending, with the payload in the record summary (learner text).
    learner = f"xss_{uuid.uuid4().hex[:8]}"
    page.goto(base + f"?student={learner}")
    assert_inert(page)
    state = _post(page, usage, "start", learner, {"attempt": 1})[1]["state"]
    while state["view"] and not state["view"]["finished"]:
        node = state["view"]["node"]
        if node["type"] == "record":
            record = {key: spec["options"][0] for key, spec in node["record"].items()}
            record.update(deadline_days=3, summary="Ringkasan " + PAYLOAD)
            status, body = _post(page, usage, "record", learner,
                                 {"node": node["id"], "step": state["view"]["step"], "record": record})
        else:
            status, body = _post(page, usage, "choose", learner, {"node": node["id"], "step": state["view"]["step"],
                                                                  "choice": node["choices"][0]["id"]})
        assert status == 200, body
        state = body["state"]
    for url in (base + f"?student={learner}", base + "studio_view/?student=staff", base + "?student=staff"):
        page.goto(url)
        assert_inert(page)


def test_reflection_pages_on_the_workbench_run_no_injected_script(poisoned_demo, open_page):
    page = open_page("desktop", server=poisoned_demo)
    base = _scenario_path(poisoned_demo, page, "rubric_reflection")
    page.goto(base + "studio_view/?student=staff")
    args = _init(page)
    usage = _usage(page, "rubric_reflection")
    reflection = copy.deepcopy(args["reflection"])
    reflection["display_name"] = "Refleksi " + PAYLOAD
    reflection["prompt"] = "<p>Tulis refleksi " + PAYLOAD.replace("&amp;", "&amp;amp;") + "</p>"
    reflection["rubric"] = poisoned(reflection["rubric"])
    reflection.update(min_words=1, linked_simulation="")
    status, body = _post(page, usage, "editor_save", "staff", {"reflection": reflection})
    assert status == 200, body
    learner = f"xss_{uuid.uuid4().hex[:8]}"
    page.goto(base + f"?student={learner}")
    text = "Refleksi saya " + PAYLOAD
    status, body = _post(page, usage, "save_draft", learner, {"text": text})
    assert status == 200, body
    page.goto(base + f"?student={learner}")
    assert_inert(page)
    status, body = _post(page, usage, "submit", learner, {"text": text, "confirm": True, "personal_data_ok": True})
    assert status == 200, body
    if body["state"].get("step") == "self":
        rubric = body["state"].get("rubric") or reflection["rubric"]
        selections = {c["id"]: c["levels"][0]["id"] for c in rubric["criteria"] if c["levels"]}
        comments = {c["id"]: "Komentar " + PAYLOAD for c in rubric["criteria"]}
        status, body = _post(page, usage, "self_assess", learner, {
            "selections": selections, "comments": comments, "overall_comment": "Umum " + PAYLOAD})
        assert status == 200, body
    for url in (base + f"?student={learner}", base + "?student=staff", base + "studio_view/?student=staff"):
        page.goto(url)
        assert_inert(page)


# --- A wrapper like the LMS's ---------------------------------------------------------------------

def lms_escaped_json(value):
    """edx-platform's ``dump_js_escaped_json``: JSON with ``<``, ``>``, ``&`` as ``\\u00XX``."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


LMS_RUNTIME = """
<script>
window.__handlerCalls = [];
document.querySelectorAll(".xblock[data-init]").forEach(function (element) {
  var args = JSON.parse(element.querySelector(":scope > script.xblock-json-init-args").textContent);
  var runtime = {handlerUrl: function (el, name) { window.__handlerCalls.push(name); return "/handler/" + name; },
                 notify: function () {}, children: function () { return []; }};
  window[element.getAttribute("data-init")](runtime, element, args);
});
</script>
"""


def lms_page(frag, init_name, block_type):
    """The fragment wrapped the way the LMS wraps a block, as one self-contained page."""
    css = "".join(f"<style>{r.data}</style>" for r in frag.resources if r.kind == "text" and r.mimetype == "text/css")
    js = "".join(f"<script>{r.data}</script>" for r in frag.resources
                 if r.kind == "text" and r.mimetype == "application/javascript")
    wrapper = (f'<div class="xblock xblock-student_view" data-init="{init_name}" data-runtime-class="LmsRuntime" '
               f'data-runtime-version="1" data-block-type="{block_type}" data-usage-id="u1">'
               f'<script type="json/xblock-args" class="xblock-json-init-args">'
               f"{lms_escaped_json(frag.json_init_args or {})}</script>{frag.body_html()}</div>")
    head = f"<!DOCTYPE html><html><head><meta charset='utf-8'>{css}</head>"
    return f"{head}<body>{wrapper}{js}{LMS_RUNTIME}</body></html>"


def show(open_page, server, html):
    """A page with ``html``, served at an address of the demo's origin (cookies work there)."""
    page = open_page("desktop")
    url = server.url + f"/lms-like/{uuid.uuid4().hex}"
    page.route(url, lambda route: route.fulfill(status=200, content_type="text/html", body=html))
    page.goto(url)
    return page


def test_roleplay_views_in_an_lms_like_wrapper_run_no_injected_script(open_page, demo_server, make_block, mini_data):
    from complaint_sim_xblock.block import ComplaintSimBlock
    from tests.conftest import LmsUserService, post

    def poisoned_block(**kwargs):
        block = make_block(ComplaintSimBlock, block_type="complaint_sim", display_name="Main " + PAYLOAD, **kwargs)
        block.set_scenario(poisoned(mini_data))
        block.save()
        return block

    block = poisoned_block()
    assert post(block, "start", {"attempt": 1})[0] == 200
    author = poisoned_block(user=LmsUserService(staff=True))  # the editor is shown to the course team only
    for frag, name in ((block.student_view(), "ComplaintSimBlock"), (author.studio_view(), "ComplaintSimEditor")):
        page = show(open_page, demo_server, lms_page(frag, name, "complaint_sim"))
        assert_inert(page)


def test_reflection_views_in_an_lms_like_wrapper_run_no_injected_script(open_page, demo_server, db):
    from tests.rubric.rubric_support import RUBRIC, Course, call

    course = Course(display_name="Refleksi " + PAYLOAD, rubric=poisoned(RUBRIC),
                    prompt="<p>Tulis " + PAYLOAD.replace("&amp;", "") + "</p>", min_words=1)
    learner = course.block("budi")
    assert call(learner, "save_draft", {"text": "Draf " + PAYLOAD})[0] == 200
    views = [(course.block("budi").student_view(), "RubricReflectionBlock"),
             (course.block("staff_1", staff=True).student_view(), "RubricReflectionBlock"),
             (course.block("staff_1", staff=True).studio_view(), "RubricReflectionEditor")]
    for frag, name in views:
        page = show(open_page, demo_server, lms_page(frag, name, "rubric_reflection"))
        assert_inert(page)
