"""Rubric versions: a rubric edited after submissions exist never breaks a grade or a view.

Wording and order keep the version; points, levels and ids make a new one. Every assessment
keeps the version it was made with and is shown with that version's rubric; staff see which
grades are on an earlier version and can regrade them through ``staff_grade``.
"""
import copy

import pytest
from rubric_support import FULL_MARKS, RUBRIC, anonymous_id, call, error_code
from submissions import api as submissions_api

from rubric_xblock.models import Assessment, RubricVersion
from rubric_xblock.rubric import parse_rubric

pytestmark = pytest.mark.django_db
COURSE_ID = "course-v1:Tangerang+PPM101+2026"


def version(raw):
    return parse_rubric(raw).version


# -- the digest ---------------------------------------------------------------------------------

def relabel(raw):
    raw["criteria"][0]["label"] = "Empati dan sopan santun"
    raw["criteria"][0]["description"] = "Baru"
    raw["criteria"][0]["levels"][1]["label"] = "Cukup baik"
    raw["criteria"][0]["levels"][1]["description"] = "Menyapa dengan ramah."


def reorder(raw):
    raw["criteria"].reverse()
    raw["criteria"][-1]["levels"].reverse()


def repoint(raw):
    raw["criteria"][0]["levels"][2]["points"] = 5


def add_level(raw):
    raw["criteria"][1]["levels"].append({"id": "sangat-baik", "label": "Sangat baik", "points": 3})


def drop_level(raw):
    raw["criteria"][0]["levels"].pop(1)


def rename_level_id(raw):
    raw["criteria"][0]["levels"][1]["id"] = "sedang"


def add_feedback_criterion(raw):
    raw["criteria"].append({"id": "saran", "label": "Saran", "levels": []})


def drop_criterion(raw):
    raw["criteria"].pop(1)


@pytest.mark.parametrize("change", [relabel, reorder])
def test_wording_and_order_keep_the_version(change):
    raw = copy.deepcopy(RUBRIC)
    change(raw)
    assert version(raw) == version(RUBRIC)


@pytest.mark.parametrize("change", [repoint, add_level, drop_level, rename_level_id, add_feedback_criterion,
                                    drop_criterion])
def test_points_levels_and_ids_make_a_new_version(change):
    raw = copy.deepcopy(RUBRIC)
    change(raw)
    assert version(raw) != version(RUBRIC)


# -- through the handlers ------------------------------------------------------------------------

def edit_rubric(course, change):
    """The author edits the rubric in the editor and saves it; returns the save's report."""
    author = course.block("author", staff=True)
    form = {"rubric": copy.deepcopy(author.rubric)}
    change(form["rubric"])
    status, body = call(author, "editor_save", {"reflection": form})
    assert status == 200, body
    return body


def grade(course, selections=FULL_MARKS, expected_version=0, **extra):
    staff = course.block("staff1", staff=True)
    uuid = call(staff, "staff_queue", {"filter": "all"})[1]["items"][0]["submission_uuid"]
    return call(course.block("staff1", staff=True), "staff_grade",
                {"submission_uuid": uuid, "selections": selections, "expected_version": expected_version, **extra})


def self_assess(course, selections=None):
    status, body = call(course.block("budi"), "self_assess",
                        {"selections": selections or {"empati": "cukup", "integritas": "baik"}})
    assert status == 200, body


def views(course):
    """Every view and handler that shows stored work; none may fail after an edit."""
    staff = course.block("staff1", staff=True)
    queue = call(staff, "staff_queue", {"filter": "all"})
    assert queue[0] == 200, queue
    uuid = queue[1]["items"][0]["submission_uuid"]
    submission = call(course.block("staff1", staff=True), "staff_submission", {"submission_uuid": uuid})
    assert submission[0] == 200, submission
    learner = call(course.block("budi"), "learner_state")
    assert learner[0] == 200, learner
    assert call(course.block("staff1", staff=True), "export_csv")[0] == 200
    assert course.block("budi").student_view().content
    assert course.block("staff1", staff=True).student_view().content
    return queue[1], submission[1]["submission"], learner[1]["state"]


def test_every_assessment_keeps_the_rubric_of_its_version(submitted):
    self_assess(submitted)
    assert grade(submitted)[0] == 200
    kept = RubricVersion.objects.get()
    assert kept.version == version(RUBRIC) and kept.rubric == parse_rubric(RUBRIC).to_dict()
    assert set(Assessment.objects.values_list("rubric_version", flat=True)) == {version(RUBRIC)}


def test_a_label_only_change_keeps_the_version_and_every_grade_current(submitted):
    self_assess(submitted)
    grade(submitted)
    report = edit_rubric(submitted, relabel)
    assert report["rubric_version"] == version(RUBRIC)
    assert report["impact"] == {"submissions": 1, "assessments": 2, "other_version": 0}
    queue, submission, state = views(submitted)
    assert queue["items"][0]["rubric_current"] is True
    assert submission["rubric_current"] is True and submission["rubrics"] == {}
    assert state["step"] == "done" and state["rubrics"] == {}
    assert [row["gap"] for row in state["result"]["gaps"]] == [-2, 0]
    # The learner's page now shows the new wording.
    assert "Empati dan sopan santun" in submitted.block("budi").student_view().content


def test_a_points_change_makes_a_new_version_and_old_grades_still_show_as_given(submitted):
    self_assess(submitted)
    grade(submitted)
    old = version(RUBRIC)
    report = edit_rubric(submitted, repoint)
    assert report["rubric_version"] != old
    assert report["impact"]["other_version"] == 2
    new = report["rubric_version"]
    queue, submission, state = views(submitted)
    # Staff: the grade is marked as made with another version; both rubrics are at hand.
    item = queue["items"][0]
    assert (item["rubric_version"], item["rubric_current"], queue["rubric_version"]) == (old, False, new)
    assert submission["rubric_current"] is False and submission["rubric_version"] == new
    assert submission["staff_assessment"]["rubric_version"] == old
    assert submission["rubrics"][old]["criteria"][0]["levels"][2]["points"] == 4
    assert submission["rubric"]["criteria"][0]["levels"][2]["points"] == 5
    # The learner: the result is unchanged and shown with the rubric it used.
    assert state["step"] == "done"
    assert (state["result"]["points_earned"], state["result"]["points_possible"]) == (6, 6)
    assert state["rubrics"][old]["criteria"][0]["levels"][2]["points"] == 4
    assert [row["gap"] for row in state["result"]["gaps"]] == [-2, 0]
    # The gradebook keeps the old score until someone regrades.
    score = submissions_api.get_score({"student_id": anonymous_id("budi"), "course_id": COURSE_ID,
                                       "item_id": str(submitted.usage), "item_type": "rubric_reflection"})
    assert (score["points_earned"], score["points_possible"]) == (6, 6)


def test_regrade_with_the_current_rubric_goes_through_staff_grade(submitted):
    self_assess(submitted)
    grade(submitted, {"empati": "cukup", "integritas": "baik"})
    new = edit_rubric(submitted, repoint)["rubric_version"]
    status, body = grade(submitted, FULL_MARKS, expected_version=1, rubric_version=new)
    assert status == 200, body
    regraded = body["submission"]
    assert regraded["rubric_current"] is True and list(regraded["rubrics"]) == [version(RUBRIC)]  # self
    assert regraded["staff_assessment"]["rubric_version"] == new
    assert (regraded["staff_assessment"]["points_earned"], regraded["staff_assessment"]["points_possible"]) == (7, 7)
    assert [(h["action"], h["version"]) for h in regraded["history"]] == [("created", 1), ("released", 1),
                                                                          ("changed", 2)]
    assert regraded["history"][-1]["previous"]["rubric_version"] != new
    score = submissions_api.get_score({"student_id": anonymous_id("budi"), "course_id": COURSE_ID,
                                       "item_id": str(submitted.usage), "item_type": "rubric_reflection"})
    assert (score["points_earned"], score["points_possible"]) == (7, 7)
    queue, _, state = views(submitted)
    assert queue["items"][0]["rubric_current"] is True
    assert state["result"]["points_earned"] == 7 and list(state["rubrics"]) == [version(RUBRIC)]  # the self one


def test_a_form_built_from_another_rubric_version_is_409_and_changes_nothing(submitted):
    grade(submitted)
    old = version(RUBRIC)
    edit_rubric(submitted, repoint)
    result = grade(submitted, FULL_MARKS, expected_version=1, rubric_version=old)
    assert result[0] == 409 and error_code(result) == "RUBRIC_CHANGED"
    model = Assessment.objects.get(kind="staff")
    assert (model.version, model.rubric_version, model.points_earned) == (1, old, 6)
    # The stale-assessment check still applies to a regrade.
    new = version(submitted.block("x").rubric)
    assert error_code(grade(submitted, FULL_MARKS, expected_version=0, rubric_version=new)) == "STALE_ASSESSMENT"


def test_a_self_assessment_form_from_another_version_is_409(submitted):
    edit_rubric(submitted, repoint)
    result = call(submitted.block("budi"), "self_assess",
                  {"selections": FULL_MARKS, "rubric_version": version(RUBRIC)})
    assert result[0] == 409 and error_code(result) == "RUBRIC_CHANGED"
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("change", [drop_criterion, drop_level, rename_level_id, add_level])
def test_removing_or_renaming_what_a_grade_used_breaks_no_view(submitted, change):
    self_assess(submitted, {"empati": "cukup", "integritas": "baik"})
    grade(submitted, {"empati": "cukup", "integritas": "baik"})
    edit_rubric(submitted, change)
    queue, submission, state = views(submitted)
    old = version(RUBRIC)
    assert queue["items"][0]["rubric_current"] is False
    old_rubric = submission["rubrics"][old]
    assert [c["id"] for c in old_rubric["criteria"]] == ["empati", "integritas", "catatan"]
    assert state["rubrics"][old] == old_rubric
    assert state["result"]["points_earned"] == 4


def test_self_and_staff_on_different_versions_show_no_gap(submitted):
    self_assess(submitted)
    new = edit_rubric(submitted, repoint)["rubric_version"]
    status, body = grade(submitted, FULL_MARKS, rubric_version=new)
    assert status == 200, body
    _, submission, state = views(submitted)
    assert state["result"]["rubric_version"] == new and state["self_assessment"]["rubric_version"] == version(RUBRIC)
    assert [row["gap"] for row in state["result"]["gaps"]] == [None, None]
    assert version(RUBRIC) in state["rubrics"] and new not in state["rubrics"]
    assert submission["rubric_current"] is True and version(RUBRIC) in submission["rubrics"]


def test_a_grade_whose_rubric_was_never_kept_is_shown_from_the_grade_itself(submitted):
    """Assessments stored before versions were kept: a stand-in rubric, never a 500."""
    self_assess(submitted)
    grade(submitted, {"empati": "cukup", "integritas": "baik"})
    RubricVersion.objects.all().delete()
    edit_rubric(submitted, repoint)
    _, submission, state = views(submitted)
    stand_in = submission["rubrics"][version(RUBRIC)]
    assert stand_in["reconstructed"] is True
    assert stand_in["criteria"][0] == {"id": "empati", "label": "empati", "description": "",
                                       "levels": [{"id": "cukup", "label": "cukup", "description": "",
                                                   "points": 2}]}
    assert state["result"]["points_earned"] == 4 and state["rubrics"][version(RUBRIC)] == stand_in


def test_relabelling_after_grading_updates_the_labels_kept_for_that_version(submitted):
    grade(submitted)
    edit_rubric(submitted, relabel)
    grade(submitted, FULL_MARKS, expected_version=1)
    kept = RubricVersion.objects.get()
    assert kept.rubric["criteria"][0]["label"] == "Empati dan sopan santun"


def test_an_invalid_rubric_after_grading_gives_409_not_500(submitted):
    """A rubric broken outside the editor (the editor refuses it) still never gives a 500."""
    grade(submitted)
    author = submitted.block(None)
    author.rubric = {"criteria": []}
    author.save()
    staff = submitted.block("staff1", staff=True)
    status, body = call(staff, "staff_queue", {"filter": "all"})
    assert status == 200 and body["items"][0]["rubric_current"] is False
    uuid = body["items"][0]["submission_uuid"]
    status, body = call(submitted.block("staff1", staff=True), "staff_submission", {"submission_uuid": uuid})
    assert status == 200 and body["submission"]["rubric"] is None
    assert error_code(call(submitted.block("budi"), "learner_state")) == "RUBRIC_INVALID"
    assert submitted.block("budi").student_view().content
