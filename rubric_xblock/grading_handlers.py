"""Grading at scale for ``rubric_reflection``: the staff queue, "Grade next", release of a
selection, peer review with training, agreement figures and appeals, as an XBlock mixin.

Each handler parses its input, calls :mod:`~rubric_xblock.grading` (pure rules) and
:mod:`~rubric_xblock.grading_store` (queries), and maps refusals to HTTP.
"""
import logging

from webob import Response
from xblock.core import XBlockMixin
from xblock.fields import Boolean, Integer, Scope, String

from xblock_json_contract import BAD_REQUEST, HandlerError, json_endpoint

from . import grading
from .rubric import N_, RELEASE_IMMEDIATE, RubricError, assess, mask_personal_data
from .sanitize import mask_learner_text

log = logging.getLogger(__name__)
QUEUE_PAGE = 50
MAX_SELECTION = 1000


def _(text):
    """Mark a field's help text for extraction."""
    return text


def _uuid_list(value):
    if not isinstance(value, list) or not 0 < len(value) <= MAX_SELECTION \
            or not all(isinstance(v, str) and 0 < len(v) <= 64 for v in value):
        raise HandlerError(400, "BAD_SELECTION", N_("Choose between 1 and 1000 submissions."))
    return value


class GradingMixin(XBlockMixin):
    """Settings and handlers for staff grading at scale, peer review, training, agreement, appeals."""

    grading_mode = String(display_name=_("Grading"),
                          help=_("'staff': staff grade; 'peer': the median of peer reviews is the grade (staff "
                                 "may override); 'peer_staff': peers review first, then staff grade."),
                          scope=Scope.settings, default=grading.MODE_STAFF, values=grading.GRADING_MODES,
                          enforce_type=True)
    peer_count = Integer(display_name=_("Peer reviews per learner"),
                         help=_("How many peers' reflections each learner reviews."), scope=Scope.settings,
                         default=grading.DEFAULTS["peer_count"], enforce_type=True)
    peer_minimum = Integer(display_name=_("Reviews for a peer grade"),
                           help=_("Peer reviews a reflection needs before their median is its peer grade."),
                           scope=Scope.settings, default=grading.DEFAULTS["peer_minimum"], enforce_type=True)
    peer_training = Boolean(display_name=_("Training before peer review"),
                            help=_("Learners score staff's example reflections and must come close before "
                                   "reviewing peers."), scope=Scope.settings, default=True, enforce_type=True)
    training_tolerance = Integer(display_name=_("Training tolerance (levels)"),
                                 help=_("How many levels a learner may be off per criterion and still pass."),
                                 scope=Scope.settings, default=grading.DEFAULTS["training_tolerance"],
                                 enforce_type=True)
    agreement_share = Integer(display_name=_("Agreement sample (%)"),
                              help=_("Share of submissions graded twice, blind, to measure agreement."),
                              scope=Scope.settings, default=grading.DEFAULTS["agreement_share"], enforce_type=True)
    appeal_days = Integer(display_name=_("Appeal period (working days)"),
                          help=_("Working days after release in which a learner may appeal a grade (0: no "
                                 "appeals); weekends, national holidays and cuti bersama do not count."),
                          scope=Scope.settings, default=grading.DEFAULTS["appeal_days"], enforce_type=True)
    appeal_staff_days = Integer(display_name=_("Staff answer period (working days)"),
                                help=_("Working days staff have to decide an appeal."), scope=Scope.settings,
                                default=grading.DEFAULTS["appeal_staff_days"], enforce_type=True)

    peer_expiry_hours = Integer(display_name=_("Peer review hold (hours)"),
                                help=_("Hours a learner may hold a reflection given to them for review; after "
                                       "that, unreviewed, it goes back to the pool for another learner."),
                                scope=Scope.settings, default=grading.DEFAULTS["peer_expiry_hours"],
                                enforce_type=True)

    GRADING_FIELDS = ("grading_mode", "peer_count", "peer_minimum", "peer_training", "training_tolerance",
                      "agreement_share", "appeal_days", "appeal_staff_days", "peer_expiry_hours")

    # -- Helpers -----------------------------------------------------------------------------

    def _gstore(self):
        from . import grading_store  # Django models load only where a request needs them

        return grading_store

    def _peer_mode(self):
        return self.grading_mode in (grading.MODE_PEER, grading.MODE_PEER_STAFF)

    def _counted_model(self, assessments):
        """The stored assessment that counts as the grade (staff, else the peer median in peer mode)."""
        kind = grading.counted_kind(self.grading_mode, set(assessments))
        return assessments.get(kind) if kind else None

    def _training_state(self, anonymous_id):
        gstore = self._gstore()
        course_id, item_id = self._ids()
        example_ids = [e.pk for e in gstore.examples(course_id, item_id)]
        return grading.training_status(example_ids, gstore.training_attempts(example_ids, anonymous_id))

    def _critical_breach(self, username, linked=None):
        """True when the learner's counted run of the linked role-play breached a critical duty.

        Read from the run's data: the role-play's ``critical_breaches`` list on the attempt (also
        a duty with ``critical`` true and status ``breached``, or ``critical_breached``); otherwise none.
        """
        attempt = self._linked_simulation_attempt(username, linked)
        if attempt.get("critical_breached") is True or (
                isinstance(attempt.get("critical_breaches"), list) and attempt["critical_breaches"]):
            return True
        duties = attempt.get("duties")
        return isinstance(duties, dict) and any(
            isinstance(d, dict) and d.get("critical") is True and d.get("status") == "breached"
            for d in duties.values())

    def _after_submit(self, reflection):
        """A new submission changes the queue's counts (its flags were stored with its row)."""
        self._gstore().forget_counts(reflection.course_id, reflection.item_id)

    def _grading_facts(self, anonymous_id, reflection, assessments):
        """The facts :func:`rubric_xblock.flow.learner_step` needs, read from the store."""
        course_id, item_id = self._ids()
        counted = self._counted_model(assessments)
        facts = {"signed_in": bool(anonymous_id), "submitted": reflection is not None,
                 "self_assessment": self.self_assessment, "self_done": "self" in assessments,
                 "staff_assessment": self.staff_assessment, "mode": self.grading_mode,
                 "counted": counted.kind if counted else None,
                 "released": bool(counted and counted.released_at)}
        if self._peer_mode() and reflection is not None:
            training = self._training_state(anonymous_id) if self.peer_training else None
            facts.update({"training_required": bool(self.peer_training),
                          "training_done": bool(training and training["done"]),
                          "peer_required": self.peer_count,
                          "peer_done": self._gstore().reviews_done(course_id, item_id, anonymous_id)})
        return facts

    def _peer_feedback(self, reflection):
        """The peer reviews of the learner's reflection, anonymised (numbered, no ids)."""
        return [{"reviewer": index + 1, **self._assessment_json(a)}
                for index, a in enumerate(self._gstore().peer_assessments(reflection))]

    def _appeal_state(self, reflection, counted):
        from django.utils import timezone

        gstore = self._gstore()
        appeal = gstore.get_appeal(reflection)
        window = grading.appeal_window(counted.released_at if counted else None, timezone.now(),
                                       self.appeal_days, appeal)
        return {**window, "appeal": gstore.appeal_json(appeal)}

    # -- Staff: queue, grade next, flag, release, CSV ------------------------------------------

    def _find(self, data):
        reflection = self._store().find_reflection(*self._ids(), data.get("submission_uuid"))
        if reflection is None:
            raise HandlerError(404, "SUBMISSION_NOT_FOUND", N_("There is no such submission in this reflection."))
        return reflection

    @json_endpoint
    def staff_queue(self, data):
        """One page of this block's submissions, with counts per filter.

        Request ``{"filter": "all"|"ungraded"|"graded"|"released"|"unreleased"|"flagged"|"breached"|
        "appealed"|"sampled", "sort": "oldest"|"newest"|"username"|"words", "search": str, "unit": str,
        "offset": int}`` → ``{"counts", "total", "items", "offset", "page_size", "unreleased", "units",
        "rubric_version"}``. Errors: 400 ``BAD_FILTER``; 403 ``STAFF_ONLY``, ``NOT_SIGNED_IN``.
        """
        self._require_staff()
        request = grading.parse_queue_request(data)  # a RubricError is a 400 (handler_refusals)
        course_id, item_id = self._ids()
        counts, total, items, units = self._gstore().queue_page(course_id, item_id, request, QUEUE_PAGE)
        current_version = self._current_version()
        for item in items:
            item["rubric_current"] = item["rubric_version"] in (None, current_version)
        return {"counts": counts, "total": total, "items": items, "offset": request.offset, "page_size": QUEUE_PAGE,
                "unreleased": counts["unreleased"], "units": units, "rubric_version": current_version}

    @json_endpoint
    def grade_next(self, data):
        """Lock the next submission to grade for this grader and open it.

        Request ``{}`` → ``{"submission": {...} | null}`` (null: nothing left to grade). The
        lock lasts 20 minutes; grading it, or its expiry, frees it. Errors: 403 ``STAFF_ONLY``,
        ``NOT_SIGNED_IN``.
        """
        grader_id, _grader = self._require_staff()
        reflection = self._gstore().grade_next(*self._ids(), grader_id)
        return {"submission": self._staff_payload(reflection) if reflection else None}

    @json_endpoint
    def staff_flag(self, data):
        """Mark a submission for a second look (or clear the mark).

        Request ``{"submission_uuid", "flagged": bool}`` → ``{"flagged"}``. Errors: 400
        ``BAD_REQUEST``; 403 ``STAFF_ONLY``; 404 ``SUBMISSION_NOT_FOUND``.
        """
        self._require_staff()
        reflection = self._find(data)
        if not isinstance(data.get("flagged"), bool):
            raise HandlerError(400, BAD_REQUEST, N_("Say whether the submission is flagged (true or false)."))
        self._gstore().set_flag(reflection, data["flagged"])
        return {"flagged": reflection.flagged}

    def _staff_payload(self, reflection, reveal=False, grader_id=None):
        """One submission as a grader sees it; a blind second grader sees no other grade."""
        from .block import parsed_rubric  # the per-process rubric memo (block imports this module)

        store, gstore = self._store(), self._gstore()
        text = store.submission_text(reflection)
        masked = mask_personal_data(text)
        learner_text = (lambda value: value) if reveal else mask_learner_text
        assessments = store.get_assessments(reflection)
        staff_model = assessments.get("staff")
        median_model = assessments.get("median")
        mine = store.to_rubric_assessment(assessments.get("self"))
        staff = store.to_rubric_assessment(staff_model)
        try:
            _current, current_version, current_dict = parsed_rubric(self.rubric)
        except RubricError:
            current_version = current_dict = None
        if grader_id is None:
            grader_id = self._user_attrs().get("edx-platform.anonymous_user_id")
        appeal = gstore.get_appeal(reflection)
        # Blind only while the first grade is unreleased and unappealed: once the learner has it,
        # whoever answers an appeal must see the grade that is appealed.
        second = bool(reflection.needs_second and staff_model is not None and staff_model.grader_id != grader_id
                      and staff_model.released_at is None and appeal is None)
        lock = gstore.lock_of(reflection)
        payload = {
            "submission_uuid": reflection.submission_uuid,
            "username": reflection.username,
            "submitted_at": reflection.submitted_at.isoformat(),
            "words": reflection.word_count,
            "text": text if reveal else masked,
            "masked": (not reveal) and masked != text,
            "has_personal_data": masked != text,
            # The learner's comments and role-play record are masked like the text (until reveal).
            "self_assessment": learner_text(self._assessment_json(mine)),
            "staff_assessment": store.snapshot(staff_model) if staff_model else None,
            "version": staff_model.version if staff_model else 0,
            "history": store.changes(staff_model),
            "simulation": learner_text(self._simulation_run(reflection.username)),
            "rubric": current_dict,
            "rubric_version": current_version,
            "rubric_current": staff is None or staff.rubric_version == current_version,
            "rubrics": self._other_rubrics(store, (mine, staff), current_version),
            "grading_as": "second" if second else "staff",
            "flagged": reflection.flagged,
            "breached": reflection.breached,
            "sampled": reflection.sampled,
            "lock": {"until": lock["until"], "mine": lock["by"] == grader_id} if lock else None,
            "peer_median": store.snapshot(median_model) if median_model else None,
            "peer_reviews": reflection.peer_done,
            "mode": self.grading_mode,
            "appeal": gstore.appeal_json(appeal),
        }
        if second:
            # Blind: the second grader must not see the first grade, its history or the median.
            payload.update({"staff_assessment": None, "version": 0, "history": [], "peer_median": None})
        return payload

    @json_endpoint
    def staff_submission(self, data):
        """One submission for grading: text (personal data masked unless ``reveal``), self
        assessment, staff assessment with its ``version``, audit history, role-play run, lock,
        peer median, appeal.

        Request ``{"submission_uuid": str, "reveal": bool}``. Errors: 403 ``STAFF_ONLY``,
        ``NOT_SIGNED_IN``; 404 ``SUBMISSION_NOT_FOUND``.
        """
        grader_id, grader = self._require_staff()
        reflection = self._find(data)
        reveal = data.get("reveal") is True
        if reveal:
            self._event("personal_data_revealed", {"submission_uuid": reflection.submission_uuid,
                                                   "by_id": grader_id})
        return {"submission": self._staff_payload(reflection, reveal=reveal, grader_id=grader_id)}

    def _save_staff_grade(self, reflection, assessment, grader_id, grader, expected, already_released):
        """Store a staff grade (409 with the other grader's code if it moved), update the queue flags
        and send the grade when it is due; the stored assessment."""
        store, gstore = self._store(), self._gstore()
        try:
            model = store.save_staff_assessment(reflection, assessment, grader_id, grader, expected)
        except store.Conflict as err:
            raise HandlerError(409, err.code, N_("Someone graded this submission after you opened it. Their grade "
                                                 "is shown now; check it before saving again.")) from err
        gstore.after_staff_grade(reflection, model, self.grading_mode, self.agreement_share)
        self._publish_if_due(reflection, model, grader_id, grader, already_released=already_released)
        return model

    def _learner_user_id(self, reflection):
        """The LMS user id of ``reflection``'s learner, or None where the user service cannot
        say (the LMS's ``get_user_by_anonymous_id`` returns the Django user)."""
        service = self.runtime.service(self, "user")
        lookup = getattr(service, "get_user_by_anonymous_id", None)
        learner = lookup(reflection.student_id) if lookup else None
        user_id = getattr(learner, "id", None)
        return user_id if isinstance(user_id, int) else None

    def _publish_if_due(self, reflection, model, grader_id, grader, already_released=False):
        store, gstore = self._store(), self._gstore()
        if self.grade_release == RELEASE_IMMEDIATE or model.released_at is not None or already_released:
            store.publish_score(reflection, model, self.weight, grader_id, grader)
            gstore.mark_released(reflection.course_id, reflection.item_id, [reflection.pk])
            reflection.released = True

    @json_endpoint
    def staff_grade(self, data):
        """Save (or change) the staff assessment; sends the score unless release waits for staff.

        Request ``{"submission_uuid", "selections": {criterion_id: level_id}, "comments":
        {criterion_id: str}, "overall_comment": str, "expected_version": int, "rubric_version"?:
        str, "second"?: bool}`` → ``{"submission"}``. ``second`` saves the blind second grade of
        a sampled submission (it never counts). In peer mode a staff grade overrides the peer
        median. Errors: 400 ``BAD_VERSION``, ``BAD_ASSESSMENT``, ``UNKNOWN_CRITERION``,
        ``UNKNOWN_LEVEL``, ``MISSING_CRITERION``, ``BAD_COMMENT``, ``COMMENT_TOO_LONG``,
        ``STEP_DISABLED``; 403 ``STAFF_ONLY``, ``NOT_SIGNED_IN``; 404 ``SUBMISSION_NOT_FOUND``;
        409 ``LOCKED`` (another grader holds it; with ``submission``), ``STALE_ASSESSMENT``,
        ``SECOND_NOT_NEEDED``, ``RUBRIC_CHANGED``, ``RUBRIC_INVALID``.
        """
        grader_id, grader = self._require_staff()
        if not self.staff_assessment and not self._peer_mode():
            raise HandlerError(400, "STEP_DISABLED", N_("This reflection has no staff assessment."))
        rubric = self._rubric()
        reflection = self._find(data)
        expected = data.get("expected_version")
        if isinstance(expected, bool) or not isinstance(expected, int) or not 0 <= expected <= 10**9:
            raise HandlerError(400, "BAD_VERSION", N_("The grading form has no valid version; reload it."))
        self._check_form_version(data, rubric)
        assessment = assess(rubric, data.get("selections"), data.get("comments"), data.get("overall_comment"))
        store, gstore = self._store(), self._gstore()
        try:
            gstore.check_lock(reflection, grader_id)
        except store.Conflict as err:
            raise HandlerError(409, "LOCKED", N_("Another grader is grading this submission now."),
                           submission=self._staff_payload(reflection, grader_id=grader_id)) from err
        store.remember_rubric(*self._ids(), rubric)
        if data.get("second") is True:
            staff_model = store.get_assessments(reflection).get("staff")
            if not reflection.needs_second or staff_model is None or staff_model.grader_id == grader_id:
                raise HandlerError(409, "SECOND_NOT_NEEDED", N_("This submission needs no second grade from you."))
            try:
                gstore.save_second(reflection, assessment, grader_id, grader, rubric)
            except store.Conflict as err:
                raise HandlerError(409, "STALE_ASSESSMENT", N_("A second grade was saved meanwhile.")) from err
            reflection.refresh_from_db()
            return {"submission": self._staff_payload(reflection, grader_id=grader_id)}
        median = store.get_assessments(reflection).get("median")
        # An override of a released peer median goes out at once: the learner already has a grade.
        model = self._save_staff_grade(reflection, assessment, grader_id, grader, expected,
                                       already_released=bool(median and median.released_at))
        gstore.record_pairs(reflection, rubric)
        self._publish_staff_graded(reflection, model, grader_id)
        return {"submission": self._staff_payload(reflection, grader_id=grader_id)}

    def _publish_staff_graded(self, reflection, model, grader_id, appeal=False):
        """Publish ``staff_graded`` for a saved staff grade (a first grade, an override, an appeal's)."""
        payload = {"submission_uuid": reflection.submission_uuid, "grader_id": grader_id,
                   "version": model.version, "points_earned": model.points_earned,
                   "points_possible": model.points_possible, "rubric_version": model.rubric_version,
                   "released": model.released_at is not None, "unit": reflection.unit, "appeal": appeal}
        learner_id = self._learner_user_id(reflection)
        if learner_id is not None:
            # The graded learner, so that an xAPI statement names the learner, not the grader, as
            # its actor (ERB reads ``data.user_id`` before the context's user).
            payload["user_id"] = learner_id
        self._event("staff_graded", payload)

    @json_endpoint
    def release_grades(self, data):
        """Send unreleased grades to the gradebook: all of them, or the selected submissions.

        Request ``{"submission_uuids"?: [str], "preview"?: bool, "expected_count"?: int}`` →
        ``{"released": n}`` (or ``{"count": n}`` with ``preview``: how many would go out, for the
        confirmation). ``expected_count`` is the number the confirmation showed; if it changed
        meanwhile nothing is sent. Errors: 400 ``BAD_SELECTION``; 403 ``STAFF_ONLY``,
        ``NOT_SIGNED_IN``; 409 ``COUNT_CHANGED`` (with ``count``).
        """
        releaser_id, releaser = self._require_staff()
        store, gstore = self._store(), self._gstore()
        uuids = _uuid_list(data["submission_uuids"]) if "submission_uuids" in data else None
        expected = data.get("expected_count")
        if expected is not None and (isinstance(expected, bool) or not isinstance(expected, int)):
            raise HandlerError(400, "BAD_SELECTION", N_("Choose between 1 and 1000 submissions."))
        due = gstore.unreleased_counted(*self._ids(), uuids)
        overridden = gstore.staff_overrides([r for r, (_pk, kind) in due.items() if kind == "median"])
        due = {r: (pk, kind) for r, (pk, kind) in due.items()
               if kind == "staff" or (self.grading_mode == grading.MODE_PEER and r not in overridden)}
        if data.get("preview") is True:
            return {"count": len(due)}
        if expected is not None and expected != len(due):
            raise HandlerError(409, "COUNT_CHANGED", N_("The number of grades to release changed; check it again."),
                           count=len(due))
        released = []
        # Each row is re-read and released under a lock (store.release_score): a regrade saved
        # meanwhile is the grade sent, and a row released meanwhile is not sent twice.
        for reflection_id, (pk, _kind) in due.items():
            if store.release_score(pk, self.weight, releaser_id, releaser):
                released.append(reflection_id)
        gstore.mark_released(*self._ids(), released)
        self._event("released", {"count": len(released), "by_id": releaser_id, "mode": self.grade_release,
                                 "selection": uuids is not None})
        return {"released": len(released)}

    @json_endpoint
    def download_csv(self, data):
        """The grades as a streamed CSV download (one row per learner; memory stays flat).

        Request ``{}`` → a ``text/csv`` attachment (the contract's checks first). Errors (JSON):
        403 ``STAFF_ONLY``, ``NOT_SIGNED_IN``; 409 ``RUBRIC_INVALID``.
        """
        self._require_staff()
        rubric = self._rubric()
        course_id, item_id = self._ids()
        safe = "".join(ch if ch.isalnum() else "-" for ch in item_id)[-60:]
        response = Response(app_iter=self._gstore().stream_csv(course_id, item_id, rubric, self.weight),
                            content_type="text/csv", charset="utf-8")
        response.content_disposition = f'attachment; filename="reflection-grades-{safe}.csv"'
        return response

    # -- Staff: training examples and agreement -----------------------------------------------

    @json_endpoint
    def staff_add_example(self, data):
        """Make a submission a training example with staff's reference levels and reasons.

        Request ``{"submission_uuid", "selections": {criterion_id: level_id}, "rationale":
        {criterion_id: str}}`` → ``{"examples"}``. The text is stored with personal data
        masked. Errors: the ``staff_grade`` 400s; 403 ``STAFF_ONLY``; 404; 409 ``RUBRIC_INVALID``.
        """
        _grader_id, grader = self._require_staff()
        rubric = self._rubric()
        reflection = self._find(data)
        checked = assess(rubric, data.get("selections"), data.get("rationale"), "")
        reference = {p.criterion_id: p.level_id for p in checked.parts if p.level_id}
        rationale = {p.criterion_id: p.comment for p in checked.parts if p.comment}
        self._gstore().add_example(*self._ids(), reflection, reference, rationale, rubric.version, grader)
        return {"examples": self._examples_json(rubric)}

    @json_endpoint
    def staff_retire_example(self, data):
        """Take a training example out of training. Request ``{"example_id": int}`` → ``{"examples"}``.
        Errors: 403 ``STAFF_ONLY``; 404 ``EXAMPLE_NOT_FOUND``; 409 ``RUBRIC_INVALID``."""
        self._require_staff()
        rubric = self._rubric()
        example_id = data.get("example_id")
        if isinstance(example_id, bool) or not isinstance(example_id, int) or \
                not self._gstore().retire_example(*self._ids(), example_id):
            raise HandlerError(404, "EXAMPLE_NOT_FOUND", N_("There is no such training example."))
        return {"examples": self._examples_json(rubric)}

    def _examples_json(self, rubric):
        return [{"id": e.pk, "text": e.text, "reference": e.reference, "rationale": e.rationale,
                 "current": e.rubric_version == rubric.version, "attempts": e.attempts.count(),
                 "passed": e.attempts.filter(passed=True).count()}
                for e in self._gstore().examples(*self._ids())]

    @json_endpoint
    def staff_examples(self, data):
        """Training examples and the training accuracy of the learners on the current queue page.

        Request ``{"students"?: [submission_uuid]}`` → ``{"examples", "accuracy": {submission_uuid:
        status}}``. Errors: 403 ``STAFF_ONLY``; 409 ``RUBRIC_INVALID``.
        """
        self._require_staff()
        rubric = self._rubric()
        accuracy = {}
        if isinstance(data.get("students"), list):
            from .models import Reflection

            uuids = _uuid_list(data["students"])
            by_student = dict(Reflection.objects.filter(course_id=self._ids()[0], item_id=self._ids()[1],
                                                        submission_uuid__in=uuids)
                              .values_list("student_id", "submission_uuid"))
            for student_id, status in self._gstore().training_accuracy(*self._ids(), list(by_student)).items():
                accuracy[by_student[student_id]] = status
        return {"examples": self._examples_json(rubric), "accuracy": accuracy}

    @json_endpoint
    def agreement_summary(self, data):
        """Agreement between graders per criterion: exact, within one level, quadratic weighted
        kappa, for two staff and for staff and the peer median; per month; each grader's mean
        difference from the others.

        Request ``{}`` → ``{"agreement"}``. Errors: 403 ``STAFF_ONLY``; 409 ``RUBRIC_INVALID``.
        """
        self._require_staff()
        rubric = self._rubric()
        return {"agreement": self._gstore().agreement(*self._ids(), rubric)}

    # -- Learners: training and peer review ----------------------------------------------------

    def _peer_learner(self):
        anonymous_id, username = self._learner()
        if not self._peer_mode():
            raise HandlerError(400, "STEP_DISABLED", N_("This reflection has no peer review."))
        reflection = self._store().get_reflection(*self._ids(), anonymous_id)
        if reflection is None:
            raise HandlerError(409, "NOT_SUBMITTED", N_("Submit your reflection before reviewing others."))
        return anonymous_id, username, reflection

    @json_endpoint
    def training_next(self, data):
        """The next training example to score. Request ``{}`` → ``{"example": {id, text} | null,
        "training"}``. Errors: 400 ``STEP_DISABLED``; 403 ``NOT_SIGNED_IN``; 409 ``NOT_SUBMITTED``."""
        anonymous_id, _username, _reflection = self._peer_learner()
        status = self._training_state(anonymous_id)
        example = None
        if status["next"] is not None:
            found = next(e for e in self._gstore().examples(*self._ids()) if e.pk == status["next"])
            example = {"id": found.pk, "text": found.text}
        return {"example": example, "training": status}

    @json_endpoint
    def training_assess(self, data):
        """Score a training example; the answer says, per criterion, how far from staff's level and why.

        Request ``{"example_id": int, "selections": {criterion_id: level_id}}`` → ``{"result":
        {"passed", "rows": [{criterion_id, mine, reference, distance, ok, rationale}]}, "training",
        "state"}``. Errors: the ``self_assess`` 400s; 403 ``NOT_SIGNED_IN``; 404 ``EXAMPLE_NOT_FOUND``;
        409 ``NOT_SUBMITTED``, ``RUBRIC_INVALID``.
        """
        anonymous_id, _username, _reflection = self._peer_learner()
        rubric = self._rubric()
        example = next((e for e in self._gstore().examples(*self._ids()) if e.pk == data.get("example_id")
                        and not isinstance(data.get("example_id"), bool)), None)
        if example is None:
            raise HandlerError(404, "EXAMPLE_NOT_FOUND", N_("There is no such training example."))
        checked = assess(rubric, data.get("selections"), None, "")
        selections = {p.criterion_id: p.level_id for p in checked.parts if p.level_id}
        comparison = grading.compare_training(rubric, example.reference, selections, self.training_tolerance)
        self._gstore().save_training_attempt(example, anonymous_id, selections, comparison)
        for row in comparison["rows"]:
            row["rationale"] = example.rationale.get(row["criterion_id"], "")
        return {"result": comparison, "training": self._training_state(anonymous_id),
                "state": self._learner_state()}

    @json_endpoint
    def peer_next(self, data):
        """The reflection to review next (allocated to this learner), anonymised and masked.

        Request ``{"more"?: bool}`` (``more``: another one after the required number) →
        ``{"review": {"submission_uuid", "text", "words"} | null, "done", "required"}``.
        Errors: 400 ``STEP_DISABLED``; 403 ``NOT_SIGNED_IN``, ``TRAINING_REQUIRED``;
        409 ``NOT_SUBMITTED``.
        """
        anonymous_id, _username, _reflection = self._peer_learner()
        self._require_training(anonymous_id)
        allocation, done = self._gstore().review_for(*self._ids(), anonymous_id, self.peer_count,
                                                     more=data.get("more") is True, hours=self.peer_expiry_hours)
        review = None
        if allocation is not None:
            target = allocation.reflection
            review = {"submission_uuid": target.submission_uuid, "words": target.word_count,
                      "text": mask_personal_data(self._store().submission_text(target))}
        return {"review": review, "done": done, "required": self.peer_count}

    def _require_training(self, anonymous_id):
        if self.peer_training and not self._training_state(anonymous_id)["done"]:
            raise HandlerError(403, "TRAINING_REQUIRED", N_("Pass the training examples before reviewing peers."))

    @json_endpoint
    def peer_assess(self, data):
        """Save this learner's review of a reflection allocated to them.

        Request ``{"submission_uuid", "selections", "comments", "overall_comment", "rubric_version"?}``
        → ``{"state"}``. Errors: the ``self_assess`` 400s; 403 ``NOT_SIGNED_IN``, ``NOT_ALLOCATED``,
        ``TRAINING_REQUIRED``; 409 ``NOT_SUBMITTED``, ``ALREADY_REVIEWED``, ``RUBRIC_CHANGED``,
        ``RUBRIC_INVALID``.
        """
        anonymous_id, _username, _own = self._peer_learner()
        self._require_training(anonymous_id)
        rubric = self._rubric()
        store, gstore = self._store(), self._gstore()
        target = store.find_reflection(*self._ids(), data.get("submission_uuid"))
        allocation = gstore.allocation_for(target, anonymous_id) if target is not None else None
        if allocation is None:
            raise HandlerError(403, "NOT_ALLOCATED", N_("This reflection was not given to you to review."))
        if allocation.done_at is not None:
            raise HandlerError(409, "ALREADY_REVIEWED", N_("You have already reviewed this reflection."))
        self._check_form_version(data, rubric)
        assessment = assess(rubric, data.get("selections"), data.get("comments"), data.get("overall_comment"))
        store.remember_rubric(*self._ids(), rubric)
        try:
            median = gstore.save_peer_assessment(target, allocation, assessment, anonymous_id, rubric,
                                                 self.peer_minimum)
        except store.Conflict as err:
            raise HandlerError(409, "ALREADY_REVIEWED", N_("You have already reviewed this reflection.")) from err
        if median is not None and self.grading_mode == grading.MODE_PEER \
                and "staff" not in store.get_assessments(target):
            self._publish_if_due(target, median, anonymous_id, "")
        self._event("peer_assessed", {"submission_uuid": target.submission_uuid,
                                      "points_earned": assessment.points_earned,
                                      "points_possible": assessment.points_possible,
                                      "median": median is not None})
        return {"state": self._learner_state()}

    # -- Appeals -------------------------------------------------------------------------------

    @json_endpoint
    def appeal(self, data):
        """Appeal (keberatan) a released grade, with a reason, within the appeal period.

        Request ``{"reason": str}`` → ``{"state"}``. Errors: 400 ``BAD_REASON``, ``STEP_DISABLED``;
        403 ``NOT_SIGNED_IN``; 409 ``NOT_RELEASED``, ``APPEAL_CLOSED`` (after the deadline),
        ``ALREADY_APPEALED``.
        """
        from django.utils import timezone

        anonymous_id, _username = self._learner()
        if self.appeal_days <= 0:
            raise HandlerError(400, "STEP_DISABLED", N_("Grades of this reflection cannot be appealed."))
        store, gstore = self._store(), self._gstore()
        reflection = store.get_reflection(*self._ids(), anonymous_id)
        counted = self._counted_model(store.get_assessments(reflection)) if reflection else None
        if counted is None or counted.released_at is None:
            raise HandlerError(409, "NOT_RELEASED", N_("There is no released grade to appeal."))
        reason = self._reason(data.get("reason"))
        if gstore.get_appeal(reflection) is not None:
            raise HandlerError(409, "ALREADY_APPEALED", N_("You have already appealed this grade."))
        if timezone.now() > grading.appeal_deadline(counted.released_at, self.appeal_days):
            raise HandlerError(409, "APPEAL_CLOSED", N_("The appeal period for this grade has ended."),
                           state=self._learner_state())
        try:
            gstore.lodge_appeal(reflection, counted, reason, self.appeal_staff_days, anonymous_id)
        except store.Conflict as err:
            raise HandlerError(409, "ALREADY_APPEALED", N_("You have already appealed this grade.")) from err
        self._event("appealed", {"submission_uuid": reflection.submission_uuid})
        return {"state": self._learner_state()}

    def _reason(self, value):
        return grading.check_reason(value)  # a RubricError BAD_REASON is a 400 (handler_refusals)

    @json_endpoint
    def decide_appeal(self, data):
        """Decide an open appeal: uphold the grade, or change it (a new grade), with a reason.

        Decided by a grader other than the one who gave the appealed grade. Request
        ``{"submission_uuid", "decision": "upheld"|"changed", "reason", and for "changed":
        "selections", "comments", "overall_comment", "expected_version"}`` → ``{"submission"}``.
        Errors: 400 ``BAD_REQUEST``, ``BAD_REASON`` and the ``staff_grade`` 400s; 403 ``STAFF_ONLY``,
        ``SAME_GRADER``; 404 ``SUBMISSION_NOT_FOUND``, ``NO_APPEAL``; 409 ``APPEAL_DECIDED``,
        ``STALE_ASSESSMENT``, ``RUBRIC_CHANGED``, ``RUBRIC_INVALID``.
        """
        grader_id, grader = self._require_staff()
        rubric = self._rubric()
        store, gstore = self._store(), self._gstore()
        reflection = self._find(data)
        appeal = gstore.get_appeal(reflection)
        if appeal is None:
            raise HandlerError(404, "NO_APPEAL", N_("This submission has no appeal."))
        if appeal.status != "open":
            raise HandlerError(409, "APPEAL_DECIDED", N_("This appeal has already been decided."),
                           submission=self._staff_payload(reflection, grader_id=grader_id))
        if appeal.original_grader_id == grader_id:
            raise HandlerError(403, "SAME_GRADER", N_("A different grader must decide an appeal against your grade."))
        decision = data.get("decision")
        if decision not in ("upheld", "changed"):
            raise HandlerError(400, BAD_REQUEST, N_("Decide 'upheld' or 'changed'."))
        reason = self._reason(data.get("reason"))
        counted = self._counted_model(store.get_assessments(reflection))
        if decision == "changed":
            expected = data.get("expected_version")
            if isinstance(expected, bool) or not isinstance(expected, int) or not 0 <= expected <= 10**9:
                raise HandlerError(400, "BAD_VERSION", N_("The grading form has no valid version; reload it."))
            self._check_form_version(data, rubric)
            assessment = assess(rubric, data.get("selections"), data.get("comments"), data.get("overall_comment"))
            store.remember_rubric(*self._ids(), rubric)
            counted = self._save_staff_grade(reflection, assessment, grader_id, grader, expected,
                                             already_released=True)
        try:
            gstore.decide_appeal(appeal, decision, reason, grader_id, grader, counted)
        except store.Conflict as err:
            raise HandlerError(409, "APPEAL_DECIDED", N_("This appeal has already been decided.")) from err
        self._event("appeal_decided", {"submission_uuid": reflection.submission_uuid, "decision": decision})
        if decision == "changed":
            # The changed grade is a new staff grade: Aspects sees the score the learner now has.
            self._publish_staff_graded(reflection, counted, grader_id, appeal=True)
        return {"submission": self._staff_payload(reflection, grader_id=grader_id)}
