"""Fixtures for the xAPI tests: the real edx-event-routing-backends (ERB) from PyPI.

ERB is installed by ``make xapi-deps`` (``make test`` runs it). Outside CI a checkout without it
skips these tests with that hint; in CI (``CI=true``) a missing ERB is a failure.
"""
import importlib.util
import os
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

LMS_ROOT = "http://127.0.0.1:8000"
COURSE = "course-v1:Tangerang+PPM101+2026"


def require(module):
    """Skip (or fail in CI) when ``module`` is not installed."""
    if importlib.util.find_spec(module) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{module} is not installed: `make xapi-deps` installs it")
        pytest.skip(f"{module} is not installed: run `make xapi-deps`")


def external_id(user_id):
    """The stand-in for the platform's ExternalId (XAPI type) of an LMS user id."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"xapi-user-{user_id}"))


@pytest.fixture
def erb(settings, monkeypatch):
    """ERB configured as in an LMS, with the two helpers that read edx-platform's own models
    (ExternalId, CourseOverview) answered here; everything else is ERB's real code."""
    require("event_routing_backends")
    from event_routing_backends.processors.xapi import transformer

    settings.LMS_ROOT_URL = LMS_ROOT
    settings.XAPI_AGENT_IFI_TYPE = "external_id"
    settings.XAPI_EVENTS_ENABLED = True
    settings.XAPI_EVENT_LOGGING_ENABLED = False
    monkeypatch.setattr(transformer, "get_anonymous_user_id", lambda user, _kind: external_id(user))
    monkeypatch.setattr(transformer, "get_course_from_id", lambda course_id: {"display_name": "PPM101"})
    return SimpleNamespace(pipeline=pipeline)


def lms_settings(order="erb-first"):
    """A settings object after ERB's and our ``plugin_settings``, in either load order."""
    from event_routing_backends.settings import common as erb_common

    from tangerang_xapi import settings as ours

    namespace = SimpleNamespace(LMS_ROOT_URL=LMS_ROOT)
    steps = [erb_common.plugin_settings, ours.plugin_settings]
    for step in steps if order == "erb-first" else reversed(steps):
        step(namespace)
    return namespace


def _load(engine, options):
    module, _, name = engine.rpartition(".")
    return getattr(importlib.import_module(module), name)(**options)


def pipeline(namespace):
    """``event → [statement dicts]`` through the processors ERB's config puts on its xAPI backend
    (the name allowlist, then ERB's XApiProcessor); ``[]`` where the allowlist drops the event."""
    from eventtracking.processors.exceptions import EventEmissionExit

    outer = namespace.EVENT_TRACKING_BACKENDS["event_transformer"]["OPTIONS"]
    processors = [_load(p["ENGINE"], p["OPTIONS"]) for p in outer["processors"]]
    xapi = outer["backends"]["xapi"]["OPTIONS"]["processors"]
    processors += [_load(p["ENGINE"], p["OPTIONS"]) for p in xapi]

    def run(event):
        # The allowlists take one event; ERB's transformer processor takes a batch (a list).
        try:
            for processor in processors:
                event = processor([event] if hasattr(processor, "registry") else event)
        except EventEmissionExit:
            return []
        return event or []

    return run


def lms_event(name, payload, *, user_id, username, usage_key, course_id=COURSE, time=None):
    """A tracking event as the LMS hands it to ERB for ``runtime.publish`` in a handler: the
    payload under ``data``; ``context`` with the course, the acting user and ``module`` (the
    block being handled), as ``server_track`` inside the handler's tracking context adds them
    (the shape of ERB's own ``problem_check(server)`` fixture)."""
    return {
        "name": name,
        "timestamp": (time or datetime.now(UTC)).isoformat(),
        "data": payload,
        "context": {
            "course_id": course_id, "org_id": course_id.split(":")[1].split("+")[0],
            "user_id": user_id, "username": username, "event_source": "server", "page": "x_module",
            "session": "6ad0a24d8303f49d14409a669d430b6f", "course_user_tags": {}, "asides": {},
            "module": {"usage_key": usage_key, "display_name": "Refleksi"},
        },
    }


def track(runtime, sink, *, user_id, username, usage_key):
    """Make ``runtime.publish`` also emit each (non-grade) event as the LMS would, stamped at
    publish time, into ``sink``."""
    original = runtime.publish

    def publish(block, event_type, event_data):
        original(block, event_type, event_data)
        if event_type not in ("grade", "completion"):
            sink.append(lms_event(event_type, event_data, user_id=user_id, username=username,
                                  usage_key=usage_key))

    runtime.publish = publish
