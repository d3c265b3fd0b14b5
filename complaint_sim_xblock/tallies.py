"""The role-play's aggregate figures as plain data: what an ending adds, and what staff see.

Pure Python (imports neither Django nor XBlock). :func:`ending_counters` turns one finished
attempt into the counters it adds to the aggregate rows (``(metric, item) -> (n, total,
total2)``); :func:`report` turns the summed rows back into the staff analytics' tables;
:func:`shares` gives the debrief's "what colleagues chose". No names, no free text: ids,
counts and sums only.

*k*-anonymity (course setting, default 10): a population (the filtered block, or one unit)
with fewer than *k* learners is not shown. Learners are counted by their first attempt on a
scenario version, so a date range counts the learners who started in it (never more).
"""
from . import session
from .scenario import N_

DEFAULT_K = 10
NO_UNIT = ""
QUALITIES = ("good", "fair", "poor")
STATUSES = ("met", "missed", "breached")
GREEN, YELLOW = 80, 50  # % of attempts meeting a duty: green from 80, yellow from 50, else red
# The metrics the units table reads per unit; every other metric is needed summed over the units only.
PER_UNIT = ("learners", "attempts", "duty")


def percent(points, max_points):
    """An attempt's score as a percentage of its maximum (1 decimal)."""
    return round(100 * points / max_points, 1) if max_points else 0.0


def choice_item(node, choice):
    """The ``item`` of a choice counter."""
    return f"{node}|{choice}"


def record_checks(scenario, run):
    """``{node: {field: right}}`` of a run's complaint records (each record node's first filing)."""
    checks = {}
    for step in run["path"]:
        node = scenario.nodes.get(step["node"])
        if "record" in step and node is not None and node.type == "record" and node.id not in checks:
            checks[node.id] = session.check_record(node.record, step["record"])
    return checks


def ending_counters(run, entry, first, best_gain, records=None):
    """The counters one finished attempt adds: ``{(metric, item): (n, total, total2)}``.

    ``run`` is the finished run (its path holds node and choice ids), ``entry`` its
    ``session.history_entry``; ``first`` whether it is the learner's first attempt on this
    scenario version, ``best_gain`` how much it raised the learner's best percent there.
    """
    pct = percent(entry["points"], entry["max_points"])
    counters = {}

    def add(metric, item="", n=1, total=0.0, total2=0.0):
        old = counters.get((metric, item), (0, 0.0, 0.0))
        counters[(metric, item)] = (old[0] + n, old[1] + total, old[2] + total2)

    add("attempts", total=pct)
    add("ending", entry["ending"] or "")
    add("quality", entry["quality"])
    if first:
        add("learners", total=pct)  # total: the sum of first-attempt scores
    if first or best_gain:
        add("best", n=1 if first else 0, total=best_gain)  # total: the sum of best scores
    for step in run["path"]:
        if "choice" in step:
            add("choice", choice_item(step["node"], step["choice"]))
    for duty, info in entry["duties"].items():
        add("duty", f"{duty}|{info['status']}")
    for duty in entry["critical_breaches"]:
        add("critical", duty)
    for comp, info in entry["competencies"].items():
        add("competency", comp, total=info["earned"], total2=info["max"])
    for node, fields in (records or {}).items():
        for field, right in fields.items():
            add("record", f"{node}|{field}", total=1.0 if right else 0.0)
    return counters


def first_and_gain(first_percent, old_best, pct):
    """``(first, gain)``: whether there was no earlier attempt on this version, and the rise of the best."""
    if first_percent is None:
        return True, pct
    return False, max(0.0, pct - old_best)


# --- Reading the summed rows ---------------------------------------------------------------

def _by_unit(rows):
    """``{unit: {(metric, item): (n, total, total2)}}`` from rows of ``{unit, metric, item, n, total, total2}``
    (``unit`` None: a figure summed over every unit, kept under None)."""
    found = {}
    for row in rows:
        cell = found.setdefault(row["unit"], {})
        key = (row["metric"], row["item"])
        old = cell.get(key, (0, 0.0, 0.0))
        cell[key] = (old[0] + row["n"], old[1] + (row["total"] or 0), old[2] + (row["total2"] or 0))
    return found


def _merge(parts):
    merged = {}
    for part in parts:
        for key, value in part.items():
            old = merged.get(key, (0, 0.0, 0.0))
            merged[key] = (old[0] + value[0], old[1] + value[1], old[2] + value[2])
    return merged


def _get(counts, metric, item=""):
    return counts.get((metric, item), (0, 0.0, 0.0))


def _pct(part, whole):
    return round(100 * part / whole, 1) if whole else 0.0


def band(value):
    """``"green"`` / ``"yellow"`` / ``"red"`` for a duty-met percentage."""
    return "green" if value >= GREEN else "yellow" if value >= YELLOW else "red"


def _basis(duty):
    return "; ".join(c.get("text") or c.get("note") or "" for c in duty.get("citations", ()))


def _duty_rows(scenario, counts, categories):
    attempts = _get(counts, "attempts")[0]
    rows = []
    for duty in scenario.duties if scenario is not None else ():
        met, missed, breached = (_get(counts, "duty", f"{duty['id']}|{s}")[0] for s in STATUSES)
        rows.append({"id": duty["id"], "label": duty["label"], "critical": bool(duty.get("critical")),
                     "basis": _basis(duty), "maladministration": categories.get(duty.get("maladministration"), ""),
                     "met": met, "missed": missed, "breached": breached,
                     "met_pct": _pct(met, attempts), "not_met_pct": _pct(missed + breached, attempts)})
    rows.sort(key=lambda r: (-r["not_met_pct"], not r["critical"], r["id"]))
    return rows


def report(scenario, rows, k, gettext, categories=None):
    """The staff analytics of one block and scenario version from its summed counter rows.

    ``scenario``: the compiled scenario of that version for labels (None when the version is
    no longer the block's: ids are shown). ``rows``: ``{unit, metric, item, n, total, total2}``;
    a row whose ``unit`` is None holds a figure summed over every unit (``aggregates.summed``
    gives the metrics of :data:`PER_UNIT` per unit and the others so). Returns ``{"learners", "attempts", "hidden",
    "hidden_units", "tables": [...], "map": {node: {choice: count}}}``; a table is ``{id,
    title, columns, rows}``, a cell a string or number, or ``{"text", "band"}``.
    """
    _ = gettext
    categories = categories or {}
    units = _by_unit(rows)
    counts = _merge(units.values())
    units.pop(None, None)
    learners, attempts = _get(counts, "learners")[0], _get(counts, "attempts")[0]
    out = {"k": k, "learners": learners, "attempts": attempts, "hidden": learners < k, "hidden_units": 0,
           "tables": [], "map": {}}
    if out["hidden"]:
        return out
    tables = out["tables"]
    nodes = scenario.nodes if scenario is not None else {}

    endings = sorted(((item, n) for (metric, item), (n, _t, _t2) in counts.items() if metric == "ending"),
                     key=lambda pair: -pair[1])
    tables.append({"id": "endings", "title": _("Endings reached"),
                   "columns": [_("Ending"), _("Quality"), _("Attempts"), _("Share")],
                   "rows": [[getattr(nodes.get(item), "title", None) or item,
                             _(QUALITY_LABELS.get(getattr(nodes.get(item), "quality", ""), "—")), n,
                             f"{_pct(n, attempts)} %"] for item, n in endings]})
    tables.append({"id": "quality", "title": _("Quality of the endings (integrity breaches count as poor)"),
                   "columns": [_("Quality"), _("Attempts"), _("Share")],
                   "rows": [[_(QUALITY_LABELS[q]), _get(counts, "quality", q)[0],
                             f"{_pct(_get(counts, 'quality', q)[0], attempts)} %"] for q in QUALITIES]})

    duty_rows = _duty_rows(scenario, counts, categories)
    tables.append({"id": "duties", "title": _("Duties most often not met"),
                   "columns": [_("Duty"), _("Maladministration category"), _("Legal basis"), _("Met"), _("Missed"),
                               _("Breached"), _("Not met")],
                   "rows": [[d["label"] + (f" ({_('critical')})" if d["critical"] else ""), d["maladministration"],
                             d["basis"], d["met"], d["missed"], d["breached"], f"{d['not_met_pct']} %"]
                            for d in duty_rows]})
    comp_rows = []
    for comp in scenario.competencies if scenario is not None else ():
        n, earned, possible = _get(counts, "competency", comp["id"])
        comp_rows.append([comp["label"], round(earned / n, 2) if n else 0, round(possible / n, 2) if n else 0,
                          f"{_pct(earned, possible)} %"])
    tables.append({"id": "competencies", "title": _("Competency averages per attempt"),
                   "columns": [_("Competency"), _("Points earned"), _("Points possible"), _("Share")],
                   "rows": comp_rows})
    record_rows = []
    for (metric, item), (n, right, _t2) in sorted(counts.items()):
        if metric == "record":
            node, field = item.split("|", 1)
            record_rows.append([node, _(RECORD_LABELS.get(field, field)), n, f"{_pct(right, n)} %"])
    tables.append({"id": "records", "title": _("Complaint record: fields filled in right"),
                   "columns": [_("Step"), _("Field"), _("Records"), _("Right")], "rows": record_rows})
    first_n, first_sum, _x = _get(counts, "learners")
    best_n, best_sum, _y = _get(counts, "best")
    tables.append({"id": "first_best", "title": _("First attempt and best attempt"),
                   "columns": [_("Learners"), _("Average score, first attempt"), _("Average score, best attempt"),
                               _("Average of all attempts")],
                   "rows": [[first_n, f"{round(first_sum / first_n, 1) if first_n else 0} %",
                             f"{round(best_sum / best_n, 1) if best_n else 0} %",
                             f"{round(_get(counts, 'attempts')[1] / attempts, 1) if attempts else 0} %"]]})

    heat_rows, out["hidden_units"] = _heatmap(scenario, units, k, categories, _)
    duty_labels = [d["label"] for d in sorted(duty_rows, key=lambda d: d["id"])]
    tables.append({"id": "heatmap", "title": _("Units × duties: share of attempts that met each duty"),
                   "columns": [_("Unit"), _("Learners"), _("Attempts"), _("All duties"), *duty_labels],
                   "rows": heat_rows, "heatmap": True})
    choice_map, choice_rows = _choices(counts, nodes)
    out["map"] = choice_map
    tables.append({"id": "choices", "title": _("Choices taken at each step"),
                   "columns": [_("Step"), _("Choice"), _("Times taken"), _("Share at this step")],
                   "rows": choice_rows})
    return out


def _heatmap(scenario, units, k, categories, _):
    """Rows of the units × duties table and how many units were left out (fewer than k learners)."""
    heat_rows, hidden = [], 0
    for unit in sorted(units, key=lambda u: (u == NO_UNIT, u)):
        unit_counts = units[unit]
        unit_learners = _get(unit_counts, "learners")[0]
        if unit_learners < k:
            hidden += 1
            continue
        per_duty = sorted(_duty_rows(scenario, unit_counts, categories), key=lambda d: d["id"])
        overall = round(sum(d["met_pct"] for d in per_duty) / len(per_duty), 1) if per_duty else 0.0
        heat_rows.append([unit or _("No unit"), unit_learners, _get(unit_counts, "attempts")[0],
                          {"text": f"{overall} % · {_(BAND_LABELS[band(overall)])}", "band": band(overall)},
                          *({"text": f"{d['met_pct']} %", "band": band(d["met_pct"])} for d in per_duty)])
    return heat_rows, hidden


def _choices(counts, nodes):
    """``({node: {choice: count}}, table rows)``: every choice of each dialogue node, taken or not."""
    choice_map, choice_rows = {}, []
    for (metric, item), (n, _t, _t2) in counts.items():
        if metric == "choice":
            node, choice = item.split("|", 1)
            choice_map.setdefault(node, {})[choice] = n
    for node_id in list(nodes) if nodes else sorted(choice_map):
        taken = choice_map.get(node_id) or {}
        node = nodes.get(node_id)
        total = sum(taken.values())
        if node is not None and getattr(node, "type", "") == "dialogue":
            choice_rows.extend([node_id, choice.text, taken.get(choice.id, 0),
                                f"{_pct(taken.get(choice.id, 0), total)} %"] for choice in node.choices)
        elif taken:
            choice_rows.extend([node_id, cid, n, f"{_pct(n, total)} %"] for cid, n in sorted(taken.items()))
    return choice_map, choice_rows


QUALITY_LABELS = {"good": N_("Good outcome"), "fair": N_("Partial outcome"), "poor": N_("Poor outcome")}
BAND_LABELS = {"green": N_("green"), "yellow": N_("yellow"), "red": N_("red")}
RECORD_LABELS = {"category": N_("Category"), "urgency": N_("Urgency"), "referral": N_("Handled by / referred to"),
                 "deadline_days": N_("Follow-up deadline"), "summary": N_("Summary of the complaint")}


def shares(turns, path, taken, model_ids, k):
    """Add ``peers`` to each dialogue turn of a debrief: what colleagues chose there.

    ``turns``: the debrief's turns (in path order, as ``session.debrief`` makes them); ``path``:
    the run's path; ``taken``: ``{node: {choice: count}}`` over the block's scenario version;
    ``model_ids``: ``{node: recommended choice id}``. A node where colleagues made at most
    ``k`` choices gets ``peers: None``. Returns new turn dicts.
    """
    chosen = [step for step in path if "choice" in step]
    out, index = [], 0
    for turn in turns:
        turn = dict(turn)
        if turn.get("type") == "dialogue":
            step = next((s for s in chosen[index:] if s["node"] == turn["node"]), None)
            index = chosen.index(step, index) + 1 if step is not None else index
            counts = taken.get(turn["node"], {})
            total = sum(counts.values())
            if step is not None and total > k:
                model = model_ids.get(turn["node"])
                turn["peers"] = {"attempts": total, "same": _pct(counts.get(step["choice"], 0), total),
                                 "model": _pct(counts.get(model, 0), total) if model else None}
            else:
                turn["peers"] = None
        out.append(turn)
    return out
