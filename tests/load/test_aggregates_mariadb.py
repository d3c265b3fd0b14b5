"""Issue 11: concurrent endings on a real MariaDB lose no count.

Four processes (as four LMS workers) each play learners of the same block to an ending at the
same time; every ending adds to the same aggregate rows (attempts, endings, the start node's
choices). With a read-modify-write in Python some of those additions would be lost; the
upsert increments in the database, so the sums equal the endings exactly. Each worker also
repeats every final choice: those are 409s and add nothing.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.load_harness import MariaDB

ROOT = Path(__file__).resolve().parents[2]
WORKERS, LEARNERS = 4, 15


@pytest.fixture
def mariadb(tmp_path):
    server = MariaDB(tmp_path / "mariadb").start()
    yield server
    server.stop()


def test_concurrent_endings_lose_no_count(mariadb):
    env = {**os.environ, "DEMO_MYSQL_SOCKET": str(mariadb.socket),
           "DJANGO_SETTINGS_MODULE": "course_export.demo.settings"}
    subprocess.run([sys.executable, "-m", "course_export.demo.dbsetup"], cwd=ROOT, env=env,
                   check=True, timeout=300)
    workers = [subprocess.Popen([sys.executable, "-m", "tests.load.aggregate_worker", f"w{w}", str(LEARNERS)],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for w in range(WORKERS)]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert all(status == 409 for r in results for status in r["repeat_statuses"])

    def total(where):
        """The sum over the day rows, which the all-time rows must equal."""
        sums = []
        for days in ("day = '0001-01-01'", "day <> '0001-01-01'"):
            query = f"SELECT COALESCE(SUM(n), 0) FROM complaint_sim_xblock_roleplaycounter WHERE {where} AND {days}"
            sums.append(int(mariadb.sql(query, database="demo").stdout.strip()))
        assert sums[0] == sums[1], where
        return sums[1]

    endings = WORKERS * LEARNERS
    assert total("metric = 'attempts'") == endings
    assert total("metric = 'learners'") == endings
    assert total("metric = 'choice' AND item LIKE 'datang|%'") == endings
    assert total("metric = 'ending'") == endings
    # Routes cycle GOOD, FAIR, POOR: 5 of each per worker.
    assert total("metric = 'ending' AND item = 'baik'") == WORKERS * 5
    assert total("metric = 'duty' AND item = 'sapa|met'") == WORKERS * 10
    runs = int(mariadb.sql("SELECT COUNT(*) FROM complaint_sim_xblock_roleplayrun", database="demo").stdout.strip())
    assert runs == endings
    # The view's reads on MariaDB: the versions list (plain SQL with MIN/MAX subqueries) and the
    # counter rows (per unit only for the units table).
    read = ("import json, django; django.setup(); from complaint_sim_xblock import aggregates; "
            "from complaint_sim_xblock.models import RoleplayCounter as C; "
            "u = C.objects.values_list('usage_key', flat=True).first(); vs = aggregates.versions(u); "
            "rows = aggregates.summed(u, vs[0]['version']); "
            "print(json.dumps({'versions': vs, 'attempts': sum(r['n'] for r in rows if r['metric'] == 'attempts'), "
            "'choice_units': sorted({str(r['unit']) for r in rows if r['metric'] == 'choice'})}))")
    out = json.loads(subprocess.run([sys.executable, "-c", read], cwd=ROOT, env=env, check=True, timeout=120,
                                    capture_output=True, text=True).stdout.strip().splitlines()[-1])
    [version] = out["versions"]
    assert version["attempts"] == out["attempts"] == endings
    assert len(version["first_day"]) == 10 and version["first_day"] <= version["last_day"]
    assert out["choice_units"] == ["None"]
