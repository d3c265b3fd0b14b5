"""The blocks' real tracking events through the real ERB into xAPI statements (issue 11 item 5).

Events come from the real blocks' handlers on the LMS-shaped test runtime, wrapped as the LMS's
``server_track`` does, and go through the processors ERB's own config builds (allowlist, then
``XApiProcessor`` with our registered transformers). Each statement's shape is checked against
the rules of OPENEDX.md Part 2 A.4.
"""
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from complaint_sim_xblock.block import ComplaintSimBlock
from tangerang_xapi import constants as c
from tests.complaint_sim.test_block import BEST_ROUTE, GOOD_RECORD, play
from tests.xapi.conftest import COURSE, LMS_ROOT, external_id, lms_event, lms_settings, track

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rubric"))
from rubric_support import GOOD_TEXT, Course, LmsUser, anonymous_id, call  # noqa: E402

SIM_USAGE = "block-v1:Tangerang+PPM101+2026+type@complaint_sim+block@ktp"
REFLECTION_USAGE = "block-v1:Tangerang+PPM101+2026+type@rubric_reflection+block@refleksi1"
LEARNER_ID, STAFF_ID = 1041, 7

pytestmark = pytest.mark.django_db


def erb_verbs():
    from event_routing_backends.processors.xapi import constants as erb

    return {value for name, value in vars(erb).items() if name.startswith("XAPI_VERB_")}


@pytest.fixture
def roleplay_events(make_block, mini_data, erb):
    block = make_block(ComplaintSimBlock, block_type="complaint_sim")
    block.set_scenario(mini_data)
    block.save()
    sink = []
    track(block.runtime, sink, user_id=LEARNER_ID, username="budi", usage_key=SIM_USAGE)
    play(block, BEST_ROUTE)
    return sink


@pytest.fixture
def reflection_events(db, erb, monkeypatch):
    # The LMS's user service finds a learner by anonymous id (it returns the Django user).
    users = {anonymous_id("budi"): LEARNER_ID}
    monkeypatch.setattr(LmsUser, "get_user_by_anonymous_id",
                        lambda self, uid: type("User", (), {"id": users[uid]})(), raising=False)
    course = Course(usage=REFLECTION_USAGE)
    sink = []
    learner = course.block("budi")
    track(learner.runtime, sink, user_id=LEARNER_ID, username="budi", usage_key=REFLECTION_USAGE)
    assert call(learner, "submit", {"text": GOOD_TEXT + " NIK 3671012345678901", "confirm": True,
                                    "personal_data_ok": True})[0] == 200
    learner = course.block("budi")
    track(learner.runtime, sink, user_id=LEARNER_ID, username="budi", usage_key=REFLECTION_USAGE)
    assert call(learner, "self_assess", {"selections": {"empati": "baik", "integritas": "baik"},
                                         "comments": {"catatan": "Saya akan lebih cepat merujuk."}})[0] == 200
    staff = course.block("staff1", staff=True)
    track(staff.runtime, sink, user_id=STAFF_ID, username="staff1", usage_key=REFLECTION_USAGE)
    from rubric_xblock.models import Reflection

    uuid = Reflection.objects.get().submission_uuid
    status, body = call(staff, "staff_grade", {
        "submission_uuid": uuid, "selections": {"empati": "cukup", "integritas": "baik"},
        "comments": {"empati": "Sapa warga lebih dulu."}, "overall_comment": "Bagus.", "expected_version": 0})
    assert status == 200, body
    call(staff, "release_grades", {})
    return sink


def transform(events, order="erb-first"):
    from tests.xapi.conftest import pipeline

    run = pipeline(lms_settings(order))
    return [statement for event in events for statement in run(event)]


def check_common(statement, usage_key, actor_user_id):
    """The rules every statement of ours follows."""
    assert statement["actor"] == {"objectType": "Agent",
                                  "account": {"homePage": LMS_ROOT, "name": external_id(actor_user_id)}}
    assert statement["verb"]["id"] in c.VERB_DISPLAY and statement["verb"]["id"] not in erb_verbs()
    assert statement["object"]["id"] == f"{LMS_ROOT}/xblock/{usage_key}"
    context = statement["context"]
    assert context["contextActivities"]["parent"][0]["id"] == f"{LMS_ROOT}/course/{COURSE}"
    assert context["extensions"][c.EXT_SCHEMA_VERSION] == c.SCHEMA_VERSION
    assert statement["version"] == "1.0.3"


def check_unique(statements):
    keys = [(json.dumps(s["actor"], sort_keys=True), s["verb"]["id"], s["timestamp"]) for s in statements]
    assert len(set(keys)) == len(keys)
    assert len({s["id"] for s in statements}) == len(statements)


def test_roleplay_run_becomes_one_statement_per_decision(roleplay_events):
    names = [event["name"] for event in roleplay_events]
    statements = transform(roleplay_events)
    # Started, three choices, the record, the ending: one statement each (no `next` in this route).
    assert [s["verb"]["id"] for s in statements] == [
        c.VERB_START, c.VERB_SELECTED, c.VERB_SELECTED, c.VERB_SUBMIT, c.VERB_SELECTED, c.VERB_SCORED]
    assert len(statements) == len(names)
    for statement in statements:
        check_common(statement, SIM_USAGE, LEARNER_ID)
        assert statement["context"]["extensions"][c.EXT_ATTEMPT] == 1
    check_unique(statements)
    _started, first, *_rest = statements
    assert {json.dumps(s["object"], sort_keys=True) for s in statements} == {json.dumps(
        {"objectType": "Activity", "id": f"{LMS_ROOT}/xblock/{SIM_USAGE}",
         "definition": {"type": c.ACTIVITY_ROLEPLAY}}, sort_keys=True)}
    assert first["result"]["response"] == "sapa"
    assert first["result"]["extensions"][c.EXT_NODE] == "datang"
    assert first["result"]["extensions"][c.EXT_STEP] == 0
    assert first["result"]["extensions"][c.EXT_NEXT_NODE] == "tanya"
    record = statements[3]
    assert record["result"]["extensions"][c.EXT_RECORD_FIELDS]["summary"] is True
    assert record["result"]["score"]["scaled"] == 1.0 and record["result"]["success"] is True
    ending_event = roleplay_events[-1]["data"]
    ending = statements[-1]
    assert ending["result"]["score"] == {"raw": 12, "min": 0, "max": 12, "scaled": 1.0}
    result = ending["result"]["extensions"]
    assert result[c.EXT_ENDING] == "baik" and result[c.EXT_QUALITY] == ending_event["quality"]
    assert result[c.EXT_CRITICAL_BREACHES] == []
    # The ending's duties and competencies (ids and numbers) are copied as the block publishes them.
    assert result[c.EXT_DUTIES] == ending_event["duties"] and set(ending_event["duties"].values()) <= {
        "met", "missed", "breached"}
    assert result[c.EXT_COMPETENCIES] == {k: list(v) for k, v in ending_event["competencies"].items()}
    assert ending["context"]["extensions"][c.EXT_SCENARIO_VERSION] == ending_event["scenario_version"]
    assert c.EXT_UNIT not in ending["context"]["extensions"]  # "" (no unit) is left out
    dumped = json.dumps(statements)
    assert GOOD_RECORD["summary"] not in dumped and "Printer" not in dumped and "budi" not in dumped


def test_reflection_statements_name_the_learner_even_for_the_staff_grade(reflection_events):
    names = [event["name"] for event in reflection_events]
    assert "rubric_reflection.released" in names  # published, but not in our allowlist
    graded = next(e for e in reflection_events if e["name"] == c.REFLECTION_STAFF_GRADED)
    assert graded["context"]["user_id"] == STAFF_ID and graded["data"]["user_id"] == LEARNER_ID
    assert "unit" in graded["data"]
    statements = transform(reflection_events)
    assert [s["verb"]["id"] for s in statements] == [c.VERB_SUBMIT, c.VERB_SCORED, c.VERB_RECEIVE]
    for statement in statements:
        check_common(statement, REFLECTION_USAGE, LEARNER_ID)
        assert statement["object"]["definition"]["type"] == c.ACTIVITY_REFLECTION
        assert statement["context"]["extensions"][c.EXT_SUBMISSION] == graded["data"]["submission_uuid"]
    check_unique(statements)
    submitted, self_assessed, received = statements
    assert submitted["result"]["extensions"] == {c.EXT_WORDS: len(GOOD_TEXT.split()) + 2,
                                                 c.EXT_PERSONAL_DATA: ["nik"]}
    assert self_assessed["result"]["score"] == {"raw": 6, "min": 0, "max": 6, "scaled": 1.0}
    assert received["result"]["score"] == {"raw": 4, "min": 0, "max": 6, "scaled": 0.6667}
    assert received["result"]["extensions"][c.EXT_GRADER_ROLE] == "staff"
    dumped = json.dumps(statements)
    for text in ("Darto", "3671012345678901", "Sapa warga", "Bagus.", "merujuk", "staff1", "budi",
                 anonymous_id("staff1"), external_id(STAFF_ID)):
        assert text not in dumped, text


def test_a_staff_grade_without_the_learner_id_makes_no_statement(erb):
    event = lms_event(c.REFLECTION_STAFF_GRADED, {"submission_uuid": "u1", "grader_id": "anon-staff1",
                                                  "points_earned": 2, "points_possible": 6},
                      user_id=STAFF_ID, username="staff1", usage_key=REFLECTION_USAGE)
    from event_routing_backends.processors.xapi.registry import XApiTransformersRegistry

    with pytest.raises(ValueError, match="data.user_id"):
        XApiTransformersRegistry.get_transformer(event).transform()


def test_lane_a_ending_fields_and_unit(erb):
    payload = {"attempt": 2, "ending": "buruk", "quality": "poor", "points": 3, "max_points": 12,
               "critical_breaches": ["tolak_imbalan"], "scenario_version": "v3", "unit": "Kec. Ciledug",
               "duties": {"sapa": "met", "tolak_imbalan": "breached", "rujuk": "missed"},
               "competencies": {"empati": [2, 4], "integritas": [0, 4]}, "summary": "Pak Darto marah"}
    [statement] = transform([lms_event(c.ROLEPLAY_ENDING, payload, user_id=LEARNER_ID, username="budi",
                                       usage_key=SIM_USAGE)])
    check_common(statement, SIM_USAGE, LEARNER_ID)
    result, context = statement["result"]["extensions"], statement["context"]["extensions"]
    assert result[c.EXT_DUTIES] == payload["duties"] and result[c.EXT_COMPETENCIES] == payload["competencies"]
    assert result[c.EXT_CRITICAL_BREACHES] == ["tolak_imbalan"]
    assert context[c.EXT_UNIT] == "Kec. Ciledug" and context[c.EXT_SCENARIO_VERSION] == "v3"
    assert context[c.EXT_ATTEMPT] == 2
    assert statement["result"]["score"]["scaled"] == 0.25
    assert "Darto" not in json.dumps(statement)


def test_an_event_without_a_course_makes_no_statement(erb):
    event = lms_event(c.ROLEPLAY_STARTED, {"attempt": 1}, user_id=LEARNER_ID, username="budi",
                      usage_key=SIM_USAGE)
    del event["context"]["course_id"]
    from event_routing_backends.processors.xapi.registry import XApiTransformersRegistry

    with pytest.raises(ValueError, match="course_id"):
        XApiTransformersRegistry.get_transformer(event).transform()


@pytest.mark.parametrize("order", ["erb-first", "ours-first"])
def test_allowlist_holds_our_events_whatever_the_plugin_order(erb, order):
    namespace = lms_settings(order)
    allowed = namespace.EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS
    assert set(c.ALL_EVENTS) <= set(allowed) and "problem_check" in allowed
    assert len(allowed) == len(set(allowed))
    assert set(c.ALL_EVENTS) <= set(namespace.EVENT_BUS_TRACKING_LOGS)
    xapi = namespace.EVENT_TRACKING_BACKENDS["event_transformer"]["OPTIONS"]["backends"]["xapi"]
    assert set(c.ALL_EVENTS) <= set(xapi["OPTIONS"]["processors"][0]["OPTIONS"]["whitelist"])
    now = datetime.now(UTC)
    events = [lms_event(name, {"attempt": 1}, user_id=LEARNER_ID, username="budi", usage_key=SIM_USAGE,
                        time=now + timedelta(seconds=i))
              for i, name in enumerate([c.ROLEPLAY_STARTED, "edx.complaint_sim.next"])]
    statements = transform(events, order)
    assert [s["verb"]["id"] for s in statements] == [c.VERB_START]  # `next` is not allowed through


def test_verbs_are_distinct_from_aspects_and_iris_are_ours(erb):
    assert not set(c.EVENT_VERBS.values()) & erb_verbs()
    for name, value in vars(c).items():
        if name.startswith(("EXT_", "ACTIVITY_")):
            assert value.startswith(c.IRI_BASE + "/"), name


def test_without_erb_nothing_happens(monkeypatch):
    """Where ERB is not installed, plugin_settings leaves the settings alone and ready() registers
    nothing (the guard is ``apps.is_installed``)."""
    from types import SimpleNamespace

    from tangerang_xapi import settings as ours

    monkeypatch.setitem(sys.modules, "event_routing_backends.utils.settings", None)
    namespace = SimpleNamespace()
    ours.plugin_settings(namespace)
    assert vars(namespace) == {}
    from django.apps import apps

    from tangerang_xapi.apps import TangerangXapiConfig

    monkeypatch.setattr(apps, "is_installed", lambda name: False)
    monkeypatch.delitem(sys.modules, "tangerang_xapi.transformers", raising=False)
    monkeypatch.delattr(sys.modules["tangerang_xapi"], "transformers", raising=False)  # else `from .` finds it
    TangerangXapiConfig("tangerang_xapi", sys.modules["tangerang_xapi"]).ready()
    assert "tangerang_xapi.transformers" not in sys.modules


def test_an_erb_without_the_expected_api_costs_the_statements_not_the_start(monkeypatch, caplog):
    from django.apps import apps

    from tangerang_xapi.apps import TangerangXapiConfig

    monkeypatch.setattr(apps, "is_installed", lambda name: True)
    monkeypatch.delitem(sys.modules, "tangerang_xapi.transformers", raising=False)
    monkeypatch.delattr(sys.modules["tangerang_xapi"], "transformers", raising=False)  # else `from .` finds it
    monkeypatch.setitem(sys.modules, "event_routing_backends.processors.xapi.registry", None)
    TangerangXapiConfig("tangerang_xapi", sys.modules["tangerang_xapi"]).ready()
    assert "tangerang_xapi.transformers" not in sys.modules
    assert "cannot take our transformers" in caplog.text
