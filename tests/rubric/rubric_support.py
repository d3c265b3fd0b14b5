"""Helpers for the reflection tests: an LMS-shaped runtime per user over one shared store.

Each user gets a runtime whose ``user`` service carries the LMS's ``edx-platform.*``
attributes, whose ``user_state`` service answers like the LMS's, and which records every
``publish``. The usage id is a real opaque key, so ``item_id``/``course_id`` have the
LMS's shape.
"""
import json
from pathlib import Path

from opaque_keys.edx.keys import UsageKey
from webob import Request
from xblock.fields import ScopeIds
from xblock.reference.user_service import UserService, XBlockUser
from xblock.runtime import DictKeyValueStore, KvsFieldData
from xblock.test.tools import TestRuntime

from rubric_xblock.block import RubricReflectionBlock

SCENARIO = Path(__file__).resolve().parents[2] / "rubric_xblock" / "scenarios" / "refleksi_ktp_el.xml"
USAGE = "block-v1:Tangerang+PPM101+2026+type@rubric_reflection+block@refleksi1"
OTHER_USAGE = "block-v1:Tangerang+PPM101+2026+type@rubric_reflection+block@refleksi2"
SIM_USAGE = "block-v1:Tangerang+PPM101+2026+type@complaint_sim+block@ktp"

RUBRIC = {"criteria": [
    {"id": "empati", "label": "Empati", "description": "", "levels": [
        {"id": "belum", "label": "Belum", "description": "", "points": 0},
        {"id": "cukup", "label": "Cukup", "description": "", "points": 2},
        {"id": "baik", "label": "Baik", "description": "", "points": 4},
    ]},
    {"id": "integritas", "label": "Integritas", "description": "", "levels": [
        {"id": "belum", "label": "Belum", "description": "", "points": 0},
        {"id": "baik", "label": "Baik", "description": "", "points": 2},
    ]},
    {"id": "catatan", "label": "Catatan pelatih", "description": "", "levels": []},
]}

GOOD_TEXT = "Saya menyapa Pak Darto, menolak uang rokok, lalu merujuk ke Disdukcapil dan mencatat pengaduannya."


def anonymous_id(username):
    """The anonymous id the fake LMS gives ``username``."""
    return f"anon-{username}"


class LmsUser(UserService):
    """The LMS's user service attributes for one user (anonymous when ``username`` is None)."""

    def __init__(self, username, staff=False):
        user = XBlockUser(is_current_user=True, full_name=username or "")
        if username:
            user.opt_attrs.update({
                "edx-platform.user_id": sum(map(ord, username)),
                "edx-platform.username": username,
                "edx-platform.anonymous_user_id": anonymous_id(username),
                "edx-platform.is_authenticated": True,
                "edx-platform.user_is_staff": staff,
                "edx-platform.user_role": "staff" if staff else "student",
            })
        super().__init__(user=user)

    def get_current_user(self):
        """The user this service was made for."""
        return self._user


class LmsUserState:
    """``user_state`` as the LMS offers it: ``get_state_as_dict(username, block_id)``."""

    def __init__(self, states):
        self.states = states
        self.calls = []

    def get_state_as_dict(self, username_or_email, block_id):
        """The stored state for (user, block) or ``{}``."""
        self.calls.append((username_or_email, str(block_id)))
        return self.states.get((username_or_email, str(block_id)), {})


class RecordingRuntime(TestRuntime):
    """A test runtime that keeps what blocks publish."""

    def __init__(self, services):
        self.published = []
        super().__init__(services=services)

    def publish(self, block, event_type, event_data):
        self.published.append((event_type, event_data))

    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):
        return f"/handler/{handler_name}"

    def local_resource_url(self, block, uri):
        return f"/resource/{uri}"

    def events(self, event_type):
        """Payloads published as ``event_type``."""
        return [data for name, data in self.published if name == event_type]


class Course:
    """One block (one usage key) seen by several users over one shared store."""

    def __init__(self, usage=USAGE, **fields):
        self.kvs = DictKeyValueStore()
        self.usage = UsageKey.from_string(usage)
        self.sim_states = {}
        author = self.block(None)
        for name, value in {"rubric": RUBRIC, "min_words": 5, "max_words": 200, **fields}.items():
            setattr(author, name, value)
        author.save()

    def block(self, username, staff=False, user_state=True):
        """The block as ``username`` sees it (a fresh runtime, like a new request)."""
        services = {"field-data": KvsFieldData(self.kvs), "user": LmsUser(username, staff)}
        if user_state:
            services["user_state"] = LmsUserState(self.sim_states)
        runtime = RecordingRuntime(services)
        keys = ScopeIds(username, "rubric_reflection", self.usage, self.usage)
        return runtime.construct_xblock_from_class(RubricReflectionBlock, keys)


def call(block, handler, payload=None, raw=None, method="POST"):
    """Dispatch a request to ``handler`` the way the LMS does; returns (status, json body)."""
    body = raw if raw is not None else json.dumps(payload if payload is not None else {}).encode("utf-8")
    request = Request.blank("/", method=method, body=body, content_type="application/json")
    response = block.handle(handler, request)
    block.save()
    return response.status_code, json.loads(response.body.decode("utf-8"))


def error_code(result):
    """The stable error code of a (status, body) result."""
    return result[1]["error"]["code"]


FULL_MARKS = {"empati": "baik", "integritas": "baik"}
