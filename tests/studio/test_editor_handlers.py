"""The editor's handlers through the runtime's real dispatch: save, validate, access, text, Twine."""
import copy
import html
import json
from pathlib import Path

import pytest
import yaml

from complaint_sim_xblock import editor, session
from complaint_sim_xblock.block import ComplaintSimBlock
from complaint_sim_xblock.scenario import compile_scenario
from tests.conftest import init_data, post
from tests.studio.conftest import DATA, StudioPermissions

SETTINGS = {"display_name": "Antrean printer", "weight": 2.5, "max_attempts": 5, "grading_policy": "last"}
ROOT = Path(__file__).resolve().parents[2]
HANDLERS = ["editor_load", "editor_validate", "editor_save", "editor_playtest", "editor_import_twee",
            "editor_import_text", "editor_export"]


def snapshot(block):
    """Every authoring and learner field of the block."""
    return {name: copy.deepcopy(getattr(block, name)) for name in
            ("scenario", "scenario_digest", "display_name", "weight", "max_attempts", "grading_policy",
             "run", "history")}


def test_valid_save_stores_the_canonical_scenario_and_settings(block_as, mini):
    block = block_as("staff")
    status, body = post(block, "editor_save", {"scenario": mini, "settings": SETTINGS})
    assert status == 200, body
    canonical = compile_scenario(mini)
    assert block.scenario == canonical.data
    assert block.scenario_digest == canonical.digest == body["digest"]
    assert body["max_score"] == session.max_points(canonical)
    for name, value in SETTINGS.items():
        assert getattr(block, name) == value
    # A learner on the same block plays the saved scenario.
    learner = block_as("learner")
    assert learner.compiled().digest == canonical.digest
    assert learner.display_name == "Antrean printer"


def test_saving_the_same_scenario_twice_is_idempotent(block_as, mini):
    block = block_as("staff")
    assert post(block, "editor_save", {"scenario": mini})[0] == 200
    before = snapshot(block)
    assert post(block, "editor_save", {"scenario": mini})[0] == 200
    assert snapshot(block) == before


def _set(path, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _drop_node(node_id):
    def change(data):
        data["nodes"] = [n for n in data["nodes"] if n["id"] != node_id]
    return change


INVALID = {
    "missing_target": (_set(["nodes", 0, "choices", 0, "target"], "nowhere"), "missing_target"),
    "duplicate_node": (lambda d: d["nodes"].append(copy.deepcopy(d["nodes"][-1])), "duplicate_id"),
    "unreachable": (lambda d: d["nodes"].append({"id": "pulau", "type": "ending", "title": "Pulau",
                                                 "text": "Tidak terhubung.", "quality": "fair"}), "unreachable"),
    "dead_end_removed_node": (_drop_node("gagal"), "missing_target"),
    "bad_condition": (_set(["nodes", 1, "choices", 1, "condition"], "mood >>= 4"), "bad_condition"),
    "unknown_variable": (_set(["nodes", 1, "choices", 1, "condition"], "trust >= 4"), "unknown_variable"),
    "unknown_competency": (_set(["nodes", 0, "choices", 0, "scores"], {"sopan": 1}), "unknown_reference"),
    "unknown_duty": (_set(["nodes", 0, "choices", 0, "fulfils"], ["senyum"]), "unknown_reference"),
    "one_choice": (lambda d: d["nodes"][3]["choices"].pop(), "choice_count"),
    "two_models": (_set(["nodes", 0, "choices", 1, "model"], True), "several_models"),
    "bad_id": (_set(["nodes", 0, "id"], "Datang Pagi"), "bad_id"),
    "missing_start": (_set(["start"], "awal"), "missing_start"),
    "initial_out_of_bounds": (_set(["variables", 0, "initial"], 99), "initial_out_of_bounds"),
    "expected_not_option": (_set(["nodes", 2, "record", "urgency", "expected"], "Darurat"), "expected_not_option"),
    "model_route_too_long": (_set(["max_steps"], 2), "model_route_no_ending"),
    "no_competencies": (_set(["competencies"], []), "no_competencies"),
}


@pytest.mark.parametrize("kind", sorted(INVALID))
def test_an_invalid_scenario_is_refused_and_nothing_is_written(block_as, mini, kind):
    block = block_as("staff")
    assert post(block, "editor_save", {"scenario": mini, "settings": SETTINGS})[0] == 200
    before = snapshot(block)
    change, code = INVALID[kind]
    broken = copy.deepcopy(mini)
    change(broken)
    status, body = post(block, "editor_save", {"scenario": broken, "settings": {**SETTINGS, "weight": 9.0}})
    assert status == 400
    assert body["error"]["code"] == "INVALID"
    assert code in [p["code"] for p in body["problems"]], body["problems"]
    assert all({"code", "message", "path", "node"} <= set(p) for p in body["problems"])
    assert snapshot(block) == before
    # The validate handler reports the same problems.
    status, report = post(block, "editor_validate", {"scenario": broken})
    assert status == 200 and report["valid"] is False and report["max_score"] is None
    assert report["problems"] == body["problems"]


BAD_SETTINGS = {
    "display_name": ({"display_name": "   "}, "missing"),
    "weight_negative": ({"weight": -1}, "out_of_range"),
    "weight_text": ({"weight": "2"}, "out_of_range"),
    "attempts_float": ({"max_attempts": 2.5}, "out_of_range"),
    "attempts_bool": ({"max_attempts": True}, "out_of_range"),
    "policy": ({"grading_policy": "worst"}, "not_allowed"),
}


@pytest.mark.parametrize("kind", sorted(BAD_SETTINGS))
def test_invalid_settings_are_refused_with_the_scenario_unwritten(block_as, mini, kind):
    block = block_as("staff")
    before = snapshot(block)
    settings, code = BAD_SETTINGS[kind]
    status, body = post(block, "editor_save", {"scenario": mini, "settings": settings})
    assert status == 400 and body["error"]["code"] == "INVALID"
    assert [p["code"] for p in body["problems"]] == [code]
    assert body["problems"][0]["path"].startswith("settings.")
    assert snapshot(block) == before


@pytest.mark.parametrize("payload", [{}, {"scenario": "nodes: []"}, {"scenario": [1, 2]}])
def test_a_request_without_a_scenario_object_is_a_bad_request(block_as, payload):
    block = block_as("staff")
    status, body = post(block, "editor_save", payload)
    assert status == 400 and body["error"]["code"] == "BAD_REQUEST"


def test_bad_json_and_get_are_refused(block_as):
    block = block_as("staff")
    assert post(block, "editor_save", None, raw=b"{not json")[0] == 400
    from webob import Request
    response = block.runtime.handle(block, "editor_save", Request.blank("/", method="GET"))
    assert response.status_code == 405


def test_validate_reports_max_score_model_route_and_impact(block_as, mini):
    block = block_as("staff")
    status, report = post(block, "editor_validate", {"scenario": mini})
    assert status == 200 and report["valid"] and report["problems"] == []
    assert report["max_score"] == session.max_points(compile_scenario(mini))
    assert [step["node"] for step in report["model_route"]] == ["datang", "tanya", "rekam", "tutup", "baik"]
    assert report["model_route"][1]["vars"] == {"mood": 5}  # mood 3 + 2 after 'sapa'
    assert report["impact"]["removed_nodes"] == []
    post(block, "editor_save", {"scenario": mini})
    smaller = copy.deepcopy(mini)
    smaller["nodes"][3]["choices"][1]["target"] = "baik"
    smaller["nodes"] = [n for n in smaller["nodes"] if n["id"] != "cukup"]
    report = post(block, "editor_validate", {"scenario": smaller})[1]
    assert report["valid"] and report["impact"]["removed_nodes"] == ["cukup"]


# --- Who may edit -----------------------------------------------------------------------------

@pytest.mark.parametrize("user", ["learner", "anonymous", None])
@pytest.mark.parametrize("handler", HANDLERS)
def test_only_staff_may_use_the_editor(block_as, mini, user, handler):
    block = block_as(user)
    before = snapshot(block)
    status, body = post(block, handler, {"scenario": mini, "action": "start", "text": ":: A\nx"})
    assert status == 403 and body["error"]["code"] == "STAFF_ONLY"
    assert snapshot(block) == before


def test_studio_author_without_user_is_staff_may_save(block_as, mini):
    """Studio's user service leaves user_is_staff False; studio_user_permissions decides there."""
    permissions = StudioPermissions(can_write=True)
    block = block_as("learner", permissions=permissions)
    status, body = post(block, "editor_save", {"scenario": mini})
    assert status == 200, body
    assert str(permissions.asked[0]) == "course-v1:TangerangX+PPM101+2026"


def test_studio_user_who_cannot_write_the_course_is_refused(block_as, mini):
    block = block_as("learner", permissions=StudioPermissions(can_write=False))
    assert post(block, "editor_save", {"scenario": mini})[0] == 403
    assert block.scenario == {}


# --- Text mode and export ------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_then_import_gives_the_same_scenario(block_as, mini, fmt):
    block = block_as("staff")
    status, exported = post(block, "editor_export", {"scenario": mini, "format": fmt})
    assert status == 200 and exported["filename"] == f"mini.{fmt}"
    status, imported = post(block, "editor_import_text", {"text": exported["text"]})
    assert status == 200 and imported["scenario"] == mini and imported["valid"]


def test_export_without_a_scenario_gives_the_stored_one(block_as, mini):
    block = block_as("staff")
    post(block, "editor_save", {"scenario": mini})
    text = post(block, "editor_export", {"format": "yaml"})[1]["text"]
    assert yaml.safe_load(text) == block.scenario


@pytest.mark.parametrize(("text", "code"), [
    ("id: [unclosed", "BAD_TEXT"), ("- just\n- a list\n", "BAD_TEXT"), (None, "BAD_REQUEST"),
    ("x" * (editor.MAX_TEXT_CHARS + 1), "TEXT_TOO_LONG"),
    # Found by fuzzing: YAML that parses but is no JSON, or that Python cannot hold.
    ("a: &x [*x]", "BAD_TEXT"), ("a: " + "1" * 5000, "BAD_TEXT"), ("[" * 5000, "BAD_TEXT")])
def test_text_that_is_not_a_scenario_is_refused(block_as, text, code):
    status, body = post(block_as("staff"), "editor_import_text", {"text": text})
    assert status == 400 and body["error"]["code"] == code


def test_yaml_error_names_the_line(block_as):
    body = post(block_as("staff"), "editor_import_text", {"text": "id: mini\ntitle: [oops\n"})[1]
    assert "line 3" in body["error"]["message"] or "line 2" in body["error"]["message"]


def test_yaml_keys_that_are_not_text_become_text(block_as):
    status, body = post(block_as("staff"), "editor_import_text", {"text": "id: x\n2020-01-01: y\n3: z\n"})
    assert status == 200 and body["scenario"]["2020-01-01"] == "y" and body["scenario"]["3"] == "z"


def test_yaml_dates_become_text(block_as):
    status, body = post(block_as("staff"), "editor_import_text", {"text": "id: x\ntitle: 2026-01-02\n"})
    assert status == 200 and body["scenario"]["title"] == "2026-01-02"


# --- Twine import handler --------------------------------------------------------------------

def test_twine_import_handler_returns_scenario_report_and_problems(block_as):
    block = block_as("staff")
    text = (DATA / "harlowe.twee").read_text(encoding="utf-8")
    status, body = post(block, "editor_import_twee", {"text": text})
    assert status == 200
    assert body["scenario"]["start"] == "lobby"
    assert {"passage", "node", "code", "message"} <= set(body["report"][0])
    assert any(r["code"] == "macro" and r["passage"] == "Lobby" for r in body["report"])
    assert body["problems"] and body["max_score"] is None
    assert block.scenario == {}  # nothing written


def test_twine_import_refuses_text_without_passages(block_as):
    status, body = post(block_as("staff"), "editor_import_twee", {"text": "Just prose, no passages."})
    assert status == 400 and body["error"]["code"] == "NOT_TWEE"


# --- The view -------------------------------------------------------------------------------

def test_studio_view_carries_strings_and_settings_but_neither_scenario_nor_report(block_as, mini):
    block = block_as("staff")
    frag = block.studio_view()
    assert "editor-with-buttons" in frag.body_html()
    assert frag.js_init_fn == "ComplaintSimEditor"
    args = init_data(frag)
    # Neither the scenario (editor_load gives it: at 500 nodes it outweighs the rest of the page)
    # nor the validation report (editor_validate, once drawn) is part of the page.
    assert "scenario" not in args and "report" not in args and "authored" not in args
    assert args["strings"]["save"] == "Save" and args["strings"]["loading"] == "Loading…"
    assert args["settings"]["grading_policy"] == block.grading_policy
    # The scenario's request starts in the page's head, before any other resource: a preload of
    # the GET that studio.js then makes (the same address, from the init data; mode, credentials).
    first = frag.resources[0]
    assert (first.mimetype, first.placement) == ("text/html", "head")
    assert args["load_url"] == block.runtime.handler_url(block, "editor_load")
    href = html.escape(args["load_url"])
    assert first.data == f'<link rel="preload" as="fetch" crossorigin="anonymous" href="{href}">'
    studio = (ROOT / "complaint_sim_xblock/public/studio.js").read_text(encoding="utf-8")
    assert "return args.load_url;" in studio and 'getJson(loader, root, "editor_load"' in studio
    post(block, "editor_save", {"scenario": mini, "settings": SETTINGS})
    args = init_data(block.studio_view())
    assert "scenario" not in args and args["settings"] == SETTINGS


def test_a_500_node_editor_page_does_not_carry_the_scenario(block_as):
    from tests.bench_editor import generate_scenario

    block = block_as("staff")
    unauthored = block.studio_view().body_html()
    assert post(block, "editor_save", {"scenario": generate_scenario(500)})[0] == 200
    html = block.studio_view().body_html()
    assert "Turn 499: the citizen" not in html and '"d499"' not in html
    assert html == unauthored  # the page does not grow with the scenario


def test_editor_load_gives_the_author_the_stored_scenario_and_its_register(block_as, mini):
    block = block_as("staff")
    status, body = post(block, "editor_load", {})
    assert status == 200 and body["authored"] is False
    assert body["scenario"] == block.scenario_data() and body["scenario"]["nodes"]  # the packaged example
    assert body["register"]["laws"] and body["register"]["maladministration"]
    post(block, "editor_save", {"scenario": mini})
    status, body = post(block, "editor_load", {})
    assert status == 200 and body["authored"] is True and body["scenario"] == block.scenario
    # A Studio author (studio_user_permissions) may load too; one who cannot write the course may not.
    assert post(block_as("learner", permissions=StudioPermissions(can_write=True)), "editor_load", {})[0] == 200
    status, body = post(block_as("learner", permissions=StudioPermissions(can_write=False)), "editor_load", {})
    assert status == 403 and body["error"]["code"] == "STAFF_ONLY" and "scenario" not in body


def test_the_editor_page_is_built_once_per_language(block_as, monkeypatch):
    from complaint_sim_xblock import studio

    block = block_as("staff")
    first = block.studio_view().body_html()
    calls = []
    monkeypatch.setattr(studio, "editor_strings", lambda gettext: calls.append(1) or {})
    assert block.studio_view().body_html() == first and not calls
    monkeypatch.setattr(studio, "_EDITOR_PAGES", {})
    block.studio_view()
    assert calls == [1]


def test_editor_strings_are_all_marked_for_extraction():
    """Each value in EDITOR_STRINGS is a literal wrapped in _() in studio.py (so makemessages finds it)."""
    import ast
    import inspect

    from complaint_sim_xblock import studio
    tree = ast.parse(inspect.getsource(studio))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "EDITOR_STRINGS":
            for value in node.value.values:
                assert isinstance(value, ast.Call) and value.func.id == "_", ast.dump(value)
                assert isinstance(value.args[0], ast.Constant)
            break
    else:
        pytest.fail("EDITOR_STRINGS not found")


def test_the_block_class_has_the_editor():
    assert "editor_save" in ComplaintSimBlock.__dict__ or hasattr(ComplaintSimBlock, "editor_save")
    assert ComplaintSimBlock.service_declaration("studio_user_permissions") == "want"


def test_the_staff_analytics_get_the_map_outline_without_the_answer_key(block_as, mini):
    block = block_as("staff")
    post(block, "editor_save", {"scenario": mini})
    outline = init_data(block.student_view())["map"]
    assert outline["scenario"]["start"] == mini["start"]
    assert [n["id"] for n in outline["scenario"]["nodes"]] == [n["id"] for n in mini["nodes"]]
    text = json.dumps(outline["scenario"])
    for key in ("scores", "effects", "feedback", "model", "condition", "fulfils", "breaches", "record", "quality"):
        assert f'"{key}": ' not in text, key
    choice = next(n for n in outline["scenario"]["nodes"] if n.get("choices"))["choices"][0]
    assert set(choice) == {"id", "text", "target"}
    assert outline["strings"]["map_band_4"] and outline["strings"]["map_edge_count"]
    assert "map" not in init_data(block_as("learner").student_view())


def test_validate_and_save_check_the_scenario_once(block_as, monkeypatch):
    """At 500 nodes one check is most of editor_validate's time: the report and the save used
    to check the same scenario two and three times."""
    from complaint_sim_xblock import scenario as engine
    from tests.bench_editor import generate_scenario

    calls = []
    real = engine._check  # noqa: SLF001 (counting the engine's one full check)
    monkeypatch.setattr(engine, "_check", lambda data: calls.append(1) or real(data))
    block = block_as("staff")
    data = generate_scenario(60)
    status, report = post(block, "editor_validate", {"scenario": data})
    assert status == 200 and report["valid"] and report["max_score"] > 0 and len(calls) == 1
    status, saved = post(block, "editor_save", {"scenario": data, "settings": SETTINGS})
    assert status == 200 and saved["saved"] and saved["max_score"] == report["max_score"] and len(calls) == 2
    assert block.scenario_digest == compile_scenario(data).digest == saved["digest"]
    # A scenario with problems: one check, the same problems, nothing compiled.
    broken = {**data, "start": "nowhere"}
    problems, compiled = engine.check_scenario(broken)
    assert compiled is None and [p.code for p in problems] == [p.code for p in engine.validate_scenario(broken)]
