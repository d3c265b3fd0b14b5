"""A real multi-worker run (issue 14, item 6): gunicorn with 4 workers on MariaDB.

50 learners play the KTP-el role-play to an ending at once, with two-tab races at the first
step, triple clicks on the final choice and an author saving the scenario mid-run; 20 learners
double-submit a reflection; two staff grade the same submission at once. Then every learner's
stored state is audited against the responses: no 5xx, no lost write (the stored run is the
one the last 200 returned, and each race has exactly one winner whose choice is stored), and
exactly one finished attempt per ending (an ending's grade, ending and completion events are
published only by the one request whose compare-and-set stored it). ``LOAD_LEARNERS`` (default
50) scales it; ``make bench`` runs 200 and prints p50/p95 per handler.
"""
import json
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.load_harness import ROOT, Client, Gunicorn, MariaDB, percentiles

LEARNERS = int(os.environ.get("LOAD_LEARNERS", "50"))
SUBMITTERS = min(20, LEARNERS)
ROLEPLAY = "/scenario/complaint_sim.0/"
REFLECTION = "/scenario/rubric_reflection.0/"
TEXT = ("Saya menyapa warga dengan hormat, mendengarkan keluhannya tentang KTP-el yang belum jadi, menolak "
        "uang rokok dengan sopan, mencatat pengaduan, memberi nomor tiket dan tenggat tindak lanjut, lalu "
        "merujuk ke Disdukcapil dan menjelaskan alasannya. ") * 3


def anonymous_id(username):
    """The anonymous id the demo's user service gives ``username``."""
    import hashlib

    return hashlib.sha256(username.encode("utf-8")).hexdigest()[:32]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """MariaDB under build/ and gunicorn with 4 workers against it, for this module."""
    database = MariaDB(ROOT / "build" / f"mariadb-{os.getpid()}").start()
    server = None
    try:
        server = Gunicorn(tmp_path_factory.mktemp("gunicorn"), {"DEMO_MYSQL_SOCKET": str(database.socket)}).start()
        yield database, server
    finally:
        if server:
            server.stop()
        database.stop()


def init_data(html):
    """The block's init data from its page (its own escaped JSON script)."""
    return json.loads(re.search(r'<script type="application/json">(.*?)</script>', html, re.S).group(1))


def next_move(view):
    """The body of the next action on ``view``: the first visible choice, or a filled record."""
    node = view["node"]
    if node["type"] == "record":
        record = {key: spec["options"][0] for key, spec in node["record"].items()}
        return "record", {"node": node["id"], "step": view["step"],
                          "record": {**record, "deadline_days": 5, "summary": "Warga melapor KTP-el belum jadi."}}
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


def test_fifty_learners_races_and_audit(stack):
    database, server = stack
    log, results = [], {}
    # The author's view of the scenario, saved unchanged while learners play.
    author = Client(server.url, "staff_author", log)
    studio = author.page(ROLEPLAY + "studio_view/")
    usage = author.usage(studio, "complaint_sim")
    editor = init_data(studio)
    stop = threading.Event()

    def author_saves():
        saves = 0
        while not stop.is_set() and saves < 10:
            status, body = author.post(usage, "editor_save", {"scenario": editor["scenario"],
                                                              "settings": editor["settings"]})
            assert status == 200, body
            saves += 1
            stop.wait(0.5)

    names = [f"load_{i}" for i in range(LEARNERS)]
    with ThreadPoolExecutor(LEARNERS + 1) as pool:
        saver = pool.submit(author_saves)
        futures = [pool.submit(learner_session, server.url, name, log, results) for name in names]
        for future in futures:
            future.result()
        stop.set()
        saver.result()

    errors = [entry for entry in log if entry[1] >= 500]
    assert not errors, f"{len(errors)} responses were 5xx: {errors[:5]}"
    # Audit every learner's stored row against what the responses said.
    lost, duplicate_endings, races = [], [], 0
    for name in names:
        outcome = results[name]
        raw = database.sql("SELECT version, run, history FROM complaint_sim_xblock_roleplayrun WHERE "
                           f"user_id = '{anonymous_id(name)}' AND usage_key = '{outcome['usage']}'", "demo").stdout
        version, run, history = raw.rstrip("\n").split("\t")
        run, history = json.loads(run), json.loads(history)
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
    figures = percentiles(log)
    print(f"\nload: {len(log)} requests, {len(errors)} x 5xx, {len(lost)} lost writes, "
          f"{len(duplicate_endings)} duplicate endings, {races} two-tab races (each one winner)")
    for handler, (count, p50, p95) in figures.items():
        print(f"  {handler:14s} n={count:5d}  p50={p50:7.1f} ms  p95={p95:7.1f} ms")


def test_double_submits_and_staff_grading_races(stack):
    database, server = stack
    log = []

    def submitter(name):
        client = Client(server.url, name, log)
        usage = client.usage(client.page(REFLECTION), "rubric_reflection")
        body = {"text": TEXT, "confirm": True, "personal_data_ok": True}
        with ThreadPoolExecutor(2) as clicks:
            results = list(clicks.map(lambda _i: client.post(usage, "submit", body), range(2)))
        draft = client.post(usage, "save_draft", {"text": "setelah kirim"})
        return usage, sorted(r[0] for r in results), draft[0]

    with ThreadPoolExecutor(SUBMITTERS) as pool:
        outcomes = list(pool.map(submitter, [f"refl_{i}" for i in range(SUBMITTERS)]))
    assert all(statuses == [200, 409] for _u, statuses, _d in outcomes), outcomes
    assert all(draft == 409 for _u, _s, draft in outcomes)
    usage = outcomes[0][0]
    rows = database.sql("SELECT COUNT(*), COUNT(DISTINCT student_id) FROM rubric_xblock_reflection "
                        f"WHERE item_id = '{usage}' AND username LIKE 'refl\\_%'", "demo").stdout.split()
    assert rows == [str(SUBMITTERS), str(SUBMITTERS)]
    # Two staff grade the same submission from the same form at once: one 200, one 409.
    staff = [Client(server.url, f"staff_{i}", log) for i in range(2)]
    for client in staff:
        client.page(REFLECTION)
    queue = staff[0].post(usage, "staff_queue", {})[1]
    uuid = next(item["submission_uuid"] for item in queue["items"] if item["username"].startswith("refl_"))
    form = staff[0].post(usage, "staff_submission", {"submission_uuid": uuid})[1]["submission"]
    selections = {c["id"]: c["levels"][0]["id"] for c in form["rubric"]["criteria"] if c["levels"]}
    grade = {"submission_uuid": uuid, "selections": selections, "comments": {}, "overall_comment": "",
             "expected_version": form["version"], "rubric_version": form["rubric_version"]}
    with ThreadPoolExecutor(2) as pool:
        graded = list(pool.map(lambda c: c.post(usage, "staff_grade", grade), staff))
    assert sorted(r[0] for r in graded) == [200, 409], graded
    errors = [entry for entry in log if entry[1] >= 500]
    assert not errors, errors[:5]
