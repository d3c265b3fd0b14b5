"""The course's KTP-el role-play played over HTTP in the workbench (the demo's own server code),
its published events turned into statements by the real ERB (issue 11 item 5)."""
import json
import re

import pytest

from tangerang_xapi import constants as c
from tests.xapi.conftest import LMS_ROOT, external_id, lms_event, lms_settings, pipeline

USAGE = "block-v1:Tangerang+PPM101+2026+type@complaint_sim+block@ktp"
SUMMARY = "Pak Darto Wibisono, NIK 3671012345678901, KTP-el belum jadi sejak Maret"


@pytest.fixture
def published(monkeypatch):
    """What the workbench runtime's ``publish`` receives (it only logs it)."""
    from workbench.runtime import WorkbenchRuntime

    seen = []
    original = WorkbenchRuntime.publish

    def publish(self, block, event_type, event_data):
        seen.append(lms_event(event_type, json.loads(json.dumps(event_data)), user_id=55, username="asn_1",
                              usage_key=USAGE))
        return original(self, block, event_type, event_data)

    monkeypatch.setattr(WorkbenchRuntime, "publish", publish)
    return seen


def model_choices():
    """``{node: choice}`` of the KTP-el scenario's model route (the workbench's first role-play)."""
    from complaint_sim_xblock.block import DEFAULT_SCENARIO_FILE, compile_scenario, packaged_scenario

    scenario = compile_scenario(packaged_scenario(DEFAULT_SCENARIO_FILE))
    return {node: choice for node, choice in scenario.model_route if choice}


def play_to_an_ending(client, workbench):
    model = model_choices()
    index = client.get("/").content.decode("utf-8")
    url = re.search(r'href="(/scenario/complaint_sim\.\d+/)"', index).group(1)
    page = client.get(url + "?student=asn_1").content.decode("utf-8")
    usage = re.search(r"data-usage=['\"]([^'\"]+\.complaint_sim\.[^'\"]+)['\"]", page).group(1)

    def post(name, body):
        response = client.post(f"/handler/{usage}/{name}/?student=asn_1", json.dumps(body),
                               content_type="application/json")
        assert response.status_code == 200, response.content
        return response.json()["state"]["view"]

    view = post("start", {"attempt": 1})
    for _turn in range(80):
        node = view["node"]
        if view["finished"] or node is None:
            return
        step = view["step"]
        if node["type"] == "dialogue":
            choice = model.get(node["id"], node["choices"][0]["id"])
            view = post("choose", {"node": node["id"], "step": step, "choice": choice})
        elif node["type"] == "narration":
            view = post("proceed", {"node": node["id"], "step": step})
        else:
            fields = {key: spec["options"][0] for key, spec in node["record"].items() if "options" in spec}
            deadline = node["record"].get("deadline")
            fields.update({"deadline_date": deadline["story_date"]} if deadline else {"deadline_days": 3})
            view = post("record", {"node": node["id"], "step": step, "record": {**fields, "summary": SUMMARY}})
    pytest.fail("no ending in 80 turns")


def test_a_workbench_run_becomes_statements_without_the_record_text(client, workbench, published, erb):
    play_to_an_ending(client, workbench)
    names = [event["name"] for event in published]
    assert names[0] == c.ROLEPLAY_STARTED and c.ROLEPLAY_ENDING in names and c.ROLEPLAY_RECORD in names
    statements = [s for event in published for s in pipeline(lms_settings())(event)]
    expected = [name for name in names if name in c.EVENT_VERBS]
    assert [s["verb"]["id"] for s in statements] == [c.EVENT_VERBS[name] for name in expected]
    for statement in statements:
        assert statement["actor"]["account"] == {"homePage": LMS_ROOT, "name": external_id(55)}
        assert statement["object"]["id"] == f"{LMS_ROOT}/xblock/{USAGE}"
        assert statement["context"]["contextActivities"]["parent"][0]["objectType"] == "Activity"
    assert len({s["id"] for s in statements}) == len(statements)
    ending = next(e["data"] for e in published if e["name"] == c.ROLEPLAY_ENDING)
    scored = statements[-1]
    assert scored["result"]["extensions"][c.EXT_ENDING] == ending["ending"]
    assert scored["result"]["score"]["raw"] == ending["points"]
    record = next(s for s in statements if s["verb"]["id"] == c.VERB_SUBMIT)
    assert set(record["result"]["extensions"][c.EXT_RECORD_FIELDS]) >= {"summary", "category"}
    dumped = json.dumps(statements)
    for text in ("Darto", "3671012345678901", "Maret", "asn_1"):
        assert text not in dumped, text
