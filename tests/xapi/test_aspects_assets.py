"""The Tutor plugin renders (issue 11 item 6), and its dataset SQL runs on ClickHouse (chdb).

``tutor config save`` runs from ``.venv-tutor`` (``make tutor-deps``: Tutor, tutor-contrib-aspects
and our ``tutor-plugin/``) in a temporary TUTOR_ROOT. The datasets' SQL is taken from the
``assets.yaml`` Aspects renders for Superset with our ``superset-extra-assets`` patch, formatted
by sqlfmt as Aspects' ``create_assets.py`` does before the import, and runs on
chdb (an embedded ClickHouse) over a copy of Aspects' ``xapi_events_all_parsed`` filled with
statements our transformers made through the real ERB.
"""
import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from tangerang_xapi import constants as c
from tests.xapi.conftest import lms_event, lms_settings, pipeline, require

# Every test here needs the Tutor render (``tutor_env``: Tutor from .venv-tutor in child
# processes), the chdb ones for the dataset SQL it renders: all are integration tests.
pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
TUTOR = ROOT / ".venv-tutor" / "bin" / "tutor"
K = 3
SIM = "block-v1:Tangerang+PPM101+2026+type@complaint_sim+block@ktp"
REFLECTION = "block-v1:Tangerang+PPM101+2026+type@rubric_reflection+block@refleksi1"


@pytest.fixture(scope="module")
def tutor_env(tmp_path_factory):
    if not TUTOR.exists():
        if os.environ.get("CI"):
            pytest.fail("Tutor is not installed: `make tutor-deps` installs it")
        pytest.skip("Tutor is not installed: run `make tutor-deps`")
    root = tmp_path_factory.mktemp("tutor-root")
    env = {**os.environ, "TUTOR_ROOT": str(root), "TUTOR_PLUGINS_ROOT": str(root / "plugins")}
    for args in (["plugins", "enable", "aspects", "tangerang"],
                 ["config", "save", "--set", f"TANGERANG_K_ANONYMITY={K}"]):
        done = subprocess.run([str(TUTOR), *args], env=env, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
    [assets] = (root / "env" / "plugins" / "aspects").rglob("assets.yaml")
    docs = [doc for doc in yaml.safe_load_all(assets.read_text(encoding="utf-8")) if doc]
    # Aspects' create_assets.py reformats each dataset's SQL with sqlfmt (ClickHouse dialect)
    # before Superset imports it: the SQL that runs is that one.
    sql = {d["table_name"]: d["sql"] for d in docs if str(d.get("table_name", "")).startswith("tangerang_")}
    done = subprocess.run([str(TUTOR.parent / "python"), "-c", (
        "import json, sys; from sqlfmt.api import format_string; from sqlfmt.mode import Mode; "
        "print(json.dumps({k: format_string(v, mode=Mode(dialect_name='clickhouse')) "
        "for k, v in json.load(sys.stdin).items()}))")],
        input=json.dumps(sql), capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return {"root": root, "env": env, "docs": docs, "formatted_sql": json.loads(done.stdout)}


def test_tutor_renders_the_dockerfile_line_and_the_init_task(tutor_env):
    dockerfile = (tutor_env["root"] / "env" / "build" / "openedx" / "Dockerfile").read_text(encoding="utf-8")
    assert "$PIP_COMMAND install 'tangerang-complaint-xblocks==0.1.0'" in dockerfile
    python = TUTOR.parent / "python"
    done = subprocess.run([str(python), "-c", (
        "import tutor.plugins.v1; from tutor import hooks, plugins; hooks.Actions.CORE_READY.do(); "
        "plugins.load('tangerang'); "
        "print([t for t in hooks.Filters.CLI_DO_INIT_TASKS.iterate()])")],
        env=tutor_env["env"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "./manage.py lms migrate complaint_sim_xblock" in done.stdout
    assert "./manage.py lms migrate rubric_xblock" in done.stdout
    assert "./manage.py lms migrate tangerang_units" in done.stdout
    for service in ("lms", "cms"):
        settings = (tutor_env["root"] / "env" / "apps" / "openedx" / "settings" / service / "production.py")
        assert f"TANGERANG_K_ANONYMITY = {K}" in settings.read_text(encoding="utf-8")
    # An operator's own package source replaces the default.
    spec = "git+https://git.example.org/bkpsdm/xblocks.git@v0.1.0"
    done = subprocess.run([str(TUTOR), "config", "save", "--set", f"TANGERANG_PIP_SPEC={spec}"],
                          env=tutor_env["env"], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    dockerfile = (tutor_env["root"] / "env" / "build" / "openedx" / "Dockerfile").read_text(encoding="utf-8")
    assert f"$PIP_COMMAND install '{spec}'" in dockerfile and "tangerang-complaint-xblocks==" not in dockerfile


def test_assets_are_three_datasets_three_charts_and_a_dashboard(tutor_env):
    docs = tutor_env["docs"]
    datasets = {d["table_name"]: d for d in docs if str(d.get("table_name", "")).startswith("tangerang_")}
    assert set(datasets) == {"tangerang_roleplay_endings", "tangerang_roleplay_duties",
                             "tangerang_roleplay_competencies"}
    dataset_uuids = {d["uuid"] for d in datasets.values()}
    charts = [d for d in docs if d.get("dataset_uuid") in dataset_uuids]
    assert {d["viz_type"] for d in charts} == {"heatmap_v2", "echarts_timeseries_bar", "echarts_timeseries_line"}
    [dashboard] = [d for d in docs if d.get("slug") == "tangerang-pengaduan"]
    placed = {item["meta"]["uuid"] for item in dashboard["position"].values()
              if isinstance(item, dict) and item.get("type") == "CHART"}
    assert placed == {d["uuid"] for d in charts}
    for dataset in datasets.values():
        assert dataset["schema"] == "openedx"  # Aspects v4's ASPECTS_XAPI_DATABASE
        assert "FROM openedx.xapi_events_all_parsed" in dataset["sql"]
        assert f"HAVING uniqExact(actor_id) >= {K}" in dataset["sql"]
        columns = {column["column_name"] for column in dataset["columns"]}
        assert {"emission_time", "unit", "course_key"} <= columns


# -- the SQL on ClickHouse ----------------------------------------------------------------------

# unit → learners; with k = 3, "Kec. Cibodas" (2) and "no unit" (1) must be hidden.
UNITS = {"Kel. Sukasari": 4, "Kec. Ciledug": 3, "Kec. Cibodas": 2, "": 1}


def roleplay_events():
    """Endings (lane-a's payload shape) for every learner, a second attempt for one, and events
    the datasets must ignore (a choice, a reflection self assessment)."""
    start = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    events, user = [], 100
    for unit, learners in UNITS.items():
        for n in range(learners):
            user += 1
            good = n % 2 == 0
            payload = {"attempt": 1, "ending": "baik" if good else "buruk", "quality": "good" if good else "poor",
                       "points": 10 if good else 4, "max_points": 12, "critical_breaches": [] if good else ["imbalan"],
                       "scenario_version": "v1", "unit": unit,
                       "duties": {"sapa": "met", "imbalan": "met" if good else "breached",
                                  "rujuk": "met" if good else "missed"},
                       "competencies": {"empati": [3 if good else 1, 4], "integritas": [4 if good else 0, 4]}}
            events.append(lms_event(c.ROLEPLAY_ENDING, payload, user_id=user, username=f"u{user}", usage_key=SIM,
                                    time=start + timedelta(minutes=user)))
            events.append(lms_event(c.ROLEPLAY_CHOICE, {"attempt": 1, "step": 0, "node": "datang", "choice": "sapa",
                                                        "next": "tanya", "variables": {}},
                                    user_id=user, username=f"u{user}", usage_key=SIM,
                                    time=start + timedelta(minutes=user, seconds=-30)))
    # Learner 101 (Kel. Sukasari) tries again a week later and does well.
    events.append(lms_event(c.ROLEPLAY_ENDING, {
        "attempt": 2, "ending": "baik", "quality": "good", "points": 12, "max_points": 12, "critical_breaches": [],
        "scenario_version": "v1", "unit": "Kel. Sukasari",
        "duties": {"sapa": "met", "imbalan": "met", "rujuk": "met"},
        "competencies": {"empati": [4, 4], "integritas": [4, 4]}},
        user_id=101, username="u101", usage_key=SIM, time=start + timedelta(days=7)))
    events.append(lms_event(c.REFLECTION_SELF_ASSESSED, {"submission_uuid": "s1", "points_earned": 4,
                                                         "points_possible": 6, "rubric_version": "r1"},
                            user_id=101, username="u101", usage_key=REFLECTION, time=start))
    return events


@pytest.fixture
def clickhouse(erb, tutor_env):
    require("chdb")
    from chdb import session

    statements = [s for event in roleplay_events() for s in pipeline(lms_settings())(event)]
    db = session.Session()
    db.query("CREATE DATABASE IF NOT EXISTS openedx")
    # The columns of Aspects' xapi_events_all_parsed (aspects-dbt models/base) our SQL reads.
    db.query("""CREATE TABLE openedx.xapi_events_all_parsed (
        event_id UUID, verb_id String, actor_id String, object_id String, course_key String, org String,
        emission_time DateTime64(6), event String) ENGINE = Memory""")
    rows = []
    for s in statements:
        course_key = s["context"]["contextActivities"]["parent"][0]["id"].split("/course/")[1]
        rows.append(json.dumps({
            "event_id": s["id"], "verb_id": s["verb"]["id"], "actor_id": s["actor"]["account"]["name"],
            "object_id": s["object"]["id"], "course_key": course_key, "org": course_key.split(":")[1].split("+")[0],
            "emission_time": datetime.fromisoformat(s["timestamp"]).strftime("%Y-%m-%d %H:%M:%S.%f"),
            "event": json.dumps(s)}))
    db.query("INSERT INTO openedx.xapi_events_all_parsed FORMAT JSONEachRow\n" + "\n".join(rows))
    datasets = tutor_env["formatted_sql"]

    def query(table, outer):
        sql = f"SELECT * FROM ({datasets[table]}) AS dataset"
        result = db.query(outer.replace("DATASET", f"({sql})"), "JSON")
        return json.loads(result.bytes())["data"]

    yield query
    db.close()


def test_endings_dataset_hides_units_under_k(clickhouse):
    rows = clickhouse("tangerang_roleplay_endings", """
        SELECT unit, count() AS attempts, uniqExact(actor_id) AS learners, countIf(ending = 'baik') AS good,
               round(avg(score_scaled), 4) AS score, sum(critical_breaches) AS breaches
        FROM DATASET GROUP BY unit ORDER BY unit""")
    # Scores are the statements' scaled scores (4 decimals each), averaged.
    assert [(r["unit"], r["attempts"], r["learners"], r["good"], r["breaches"]) for r in rows] == [
        ("Kec. Ciledug", 3, 3, 2, 1), ("Kel. Sukasari", 5, 4, 3, 2)]
    assert [r["score"] for r in rows] == [pytest.approx((10 + 4 + 10) / 36, abs=2e-4),
                                         pytest.approx((10 + 4 + 10 + 4 + 12) / 60, abs=2e-4)]


def test_duty_heatmap_dataset(clickhouse):
    rows = clickhouse("tangerang_roleplay_duties", """
        SELECT unit, duty_id, round(avg(met), 4) AS share_met, sum(breached) AS breached, sum(missed) AS missed
        FROM DATASET GROUP BY unit, duty_id ORDER BY unit, duty_id""")
    assert [(r["unit"], r["duty_id"], r["share_met"], r["breached"], r["missed"]) for r in rows] == [
        ("Kec. Ciledug", "imbalan", round(2 / 3, 4), 1, 0),
        ("Kec. Ciledug", "rujuk", round(2 / 3, 4), 0, 1),
        ("Kec. Ciledug", "sapa", 1, 0, 0),
        ("Kel. Sukasari", "imbalan", 0.6, 2, 0),
        ("Kel. Sukasari", "rujuk", 0.6, 0, 2),
        ("Kel. Sukasari", "sapa", 1, 0, 0),
    ]


def test_competency_trend_dataset(clickhouse):
    rows = clickhouse("tangerang_roleplay_competencies", """
        SELECT toStartOfWeek(emission_time, 1) AS week, competency_id, sum(earned) AS earned, sum(possible) AS possible
        FROM DATASET GROUP BY week, competency_id ORDER BY week, competency_id""")
    assert [(r["week"][:10], r["competency_id"], r["earned"], r["possible"]) for r in rows] == [
        ("2026-11-02", "empati", 3 + 1 + 3 + 1 + 3 + 1 + 3, 28),
        ("2026-11-02", "integritas", 4 + 0 + 4 + 0 + 4 + 0 + 4, 28),
        ("2026-11-09", "empati", 4, 4),
        ("2026-11-09", "integritas", 4, 4),
    ]
