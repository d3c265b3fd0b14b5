"""The Studio editor of ``rubric_reflection``: ``studio_view`` and its two JSON handlers.

A mixin over :class:`~rubric_xblock.block.RubricReflectionBlock`; it uses the block's
``gettext``, ``_ids`` and ``_store``. The handlers parse the request, call
the pure :func:`rubric_xblock.editor.check_candidate`, and map problems to HTTP. Only
``editor_save`` writes, and only after the whole candidate (prompt, settings, rubric) is
valid; a refused save changes no field.

Who may edit: a Studio author, that is course staff or, in Studio, a user the
``studio_user_permissions`` service lets write the course
(:func:`xblock_json_contract.can_author`); the same rule as the role-play editor. Anyone
else: 403 ``STAFF_ONLY``.

Rubric versions: the version digest covers criterion ids, level ids and points (see
:attr:`rubric_xblock.rubric.Rubric.version`). Rewording keeps the version; changing points
or levels makes a new one. Saving never touches stored assessments: each keeps the version
it was made with, and the rubric of that version is kept in
:class:`~rubric_xblock.models.RubricVersion` when the assessment is made.
"""
import html
import logging

from django.template import Context
from django.utils.html import json_script
from web_fragments.fragment import Fragment
from xblock.core import XBlock, XBlockMixin

from xblock_json_contract import (
    BAD_REQUEST,
    INVALID,
    HandlerError,
    add_client_script,
    can_author,
    json_endpoint,
    require_author,
)

from . import compat, editor, grading
from .rubric import (
    MAX_CRITERIA,
    MAX_DESCRIPTION_CHARS,
    MAX_LABEL_CHARS,
    MAX_LEVEL_POINTS,
    MAX_LEVELS,
    MAX_WORDS_LIMIT,
    N_,
    RELEASE_MODES,
    RubricError,
    parse_rubric,
)
from .sanitize import sanitize_prompt
from .strings import browser_strings

log = logging.getLogger(__name__)
MAX_BLOCKS_WALKED = 5000

EDITOR_STRINGS = {
    "save": N_("Save"),
    "cancel": N_("Cancel"),
    "saving": N_("Saving…"),
    "saved": N_("Saved."),
    "save_failed": N_("The reflection was not saved"),
    "error": N_("Something went wrong. Please try again."),
    "offline": N_("Could not reach the server. Check your connection and try again."),
    "problems": N_("Problems"),
    "no_problems": N_("No problems: the reflection can be saved."),
    "problem_count": N_("{count} problems"),
    "warnings": N_("Check"),
    "checking": N_("Checking…"),
    "show": N_("Show"),
    # General
    "general": N_("Reflection"),
    "display_name": N_("Display name"),
    "prompt": N_("Prompt (HTML)"),
    "prompt_help": N_("Allowed: paragraphs, lists, emphasis, links, small tables. Anything else is removed "
                      "when saving; the preview shows what learners will see."),
    "prompt_changed": N_("Some of this HTML is not allowed and will be removed (see the preview)."),
    "writing": N_("Writing"),
    "min_words": N_("Minimum words"),
    "max_words": N_("Maximum words"),
    "grading": N_("Grading"),
    "self_assessment": N_("Self assessment: learners assess their own reflection after submitting"),
    "staff_assessment": N_("Staff assessment: course staff grade the reflection (their score is the grade)"),
    "grade_release": N_("When learners see a staff grade"),
    "release_immediate": N_("As soon as staff grade it"),
    "release_staff": N_("When staff release the grades"),
    "weight": N_("Problem weight (blank: the rubric's points)"),
    "max_score": N_("Worth {score} points in the gradebook (rubric: {points} points)."),
    # Grading at scale: who grades, peer review, training, the agreement sample, appeals
    "grading_scale": N_("Peer review, agreement and appeals"),
    "grading_mode": N_("Who grades"),
    "mode_staff": N_("Course staff only"),
    "mode_peer": N_("Peers (the median of their reviews is the grade; staff may override)"),
    "mode_peer_staff": N_("Peers first, then staff (the staff grade counts)"),
    "peer_count": N_("Peer reviews each learner gives"),
    "peer_minimum": N_("Reviews a reflection needs for a peer grade"),
    "peer_training": N_("Training first: learners score staff's examples before reviewing peers"),
    "training_tolerance": N_("Training passes within this many levels per criterion"),
    "agreement_share": N_("Share graded twice, blind, for the agreement figures (%)"),
    "appeal_days": N_("Appeal period after release (working days; 0: no appeals)"),
    "appeal_staff_days": N_("Staff answer period for an appeal (working days)"),
    "peer_expiry_hours": N_("Hours a learner may hold a reflection to review before it goes back to the pool"),
    "range": N_("A whole number from {low} to {high}."),
    "linked": N_("Linked role-play"),
    "linked_help": N_("Learners and graders see the learner's own run of this role-play beside the text."),
    "linked_none": N_("(none)"),
    "linked_other": N_("Other (type its id)"),
    "linked_id": N_("Role-play id (usage id)"),
    "linked_none_found": N_("No role-play blocks were found around this one; type the role-play's id, or "
                            "leave it empty."),
    # Rubric
    "rubric": N_("Rubric"),
    "criterion_n": N_("Criterion {n}"),
    "level_n": N_("Level {n}"),
    "id": N_("Id"),
    "label": N_("Label"),
    "description": N_("Description"),
    "points": N_("Points"),
    "feedback_only": N_("Feedback only (a comment, no points)"),
    "add_criterion": N_("Add criterion"),
    "add_level": N_("Add level"),
    "move_up": N_("Move up"),
    "move_down": N_("Move down"),
    "delete": N_("Delete"),
    "move_up_named": N_("Move {name} up"),
    "move_down_named": N_("Move {name} down"),
    "delete_named": N_("Delete {name}"),
    "moved": N_("{name} is now number {n}."),
    "deleted": N_("{name} deleted."),
    "confirm_delete": N_("Delete {name}?"),
    "new_criterion": N_("New criterion"),
    "new_level": N_("New level"),
    "id_help": N_("Ids identify criteria and levels in stored grades: changing one makes a new rubric version."),
    # Versions
    "version": N_("Rubric version {version}"),
    "version_same": N_("Only wording changed: grades already given keep their rubric version."),
    "version_new": N_("Points or levels changed: saving makes a new rubric version. Grades already given keep "
                      "the version they were made with, and staff can regrade them."),
    "version_impact": N_("{count} assessments were made with another version of this rubric."),
    # Preview
    "preview": N_("What the learner sees"),
    "preview_steps": N_("After submitting: {steps}."),
    "step_self": N_("self assessment"),
    "step_staff": N_("staff grading"),
    "preview_sim": N_("The learner's run of the linked role-play is shown here."),
}


def editor_strings(gettext):
    """EDITOR_STRINGS translated with ``gettext``."""
    return {key: gettext(value) for key, value in EDITOR_STRINGS.items()}


@XBlock.wants("studio_user_permissions")
class RubricEditorMixin(XBlockMixin):
    """Studio editing for the reflection: prompt, limits, steps, role-play link and rubric."""

    # --- Access -----------------------------------------------------------------------------
    def _require_editor(self):
        require_author(self, N_("Only the course team can edit this reflection."))

    # --- The course's role-plays ------------------------------------------------------------
    def _roleplays(self):
        """``[{"id", "name"}]`` of the complaint_sim blocks in this block's course (or tree).

        Walks up with ``get_parent()`` to the root, then down through the children. Runtimes
        that cannot (the workbench across scenarios) give an empty list: the author types
        the id instead. Never raises.
        """
        found = []
        try:
            root, seen = self, 0
            while seen < 50:
                parent = root.get_parent()
                if parent is None:
                    break
                root, seen = parent, seen + 1
            stack, walked = [root], 0
            while stack and walked < MAX_BLOCKS_WALKED:
                block = stack.pop()
                walked += 1
                if block.scope_ids.block_type == "complaint_sim":
                    found.append({"id": str(block.scope_ids.usage_id),
                                  "name": getattr(block, "display_name", "") or str(block.scope_ids.usage_id)})
                    continue
                if getattr(block, "has_children", False):
                    stack.extend(reversed(block.get_children()))
        except Exception:  # noqa: BLE001  listing is a convenience; typing the id still works
            log.warning("Could not list the course's role-plays", exc_info=True)
            return []
        return found

    # --- Candidate checks ---------------------------------------------------------------------
    def _current_values(self):
        return {name: getattr(self, name) for name in editor.FIELDS}

    def _check(self, data):
        """``(clean, report)`` for an editor request; the report is JSON for the browser."""
        candidate = data.get("reflection")
        if not isinstance(candidate, dict):
            raise HandlerError(400, BAD_REQUEST, N_("The request is missing the reflection."))
        roleplays = self._roleplays()
        try:
            clean, problems, warnings = editor.check_candidate(
                candidate, self._current_values(), {r["id"] for r in roleplays},
                same_course=lambda link: compat.same_context(link, self.scope_ids.usage_id))
        except RubricError as err:  # the block-wide rule disagreed: report it, never 500
            clean, problems, warnings = {}, [err], []
        try:
            current_version = parse_rubric(self.rubric).version
        except RubricError:
            current_version = None
        report = {
            "valid": not problems,
            "problems": [editor.problem_json(err, self.gettext) for err in problems],
            "warnings": [editor.problem_json(err, self.gettext) for err in warnings],
            "prompt_html": clean.get("prompt"),
            "current_rubric_version": current_version,
            "impact": None,
            **editor.summary(clean, current_version),
        }
        if report["rubric_version"]:
            report["impact"] = self._impact(report["rubric_version"])
        return clean, report

    def _impact(self, version):
        """Stored work of this block against ``version`` (None where there is no database)."""
        try:
            return self._store().version_impact(*self._ids(), version)
        except Exception:  # noqa: BLE001  Studio without the app's tables still edits
            log.warning("Could not count this reflection's assessments", exc_info=True)
            return None

    # --- View -------------------------------------------------------------------------------
    def studio_view(self, context=None):
        """The reflection editor: form on the left, the learner's view on the right.

        A user without edit rights gets a notice instead: no form to fill in and lose on Save.
        """
        if not can_author(self):
            title = self.gettext(N_("You cannot edit this reflection"))
            message = self.gettext(
                N_("Only the course team can edit it. Nothing on this page can be changed or saved."))
            return Fragment(f'<section class="rre-no-rights" role="alert"><h2>{html.escape(title)}</h2>'
                            f'<p>{html.escape(message)}</p></section>')
        strings = editor_strings(self.gettext)
        learner = browser_strings(self.gettext)
        from .block import asset, template  # noqa: PLC0415 (block.py imports this module)

        frag = Fragment(template("templates/studio_view.html").render(Context({"s": strings})))
        frag.add_css(asset("public/rubric_reflection.css"))
        frag.add_css(asset("public/studio.css"))
        add_client_script(frag)
        frag.add_javascript(asset("public/studio.js"))
        try:
            current_version = parse_rubric(self.rubric).version
        except RubricError:
            current_version = None
        frag.add_content(json_script({  # escaped init data, never in the runtime's arguments
            "reflection": {name: getattr(self, name) for name in editor.FIELDS},
            "prompt_html": sanitize_prompt(self.prompt),
            "rubric_version": current_version,
            "roleplays": self._roleplays(),
            "strings": strings,
            "locale": self.page_locale(),
            "learner_strings": {key: learner[key] for key in ("rubric", "feedback_only", "your_text", "words",
                                                               "limits", "submit", "sim_title")},
            "limits": {"max_criteria": MAX_CRITERIA, "max_levels": MAX_LEVELS, "max_points": MAX_LEVEL_POINTS,
                       "max_label": MAX_LABEL_CHARS, "max_description": MAX_DESCRIPTION_CHARS,
                       "max_words": MAX_WORDS_LIMIT, "max_prompt": editor.MAX_PROMPT_CHARS,
                       "max_weight": editor.MAX_WEIGHT, "release_modes": list(RELEASE_MODES),
                       "grading_modes": list(grading.GRADING_MODES),
                       "grading_limits": {name: list(bounds) for name, bounds in grading.LIMITS.items()}},
        }))
        frag.initialize_js("RubricReflectionEditor", {})
        return frag

    # --- Handlers ---------------------------------------------------------------------------
    @json_endpoint
    def editor_validate(self, data):
        """Check ``{"reflection": {...}}`` (see :mod:`rubric_xblock.editor`); writes nothing.

        → ``{valid, problems: [{code, message, path}], warnings, prompt_html, points_possible,
        max_score, rubric_version, current_rubric_version, version_changed, impact:
        {submissions, assessments, other_version} | null}``. Errors: 400 ``BAD_REQUEST``;
        403 ``STAFF_ONLY``.
        """
        self._require_editor()
        return self._check(data)[1]

    @json_endpoint
    def editor_save(self, data):
        """Save ``{"reflection": {...}}``: all fields, or, on any problem, none.

        → the :meth:`editor_validate` report plus ``{"saved": true, "reflection": {...}}``.
        Errors: 400 ``BAD_REQUEST``, ``INVALID`` (body also has ``problems``);
        403 ``STAFF_ONLY``.
        """
        self._require_editor()
        clean, report = self._check(data)
        if report["problems"]:
            raise HandlerError(400, INVALID,
                               N_("The reflection has problems; fix them before saving. Nothing was saved."),
                               problems=report["problems"], warnings=report["warnings"])
        for name in editor.FIELDS:
            if getattr(self, name) != clean[name]:
                setattr(self, name, clean[name])
        report["current_rubric_version"] = report["rubric_version"]
        report["version_changed"] = False
        return {**report, "saved": True, "reflection": {name: getattr(self, name) for name in editor.FIELDS}}
