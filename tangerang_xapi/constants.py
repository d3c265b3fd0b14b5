"""Event names, verbs, activity types and extension IRIs of our xAPI statements.

Pure data: imports neither Django nor ERB, so the Tutor plugin's dataset SQL, the tests and the
README can name the same IRIs.

Rules (docs: README "xAPI into Aspects"):
- verbs are none of those ERB's transformers use (Aspects' problem and video models key on
  those), checked by the tests against ``event_routing_backends.processors.xapi.constants``;
- every IRI of ours lives under :data:`IRI_BASE`, the city's domain, not ``w3id.org/xapi/openedx``;
- every statement carries :data:`EXT_SCHEMA_VERSION` so the dataset SQL can follow a payload change.
"""

IRI_BASE = "https://tangerangkota.go.id/xapi/pengaduan"
SCHEMA_VERSION = "1"

# Verbs (registered xAPI vocabularies: Activity Streams 1.0, ADL, TinCan registry).
VERB_START = "http://activitystrea.ms/schema/1.0/start"
VERB_SELECTED = "http://id.tincanapi.com/verb/selected"
VERB_SUBMIT = "http://activitystrea.ms/schema/1.0/submit"
VERB_SCORED = "http://adlnet.gov/expapi/verbs/scored"
# A staff grade: the learner is the actor, who *receives* the grade (never the grader).
VERB_RECEIVE = "http://activitystrea.ms/schema/1.0/receive"

VERB_DISPLAY = {
    VERB_START: "started",
    VERB_SELECTED: "selected",
    VERB_SUBMIT: "submitted",
    VERB_SCORED: "scored",
    VERB_RECEIVE: "received",
}

ACTIVITY_ROLEPLAY = f"{IRI_BASE}/activity/complaint-roleplay"
ACTIVITY_REFLECTION = f"{IRI_BASE}/activity/reflection"


def ext(name):
    """The IRI of our extension ``name``."""
    return f"{IRI_BASE}/extension/{name}"


EXT_SCHEMA_VERSION = ext("schema-version")
EXT_ATTEMPT = ext("attempt")
EXT_SCENARIO_VERSION = ext("scenario-version")
EXT_UNIT = ext("unit")
EXT_STEP = ext("step")
EXT_NODE = ext("node")
EXT_NEXT_NODE = ext("next-node")
EXT_VARIABLES = ext("variables")
EXT_RECORD_FIELDS = ext("record-fields")
EXT_ENDING = ext("ending")
EXT_QUALITY = ext("quality")
EXT_CRITICAL_BREACHES = ext("critical-breaches")
EXT_DUTIES = ext("duties")
EXT_COMPETENCIES = ext("competencies")
EXT_SUBMISSION = ext("submission-uuid")
EXT_WORDS = ext("words")
EXT_PERSONAL_DATA = ext("personal-data-kinds")
EXT_RUBRIC_VERSION = ext("rubric-version")
EXT_ASSESSMENT_VERSION = ext("assessment-version")
EXT_GRADER_ROLE = ext("grader-role")
EXT_RELEASED = ext("released")

# Tracking events (the names the blocks publish today) → the verb of their statement.
ROLEPLAY_STARTED = "edx.complaint_sim.attempt_started"
ROLEPLAY_CHOICE = "edx.complaint_sim.choice"
ROLEPLAY_RECORD = "edx.complaint_sim.record"
ROLEPLAY_ENDING = "edx.complaint_sim.ending"
REFLECTION_SUBMITTED = "rubric_reflection.submitted"
REFLECTION_SELF_ASSESSED = "rubric_reflection.self_assessed"
REFLECTION_STAFF_GRADED = "rubric_reflection.staff_graded"

EVENT_VERBS = {
    ROLEPLAY_STARTED: VERB_START,
    ROLEPLAY_CHOICE: VERB_SELECTED,
    ROLEPLAY_RECORD: VERB_SUBMIT,
    ROLEPLAY_ENDING: VERB_SCORED,
    REFLECTION_SUBMITTED: VERB_SUBMIT,
    REFLECTION_SELF_ASSESSED: VERB_SCORED,
    REFLECTION_STAFF_GRADED: VERB_RECEIVE,
}
# Added to ERB's EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS. Left out on purpose:
# ``edx.complaint_sim.next`` (a narration "Lanjut": no decision of the learner),
# ``rubric_reflection.released`` (a staff action over many learners: no one learner to be the
# actor), ``personal_data_revealed`` (a privacy audit of staff), and the peer and appeal events.
ALL_EVENTS = list(EVENT_VERBS)

# The only personal-data kinds the reflection's check reports (never the matched text).
PERSONAL_DATA_KINDS = ("nik", "phone")
