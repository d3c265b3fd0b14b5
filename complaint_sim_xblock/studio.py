"""The Studio editor of ``complaint_sim``: ``studio_view`` and the editor's JSON handlers.

A mixin over :class:`~complaint_sim_xblock.block.ComplaintSimBlock`; it uses the block's
``gettext``, ``set_scenario`` and ``scenario_data``. Each handler parses its
input, calls the pure code in :mod:`complaint_sim_xblock.editor` or
:mod:`complaint_sim_xblock.twee`, and maps refusals to HTTP. Only ``editor_save`` writes,
and only after the whole candidate (scenario and settings) is valid.

Who may edit
------------
Every editor handler requires a Studio author: course staff, or a user whom Studio's
``studio_user_permissions`` lets write the course (:func:`xblock_json_contract.can_author`,
which explains why Studio needs the second rule). Anyone else: 403 ``STAFF_ONLY``.
"""
import html
import json

from django.utils import translation
from web_fragments.fragment import Fragment
from webob import Response
from xblock.core import XBlock, XBlockMixin

from xblock_json_contract import (
    BAD_REQUEST,
    INVALID,
    TEXT_TOO_LONG,
    HandlerError,
    add_client_script,
    can_author,
    json_endpoint,
    json_reader,
    require_author,
)
from xblock_json_contract.static import json_script

from . import editor, schema, twee
from .scenario import (
    FEEDBACK_MODES,
    MAX_CHOICES,
    MAX_STEPS_LIMIT,
    MIN_CHOICES,
    QUALITIES,
    RECORD_CHOICE_FIELDS,
    SPEAKERS,
    TIMEOUT_ENDING,
)
from .strings import _

# The editor page's markup and static init data by (i18n service class, language): built from
# the catalogs and the package alone (no user, course or block data), so any worker builds the same.
_EDITOR_PAGES = {}
MAX_EDITOR_PAGES = 16

# The editor's scripts, in load order (after the shared client.js): the model first, each adds to
# the one namespace object ComplaintSimScenario; studio.js defines ComplaintSimEditor.
EDITOR_SCRIPTS = ("scenario_model.js", "scenario_map.js", "studio_form.js", "studio_inspector.js",
                  "studio_panes.js", "studio.js")
EDITOR_STYLES = ("scenario_map.css", "studio.css")
PRELOAD = '<link rel="preload" as="fetch" crossorigin="anonymous" href="{url}">'


EDITOR_STRINGS = {
    # Tabs and general
    "tab_map": _("Map"),
    "tab_scenario": _("Scenario"),
    "tab_settings": _("Grading"),
    "tab_text": _("Text (YAML/JSON)"),
    "tab_twine": _("Twine import"),
    "save": _("Save"),
    "cancel": _("Cancel"),
    "saving": _("Saving…"),
    "saved": _("Saved."),
    "save_failed": _("The scenario was not saved"),
    "save_blocked": _("The scenario has problems; fix them before saving. Nothing was saved."),
    "error": _("Something went wrong. Please try again."),
    "offline": _("Could not reach the server. Check your connection and try again."),
    "loading": _("Loading…"),
    "load_failed": _("The scenario could not be loaded, so there is nothing to edit or save yet."),
    "retry": _("Try again"),
    "default_notice": _("This role-play still plays the packaged example scenario. Edit it, or start a "
                        "new one, and save to make it yours."),
    "new_scenario": _("New scenario"),
    "confirm_replace": _("Replace the scenario in the editor? Unsaved changes are lost."),
    "confirm_discard": _("Close the editor without saving? Your unsaved changes will be lost."),
    "unsaved": _("Unsaved changes"),
    "undo": _("Undo"),
    "redo": _("Redo"),
    "undo_keys": _("Undo the last change (Ctrl+Z)"),
    "redo_keys": _("Redo (Ctrl+Shift+Z)"),
    "node_deleted": _("Node '{node}' was deleted."),
    # Validation
    "problems": _("Problems"),
    "no_problems": _("No problems: the scenario can be saved."),
    "problem_count": _("{count} problems"),
    "checking": _("Checking…"),
    "max_score": _("Maximum score: {points}"),
    "max_score_unknown": _("Maximum score: fix the problems first"),
    "removed_nodes": _("Learners who are now on a removed node ({nodes}) will start their attempt again; "
                       "their attempt count and best score are kept."),
    "go_to": _("Show"),
    "where_node": _("Node '{node}'"),
    "where_choice": _("Choice '{choice}' at node '{node}'"),
    # Map
    "add_node": _("Add node"),
    "fit": _("Fit"),
    "zoom_in": _("Zoom in"),
    "zoom_out": _("Zoom out"),
    "start_marker": _("Start"),
    "ending_marker": _("Ending"),
    "model_route": _("Recommended route"),
    "connect_hint": _("Click the node this choice should lead to (Esc cancels)."),
    "map_label": _("Scenario map: click a node to edit it"),
    "legend": _("Legend"),
    "legend_start": _("start"),
    "legend_ending": _("ending"),
    "legend_record": _("record step"),
    "legend_problem": _("has a problem"),
    "legend_model": _("recommended route"),
    "search_node": _("Find a node"),
    "map_keys": _("Keyboard: Tab reaches the map, the arrow keys move between nodes, Enter opens one, "
                  "Home goes to the start."),
    # Node inspector
    "no_selection": _("Select a node on the map, or add one."),
    "node": _("Node"),
    "node_id": _("Id"),
    "node_type": _("Type"),
    "type_dialogue": _("Dialogue"),
    "type_record": _("Record step"),
    "type_narration": _("Narration (Continue button)"),
    "playtest_next": _("Continue"),
    "narration_help": _("A narration step only moves the story on: the learner reads it and presses "
                        "“Continue”. Variable changes go in its effects (text mode)."),
    "story_date": _("Story date (deadlines count working days from it)"),
    "critical": _("Critical duty: breaching it caps the score and leads the debrief"),
    "maladministration": _("Maladministration category"),
    "duty_basis_panel": _("Duties: critical, category and legal basis"),
    "citation_law": _("Regulation (from the register)"),
    "citation_article": _("Article"),
    "citation_note": _("Note"),
    "add_citation": _("Cite a regulation"),
    "add_note": _("Add a note"),
    "law_berlaku": _("in force"),
    "law_diubah": _("amended"),
    "law_diganti": _("replaced"),
    "law_dicabut": _("revoked"),
    "type_ending": _("Ending"),
    "speaker": _("Speaker"),
    "speaker_citizen": _("Citizen"),
    "speaker_narrator": _("Narrator"),
    "text": _("Text"),
    "title": _("Title"),
    "quality": _("Outcome quality"),
    "quality_good": _("Good"),
    "quality_fair": _("Fair"),
    "quality_poor": _("Poor"),
    "set_start": _("Make this the start"),
    "is_start": _("This is the start node."),
    "duplicate": _("Duplicate"),
    "delete": _("Delete"),
    "playtest_here": _("Playtest from here"),
    "mood_here": _("On the recommended route, {label} here is {value} ({min}–{max})."),
    "not_on_route": _("This node is not on the recommended route."),
    "choices": _("Choices"),
    "choice": _("Choice {n}"),
    "add_choice": _("Add choice"),
    "choice_id": _("Choice id"),
    "choice_text": _("What the learner says or does"),
    "target": _("Leads to"),
    "pick_on_map": _("Pick on map"),
    "new_target": _("New node"),
    "no_target": _("(choose a node)"),
    "feedback": _("Feedback (the author's comment)"),
    "scores": _("Competency points"),
    "effects": _("Variable changes"),
    "duties": _("Duties"),
    "duty_none": _("—"),
    "duty_fulfils": _("fulfils"),
    "duty_breaches": _("breaches"),
    "condition": _("Condition: the choice is shown only when all of these hold"),
    "condition_short": _("Condition"),
    "condition_add": _("Add a condition"),
    "condition_variable": _("Variable"),
    "condition_operator": _("Comparison"),
    "condition_value": _("Number"),
    "condition_text": _("The condition as text (e.g. mood >= 3 and trust < 5)"),
    "condition_unreadable": _("This condition does not read as 'variable comparison number' (joined by 'and'): "
                              "correct it in the text box."),
    "op_lt": _("less than"),
    "op_le": _("at most"),
    "op_gt": _("more than"),
    "op_ge": _("at least"),
    "op_eq": _("equal to"),
    "op_ne": _("not equal to"),
    "model": _("Recommended choice at this node"),
    "move_up": _("Move up"),
    "move_down": _("Move down"),
    "next": _("Next node"),
    "record_expected": _("What the record should contain"),
    "options_hint": _("Options, one per line"),
    "expected": _("Expected"),
    "category": _("Category"),
    "urgency": _("Urgency"),
    "referral": _("Handled by / referred to"),
    "deadline_days": _("Follow-up deadline (working days)"),
    # The playtest's dated deadline, worded as the learner sees it; days in the page's language.
    "deadline_date": _("Follow-up deadline (date)"),
    "deadline_date_hint": _("Counted in working days from {date}: weekends, national holidays and cuti bersama "
                            "days do not count."),
    "date_chosen": _("Chosen: {date}"),
    "date_is": _("That is {date}."),
    "tolerance": _("Tolerance (± days)"),
    "summary_min_words": _("Summary: minimum words"),
    "summary_keywords": _("Summary keywords: one group per line, alternatives separated by commas"),
    "confirm_delete_node": _("Delete node '{node}'? Choices leading to it will need a new target."),
    # Scenario panels
    "general": _("General"),
    "scenario_id": _("Scenario id"),
    "scenario_title": _("Title"),
    "situation": _("Situation (what the learner is told first)"),
    "start": _("Start node"),
    "max_steps": _("Step limit"),
    "critical_cap": _("Score cap after a critical breach (0–1 of the maximum)"),
    "feedback_mode": _("When feedback is shown"),
    "feedback_immediate": _("Immediately after each choice"),
    "feedback_debrief": _("In the debrief only"),
    "mood_variable": _("Variable shown as the citizen's mood"),
    "none": _("(none)"),
    "persona": _("Persona"),
    "persona_name": _("Name"),
    "persona_role": _("Role"),
    "persona_wants": _("What the citizen wants"),
    "competencies": _("Competencies and weights"),
    "variables": _("Variables"),
    "duties_panel": _("Procedural duties"),
    "id": _("Id"),
    "label": _("Label"),
    "weight": _("Weight"),
    "min": _("Min"),
    "max": _("Max"),
    "initial": _("Initial"),
    "basis": _("Legal basis"),
    "points": _("Points"),
    "add": _("Add"),
    "remove": _("Remove"),
    # Grading settings
    "display_name": _("Display name"),
    "problem_weight": _("Problem weight"),
    "max_attempts": _("Maximum attempts (0: no limit)"),
    "grading_policy": _("Grading policy"),
    "policy_best": _("Best attempt"),
    "policy_last": _("Last attempt"),
    # Text mode
    "text_help": _("The whole scenario in the format course_export reads (scenarios/FORMAT.md). "
                   "Edit it here, then apply it to the editor."),
    "show_yaml": _("Show as YAML"),
    "show_json": _("Show as JSON"),
    "apply_text": _("Apply text to the editor"),
    "download": _("Download file"),
    "open_file": _("Open a file…"),
    "text_applied": _("The text was applied to the editor. Save to keep it."),
    # Twine
    "twine_help": _("Paste a Twine story in Twee 3 format (Twine: Build → Export as Twee), or open a "
                    ".twee file. Passages become nodes and [[links]] become choices; what has no "
                    "equivalent is listed below, passage by passage."),
    "twine_import": _("Import"),
    "twine_use": _("Use this scenario in the editor"),
    "twine_report": _("Import report"),
    "twine_nothing": _("Everything in the story had an equivalent."),
    "twine_summary": _("{nodes} nodes imported; {problems} problems to fix in the editor."),
    "passage": _("Passage"),
    # Playtest
    "playtest": _("Playtest"),
    "playtest_start": _("Playtest from the start"),
    "playtest_restart": _("Restart"),
    "playtest_close": _("Close playtest"),
    "playtest_note": _("A playtest uses the scenario as it is in the editor, saved or not. It never "
                       "touches any learner's data."),
    "playtest_hidden": _("hidden now ({condition})"),
    "playtest_goes_to": _("→ {target}"),
    "playtest_fill": _("Fill in the expected values"),
    "playtest_submit_record": _("Save the record"),
    "playtest_finished": _("Ending reached: {title} ({quality})"),
    "playtest_timeout": _("Step limit reached: the attempt ends at the built-in 'time is up' ending."),
    "playtest_changed": _("The scenario changed since this playtest began: it starts again."),
    "playtest_vars": _("Variables"),
    "playtest_score": _("Score: {points} of {max}"),
    "playtest_duties": _("Duties"),
    "status_met": _("met"),
    "status_missed": _("missed"),
    "status_breached": _("breached"),
    "summary": _("Summary of the complaint"),
    "choose": _("Choose…"),
    "step": _("Step {step} of {max}"),
}


# The read-only map of the staff analytics (scenario_map.js with per-choice counts): its strings.
MAP_SCRIPTS = ("scenario_model.js", "scenario_map.js")
MAP_STRINGS = {
    "map_label": _("Scenario map: how learners moved through it"),
    "type_dialogue": _("Dialogue"),
    "type_record": _("Record step"),
    "type_narration": _("Narration (Continue button)"),
    "type_ending": _("Ending"),
    "map_edge_count": _("{choice}: {count} learners ({share})"),
    "map_weight_legend": _("How many of a node's learners took each choice"),
    "map_band_0": _("dashed: no learner"),
    "map_band_1": _("thinnest: under 10 %"),
    "map_band_2": _("thin: 10 % to under 30 %"),
    "map_band_3": _("thick: 30 % to under 60 %"),
    "map_band_4": _("thickest: at least 60 %"),
}


def add_scenario_map(fragment, gettext):
    """Add the scenario map view (scripts and style) to ``fragment``; returns its translated strings.

    For the role-play's staff analytics: after this, the page's script mounts it read-only with
    ``new ComplaintSimScenario.map.MapView(box, {strings, counts, noKeyboard: true}).render(scenario)``,
    ``counts`` being ``{node_id: {choice_id: learners}}`` (README, "The scenario map").
    """
    from .block import asset  # noqa: PLC0415 (block.py imports this module)

    fragment.add_css(asset("public/scenario_map.css"))
    for name in MAP_SCRIPTS:
        fragment.add_javascript(asset(f"public/{name}"))
    return {key: gettext(value) for key, value in MAP_STRINGS.items()}


def editor_strings(gettext):
    """EDITOR_STRINGS translated with ``gettext``."""
    return {key: gettext(value) for key, value in EDITOR_STRINGS.items()}


def no_edit_rights(title, message):
    """The editor's place for a user who may not edit: what it is and why, nothing to lose."""
    return Fragment(f'<section class="cse-no-rights" role="alert"><h2>{html.escape(title)}</h2>'
                    f'<p>{html.escape(message)}</p></section>')


@XBlock.wants("studio_user_permissions")
class ScenarioEditorMixin(XBlockMixin):
    """Studio editing for the role-play: a map editor with live validation and playtest."""

    # --- Access -----------------------------------------------------------------------------
    def _require_editor(self):
        require_author(self, _("Only the course team can edit this role-play."))

    @staticmethod
    def _scenario_arg(data):
        scenario = data.get("scenario")
        if not isinstance(scenario, dict):
            raise HandlerError(400, BAD_REQUEST, _("The request is missing the scenario."))
        return scenario

    def _problems(self, problems):
        return [p.as_dict(self.gettext) for p in problems]

    def _report(self, data):
        """``(report, scenario)``: editor.checked_report against the stored scenario."""
        return editor.checked_report(data, self.gettext, stored=self._stored_scenario() or None)

    # --- View -------------------------------------------------------------------------------
    def studio_view(self, context=None):
        """The scenario editor: map, panels, live validation, playtest, text mode, Twine import.

        A user without edit rights gets a notice instead: no form to fill in and lose on Save.
        The page carries neither the scenario nor its validation report: its first resource, in
        the page's head, is a ``<link rel="preload" as="fetch">`` of ``editor_load`` (a GET), so
        the scenario travels while the page and its scripts load; the editor takes that answer
        ("Loading…" until then), draws it, then asks ``editor_validate`` (at 500 nodes the
        scenario alone is ~370 KB and the check costs more than drawing the editor). What the
        page does carry (markup, scripts, strings, limits, schema) depends only on the language:
        it is built once per process per language.
        """
        if not can_author(self):
            return no_edit_rights(self.gettext(_("You cannot edit this role-play")), self.gettext(
                _("Only the course team can edit it. Nothing on this page can be changed or saved.")))
        from .block import asset  # noqa: PLC0415 (block.py imports this module)

        body, static = self._editor_assets()
        load_url = self.runtime.handler_url(self, "editor_load")
        frag = Fragment()
        # First, so that Studio's loader (which adds a fragment's resources in order) and a page's
        # head start the request before any script or style; studio.js's getJson of the same
        # address (load_url below: the runtime's JS handlerUrl may spell it differently), mode and
        # credentials then takes the answer instead of asking again.
        frag.add_resource(PRELOAD.format(url=html.escape(load_url)), "text/html", "head")
        for name in EDITOR_STYLES:
            frag.add_css(asset(f"public/{name}"))
        frag.add_content(body)
        add_client_script(frag)
        for name in EDITOR_SCRIPTS:
            frag.add_javascript(asset(f"public/{name}"))
        frag.add_content(json_script({  # escaped init data, never in the runtime's arguments
            **static,
            "settings": {"display_name": self.display_name, "weight": self.weight,
                         "max_attempts": self.max_attempts, "grading_policy": self.grading_policy},
            "locale": self.page_locale(),
            "load_url": load_url,
        }))
        frag.initialize_js("ComplaintSimEditor", {})
        return frag

    def _editor_assets(self):
        """``(markup, init data)`` of the editor page that depend on the language alone, built
        once per process per i18n service class and language (shared: read, never change them)."""
        from .block import render  # noqa: PLC0415 (block.py imports this module)

        service = self.runtime.service(self, "i18n")
        key = (type(service), translation.get_language())
        built = _EDITOR_PAGES.get(key)
        if built is None:
            strings = editor_strings(self.gettext)
            built = (render("templates/studio_view.html", {"s": strings}), {
                "strings": strings,
                "limits": {"min_choices": MIN_CHOICES, "max_choices": MAX_CHOICES, "max_steps": MAX_STEPS_LIMIT,
                           "speakers": list(SPEAKERS), "qualities": list(QUALITIES),
                           "feedback_modes": list(FEEDBACK_MODES), "record_fields": list(RECORD_CHOICE_FIELDS),
                           "grading_policies": list(editor.GRADING_POLICIES)},
                "schema": schema.editor_schema(),
            })
            if len(_EDITOR_PAGES) >= MAX_EDITOR_PAGES:
                _EDITOR_PAGES.clear()
            _EDITOR_PAGES[key] = built
        return built

    # --- Handlers ---------------------------------------------------------------------------
    @json_reader
    def editor_load(self, data):
        """The scenario to edit: ``{scenario, authored, register}``; writes nothing (GET or POST).

        ``scenario``: the stored one, or the packaged example for a block not authored yet
        (``authored`` false); ``register``: the laws and maladministration categories its
        citation picker offers. Errors: 403 ``STAFF_ONLY``.
        """
        from .block import default_scenario  # noqa: PLC0415 (block.py imports this module)

        self._require_editor()
        stored = self._stored_scenario()  # read once, without XBlock's copy of the whole field
        scenario = stored or default_scenario().data
        body = {"scenario": scenario, "authored": bool(stored), "register": editor.register_choices(scenario)}
        # Compact and as UTF-8 (the contract's json_response spaces and escapes): 408 KB → 270 KB at 500 nodes.
        return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
                        content_type="application/json", charset="utf-8")

    @json_endpoint
    def editor_validate(self, data):
        """Check ``{"scenario"}`` with the engine's rules; writes nothing.

        Returns ``{valid, problems: [{code, message, path, node}], max_score, model_route:
        [{node, choice, vars}], impact: {removed_nodes}}``. Errors: 400 ``BAD_REQUEST``; 403 ``STAFF_ONLY``.
        """
        self._require_editor()
        return self._report(self._scenario_arg(data))[0]

    @json_endpoint
    def editor_save(self, data):
        """Save ``{"scenario", "settings": {display_name, weight, max_attempts, grading_policy}}``.

        Everything is validated first; on any problem nothing is written. Returns ``{saved,
        digest, max_score, settings}``. Errors: 400 ``BAD_REQUEST``, ``INVALID`` (with
        ``problems``); 403 ``STAFF_ONLY``.
        """
        self._require_editor()
        scenario = self._scenario_arg(data)
        settings, settings_problems = editor.validate_settings(data.get("settings", {}))
        report, compiled = self._report(scenario)  # one check: the report and the compiled scenario
        problems = report["problems"] + self._problems(settings_problems)
        if problems:
            raise HandlerError(400, INVALID, _("The scenario has problems; fix them before saving. "
                                                 "Nothing was saved."), problems=problems)
        canonical = compiled.data
        if canonical != self.scenario:
            self.set_scenario(canonical, compiled)
        for name, value in settings.items():
            if getattr(self, name) != value:
                setattr(self, name, value)
        return {"saved": True, "digest": self.scenario_digest, "max_score": report["max_score"],
                "settings": {name: getattr(self, name) for name in self.editable_fields}}

    @json_endpoint
    def editor_playtest(self, data):
        """One playtest turn on the scenario in the editor; never reads or writes learner state.

        ``{"scenario", "action": "start", "from"?: node, "vars"?: {...}}`` or ``{"scenario",
        "action": "choose", "run", "choice"}`` or ``{"scenario", "action": "record", "run",
        "record"}`` or ``{"scenario", "action": "next", "run"}`` (a narration node). The run
        travels in the request and the response. Returns ``{run, view,
        node, variables, score, debrief, notice}``. Errors: 400 ``BAD_REQUEST``,
        ``SCENARIO_INVALID`` (with ``problems``), ``BAD_ORIGIN``, ``BAD_RUN``, ``UNKNOWN_CHOICE``,
        ``BAD_RECORD``, ``BAD_DEADLINE``, ``BAD_SUMMARY``; 403 ``STAFF_ONLY``; 409 ``STALE``,
        ``ATTEMPT_OVER``.
        """
        self._require_editor()
        try:
            scenario = editor.compile_for_playtest(self._scenario_arg(data))
            action = data.get("action")
            notice = None
            if action == "start":
                run = editor.playtest_start(scenario, data.get("from"), data.get("vars"))
            else:
                run, restarted = editor.clean_run(scenario, data.get("run"))
                if restarted:
                    notice = "playtest_changed"
                else:
                    run = editor.playtest_turn(scenario, run, action, data)
            state = editor.playtest_state(scenario, run)
        except editor.EditorError as error:
            status = 409 if error.code in ("STALE", "ATTEMPT_OVER") else 400
            extra = {"problems": self._problems(error.problems)} if error.problems else {}
            raise HandlerError(status, error.code, error.message, **extra) from None
        if state["debrief"] and state["debrief"]["ending"]["id"] == TIMEOUT_ENDING:
            state["debrief"]["ending"]["title"] = self.gettext("Time is up")
        state["notice"] = notice
        return state

    @json_endpoint
    def editor_import_twee(self, data):
        """Turn Twee 3 ``{"text"}`` into a scenario: ``{scenario, report, story, problems, max_score}``.

        ``report`` lists, per passage, what had no equivalent. Writes nothing. Errors: 400
        ``BAD_REQUEST``, ``TEXT_TOO_LONG``, ``NOT_TWEE``; 403 ``STAFF_ONLY``.
        """
        self._require_editor()
        text = data.get("text")
        if not isinstance(text, str):
            raise HandlerError(400, BAD_REQUEST, _("The request is missing the text."))
        if len(text) > editor.MAX_TEXT_CHARS:
            raise HandlerError(400, TEXT_TOO_LONG, _("The text is too long (2,000,000 characters at most)."))
        try:
            result = twee.import_twee(text)
        except twee.TweeError:
            raise HandlerError(400, "NOT_TWEE",
                               _("This is not a Twee 3 story: no passage starts with '::'.")) from None
        report = self._report(result["scenario"])[0]
        return {"scenario": result["scenario"], "story": result["story"],
                "report": twee.report_messages(result["report"], self.gettext),
                "problems": report["problems"], "max_score": report["max_score"]}

    @json_endpoint
    def editor_import_text(self, data):
        """Read a scenario from YAML or JSON ``{"text"}``: ``{scenario, problems, max_score, ...}``.

        Writes nothing. Errors: 400 ``BAD_REQUEST``, ``TEXT_TOO_LONG``, ``BAD_TEXT``; 403 ``STAFF_ONLY``.
        """
        self._require_editor()
        try:
            scenario = editor.parse_text(data.get("text"))
        except editor.EditorError as error:
            raise HandlerError(400, error.code, error.message) from None
        return {"scenario": scenario, **self._report(scenario)[0]}

    @json_endpoint
    def editor_export(self, data):
        """The scenario (posted, else the stored one) as text: ``{text, filename, format}``.

        ``{"scenario"?, "format": "yaml" | "json"}``. Errors: 400 ``BAD_REQUEST``; 403 ``STAFF_ONLY``.
        """
        self._require_editor()
        fmt = data.get("format", "yaml")
        if fmt not in ("yaml", "json"):
            raise HandlerError(400, BAD_REQUEST, _("The format must be yaml or json."))
        scenario = data["scenario"] if isinstance(data.get("scenario"), dict) else self.scenario_data()
        name = scenario.get("id") if isinstance(scenario.get("id"), str) and scenario.get("id") else "scenario"
        return {"text": editor.dump_text(scenario, fmt), "format": fmt, "filename": f"{twee.slugify(name)}.{fmt}"}
