"""HTTP through the xblock-sdk workbench's Django stack (the local demo's own server code)."""
import json
import re

import pytest


@pytest.fixture
def scenario_url(client, workbench):
    """URL of the KTP-el role-play in the workbench, found on its index page."""
    index = client.get("/").content.decode("utf-8")
    assert "KTP-el" in index
    match = re.search(r'href="(/scenario/complaint_sim\.\d+/)"', index)
    assert match, "the workbench lists the role-play"
    return match.group(1)


def usage_of(page):
    """The usage id of the role-play on a rendered workbench page."""
    match = re.search(r"data-usage=['\"]([^'\"]+\.complaint_sim\.[^'\"]+)['\"]", page)
    assert match, "the page carries the block's usage id"
    return match.group(1)


def handler_url(page, name):
    """A handler URL of the block on a rendered workbench page."""
    return f"/handler/{usage_of(page)}/{name}/?student=asn_1"


def test_page_renders_the_block_with_its_assets(client, scenario_url):
    response = client.get(scenario_url + "?student=asn_1")
    page = response.content.decode("utf-8")
    assert response.status_code == 200
    assert "ComplaintSimBlock" in page and "csim-body" in page
    assert "KTP-el" in page


def test_play_over_http(client, scenario_url):
    page = client.get(scenario_url + "?student=asn_1").content.decode("utf-8")
    start = client.post(handler_url(page, "start"), json.dumps({"attempt": 1}), content_type="application/json")
    assert start.status_code == 200
    view = start.json()["state"]["view"]
    node = view["node"]
    first = client.post(handler_url(page, "choose"),
                        json.dumps({"node": node["id"], "step": 0, "choice": node["choices"][0]["id"]}),
                        content_type="application/json")
    assert first.status_code == 200 and first.json()["state"]["view"]["step"] == 1
    again = client.post(handler_url(page, "choose"),
                        json.dumps({"node": node["id"], "step": 0, "choice": node["choices"][0]["id"]}),
                        content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "STALE"
    garbage = client.post(handler_url(page, "choose"), "{", content_type="application/json")
    assert garbage.status_code == 400 and garbage.json()["error"]["code"] == "BAD_JSON"
    assert client.get(handler_url(page, "choose")).status_code == 405


def test_deleting_the_learners_state_gives_the_role_play_back_over_http(client, scenario_url):
    # What the LMS's "Delete learner's state" does to the learner's user state (its
    # StudentModule row), done to the workbench's own store: the next visit starts afresh.
    from workbench.models import XBlockState  # noqa: PLC0415

    page = client.get(scenario_url + "?student=asn_1").content.decode("utf-8")

    def post(name, body):
        return client.post(handler_url(page, name), json.dumps(body), content_type="application/json")

    state = post("start", {"attempt": 1}).json()["state"]
    while state["debrief"] is None:  # the last choice shown, to an ending (at the latest the step limit's)
        view = state["view"]
        node = view["node"]
        assert node["type"] in ("dialogue", "narration"), node
        if node["type"] == "dialogue":
            answer = post("choose", {"node": node["id"], "step": view["step"], "choice": node["choices"][-1]["id"]})
        else:
            answer = post("proceed", {"node": node["id"], "step": view["step"]})
        assert answer.status_code == 200, answer.content
        state = answer.json()["state"]
    assert state["attempts"]["used"] == 1
    mine = XBlockState.objects.filter(user_id="asn_1", scope_id=usage_of(page))
    assert mine.exists()
    mine.delete()
    state = post("state", {}).json()["state"]
    assert state["view"] is None and state["debrief"] is None and state["attempts"]["used"] == 0
    again = post("start", {"attempt": 1})
    assert again.status_code == 200 and again.json()["state"]["view"]["step"] == 0
    assert post("start", {"attempt": 1}).status_code == 409  # a double click: the usual refusal
