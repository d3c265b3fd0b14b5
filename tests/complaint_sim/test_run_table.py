"""Atomic learner progress (issue 14, defect 2): the run table and its compare-and-set.

Races are made deterministic: request A reads the learner's progress, then request B runs
to the end, then A tries to store what it computed from the old read. On the old main
(read-then-write on user state) both got 200: two endings from two tabs, a second grade,
attempt 1's history erased by a racing ``start``.
"""
import pytest
from xblock.field_data import DictFieldData
from xblock.fields import ScopeIds

from complaint_sim_xblock import store
from complaint_sim_xblock.block import ComplaintSimBlock
from complaint_sim_xblock.models import RoleplayRun
from tests.conftest import LmsLikeRuntime, LmsUserService, post

GOOD_RECORD = {"category": "Pelayanan", "urgency": "Sedang", "referral": "Kelurahan", "deadline_days": 3,
               "summary": "Printer rusak sehingga antrean warga panjang"}
USAGE = "block-v1:TangerangX+PPM101+2026+type@complaint_sim+block@antrean"


class Learner:
    """One user (a learner, or course staff) and one block; each ``request()`` is a fresh block as a
    new LMS request loads it."""

    def __init__(self, scenario, username="asn_1", staff=False, **settings):
        self.field_data = DictFieldData({})
        self.username, self.staff = username, staff
        self.runtimes = []
        author = self.request()
        author.set_scenario(scenario)
        for name, value in settings.items():
            setattr(author, name, value)
        author.save()

    def request(self):
        from opaque_keys.edx.keys import UsageKey

        runtime = LmsLikeRuntime(user=LmsUserService(self.username, staff=self.staff), field_data=self.field_data)
        self.runtimes.append(runtime)
        usage = UsageKey.from_string(USAGE)
        return runtime.construct_xblock_from_class(ComplaintSimBlock, ScopeIds(self.username, "complaint_sim",
                                                                                 usage, usage))

    def post(self, handler, payload):
        return post(self.request(), handler, payload)

    def events(self, name):
        return [data for runtime in self.runtimes for data in runtime.events(name)]


@pytest.fixture
def learner(db, mini_data):
    return Learner(mini_data)


@pytest.fixture
def race(monkeypatch):
    """``race(first, second)``: run ``first()``; right after it reads the progress, ``second()`` runs whole."""
    def run(first, second):
        real = store.load
        done = []

        def load(*args):
            stored = real(*args)
            if not done:
                done.append(None)
                done[0] = second()
            return stored

        monkeypatch.setattr(store, "load", load)
        try:
            return first(), done[0]
        finally:
            monkeypatch.setattr(store, "load", real)
    return run


def play_to(learner, route):
    assert learner.post("start", {"attempt": 1})[0] == 200
    for step, (node, choice) in enumerate(route):
        if choice is None:
            status, body = learner.post("record", {"node": node, "step": step, "record": GOOD_RECORD})
        else:
            status, body = learner.post("choose", {"node": node, "step": step, "choice": choice})
        assert status == 200, body


def test_two_tabs_choosing_at_the_same_step_exactly_one_wins(learner, race):
    play_to(learner, [])
    a, b = race(lambda: learner.post("choose", {"node": "datang", "step": 0, "choice": "sapa"}),
                lambda: learner.post("choose", {"node": "datang", "step": 0, "choice": "ketus"}))
    assert sorted([a[0], b[0]]) == [200, 409]
    loser = a if a[0] == 409 else b
    assert loser[1]["error"]["code"] == "STALE"
    # The loser's page catches up with the winner's state (the second tab's choice).
    assert loser[1]["state"]["view"]["step"] == 1
    stored = learner.request().load_progress()["run"]
    assert stored["path"] == [{"node": "datang", "choice": "ketus"}]
    assert len(learner.events("edx.complaint_sim.choice")) == 1


def test_identical_choices_at_the_ending_publish_one_grade_ending_and_completion(learner, race):
    play_to(learner, [("datang", "ketus")])
    final = {"node": "tanya", "step": 1, "choice": "usir"}
    results = [race(lambda: learner.post("choose", final), lambda: learner.post("choose", final))]
    results += [(learner.post("choose", final),) for _ in range(18)]
    statuses = [result[0] for pair in results for result in pair]
    assert statuses.count(200) == 1 and len(statuses) == 20
    assert all(status == 409 for status in statuses if status != 200)
    for name in ("edx.complaint_sim.ending", "grade", "completion"):
        assert len(learner.events(name)) == 1, name
    assert len(learner.request().load_progress()["history"]) == 1


def test_a_start_racing_the_final_choice_never_erases_the_history(learner, race):
    play_to(learner, [("datang", "ketus")])
    start, final = race(lambda: learner.post("start", {"attempt": 2}),
                        lambda: learner.post("choose", {"node": "tanya", "step": 1, "choice": "usir"}))
    assert final[0] == 200 and start[0] == 409 and start[1]["error"]["code"] == "STALE"
    progress = learner.request().load_progress()
    assert [entry["attempt"] for entry in progress["history"]] == [1]
    assert len(learner.events("grade")) == 1
    # Pressed again, with the state the 409 returned, the restart works and keeps attempt 1.
    assert learner.post("start", {"attempt": 2})[0] == 200
    assert [e["attempt"] for e in learner.request().load_progress()["history"]] == [1]


def test_the_final_choice_racing_a_start_loses_and_the_new_attempt_stands(learner, race):
    play_to(learner, [("datang", "ketus")])
    final, start = race(lambda: learner.post("choose", {"node": "tanya", "step": 1, "choice": "usir"}),
                        lambda: learner.post("start", {"attempt": 2}))
    assert start[0] == 200 and final[0] == 409
    assert learner.request().load_progress()["run"]["attempt"] == 2
    assert learner.events("grade") == [] and learner.events("edx.complaint_sim.ending") == []


def test_two_first_writes_meet_the_unique_key(learner, race):
    a, b = race(lambda: learner.post("start", {"attempt": 1}), lambda: learner.post("start", {"attempt": 1}))
    assert sorted([a[0], b[0]]) == [200, 409]
    assert RoleplayRun.objects.count() == 1
    assert len(learner.events("edx.complaint_sim.attempt_started")) == 1


def test_old_user_state_is_read_and_moved_into_the_table_on_the_next_write(learner):
    old = learner.request()
    old.history = [{"attempt": 1, "ending": "gagal", "ending_title": "x", "quality": "poor", "points": 1,
                    "max_points": 10, "competencies": {}, "duties": {}, "path": []}]
    old.run = {**old.run, "digest": old.compiled().digest, "attempt": 1, "node": "gagal", "step": 2,
               "vars": {"mood": 0}, "path": [], "ending": "gagal"}
    old.save()
    status, body = learner.post("state", {})
    assert status == 200 and body["state"]["attempts"]["used"] == 1
    assert body["state"]["score"] == {"points": 1, "max_points": 10}
    assert RoleplayRun.objects.count() == 0  # reading writes nothing
    assert learner.post("start", {"attempt": 2})[0] == 200
    row = RoleplayRun.objects.get()
    assert row.version == 1 and row.run["attempt"] == 2 and [e["attempt"] for e in row.history] == [1]


def test_every_write_moves_the_version_on(learner):
    play_to(learner, [("datang", "sapa")])
    assert RoleplayRun.objects.get().version == 2
    with pytest.raises(store.Conflict):
        store.save("", USAGE, "anon-asn_1", 1, None, [])
