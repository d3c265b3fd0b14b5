"""The load tests' scenario, shared by the multi-worker run (MariaDB + gunicorn) and the SQLite demo.

Learners play the KTP-el role-play to an ending at once, with two-tab races at the first step
(every other learner), triple clicks on the final choice and an author saving the scenario
mid-run; learners double-submit a reflection; two staff grade the same submission at once.
The audits compare every learner's stored row (read by the caller's ``read_run``) with what
the responses said: no 5xx, no lost write, exactly one accepted and stored ending per learner.
"""
import hashlib
import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor

from tests.load_harness import Client, percentiles

ROLEPLAY = "/scenario/complaint_sim.0/"
REFLECTION = "/scenario/rubric_reflection.0/"
TEXT = ("Saya menyapa warga dengan hormat, mendengarkan keluhannya tentang KTP-el yang belum jadi, menolak "
        "uang rokok dengan sopan, mencatat pengaduan, memberi nomor tiket dan tenggat tindak lanjut, lalu "
        "merujuk ke Disdukcapil dan menjelaskan alasannya. ") * 3


def anonymous_id(username):
    """The anonymous id the demo's user service gives ``username``."""
    return hashlib.sha256(username.encode("utf-8")).hexdigest()[:32]


def init_data(html):
    """The block's init data from its page (its own escaped JSON script)."""
    return json.loads(re.search(r'<script type="application/json">(.*?)</script>', html, re.S).group(1))


def next_move(view):
    """The body of the next action on ``view``: the first visible choice, or a filled record (a
    scenario with a story date asks for the deadline as a date: the story's day is always valid)."""
    node = view["node"]
    if node["type"] == "record":
        fields = node["record"]
        record = {key: spec["options"][0] for key, spec in fields.items() if "options" in spec}
        deadline = fields.get("deadline")
        record.update({"deadline_date": deadline["story_date"]} if deadline else {"deadline_days": 5})
        return "record", {"node": node["id"], "step": view["step"],
                          "record": {**record, "summary": "Warga melapor KTP-el belum jadi."}}
    return "choose", {"node": node["id"], "step": view["step"], "choice": node["choices"][0]["id"]}


def learner_session(base, name, log, results):
    """One learner: page, start, a two-tab race at step 0 (every other learner), play to the
    ending with a triple click on the final choice. Records what the responses said."""
    client = Client(base, name, log)
    usage = client.usage(client.page(ROLEPLAY), "complaint_sim")
    status, body = client.post(usage, "start", {"attempt": 1})
    assert status == 200, body
    state = body["state"]
    outcome = {"usage": usage, "race": None, "final_200": 0}
    if int(name.rsplit("_", 1)[1]) % 2 == 0:
        node = state["view"]["node"]
        bodies = [{"node": node["id"], "step": 0, "choice": c["id"]} for c in node["choices"][:2]]
        with ThreadPoolExecutor(2) as tabs:
            raced = list(tabs.map(lambda b: client.post(usage, "choose", b), bodies))
        winners = [(b, r) for b, r in zip(bodies, raced, strict=True) if r[0] == 200]
        outcome["race"] = {"statuses": sorted(r[0] for r in raced),
                           "winner": winners[0][0]["choice"] if len(winners) == 1 else None}
        state = winners[0][1][1]["state"] if winners else client.post(usage, "state", {})[1]["state"]
    while not state["view"]["finished"]:
        handler, move = next_move(state["view"])
        nxt = client.post(usage, handler, move)
        if nxt[0] == 200 and nxt[1]["state"]["view"]["finished"]:
            # The final move again, twice more at once (a triple click): both must be refused.
            with ThreadPoolExecutor(2) as clicks:
                again = list(clicks.map(lambda _i, h=handler, m=move: client.post(usage, h, m), range(2)))
            outcome["final_200"] = 1 + sum(1 for r in again if r[0] == 200)
        assert nxt[0] in (200, 409), nxt
        state = nxt[1]["state"]
    outcome["last_state"] = state
    results[name] = outcome


def play_learners(base, count, log, author_saves=10):
    """``count`` learners play at once while an author saves the scenario unchanged
    (``author_saves`` times, every 0.5 s); their names and ``{name: outcome}``."""
    results = {}
    author = Client(base, "staff_author", log)
    studio = author.page(ROLEPLAY + "studio_view/")
    usage = author.usage(studio, "complaint_sim")
    editor = init_data(studio)  # the settings; the scenario comes from editor_load, as in the editor
    status, loaded = author.post(usage, "editor_load", {})
    assert status == 200, loaded
    editor["scenario"] = loaded["scenario"]
    stop = threading.Event()

    def saves():
        done = 0
        while not stop.is_set() and done < author_saves:
            status, body = author.post(usage, "editor_save", {"scenario": editor["scenario"],
                                                              "settings": editor["settings"]})
            assert status == 200, body
            done += 1
            stop.wait(0.5)

    names = [f"load_{i}" for i in range(count)]
    with ThreadPoolExecutor(count + 1) as pool:
        saver = pool.submit(saves)
        futures = [pool.submit(learner_session, base, name, log, results) for name in names]
        try:
            for future in futures:
                future.result()
        finally:
            stop.set()
            saver.result()
    return names, results


def server_errors(log):
    """The 5xx entries of a request log."""
    return [entry for entry in log if entry[1] >= 500]


def audit_learners(names, results, read_run):
    """Compare each learner's stored run (``read_run(user_id, usage) -> (run, history)``) with the
    responses; asserts no lost write, one ending each, one winner per race; the race count."""
    lost, duplicate_endings, races = [], [], 0
    for name in names:
        outcome = results[name]
        run, history = read_run(anonymous_id(name), outcome["usage"])
        last = outcome["last_state"]
        if run["ending"] != last["debrief"]["ending"]["id"] or run["step"] != last["view"]["step"]:
            lost.append(name)
        if len(history) != 1 or outcome["final_200"] != 1:
            duplicate_endings.append((name, len(history), outcome["final_200"]))
        if outcome["race"]:
            races += 1
            assert outcome["race"]["statuses"] == [200, 409], (name, outcome["race"])
            assert run["path"][0]["choice"] == outcome["race"]["winner"], name
    assert not lost, f"lost writes: {lost}"
    assert not duplicate_endings, f"endings stored or accepted more than once: {duplicate_endings}"
    return races


def print_figures(log, audited=""):
    """The run's figures: requests, 5xx, what was audited, p50/p95 per handler."""
    print(f"\nload: {len(log)} requests, {len(server_errors(log))} x 5xx{audited}")
    for handler, (count, p50, p95) in percentiles(log).items():
        print(f"  {handler:14s} n={count:5d}  p50={p50:7.1f} ms  p95={p95:7.1f} ms")


def audited_endings(races):
    """The figures line's audit part after ``audit_learners`` passed."""
    return f", 0 lost writes, 0 duplicate endings, {races} two-tab races (each one winner)"


def double_submits(base, count, log):
    """``count`` learners each submit a reflection twice at once, then save a draft; asserts one
    200 and one 409 each, the draft refused with 409. The reflection's usage id."""

    def submitter(name):
        client = Client(base, name, log)
        usage = client.usage(client.page(REFLECTION), "rubric_reflection")
        body = {"text": TEXT, "confirm": True, "personal_data_ok": True}
        with ThreadPoolExecutor(2) as clicks:
            results = list(clicks.map(lambda _i: client.post(usage, "submit", body), range(2)))
        draft = client.post(usage, "save_draft", {"text": "setelah kirim"})
        return usage, sorted(r[0] for r in results), draft[0]

    with ThreadPoolExecutor(count) as pool:
        outcomes = list(pool.map(submitter, [f"refl_{i}" for i in range(count)]))
    assert all(statuses == [200, 409] for _u, statuses, _d in outcomes), outcomes
    assert all(draft == 409 for _u, _s, draft in outcomes)
    return outcomes[0][0]


def staff_grading_race(base, usage, log, learner="refl_"):
    """Two staff grade the same submission (the first whose username starts with ``learner``)
    from the same form at once: one 200, one 409."""
    staff = [Client(base, f"staff_{i}", log) for i in range(2)]
    for client in staff:
        client.page(REFLECTION)
    queue = staff[0].post(usage, "staff_queue", {})[1]
    uuid = next(item["submission_uuid"] for item in queue["items"] if item["username"].startswith(learner))
    form = staff[0].post(usage, "staff_submission", {"submission_uuid": uuid})[1]["submission"]
    selections = {c["id"]: c["levels"][0]["id"] for c in form["rubric"]["criteria"] if c["levels"]}
    grade = {"submission_uuid": uuid, "selections": selections, "comments": {}, "overall_comment": "",
             "expected_version": form["version"], "rubric_version": form["rubric_version"]}
    with ThreadPoolExecutor(2) as pool:
        graded = list(pool.map(lambda c: c.post(usage, "staff_grade", grade), staff))
    assert sorted(r[0] for r in graded) == [200, 409], graded
