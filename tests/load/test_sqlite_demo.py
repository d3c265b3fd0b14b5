"""The SQLite demo under load (issue 14, item 7): one process, as ``make demo`` serves it.

Django's runserver (threaded, one process) on its own SQLite file, with the demo's settings:
20 learners play the role-play to an ending at once (two-tab races, triple clicks, an author
saving mid-run), 10 learners double-submit a reflection, and two staff grade each of those
submissions at the same moment, all ten pairs at once. The same audit as the multi-worker run
(tests/load_scenario.py): no 5xx, no lost write, one ending each. Before the demo's SQLite
OPTIONS (``transaction_mode`` IMMEDIATE, a busy timeout) the grading pairs answered 500
"database is locked" instead of 409.
"""
import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.load_harness import Runserver
from tests.load_scenario import (
    audit_learners,
    audited_endings,
    double_submits,
    play_learners,
    print_figures,
    server_errors,
    staff_grading_race,
)

LEARNERS = 20
SUBMITTERS = 10


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo's runserver on a fresh SQLite file, for this module."""
    folder = tmp_path_factory.mktemp("sqlite-demo")
    database = folder / "workbench.db"
    server = Runserver(folder, {"DEMO_DATABASE": str(database)})
    try:
        yield database, server.start()
    finally:
        server.stop()


def test_twenty_learners_one_process(demo):
    database, server = demo
    log = []
    names, results = play_learners(server.url, LEARNERS, log, author_saves=5)
    errors = server_errors(log)
    assert not errors, f"{len(errors)} responses were 5xx: {errors[:5]}"

    def read_run(user_id, usage):
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
            run, history = connection.execute(
                "SELECT run, history FROM complaint_sim_xblock_roleplayrun WHERE user_id = ? AND usage_key = ?",
                (user_id, usage)).fetchone()
        return json.loads(run), json.loads(history)

    races = audit_learners(names, results, read_run)
    print_figures(log, audited_endings(races))


def test_double_submits_and_grading_pairs_one_process(demo):
    database, server = demo
    log = []
    usage = double_submits(server.url, SUBMITTERS, log)
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT COUNT(*), COUNT(DISTINCT student_id) FROM rubric_xblock_reflection "
                                  "WHERE item_id = ? AND username LIKE 'refl\\_%' ESCAPE '\\'", (usage,)).fetchone()
        # The losing submit's edx-submission rolled back with its transaction: one kept per learner.
        kept = connection.execute("SELECT COUNT(*), COUNT(DISTINCT i.student_id) FROM submissions_submission s "
                                  "JOIN submissions_studentitem i ON i.id = s.student_item_id WHERE i.item_id = ?",
                                  (usage,)).fetchone()
    assert rows == (SUBMITTERS, SUBMITTERS)
    assert kept == (SUBMITTERS, SUBMITTERS), kept
    with ThreadPoolExecutor(SUBMITTERS) as pool:
        for future in [pool.submit(staff_grading_race, server.url, usage, log, f"refl_{i}")
                       for i in range(SUBMITTERS)]:
            future.result()
    errors = server_errors(log)
    assert not errors, f"{len(errors)} responses were 5xx: {errors[:5]}"
    print_figures(log, f", {SUBMITTERS} double submits and {SUBMITTERS} grading pairs (each one 200, one 409)")
