"""The one handler contract (``xblock_json_contract``) as both blocks use it.

Through the real dispatch path (``runtime.handle``) of every handler of both blocks: the
method, body and size refusals; one translation of each refusal; the retired codes stay
retired; the README documents the codes once.
"""
import json
import re
from pathlib import Path

import pytest
from webob import Request

from complaint_sim_xblock.block import ComplaintSimBlock
from complaint_sim_xblock.studio import EDITOR_SCRIPTS, MAP_SCRIPTS
from rubric_xblock.block import RubricReflectionBlock
from tests.conftest import LmsUserService
from xblock_json_contract import RENAMED, SHARED_CODES, HandlerError, client_script

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = (ComplaintSimBlock, RubricReflectionBlock)
LIMITS = {ComplaintSimBlock: 4 * 1024 * 1024, RubricReflectionBlock: 256 * 1024}


class MarkingI18n:
    """An i18n service whose translation can be seen, and counted: «text»."""

    def gettext(self, text):
        return f"«{text}»"

    ugettext = gettext


def handlers(cls):
    return sorted(name for name in dir(cls) if getattr(getattr(cls, name), "_is_xblock_handler", False))


@pytest.fixture
def marked(make_block):
    """``marked(cls, staff=False)``: a block whose i18n service marks every translation."""
    def build(cls, staff=False, **fields):
        block = make_block(cls, user=LmsUserService(username="budi", staff=staff), **fields)
        block.runtime._services["i18n"] = MarkingI18n()
        return block
    return build


def send(block, handler, body=b"{}", method="POST"):
    request = Request.blank("/", method=method, body=body, content_type="application/json")
    response = block.runtime.handle(block, handler, request)
    return response.status_code, json.loads(response.body.decode("utf-8"))


def test_every_handler_of_both_blocks_is_a_json_endpoint():
    # The blocks' handler lists, so a handler added without the decorator shows up here.
    assert "editor_save" in handlers(ComplaintSimBlock) and "choose" in handlers(ComplaintSimBlock)
    assert "editor_save" in handlers(RubricReflectionBlock) and "staff_grade" in handlers(RubricReflectionBlock)
    for cls in BLOCKS:
        for name in handlers(cls):
            assert getattr(cls, name).__wrapped__.__qualname__.endswith(name), (cls, name)


@pytest.mark.parametrize("cls", BLOCKS)
def test_method_body_and_size_refusals_are_the_same_in_both_blocks(marked, cls):
    for name in handlers(cls):
        block = marked(cls, staff=True)
        if getattr(cls, name).reads_only:  # a json_reader: GET reads too, nothing else but POST does
            for method in ("PUT", "DELETE", "PATCH"):
                assert send(block, name, method=method) == (405, {"error": {
                    "code": "METHOD_NOT_ALLOWED", "message": "«Use GET or POST for this request.»"}}), name
        else:
            assert send(block, name, method="GET") == (405, {"error": {
                "code": "METHOD_NOT_ALLOWED", "message": "«Use POST for this request.»"}}), name
        for raw in (b"[1]", b"{", b"\xff", b"[" * 100_000):
            assert send(block, name, raw) == (400, {"error": {
                "code": "BAD_JSON", "message": "«The request must be a JSON object.»"}}), (name, raw)
        assert send(block, name, b" " * (LIMITS[cls] + 1)) == (400, {"error": {
            "code": "REQUEST_TOO_LARGE", "message": "«The request is too large.»"}}), name


def test_the_body_limit_is_each_blocks_own(marked):
    # Just under the role-play's limit is accepted by the contract (the handler then answers).
    body = json.dumps({"pad": "x" * (LIMITS[ComplaintSimBlock] - 20)}).encode()
    assert len(body) <= LIMITS[ComplaintSimBlock]
    status, reply = send(marked(ComplaintSimBlock), "state", body)
    assert status == 200 and "state" in reply
    status, reply = send(marked(RubricReflectionBlock), "learner_state", body)
    assert (status, reply["error"]["code"]) == (400, "REQUEST_TOO_LARGE")


def test_lone_surrogates_are_bad_json_for_the_role_play(marked):
    status, reply = send(marked(ComplaintSimBlock), "start", b'{"attempt": 1, "x": "\\ud800"}')
    assert (status, reply["error"]["code"]) == (400, "BAD_JSON")


@pytest.mark.parametrize(("handler", "payload", "code"), [
    # An engine error that formats itself (EditorError.message): translated once, not twice.
    ("editor_import_text", {"text": 5}, "BAD_REQUEST"),
    ("editor_import_text", {"text": "a: ["}, "BAD_TEXT"),
    ("editor_import_text", {"text": "x" * 2_000_001}, "TEXT_TOO_LONG"),
    ("editor_playtest", {"scenario": {}, "action": "start"}, "SCENARIO_INVALID"),
    ("editor_playtest", {"scenario": None}, "BAD_REQUEST"),
])
def test_role_play_editor_refusals_are_translated_once(marked, mini_data, handler, payload, code):
    status, reply = send(marked(ComplaintSimBlock, staff=True), handler, json.dumps(payload).encode())
    message = reply["error"]["message"]
    assert status == 400 and reply["error"]["code"] == code
    assert message.startswith("«") and message.count("«") == 1, message


def test_a_rubric_error_is_answered_with_its_params_translated_once(marked):
    block = marked(RubricReflectionBlock)
    status, reply = send(block, "save_draft", json.dumps({"text": "x" * 30_001}).encode())
    assert (status, reply["error"]) == (400, {"code": "TEXT_TOO_LONG",
                                              "message": "«The text is longer than 30000 characters.»"})


def test_refusals_keep_their_extra_members():
    error = HandlerError(409, "STALE", "Stale %(what)s.", {"what": "page"}, state={"step": 1})
    assert error.text(str) == "Stale page." and error.extra == {"state": {"step": 1}}
    # A broken translation (a placeholder it does not know) falls back to the English.
    assert error.text(lambda text: "Basi %(apa)s.") == "Stale page."


@pytest.mark.parametrize("cls", BLOCKS)
def test_editors_refuse_a_learner_with_the_one_code(marked, cls):
    block = marked(cls)
    payload = {"scenario": {}} if cls is ComplaintSimBlock else {"reflection": {}}
    for name in ("editor_validate", "editor_save"):
        status, reply = send(block, name, json.dumps(payload).encode())
        assert (status, reply["error"]["code"]) == (403, "STAFF_ONLY"), name


def test_anonymous_learners_get_the_one_code(make_block):
    sim = make_block(ComplaintSimBlock, user=LmsUserService(authenticated=False))
    assert send(sim, "start", b'{"attempt": 1}')[1]["error"]["code"] == "NOT_SIGNED_IN"
    reflection = make_block(RubricReflectionBlock, user=LmsUserService(authenticated=False))
    assert send(reflection, "save_draft", b'{"text": "x"}')[1]["error"]["code"] == "NOT_SIGNED_IN"


def sources():
    for package in ("complaint_sim_xblock", "rubric_xblock", "xblock_json_contract", "course_export"):
        for path in sorted((ROOT / package).rglob("*")):
            if path.suffix in (".py", ".js", ".html") and "translations" not in path.parts:
                yield path


def test_retired_codes_are_gone_from_the_code_and_the_scripts():
    # The retired codes, as quoted strings (a code is always a string literal).
    retired = re.compile("[\"'](" + "|".join(RENAMED) + ")[\"']")
    found = [f"{path.relative_to(ROOT)}: {m.group(0)}" for path in sources()
             if path.name != "codes.py" for m in retired.finditer(path.read_text(encoding="utf-8"))]
    assert found == []
    assert set(RENAMED.values()) <= {*SHARED_CODES, "RUBRIC_INVALID"}


def test_the_readme_documents_the_codes_and_the_renames_once():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The handler contract (both blocks)", 1)[1].split("\n## ", 1)[0]
    for code in SHARED_CODES:
        assert re.search(rf"^\| `{code}` \|", section, re.M), code
    for old, new in RENAMED.items():
        assert re.search(rf"^\| `{old}` \| [^|]+ \| `{new}` \|$", section, re.M), old
    # Nowhere else in the README does a retired code appear.
    rest = readme.replace(section, "")
    assert [old for old in RENAMED if f"`{old}`" in rest] == []


def test_the_browser_helpers_are_one_file_that_every_script_uses():
    assert "root.TangerangXBlocks" in client_script()
    scripts = sorted((ROOT / "complaint_sim_xblock" / "public").glob("*.js")) + sorted(
        (ROOT / "rubric_xblock" / "public").glob("*.js"))
    assert len(scripts) == 10
    # The role-play editor's model and map build no form controls: the model touches no DOM
    # at all (it runs under node), the map draws SVG markup of its own.
    no_el = {"scenario_model.js", "scenario_map.js"}
    assert not re.search(r"\bdocument\.|\bwindow\.", (ROOT / "complaint_sim_xblock/public/scenario_model.js").read_text(
        encoding="utf-8"))
    # The editor's views post through the editor's ctx.post (studio.js); every entry script posts itself.
    views = {"studio_form.js", "studio_inspector.js", "studio_panes.js"}
    for path in scripts:
        text = path.read_text(encoding="utf-8")
        # No copy of their own: no el(), no fetch, no CSRF cookie reading.
        assert not re.search(r"function el\(|fetch\(|csrftoken", text), path.name
        if path.name in no_el:
            assert "TangerangXBlocks" not in text, path.name
            continue
        assert "var el = TangerangXBlocks.el;" in text, path.name
        if path.name not in views:
            # The reflection's staff panel posts JSON through the learner script's post() and
            # downloads the CSV with postFile.
            assert re.search(r"TangerangXBlocks\.post(Json|File)\(runtime, ", text), path.name


@pytest.mark.parametrize(("cls", "view"), [(ComplaintSimBlock, "student_view"), (ComplaintSimBlock, "studio_view"),
                                           pytest.param(RubricReflectionBlock, "student_view",
                                                        marks=pytest.mark.django_db),
                                           (RubricReflectionBlock, "studio_view")])
def test_every_fragment_adds_the_browser_helpers_before_its_script(make_block, cls, view):
    fragment = getattr(make_block(cls, user=LmsUserService(staff=True)), view)()
    scripts = [r.data for r in fragment.resources if r.mimetype == "application/javascript"]
    # Course staff also get the reflection's staff panel script, after the learner script, and
    # in both blocks the staff analytics (tangerang_units/public/analytics.js); the role-play's
    # editor is six scripts (studio.EDITOR_SCRIPTS).
    # The role-play's staff analytics also draw the scenario map (studio.MAP_SCRIPTS).
    extra = {(RubricReflectionBlock, "student_view"): 2, (ComplaintSimBlock, "student_view"): 1 + len(MAP_SCRIPTS),
             (ComplaintSimBlock, "studio_view"): len(EDITOR_SCRIPTS) - 1}.get((cls, view), 0)
    assert scripts[0] == client_script() and len(scripts) == 2 + extra


@pytest.mark.parametrize("payload", [
    {"text": "</script><script>alert(1)</script> & <!-- --> \u2028 \u00e9 \U0001F600", "n": [1, 2.5, None, True]},
    {"nested": {"a": "<b>", "list": ["&amp;", ">"]}, "empty": "", "date": "2026-12-01"},
])
def test_the_fast_json_script_escapes_exactly_as_djangos(payload):
    from django.core.serializers.json import DjangoJSONEncoder
    from django.utils import html as django_html

    from xblock_json_contract.static import json_script
    ours = json_script(payload)
    body = ours.removeprefix('<script type="application/json">').removesuffix("</script>")
    assert "<" not in body and ">" not in body and "&" not in body
    # Django's own escape table over the same compact JSON: the same text.
    expected = json.dumps(payload, cls=DjangoJSONEncoder, separators=(",", ":")).translate(
        django_html._json_script_escapes)  # noqa: SLF001 (the table json_script uses)
    assert body == expected
    theirs = str(django_html.json_script(payload))
    assert json.loads(body) == json.loads(theirs.split(">", 1)[1].rsplit("<", 1)[0]) == payload


def test_only_the_editors_scenario_read_answers_get():
    """The one json_reader (a GET a page can preload) writes nothing and takes nothing; every
    other handler of both blocks stays POST only."""
    readers = [(cls.__name__, name) for cls in BLOCKS for name in handlers(cls) if getattr(cls, name).reads_only]
    assert readers == [("ComplaintSimBlock", "editor_load")]


def test_a_reader_answers_get_with_the_same_body_as_post_and_is_never_cached(marked):
    block = marked(ComplaintSimBlock, staff=True)
    got, posted = (block.runtime.handle(block, "editor_load", Request.blank("/", method=method, body=body))
                   for method, body in (("GET", b""), ("POST", b"{}")))
    assert got.status_code == posted.status_code == 200 and got.body == posted.body
    assert json.loads(got.body)["scenario"]["start"]
    assert got.headers["Cache-Control"] == posted.headers["Cache-Control"] == "private, no-cache"
    # Refusals too: a learner's GET is the same 403 as their POST, never cached either.
    learner = marked(ComplaintSimBlock)
    refused = learner.runtime.handle(learner, "editor_load", Request.blank("/", method="GET"))
    assert refused.status_code == 403 and json.loads(refused.body)["error"]["code"] == "STAFF_ONLY"
    assert refused.headers["Cache-Control"] == "private, no-cache"
