"""A real multi-worker run (issue 14, item 6): gunicorn with 4 workers on MariaDB.

50 learners play the KTP-el role-play to an ending at once, with two-tab races at the first
step, triple clicks on the final choice and an author saving the scenario mid-run; 20 learners
double-submit a reflection; two staff grade the same submission at once. Then every learner's
stored state is audited against the responses: no 5xx, no lost write (the stored run is the
one the last 200 returned, and each race has exactly one winner whose choice is stored), and
exactly one finished attempt per ending (an ending's grade, ending and completion events are
published only by the one request whose compare-and-set stored it). ``LOAD_LEARNERS`` (default
50) scales it; ``make bench`` runs 200 and prints p50/p95 per handler. The scenario itself is
tests/load_scenario.py (shared with the SQLite demo's test).
"""
import json
import os

import pytest

from tests.load_harness import ROOT, Gunicorn, MariaDB
from tests.load_scenario import (
    audit_learners,
    audited_endings,
    double_submits,
    play_learners,
    print_figures,
    server_errors,
    staff_grading_race,
)

LEARNERS = int(os.environ.get("LOAD_LEARNERS", "50"))
SUBMITTERS = min(20, LEARNERS)


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


def test_fifty_learners_races_and_audit(stack):
    database, server = stack
    log = []
    names, results = play_learners(server.url, LEARNERS, log)
    errors = server_errors(log)
    assert not errors, f"{len(errors)} responses were 5xx: {errors[:5]}"

    def read_run(user_id, usage):
        raw = database.sql("SELECT run, history FROM complaint_sim_xblock_roleplayrun WHERE "
                           f"user_id = '{user_id}' AND usage_key = '{usage}'", "demo").stdout
        run, history = raw.rstrip("\n").split("\t")
        return json.loads(run), json.loads(history)

    races = audit_learners(names, results, read_run)
    print_figures(log, audited_endings(races))


def test_double_submits_and_staff_grading_races(stack):
    database, server = stack
    log = []
    usage = double_submits(server.url, SUBMITTERS, log)
    rows = database.sql("SELECT COUNT(*), COUNT(DISTINCT student_id) FROM rubric_xblock_reflection "
                        f"WHERE item_id = '{usage}' AND username LIKE 'refl\\_%'", "demo").stdout.split()
    assert rows == [str(SUBMITTERS), str(SUBMITTERS)]
    # The losing submit's edx-submission rolled back with its transaction: one kept per learner.
    kept = database.sql("SELECT COUNT(*), COUNT(DISTINCT i.student_id) FROM submissions_submission s "
                        "JOIN submissions_studentitem i ON i.id = s.student_item_id "
                        f"WHERE i.item_id = '{usage}'", "demo").stdout.split()
    assert kept == [str(SUBMITTERS), str(SUBMITTERS)], kept
    staff_grading_race(server.url, usage, log)
    errors = server_errors(log)
    assert not errors, errors[:5]
