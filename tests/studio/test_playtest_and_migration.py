"""Playtest in the editor never touches learner state; live edits keep learners' runs usable."""
import copy

import pytest

from complaint_sim_xblock import flow
from complaint_sim_xblock.models import RoleplayRun
from tests.conftest import post

GOOD_RECORD = {"category": "Pelayanan", "urgency": "Sedang", "referral": "Kelurahan", "deadline_days": 3,
               "summary": "Printer rusak sehingga antrean warga panjang"}


def learner_fields(block):
    return {name: copy.deepcopy(getattr(block, name)) for name in ("run", "history")}


# --- Playtest ---------------------------------------------------------------------------------

def play(block, scenario, action, **payload):
    status, body = post(block, "editor_playtest", {"scenario": scenario, "action": action, **payload})
    assert status == 200, body
    return body


def test_playtest_plays_to_an_ending_showing_variables_and_scores(block_as, mini):
    block = block_as("staff")
    state = play(block, mini, "start")
    assert state["view"]["node"]["id"] == "datang" and state["variables"][0]["value"] == 3
    assert [c["target"] for c in state["node"]["choices"]] == ["tanya", "tanya"]  # the author sees targets
    state = play(block, mini, "choose", run=state["run"], choice="sapa")
    assert state["variables"][0]["value"] == 5 and state["score"]["points"] > 0
    hidden = {c["id"]: c["visible"] for c in state["node"]["choices"]}
    assert hidden == {"jelaskan": True, "catat": True, "usir": True}
    state = play(block, mini, "choose", run=state["run"], choice="catat")
    assert state["node"]["record"]["urgency"]["expected"] == "Sedang"
    state = play(block, mini, "record", run=state["run"], record=GOOD_RECORD)
    state = play(block, mini, "choose", run=state["run"], choice="nomor")
    assert state["debrief"]["ending"]["id"] == "baik"
    assert state["score"]["points"] == state["score"]["max_points"]
    assert {d["id"]: d["status"] for d in state["score"]["duties"]} == {"sapa": "met", "nomor": "met"}


def test_playtest_passes_a_narration_node_and_gives_the_record_key(block_as, mini):
    """A narration node is played with "next"; at a record node the author gets every answer of
    the key, the summary's keywords and the dated deadline included (the "fill in" button uses them)."""
    mini["story_date"] = "2026-03-09"
    mini["nodes"][0]["choices"][0]["target"] = "jeda"
    mini["nodes"].insert(1, {"id": "jeda", "type": "narration", "text": "Lima menit kemudian printer menyala.",
                             "next": "tanya"})
    block = block_as("staff")
    state = play(block, mini, "start")
    state = play(block, mini, "choose", run=state["run"], choice="sapa")
    assert state["node"]["type"] == "narration" and state["node"]["next"] == "tanya"
    state = play(block, mini, "next", run=state["run"])
    state = play(block, mini, "choose", run=state["run"], choice="catat")
    key = state["node"]["record"]
    assert key["summary"]["min_words"] > 0 and key["summary"]["keywords"]
    assert key["deadline_date"] == "2026-03-12"  # 3 working days after Monday 9 March 2026
    record = {**GOOD_RECORD, "deadline_date": key["deadline_date"]}
    del record["deadline_days"]
    state = play(block, mini, "record", run=state["run"], record=record)
    assert state["view"]["node"]["id"] == "tutup"


def test_playtest_leaves_learner_fields_untouched(block_as, mini):
    learner = block_as("learner")
    author = block_as("staff")
    post(author, "editor_save", {"scenario": mini})
    assert post(learner, "start", {"attempt": 1})[0] == 200
    assert post(learner, "choose", {"node": "datang", "step": 0, "choice": "ketus"})[0] == 200
    before = learner_fields(learner)
    published = list(author.runtime.published)
    state = play(author, mini, "start")
    state = play(author, mini, "choose", run=state["run"], choice="sapa")
    play(author, mini, "choose", run=state["run"], choice="usir")
    assert learner_fields(learner) == before
    assert learner_fields(author) == before
    assert author.runtime.published == published  # no grade, completion or tracking event


def test_playtest_never_sets_a_user_state_field(block_as, mini):
    block = block_as("staff")
    state = play(block, mini, "start")
    play(block, mini, "choose", run=state["run"], choice="sapa")
    assert not type(block).run.is_set_on(block) and not type(block).history.is_set_on(block)


def test_playtest_from_any_node_with_chosen_variables(block_as, mini):
    block = block_as("staff")
    state = play(block, mini, "start", **{"from": "tanya", "vars": {"mood": 2}})
    assert state["view"]["node"]["id"] == "tanya"
    visible = {c["id"]: c["visible"] for c in state["node"]["choices"]}
    assert visible == {"jelaskan": True, "catat": False, "usir": True}
    assert post(block, "editor_playtest", {"scenario": mini, "action": "choose", "run": state["run"],
                                           "choice": "catat"})[1]["error"]["code"] == "UNKNOWN_CHOICE"


@pytest.mark.parametrize(("payload", "status", "code"), [
    ({"action": "start", "from": "baik"}, 400, "BAD_ORIGIN"),
    ({"action": "start", "from": "nowhere"}, 400, "BAD_ORIGIN"),
    ({"action": "choose", "run": "garbage", "choice": "sapa"}, 400, "BAD_RUN"),
    ({"action": "choose", "run": {"node": "datang"}, "choice": "sapa"}, 400, "BAD_RUN"),
    ({"action": "fly", "run": None}, 400, "BAD_RUN"),
])
def test_playtest_refuses_bad_input(block_as, mini, payload, status, code):
    got, body = post(block_as("staff"), "editor_playtest", {"scenario": mini, **payload})
    assert (got, body["error"]["code"]) == (status, code)


def test_playtest_of_an_invalid_scenario_lists_its_problems(block_as, mini):
    mini["nodes"][0]["choices"][0]["target"] = "nowhere"
    status, body = post(block_as("staff"), "editor_playtest", {"scenario": mini, "action": "start"})
    assert status == 400 and body["error"]["code"] == "SCENARIO_INVALID"
    assert body["problems"][0]["code"] == "missing_target"


def test_playtest_continues_after_an_edit_that_keeps_the_node(block_as, mini):
    block = block_as("staff")
    state = play(block, mini, "start")
    state = play(block, mini, "choose", run=state["run"], choice="sapa")
    mini["nodes"][1]["text"] = "Jadi bagaimana, Pak?"
    state = play(block, mini, "choose", run=state["run"], choice="jelaskan")
    assert state["notice"] is None and state["view"]["node"]["id"] == "tanya" and state["run"]["step"] == 2


def test_playtest_restarts_after_an_edit_that_removes_the_node(block_as, mini):
    block = block_as("staff")
    state = play(block, mini, "start")
    state = play(block, mini, "choose", run=state["run"], choice="sapa")
    mini["nodes"][0]["choices"] = [{**c, "target": "rekam"} for c in mini["nodes"][0]["choices"]]
    mini["nodes"] = [n for n in mini["nodes"] if n["id"] not in ("tanya", "gagal")]
    state = play(block, mini, "choose", run=state["run"], choice="jelaskan")
    assert state["notice"] == "playtest_changed" and state["view"]["node"]["id"] == "datang"


def test_a_stale_playtest_turn_is_a_conflict(block_as, mini):
    block = block_as("staff")
    state = play(block, mini, "start")
    state = play(block, mini, "choose", run=state["run"], choice="ketus")
    state = play(block, mini, "choose", run=state["run"], choice="usir")
    status, body = post(block, "editor_playtest", {"scenario": mini, "action": "choose", "run": state["run"],
                                                   "choice": "usir"})
    assert status == 409 and body["error"]["code"] == "ATTEMPT_OVER"


# --- Live edits: a learner mid-run, the author saves, the learner's next request ----------------------

def next_request(block):
    """The same learner's block as a new request loads it (no field values cached from before)."""
    return block.runtime.construct_xblock_from_class(type(block), block.scope_ids)


@pytest.fixture
def live(block_as, mini):
    """A saved scenario, a learner who has played 'sapa' (now at 'tanya', mood 5), and an author."""
    author, learner = block_as("staff"), block_as("learner")
    assert post(author, "editor_save", {"scenario": mini})[0] == 200
    assert post(learner, "start", {"attempt": 1})[0] == 200
    assert post(learner, "choose", {"node": "datang", "step": 0, "choice": "sapa"})[0] == 200
    return author, learner


def resumed(learner):
    """The learner's run as the views show it: the stored one carried over to the current scenario."""
    return flow.resume(learner.compiled(), learner.load_progress())[0]["run"]


def save(author, scenario):
    """The author saves; as in the LMS, the learner's next request gets a freshly loaded block."""
    status, body = post(author, "editor_save", {"scenario": scenario})
    assert status == 200, body


def test_node_kept_the_learner_resumes_where_they_were(live, mini):
    author, learner = live
    mini["nodes"][1]["text"] = "Jadi bagaimana, Pak? Saya sudah lama di sini."
    save(author, mini)
    learner = next_request(learner)
    status, body = post(learner, "state", {})
    assert status == 200 and body["state"]["notice"] is None
    view = body["state"]["view"]
    assert view["node"]["id"] == "tanya" and view["node"]["text"].endswith("lama di sini.") and view["step"] == 1
    assert post(learner, "choose", {"node": "tanya", "step": 1, "choice": "catat"})[0] == 200


def test_node_removed_the_learner_restarts_the_same_attempt(live, mini):
    author, learner = live
    RoleplayRun.objects.update(history=[{"attempt": 0, "ending": "cukup", "ending_title": "x", "quality": "fair",
                                         "points": 4, "max_points": 10, "competencies": {}, "duties": {},
                                         "path": []}])
    mini["nodes"][0]["choices"] = [{**c, "target": "rekam"} for c in mini["nodes"][0]["choices"]]
    mini["nodes"] = [n for n in mini["nodes"] if n["id"] not in ("tanya", "gagal")]
    save(author, mini)
    learner = next_request(learner)
    status, body = post(learner, "state", {})
    assert status == 200 and body["state"]["notice"] == "scenario_changed"
    assert body["state"]["view"]["node"]["id"] == "datang" and body["state"]["view"]["attempt"] == 1
    assert body["state"]["attempts"]["used"] == 1 and body["state"]["score"] == {"points": 4, "max_points": 10}
    assert post(learner, "choose", {"node": "datang", "step": 0, "choice": "sapa"})[0] == 200


def test_variables_changed_values_are_kept_clamped_or_initialised(live, mini):
    author, learner = live
    assert learner.load_progress()["run"]["vars"] == {"mood": 5}
    mini["variables"] = [{"id": "mood", "label": "Suasana hati", "min": 0, "max": 4, "initial": 3},
                         {"id": "percaya", "label": "Kepercayaan", "min": 0, "max": 5, "initial": 1}]
    mini["nodes"][1]["choices"][1]["condition"] = "mood >= 4"
    save(author, mini)
    learner = next_request(learner)
    status, body = post(learner, "state", {})
    assert status == 200 and body["state"]["notice"] is None
    assert resumed(learner)["vars"] == {"mood": 4, "percaya": 1}
    assert post(learner, "choose", {"node": "tanya", "step": 1, "choice": "catat"})[0] == 200


def test_variable_removed_is_dropped_from_the_run(live, mini):
    author, learner = live
    mini["variables"] = []
    del mini["mood_variable"]
    for node in mini["nodes"]:
        for choice in node.get("choices", []):
            choice.pop("effects", None)
            choice.pop("condition", None)
    save(author, mini)
    learner = next_request(learner)
    assert post(learner, "state", {})[0] == 200
    assert resumed(learner)["vars"] == {}


def test_ending_removed_after_a_finished_attempt(live, mini):
    author, learner = live
    for node, step, choice in (("tanya", 1, "catat"),):
        assert post(learner, "choose", {"node": node, "step": step, "choice": choice})[0] == 200
    assert post(learner, "record", {"node": "rekam", "step": 2, "record": GOOD_RECORD})[0] == 200
    assert post(learner, "choose", {"node": "tutup", "step": 3, "choice": "pulang"})[0] == 200
    best = learner.history[-1]["points"]
    mini["nodes"][3]["choices"][1]["target"] = "baik"
    mini["nodes"] = [n for n in mini["nodes"] if n["id"] != "cukup"]
    save(author, mini)
    learner = next_request(learner)
    status, body = post(learner, "state", {})
    assert status == 200
    assert body["state"]["score"]["points"] == best and body["state"]["attempts"]["used"] == 1
    assert post(learner, "start", {"attempt": 2})[0] == 200


def test_ending_removed_while_the_learner_is_on_the_way(live, mini):
    author, learner = live
    mini["nodes"][1]["choices"][2]["target"] = "cukup"  # 'usir' now leads to the fair ending
    mini["nodes"] = [n for n in mini["nodes"] if n["id"] != "gagal"]
    save(author, mini)
    learner = next_request(learner)
    assert post(learner, "choose", {"node": "tanya", "step": 1, "choice": "usir"})[0] == 200
    assert learner.run["ending"] == "cukup"


def test_node_type_changed_under_a_recorded_step(block_as, mini):
    """A finished attempt filed a record at 'rekam'; the author turns 'rekam' into a dialogue node."""
    author, learner = block_as("staff"), block_as("learner")
    save(author, mini)
    post(learner, "start", {"attempt": 1})
    post(learner, "choose", {"node": "datang", "step": 0, "choice": "sapa"})
    post(learner, "choose", {"node": "tanya", "step": 1, "choice": "catat"})
    post(learner, "record", {"node": "rekam", "step": 2, "record": GOOD_RECORD})
    post(learner, "choose", {"node": "tutup", "step": 3, "choice": "nomor"})
    mini["nodes"][2] = {"id": "rekam", "type": "dialogue", "speaker": "narrator", "text": "Catat di buku.",
                        "choices": [{"id": "tulis", "text": "Tulis", "target": "tutup"},
                                    {"id": "lupa", "text": "Lupa", "target": "cukup"}]}
    save(author, mini)
    learner = next_request(learner)
    status, body = post(learner, "state", {})
    assert status == 200, body
