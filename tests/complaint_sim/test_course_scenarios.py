"""Every packaged scenario, played through the session handlers: each ending is reached,
and no good or fair ending can follow a breached critical (integrity) duty.

The search is breadth-first over the states a learner can be in (node, variables, the
critical duties breached so far), moving only with ``session.choose`` and
``session.submit_record``, so every path found is one a learner can really play.
"""
import copy
import datetime
import functools
from collections import deque
from pathlib import Path

import pytest
import yaml

from complaint_sim_xblock import session, workdays
from complaint_sim_xblock.scenario import compile_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "complaint_sim_xblock" / "scenarios"
FILES = sorted(p.name for p in SCENARIOS.glob("*.yaml"))
COURSE_ROLEPLAYS = 11  # six scenarios reviewed on 2026-12-01 plus five new ones (issue 10)
# Scenarios where integrity is at stake (a bribe, pungli, a colleague's or superior's misconduct):
# each marks at least one duty critical.
INTEGRITY = {"ktp_el_terlambat.yaml", "uang_pelicin.yaml", "penghubung_lapor.yaml", "atasan_pungli.yaml",
             "tindak_lanjut_hari_kelima.yaml"}


@functools.cache
def _parsed(name):
    """A packaged file's YAML, parsed once per run (libyaml where PyYAML has it: eight tests read
    each of the eleven files)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load((SCENARIOS / name).read_text(encoding="utf-8"), Loader=loader)


def load(name):
    """The raw YAML data (a copy a test may change) and the compiled scenario of a packaged file."""
    data = copy.deepcopy(_parsed(name))
    return data, compile_scenario(copy.deepcopy(data))


def critical_duties(data):
    """Ids of the duties the author marked ``critical: true``."""
    return frozenset(d["id"] for d in data["duties"] if d.get("critical"))


def _moves(scenario, run):
    """(label, next run) for every action the learner can take from ``run``."""
    node = scenario.node(run["node"])
    if node.type == "record":
        values = session._perfect_record(node.record)  # noqa: SLF001 - the record's content does not steer the graph
        yield "RECORD", None, session.submit_record(scenario, run, node.id, run["step"], values)
        return
    for choice in session.visible_choices(scenario, run):
        yield choice.id, choice, session.choose(scenario, run, node.id, run["step"], choice.id)


def explore(data, scenario):
    """Shortest path (list of (node, move)) to each ending, and to each ending after a critical breach."""
    critical = critical_duties(data)
    start = session.new_run(scenario, 1)
    queue = deque([(start, frozenset(), [])])
    seen = set()
    paths, after_breach = {}, {}
    while queue:
        run, breached, path = queue.popleft()
        key = (run["node"], tuple(sorted(run["vars"].items())), breached)
        if key in seen:
            continue
        seen.add(key)
        if run["ending"]:
            paths.setdefault(run["ending"], path)
            if breached:
                after_breach.setdefault(run["ending"], (path, breached))
            continue
        for label, choice, nxt in _moves(scenario, run):
            now = breached | (critical & set(choice.breaches)) if choice else breached
            queue.append((nxt, now, [*path, (run["node"], label)]))
    return paths, after_breach


@functools.cache
def explored(name):
    """``explore`` of a packaged file, searched once per run for the two tests that read it."""
    return explore(*load(name))


def test_the_course_ships_every_roleplay():
    assert len(FILES) == COURSE_ROLEPLAYS, FILES


@pytest.mark.parametrize("name", FILES)
def test_every_ending_is_reached_by_playing(name):
    _, scenario = load(name)
    paths, _ = explored(name)
    endings = {n.id for n in scenario.nodes.values() if n.type == "ending"}
    assert len(endings) >= 3, f"{name}: at least three endings"
    assert endings - set(paths) == set(), f"{name}: endings no learner can reach"
    qualities = {scenario.node(e).quality for e in endings}
    assert {"good", "poor"} <= qualities, f"{name}: a good and a poor ending"


@pytest.mark.parametrize("name", FILES)
def test_no_good_or_fair_ending_after_a_critical_breach(name):
    data, scenario = load(name)
    if name in INTEGRITY:
        assert critical_duties(data), f"{name}: at least one critical duty"
    _, after_breach = explored(name)
    leaks = {e: p for e, p in after_breach.items() if scenario.node(e).quality != "poor"}
    assert leaks == {}, f"{name}: a breached critical duty still reaches {leaks}"


@pytest.mark.parametrize("name", FILES)
def test_every_choice_has_feedback_and_every_duty_a_basis(name):
    data, scenario = load(name)
    for node in scenario.nodes.values():
        for choice in node.choices:
            assert choice.feedback.strip(), f"{name}: {node.id}.{choice.id} has no feedback"
    assert all(d["basis"] for d in data["duties"]), name
    assert any(n.type == "record" for n in scenario.nodes.values()), f"{name}: a record step"


@pytest.mark.parametrize("name", FILES)
def test_the_model_route_ends_well_and_meets_every_critical_duty(name):
    data, scenario = load(name)
    ending = scenario.model_route[-1][0]
    assert scenario.node(ending).quality == "good", name
    met = {d for node_id, choice_id in scenario.model_route if choice_id
           for d in scenario.node(node_id).choice(choice_id).fulfils}
    assert critical_duties(data) <= met, f"{name}: the model route skips a critical duty"


@pytest.mark.parametrize("name", FILES)
def test_every_record_deadline_is_a_date_in_working_days(name):
    """A course scenario with a record step has a story date (a working day), so the learner picks
    a date and the deadline counts hari kerja, skipping holidays and cuti bersama."""
    _, scenario = load(name)
    assert scenario.story_date is not None, f"{name}: no story_date"
    assert workdays.closed(scenario.story_date) is None, f"{name}: the story's date is not a working day"
    records = [entry for entry in session.model_run(scenario)["path"] if "record" in entry]
    assert records, f"{name}: the model route fills a record"
    for entry in records:
        expected = scenario.node(entry["node"]).record["deadline_days"]["expected"]
        due = datetime.date.fromisoformat(entry["record"]["deadline_date"])
        assert workdays.closed(due) is None, f"{name}: the right deadline falls on a closed day"
        assert workdays.working_days_between(scenario.story_date, due) == expected


@pytest.mark.parametrize("name", FILES)
def test_every_duty_cites_the_register(name):
    """Duty bases are register citations (a practice-based basis stays a note beside them), and a
    duty's Ombudsman category, where it has one, is a category of the register."""
    data, scenario = load(name)
    for duty in data["duties"]:
        assert isinstance(duty["basis"], list), f"{name}: {duty['id']} has a text basis"
        assert any("law" in c for c in duty["basis"]), f"{name}: {duty['id']} cites no regulation"
    categories = {d.get("maladministration") for d in scenario.duties} - {None}
    assert categories, f"{name}: no duty names its maladministration category"


@pytest.mark.parametrize("name", FILES)
def test_the_recommended_choice_is_not_always_first(name):
    """The file's order is the one authors see in the editor and reviewers read: it does not put
    the recommended choice first (issue 10). Learners get a per-attempt order of their own anyway."""
    _, scenario = load(name)
    positions = [[c.id for c in scenario.node(node_id).choices].index(choice_id)
                 for node_id, choice_id in scenario.model_route if scenario.node(node_id).type == "dialogue"]
    assert len(set(positions)) >= 2 and positions.count(0) <= len(positions) / 2, (name, positions)
