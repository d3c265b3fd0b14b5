"""The learner's run flow: start, choose, record, resume, as pure functions over plain data.

*Progress* is the plain dict ``{"run": run | None, "history": [entry, ...]}`` that the block
loads from its run table (or from old user state) and stores back with a compare-and-set.
Every action here takes the progress as loaded and returns ``(progress, events)``: the new
progress to store and the tracking events to publish once, and only if, that store won. A
refusal raises :class:`FlowError`. Nothing here reads or writes a block, a database or the
clock, so a handler can run an action, lose the race to store it, and simply answer 409.

Pure Python: imports neither Django nor XBlock.
"""
from . import session
from .scenario import N_, TIMEOUT_ENDING


class FlowError(Exception):
    """A refused action: HTTP status, stable code, English message; ``with_state`` asks the
    handler to add the learner's current state (409s, so a stale page can catch up)."""

    def __init__(self, status, code, message, with_state=False):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.with_state = with_state


def empty():
    """The progress of a learner who never started."""
    return {"run": None, "history": []}


def progress(run, history):
    """Progress from stored values (``{}`` / ``None`` run and missing history are empty)."""
    return {"run": run or None, "history": list(history or [])}


def state_was_cleared(stored_history, mirror_run, mirror_history):
    """Whether a stored run row with finished attempts outlived the learner's user state.

    The user-state mirror is written in the request that ends an attempt, so a row with a
    finished attempt has a non-empty mirror beside it, unless the user state was deleted
    afterwards: staff's "Delete learner's state", meant to give the learner the problem back as
    new. A row with no finished attempt does not count: the first start of a double click, or
    a lost mirror write, looks the same there; and a reset in the middle of a first attempt
    that has counted nothing yet leaves that attempt to finish.
    """
    return bool(stored_history) and not mirror_run and not mirror_history


def resume(scenario, current):
    """``(progress, notice)``: the progress carried over to the scenario's current content.

    Pure and deterministic, so a view computes it without writing; the next action stores it.
    """
    run, restarted = session.migrate_run(scenario, current["run"])
    return {**current, "run": run}, ("scenario_changed" if restarted else None)


def counted_entry(history, grading_policy):
    """The finished attempt the grading policy counts, or None."""
    if not history:
        return None
    return history[-1] if grading_policy == "last" else session.best_attempt(history)


def attempt_steps(current, entry):
    """The raw steps of a finished attempt: those its history entry kept, else, for an entry
    written before entries kept them, the stored run's path when the run is that attempt; or None."""
    steps = entry.get("steps")
    if isinstance(steps, list):
        return steps
    run = current["run"]
    if run and session.is_finished(run) and run.get("attempt") == entry.get("attempt"):
        return run.get("path")
    return None


def rescored_entry(scenario, current, entry):
    """``entry`` with its points, maximum and critical breaches recomputed on ``scenario`` from
    the steps the learner took (a fixed scenario scores the same path anew). An entry whose
    steps are unknown keeps the score it was given."""
    steps = attempt_steps(current, entry)
    if steps is None:
        return entry
    summary = session.result(scenario, {"path": steps})
    return {**entry, "points": summary["points"], "max_points": summary["max_points"],
            "critical_breaches": summary["critical_breaches"]}


def calculated_score(scenario, current, grading_policy):
    """``(points, max_points)`` the grading policy counts, each finished attempt scored anew on
    ``scenario``; None before any attempt ended. Reads nothing but its arguments (rescoring)."""
    counted = counted_entry([rescored_entry(scenario, current, e) for e in current["history"]], grading_policy)
    return None if counted is None else (counted["points"], counted["max_points"])


def attempts(current, max_attempts):
    """``{used, max, remaining}`` (``max`` None when unlimited)."""
    run = current["run"]
    used = run.get("attempt", 0) if run else 0
    limit = max_attempts or None
    return {"used": used, "max": limit, "remaining": None if limit is None else max(0, limit - used)}


def learner_state(scenario, current, max_attempts, grading_policy, notice=None, timeout_text=None, score=None):
    """Everything the learner's page needs, and nothing of the answer key.

    ``timeout_text`` = ``(title, text)`` of the "time is up" ending in the user's language;
    ``score`` = ``(points, max_points)`` last published (a rescore or an instructor's override),
    shown instead of the counted attempt's.
    """
    run = current["run"]
    counted = counted_entry(current["history"], grading_policy)
    if score is not None and current["history"]:
        shown = {"points": score[0], "max_points": score[1]}
    else:
        shown = {"points": counted["points"], "max_points": counted["max_points"]} if counted else None
    state = {
        "attempts": attempts(current, max_attempts),
        "grading_policy": grading_policy,
        "score": shown,
        "view": session.learner_view(scenario, run) if run else None,
        "debrief": None,
        "notice": notice,
    }
    if run and session.is_finished(run):
        debrief = session.debrief(scenario, run)
        if debrief["ending"]["id"] == TIMEOUT_ENDING and timeout_text:
            debrief["ending"]["title"], debrief["ending"]["text"] = timeout_text
        state["debrief"] = debrief
    return state


def start(scenario, current, attempt, max_attempts, order_seed=""):
    """Start attempt ``attempt`` (attempts used + 1; a repeat of it is stale).

    ``order_seed`` fixes the attempt's choice order (``session.new_run``).
    """
    run = current["run"]
    used = run["attempt"] if run else 0
    if attempt != used + 1:
        raise FlowError(409, "STALE", N_("This attempt has already started."), with_state=True)
    if max_attempts and used >= max_attempts:
        raise FlowError(409, "NO_ATTEMPTS_LEFT", N_("You have used all your attempts."), with_state=True)
    updated = {**current, "run": session.new_run(scenario, attempt, order_seed)}
    return updated, [("edx.complaint_sim.attempt_started", {"attempt": attempt})]


def choose(scenario, current, node, step, choice, grading_policy):
    """Pick ``choice`` at ``node`` on turn ``step``."""
    return _turn(scenario, current, grading_policy,
                 lambda run: session.choose(scenario, run, node, step, choice),
                 lambda run: ("edx.complaint_sim.choice", {
                     "attempt": run["attempt"], "step": step, "node": node, "choice": choice,
                     "next": run["node"], "variables": run["vars"]}))


def proceed(scenario, current, node, step, grading_policy):
    """Move on from narration node ``node`` on turn ``step`` (the "Lanjut" button)."""
    return _turn(scenario, current, grading_policy,
                 lambda run: session.proceed(scenario, run, node, step),
                 lambda run: ("edx.complaint_sim.next", {
                     "attempt": run["attempt"], "step": step, "node": node, "next": run["node"],
                     "variables": run["vars"]}))


def record(scenario, current, node, step, values, grading_policy):
    """File the complaint record at record node ``node`` on turn ``step``."""
    return _turn(scenario, current, grading_policy,
                 lambda run: session.submit_record(scenario, run, node, step, values),
                 lambda run: ("edx.complaint_sim.record", {
                     "attempt": run["attempt"], "node": node,
                     "correct": session.check_record(scenario.node(node).record, run["path"][-1]["record"])}))


def _turn(scenario, current, grading_policy, action, event):
    run = current["run"]
    if not run:
        raise FlowError(409, "NOT_STARTED", N_("Start the role-play first."), with_state=True)
    if not session.is_finished(run) and any(e.get("attempt") == run["attempt"] for e in current["history"]):
        # Old user state written by a stale tab can hold a reopened attempt that is already in
        # the history: it stays over, so an ending can never be played twice.
        raise FlowError(409, "ATTEMPT_OVER", N_("This attempt has ended."), with_state=True)
    try:
        updated_run = action(run)
    except session.ActionError as error:
        raise FlowError(error.status, error.code, error.template, with_state=error.status == 409) from None
    events = [event(updated_run)]
    history = current["history"]
    if session.is_finished(updated_run):
        entry = session.history_entry(scenario, updated_run)
        history = [*history, entry]
        events.append(("edx.complaint_sim.ending", {
            "attempt": updated_run["attempt"], "ending": updated_run["ending"], "quality": entry["quality"],
            "points": entry["points"], "max_points": entry["max_points"],
            "critical_breaches": entry["critical_breaches"],
            # For the aggregates and xAPI (issue 11): ids and numbers only, no free text. The
            # block fills in ``unit`` (the learner's cohort or roster unit, "" when none).
            "scenario_version": updated_run.get("digest") or scenario.digest, "unit": "",
            "duties": {duty: info["status"] for duty, info in entry["duties"].items()},
            "competencies": {comp: [info["earned"], info["max"]] for comp, info in entry["competencies"].items()}}))
        counted = counted_entry(history, grading_policy)
        if counted["max_points"]:
            events.append(("grade", {"value": counted["points"], "max_value": counted["max_points"]}))
        if len(history) == 1:
            events.append(("completion", {"completion": 1.0}))
    return {"run": updated_run, "history": history}, events
