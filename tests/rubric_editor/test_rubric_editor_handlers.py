"""The reflection editor through the real handler dispatch: save, validation, staff check.

Every refused save must leave every field as it was.
"""
import copy
import json

import pytest
from rubric_support import SIM_USAGE as SIM
from rubric_support import Course, call, error_code

from rubric_xblock import editor
from rubric_xblock.rubric import parse_rubric
from tests.conftest import init_data

pytestmark = pytest.mark.django_db

FIELDS = editor.FIELDS


def values(block):
    """Every field the editor writes, by name."""
    return {name: copy.deepcopy(getattr(block, name)) for name in FIELDS}


def save(course, reflection, user="author", staff=True):
    return call(course.block(user, staff=staff), "editor_save", {"reflection": reflection})


def test_valid_save_writes_every_field_in_its_stored_form(course, form):
    form.update({
        "display_name": "  Refleksi KTP-el  ",
        "prompt": '<p onclick="x()">Tulis <strong>refleksi</strong>.</p><script>alert(1)</script><img src=x>',
        "min_words": 10, "max_words": 300, "self_assessment": False, "staff_assessment": True,
        "grade_release": "staff", "weight": 20, "linked_simulation": SIM,
    })
    form["rubric"]["criteria"].reverse()  # order is the author's
    form["rubric"]["criteria"][0]["levels"] = []  # catatan stays feedback-only
    status, body = save(course, form)
    assert status == 200, body
    assert body["saved"] is True and body["valid"] is True and body["problems"] == []
    block = course.block("author", staff=True)
    assert block.display_name == "Refleksi KTP-el"
    assert block.prompt == "<p>Tulis <strong>refleksi</strong>.</p>"
    assert (block.min_words, block.max_words, block.self_assessment, block.grade_release, block.weight) == (
        10, 300, False, "staff", 20.0)
    assert block.linked_simulation == SIM
    assert [c["id"] for c in block.rubric["criteria"]] == ["catatan", "integritas", "empati"]
    assert body["prompt_html"] == block.prompt
    assert body["points_possible"] == 6 and body["max_score"] == 20
    assert body["rubric_version"] == parse_rubric(block.rubric).version
    assert body["reflection"]["prompt"] == block.prompt
    # What the learner is served follows at once.
    assert course.block("budi").student_view_data()["prompt"] == block.prompt
    assert course.block("budi").max_score() == 20


def test_numbers_sent_as_json_floats_are_whole_numbers(course, form):
    form.update({"min_words": 5.0, "max_words": 50.0, "weight": 3.0})
    assert save(course, form)[0] == 200
    block = course.block("author", staff=True)
    assert (block.min_words, block.max_words, block.weight) == (5, 50, 3.0)
    assert isinstance(block.min_words, int)


def test_blank_weight_means_the_rubric_points(course, form):
    form["weight"] = 7
    save(course, form)
    form["weight"] = None
    assert save(course, form)[0] == 200
    assert course.block("x").weight is None and course.block("x").max_score() == 6


def test_left_out_keys_keep_their_values(course):
    status, body = save(course, {"display_name": "Nama baru"})
    assert status == 200, body
    block = course.block("author", staff=True)
    assert block.display_name == "Nama baru" and block.min_words == 5 and block.rubric["criteria"][0]["id"] == "empati"


def _criteria(form):
    return form["rubric"]["criteria"]


INVALID = [
    # (change to the form, the path of the first problem)
    (lambda f: f.update(display_name="   "), "display_name"),
    (lambda f: f.update(display_name="x" * 256), "display_name"),
    (lambda f: f.update(prompt="<script>alert(1)</script>"), "prompt"),
    (lambda f: f.update(prompt=["<p>x</p>"]), "prompt"),
    (lambda f: f.update(prompt="<p>x</p>" * 3000), "prompt"),
    (lambda f: f.update(min_words=50, max_words=10), "min_words"),
    (lambda f: f.update(max_words=0, min_words=0), "max_words"),
    (lambda f: f.update(min_words="sepuluh"), "min_words"),
    (lambda f: f.update(max_words=5001), "max_words"),
    (lambda f: f.update(min_words=2.5), "min_words"),
    (lambda f: f.update(self_assessment=False, staff_assessment=False), "staff_assessment"),
    (lambda f: f.update(self_assessment="yes"), "self_assessment"),
    (lambda f: f.update(grade_release="later"), "grade_release"),
    (lambda f: f.update(weight=0), "weight"),
    (lambda f: f.update(weight=1.5), "weight"),
    (lambda f: f.update(weight=1001), "weight"),
    (lambda f: f.update(weight=True), "weight"),
    (lambda f: f.update(weight="10"), "weight"),
    (lambda f: f.update(linked_simulation="dua kata"), "linked_simulation"),
    (lambda f: f.update(linked_simulation=5), "linked_simulation"),
    # A role-play of another course: the reflection would read learners' runs there.
    (lambda f: f.update(linked_simulation="block-v1:Lain+PPM101+2026+type@complaint_sim+block@ktp"),
     "linked_simulation"),
    # A workbench-style id in a course whose usage ids are opaque keys cannot be in this course.
    (lambda f: f.update(linked_simulation="ktp.complaint_sim.d0.u0"), "linked_simulation"),
    # Lone surrogates (valid JSON, not storable) anywhere an author types text.
    (lambda f: f.update(display_name="Refleksi \ud800"), "display_name"),
    (lambda f: f.update(prompt="<p>Tulis \udfff</p>"), "prompt"),
    (lambda f: f.update(linked_simulation=SIM + "\ud800"), "linked_simulation"),
    (lambda f: _criteria(f)[0].update(label="Empati \ud800"), "rubric.criteria[0].label"),
    (lambda f: f.update(rubric={"criteria": []}), "rubric.criteria"),
    (lambda f: f.update(rubric="empati"), "rubric.criteria"),
    (lambda f: _criteria(f).__setitem__(slice(None), _criteria(f) * 5), "rubric.criteria"),
    (lambda f: _criteria(f)[1].update(id="empati"), "rubric.criteria[1].id"),
    (lambda f: _criteria(f)[0].update(id="Empati Baik"), "rubric.criteria[0].id"),
    (lambda f: _criteria(f)[0].update(label=""), "rubric.criteria[0].label"),
    (lambda f: _criteria(f)[0].update(description="x" * 2001), "rubric.criteria[0].description"),
    (lambda f: _criteria(f)[0]["levels"].pop(0) and _criteria(f)[0]["levels"].pop(0), "rubric.criteria[0].levels"),
    (lambda f: _criteria(f)[0]["levels"][1].update(id="belum"), "rubric.criteria[0].levels[1].id"),
    (lambda f: _criteria(f)[0]["levels"][1].update(points=-1), "rubric.criteria[0].levels[1].points"),
    (lambda f: _criteria(f)[0]["levels"][1].update(points="dua"), "rubric.criteria[0].levels[1].points"),
    (lambda f: _criteria(f)[0]["levels"][1].update(points=101), "rubric.criteria[0].levels[1].points"),
    # str.isdigit() accepts "²", which int() refuses; 5000 digits exceed int()'s limit: problems, not 500s.
    (lambda f: _criteria(f)[0]["levels"][1].update(points="²"), "rubric.criteria[0].levels[1].points"),
    (lambda f: _criteria(f)[0]["levels"][1].update(points="1" * 5000), "rubric.criteria[0].levels[1].points"),
    (lambda f: _criteria(f)[0]["levels"][2].update(label=" "), "rubric.criteria[0].levels[2].label"),
    (lambda f: [lv.update(points=0) for lv in _criteria(f)[1]["levels"]], "rubric.criteria[1].levels"),
    (lambda f: [c.update(levels=[]) for c in _criteria(f)], "rubric.criteria"),
    (lambda f: _criteria(f).append("kriteria"), "rubric.criteria[3]"),
]


@pytest.mark.parametrize(("change", "path"), INVALID)
def test_each_kind_of_invalid_is_400_with_located_problems_and_writes_nothing(course, form, change, path):
    before = values(course.block("author", staff=True))
    change(form)
    status, body = save(course, form)
    assert status == 400, body
    assert body["error"]["code"] == "INVALID" and body["error"]["message"]
    assert body["problems"], body
    assert body["problems"][0]["path"] == path, body["problems"]
    assert all(p["message"] and p["code"] for p in body["problems"])
    assert values(course.block("author", staff=True)) == before
    # editor_validate gives the same problems with 200, and writes nothing either.
    status, report = call(course.block("author", staff=True), "editor_validate", {"reflection": form})
    assert status == 200 and report["valid"] is False and report["problems"] == body["problems"]
    assert values(course.block("author", staff=True)) == before


def test_every_problem_is_listed_at_once_with_readable_places(course, form):
    form.update(display_name="", min_words=-1, weight=0)
    _criteria(form)[0]["levels"][1]["points"] = "x"
    _criteria(form)[1]["label"] = ""
    status, body = save(course, form)
    assert status == 400
    paths = [p["path"] for p in body["problems"]]
    assert paths == ["display_name", "min_words", "weight", "rubric.criteria[0].levels[1].points",
                     "rubric.criteria[1].label"]
    messages = {p["path"]: p["message"] for p in body["problems"]}
    assert messages["rubric.criteria[0].levels[1].points"].startswith("Criterion 1 › Level 2 › Points")
    assert "criteria[" not in messages["rubric.criteria[1].label"]


def test_problems_are_translated_for_an_indonesian_author(course, form):
    class Indonesian:
        def gettext(self, text):
            import gettext as gt
            from pathlib import Path

            import rubric_xblock
            folder = Path(rubric_xblock.__file__).parent / "translations"
            return gt.translation("text", str(folder), ["id"]).gettext(text)

    block = course.block("author", staff=True)
    block.runtime._services["i18n"] = Indonesian()
    _criteria(form)[0]["levels"][1]["points"] = "x"
    form["display_name"] = ""
    status, body = call(block, "editor_save", {"reflection": form})
    assert status == 400
    assert body["error"]["message"].startswith("Refleksi ini masih bermasalah")
    assert body["problems"][0]["message"] == "Beri nama refleksi ini."
    assert body["problems"][1]["message"].startswith("Kriteria 1 › Tingkatan 2 › Poin harus berupa bilangan bulat")


@pytest.mark.parametrize("user", ["learner", "anonymous", "nobody"])
def test_only_staff_may_validate_or_save(course, form, user):
    before = values(course.block("author", staff=True))
    form["display_name"] = "Diretas"
    block = course.block(None if user == "anonymous" else "budi")
    if user == "nobody":
        block.runtime._services.pop("user", None)
    for handler in ("editor_save", "editor_validate"):
        status, body = call(block, handler, {"reflection": form})
        assert status == 403 and body["error"]["code"] == "STAFF_ONLY", (handler, body)
    assert values(course.block("author", staff=True)) == before


class StudioPermissions:
    """Studio's ``studio_user_permissions`` service."""

    def __init__(self, allowed):
        self.allowed = allowed

    def can_write(self, course_key):
        """Whether the user may edit the course."""
        return self.allowed


@pytest.mark.parametrize("allowed", [True, False])
def test_a_studio_author_without_user_is_staff_edits_when_they_may_write_the_course(course, form, allowed):
    block = course.block("dosen")  # Studio's user service never sets user_is_staff
    block.runtime._services["studio_user_permissions"] = StudioPermissions(allowed)
    form["display_name"] = "Dari Studio"
    status, _ = call(block, "editor_save", {"reflection": form})
    assert status == (200 if allowed else 403)
    assert (course.block("x").display_name == "Dari Studio") is allowed


@pytest.mark.parametrize("payload", [{}, {"reflection": []}, {"reflection": "x"}])
def test_a_request_without_the_reflection_is_400(course, payload):
    assert error_code(call(course.block("author", staff=True), "editor_save", payload)) == "BAD_REQUEST"


def test_get_is_405_and_bad_json_is_400(course):
    block = course.block("author", staff=True)
    assert call(block, "editor_save", method="GET")[0] == 405
    assert error_code(call(block, "editor_save", raw=b"{nope")) == "BAD_JSON"


def test_validate_reports_sanitised_prompt_points_and_version_without_writing(course, form):
    before = values(course.block("author", staff=True))
    form["prompt"] = '<p>Halo <a href="javascript:alert(1)">tautan</a></p>'
    form["weight"] = 12
    status, report = call(course.block("author", staff=True), "editor_validate", {"reflection": form})
    assert status == 200 and report["valid"] is True
    assert report["prompt_html"] == "<p>Halo <a>tautan</a></p>"
    assert (report["points_possible"], report["max_score"]) == (6, 12)
    assert report["version_changed"] is False and report["rubric_version"] == report["current_rubric_version"]
    assert report["impact"] == {"submissions": 0, "assessments": 0, "other_version": 0}
    assert values(course.block("author", staff=True)) == before


def test_an_unknown_roleplay_id_is_a_warning_not_a_problem():
    current = {"display_name": "R", "prompt": "<p>x</p>", "min_words": 0, "max_words": 10, "self_assessment": True,
               "staff_assessment": True, "grade_release": "immediate", "weight": None, "linked_simulation": "",
               "rubric": {"criteria": [{"id": "a", "label": "A", "levels": [
                   {"id": "x", "label": "X", "points": 0}, {"id": "y", "label": "Y", "points": 1}]}]}}
    clean, problems, warnings = editor.check_candidate({"linked_simulation": "sim-lain"}, current, {"sim-1"})
    assert problems == [] and [w.path for w in warnings] == ["linked_simulation"]
    assert clean["linked_simulation"] == "sim-lain"
    assert editor.check_candidate({"linked_simulation": "sim-1"}, current, {"sim-1"})[2] == []
    assert editor.check_candidate({"linked_simulation": "sim-lain"}, current, set())[2] == []


def test_studio_view_follows_the_studio_contract(course):
    frag = course.block("author", staff=True).studio_view()
    assert 'class="editor-with-buttons rre"' in frag.content
    assert "save-button" in frag.content and "cancel-button" in frag.content
    js = "".join(resource.data for resource in frag.resources if resource.kind == "text")
    assert "runtime.notify(\"save\", {state: \"start\"" in js and "runtime.notify(\"save\", {state: \"end\"})" in js
    assert "runtime.notify(\"cancel\"" in js and "runtime.notify(\"error\"" in js
    assert frag.js_init_fn == "RubricReflectionEditor"
    args = init_data(frag)
    assert args["reflection"]["rubric"]["criteria"][0]["id"] == "empati"
    assert args["strings"]["save"] == "Save" and args["roleplays"] == []
    assert json.dumps(args)  # JSON-able


def test_studio_view_lists_the_roleplays_of_the_course_tree():
    from xblock.runtime import DictKeyValueStore, KvsFieldData
    from xblock.test.tools import TestRuntime

    from complaint_sim_xblock.block import ComplaintSimBlock
    from rubric_xblock.block import RubricReflectionBlock

    runtime = TestRuntime(services={"field-data": KvsFieldData(DictKeyValueStore())})
    assert ComplaintSimBlock and RubricReflectionBlock  # both are installed entry points
    xml = ("<vertical_demo><complaint_sim display_name='Simulasi KTP-el'/>"
           "<vertical_demo><rubric_reflection/></vertical_demo></vertical_demo>")
    root = runtime.get_block(runtime.parse_xml_string(xml))
    inner = root.get_children()[1].get_children()[0]
    found = inner._roleplays()
    assert [r["name"] for r in found] == ["Simulasi KTP-el"]
    assert found[0]["id"] == str(root.get_children()[0].scope_ids.usage_id)


def test_a_course_with_submissions_can_still_be_edited(submitted, form):
    """Editing never needs the learners' state, and never touches it."""
    form["display_name"] = "Diubah setelah ada kiriman"
    assert save(submitted, form)[0] == 200
    state = call(submitted.block("budi"), "learner_state")[1]["state"]
    assert state["submission"]["text"] and state["step"] == "self"


def test_a_new_course_block_saves_once_it_has_a_prompt(db):
    course = Course()
    course.block(None).prompt = ""
    block = course.block("author", staff=True)
    block.prompt = ""
    block.save()
    status, body = call(course.block("author", staff=True), "editor_save", {"reflection": {}})
    assert status == 400 and [p["path"] for p in body["problems"]] == ["prompt"]
    assert call(course.block("author", staff=True), "editor_save",
                {"reflection": {"prompt": "<p>Tulis.</p>"}})[0] == 200


def test_the_grading_settings_are_edited_and_checked_in_place(course, form):
    form.update({"grading_mode": "peer", "peer_count": 2, "peer_minimum": 2, "peer_training": False,
                 "training_tolerance": 0, "agreement_share": 25, "appeal_days": 10, "appeal_staff_days": 3,
                 "peer_expiry_hours": 48})
    status, body = save(course, form)
    assert status == 200, body
    block = course.block("author", staff=True)
    assert {name: getattr(block, name) for name in editor.GRADING_FIELDS} == {
        "grading_mode": "peer", "peer_count": 2, "peer_minimum": 2, "peer_training": False,
        "training_tolerance": 0, "agreement_share": 25, "appeal_days": 10, "appeal_staff_days": 3,
        "peer_expiry_hours": 48}
    assert body["reflection"]["grading_mode"] == "peer"
    before = values(block)
    # Out of range, not whole, unknown mode: each located at its field, nothing written.
    bad = {**form, "grading_mode": "robot", "peer_count": 0, "peer_training": "yes", "agreement_share": 101,
           "appeal_staff_days": 2.5, "peer_expiry_hours": "12"}
    status, body = save(course, bad)
    assert (status, body["error"]["code"]) == (400, "INVALID")
    located = {p["path"]: p["message"] for p in body["problems"]}
    assert {"grading_mode", "peer_count", "peer_training", "agreement_share", "appeal_staff_days",
            "peer_expiry_hours"} <= set(located)
    assert located["peer_count"] == "Enter a whole number from 1 to 10."
    assert values(course.block("author", staff=True)) == before


def test_the_editor_page_offers_the_grading_settings_with_their_ranges(course):
    data = init_data(course.block("author", staff=True).studio_view())
    assert data["limits"]["grading_modes"] == ["staff", "peer", "peer_staff"]
    assert data["limits"]["grading_limits"]["peer_expiry_hours"] == [1, 336]
    assert data["reflection"]["appeal_days"] == 7 and "grading_mode" in data["reflection"]
