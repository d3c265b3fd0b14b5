"""How much graders agree: exact and within-one agreement, quadratic weighted kappa, each
grader's mean difference from the others, per criterion and per month.

Plain functions over plain rows (no ``xblock``, no ``django``). Kappa is scikit-learn's
``cohen_kappa_score`` and the means are numpy's; the store hands over rows already counted
by the database (one row per distinct pair of levels), so the cost follows the number of
distinct cells, not of graded submissions.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class PairCount:
    """``count`` pairs of one kind and criterion in one period where grader ``a`` chose level
    index ``level_a`` and grader ``b`` level index ``level_b``."""

    kind: str
    criterion_id: str
    period: str
    grader_a: str
    grader_b: str
    level_a: int
    level_b: int
    count: int


def _figures(cells, levels):
    """Exact, within-one, quadratic kappa and n for ``cells`` ``[(level_a, level_b, count)]``."""
    import numpy as np
    from sklearn.metrics import cohen_kappa_score

    if not cells:
        return {"n": 0, "exact": None, "within_one": None, "kappa": None}
    first = np.array([a for a, _b, _n in cells])
    second = np.array([b for _a, b, _n in cells])
    weights = np.array([n for _a, _b, n in cells], dtype=float)
    total = float(weights.sum())
    exact = float(np.average(first == second, weights=weights))
    within = float(np.average(np.abs(first - second) <= 1, weights=weights))
    kappa = None
    if len(set(first.tolist()) | set(second.tolist())) > 1:
        value = cohen_kappa_score(first, second, labels=list(range(max(levels, 1))), weights="quadratic",
                                  sample_weight=weights)
        kappa = None if math.isnan(value) else round(float(value), 3)
    return {"n": int(total), "exact": round(exact, 3), "within_one": round(within, 3), "kappa": kappa}


def summarise(rows, levels_per_criterion):
    """The agreement summary from :class:`PairCount` rows.

    ``levels_per_criterion`` maps criterion id → number of levels (the kappa's label set).
    Returns ``{"kinds": {kind: {"criteria": {criterion: figures}, "periods": {period:
    {criterion: figures}}}}, "graders": [{"grader", "n", "mean_difference"}]}``: a grader's
    mean difference is their level minus the other grader's, in level steps, averaged over
    every pair they were in (positive: more lenient than the others).
    """
    import numpy as np

    by_criterion = defaultdict(list)
    by_period = defaultdict(list)
    differences = defaultdict(list)
    for row in rows:
        cell = (row.level_a, row.level_b, row.count)
        by_criterion[(row.kind, row.criterion_id)].append(cell)
        by_period[(row.kind, row.period, row.criterion_id)].append(cell)
        differences[row.grader_a].append((row.level_a - row.level_b, row.count))
        if row.kind == "staff_staff":
            differences[row.grader_b].append((row.level_b - row.level_a, row.count))
    kinds = {}
    for (kind, criterion_id), cells in sorted(by_criterion.items()):
        entry = kinds.setdefault(kind, {"criteria": {}, "periods": {}})
        entry["criteria"][criterion_id] = _figures(cells, levels_per_criterion.get(criterion_id, 0))
    for (kind, period, criterion_id), cells in sorted(by_period.items()):
        kinds[kind]["periods"].setdefault(period, {})[criterion_id] = _figures(
            cells, levels_per_criterion.get(criterion_id, 0))
    graders = []
    for grader, values in sorted(differences.items()):
        diffs = np.array([d for d, _n in values], dtype=float)
        counts = np.array([n for _d, n in values], dtype=float)
        graders.append({"grader": grader, "n": int(counts.sum()),
                        "mean_difference": round(float(np.average(diffs, weights=counts)), 3)})
    return {"kinds": kinds, "graders": graders}
