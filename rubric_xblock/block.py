"""The ``rubric_reflection`` XBlock: a written reflection graded against a rubric.

A thin layer: fields, views and handlers that parse input, call ``rubric`` (pure scoring)
and ``store`` (edx-submissions and this app's models), and map refusals to HTTP.
"""
import functools
import json
import logging
import re

from django.template import Context, Engine
from django.utils import translation
from django.utils.html import json_script
from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Boolean, Dict, Float, Integer, Scope, String

from tangerang_units.handlers import UnitRosterMixin, add_analytics, course_key_of
from tangerang_units.strings import analytics_strings
from xblock_json_contract import (
    BAD_REQUEST,
    NOT_SIGNED_IN,
    HandlerError,
    add_client_script,
    is_course_staff,
    json_endpoint,
    package_text,
    require_staff,
    user_attrs,
)

from . import compat, editor, flow
from .grading import validate_grading_settings
from .grading_handlers import GradingMixin
from .olx import prompt_from_element, prompt_to_element, rubric_from_element, rubric_to_element
from .rubric import (
    N_,
    RELEASE_IMMEDIATE,
    RELEASE_MODES,
    RubricError,
    assess,
    check_text,
    count_words,
    counted_attempt,
    final_score,
    find_personal_data,
    gaps,
    parse_rubric,
    rubric_from_dict,
    summarise_run,
    validate_settings,
)
from .sanitize import mask_learner_text, sanitize_prompt
from .strings import browser_strings
from .studio import RubricEditorMixin

log = logging.getLogger(__name__)

DEFAULT_RUBRIC = {
    "criteria": [
        {"id": "content", "label": "Content", "description": "", "levels": [
            {"id": "weak", "label": "Weak", "description": "", "points": 0},
            {"id": "fair", "label": "Fair", "description": "", "points": 1},
            {"id": "good", "label": "Good", "description": "", "points": 2},
        ]},
        {"id": "comments", "label": "Comments", "description": "", "levels": []},
    ]
}

# Fields written as OLX attributes (prompt and rubric are child elements).
ATTRIBUTE_FIELDS = ("display_name", "min_words", "max_words", "self_assessment", "staff_assessment",
                    "grade_release", "linked_simulation", "weight", *GradingMixin.GRADING_FIELDS)
# Dates are shown in the course's time zone (Kota Tangerang) unless the learner set their own.
COURSE_TIME_ZONE = "Asia/Jakarta"
# Per-process memos of what a render derives from content alone (the same for every learner):
# keyed by the content itself, immutable, holding no user data; bounded by entry count.
CONTENT_MEMO = 256


def asset(path):
    """A file shipped in the package, read once per process (``package_text``)."""
    return package_text(__package__, path)


@functools.cache
def template(path):
    """A package template compiled once per process, with HTML autoescaping."""
    return Engine(autoescape=True).from_string(asset(path))


@functools.lru_cache(maxsize=CONTENT_MEMO)
def sanitized_prompt(prompt):
    """``sanitize_prompt(prompt)``, memoised: bleach parses the HTML, the same for every learner."""
    return sanitize_prompt(prompt)


def rubric_key(raw):
    """The canonical JSON of a ``rubric`` field value: the key of the parsed-rubric memo."""
    return json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@functools.lru_cache(maxsize=CONTENT_MEMO)
def _parsed_rubric(key):
    rubric = parse_rubric(json.loads(key))
    return rubric, rubric.version, rubric.to_dict()


def parsed_rubric(raw):
    """``(Rubric, version, rubric.to_dict())`` of a rubric field value, memoised per process.

    Raises RubricError for an invalid rubric (never memoised). The dict is shared between
    requests: read it, never change it.
    """
    try:
        key = rubric_key(raw)
    except (TypeError, ValueError):  # not JSON data: cannot be a valid rubric either
        rubric = parse_rubric(raw)
        return rubric, rubric.version, rubric.to_dict()
    return _parsed_rubric(key)


@functools.lru_cache(maxsize=CONTENT_MEMO)
def _learner_page(display_name, prompt, key, min_words, max_words, is_staff, strings):
    """The learner page's HTML: a function of content, settings and language only."""
    rubric = _parsed_rubric(key)[0] if key is not None else None
    return template("templates/student_view.html").render(Context({
        "display_name": display_name, "prompt": sanitized_prompt(prompt), "rubric": rubric,
        "min_words": min_words, "max_words": max_words, "strings": dict(strings), "is_staff": is_staff,
    }))


def _attribute_value(field, raw):
    """The value of OLX attribute ``raw`` for ``field``; ValueError when it is not one.

    Stricter than ``field.from_string``: a Boolean is ``true`` or ``false`` (not "anything
    else is false"), an Integer is written in ASCII digits (not "1.5" truncated to 1).
    """
    text = raw.strip()
    if isinstance(field, Boolean):
        if text.lower() not in ("true", "false"):
            raise ValueError(raw)
        return text.lower() == "true"
    if isinstance(field, Integer):
        if not re.fullmatch(r"-?[0-9]{1,9}", text):
            raise ValueError(raw)
        return int(text)
    return field.enforce_type(field.from_string(raw))


def _(text):
    """Mark a field's help text for extraction (translated by the runtime's editor)."""
    return text


# The browser-string tables by (i18n service class, language): catalog content, the same for
# every learner and course; a handful of languages at most, cleared if ever over the bound.
_STRINGS = {}
MAX_STRING_TABLES = 32


@XBlock.wants("user", "i18n", "settings", "user_state")
class RubricReflectionBlock(UnitRosterMixin, GradingMixin, RubricEditorMixin, XBlock):
    """A prompt, a rubric, and a flow: write → submit → self assess → staff grade → result."""

    # -- Authoring (content and settings) --------------------------------------------------
    display_name = String(display_name=_("Display name"), help=_("The name learners see."),
                          scope=Scope.settings, default="Refleksi", enforce_type=True)
    prompt = String(display_name=_("Prompt"), help=_("What the learner writes about (HTML, sanitised)."),
                    scope=Scope.content, default="", enforce_type=True)
    rubric = Dict(display_name=_("Rubric"), help=_("Criteria and levels with points."),
                  scope=Scope.content, default=DEFAULT_RUBRIC, enforce_type=True)
    min_words = Integer(display_name=_("Minimum words"), help=_("Fewest words a submission may have."),
                        scope=Scope.settings, default=0, enforce_type=True)
    max_words = Integer(display_name=_("Maximum words"), help=_("Most words a submission may have."),
                        scope=Scope.settings, default=1000, enforce_type=True)
    self_assessment = Boolean(display_name=_("Self assessment"),
                              help=_("Learners assess their own reflection after submitting."),
                              scope=Scope.settings, default=True, enforce_type=True)
    staff_assessment = Boolean(display_name=_("Staff assessment"),
                               help=_("Course staff grade the reflection; their score is the grade."),
                               scope=Scope.settings, default=True, enforce_type=True)
    grade_release = String(display_name=_("Grade release"),
                           help=_("'immediate': learners see a staff grade at once; 'staff': when staff "
                                  "release grades."),
                           scope=Scope.settings, default=RELEASE_IMMEDIATE, values=RELEASE_MODES,
                           enforce_type=True)
    linked_simulation = String(display_name=_("Linked role-play"),
                               help=_("Usage id of a complaint_sim block whose run is shown beside the text."),
                               scope=Scope.settings, default="", enforce_type=True)
    weight = Float(display_name=_("Problem weight"),
                   help=_("Points the reflection is worth in the gradebook (blank: rubric points)."),
                   scope=Scope.settings, default=None, enforce_type=True)

    # -- Learner state ---------------------------------------------------------------------
    draft = String(help=_("The learner's unsubmitted text."), scope=Scope.user_state, default="",
                   enforce_type=True)
    draft_saved_at = String(help=_("When the draft was last saved (ISO 8601)."), scope=Scope.user_state,
                            default="", enforce_type=True)
    submission_uuid = String(help=_("The learner's edx-submissions uuid once submitted."),
                             scope=Scope.user_state, default="", enforce_type=True)
    submitted_at = String(help=_("When the learner submitted (ISO 8601)."), scope=Scope.user_state,
                          default="", enforce_type=True)

    # The JSON handlers (xblock_json_contract) answer a RubricError (status, code, message,
    # params) like a HandlerError.
    handler_refusals = (RubricError,)
    # Each text member is checked for lone surrogates where it is read (400 BAD_TEXT,
    # BAD_COMMENT…), so the contract does not refuse the whole body as BAD_JSON.
    refuse_lone_surrogates = False
    has_score = True
    has_custom_completion = True
    icon_class = "problem"

    # -- Helpers -----------------------------------------------------------------------------

    def _browser_strings(self):
        """The page's browser strings in the user's language, translated once per process per
        i18n service class and language (about 200 strings: translating them on every render
        took half of it). The table depends on the catalogs only, never on the learner."""
        service = self.runtime.service(self, "i18n")
        if service is None:
            return browser_strings(str)
        key = (type(service), translation.get_language())
        table = _STRINGS.get(key)
        if table is None:
            if len(_STRINGS) >= MAX_STRING_TABLES:
                _STRINGS.clear()
            table = _STRINGS[key] = browser_strings(service.gettext)
        return table

    def gettext(self, text):
        """``text`` translated by the runtime's i18n service (unchanged without one)."""
        service = self.runtime.service(self, "i18n")
        return service.gettext(text) if service is not None else text

    def _user_attrs(self):
        return user_attrs(self)

    def _is_staff(self):
        return is_course_staff(self)

    def page_locale(self):
        """``{"language", "time_zone"}`` the browser formats dates and numbers with: the page's
        language (never the browser's) and the learner's time zone preference, else the course's."""
        preferences = self._user_attrs().get("edx-platform.user_preferences") or {}
        time_zone = preferences.get("time_zone") if isinstance(preferences, dict) else None
        return {"language": translation.get_language() or "en",
                "time_zone": time_zone if isinstance(time_zone, str) and time_zone else COURSE_TIME_ZONE}

    def _learner(self):
        """``(anonymous_id, username)`` of the current user; 403 when nobody is signed in."""
        attrs = self._user_attrs()
        anonymous_id = attrs.get("edx-platform.anonymous_user_id")
        if not anonymous_id or attrs.get("edx-platform.is_authenticated") is False:
            raise HandlerError(403, NOT_SIGNED_IN, N_("Sign in to write a reflection."))
        return anonymous_id, attrs.get("edx-platform.username") or ""

    def _require_staff(self):
        require_staff(self, N_("Only course staff may do this."))
        return self._learner()

    def _ids(self):
        """``(course_id, item_id)`` as edx-submissions and the grades app expect them."""
        usage_id = self.scope_ids.usage_id
        context = getattr(usage_id, "context_key", None) or getattr(usage_id, "course_key", None)
        return (str(context) if context else "workbench"), str(usage_id)

    def _parsed_rubric(self):
        """``parsed_rubric(self.rubric)``, once per block instance (one request) while the field
        holds the same value: a handler that reads the rubric twice pays its canonical JSON once."""
        raw = self.rubric
        memo = self.__dict__.get("_rubric_memo")
        if memo is None or memo[0] is not raw:
            memo = self.__dict__["_rubric_memo"] = (raw, parsed_rubric(raw))
        return memo[1]

    def _rubric(self):
        try:
            return self._parsed_rubric()[0]
        except RubricError as err:
            raise HandlerError(409, "RUBRIC_INVALID", N_("This reflection's rubric is not valid; ask course staff.")) \
                from err

    def _store(self):
        from . import store  # Django models load only where a request needs them

        return store

    def _linked_run(self, username):
        """``(history, grading policy)`` of the learner in the linked role-play, ``(None, None)``
        without one. A handler that needs both the run's summary and its breach (``submit``)
        reads them once and passes this on as ``linked``."""
        history = self._simulation_history(username)
        return (history, self._linked_grading_policy()) if history else (None, None)

    def _simulation_run(self, username, linked=None):
        """The learner's counted run of the linked role-play, or None (no link, no service…)."""
        history, policy = linked or self._linked_run(username)
        return summarise_run(history, policy) if history else None

    def _linked_simulation_attempt(self, username, linked=None):
        """The raw history entry of the learner's counted run (``{}`` when there is none)."""
        history, policy = linked or self._linked_run(username)
        return (counted_attempt(history, policy) if history else None) or {}

    def _linked_grading_policy(self):
        """The linked role-play's ``grading_policy`` (``"best"`` or ``"last"``): which run counts.

        Read from the role-play block itself through the runtime (a settings field, the same
        for every learner); ``"best"``, the role-play's default, when it cannot be loaded.
        """
        try:
            block = self.runtime.get_block(compat.usage_key_or_string(self.linked_simulation))
            policy = getattr(block, "grading_policy", None)
        except Exception:  # noqa: BLE001  another block must never break this one
            log.info("Could not load the linked role-play %s; counting its best run", self.linked_simulation)
            return "best"
        return policy if policy in ("best", "last") else "best"

    def _simulation_history(self, username):
        """The learner's history in the linked role-play's state, or None (no link, no service…)."""
        if not self.linked_simulation or not username:
            return None
        if not compat.same_context(self.linked_simulation, self.scope_ids.usage_id):
            # Only a role-play of this block's own course: its staff must not read runs in
            # another course (the editor refuses such a link; OLX or old data may hold one).
            log.warning("Ignoring the linked role-play %s: not in this block's course", self.linked_simulation)
            return None
        service = self.runtime.service(self, "user_state")
        if service is None:
            return None
        try:
            state = service.get_state_as_dict(username, compat.usage_key_or_string(self.linked_simulation))
        except Exception:  # noqa: BLE001  another block's state must never break this one
            log.warning("Could not read the linked role-play %s", self.linked_simulation, exc_info=True)
            return None
        return state.get("history") if isinstance(state, dict) else None

    @staticmethod
    def _assessment_json(assessment):
        if assessment is None:
            return None
        return {
            "rubric_version": assessment.rubric_version,
            "parts": [{"criterion_id": p.criterion_id, "level_id": p.level_id, "points": p.points,
                       "comment": p.comment} for p in assessment.parts],
            "overall_comment": assessment.overall_comment,
            "points_earned": assessment.points_earned,
            "points_possible": assessment.points_possible,
        }

    def _current_version(self):
        """The current rubric's version, or None when the rubric is not valid."""
        try:
            return self._parsed_rubric()[1]
        except RubricError:
            return None

    def _other_rubrics(self, store, assessments, current_version):
        """``{version: rubric dict}`` for the assessments made with another rubric version.

        Kept rubrics come from :class:`~rubric_xblock.models.RubricVersion`; a version never
        recorded (an assessment older than versioning) gets a stand-in built from the
        assessment itself, so it can always be shown.
        """
        older = [a for a in assessments if a is not None and a.rubric_version != current_version]
        if not older:
            return {}
        kept = store.rubrics_for(*self._ids(), [a.rubric_version for a in older])
        return {a.rubric_version: store.rubric_of(a, kept) for a in older}

    def _check_form_version(self, data, rubric):
        """409 ``RUBRIC_CHANGED`` when the form was built from another rubric version.

        ``rubric_version`` is optional in the request (older pages do not send it).
        """
        sent = data.get("rubric_version")
        if sent is not None and sent != rubric.version:
            raise HandlerError(409, "RUBRIC_CHANGED", N_("The rubric was changed since this form was opened. The "
                                                     "form now shows the current rubric; check it and save again."))

    def _event(self, name, payload):
        self.runtime.publish(self, f"rubric_reflection.{name}", payload)

    # -- Learner state as JSON ---------------------------------------------------------------

    def _learner_state(self, reflection=None, text=None, assessments=None, linked=None):
        """Everything the learner's page shows, from the learner's own records.

        A caller that has just written ``reflection`` (and knows its ``text``, and its
        ``assessments``: ``{}`` for a new submission, and the ``linked`` run it read) passes
        them to save reading them back.
        """
        attrs = self._user_attrs()
        anonymous_id = attrs.get("edx-platform.anonymous_user_id")
        state = {
            "step": "write",
            "draft": None,
            "submission": None,
            "self_assessment": None,
            "result": None,
            "simulation": self._simulation_run(attrs.get("edx-platform.username"), linked),
            "signed_in": bool(anonymous_id),
        }
        if anonymous_id and reflection is None:
            course_id, item_id = self._ids()
            reflection = self._store().get_reflection(course_id, item_id, anonymous_id)
        if reflection is None:
            draft = self.draft
            state["draft"] = {"text": draft, "saved_at": self.draft_saved_at or None,
                              "words": count_words(draft), "personal_data": find_personal_data(draft)}
            return state
        store = self._store()
        state["draft"] = {"text": "", "saved_at": None, "words": 0, "personal_data": []}  # the submission supersedes it
        state["submission"] = {"text": store.submission_text(reflection) if text is None else text,
                               "submitted_at": reflection.submitted_at.isoformat(),
                               "words": reflection.word_count}
        if assessments is None:
            assessments = store.get_assessments(reflection)
        mine = store.to_rubric_assessment(assessments.get("self"))
        state["self_assessment"] = self._assessment_json(mine)
        current_version = self._current_version()
        state["rubric_version"] = current_version
        # The step is a pure function of the facts (rubric_xblock.flow); this only loads them.
        step = flow.learner_step(self._grading_facts(anonymous_id, reflection, assessments))
        state.update(step)
        counted_model = self._counted_model(assessments)
        if step["step"] == "done" and counted_model is not None:
            counted = store.to_rubric_assessment(counted_model)
            score = final_score(counted.points_earned, counted.points_possible, self.weight)
            # Each assessment is shown with the rubric it was made with.
            state["rubrics"] = self._other_rubrics(store, (mine, counted), current_version)
            counted_rubric = state["rubrics"].get(counted.rubric_version) or self.rubric
            rows = gaps(rubric_from_dict(counted_rubric), mine, counted)
            if mine is not None and mine.rubric_version != counted.rubric_version:
                rows = [{**row, "gap": None} for row in rows]  # points of two versions do not compare
            state["result"] = {**self._assessment_json(counted), "score": score[0], "score_possible": score[1],
                               "gaps": rows, "graded_at": counted_model.modified_at.isoformat(),
                               "by": "staff" if counted_model.kind == "staff" else "peers"}
            if self._peer_mode():
                state["peer_feedback"] = self._peer_feedback(reflection)
            state["appeal"] = self._appeal_state(reflection, counted_model)
        elif step["step"] == "done":
            state["rubrics"] = self._other_rubrics(store, (mine,), current_version)
        return state

    # -- Views -------------------------------------------------------------------------------

    @XBlock.supports("multi_device")
    def student_view(self, context=None):
        """The learner's page (and, for course staff, the grading panel below it).

        Only the learner's state is built per request; the page's HTML, the parsed rubric and
        the assets are memoised per process by content (they are the same for every learner).
        """
        try:
            key = rubric_key(self.rubric)
            rubric, version, rubric_dict = _parsed_rubric(key)
        except (TypeError, ValueError):  # not JSON, or RubricError: an invalid rubric
            key = rubric = version = rubric_dict = None
        strings = self._browser_strings()
        is_staff = self._is_staff()
        html = _learner_page(self.display_name, self.prompt, key, self.min_words, self.max_words, is_staff,
                             tuple(strings.items()))
        frag = Fragment(html)
        frag.add_css(asset("public/rubric_reflection.css"))
        add_client_script(frag)
        frag.add_javascript(asset("public/rubric_reflection.js"))
        if is_staff:
            frag.add_javascript(asset("public/rubric_staff.js"))
            add_analytics(frag, self.gettext(N_("Analytics for course staff")))
        # Init data in the block's own HTML, escaped for a <script> element; the runtime's
        # init arguments carry none of it (the workbench writes those unescaped).
        frag.add_content(json_script({
            "state": self._learner_state() if rubric else None,
            "rubric": rubric_dict,
            "rubric_version": version,
            "settings": {"min_words": self.min_words, "max_words": self.max_words,
                         "self_assessment": self.self_assessment, "staff_assessment": self.staff_assessment,
                         "grade_release": self.grade_release, "linked": bool(self.linked_simulation),
                         "mode": self.grading_mode, "peer_count": self.peer_count,
                         "tolerance": self.training_tolerance},
            "strings": strings,
            "is_staff": is_staff,
            "locale": self.page_locale(),
            "analytics": analytics_strings(self.gettext) if is_staff else None,
        }))
        frag.initialize_js("RubricReflectionBlock", {})
        return frag

    def student_view_data(self, context=None):
        """Content for native clients (no user needed; a rubric has no answer key)."""
        try:
            rubric = parse_rubric(self.rubric).to_dict()
        except RubricError:
            rubric = None
        return {
            "display_name": self.display_name,
            "prompt": sanitize_prompt(self.prompt),
            "rubric": rubric,
            "min_words": self.min_words,
            "max_words": self.max_words,
            "self_assessment": self.self_assessment,
            "staff_assessment": self.staff_assessment,
            "grade_release": self.grade_release,
            "linked_simulation": self.linked_simulation or None,
        }

    def max_score(self):
        """Points possible in the gradebook (content and settings only; no user)."""
        try:
            possible = parse_rubric(self.rubric).points_possible
        except RubricError:
            return None
        return final_score(possible, possible, self.weight)[1]

    def generate_report_data(self, user_state_iterator, limit_responses=None):
        """Yield ``(username, row)`` per learner with state: submitted?, when, words, text."""
        count = 0
        # Submissions come from the rubric table (user state can have lost the uuid in a race).
        submitted = self._store().reflections_by_username(*self._ids())
        for user_state in user_state_iterator:
            if limit_responses is not None and count >= limit_responses:
                return
            state = user_state.state or {}
            text = ""
            reflection = submitted.get(user_state.username)
            uuid = reflection.submission_uuid if reflection else state.get("submission_uuid") or ""
            if uuid:
                try:
                    text = compat.submissions_api().get_submission(uuid)["answer"].get("text", "")
                except Exception:  # noqa: BLE001  a report row must not stop the report
                    text = ""
            yield user_state.username, {
                "Submitted": bool(uuid),
                "Submitted at": reflection.submitted_at.isoformat() if reflection else state.get("submitted_at", ""),
                "Draft words": count_words(state.get("draft", "")),
                "Answer": mask_learner_text(text),  # the report is read by staff: personal data masked
            }
            count += 1

    # -- Learner handlers --------------------------------------------------------------------

    @json_endpoint
    def learner_state(self, data):
        """The learner's current state (same JSON the page starts with).

        Request ``{}``. Errors: 409 ``RUBRIC_INVALID``.
        """
        self._rubric()
        return {"state": self._learner_state()}

    @json_endpoint
    def save_draft(self, data):
        """Save the learner's unsubmitted text.

        Request ``{"text": str}`` → ``{"saved_at", "words", "personal_data": ["nik"|"phone"]}``.
        Errors: 400 ``BAD_TEXT``, ``TEXT_TOO_LONG``; 403 ``NOT_SIGNED_IN``; 409 ``ALREADY_SUBMITTED``.
        """
        from django.utils import timezone

        anonymous_id, _username = self._learner()
        check = check_text(data.get("text"), self.min_words, self.max_words, final=False)
        # The submission's identity is the rubric table's row, not the user-state field: an
        # autosave racing the submit read user state before the submit wrote it.
        if self.submission_uuid or self._store().get_reflection(*self._ids(), anonymous_id) is not None:
            raise HandlerError(409, "ALREADY_SUBMITTED", N_("You have already submitted this reflection."))
        self.draft = data["text"]
        self.draft_saved_at = timezone.now().isoformat()
        return {"saved_at": self.draft_saved_at, "words": check.words, "personal_data": list(check.personal_data)}

    @json_endpoint
    def submit(self, data):
        """Submit the reflection (final): text to edx-submissions, completion published.

        Request ``{"text": str, "confirm": true, "personal_data_ok": bool}`` → ``{"state"}``.
        Errors: 400 ``BAD_TEXT``, ``TEXT_TOO_LONG``, ``EMPTY_TEXT``, ``TOO_FEW_WORDS``,
        ``TOO_MANY_WORDS``, ``NOT_CONFIRMED``, ``PERSONAL_DATA``; 403 ``NOT_SIGNED_IN``;
        409 ``ALREADY_SUBMITTED``, ``RUBRIC_INVALID``.
        """
        anonymous_id, username = self._learner()
        self._rubric()
        store = self._store()
        course_id, item_id = self._ids()
        if self.submission_uuid:
            raise HandlerError(409, "ALREADY_SUBMITTED", N_("You have already submitted this reflection."))
        text = data.get("text")
        check = check_text(text, self.min_words, self.max_words, final=True)
        if data.get("confirm") is not True:
            raise HandlerError(400, "NOT_CONFIRMED", N_("Confirm that you want to submit: submission is final."))
        if check.personal_data and data.get("personal_data_ok") is not True:
            raise HandlerError(400, "PERSONAL_DATA",
                           N_("Your text seems to contain a NIK or a phone number. Remove it, or confirm "
                              "that it is needed."))
        # The queue's flags known at submission go into the reflection's one INSERT: the
        # learner's unit (issue 11) and whether the linked role-play breached a critical duty.
        unit = self.learner_unit()
        linked = self._linked_run(username)  # read once: the breach flag and the state's run summary
        breached = self._critical_breach(username, linked)
        try:
            reflection = store.create_reflection(course_id, item_id, anonymous_id, username, text, check.words, unit,
                                                 breached=breached, sample_share=self.agreement_share)
        except store.Conflict as err:
            raise HandlerError(409, err.code, N_("You have already submitted this reflection.")) from err
        self._after_submit(reflection)
        self.submission_uuid = reflection.submission_uuid
        self.submitted_at = reflection.submitted_at.isoformat()
        self.draft = text
        self.runtime.publish(self, "completion", {"completion": 1.0})
        self._event("submitted", {"submission_uuid": reflection.submission_uuid, "words": check.words,
                                  "personal_data": list(check.personal_data), "unit": reflection.unit})
        return {"state": self._learner_state(reflection, text, assessments={}, linked=linked)}  # none yet

    @json_endpoint
    def self_assess(self, data):
        """Record the learner's self assessment (once, after submitting).

        Request ``{"selections": {criterion_id: level_id}, "comments": {criterion_id: str},
        "overall_comment": str, "rubric_version"?: str}`` → ``{"state"}``. Errors: 400 ``BAD_ASSESSMENT``,
        ``UNKNOWN_CRITERION``, ``UNKNOWN_LEVEL``, ``MISSING_CRITERION``, ``BAD_COMMENT``,
        ``COMMENT_TOO_LONG``, ``STEP_DISABLED``; 403 ``NOT_SIGNED_IN``; 409 ``NOT_SUBMITTED``,
        ``ALREADY_SELF_ASSESSED``, ``RUBRIC_CHANGED``, ``RUBRIC_INVALID``.
        """
        anonymous_id, username = self._learner()
        if not self.self_assessment:
            raise HandlerError(400, "STEP_DISABLED", N_("This reflection has no self assessment."))
        rubric = self._rubric()
        store = self._store()
        course_id, item_id = self._ids()
        reflection = store.get_reflection(course_id, item_id, anonymous_id)
        if reflection is None:
            raise HandlerError(409, "NOT_SUBMITTED", N_("Submit your reflection before assessing it."))
        self._check_form_version(data, rubric)
        assessment = assess(rubric, data.get("selections"), data.get("comments"), data.get("overall_comment"))
        store.remember_rubric(course_id, item_id, rubric)
        try:
            model = store.save_self_assessment(reflection, assessment, anonymous_id, username)
        except store.Conflict as err:
            raise HandlerError(409, err.code, N_("You have already assessed your reflection.")) from err
        if not self.staff_assessment:
            # Self assessment is the only step: its points are the grade.
            store.publish_score(reflection, model, self.weight, anonymous_id, username)
        self._event("self_assessed", {"submission_uuid": reflection.submission_uuid,
                                      "points_earned": assessment.points_earned,
                                      "points_possible": assessment.points_possible,
                                      "rubric_version": assessment.rubric_version})
        return {"state": self._learner_state(reflection)}

    # -- Staff handlers ----------------------------------------------------------------------

    @json_endpoint
    def analytics(self, data):
        """The reflection's staff analytics (course staff): ``{"unit"?: str|null ("" = no unit),
        "from"?, "to"?: "YYYY-MM-DD"}`` → ``{"units", "k", "filters", "report"}`` (a selection
        under k reflections is hidden). Errors: 400 BAD_REQUEST; 403 STAFF_ONLY; 409 RUBRIC_INVALID.
        """
        import datetime

        from tangerang_units.compat import course_k

        from . import analytics, analytics_store

        require_staff(self, N_("Only course staff may do this."))
        rubric = self._rubric()
        unit = data.get("unit")
        if unit is not None and (not isinstance(unit, str) or len(unit) > 100):
            raise HandlerError(400, BAD_REQUEST, N_("The request has an invalid unit."))
        try:
            start, end = (datetime.date.fromisoformat(v) if v else None for v in (data.get("from"), data.get("to")))
        except (TypeError, ValueError):
            raise HandlerError(400, BAD_REQUEST, N_("Dates must be given as YYYY-MM-DD.")) from None
        course_id, item_id = self._ids()
        figures = analytics_store.figures(course_id, item_id, unit, start, end)
        k = course_k(course_key_of(self))
        return {"units": figures["units"], "k": k,
                "filters": {"unit": unit, "from": start and start.isoformat(), "to": end and end.isoformat()},
                "report": analytics.report(rubric, figures, k, self.gettext)}

    @json_endpoint
    def export_csv(self, data):
        """The grades as CSV (one row per learner), for the browser to download.

        Request ``{}`` → ``{"filename": str, "csv": str}``. Errors: 403 ``STAFF_ONLY``,
        ``NOT_SIGNED_IN``; 409 ``RUBRIC_INVALID``.
        """
        self._require_staff()
        rubric = self._rubric()
        course_id, item_id = self._ids()
        safe = "".join(ch if ch.isalnum() else "-" for ch in item_id)[-60:]
        return {"filename": f"reflection-grades-{safe}.csv",
                "csv": self._store().export_csv(course_id, item_id, rubric, self.weight)}

    # -- OLX ---------------------------------------------------------------------------------

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        """Build the block from readable OLX; everything is validated before any field is set."""
        block = runtime.construct_xblock_from_class(cls, keys)
        values = {}
        for name, raw in node.items():
            if name in ATTRIBUTE_FIELDS:
                try:
                    values[name] = _attribute_value(cls.fields[name], raw)
                except (TypeError, ValueError) as err:
                    raise RubricError("INVALID_SETTINGS", N_("%(where)s has an invalid value."), where=name) \
                        from err
        prompts = [child for child in node if child.tag == "prompt"]
        rubrics = [child for child in node if child.tag == "rubric"]
        if len(prompts) > 1 or len(rubrics) > 1:
            raise RubricError("RUBRIC_INVALID", N_("Write at most one prompt and one rubric."))
        if prompts:
            values["prompt"] = sanitize_prompt(prompt_from_element(prompts[0]))
        if rubrics:
            values["rubric"] = parse_rubric(rubric_from_element(rubrics[0])).to_dict()
        else:
            parse_rubric(cls.rubric.default)
        merged = {name: values.get(name, cls.fields[name].default) for name in ATTRIBUTE_FIELDS}
        validate_settings(merged["min_words"], merged["max_words"], merged["self_assessment"],
                          merged["staff_assessment"], merged["grade_release"], merged["weight"])
        validate_grading_settings({name: merged[name] for name in GradingMixin.GRADING_FIELDS})
        # Then the editor's checks of the settings, so OLX cannot hold what the editor refuses.
        # The prompt may be empty here (an empty block imports), and the link is not held
        # to this course: an imported course has new keys; the block ignores a link into
        # another course when it reads the run.
        _clean, problems, _warnings = editor.check_candidate(
            merged, {"prompt": values.get("prompt", ""), "rubric": values.get("rubric", cls.rubric.default)})
        for problem in problems:
            if problem.path in ATTRIBUTE_FIELDS:
                raise RubricError("INVALID_SETTINGS", N_("%(where)s has an invalid value."), where=problem.path) \
                    from problem
        for name, value in values.items():
            setattr(block, name, value)
        return block

    def add_xml_to_node(self, node):
        """Export: settings as attributes, prompt and rubric as child elements."""
        node.tag = self.xml_element_name()
        node.set("xblock-family", self.entry_point)
        for name in ATTRIBUTE_FIELDS:
            field = self.fields[name]
            if field.is_set_on(self):
                self._add_field(node, name, field)
        if self.prompt:
            node.append(prompt_to_element(self.prompt))
        node.append(rubric_to_element(parse_rubric(self.rubric)))

    # -- Workbench ---------------------------------------------------------------------------

    @staticmethod
    def workbench_scenarios():
        """The demo reflection (Indonesian) that follows the demo role-play; the same reflection
        graded by peers after training, and graded by staff who release grades (appeals open)."""
        xml = asset("scenarios/refleksi_ktp_el.xml")
        settings = 'self_assessment="true" staff_assessment="true" grade_release="immediate"'
        short = xml.replace('min_words="80"', 'min_words="20"')
        peer = short.replace(settings, 'self_assessment="false" staff_assessment="true" grade_release="immediate" '
                                       'grading_mode="peer" peer_count="2" peer_minimum="2"')
        staff = short.replace(settings, 'self_assessment="false" staff_assessment="true" grade_release="staff" '
                                        'appeal_days="7" appeal_staff_days="5"')
        return [
            ("Refleksi: pengaduan KTP-el di loket kelurahan", f"<vertical_demo>{xml}</vertical_demo>"),
            ("Refleksi dinilai rekan (dengan pelatihan)", f"<vertical_demo>{peer}</vertical_demo>"),
            ("Refleksi dinilai fasilitator (rilis dan keberatan)", f"<vertical_demo>{staff}</vertical_demo>"),
        ]
