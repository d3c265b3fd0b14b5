"""The block through the runtime's real handler dispatch, and the LMS's call contract."""
import copy
import json
from collections import namedtuple
from datetime import UTC, datetime

import pytest
from xblock.field_data import DictFieldData
from xblock.fields import Scope

from complaint_sim_xblock.block import ComplaintSimBlock
from tests.conftest import LmsLikeRuntime, LmsUserService, init_data, post

GOOD_RECORD = {"category": "Pelayanan", "urgency": "Sedang", "referral": "Kelurahan", "deadline_days": 3,
               "summary": "Printer rusak sehingga antrean warga panjang"}
BEST_ROUTE = [("datang", "sapa"), ("tanya", "catat"), ("rekam", None), ("tutup", "nomor")]
POOR_ROUTE = [("datang", "ketus"), ("tanya", "usir")]


# What the LMS's "Delete learner's state" deletes: the learner's StudentModule, every user-state field.
USER_STATE = tuple(name for name, field in ComplaintSimBlock.fields.items() if field.scope == Scope.user_state)


def play(block, route, attempt=1):
    status, body = post(block, "start", {"attempt": attempt})
    assert status == 200, body
    for step, (node, choice) in enumerate(route):
        if choice is None:
            status, body = post(block, "record", {"node": node, "step": step, "record": GOOD_RECORD})
        else:
            status, body = post(block, "choose", {"node": node, "step": step, "choice": choice})
        assert status == 200, body
    return body["state"]


class TestFields:
    def test_every_field_has_its_intended_scope(self):
        scopes = {name: field.scope for name, field in ComplaintSimBlock.fields.items()
                  if name not in ("parent", "children", "tags", "name")}
        assert scopes == {
            "display_name": Scope.settings, "scenario": Scope.content, "scenario_digest": Scope.settings,
            "scenario_checked": Scope.settings,
            "weight": Scope.settings, "max_attempts": Scope.settings, "grading_policy": Scope.settings,
            "run": Scope.user_state, "history": Scope.user_state, "published_score": Scope.user_state}

    def test_every_field_is_documented(self):
        for name, field in ComplaintSimBlock.fields.items():
            if name not in ("parent", "children", "tags", "name"):
                assert field.display_name and field.help, name


class TestHandlers:
    def test_full_route_scores_publishes_grade_completion_and_events(self, block):
        state = play(block, BEST_ROUTE)
        assert state["debrief"]["points"] == 12 and state["debrief"]["ending"]["id"] == "baik"
        names = [name for name, _data in block.runtime.published]
        assert names == ["edx.complaint_sim.attempt_started", "edx.complaint_sim.choice", "edx.complaint_sim.choice",
                         "edx.complaint_sim.record", "edx.complaint_sim.choice", "edx.complaint_sim.ending",
                         "grade", "completion"]
        assert block.runtime.events("grade") == [{"value": 12, "max_value": 12, "only_if_higher": None}]
        assert block.runtime.events("completion") == [{"completion": 1.0}]
        assert block.runtime.events("edx.complaint_sim.record")[0]["correct"]["summary"] is True

    def test_repeated_click_is_409_with_state_and_no_double_count(self, block):
        post(block, "start", {"attempt": 1})
        assert post(block, "choose", {"node": "datang", "step": 0, "choice": "sapa"})[0] == 200
        status, body = post(block, "choose", {"node": "datang", "step": 0, "choice": "sapa"})
        assert status == 409 and body["error"]["code"] == "STALE"
        assert body["state"]["view"]["node"]["id"] == "tanya"
        assert len(block.load_progress()["run"]["path"]) == 1
        assert len(block.runtime.events("edx.complaint_sim.choice")) == 1

    def test_a_turn_writes_the_run_row_only_the_mirror_at_start_and_ending(self, block):
        # The user-state mirror (read by the reflection's linked run and the instructor's report)
        # is written when an attempt starts or ends; a turn in between stores one row, the run's.
        post(block, "start", {"attempt": 1})
        at_start = copy.deepcopy(block.run)
        assert at_start["attempt"] == 1 and at_start["path"] == [] and block.history == []
        for step, (node, choice) in enumerate(BEST_ROUTE[:2]):
            assert post(block, "choose", {"node": node, "step": step, "choice": choice})[0] == 200
        assert block.run == at_start and block.history == []
        assert len(block.load_progress()["run"]["path"]) == 2
        post(block, "record", {"node": "rekam", "step": 2, "record": GOOD_RECORD})
        post(block, "choose", {"node": "tutup", "step": 3, "choice": "nomor"})
        progress = block.load_progress()
        assert len(progress["history"]) == 1 and block.history == progress["history"]
        assert block.run == progress["run"]
        post(block, "start", {"attempt": 2})
        assert block.run["attempt"] == 2 and block.run == block.load_progress()["run"]

    def test_a_null_mirror_in_stored_user_state_is_rewritten_not_a_500(self, block):
        # User state edited outside the block ("run": null) must not stop a stored turn's events.
        block.run = None
        assert post(block, "start", {"attempt": 1})[0] == 200
        assert block.run["attempt"] == 1
        assert len(block.runtime.events("edx.complaint_sim.attempt_started")) == 1

    def test_repeated_start_is_409(self, block):
        assert post(block, "start", {"attempt": 1})[0] == 200
        status, body = post(block, "start", {"attempt": 1})
        assert status == 409 and body["error"]["code"] == "STALE"
        assert block.load_progress()["run"]["attempt"] == 1

    @pytest.mark.parametrize("handler, payload, code", [
        ("choose", {"node": "datang", "step": 0}, "BAD_REQUEST"),
        ("choose", {"node": "datang", "step": "0", "choice": "sapa"}, "BAD_REQUEST"),
        ("choose", {"node": "", "step": 0, "choice": "sapa"}, "BAD_REQUEST"),
        ("choose", {"node": "x" * 65, "step": 0, "choice": "sapa"}, "BAD_REQUEST"),
        ("choose", {"node": "datang", "step": -1, "choice": "sapa"}, "BAD_REQUEST"),
        ("choose", {"node": "datang", "step": 0, "choice": ["sapa"]}, "BAD_REQUEST"),
        ("choose", {"node": "datang", "step": 0, "choice": "tidak-ada"}, "UNKNOWN_CHOICE"),
        ("record", {"node": "datang", "step": 0, "record": GOOD_RECORD}, "STALE"),
        ("start", {"attempt": "1"}, "BAD_REQUEST"),
        ("start", {}, "BAD_REQUEST"),
    ])
    def test_bad_input_is_4xx_and_changes_nothing(self, block, handler, payload, code):
        post(block, "start", {"attempt": 1})
        before = block.load_progress()
        status, body = post(block, handler, payload)
        assert 400 <= status < 500 and body["error"]["code"] == code
        assert body["error"]["message"]
        assert block.load_progress() == before

    @pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b"\xff\xfe", b'"text"', b"null"])
    def test_malformed_bodies_are_400(self, block, raw):
        status, body = post(block, "choose", None, raw=raw)
        assert status == 400 and body["error"]["code"] == "BAD_JSON"

    def test_get_is_405(self, block):
        from webob import Request  # noqa: PLC0415
        response = block.runtime.handle(block, "choose", Request.blank("/", method="GET"))
        assert response.status_code == 405

    def test_choice_before_start_is_409(self, block):
        status, body = post(block, "choose", {"node": "datang", "step": 0, "choice": "sapa"})
        assert status == 409 and body["error"]["code"] == "NOT_STARTED"

    def test_attempt_limit(self, block):
        block.max_attempts = 2
        play(block, POOR_ROUTE, attempt=1)
        play(block, BEST_ROUTE, attempt=2)
        status, body = post(block, "start", {"attempt": 3})
        assert status == 409 and body["error"]["code"] == "NO_ATTEMPTS_LEFT"
        assert body["state"]["attempts"] == {"used": 2, "max": 2, "remaining": 0}
        assert len(block.history) == 2

    def test_staff_deleting_the_learners_state_gives_the_role_play_back_as_new(self, block):
        # The LMS's "Delete learner's state" deletes the learner's user state (and zeroes the
        # grade itself) but not the run table's row: with no user state left, the row reads as
        # never played, and the learner's next start overwrites it.
        from complaint_sim_xblock import aggregates  # noqa: PLC0415
        from complaint_sim_xblock.models import RoleplayRun  # noqa: PLC0415

        block.max_attempts = 2
        play(block, POOR_ROUTE, attempt=1)
        play(block, BEST_ROUTE, attempt=2)
        assert post(block, "start", {"attempt": 3})[1]["error"]["code"] == "NO_ATTEMPTS_LEFT"
        counted = aggregates.summed(str(block.scope_ids.usage_id), block.compiled().digest)
        for name in USER_STATE:
            delattr(block, name)
        assert block.load_progress() == {"run": None, "history": []}
        status, body = post(block, "state", {})
        assert status == 200 and body["state"]["attempts"] == {"used": 0, "max": 2, "remaining": 2}
        state = play(block, BEST_ROUTE, attempt=1)
        assert state["attempts"]["used"] == 1 and state["score"] == {"points": 12, "max_points": 12}
        assert [entry["attempt"] for entry in block.load_progress()["history"]] == [1]
        assert RoleplayRun.objects.count() == 1 and block.history == block.load_progress()["history"]
        # What colleagues chose keeps every attempt that was played, the cleared ones too.
        assert aggregates.summed(str(block.scope_ids.usage_id), block.compiled().digest) != counted

    def test_a_row_beside_a_learners_user_state_is_not_taken_for_cleared(self, block):
        play(block, POOR_ROUTE, attempt=1)
        post(block, "start", {"attempt": 2})
        block.run = {}  # the mirror's run lost, its finished attempts still there
        assert block.load_progress()["run"]["attempt"] == 2
        assert len(block.load_progress()["history"]) == 1

    def test_a_double_click_on_the_first_start_is_still_refused(self, roleplay, mini_data):
        # Both requests read the learner's (empty) user state before either saved it: the second
        # finds the first one's row beside an empty mirror, which is no reset.
        field_data = DictFieldData({})
        block = roleplay(mini_data, field_data)
        first, second = (LmsLikeRuntime(field_data=field_data).construct_xblock_from_class(
            ComplaintSimBlock, block.scope_ids) for _ in range(2))
        for request in (first, second):
            assert request.run == {} and request.history == []  # read at the request's start
        assert post(first, "start", {"attempt": 1})[0] == 200
        status, body = post(second, "start", {"attempt": 1})
        assert status == 409 and body["error"]["code"] == "STALE"
        assert body["state"]["attempts"]["used"] == 1
        assert second.runtime.events("edx.complaint_sim.attempt_started") == []

    def test_studio_preview_does_not_take_the_authors_row_for_cleared(self, roleplay, mini_data):
        # Studio's preview keeps user state in the author's session, not beside the row.
        field_data = DictFieldData({})
        block = roleplay(mini_data, field_data)
        play(block, POOR_ROUTE, attempt=1)
        session = DictFieldData({name: value for name, value in field_data._data.items()  # noqa: SLF001
                                 if name not in USER_STATE})
        runtime = LmsLikeRuntime(field_data=session)
        runtime.is_author_mode = True
        preview = runtime.construct_xblock_from_class(ComplaintSimBlock, block.scope_ids)
        assert len(preview.load_progress()["history"]) == 1

    def test_choice_after_the_ending_is_409(self, block):
        play(block, POOR_ROUTE)
        status, body = post(block, "choose", {"node": "tanya", "step": 1, "choice": "usir"})
        assert status == 409 and body["error"]["code"] in ("ATTEMPT_OVER", "STALE")
        assert len(block.history) == 1

    def test_best_policy_keeps_the_best_grade(self, block):
        play(block, BEST_ROUTE, attempt=1)
        play(block, POOR_ROUTE, attempt=2)
        assert block.runtime.events("grade") == [{"value": 12, "max_value": 12, "only_if_higher": None}] * 2
        assert block.runtime.events("completion") == [{"completion": 1.0}]

    def test_last_policy_counts_the_last_attempt(self, block):
        block.grading_policy = "last"
        play(block, BEST_ROUTE, attempt=1)
        state = play(block, POOR_ROUTE, attempt=2)
        assert block.runtime.events("grade")[-1] == {"value": 0, "max_value": 12, "only_if_higher": None}
        assert state["score"] == {"points": 0, "max_points": 12}

    def test_resume_after_leaving(self, block):
        post(block, "start", {"attempt": 1})
        post(block, "choose", {"node": "datang", "step": 0, "choice": "sapa"})
        status, body = post(block, "state", {})
        assert status == 200 and body["state"]["view"]["node"]["id"] == "tanya"
        html = block.student_view().body_html()
        assert "csim-body" in html

    def test_anonymous_users_change_nothing(self, make_block, mini_data):
        b = make_block(ComplaintSimBlock, user=LmsUserService(authenticated=False), block_type="complaint_sim")
        b.set_scenario(mini_data)
        status, body = post(b, "start", {"attempt": 1})
        assert status == 403 and body["error"]["code"] == "NOT_SIGNED_IN"
        assert b.run == {}

    def test_broken_scenario_gives_409_not_500(self, block, mini_data):
        broken = copy.deepcopy(mini_data)
        broken["start"] = "nowhere"
        block.set_scenario(broken)
        status, body = post(block, "start", {"attempt": 1})
        assert status == 409 and body["error"]["code"] == "SCENARIO_INVALID"
        assert "cannot be played" in block.student_view().body_html()

    def test_scenario_edited_mid_run_restarts_with_a_notice(self, block, mini_data):
        post(block, "start", {"attempt": 1})
        post(block, "choose", {"node": "datang", "step": 0, "choice": "sapa"})
        edited = copy.deepcopy(mini_data)
        edited["nodes"] = [n for n in edited["nodes"] if n["id"] not in ("tanya", "gagal")]
        for choice in edited["nodes"][0]["choices"]:
            choice["target"] = "rekam"
        block.set_scenario(edited)
        status, body = post(block, "state", {})
        assert status == 200 and body["state"]["notice"] == "scenario_changed"
        assert body["state"]["view"]["node"]["id"] == "datang" and body["state"]["attempts"]["used"] == 1


class TestLmsContract:
    """Calls the LMS makes without a user, with the shapes it uses."""

    def test_max_score_needs_no_user(self, make_block, mini_data):
        b = make_block(ComplaintSimBlock, user=None, block_type="complaint_sim")  # the grades transformer's call
        assert b.runtime.service(b, "user") is None
        b.set_scenario(mini_data)
        assert b.max_score() == 12
        assert b.has_score and b.weight == 1.0

    def test_student_view_data_has_no_answer_key(self, block):
        data = block.student_view_data()
        text = json.dumps(data)
        assert data["max_score"] == 12 and data["title"] == "Antrean printer rusak"
        for secret in ("target", "feedback", "scores", "expected", "Mohon maaf", "nodes"):
            assert secret not in text
        assert block.has_support(block.student_view, "multi_device")

    def test_initial_page_carries_no_answer_key(self, block):
        frag = block.student_view()
        args = json.dumps({key: value for key, value in init_data(frag).items() if key != "strings"})
        for secret in ("target", "scores", "fulfils", "expected", "Baik.", "Ketus."):
            assert secret not in args

    def test_report_rows_without_a_bound_user(self, make_block, mini_data):
        played = make_block(ComplaintSimBlock, block_type="complaint_sim")
        played.set_scenario(mini_data)
        play(played, POOR_ROUTE, attempt=1)
        play(played, BEST_ROUTE, attempt=2)
        # The instructor report calls a block that no user is bound to: no user service at all.
        # (Before, ``user=None`` fell back to a learner, so this could not fail on its name.)
        report_block = make_block(ComplaintSimBlock, user=None, block_type="complaint_sim")
        assert report_block.runtime.service(report_block, "user") is None
        report_block.set_scenario(mini_data)
        XBlockUserState = namedtuple("XBlockUserState", "username block_key state updated scope")
        states = [
            XBlockUserState("sari", None, {"run": played.run, "history": played.history}, datetime.now(UTC),
                            Scope.user_state),
            XBlockUserState("nobody", None, {}, datetime.now(UTC), Scope.user_state),
        ]
        rows = list(report_block.generate_report_data(iter(states)))
        assert [name for name, _row in rows] == ["sari"]
        row = rows[0][1]
        assert row["attempts"] == 2 and row["best_score"] == "12/12" and row["last_score"] == "12/12"
        assert row["last_ending"] == "Tertangani" and row["competency_empati"] == "2/2"
        assert row["path"] == "datang > tanya > rekam > tutup"
        assert list(report_block.generate_report_data(iter(states * 3), limit_responses=2)).__len__() == 2


class TestHostileInput:
    """Inputs found by fuzzing: each is a clear 4xx (or a located problem), never a 500."""

    def test_lone_surrogate_is_refused_before_it_is_stored(self, block):
        post(block, "start", {"attempt": 1})
        post(block, "choose", {"node": "datang", "step": 0, "choice": "sapa"})
        post(block, "choose", {"node": "tanya", "step": 1, "choice": "catat"})
        raw = json.dumps({"node": "rekam", "step": 2, "record": {**GOOD_RECORD, "summary": "printer \ud800 antre"}})
        status, body = post(block, "record", None, raw=raw.encode("utf-8"))
        assert status == 400 and body["error"]["code"] == "BAD_JSON"
        assert block.load_progress()["run"]["node"] == "rekam"
        assert post(block, "state", {})[0] == 200

    @pytest.mark.parametrize("deadline", ["²", "٣", "1" * 5000, "3.5"])
    def test_deadline_must_be_plain_digits(self, block, deadline):
        post(block, "start", {"attempt": 1})
        post(block, "choose", {"node": "datang", "step": 0, "choice": "sapa"})
        post(block, "choose", {"node": "tanya", "step": 1, "choice": "catat"})
        status, body = post(block, "record", {"node": "rekam", "step": 2,
                                              "record": {**GOOD_RECORD, "deadline_days": deadline}})
        assert status == 400 and body["error"]["code"] == "BAD_DEADLINE"

    def test_deeply_nested_and_oversized_bodies(self, block):
        assert post(block, "choose", None, raw=b"[" * 100_000)[1]["error"]["code"] == "BAD_JSON"
        status, body = post(block, "choose", None, raw=b" " * (5 * 1024 * 1024))
        assert status == 400 and body["error"]["code"] == "REQUEST_TOO_LARGE"

    def test_a_stale_tab_cannot_reopen_a_finished_attempt(self, block):
        # Old user state (no run-table row) in which a second tab's stale write put back the
        # unfinished run of an attempt that had ended (the run table's compare-and-set now stops
        # the write): the flow still refuses to play that attempt again.
        from complaint_sim_xblock.models import RoleplayRun  # noqa: PLC0415

        post(block, "start", {"attempt": 1})
        post(block, "choose", {"node": "datang", "step": 0, "choice": "ketus"})
        reopened = block.load_progress()["run"]  # what a second tab still holds
        post(block, "choose", {"node": "tanya", "step": 1, "choice": "usir"})  # tab 1 reaches an ending
        history = block.load_progress()["history"]
        RoleplayRun.objects.all().delete()
        block.run, block.history = reopened, history  # tab 2's stale write lands last
        assert block.load_progress() == {"run": reopened, "history": history}
        status, body = post(block, "choose", {"node": "tanya", "step": 1, "choice": "catat"})
        assert status in (400, 409)
        status, body = post(block, "choose", {"node": "tanya", "step": 1, "choice": "jelaskan"})
        assert status == 409 and body["error"]["code"] == "ATTEMPT_OVER"
        assert len(block.history) == 1 and len(block.runtime.events("grade")) == 1


@pytest.mark.parametrize("attributes", [
    'max_attempts="abc"', 'max_attempts="-1"', 'weight="[1]"', 'weight="nan"', 'weight="-1"',
    'grading_policy="worst"',
])
def test_olx_import_refuses_settings_the_editor_would_refuse(attributes):
    from tests.complaint_sim.test_olx import runtime  # noqa: PLC0415

    rt = runtime()
    with pytest.raises(ValueError, match="invalid settings in OLX"):
        rt.parse_xml_string(f"<complaint_sim {attributes}/>")
