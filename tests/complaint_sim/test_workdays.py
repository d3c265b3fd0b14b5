"""Working-day deadlines (hari kerja) and narration nodes."""
import copy
import datetime

import pytest

from complaint_sim_xblock import session, workdays
from complaint_sim_xblock.scenario import compile_scenario, validate_scenario
from tests.conftest import post

D = datetime.date


class TestWorkingDays:
    def test_a_weekend_is_skipped(self):
        assert workdays.add_working_days(D(2026, 3, 9), 5) == D(2026, 3, 16)  # Mon -> next Mon
        assert workdays.working_days_between(D(2026, 3, 9), D(2026, 3, 16)) == 5
        assert [d["kind"] for d in workdays.closed_days(D(2026, 3, 9), D(2026, 3, 16))] == ["weekend", "weekend"]

    def test_a_national_holiday_and_a_cuti_bersama_day_are_skipped(self):
        # Thu 14 May 2026 Kenaikan Yesus Kristus (holidays package), Fri 15 May cuti bersama (register)
        assert workdays.add_working_days(D(2026, 5, 13), 1) == D(2026, 5, 18)
        kinds = [(d["date"], d["kind"]) for d in workdays.closed_days(D(2026, 5, 13), D(2026, 5, 18))]
        assert kinds == [("2026-05-14", "holiday"), ("2026-05-15", "cuti_bersama"),
                         ("2026-05-16", "weekend"), ("2026-05-17", "weekend")]
        assert workdays.closed(D(2026, 5, 14))[1] == "Kenaikan Yesus Kristus"

    def test_idul_fitri_2026(self):
        # cuti bersama 18, 20, 23, 24 March; Nyepi 19 March; Idul Fitri 21-22 March (a weekend)
        assert workdays.add_working_days(D(2026, 3, 17), 1) == D(2026, 3, 25)

    def test_zero_days_is_the_day_itself(self):
        assert workdays.add_working_days(D(2026, 3, 9), 0) == D(2026, 3, 9)


@pytest.fixture
def dated(mini_data):
    data = copy.deepcopy(mini_data)
    data["story_date"] = "2026-03-09"
    data["nodes"][0]["choices"][0]["target"] = "jeda"
    data["nodes"].insert(1, {"id": "jeda", "type": "narration", "text": "Lima menit kemudian printer menyala.",
                             "next": "tanya", "effects": {"mood": 1}})
    return data


RECORD = {"category": "Pelayanan", "urgency": "Sedang", "referral": "Kelurahan",
          "summary": "Printer rusak sehingga antrean warga panjang"}


def to_record(scenario):
    run = session.new_run(scenario, 1)
    run = session.choose(scenario, run, "datang", 0, "sapa")
    run = session.proceed(scenario, run, "jeda", 1)
    return session.choose(scenario, run, "tanya", 2, "catat")


class TestDeadlineDates:
    def test_the_story_date_must_be_a_working_day_date(self, dated):
        assert validate_scenario(dated) == []
        assert [p.code for p in validate_scenario({**dated, "story_date": "2026-02-30"})] == ["not_date"]
        assert [p.code for p in validate_scenario({**dated, "story_date": "9 Maret"})] == ["not_date"]
        assert [p.code for p in validate_scenario({**dated, "story_date": "2026-03-08"})] == ["story_date_closed"]

    def test_a_picked_date_counts_in_working_days(self, dated):
        scenario = compile_scenario(dated)
        run = to_record(scenario)
        # expected 3 ± 1 working days from Mon 9 March: Thu 12 is right, Fri 13 too, Mon 16 is 5
        for picked, ok in (("2026-03-12", True), ("2026-03-13", True), ("2026-03-16", False),
                           ("2026-03-14", False)):
            done = session.submit_record(scenario, run, "rekam", 3, {**RECORD, "deadline_date": picked})
            record = done["path"][-1]["record"]
            assert session.check_record(scenario.node("rekam").record, record)["deadline_days"] is ok, picked

    def test_the_debrief_shows_both_dates_and_why(self, dated):
        scenario = compile_scenario(dated)
        run = session.submit_record(scenario, to_record(scenario), "rekam", 3,
                                    {**RECORD, "deadline_date": "2026-03-14"})
        run = session.choose(scenario, run, "tutup", 4, "nomor")
        turn = next(t for t in session.debrief(scenario, run)["turns"] if t["type"] == "record")
        field = next(f for f in turn["fields"] if f["field"] == "deadline_days")
        detail = field["detail"]
        assert detail["date"] == "2026-03-14" and detail["right_date"] == "2026-03-12"
        assert detail["closed"] == {"kind": "weekend", "name": ""} and not field["ok"]
        assert detail["skipped"] == [{"date": "2026-03-14", "kind": "weekend", "name": ""}]

    @pytest.mark.parametrize("picked", ["2026-03-08", "kemarin", "2026-13-01", 20260312, "2031-01-01"])
    def test_bad_dates_are_refused(self, dated, picked):
        scenario = compile_scenario(dated)
        with pytest.raises(session.ActionError) as error:
            session.submit_record(scenario, to_record(scenario), "rekam", 3, {**RECORD, "deadline_date": picked})
        assert error.value.code == "BAD_DEADLINE" and error.value.status == 400

    def test_without_a_story_date_the_number_of_days_keeps_its_meaning(self, mini_data):
        scenario = compile_scenario(mini_data)
        run = session.choose(scenario, session.new_run(scenario, 1), "datang", 0, "sapa")
        run = session.choose(scenario, run, "tanya", 1, "catat")
        done = session.submit_record(scenario, run, "rekam", 2, {**RECORD, "deadline_days": 3})
        assert done["path"][-1]["record"]["deadline_days"] == 3 and "deadline_date" not in done["path"][-1]["record"]

    def test_the_model_route_picks_the_right_date(self, dated):
        scenario = compile_scenario(dated)
        assert session.max_points(scenario) == 12  # as without the narration step: it scores nothing
        record = next(e for e in session.model_run(scenario)["path"] if "record" in e)["record"]
        assert record["deadline_date"] == "2026-03-12"


class TestNarration:
    def test_narration_moves_on_and_applies_its_effects(self, dated):
        scenario = compile_scenario(dated)
        run = session.choose(scenario, session.new_run(scenario, 1), "datang", 0, "sapa")
        view = session.learner_view(scenario, run)
        assert view["node"] == {"id": "jeda", "type": "narration", "text": "Lima menit kemudian printer menyala.",
                                "speaker": "narrator"}
        moved = session.proceed(scenario, run, "jeda", 1)
        assert moved["node"] == "tanya" and moved["vars"]["mood"] == run["vars"]["mood"] + 1
        with pytest.raises(session.ActionError) as error:
            session.proceed(scenario, moved, "jeda", 1)
        assert error.value.code == "STALE"

    def test_a_narration_node_needs_a_next(self, dated):
        dated["nodes"][1].pop("next")
        assert ("missing", "nodes[1].next") in {(p.code, p.path) for p in validate_scenario(dated)} or \
            ("bad_id", "nodes[1].next") in {(p.code, p.path) for p in validate_scenario(dated)}


@pytest.fixture
def block(roleplay, dated):
    return roleplay(dated)


def test_the_handlers_play_narration_and_a_picked_date(block):
    assert post(block, "start", {"attempt": 1})[0] == 200
    assert post(block, "choose", {"node": "datang", "step": 0, "choice": "sapa"})[0] == 200
    status, body = post(block, "proceed", {"node": "jeda", "step": 1})
    assert status == 200 and body["state"]["view"]["node"]["id"] == "tanya"
    assert post(block, "choose", {"node": "tanya", "step": 2, "choice": "catat"})[0] == 200
    view = post(block, "state", {})[1]["state"]["view"]
    assert view["node"]["record"]["deadline"] == {"type": "date", "story_date": "2026-03-09"}
    before = block.load_progress()
    early = {**RECORD, "deadline_date": "2026-03-01"}
    status, body = post(block, "record", {"node": "rekam", "step": 3, "record": early})
    assert status == 400 and body["error"]["code"] == "BAD_DEADLINE" and block.load_progress() == before
    right = {**RECORD, "deadline_date": "2026-03-12"}
    status, body = post(block, "record", {"node": "rekam", "step": 3, "record": right})
    assert status == 200
    events = [n for n, _d in block.runtime.published]
    assert "edx.complaint_sim.next" in events
