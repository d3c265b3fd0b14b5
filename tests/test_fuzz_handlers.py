"""Property-based fuzzing of every handler of both blocks with hypothesis (issue 14, item 8).

Bodies are drawn from JSON values shaped like each handler's request (its own keys with any
JSON value, plus arbitrary keys and raw bytes), posted through the real XBlock dispatch as a
learner, as course staff and anonymously: the answer is never a 5xx, and every refusal has the
one error shape with a stable UPPER_CASE code. Seeded: ``HYPOTHESIS_SEED`` (printed) chooses
the run; the default seed makes every run the same.
"""
import json
import os
import re

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from webob import Request

from complaint_sim_xblock.block import ComplaintSimBlock
from tests.conftest import LmsUserService
from tests.rubric.rubric_support import Course

SEED = int(os.environ.get("HYPOTHESIS_SEED", "20261201"))
print(f"hypothesis seed: {SEED} (set HYPOTHESIS_SEED to change)")
CODE = re.compile(r"^[A-Z][A-Z_]*$")

ROLEPLAY = {
    "state": [], "start": ["attempt"], "choose": ["node", "step", "choice"],
    "record": ["node", "step", "record"],
    "editor_load": [], "editor_validate": ["scenario"], "editor_save": ["scenario", "settings"],
    "editor_playtest": ["scenario", "action", "run", "choice", "record"], "editor_import_twee": ["text"],
    "editor_import_text": ["text"], "editor_export": ["scenario", "format"],
    "analytics": ["version", "unit", "from", "to"], "roster_upload": ["csv"], "roster_info": [],
}
REFLECTION = {
    "learner_state": [], "save_draft": ["text"], "submit": ["text", "confirm", "personal_data_ok"],
    "self_assess": ["selections", "comments", "overall_comment", "rubric_version"],
    "staff_queue": ["filter", "offset"], "staff_submission": ["submission_uuid", "reveal"],
    "staff_grade": ["submission_uuid", "selections", "comments", "overall_comment", "expected_version",
                    "rubric_version"],
    "release_grades": ["confirm"], "export_csv": [], "analytics": ["unit", "from", "to"],
    "roster_upload": ["csv"], "roster_info": [],
    "editor_validate": ["reflection"], "editor_save": ["reflection"],
}
IDS = ["datang", "tanya", "rekam", "tutup", "sapa", "ketus", "catat", "usir", "nomor", "empati", "baik", ""]

scalars = (st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True)
           | st.text(max_size=40) | st.sampled_from(IDS) | st.just("\ud800"))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=10) | st.sampled_from(IDS), inner, max_size=4),
                      max_leaves=12)


def bodies(keys):
    """Request bodies for a handler with these keys: mostly its own keys, any JSON values."""
    shaped = st.fixed_dictionaries({}, optional={key: values for key in keys})
    extra = st.dictionaries(st.text(max_size=8), values, max_size=3)
    as_json = st.tuples(shaped, extra).map(lambda pair: json.dumps({**pair[1], **pair[0]}).encode("utf-8",
                                                                                                "surrogatepass"))
    return as_json | st.binary(max_size=60) | values.map(lambda v: json.dumps(v).encode("utf-8", "surrogatepass"))


def check(block, handler, raw):
    request = Request.blank("/", method="POST", body=raw, content_type="application/json")
    response = block.runtime.handle(block, handler, request)
    assert response.status_code < 500, (handler, raw[:200], response.body[:300])
    if response.status_code >= 400:
        body = json.loads(response.body.decode("utf-8"))
        assert CODE.match(body["error"]["code"]) and isinstance(body["error"]["message"], str), body


FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "15")), deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.parametrize("handler", sorted(ROLEPLAY))
@pytest.mark.parametrize("who", ["learner", "staff", "anonymous"])
def test_roleplay_handlers_never_answer_5xx(make_block, mini_data, handler, who):
    users = {"learner": LmsUserService("asn_fuzz"), "staff": LmsUserService("author", staff=True),
             "anonymous": LmsUserService("anon", authenticated=False)}
    block = make_block(ComplaintSimBlock, user=users[who], block_type="complaint_sim")
    block.set_scenario(mini_data)
    block.save()
    check(block, "start", b'{"attempt": 1}')  # some handlers only have something to refuse mid-run

    @seed(SEED)
    @FUZZ
    @given(raw=bodies(ROLEPLAY[handler]))
    def run(raw):
        check(block, handler, raw)

    run()


@pytest.mark.parametrize("handler", sorted(REFLECTION))
@pytest.mark.parametrize("who", ["learner", "staff"])
def test_reflection_handlers_never_answer_5xx(db, handler, who):
    course = Course()
    learner = course.block("budi")
    check(learner, "submit", json.dumps({"text": "Saya menyapa warga dan mencatat pengaduannya dengan lengkap.",
                                         "confirm": True}).encode())
    block = course.block("staff_1", staff=True) if who == "staff" else course.block("budi")

    @seed(SEED)
    @FUZZ
    @given(raw=bodies(REFLECTION[handler]))
    def run(raw):
        check(block, handler, raw)
        block.save()

    run()
