"""Critical duties: the cap, the debrief, the events, the model route and the reachability check."""
import copy

import pytest

from complaint_sim_xblock import session
from complaint_sim_xblock.scenario import compile_scenario, critical_reach, validate_scenario
from tests.conftest import DATA, load_yaml, post


@pytest.fixture
def suap():
    return load_yaml(DATA / "suap.yaml")


def codes(problems):
    return [(p.code, p.node) for p in problems]


def re_route(data):
    """The fix an author makes: the good ending needs a variable only refusing sets."""
    data = copy.deepcopy(data)
    data["variables"].append({"id": "bersih", "label": "Bersih", "min": 0, "max": 1, "initial": 0})
    data["nodes"][0]["choices"][0]["effects"]["bersih"] = 1
    data["nodes"][1]["choices"][1]["condition"] = "trust >= 2 and bersih == 1"
    return data


class TestReachability:
    def test_a_breach_that_reaches_the_good_ending_through_a_condition_and_a_loop_is_located(self, suap):
        problems = validate_scenario(suap)
        assert codes(problems) == [("breach_reaches_good_ending", "baik")]
        params = dict(problems[0].params)
        assert params["duty"] == "tolak-gratifikasi" and params["quality"] == "good"
        # the shortest breaching path loops twice to raise trust to the condition's 2
        assert params["route"] == "tawar:terima > proses:jelaskan > proses:jelaskan > proses:selesai > baik"
        assert problems[0].path == "nodes[2]"

    def test_the_path_is_given_as_node_and_choice_ids(self, suap):
        found, complete = critical_reach(compile_scenario(re_route(suap)))
        assert complete and found == {}
        data = copy.deepcopy(suap)
        data["critical_cap"] = 0.5
        with pytest.raises(Exception):  # noqa: B017 - invalid: the breach still reaches 'baik'
            compile_scenario(data)

    def test_re_routing_through_a_variable_clears_it(self, suap):
        assert validate_scenario(re_route(suap)) == []

    def test_max_steps_bounds_the_search(self, suap):
        # 3 actions: the clean route (tolak, jelaskan, selesai) fits, the breaching one needs 4
        assert validate_scenario({**suap, "max_steps": 3}) == []
        assert codes(validate_scenario({**suap, "max_steps": 4})) == [("breach_reaches_good_ending", "baik")]

    def test_a_fair_ending_counts_a_poor_one_does_not(self, suap):
        data = re_route(suap)
        data["nodes"][1]["choices"].append({"id": "tunda", "text": "Besok saja.", "target": "cukup"})
        data["nodes"].append({"id": "cukup", "type": "ending", "title": "Ditunda", "text": "Nanti.",
                              "quality": "fair"})
        assert codes(validate_scenario(data)) == [("breach_reaches_good_ending", "cukup")]
        data["nodes"][-1]["quality"] = "poor"
        assert validate_scenario(data) == []

    def test_without_critical_duties_nothing_is_checked(self, suap):
        data = copy.deepcopy(suap)
        del data["duties"][0]["critical"]
        assert validate_scenario(data) == []

    def test_the_state_bound_is_reported_not_silently_passed(self, suap):
        from complaint_sim_xblock import scenario as engine
        found, complete = engine.critical_reach(compile_scenario(re_route(suap)), limit=3)
        assert not complete

    def test_the_model_route_may_not_breach_a_critical_duty(self, suap):
        data = breach_data(suap)
        data["nodes"][0]["choices"][0]["model"] = False
        data["nodes"][0]["choices"][1]["model"] = True
        problems = validate_scenario(data)
        assert ("model_route_breaches_critical", "tawar") in codes(problems)
        assert next(p for p in problems if p.code == "model_route_breaches_critical").path == \
            "nodes[0].choices[1].breaches"

    def test_critical_must_be_true_or_false(self, suap):
        data = re_route(suap)
        data["duties"][0]["critical"] = "ya"
        assert [(p.code, p.path) for p in validate_scenario(data)] == [("not_boolean", "duties[0].critical")]


def breach_data(suap, cap=None):
    """Valid: the breach leads only to a poor ending, but earns many points on the way."""
    data = re_route(suap)
    data["nodes"][0]["choices"][1]["target"] = "simpan"
    data["nodes"].insert(2, {"id": "simpan", "type": "dialogue", "text": "Terima kasih, Pak!", "choices": [
        {"id": "ramah", "text": "Sama-sama.", "target": "buruk", "scores": {"layanan": 3}, "fulfils": ["jelas"]},
        {"id": "diam", "text": "(diam)", "target": "buruk"}]})
    if cap is not None:
        data["critical_cap"] = cap
    return data


class TestCap:
    def test_a_breach_caps_the_score_at_the_cap(self, suap):
        for cap, expected in ((None, 0), (0.5, None)):
            scenario = compile_scenario(breach_data(suap, cap))
            run = session.new_run(scenario, 1)
            run = session.choose(scenario, run, "tawar", 0, "terima")
            run = session.choose(scenario, run, "simpan", 1, "ramah")
            summary = session.result(scenario, run)
            raw = session.raw_points(scenario, run)
            maximum = session.max_points(scenario)
            assert raw > 0 and summary["critical_breaches"] == ["tolak-gratifikasi"]
            limit = expected if expected is not None else round(cap * maximum, 2)
            assert summary["points"] == min(limit, raw)

    def test_the_debrief_opens_with_the_breach(self, suap):
        scenario = compile_scenario(breach_data(suap))
        run = session.choose(scenario, session.new_run(scenario, 1), "tawar", 0, "terima")
        run = session.choose(scenario, run, "simpan", 1, "ramah")
        debrief = session.debrief(scenario, run)
        assert debrief["capped"] and debrief["points"] == 0
        [breach] = debrief["breaches"]
        assert breach["duty"] == "tolak-gratifikasi" and breach["turn"] == 1 and breach["node"] == "tawar"
        assert breach["choice"] == "Baik, saya simpan dulu."
        assert breach["model_choice"] == "Mohon maaf, saya tidak bisa menerima."
        assert breach["basis"][0]["law"] == "uu-20-2001"
        assert debrief["ending"]["quality"] == "poor"

    def test_the_shown_quality_is_at_most_poor(self, suap):
        assert session.capped_quality("good", ["x"]) == "poor"
        assert session.capped_quality("good", []) == "good"


@pytest.fixture
def block(roleplay, suap):
    return roleplay(breach_data(suap, cap=0.25))


def play(block, attempt, moves):
    assert post(block, "start", {"attempt": attempt})[0] == 200
    for step, (node, choice) in enumerate(moves):
        status, body = post(block, "choose", {"node": node, "step": step, "choice": choice})
        assert status == 200, body
    return body["state"]


CLEAN = [("tawar", "tolak"), ("proses", "pulang")]  # clean but poor: 3 + 3 = 6 points
BREACH = [("tawar", "terima"), ("simpan", "ramah")]  # raw points 2 + 3 + 1 - 3 = 3, capped


class TestBlock:
    def test_best_policy_keeps_the_clean_attempt_and_last_takes_the_capped_one(self, block):
        play(block, 1, CLEAN)
        clean = block.history[-1]
        state = play(block, 2, BREACH)
        capped = block.history[-1]
        maximum = capped["max_points"]
        assert capped["points"] <= round(0.25 * maximum, 2) and capped["critical_breaches"] == ["tolak-gratifikasi"]
        assert capped["quality"] == "poor"
        grades = [d for n, d in block.runtime.published if n == "grade"]
        best = max(clean["points"], capped["points"])
        assert grades[-1] == {"value": best, "max_value": maximum, "only_if_higher": None}
        assert state["debrief"]["breaches"][0]["duty"] == "tolak-gratifikasi"
        block.grading_policy = "last"
        play(block, 3, BREACH)
        grades = [d for n, d in block.runtime.published if n == "grade"]
        assert grades[-1] == {"value": capped["points"], "max_value": maximum, "only_if_higher": None}

    def test_the_ending_event_and_the_report_carry_the_breach(self, block):
        play(block, 1, BREACH)
        [ending] = [d for n, d in block.runtime.published if n == "edx.complaint_sim.ending"]
        assert ending["critical_breaches"] == ["tolak-gratifikasi"] and ending["quality"] == "poor"

        class UserState:
            username = "learner"
            state = {"history": block.history, "run": block.run}
        [(name, row)] = list(block.generate_report_data(iter([UserState()])))
        assert row["last_critical_breaches"] == "tolak-gratifikasi" and row["last_quality"] == "poor"


def test_the_editor_report_shows_the_breach_problem_live_and_offers_the_register(suap):
    from complaint_sim_xblock import editor
    report = editor.scenario_report(suap)
    assert not report["valid"]
    [problem] = report["problems"]
    assert problem["code"] == "breach_reaches_good_ending" and problem["node"] == "baik"
    assert "tawar:terima" in problem["message"]
    choices = editor.register_choices(suap)
    law = next(law for law in choices["laws"] if law["id"] == "uu-5-2014")
    assert law["status"] == "diganti" and law["replaced_by"] == "uu-20-2023"
    assert {"id": "permintaan-imbalan", "label": "Permintaan imbalan uang, barang atau jasa"} in \
        choices["maladministration"]
