"""The reflection's staff analytics as tables, from the grouped figures (pure Python).

Per criterion: how often each level was given (staff and self), the gap between the
learners' self assessment and the staff grade (over the reflections that have both), and
grading progress; per unit, the average staff score per criterion. *k*-anonymity: a
selection with fewer than *k* reflections shows nothing, and a unit with fewer than *k*
is left out of every per-unit table.
"""
from .strings import N_

GREEN, YELLOW = 80, 50


def _pct(part, whole):
    return round(100 * part / whole, 1) if whole else 0.0


def band(value):
    """``"green"`` / ``"yellow"`` / ``"red"`` for a score percentage."""
    return "green" if value >= GREEN else "yellow" if value >= YELLOW else "red"


BAND_LABELS = {"green": N_("green"), "yellow": N_("yellow"), "red": N_("red")}


def report(rubric, figures, k, gettext):
    """``{"learners", "attempts", "hidden", "hidden_units", "tables"}`` (the role-play's shape)."""
    _ = gettext
    progress = figures["progress"]
    submitted = sum(p["submitted"] for p in progress)
    out = {"k": k, "learners": submitted, "attempts": submitted, "hidden": submitted < k, "hidden_units": 0,
           "tables": []}
    if out["hidden"]:
        return out
    tables = out["tables"]
    totals = {key: sum(p[key] for p in progress) for key in ("graded", "released", "appealed", "self_assessed")}
    tables.append({"id": "progress", "title": _("Grading progress"),
                   "columns": [_("Submitted"), _("Self-assessed"), _("Graded by staff"), _("Waiting for a grade"),
                               _("Released"), _("Appealed")],
                   "rows": [[submitted, totals["self_assessed"], totals["graded"], submitted - totals["graded"],
                             totals["released"], totals["appealed"]]]})
    counts = {(r["assessment__kind"], r["criterion_id"], r["level_id"]): r["n"] for r in figures["levels"]}
    level_rows = []
    for criterion in rubric.criteria:
        staff_total = sum(counts.get(("staff", criterion.id, level.id), 0) for level in criterion.levels)
        self_total = sum(counts.get(("self", criterion.id, level.id), 0) for level in criterion.levels)
        for level in criterion.levels:
            staff_n = counts.get(("staff", criterion.id, level.id), 0)
            self_n = counts.get(("self", criterion.id, level.id), 0)
            level_rows.append([criterion.label, f"{level.label} ({level.points})", staff_n,
                               f"{_pct(staff_n, staff_total)} %", self_n, f"{_pct(self_n, self_total)} %"])
    tables.append({"id": "levels", "title": _("Levels given per criterion"),
                   "columns": [_("Criterion"), _("Level (points)"), _("Staff grades"), _("Share of staff grades"),
                               _("Self assessments"), _("Share of self assessments")], "rows": level_rows})
    gaps = {(r["assessment__kind"], r["criterion_id"]): r for r in figures["gaps"]}
    gap_rows = []
    for criterion in rubric.criteria:
        own, staff = gaps.get(("self", criterion.id)), gaps.get(("staff", criterion.id))
        if own and staff:
            gap_rows.append([criterion.label, staff["n"], round(own["avg"], 2), round(staff["avg"], 2),
                             f"{round(own['avg'] - staff['avg'], 2):+}"])
    tables.append({"id": "gap", "title": _("Self assessment against the staff grade"),
                   "columns": [_("Criterion"), _("Reflections with both"), _("Average self assessment (points)"),
                               _("Average staff grade (points)"), _("Gap (self − staff)")], "rows": gap_rows})
    per_unit = {(r["assessment__reflection__unit"], r["criterion_id"]): r["avg"] for r in figures["per_unit"]}
    unit_rows = []
    for row in sorted(progress, key=lambda p: (p["unit"] == "", p["unit"])):
        if row["submitted"] < k:
            out["hidden_units"] += 1
            continue
        cells = []
        for criterion in rubric.criteria:
            top = max((level.points for level in criterion.levels), default=0)
            avg = per_unit.get((row["unit"], criterion.id))
            value = _pct(avg, top) if avg is not None and top else None
            cells.append({"text": "—", "band": ""} if value is None else
                         {"text": f"{value} % · {_(BAND_LABELS[band(value)])}", "band": band(value)})
        unit_rows.append([row["unit"] or _("No unit"), row["submitted"], row["graded"], *cells])
    tables.append({"id": "units", "title": _("Units × criteria: average staff grade"),
                   "columns": [_("Unit"), _("Submitted"), _("Graded by staff"), *(c.label for c in rubric.criteria)],
                   "rows": unit_rows, "heatmap": True,
                   "legend": _("Average staff grade as a share of the criterion's top points — green: at "
                               "least 80%; yellow: 50–79%; red: under 50%.")})
    return out
