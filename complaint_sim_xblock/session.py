"""Playing a scenario: attempts, choices, the record step, scoring and the debrief.

Pure Python over plain data. A *run* is the JSON-safe dict the block keeps in user state;
every function here returns a new run and never mutates its input, so a handler can
validate an action completely before it writes anything.
"""
import hashlib
import re

from . import workdays
from .scenario import N_, RECORD_CHOICE_FIELDS, TIMEOUT_ENDING, model_choice

MAX_SUMMARY = 2000


class ActionError(Exception):
    """A learner action that cannot be applied: a stable code, an HTTP status, a message."""

    def __init__(self, code, status, template):
        super().__init__(template)
        self.code = code
        self.status = status
        self.template = template


def new_run(scenario, attempt, order_seed=""):
    """A fresh attempt at the start node.

    ``order_seed`` (any string, chosen by the caller per attempt) fixes the order in which this
    attempt shows each node's choices: the same on every reload, different between attempts and
    learners, so the recommended choice's position gives nothing away.
    """
    return {"digest": scenario.digest, "attempt": attempt, "node": scenario.start, "step": 0,
            "vars": scenario.initial_variables(), "path": [], "ending": None, "order": order_seed}


def shown_order(run, node_id, choices):
    """``choices`` in the order this attempt shows them (see ``new_run``)."""
    seed = run.get("order", "")
    return sorted(choices, key=lambda c: hashlib.sha256(f"{seed}\x1f{node_id}\x1f{c.id}".encode()).digest())


def is_finished(run):
    """Whether the attempt has reached an ending."""
    return bool(run and run.get("ending"))


def visible_choices(scenario, run):
    """Choices of the current dialogue node that the learner may see now."""
    node = scenario.node(run["node"])
    return [c for c in node.choices if c.visible(run["vars"])]


def _check_turn(scenario, run, node_id, step, kind):
    if is_finished(run):
        raise ActionError("ATTEMPT_OVER", 409, N_("This attempt has ended."))
    if node_id != run["node"] or step != run["step"]:
        raise ActionError("STALE", 409, N_("This step was already answered; here is where you are now."))
    node = scenario.node(run["node"])
    if node.type != kind:
        raise ActionError("STALE", 409, N_("This step was already answered; here is where you are now."))
    return node


def _advance(scenario, run, target, entry, variables):
    step = run["step"] + 1
    ending = None
    if scenario.node(target).type == "ending":
        ending = target
    elif step >= scenario.max_steps:
        ending = TIMEOUT_ENDING
    return {**run, "node": target, "step": step, "vars": variables,
            "path": [*run["path"], entry], "ending": ending}


def choose(scenario, run, node_id, step, choice_id):
    """The run after the learner picks ``choice_id`` at ``node_id`` on turn ``step``."""
    node = _check_turn(scenario, run, node_id, step, "dialogue")
    choice = node.choice(choice_id)
    if choice is None or not choice.visible(run["vars"]):
        raise ActionError("UNKNOWN_CHOICE", 400, N_("That choice is not available here."))
    variables = scenario.apply_effects(run["vars"], choice.effects)
    return _advance(scenario, run, choice.target, {"node": node.id, "choice": choice.id}, variables)


def _clean_deadline(values, story_date):
    """``(deadline_days, deadline_date or None)`` from the learner's record values.

    With a story date the learner picks a date (``deadline_date``, YYYY-MM-DD, not before the
    story's date); it counts in working days from the story's date. A number of days
    (``deadline_days``) is still accepted, as before story dates existed.
    """
    picked = values.get("deadline_date")
    if story_date is not None and picked not in (None, ""):
        day = workdays.parse_date(picked)
        if day is None:
            raise ActionError("BAD_DEADLINE", 400, N_("The follow-up deadline must be a date (YYYY-MM-DD)."))
        if day < story_date or (day - story_date).days > workdays.MAX_SPAN_DAYS:
            raise ActionError("BAD_DEADLINE", 400, N_(
                "The follow-up deadline must be on or after the day of the story, within three years."))
        return workdays.working_days_between(story_date, day), day.isoformat()
    deadline = values.get("deadline_days")
    if isinstance(deadline, str) and re.fullmatch(r"[0-9]{1,3}", deadline.strip()):
        deadline = int(deadline.strip())
    if isinstance(deadline, bool) or not isinstance(deadline, int) or not 0 <= deadline <= 365:
        if story_date is not None:
            raise ActionError("BAD_DEADLINE", 400, N_("The follow-up deadline must be a date (YYYY-MM-DD)."))
        raise ActionError("BAD_DEADLINE", 400, N_("The follow-up deadline must be a number of days (0-365)."))
    return deadline, None


def clean_record(node, values, story_date=None):
    """The learner's record values checked for form (not correctness); ActionError if malformed."""
    if not isinstance(values, dict):
        raise ActionError("BAD_RECORD", 400, N_("The complaint record is incomplete or malformed."))
    clean = {}
    for key in RECORD_CHOICE_FIELDS:
        value = values.get(key)
        if not isinstance(value, str) or value not in node.record[key]["options"]:
            raise ActionError("BAD_RECORD", 400, N_("The complaint record is incomplete or malformed."))
        clean[key] = value
    clean["deadline_days"], picked = _clean_deadline(values, story_date)
    if picked:
        clean["deadline_date"] = picked
    summary = values.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise ActionError("BAD_SUMMARY", 400, N_("Write a short summary of the complaint."))
    if len(summary) > MAX_SUMMARY:
        raise ActionError("BAD_SUMMARY", 400, N_("The summary is too long (2000 characters at most)."))
    clean["summary"] = summary.strip()
    return clean


def submit_record(scenario, run, node_id, step, values):
    """The run after the learner files the complaint record at a record node."""
    node = _check_turn(scenario, run, node_id, step, "record")
    record = clean_record(node, values, scenario.story_date)
    return _advance(scenario, run, node.next, {"node": node.id, "record": record}, run["vars"])


def proceed(scenario, run, node_id, step):
    """The run after the learner presses "Lanjut" at narration node ``node_id`` on turn ``step``."""
    node = _check_turn(scenario, run, node_id, step, "narration")
    variables = scenario.apply_effects(run["vars"], node.effects)
    return _advance(scenario, run, node.next, {"node": node.id, "next": True}, variables)


def deadline_detail(story_date, spec, record):
    """The learner's deadline beside the right one and the days not counted, for the debrief."""
    if story_date is None or "deadline_date" not in record:
        return None
    right = workdays.add_working_days(story_date, spec["expected"])
    picked = workdays.parse_date(record["deadline_date"])
    shut = workdays.closed(picked)
    return {"story_date": story_date.isoformat(), "date": record["deadline_date"], "days": record["deadline_days"],
            "right_date": right.isoformat(), "expected": spec["expected"], "tolerance": spec["tolerance"],
            "closed": {"kind": shut[0], "name": shut[1]} if shut else None,
            "skipped": workdays.closed_days(story_date, max(right, picked))}


def check_record(spec, record):
    """Per field: whether the learner's value matches the author's expectation."""
    results = {key: record[key] == spec[key]["expected"] for key in RECORD_CHOICE_FIELDS}
    deadline = spec["deadline_days"]
    results["deadline_days"] = abs(record["deadline_days"] - deadline["expected"]) <= deadline["tolerance"]
    if "deadline_date" in record:  # a deadline falls on a working day
        day = workdays.parse_date(record["deadline_date"])
        results["deadline_days"] = results["deadline_days"] and day is not None and workdays.closed(day) is None
    summary = spec["summary"]
    text = record["summary"].lower()
    words = len(re.findall(r"\w+", text))
    results["summary"] = words >= summary["min_words"] and all(
        any(word in text for word in group) for group in summary["keywords"])
    return results


def _perfect_record(spec, story_date=None):
    words = " ".join(group[0] for group in spec["summary"]["keywords"])
    filler = " ".join(["catatan"] * spec["summary"]["min_words"])
    record = {**{key: spec[key]["expected"] for key in RECORD_CHOICE_FIELDS},
              "deadline_days": spec["deadline_days"]["expected"], "summary": f"{words} {filler}"}
    if story_date is not None:
        record["deadline_date"] = workdays.add_working_days(story_date, spec["deadline_days"]["expected"]).isoformat()
    return record


def model_run(scenario):
    """The model route played out as a run, records filled in right."""
    if "model_run" in scenario.cache:
        return scenario.cache["model_run"]
    path = []
    ending = None
    for node_id, choice_id in scenario.model_route:
        node = scenario.node(node_id)
        if node.type == "ending":
            ending = node_id
        elif node.type == "record":
            path.append({"node": node_id, "record": _perfect_record(node.record, scenario.story_date)})
        elif node.type == "narration":
            path.append({"node": node_id, "next": True})
        else:
            path.append({"node": node_id, "choice": choice_id})
    run = {"digest": scenario.digest, "attempt": 0, "node": ending, "step": len(path),
           "vars": {}, "path": path, "ending": ending}
    scenario.cache["model_run"] = run
    return run


def _tally(scenario, run):
    """Raw competency points, duty statuses and record results of a run's path."""
    earned = {c["id"]: 0 for c in scenario.competencies}
    fulfilled, breached, records, seen = set(), set(), {}, set()
    for node, entry, choice in _steps(scenario, run):
        if "choice" in entry:
            if choice is None or (node.id, choice.id) in seen:
                continue
            seen.add((node.id, choice.id))
            for comp, points in choice.scores.items():
                earned[comp] += points
            fulfilled.update(choice.fulfils)
            breached.update(choice.breaches)
        elif "record" in entry and node.id not in records:
            records[node.id] = check_record(node.record, entry["record"])
    return earned, fulfilled, breached, records


def raw_points(scenario, run):
    """Points of a run before clamping (see FORMAT.md, 'Scoring')."""
    earned, fulfilled, breached, records = _tally(scenario, run)
    weights = {c["id"]: c["weight"] for c in scenario.competencies}
    points = sum(weights[c] * max(0, p) for c, p in earned.items())
    for duty in scenario.duties:
        if duty["id"] in breached:
            points -= duty["points"]
        elif duty["id"] in fulfilled:
            points += duty["points"]
    points += sum(sum(result.values()) for result in records.values())
    return points


def max_points(scenario):
    """The maximum score: the points of the model route."""
    if "max_points" not in scenario.cache:
        scenario.cache["max_points"] = round(raw_points(scenario, model_run(scenario)), 2)
    return scenario.cache["max_points"]


def critical_breaches(scenario, run):
    """Each critical duty the run breached, first time only: ``{duty, label, basis, turn, node,
    choice, model_choice}`` (turn counts the learner's actions from 1; ``model_choice`` is what
    the recommended route picks at that node with the same variable values)."""
    critical = scenario.critical_duties
    if not critical:
        return []
    duties = {d["id"]: d for d in scenario.duties}
    found, seen = [], set()
    variables = scenario.initial_variables()
    for turn, entry in enumerate(run["path"], start=1):
        node = scenario.nodes.get(entry["node"])
        if node is None:
            continue
        choice = node.choice(entry["choice"]) if "choice" in entry and node.type == "dialogue" else None
        if choice is not None:
            for duty_id in choice.breaches:
                if duty_id in critical and duty_id not in seen:
                    seen.add(duty_id)
                    model = model_choice(scenario, node, variables)
                    found.append({"duty": duty_id, "label": duties[duty_id]["label"],
                                  "basis": duties[duty_id]["citations"], "turn": turn, "node": node.id,
                                  "text": node.text, "choice": choice.text,
                                  "model_choice": model.text if model and model.id != choice.id else None})
            variables = scenario.apply_effects(variables, choice.effects)
        elif node.type == "narration":
            variables = scenario.apply_effects(variables, node.effects)
    return found


def capped_quality(quality, breached):
    """The ending quality shown: at most ``poor`` after a critical breach."""
    return "poor" if breached else quality


def result(scenario, run):
    """Score, competency bars, duty statuses and record results of a run.

    A run that breached a critical duty scores at most ``critical_cap`` of the maximum.
    """
    earned, fulfilled, breached, records = _tally(scenario, run)
    model_earned = _tally(scenario, model_run(scenario))[0]
    maximum = max_points(scenario)
    points = round(min(maximum, max(0, raw_points(scenario, run))), 2)
    critical = sorted(breached & scenario.critical_duties)
    if critical:
        points = min(points, round(scenario.critical_cap * maximum, 2))
    duties = []
    for duty in scenario.duties:
        status = "breached" if duty["id"] in breached else "met" if duty["id"] in fulfilled else "missed"
        duties.append({"id": duty["id"], "label": duty["label"], "basis": duty["citations"], "status": status,
                       "critical": bool(duty.get("critical"))})
    competencies = [
        {"id": c["id"], "label": c["label"], "earned": max(0, earned[c["id"]]),
         "max": max(0, model_earned[c["id"]])}
        for c in scenario.competencies
    ]
    return {"points": points, "max_points": maximum,
            "percent": round(100 * points / maximum) if maximum else 0,
            "competencies": competencies, "duties": duties, "records": records,
            "critical_breaches": critical}


def _mood(scenario, variables):
    if not scenario.mood_variable or scenario.mood_variable not in variables:
        return None
    var = scenario.variable(scenario.mood_variable)
    value = variables[scenario.mood_variable]
    span = var["max"] - var["min"]
    level = min(4, int(5 * (value - var["min"]) / span)) if span else 2
    return {"value": value, "min": var["min"], "max": var["max"], "level": level, "label": var["label"]}


def learner_view(scenario, run):
    """What the browser may see now: the current node and its visible choices, nothing more.

    No targets, scores, conditions or feedback not yet earned: the answer key stays here.
    """
    node = scenario.node(run["node"]) if run["node"] in scenario.nodes else None
    view = {"attempt": run["attempt"], "step": run["step"], "max_steps": scenario.max_steps,
            "finished": is_finished(run), "mood": _mood(scenario, run["vars"]), "feedback": None,
            "node": None}
    if node is not None and not is_finished(run):
        shown = {"id": node.id, "type": node.type, "text": node.text}
        if node.type == "dialogue":
            shown["speaker"] = node.speaker
            shown["choices"] = [{"id": c.id, "text": c.text}
                                for c in shown_order(run, node.id, visible_choices(scenario, run))]
        elif node.type == "record":
            shown["record"] = {key: {"options": list(node.record[key]["options"])}
                               for key in RECORD_CHOICE_FIELDS}
            if scenario.story_date is not None:
                shown["record"]["deadline"] = {"type": "date", "story_date": scenario.story_date.isoformat()}
        elif node.type == "narration":
            shown["speaker"] = node.speaker
        view["node"] = shown
    last = run["path"][-1] if run["path"] else None
    if scenario.feedback_mode == "immediate" and last and "choice" in last:
        choice = scenario.nodes[last["node"]].choice(last["choice"]) if last["node"] in scenario.nodes else None
        if choice is not None and choice.feedback:
            view["feedback"] = {"choice": choice.text, "text": choice.feedback}
    return view


def _steps(scenario, run):
    """``(node, entry, choice)`` for each step of a run's path whose node still exists.

    ``choice`` is None for a record step and for a choice the scenario no longer has; a step
    whose node is gone, or is no longer of the kind the step was taken on, is skipped.
    """
    for entry in run["path"]:
        node = scenario.nodes.get(entry["node"])
        kind = "dialogue" if "choice" in entry else "record" if "record" in entry else "narration"
        if node is None or node.type != kind:
            continue  # the author removed the node or changed its kind since this step
        yield node, entry, node.choice(entry["choice"]) if "choice" in entry else None


def _turns(scenario, run, model_choices):
    turns = []
    for node, entry, choice in _steps(scenario, run):
        if "choice" in entry:
            model = model_choices.get(node.id)
            turns.append({
                "type": "dialogue", "node": node.id, "text": node.text, "speaker": node.speaker,
                "choice": choice.text if choice else "", "feedback": choice.feedback if choice else "",
                "is_model": bool(choice and model and model.id == choice.id),
                "model_choice": model.text if model and (not choice or model.id != choice.id) else None,
                "model_feedback": model.feedback if model and (not choice or model.id != choice.id) else None,
            })
        elif "next" in entry:
            turns.append({"type": "narration", "node": node.id, "text": node.text, "speaker": node.speaker})
        else:
            checks = check_record(node.record, entry["record"])
            fields = []
            for key in (*RECORD_CHOICE_FIELDS, "deadline_days", "summary"):
                expected = node.record[key]
                if key in RECORD_CHOICE_FIELDS:
                    expected = expected["expected"]
                elif key == "deadline_days":
                    expected = expected["expected"]
                else:
                    expected = ", ".join(" / ".join(group) for group in expected["keywords"])
                fields.append({"field": key, "value": entry["record"][key], "expected": expected,
                               "ok": checks[key]})
                if key == "deadline_days":
                    fields[-1]["detail"] = deadline_detail(scenario.story_date, node.record[key], entry["record"])
            turns.append({"type": "record", "node": node.id, "text": node.text, "fields": fields,
                          "feedback": node.feedback})
    return turns


def debrief(scenario, run):
    """The debrief of a finished attempt: path beside model route, comments, bars, duties."""
    model_choices = {}
    for node_id, choice_id in scenario.model_route:
        if choice_id is not None:
            model_choices.setdefault(node_id, scenario.node(node_id).choice(choice_id))
    summary = result(scenario, run)
    ending_id = run.get("ending")
    breaches = critical_breaches(scenario, run)
    if ending_id in scenario.nodes:
        node = scenario.node(ending_id)
        ending = {"id": node.id, "title": node.title, "text": node.text,
                  "quality": capped_quality(node.quality, breaches), "reached_quality": node.quality}
    else:
        ending = {"id": TIMEOUT_ENDING, "title": None, "text": None, "quality": "poor", "reached_quality": "poor"}
    model_path = []
    for node_id, choice_id in scenario.model_route:
        node = scenario.node(node_id)
        if node.type == "dialogue":
            model_path.append({"node": node_id, "text": node.text, "choice": node.choice(choice_id).text})
    return {"ending": ending, "points": summary["points"], "max_points": summary["max_points"],
            "percent": summary["percent"], "competencies": summary["competencies"],
            "duties": summary["duties"], "turns": _turns(scenario, run, model_choices),
            "model_path": model_path, "breaches": breaches,
            "capped": bool(breaches), "critical_cap": scenario.critical_cap}


def best_attempt(history):
    """The finished attempt with the highest share of its maximum (the first on ties), or None."""
    return max(history, key=lambda e: e["points"] / e["max_points"] if e["max_points"] else 0, default=None)


def history_entry(scenario, run):
    """A finished attempt as kept in the learner's history (and read by the reflection block)."""
    summary = result(scenario, run)
    ending_id = run.get("ending")
    node = scenario.nodes.get(ending_id)
    path = [{"node": step.id, "text": step.text,
             "choice_text": entry["record"]["summary"] if "record" in entry else (choice.text if choice else "")}
            for step, entry, choice in _steps(scenario, run)]
    return {
        "attempt": run["attempt"], "ending": ending_id,
        "ending_title": node.title if node else "",
        "quality": capped_quality(node.quality if node else "poor", summary["critical_breaches"]),
        "points": summary["points"], "max_points": summary["max_points"],
        "critical_breaches": summary["critical_breaches"],
        "competencies": {c["id"]: {"label": c["label"], "earned": c["earned"], "max": c["max"]}
                         for c in summary["competencies"]},
        "duties": {d["id"]: {"label": d["label"], "status": d["status"]} for d in summary["duties"]},
        "path": path,
        "steps": list(run["path"]),  # the raw steps, so a rescore can score the attempt anew
    }


def migrate_run(scenario, run):
    """Carry a run over to an edited scenario: ``(run, restarted)``.

    Same content: unchanged. A finished attempt keeps its path (its debrief skips what no
    longer exists). An attempt in progress resumes on the same node when that node still
    exists and is not an ending; otherwise it starts again at the start node as the same
    attempt, so the learner's attempt count and best score are untouched.
    """
    if not run or run.get("digest") == scenario.digest:
        return run, False
    if is_finished(run):
        return {**run, "digest": scenario.digest}, False
    node = scenario.nodes.get(run.get("node"))
    if node is None or node.type == "ending" or run.get("step", 0) >= scenario.max_steps:
        return new_run(scenario, run.get("attempt", 1), run.get("order", "")), True
    variables = scenario.initial_variables()
    for var in scenario.variables:
        old = run.get("vars", {}).get(var["id"])
        if isinstance(old, int):
            variables[var["id"]] = max(var["min"], min(var["max"], old))
    return {**run, "digest": scenario.digest, "vars": variables}, False
