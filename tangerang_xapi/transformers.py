"""ERB transformers: one per tracking event of ``complaint_sim`` and ``rubric_reflection``.

Imported only by :meth:`tangerang_xapi.apps.TangerangXapiConfig.ready` where
``event_routing_backends`` is an installed app. Each transformer reads named payload members
with dotted paths (``data.node``: ERB's undotted ``get_data`` searches the whole event) and
copies only ids, enums, counts, booleans and scores into the statement: never a record field's
text, a reflection's text, a comment or a name. Every statement has the course as its parent
activity (ERB adds it from ``context.course_id``; an event without one raises and is dropped),
the block's IRI as its object, and our schema version in ``context.extensions``.
"""
from event_routing_backends.processors.xapi import constants as erb
from event_routing_backends.processors.xapi.registry import XApiTransformersRegistry
from event_routing_backends.processors.xapi.transformer import XApiTransformer
from tincan import (
    Activity,
    ActivityDefinition,
    Extensions,
    LanguageMap,
    Result,
    Score,
    Verb,
)

from . import constants as c


def _ids(value):
    """``value`` as a list of ids (strings), or [] when it is not a list of strings."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str)]


def _id_map(value, accept):
    """``{id: v}`` keeping only string keys whose value ``accept(v)`` allows."""
    if not isinstance(value, dict):
        return {}
    return {key: item for key, item in value.items() if isinstance(key, str) and accept(item)}


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_pair(value):
    return isinstance(value, list | tuple) and len(value) == 2 and all(isinstance(v, int | float) for v in value)


def _score(earned, possible):
    """An xAPI score from points (``None`` without a positive maximum)."""
    if not isinstance(earned, int | float) or not isinstance(possible, int | float) or possible <= 0:
        return None
    earned = max(0, min(earned, possible))
    return Score(raw=earned, min=0, max=possible, scaled=round(earned / possible, 4))


class BlockStatement(XApiTransformer):
    """A statement about one of our blocks, made by the learner."""

    activity_type = c.ACTIVITY_ROLEPLAY
    verb_iri = None

    def get_verb(self):
        """The verb of this event (never one of ERB's own, see ``constants``)."""
        return Verb(id=self.verb_iri, display=LanguageMap({erb.EN: c.VERB_DISPLAY[self.verb_iri]}))

    def get_object(self):
        """The block (its usage key, from the LMS's handler context ``context.module``)."""
        self.get_data("context.course_id", required=True)
        usage_key = self.get_data("context.module.usage_key", required=True)
        return Activity(id=self.get_object_iri("xblock", usage_key), definition=self.get_definition())

    def get_definition(self):
        return ActivityDefinition(type=self.activity_type)

    def our_context(self):
        """Our context extensions beside the schema version (ids only)."""
        return {}

    def get_context_extensions(self):
        extensions = super().get_context_extensions()
        extensions[c.EXT_SCHEMA_VERSION] = c.SCHEMA_VERSION
        for key, value in self.our_context().items():
            if value is not None and value != "":
                extensions[key] = value
        return extensions


class RoleplayStatement(BlockStatement):
    """A statement of one role-play attempt."""

    def our_context(self):
        attempt = self.get_data("data.attempt")
        version = self.get_data("data.scenario_version")
        unit = self.get_data("data.unit")
        return {c.EXT_ATTEMPT: attempt if _is_int(attempt) else None,
                c.EXT_SCENARIO_VERSION: version if isinstance(version, str) else None,
                c.EXT_UNIT: unit if isinstance(unit, str) else None}


@XApiTransformersRegistry.register(c.ROLEPLAY_STARTED)
class AttemptStartedTransformer(RoleplayStatement):
    """``edx.complaint_sim.attempt_started`` → *started* the role-play."""

    verb_iri = c.VERB_START


@XApiTransformersRegistry.register(c.ROLEPLAY_CHOICE)
class ChoiceTransformer(RoleplayStatement):
    """``edx.complaint_sim.choice`` → *selected* a choice.

    The response is the choice's id (authored, never typed by the learner). The object is the
    block, with the same definition as in every other role-play statement (an activity id has
    one definition in an LRS); the node is in ``result.extensions``.
    """

    verb_iri = c.VERB_SELECTED
    additional_fields = ("result",)

    def get_result(self):
        choice = self.get_data("data.choice")
        step = self.get_data("data.step")
        node, next_node = self.get_data("data.node"), self.get_data("data.next")
        return Result(response=choice if isinstance(choice, str) else None, extensions=Extensions({
            key: value for key, value in {
                c.EXT_NODE: node if isinstance(node, str) else None,
                c.EXT_STEP: step if _is_int(step) else None,
                c.EXT_NEXT_NODE: next_node if isinstance(next_node, str) else None,
                c.EXT_VARIABLES: _id_map(self.get_data("data.variables"), _is_int) or None,
            }.items() if value is not None}))


@XApiTransformersRegistry.register(c.ROLEPLAY_RECORD)
class RecordTransformer(RoleplayStatement):
    """``edx.complaint_sim.record`` → *submitted* the complaint record: which fields were right.

    Only the per-field true/false map; never a field's value (a summary can hold a citizen's
    name, NIK or address).
    """

    verb_iri = c.VERB_SUBMIT
    additional_fields = ("result",)

    def get_result(self):
        fields = _id_map(self.get_data("data.correct"), lambda v: isinstance(v, bool))
        node = self.get_data("data.node")
        extensions = {c.EXT_RECORD_FIELDS: fields}
        if isinstance(node, str):
            extensions[c.EXT_NODE] = node
        return Result(score=_score(sum(fields.values()), len(fields)),
                      success=all(fields.values()) if fields else None,
                      extensions=Extensions(extensions))


@XApiTransformersRegistry.register(c.ROLEPLAY_ENDING)
class EndingTransformer(RoleplayStatement):
    """``edx.complaint_sim.ending`` → *scored*: one statement per finished attempt.

    The ending, its quality, the capped points, the critical breaches, every duty's status and
    every competency's points travel in this one statement's ``result.extensions`` (not one
    statement per duty: those would share actor, verb and timestamp, hence their id).
    """

    verb_iri = c.VERB_SCORED
    additional_fields = ("result",)

    def get_result(self):
        ending, quality = self.get_data("data.ending"), self.get_data("data.quality")
        extensions = {
            c.EXT_ENDING: ending if isinstance(ending, str) else None,
            c.EXT_QUALITY: quality if isinstance(quality, str) else None,
            c.EXT_CRITICAL_BREACHES: _ids(self.get_data("data.critical_breaches")),
            c.EXT_DUTIES: _id_map(self.get_data("data.duties"), lambda v: isinstance(v, str)),
            c.EXT_COMPETENCIES: {key: list(value) for key, value in _id_map(
                self.get_data("data.competencies"), _is_pair).items()},
        }
        return Result(score=_score(self.get_data("data.points"), self.get_data("data.max_points")),
                      completion=True,
                      extensions=Extensions({k: v for k, v in extensions.items() if v is not None}))


class ReflectionStatement(BlockStatement):
    """A statement of one reflection submission."""

    activity_type = c.ACTIVITY_REFLECTION

    def our_context(self):
        submission = self.get_data("data.submission_uuid")
        unit = self.get_data("data.unit")
        return {c.EXT_SUBMISSION: submission if isinstance(submission, str) else None,
                c.EXT_UNIT: unit if isinstance(unit, str) else None}

    def points_result(self, **extensions):
        return Result(score=_score(self.get_data("data.points_earned"), self.get_data("data.points_possible")),
                      extensions=Extensions({k: v for k, v in extensions.items() if v is not None}))


@XApiTransformersRegistry.register(c.REFLECTION_SUBMITTED)
class ReflectionSubmittedTransformer(ReflectionStatement):
    """``rubric_reflection.submitted`` → *submitted*: the word count and which kinds of personal
    data the check found (``nik``, ``phone``), never the text."""

    verb_iri = c.VERB_SUBMIT
    additional_fields = ("result",)

    def get_result(self):
        words = self.get_data("data.words")
        kinds = [kind for kind in _ids(self.get_data("data.personal_data")) if kind in c.PERSONAL_DATA_KINDS]
        return Result(completion=True, extensions=Extensions({
            c.EXT_WORDS: words if _is_int(words) else 0, c.EXT_PERSONAL_DATA: kinds}))


@XApiTransformersRegistry.register(c.REFLECTION_SELF_ASSESSED)
class SelfAssessedTransformer(ReflectionStatement):
    """``rubric_reflection.self_assessed`` → *scored* (the learner's own assessment)."""

    verb_iri = c.VERB_SCORED
    additional_fields = ("result",)

    def get_result(self):
        version = self.get_data("data.rubric_version")
        return self.points_result(**{c.EXT_RUBRIC_VERSION: version if isinstance(version, str) else None})


@XApiTransformersRegistry.register(c.REFLECTION_STAFF_GRADED)
class StaffGradedTransformer(ReflectionStatement):
    """``rubric_reflection.staff_graded`` → the learner *received* a staff grade.

    Published by a staff handler, so the event's context user is the grader: the actor comes
    from ``data.user_id`` (the learner, which the block adds) and from nothing else. Without it
    the event raises and no statement is made, rather than one naming the grader as actor. The
    grader appears only as the role ``staff``.
    """

    verb_iri = c.VERB_RECEIVE
    additional_fields = ("result",)

    def extract_username_or_userid(self):
        return self.get_data("data.user_id", required=True)

    def get_result(self):
        version, assessment = self.get_data("data.rubric_version"), self.get_data("data.version")
        released = self.get_data("data.released")
        return self.points_result(**{
            c.EXT_RUBRIC_VERSION: version if isinstance(version, str) else None,
            c.EXT_ASSESSMENT_VERSION: assessment if _is_int(assessment) else None,
            c.EXT_RELEASED: released if isinstance(released, bool) else None,
            c.EXT_GRADER_ROLE: "staff"})
