"""HTTP through the workbench's Django stack: the demo scenario page and handler URLs."""
import gzip
import json

import pytest
from django.test import Client
from django.utils import translation
from workbench.models import XBlockState
from workbench.runtime_util import reset_global_state
from workbench.scenarios import get_scenarios

from rubric_xblock.models import Reflection

# Every workbench scenario loaded per test, over its URLs and views: the integration layer.
pytestmark = [pytest.mark.django_db, pytest.mark.integration]
SCENARIO_ID = "rubric_reflection.0"
TEXT = " ".join(["Saya menyapa warga dengan hormat dan menolak uang rokok secara sopan."] * 8)
FULL = {"empati": "baik", "integritas": "sangat-baik", "prosedur": "baik", "dokumentasi": "sebagian"}


@pytest.fixture
def client():
    """A test client over freshly loaded scenarios (their content lives in the test DB)."""
    reset_global_state()
    return Client()


def usage_id():
    """The usage id of the demo reflection block in the workbench."""
    vertical = get_scenarios()[SCENARIO_ID].usage_id
    return vertical.replace(".vertical_demo.", ".rubric_reflection.")


def post(client, handler, payload, student="budi", raw=None):
    """POST JSON to a handler URL as ``student``; returns (status, json)."""
    url = f"/handler/{usage_id()}/{handler}/?student={student}"
    response = client.post(url, raw if raw is not None else json.dumps(payload), content_type="application/json")
    return response.status_code, json.loads(response.content)


def test_scenario_page_renders_in_indonesian(client):
    with translation.override("id"):
        response = client.get(f"/scenario/{SCENARIO_ID}/?student=budi")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Refleksi: menangani pengaduan KTP-el yang terlambat" in html
    assert "Empati dan meredakan emosi" in html and "uang rokok" in html
    assert "RubricReflectionBlock" in html and "Rubrik" in html
    assert "Simpan penilaian diri saya" in html  # a browser string, translated from text.mo
    assert 'class="rr-staff"' not in html


def test_staff_page_has_the_grading_panel(client):
    html = client.get(f"/scenario/{SCENARIO_ID}/?student=staff1").content.decode()
    assert 'class="rr-staff"' in html


def test_full_flow_over_http(client):
    assert post(client, "save_draft", {"text": "draf"})[0] == 200
    status, body = post(client, "submit", {"text": TEXT, "confirm": True})
    assert status == 200 and body["state"]["step"] == "self"
    assert post(client, "submit", {"text": TEXT, "confirm": True})[0] == 409
    assert post(client, "self_assess", {"selections": FULL})[1]["state"]["step"] == "waiting"
    assert post(client, "staff_queue", {})[0] == 403
    queue = post(client, "staff_queue", {"filter": "all"}, student="staff1")[1]
    assert queue["counts"]["all"] == 1 and queue["items"][0]["username"] == "budi"
    uuid = queue["items"][0]["submission_uuid"]
    status, body = post(client, "staff_grade", {"submission_uuid": uuid, "selections": FULL,
                                                "comments": {"perbaikan": "Catat tenggat."},
                                                "expected_version": 0}, student="staff1")
    assert status == 200 and body["submission"]["staff_assessment"]["points_earned"] == 8
    state = post(client, "learner_state", {})[1]["state"]
    assert state["step"] == "done" and state["result"]["points_possible"] == 12
    assert post(client, "learner_state", {}, raw="{oops")[1]["error"]["code"] == "BAD_JSON"
    assert Reflection.objects.get().item_id == usage_id()


def test_get_on_a_handler_is_405(client):
    response = client.get(f"/handler/{usage_id()}/learner_state/?student=budi")
    assert response.status_code == 405


def test_linked_role_play_run_comes_from_the_workbench_store(client):
    sim_usage = "role-play-ktp-el-yang-tak-kunjung-jadi.complaint_sim.d0.u0"
    history = [{"attempt": 1, "ending": "tutup", "ending_title": "Pengaduan tertangani", "quality": "good",
                "points": 12, "max_points": 15, "competencies": {}, "duties": {}, "path": []}]
    XBlockState.objects.create(scope="usage", scope_id=sim_usage, user_id="budi",
                               scenario=sim_usage.split(".", maxsplit=1)[0], tag="complaint_sim",
                               state=json.dumps({"history": history}))
    state = post(client, "learner_state", {})[1]["state"]
    assert state["simulation"]["ending_title"] == "Pengaduan tertangani"
    assert post(client, "learner_state", {}, student="sari")[1]["state"]["simulation"] is None


def test_learner_page_assets_are_small():
    from importlib import resources
    package = resources.files("rubric_xblock")
    assets = b"".join((package / path).read_bytes() for path in (
        "public/rubric_reflection.js", "public/rubric_reflection.css", "templates/student_view.html"))
    assets += resources.files("xblock_json_contract").joinpath("public/client.js").read_bytes()
    size = len(gzip.compress(assets))
    assert size < 15_000, size  # half of the 30 KB shared with the role-play


def test_linked_run_is_the_counted_one_read_through_the_real_runtime(client, caplog):
    # A 12/15 run, then a 0/15 retry: the role-play (default policy "best") counts the first,
    # and the reflection, loading the role-play block through the workbench runtime, shows it.
    sim_usage = "role-play-ktp-el-yang-tak-kunjung-jadi.complaint_sim.d0.u0"
    history = [{"attempt": 1, "ending_title": "Pengaduan tertangani", "points": 12, "max_points": 15},
               {"attempt": 2, "ending_title": "Warga pergi kecewa", "points": 0, "max_points": 15}]
    XBlockState.objects.create(scope="usage", scope_id=sim_usage, user_id="budi",
                               scenario=sim_usage.split(".", maxsplit=1)[0], tag="complaint_sim",
                               state=json.dumps({"history": history}))
    caplog.set_level("INFO", logger="rubric_xblock.block")
    sim = post(client, "learner_state", {})[1]["state"]["simulation"]
    assert (sim["attempt"], sim["attempts"], sim["counted_by"], sim["ending_title"]) == (
        1, 2, "best", "Pengaduan tertangani")
    assert not [r for r in caplog.records if "Could not load the linked role-play" in r.getMessage()]
