"""The ``complaint_sim`` XBlock: a thin layer over the scenario engine.

Handlers parse input, call :mod:`complaint_sim_xblock.session`, store the new run and map
engine errors to HTTP. The scenario lives in content scope as canonical data and is
exported as readable OLX (:mod:`complaint_sim_xblock.olx`).
"""
import functools
import logging
import secrets
from collections import OrderedDict
from dataclasses import replace
from importlib import resources

from django.conf import settings as django_settings
from django.template import Context, Engine
from django.utils import translation
from django.utils.html import json_script
from lxml import etree
from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Dict, Float, Integer, List, Scope, String
from xblock.scorable import ScorableXBlockMixin, Score

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

from . import bounded_yaml, flow, session, tallies
from .editor import validate_settings
from .memo import ByteBudgetMemo, MiB, deep_size
from .olx import scenario_from_xml, scenario_to_xml
from .scenario import (
    ScenarioInvalid,
    build_validated,
    compile_scenario,
    scenario_digest,
)
from .strings import _, browser_strings
from .studio import ScenarioEditorMixin

log = logging.getLogger(__name__)


def asset(path):
    """A static file shipped in the package (read once per process: ``package_text``)."""
    return package_text(__package__, path)


@functools.cache
def template(path):
    """A package template compiled once per process, with HTML autoescaping."""
    return Engine(autoescape=True).from_string(asset(path))


def render(path, context):
    """A package template rendered with ``context`` (values are escaped)."""
    return template(path).render(Context(context))


DEFAULT_SCENARIO_FILE = "ktp_el_terlambat.yaml"
# Dates are shown in the course's time zone (Kota Tangerang) unless the learner set their own.
COURSE_TIME_ZONE = "Asia/Jakarta"
# Compiled scenarios by content digest, bounded by the memory they take (least recently used
# go first). Immutable, content-addressed data: no user or course state, any worker rebuilds
# the same value, and a changed scenario has a new digest, so an entry can never be stale.
# The budget is per process: XBLOCK_SETTINGS = {"ComplaintSimBlock": {"SCENARIO_MEMO_BYTES": n}}.
MEMO_SETTING = "SCENARIO_MEMO_BYTES"
DEFAULT_MEMO_BYTES = 64 * MiB
_COMPILED = ByteBudgetMemo(DEFAULT_MEMO_BYTES)
MAX_ID = 64
DERIVED_FIELDS = ("scenario_digest", "scenario_checked")  # recomputed on import, never exported


def packaged_scenario(name):
    """Scenario data from a YAML file shipped in ``complaint_sim_xblock/scenarios``."""
    return bounded_yaml.safe_load(asset(f"scenarios/{name}"))


@functools.cache
def default_scenario():
    """The packaged KTP-el scenario, compiled: what a block shows before it is authored."""
    return compile_scenario(packaged_scenario(DEFAULT_SCENARIO_FILE))


def _outcome(data, digest):
    """The compiled scenario, or the ScenarioInvalid it raised: either is memoised, so a
    broken scenario is not validated again on every request either."""
    try:
        return compile_scenario(data, digest)
    except ScenarioInvalid as invalid:
        return invalid


def _prevalidated(data, digest):
    """A scenario validated when it was saved: built without checking it again. Should the
    data not build (changed behind the editor's back), it is validated like any other."""
    try:
        return build_validated(data, digest)
    except Exception:  # noqa: BLE001  whatever the data, the learner gets a scenario or a notice
        log.warning("complaint_sim: scenario %s marked valid does not build; validating it", digest, exc_info=True)
        return _outcome(data, digest)


def _compiled(digest, load, budget=None, validated=False, size=None):
    """The compiled scenario memoised under ``digest``; ``load()`` gives the data on a miss only,
    so a hit never loads the scenario field. ``validated``: the data under ``digest`` was found
    valid and canonical when it was saved, so a miss only builds it; ``size``: its compiled
    size as measured then."""
    build = _prevalidated if validated else _outcome
    outcome = _COMPILED.get(digest, lambda: build(load(), digest), budget, size)
    if isinstance(outcome, ScenarioInvalid):
        raise ScenarioInvalid(outcome.problems)
    return outcome


def memo_budget(bucket):
    """The memo's byte budget from the block's settings bucket (XBLOCK_SETTINGS), or the default.

    A value that is not a whole number of bytes ≥ 0 is ignored (with a warning): a bad
    setting must not take the role-plays down.
    """
    value = (bucket or {}).get(MEMO_SETTING, DEFAULT_MEMO_BYTES)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        log.warning("Ignoring XBLOCK_SETTINGS ComplaintSimBlock %s=%r: not a number of bytes >= 0",
                    MEMO_SETTING, value)
        return DEFAULT_MEMO_BYTES
    return value


def _share(score):
    """The fraction of its maximum a Score is (0 when the maximum is 0)."""
    return score.raw_earned / score.raw_possible if score.raw_possible else 0


@XBlock.wants("user", "i18n", "settings", "completion")
class ComplaintSimBlock(UnitRosterMixin, ScenarioEditorMixin, ScorableXBlockMixin, XBlock):
    """A branching complaint-handling role-play with competency scores and a debrief."""

    # --- Authoring fields ------------------------------------------------------------------
    display_name = String(
        display_name=_("Display name"), help=_("The name learners see for this role-play."),
        default=_("Complaint-handling role-play"), scope=Scope.settings, enforce_type=True)
    scenario = Dict(
        display_name=_("Scenario"), help=_("The scenario: persona, competencies, duties and nodes."),
        default={}, scope=Scope.content, enforce_type=True)
    # Derived from the scenario and kept in settings scope on purpose: the modulestore (and the
    # workbench) load content lazily and apart from settings, so a request that finds the
    # compiled scenario in the memo by this digest never loads the scenario itself.
    scenario_digest = String(
        display_name=_("Scenario digest"), help=_("Hash of the scenario, kept with it (derived)."),
        default="", scope=Scope.settings, enforce_type=True)
    # {"digest", "bytes"} of the scenario as validated when it was saved (empty: never
    # validated, or invalid), "bytes" its compiled size. A worker that meets it builds the
    # scenario without validating or measuring it again: that work ran on the author's
    # request, not on the learner's (derived, like the digest).
    scenario_checked = Dict(
        display_name=_("Validated scenario"),
        help=_("Digest of the scenario when it was saved and found valid (derived)."),
        default={}, scope=Scope.settings, enforce_type=True)
    weight = Float(
        display_name=_("Problem weight"), help=_("How many points the role-play is worth in the course."),
        default=1.0, values={"min": 0}, scope=Scope.settings, enforce_type=True)
    max_attempts = Integer(
        display_name=_("Maximum attempts"), help=_("How many times a learner may play it (0: no limit)."),
        default=3, values={"min": 0}, scope=Scope.settings, enforce_type=True)
    grading_policy = String(
        display_name=_("Grading policy"), help=_("Which attempt counts: the best or the last."),
        default="best", values=[{"display_name": _("Best attempt"), "value": "best"},
                                {"display_name": _("Last attempt"), "value": "last"}],
        scope=Scope.settings, enforce_type=True)

    # --- Learner state -----------------------------------------------------------------------
    run = Dict(
        display_name=_("Current attempt"), help=_("The learner's current or last attempt."),
        default={}, scope=Scope.user_state, enforce_type=True)
    history = List(
        display_name=_("Finished attempts"), help=_("A summary of each finished attempt."),
        default=[], scope=Scope.user_state, enforce_type=True)
    published_score = Dict(
        display_name=_("Published score"),
        help=_("The raw score last sent to the gradebook: an ending's, a rescore's or an instructor's override."),
        default={}, scope=Scope.user_state, enforce_type=True)

    has_score = True
    has_custom_completion = True
    icon_class = "problem"
    editable_fields = ("display_name", "weight", "max_attempts", "grading_policy")
    # The JSON handlers' body limit (xblock_json_contract): the editor posts whole scenarios
    # (a 1,000-node one is about 1 MB of JSON).
    max_body_bytes = 4 * 1024 * 1024

    # --- Helpers ---------------------------------------------------------------------------
    def translator(self):
        """The i18n service's ``gettext`` (the LMS's loads our catalog), or no translation."""
        service = self.runtime.service(self, "i18n")
        return service.gettext if service is not None else str

    def gettext(self, text):
        """``text`` in the user's language."""
        return self.translator()(text)

    def _user_attr(self, name, default=None):
        return user_attrs(self).get(name, default)

    def _is_staff(self):
        return is_course_staff(self)

    def page_locale(self):
        """``{"language", "time_zone"}`` the browser formats dates and numbers with: the page's
        language (never the browser's) and the learner's time zone preference, else the course's."""
        preferences = self._user_attr("edx-platform.user_preferences", {}) or {}
        time_zone = preferences.get("time_zone") if isinstance(preferences, dict) else None
        return {"language": translation.get_language() or "en",
                "time_zone": time_zone if isinstance(time_zone, str) and time_zone else COURSE_TIME_ZONE}

    def set_scenario(self, data, compiled=None):
        """Store scenario data with its digest: the one way to write it.

        It is compiled here, on the author's request (and so memoised in this process); when it
        is valid and canonical, its digest is recorded as validated, so that a learner's request
        in a fresh worker only builds it. ``compiled``: ``compile_scenario(data)`` when the caller
        has just made it (saves compiling it again).
        """
        digest = scenario_digest(data)
        self.scenario = data
        self.scenario_digest = digest
        if compiled is not None and compiled.data == data:
            compiled = replace(compiled, digest=digest)
        else:
            compiled = None
        try:
            scenario = _COMPILED.get(digest, lambda: compiled or _outcome(data, digest), self._memo_budget())
            if isinstance(scenario, ScenarioInvalid):
                raise ScenarioInvalid(scenario.problems)
        except ScenarioInvalid:
            scenario = None
        valid = scenario is not None and scenario.data == data
        self.scenario_checked = {"digest": digest, "bytes": deep_size(scenario)} if valid else {}

    def scenario_data(self):
        """The stored scenario, or the packaged KTP-el scenario for a block not authored yet."""
        return self.scenario or default_scenario().data

    def compiled(self):
        """The playable scenario (raises ScenarioInvalid if the stored one is broken)."""
        if self.scenario_digest:
            checked = self.scenario_checked
            validated = checked.get("digest") == self.scenario_digest
            size = checked.get("bytes") if validated else None
            return _compiled(self.scenario_digest, self._stored_scenario, self._memo_budget(), validated,
                             size if isinstance(size, int) and not isinstance(size, bool) and size > 0 else None)
        if self.scenario:  # stored without its digest (not through set_scenario): hash it here
            data = self.scenario
            return _compiled(scenario_digest(data), lambda: data, self._memo_budget())
        return default_scenario()

    def _stored_scenario(self):
        """The stored scenario, read without XBlock's copy-on-read.

        Reading a mutable field keeps a deep copy of it to notice changes: for a 1,000-node
        scenario that copy costs more than building the scenario, and the memo only reads
        the value, never changes it. A value set on this instance and not saved yet is read
        through the field as usual.
        """
        if "scenario" in self._field_data_cache:  # noqa: SLF001  (set in this request)
            return self.scenario
        try:
            return self._field_data.get(self, "scenario")  # noqa: SLF001
        except KeyError:
            return self.scenario

    def _memo_budget(self):
        """The compiled-scenario memo's budget: the settings service's bucket for this block
        (the LMS's reads Django's XBLOCK_SETTINGS), else Django's XBLOCK_SETTINGS itself."""
        service = self.runtime.service(self, "settings")
        if service is not None:
            return memo_budget(service.get_settings_bucket(self, default={}))
        if django_settings.configured:
            return memo_budget(getattr(django_settings, "XBLOCK_SETTINGS", {}).get(
                getattr(type(self), "unmixed_class", type(self)).__name__))
        return DEFAULT_MEMO_BYTES

    def _safe_compiled(self):
        try:
            return self.compiled(), []
        except ScenarioInvalid as invalid:
            return None, invalid.problems

    # --- Learner progress: the run table, compare-and-set ---------------------------------------
    def _progress_keys(self):
        usage = self.scope_ids.usage_id
        course = getattr(usage, "course_key", None)
        user = self._user_attr("edx-platform.anonymous_user_id") or self.scope_ids.user_id
        return ("" if course is None else str(course)), str(usage), str(user)

    def _load(self):
        """``(version, progress)``: the run table's row, else the old user-state fields (version
        0: read only; the first write moves them into the table).

        A row with finished attempts whose learner has no user state at all was cleared by staff
        ("Delete learner's state" in the LMS deletes the learner's state row and zeroes the
        grade, but does not know this table): it reads as never played, at the row's version, so
        the learner's next start overwrites it by the same compare-and-set as any write. Not in
        Studio's preview, whose user state lives in the author's session.
        """
        from . import store  # Django models: imported when a learner's progress is needed

        _course, usage, user = self._progress_keys()
        stored = store.load(usage, user)
        if stored is not None:
            if not getattr(self.runtime, "is_author_mode", False) and flow.state_was_cleared(
                    stored.history, self.run, self.history):
                return stored.version, flow.empty()
            return stored.version, flow.progress(stored.run, stored.history)
        return 0, flow.progress(self.run, self.history)

    def load_progress(self):
        """The learner's stored progress ``{"run", "history"}`` as plain data (read only).

        The one way to read a learner's role-play, e.g. for rescoring from the stored path.
        """
        return self._load()[1]

    def _commit(self, scenario, version, updated, events):
        """Store ``updated`` if nobody wrote since ``version`` was read, then publish ``events``.

        Losing the race is a 409 with the state as it now is; the loser publishes nothing, so
        each event (an ending's grade and completion among them) is sent exactly once.
        """
        from django.db import transaction

        from . import aggregates, store

        course, usage, user = self._progress_keys()
        ending = next((payload for name, payload in events if name == "edx.complaint_sim.ending"), None)
        try:
            # The ending is added to the aggregates in the transaction in which the run row won
            # its compare-and-set: exactly once, and a 409 loser adds nothing.
            with transaction.atomic():
                store.save(course, usage, user, version, updated["run"], updated["history"])
                if ending is not None:
                    ending["unit"] = self.learner_unit()
                    aggregates.record(scenario, usage, user, ending["unit"], updated["run"], updated["history"][-1])
        except store.Conflict:
            current, notice = flow.resume(scenario, self._load()[1])
            raise HandlerError(409, "STALE", _("This was already done in another tab or window; here is where "
                                               "you are now."), state=self._state(scenario, current, notice)) from None
        # Mirrored into user state for its readers, the reflection's linked run (the finished
        # attempts) and the instructor's report (those and the attempt number): written when an
        # attempt starts or ends, not at each turn, so that a turn writes one row (the run's),
        # not two. The run table stays the learner's progress; the mirror's run is as it stood then.
        run = updated["run"] or {}
        if updated["history"] != self.history or run.get("attempt") != (self.run or {}).get("attempt"):
            self.run = run
            self.history = updated["history"]
        for name, payload in events:
            if name == "grade":  # through ScorableXBlockMixin, which keeps it as the block's score
                self._publish_grade(Score(payload["value"], payload["max_value"]))
            else:
                self.runtime.publish(self, name, payload)

    def _state(self, scenario, current, notice=None):
        """Everything the learner's page needs, and nothing of the answer key."""
        published = self._published()
        state = flow.learner_state(scenario, current, self.max_attempts, self.grading_policy, notice, (
            self.gettext("Time is up"),
            self.gettext("The conversation went on too long without a resolution, and the citizen left.")),
            None if published is None else tuple(published))
        if state["debrief"] is not None:  # after an ending only: "Rekan Anda memilih …"
            state["debrief"]["turns"] = self._colleague_shares(scenario, current["run"], state["debrief"]["turns"])
        return state

    def _colleague_shares(self, scenario, run, turns):
        """The debrief's turns with what share of colleagues (this block, this scenario version)
        chose the same, and the recommended choice (only where more than k choices were made)."""
        from tangerang_units.compat import course_k

        from . import aggregates

        version = run.get("digest") or scenario.digest
        model_ids = {}
        for node_id, choice_id in scenario.model_route:
            if choice_id is not None:
                model_ids.setdefault(node_id, choice_id)
        taken = aggregates.choices_taken(str(self.scope_ids.usage_id), version)
        return tallies.shares(turns, run["path"], taken, model_ids, course_k(course_key_of(self)))

    # --- Scoring: ScorableXBlockMixin (the Instructor Dashboard's rescore and override) ----------
    def _published(self):
        """The stored ``published_score`` as a Score, or None (never published, or not readable)."""
        stored = self.published_score
        earned, possible = stored.get("earned"), stored.get("possible")
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (earned, possible))
        return Score(earned, possible) if numbers else None

    def has_submitted_answer(self):
        """Whether the learner finished an attempt (only then is there a score to recompute)."""
        return bool(self.load_progress()["history"])

    def get_score(self):
        """The raw score last published, else the counted attempt's (``Score(0, max)`` if none)."""
        published = self._published()
        if published is not None:
            return published
        counted = flow.counted_entry(self.load_progress()["history"], self.grading_policy)
        if counted is None:
            return Score(0, self.max_score())
        return Score(counted["points"], counted["max_points"])

    def set_score(self, score):
        """Keep ``score`` as the block's score (the LMS's override calls this, then
        ``publish_grade``)."""
        self.published_score = {"earned": score.raw_earned, "possible": score.raw_possible}

    def calculate_score(self):
        """The score of the learner's stored attempts on the scenario as it is now, counted by
        the grading policy: each finished attempt's steps scored anew (a fixed scenario rescores
        the same path). Writes nothing; raises ScenarioInvalid if the scenario is broken."""
        scenario = self.compiled()
        points = flow.calculated_score(scenario, self.load_progress(), self.grading_policy)
        return Score(0, session.max_points(scenario)) if points is None else Score(*points)

    def _publish_grade(self, score, only_if_higher=None):
        """Send ``score`` to the gradebook and keep it as the block's score; with
        ``only_if_higher``, a lower share than the one kept leaves the kept one (as the LMS does
        with the gradebook's)."""
        kept = self._published() if only_if_higher else None
        if kept is None or _share(score) >= _share(kept):
            self.set_score(score)
        super()._publish_grade(score, only_if_higher)

    def publish_grade(self, score=None, only_if_higher=None):
        """Publish ``score``, by default the block's score (the LMS's override calls this after
        ``set_score``)."""
        self._publish_grade(score or self.get_score(), only_if_higher)

    # --- Views -------------------------------------------------------------------------------
    @XBlock.supports("multi_device")
    def student_view(self, context=None):
        """The role-play: intro, the current node, or the debrief of the attempt just played."""
        scenario, problems = self._safe_compiled()
        frag = Fragment()
        frag.add_css(asset("public/complaint_sim.css"))
        if scenario is None:
            frag.add_content(render("templates/broken.html", {
                "title": self.display_name,
                "message": self.gettext("This role-play cannot be played: its scenario has errors."),
                "problems": [p.as_dict(self.gettext) for p in problems] if self._is_staff() else [],
            }))
            return frag
        current, notice = flow.resume(scenario, self._load()[1])
        frag.add_content(render("templates/student_view.html", {
            "title": self.display_name,
            "loading": self.gettext("Loading the role-play…"),
            "noscript": self.gettext("This role-play needs JavaScript."),
        }))
        add_client_script(frag)
        frag.add_javascript(asset("public/complaint_sim.js"))
        # The init data goes into the block's own HTML, escaped for a <script> element (see
        # json_script), and the runtime's init arguments carry none of it: the workbench writes
        # those into the page unescaped, so they must hold no author or learner text.
        init = {
            "state": self._state(scenario, current, notice),
            "intro": {"title": scenario.title, "situation": scenario.situation, "persona": scenario.persona},
            "strings": browser_strings(self.translator()),
            "locale": self.page_locale(),
        }
        if self._is_staff():  # the staff analytics, loaded when staff open them
            add_analytics(frag, self.gettext("Analytics for course staff"))
            init["analytics"] = analytics_strings(self.translator())
            # The analytics' scenario map (scenario_map.js): the node graph only, no answer key.
            from .editor import map_outline
            from .studio import add_scenario_map
            init["map"] = {"strings": add_scenario_map(frag, self.gettext), "scenario": map_outline(scenario.data)}
        frag.add_content(json_script(init))
        frag.initialize_js("ComplaintSimBlock", {})
        return frag

    def author_view(self, context=None):
        """Studio preview: the learner's view, plus the scenario's problems if any."""
        return self.student_view(context)

    # --- Handlers ----------------------------------------------------------------------------
    def _require_user(self):
        if self._user_attr("edx-platform.is_authenticated", True) is False:
            raise HandlerError(403, NOT_SIGNED_IN, _("Sign in to play the role-play."))

    def _playable(self):
        self._require_user()
        scenario, _problems = self._safe_compiled()
        if scenario is None:
            raise HandlerError(409, "SCENARIO_INVALID", _("This role-play cannot be played: its scenario has errors."))
        return scenario

    @staticmethod
    def _turn_args(data):
        node, step = data.get("node"), data.get("step")
        if not isinstance(node, str) or not 0 < len(node) <= MAX_ID:
            raise HandlerError(400, BAD_REQUEST, _("The request is missing a valid node id."))
        if isinstance(step, bool) or not isinstance(step, int) or step < 0:
            raise HandlerError(400, BAD_REQUEST, _("The request is missing a valid step number."))
        return node, step

    def _act(self, scenario, action):
        """Run the pure flow ``action(progress)`` on the learner's progress and store the result."""
        version, stored = self._load()
        current, notice = flow.resume(scenario, stored)
        try:
            updated, events = action(current)
        except flow.FlowError as error:
            extra = {"state": self._state(scenario, current, notice)} if error.with_state else {}
            raise HandlerError(error.status, error.code, error.message, **extra) from None
        self._commit(scenario, version, updated, events)
        return {"state": self._state(scenario, updated)}

    @json_endpoint
    def state(self, data):
        """The learner's current state (used to resume). Errors: 409 SCENARIO_INVALID."""
        scenario = self._playable()
        current, notice = flow.resume(scenario, self._load()[1])
        return {"state": self._state(scenario, current, notice)}

    @json_endpoint
    def start(self, data):
        """Start attempt ``{"attempt": n}`` (n = attempts used + 1; a repeat of it is stale).

        Errors: 400 BAD_REQUEST; 403 NOT_SIGNED_IN; 409 STALE, NO_ATTEMPTS_LEFT, SCENARIO_INVALID.
        """
        scenario = self._playable()
        attempt = data.get("attempt")
        if isinstance(attempt, bool) or not isinstance(attempt, int):
            raise HandlerError(400, BAD_REQUEST, _("The request is missing a valid attempt number."))
        # A fresh seed per attempt: the choices' order differs between learners and attempts.
        seed = secrets.token_hex(8)
        return self._act(scenario, lambda current: flow.start(scenario, current, attempt, self.max_attempts, seed))

    @json_endpoint
    def choose(self, data):
        """Pick ``{"node", "step", "choice"}``.

        Errors: 400 BAD_REQUEST, UNKNOWN_CHOICE; 403 NOT_SIGNED_IN; 409 STALE, ATTEMPT_OVER,
        NOT_STARTED, SCENARIO_INVALID (409 bodies carry the current ``state``).
        """
        scenario = self._playable()
        node, step = self._turn_args(data)
        choice = data.get("choice")
        if not isinstance(choice, str) or not 0 < len(choice) <= MAX_ID:
            raise HandlerError(400, BAD_REQUEST, _("The request is missing a valid choice id."))
        return self._act(scenario, lambda current: flow.choose(scenario, current, node, step, choice,
                                                               self.grading_policy))

    @json_endpoint
    def record(self, data):
        """File the complaint record ``{"node", "step", "record": {category, urgency, referral,
        deadline_days | deadline_date, summary}}`` (``deadline_date``, YYYY-MM-DD, when the
        scenario has a ``story_date``).

        Errors: 400 BAD_REQUEST, BAD_RECORD, BAD_DEADLINE, BAD_SUMMARY; 403 NOT_SIGNED_IN; 409 STALE,
        ATTEMPT_OVER, NOT_STARTED, SCENARIO_INVALID.
        """
        scenario = self._playable()
        node, step = self._turn_args(data)
        return self._act(scenario, lambda current: flow.record(scenario, current, node, step, data.get("record"),
                                                               self.grading_policy))

    @json_endpoint
    def proceed(self, data):
        """Move on from a narration node ``{"node", "step"}`` (the "Lanjut" button).

        Errors: 400 BAD_REQUEST; 403 ANONYMOUS; 409 STALE, ATTEMPT_OVER, NOT_STARTED, SCENARIO_INVALID.
        """
        scenario = self._playable()
        node, step = self._turn_args(data)
        return self._act(scenario, lambda current: flow.proceed(scenario, current, node, step,
                                                                self.grading_policy))

    # --- Staff analytics (issue 11) ---------------------------------------------------------------
    @json_endpoint
    def analytics(self, data):
        """The role-play's staff analytics from the aggregate rows only (course staff).

        ``{"version"?: digest, "unit"?: str|null ("" = no unit), "from"?: "YYYY-MM-DD", "to"?: …}``
        → ``{"versions", "version", "units", "filters", "report"}`` (see ``tallies.report``; a
        population under k learners is hidden). Errors: 400 BAD_REQUEST; 403 STAFF_ONLY.
        """
        from tangerang_units.compat import course_k

        from . import aggregates, register

        require_staff(self, _("Only course staff may see the role-play's analytics."))
        usage = str(self.scope_ids.usage_id)
        version, unit = data.get("version"), data.get("unit")
        if version is not None and (not isinstance(version, str) or len(version) > MAX_ID):
            raise HandlerError(400, BAD_REQUEST, _("The request has an invalid scenario version."))
        if unit is not None and (not isinstance(unit, str) or len(unit) > 100):
            raise HandlerError(400, BAD_REQUEST, _("The request has an invalid unit."))
        try:
            start, end = aggregates.parse_day(data.get("from")), aggregates.parse_day(data.get("to"))
        except ValueError:
            raise HandlerError(400, BAD_REQUEST, _("Dates must be given as YYYY-MM-DD.")) from None
        scenario, _problems = self._safe_compiled()
        versions = aggregates.versions(usage)
        current = scenario.digest if scenario is not None else None
        if version is None:
            version = current or (versions[0]["version"] if versions else "")
        labelled = scenario if scenario is not None and version == current else None
        categories = register.maladministration()
        k = course_k(course_key_of(self))
        rows = aggregates.summed(usage, version, unit, start, end)
        report = tallies.report(labelled, rows, k, self.gettext, categories)
        unfiltered = unit is None and start is None and end is None  # then the rows name every unit
        units = (sorted({row["unit"] for row in rows if row["unit"] is not None}) if unfiltered
                 else aggregates.units(usage, version))
        return {"versions": [{**v, "current": v["version"] == current} for v in versions], "version": version,
                "units": units, "k": k,
                "filters": {"unit": unit, "from": start and start.isoformat(), "to": end and end.isoformat()},
                "report": report}

    # --- Platform contract without a user ------------------------------------------------------
    def max_score(self):
        """Raw maximum from the scenario's model route (content only, no user needed)."""
        scenario, _problems = self._safe_compiled()
        return session.max_points(scenario) if scenario is not None else 0

    def student_view_data(self, context=None):
        """What a native client needs to show the block; no targets, scores or feedback."""
        scenario, problems = self._safe_compiled()
        if scenario is None:
            return {"valid": False, "display_name": self.display_name}
        return {
            "valid": True, "display_name": self.display_name, "title": scenario.title,
            "situation": scenario.situation, "persona": scenario.persona,
            "competencies": [{"id": c["id"], "label": c["label"]} for c in scenario.competencies],
            "duties": [{"id": d["id"], "label": d["label"], "basis": d["citations"]} for d in scenario.duties],
            "max_steps": scenario.max_steps, "max_attempts": self.max_attempts,
            "grading_policy": self.grading_policy, "max_score": session.max_points(scenario),
            "weight": self.weight, "handlers": ["state", "start", "choose", "record", "proceed"],
        }

    def generate_report_data(self, user_state_iterator, limit_responses=None):
        """One row per learner: attempts, best and last score, last ending, competencies, path."""
        count = 0
        for user_state in user_state_iterator:
            if limit_responses is not None and count >= limit_responses:
                return
            history = user_state.state.get("history") or []
            run = user_state.state.get("run") or {}
            if not history and not run:
                continue
            best = session.best_attempt(history)
            last = history[-1] if history else None
            row = OrderedDict([
                ("attempts", run.get("attempt", len(history))),
                ("best_score", f"{best['points']}/{best['max_points']}" if best else ""),
                ("last_score", f"{last['points']}/{last['max_points']}" if last else ""),
                ("last_ending", last["ending_title"] if last else ""),
                ("last_quality", last["quality"] if last else ""),
                ("last_critical_breaches", " ".join(last.get("critical_breaches", ())) if last else ""),
            ])
            for comp_id, comp in (last or {}).get("competencies", {}).items():
                row[f"competency_{comp_id}"] = f"{comp['earned']}/{comp['max']}"
            row["path"] = " > ".join(step["node"] for step in (last or {}).get("path", []))
            count += 1
            yield user_state.username, row

    # --- OLX -------------------------------------------------------------------------------------
    @classmethod
    def parse_xml(cls, node, runtime, keys):
        """Attributes become settings; the ``<scenario>`` child becomes the scenario.

        Settings the editor would refuse (``max_attempts="-1"``, ``weight="nan"``, an unknown
        ``grading_policy``) fail the import with a ValueError naming them. An invalid scenario
        is kept, so the author sees its problems in the editor, and learners a notice.
        """
        block = runtime.construct_xblock_from_class(cls, keys)
        settings, unreadable = {}, []
        for name, value in node.items():
            if name in cls.fields and cls.fields[name].scope == Scope.settings and name not in DERIVED_FIELDS:
                try:
                    settings[name] = cls.fields[name].from_string(value)
                except (ValueError, TypeError):
                    unreadable.append(f"{name}={value!r}")
        # The editor's own rules: a setting the editor would refuse is refused here too.
        _clean, problems = validate_settings(settings)
        if unreadable or problems:
            found = unreadable + [str(p) for p in problems]
            raise ValueError(f"complaint_sim {keys.usage_id}: invalid settings in OLX: {'; '.join(found)}")
        for name, value in settings.items():
            setattr(block, name, value)
        child = node.find("scenario")
        if child is not None:
            data = scenario_from_xml(child)
            try:
                scenario = compile_scenario(data)
            except ScenarioInvalid as invalid:
                log.warning("complaint_sim %s imported with an invalid scenario: %s", keys.usage_id,
                            "; ".join(str(p) for p in invalid.problems[:3]))
                block.set_scenario(data)
            else:
                block.set_scenario(scenario.data, scenario)
        return block

    def add_xml_to_node(self, node):
        """Settings as attributes, the scenario as readable child elements."""
        node.tag = self.xml_element_name()
        node.set("xblock-family", self.entry_point)
        for name, field in self.fields.items():
            if field.scope == Scope.settings and field.is_set_on(self) and name not in DERIVED_FIELDS:
                node.set(name, field.to_string(field.read_from(self)))
        if self.scenario:
            node.append(scenario_to_xml(self.scenario))

    @staticmethod
    def workbench_scenarios():
        """Every packaged scenario, the KTP-el demo first, as workbench scenarios."""
        folder = resources.files(__package__).joinpath("scenarios")
        names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".yaml"))
        names.sort(key=lambda name: name != DEFAULT_SCENARIO_FILE)
        blocks = []
        for name in names:
            data = compile_scenario(packaged_scenario(name)).data
            element = etree.Element("complaint_sim", display_name=data["title"], max_attempts="3")
            element.append(scenario_to_xml(data))
            xml = etree.tostring(element, encoding="unicode")
            blocks.append((f"Role-play: {data['title']}", f"<vertical_demo>{xml}</vertical_demo>"))
        return blocks
