"""The five role-plays added in issue 10, played in Chromium at phone size (360×740) from the
course unit page to a good and to a poor ending, with a screenshot of every step
(artifacts/browser/) and an axe scan of every view.

Routes are found by playing the scenario through the session handlers (the search in
tests/complaint_sim/test_course_scenarios.py), so they follow the scenario file as it is.
"""
import uuid

import pytest
from sim_driver import Sim, load_scenario

from tests.complaint_sim.test_course_scenarios import SCENARIOS, explore, load

pytestmark = pytest.mark.browser
NEW_ROLEPLAYS = {  # scenario file -> course unit id (course.yaml)
    "warga_tuli.yaml": "unit-warga-tuli",
    "tindak_lanjut_hari_kelima.yaml": "unit-tindak-lanjut",
    "penghubung_lapor.yaml": "unit-penghubung",
    "warga_mengancam.yaml": "unit-mengancam",
    "atasan_pungli.yaml": "unit-atasan-pungli",
}


def right_record(data):
    """The record the author expects, typed as a learner would."""
    spec = next(n["record"] for n in data["nodes"] if n["type"] == "record")
    words = [group[0] for group in spec["summary"]["keywords"]]
    summary = " ".join(words + ["dicatat"] * max(0, spec["summary"]["min_words"] - len(" ".join(words).split())))
    return {"category": spec["category"]["expected"], "urgency": spec["urgency"]["expected"],
            "referral": spec["referral"]["expected"], "deadline_days": str(spec["deadline_days"]["expected"]),
            "summary": summary}


def route_to(name, quality):
    """A playable route to an ending of this quality, and the ending's id."""
    data, scenario = load(name)
    paths, _ = explore(data, scenario)
    if quality == "good":
        ending = scenario.model_route[-1][0]
    else:
        ending = min((e for e in paths if scenario.node(e).quality == quality), key=lambda e: len(paths[e]))
    return paths[ending] if quality != "good" else _model_path(scenario), ending


def _model_path(scenario):
    return [(node, "RECORD" if scenario.node(node).type == "record" else choice)
            for node, choice in scenario.model_route if scenario.node(node).type != "ending"]


@pytest.mark.parametrize("quality", ["good", "poor"])
@pytest.mark.parametrize("name", sorted(NEW_ROLEPLAYS))
def test_new_roleplay_plays_to_an_ending_on_a_phone(open_page, shot, scan, name, quality):
    route, ending = route_to(name, quality)
    page = open_page("mobile")
    sim = Sim(page, shot, scan, student=f"{quality}_{uuid.uuid4().hex[:8]}", path=f"/unit/{NEW_ROLEPLAYS[name]}/")
    sim.data, sim.nodes = load_scenario(SCENARIOS / name)
    sim.open().start()
    for node_id, choice_id in route:
        if choice_id == "RECORD":
            sim.fill_record(right_record(sim.data))
        else:
            sim.choose(node_id, choice_id)
    title, shown_quality = sim.debrief()
    assert sim.ending_title(ending) in title
    assert shown_quality == quality
    assert sim.root.evaluate("node => node.scrollWidth <= node.clientWidth + 1 "
                             "&& node.getBoundingClientRect().right <= window.innerWidth + 1")
