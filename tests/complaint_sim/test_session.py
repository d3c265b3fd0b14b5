"""Playing a scenario: choices, conditions, loops, the record, scoring, endings, migration."""
import copy
from pathlib import Path

import pytest

from complaint_sim_xblock import session
from complaint_sim_xblock.scenario import TIMEOUT_ENDING, compile_scenario
from tests.conftest import load_yaml

SCENARIOS = Path(__file__).resolve().parents[2] / "complaint_sim_xblock" / "scenarios"

GOOD_RECORD = {"category": "Pelayanan", "urgency": "Sedang", "referral": "Kelurahan", "deadline_days": 4,
               "summary": "Printer rusak sehingga antrean warga panjang"}


@pytest.fixture
def scenario(mini_data):
    return compile_scenario(mini_data)


def play(scenario, moves, record=None):
    """A run after ``moves`` (choice ids, or 'record' for the record step)."""
    run = session.new_run(scenario, 1)
    for move in moves:
        if move == "record":
            run = session.submit_record(scenario, run, run["node"], run["step"], record or GOOD_RECORD)
        else:
            run = session.choose(scenario, run, run["node"], run["step"], move)
    return run


def test_choice_moves_on_and_changes_variables(scenario):
    run = play(scenario, ["sapa"])
    assert run["node"] == "tanya" and run["step"] == 1 and run["vars"] == {"mood": 5}
    assert run["path"] == [{"node": "datang", "choice": "sapa"}]


def test_functions_never_mutate_their_input(scenario):
    run = session.new_run(scenario, 1)
    before = copy.deepcopy(run)
    session.choose(scenario, run, "datang", 0, "sapa")
    assert run == before


def test_condition_hides_a_choice_until_the_mood_allows(scenario):
    low = play(scenario, ["ketus"])  # mood 3 - 2 = 1
    assert [c.id for c in session.visible_choices(scenario, low)] == ["jelaskan", "usir"]
    with pytest.raises(session.ActionError) as raised:
        session.choose(scenario, low, "tanya", 1, "catat")
    assert (raised.value.code, raised.value.status) == ("UNKNOWN_CHOICE", 400)
    calm = play(scenario, ["ketus", "jelaskan", "jelaskan", "jelaskan"])  # mood back to 4
    assert "catat" in [c.id for c in session.visible_choices(scenario, calm)]


def test_stale_and_repeated_actions_are_conflicts(scenario):
    run = play(scenario, ["sapa"])
    for node, step in (("datang", 0), ("tanya", 0), ("tanya", 2)):
        with pytest.raises(session.ActionError) as raised:
            session.choose(scenario, run, node, step, "catat")
        assert (raised.value.code, raised.value.status) == ("STALE", 409)
    with pytest.raises(session.ActionError) as raised:
        session.submit_record(scenario, run, "tanya", 1, GOOD_RECORD)
    assert raised.value.status == 409


def test_loop_points_count_once(scenario):
    once = play(scenario, ["sapa", "jelaskan", "catat", "record", "nomor"])
    thrice = play(scenario, ["sapa", "jelaskan", "jelaskan", "jelaskan", "catat", "record", "nomor"])
    assert session.result(scenario, once)["points"] == session.result(scenario, thrice)["points"]


def test_model_route_scores_full_marks(scenario):
    run = play(scenario, ["sapa", "catat", "record", "nomor"])
    outcome = session.result(scenario, run)
    assert run["ending"] == "baik"
    assert (outcome["points"], outcome["max_points"], outcome["percent"]) == (12, 12, 100)
    assert [d["status"] for d in outcome["duties"]] == ["met", "met"]


def test_poor_route_scores_low_and_is_clamped_at_zero(scenario):
    run = play(scenario, ["ketus", "usir"])
    outcome = session.result(scenario, run)
    assert run["ending"] == "gagal"
    assert outcome["points"] == 0
    assert [c["earned"] for c in outcome["competencies"]] == [0, 0]
    assert [d["status"] for d in outcome["duties"]] == ["missed", "missed"]


def test_breached_duty_subtracts_its_points(mini_data):
    data = copy.deepcopy(mini_data)
    data["nodes"][3]["choices"][1]["breaches"] = ["nomor"]
    scenario = compile_scenario(data)
    run = play(scenario, ["sapa", "catat", "record", "pulang"])
    outcome = session.result(scenario, run)
    assert [d["status"] for d in outcome["duties"]] == ["met", "breached"]
    # empati 2 + prosedur 2 + sapa 1 - nomor 2 + record 5
    assert outcome["points"] == 8


def test_record_fields_are_checked_against_the_author(scenario):
    node = scenario.node("rekam")
    wrong = {**GOOD_RECORD, "urgency": "Tinggi", "deadline_days": 9, "summary": "Warga marah"}
    assert session.check_record(node.record, session.clean_record(node, wrong)) == {
        "category": True, "urgency": False, "referral": True, "deadline_days": False, "summary": False}
    tolerant = {**GOOD_RECORD, "deadline_days": 2}
    assert session.check_record(node.record, session.clean_record(node, tolerant))["deadline_days"] is True


@pytest.mark.parametrize("bad, code", [
    ("not a dict", "BAD_RECORD"),
    ({**GOOD_RECORD, "category": "Tidak ada"}, "BAD_RECORD"),
    ({**GOOD_RECORD, "urgency": None}, "BAD_RECORD"),
    ({**GOOD_RECORD, "deadline_days": -1}, "BAD_DEADLINE"),
    ({**GOOD_RECORD, "deadline_days": "lima"}, "BAD_DEADLINE"),
    ({**GOOD_RECORD, "deadline_days": True}, "BAD_DEADLINE"),
    ({**GOOD_RECORD, "summary": "   "}, "BAD_SUMMARY"),
    ({**GOOD_RECORD, "summary": "x" * 2001}, "BAD_SUMMARY"),
])
def test_malformed_records_are_bad_requests(scenario, bad, code):
    run = play(scenario, ["sapa", "catat"])
    with pytest.raises(session.ActionError) as raised:
        session.submit_record(scenario, run, "rekam", 2, bad)
    assert (raised.value.code, raised.value.status) == (code, 400)


def test_step_bound_ends_the_attempt(mini_data):
    data = copy.deepcopy(mini_data)
    data["max_steps"] = 5
    scenario = compile_scenario(data)
    run = play(scenario, ["ketus", "jelaskan", "jelaskan", "jelaskan", "jelaskan"])
    assert run["ending"] == TIMEOUT_ENDING
    assert session.debrief(scenario, run)["ending"]["quality"] == "poor"
    with pytest.raises(session.ActionError) as raised:
        session.choose(scenario, run, run["node"], run["step"], "jelaskan")
    assert raised.value.code == "ATTEMPT_OVER"


def test_learner_view_hides_the_answer_key(scenario):
    view = session.learner_view(scenario, play(scenario, ["sapa"]))
    text = repr(view)
    for secret in ("target", "scores", "effects", "fulfils", "condition", "model", "rekam", "expected"):
        assert secret not in text
    assert view["feedback"] == {"choice": "Mohon maaf, Bu. Saya bantu sekarang.", "text": "Baik."}


def test_feedback_held_for_the_debrief(mini_data):
    scenario = compile_scenario({**mini_data, "feedback": "debrief"})
    run = play(scenario, ["sapa"])
    assert session.learner_view(scenario, run)["feedback"] is None
    finished = play(scenario, ["sapa", "catat", "record", "nomor"])
    assert session.debrief(scenario, finished)["turns"][0]["feedback"] == "Baik."


def test_debrief_puts_the_path_beside_the_model(scenario):
    run = play(scenario, ["ketus", "jelaskan", "jelaskan", "jelaskan", "catat", "record", "pulang"])
    debrief = session.debrief(scenario, run)
    first = debrief["turns"][0]
    assert first["choice"] == "Tunggu saja, Bu." and first["is_model"] is False
    assert first["model_choice"] == "Mohon maaf, Bu. Saya bantu sekarang."
    record = next(t for t in debrief["turns"] if t["type"] == "record")
    assert {f["field"]: f["ok"] for f in record["fields"]}["category"] is True
    assert [step["choice"] for step in debrief["model_path"]][-1] == "Ini nomor pengaduan Ibu."
    assert debrief["ending"]["quality"] == "fair"


def test_history_entry_has_the_documented_shape(scenario):
    entry = session.history_entry(scenario, play(scenario, ["sapa", "catat", "record", "nomor"]))
    assert set(entry) == {"attempt", "ending", "ending_title", "quality", "points", "max_points",
                          "competencies", "duties", "path", "steps", "critical_breaches"}
    assert entry["competencies"]["empati"] == {"label": "Empati", "earned": 2, "max": 2}
    assert entry["duties"]["nomor"] == {"label": "Memberi nomor pengaduan", "status": "met"}


class TestMigration:
    """A scenario edited while a learner is mid-run."""

    def edit(self, mini_data, change):
        data = copy.deepcopy(mini_data)
        change(data)
        return compile_scenario(data)

    def test_same_content_is_untouched(self, scenario):
        run = play(scenario, ["sapa"])
        assert session.migrate_run(scenario, run) == (run, False)

    def test_resumes_on_a_node_that_still_exists(self, scenario, mini_data):
        run = play(scenario, ["sapa"])
        edited = self.edit(mini_data, lambda d: d.update(title="Judul baru"))
        migrated, restarted = session.migrate_run(edited, run)
        assert not restarted and migrated["node"] == "tanya" and migrated["digest"] == edited.digest

    def test_restarts_the_same_attempt_when_the_node_is_gone(self, scenario, mini_data):
        run = {**play(scenario, ["sapa"]), "attempt": 2}

        def drop_tanya(d):
            d["nodes"] = [n for n in d["nodes"] if n["id"] not in ("tanya", "gagal")]
            for c in d["nodes"][0]["choices"]:
                c["target"] = "rekam"
        edited = self.edit(mini_data, drop_tanya)
        migrated, restarted = session.migrate_run(edited, run)
        assert restarted and migrated["node"] == "datang" and migrated["attempt"] == 2 and migrated["path"] == []

    def test_variables_follow_the_new_definitions(self, scenario, mini_data):
        run = play(scenario, ["sapa"])  # mood 5

        def change_vars(d):
            d["variables"][0]["max"] = 4
            d["variables"][0]["initial"] = 2
            d["variables"].append({"id": "sabar", "label": "Kesabaran", "min": 0, "max": 3, "initial": 1})
        migrated, _ = session.migrate_run(self.edit(mini_data, change_vars), run)
        assert migrated["vars"] == {"mood": 4, "sabar": 1}

    def test_finished_attempts_keep_their_path(self, scenario, mini_data):
        run = play(scenario, ["ketus", "usir"])
        edited = self.edit(mini_data, lambda d: d.update(title="Baru"))
        migrated, restarted = session.migrate_run(edited, run)
        assert not restarted and migrated["path"] == run["path"] and migrated["ending"] == "gagal"


def _shown_ids(scenario, run):
    return [c["id"] for c in session.learner_view(scenario, run)["node"]["choices"]]


def test_choice_order_follows_the_attempt_seed_and_hides_the_recommended_position():
    """Position never gives the recommended choice away: each attempt has its own order, stable
    on every reload, every choice shown once."""
    scenario = compile_scenario(load_yaml(SCENARIOS / "ktp_el_terlambat.yaml"))
    node = scenario.node(scenario.start)
    model = next(c.id for c in node.choices if c.model)
    positions = set()
    for seed in (f"{n:016x}" for n in range(40)):
        run = session.new_run(scenario, 1, seed)
        shown = _shown_ids(scenario, run)
        assert sorted(shown) == sorted(c.id for c in node.choices)
        assert shown == _shown_ids(scenario, copy.deepcopy(run))
        positions.add(shown.index(model))
    assert len(positions) == len(node.choices)


def test_a_restarted_attempt_keeps_its_choice_order(scenario, mini_data):
    run = {**play(scenario, ["sapa"]), "attempt": 2, "order": "abc"}
    data = copy.deepcopy(mini_data)
    data["nodes"] = [n for n in data["nodes"] if n["id"] not in ("tanya", "gagal")]
    for c in data["nodes"][0]["choices"]:
        c["target"] = "rekam"
    migrated, restarted = session.migrate_run(compile_scenario(data), run)
    assert restarted and migrated["order"] == "abc" and migrated["attempt"] == 2
