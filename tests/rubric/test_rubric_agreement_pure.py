"""Agreement figures against published worked examples (scikit-learn's kappa, our counting)."""
from collections import Counter

import pytest

from rubric_xblock.agreement import PairCount, summarise


def _rows(pairs, criterion="c", kind="staff_staff", period="2026-03", a="g1", b="g2"):
    return [PairCount(kind, criterion, period, a, b, x, y, n) for (x, y), n in Counter(pairs).items()]


def _table(cells):
    """Pairs from a 2x2 table {(a, b): count}."""
    return [pair for pair, count in cells.items() for _ in range(count)]


@pytest.mark.parametrize(("cells", "kappa"), [
    # Wikipedia, "Cohen's kappa", worked examples (two raters, yes = 0 / no = 1).
    ({(0, 0): 20, (0, 1): 5, (1, 0): 10, (1, 1): 15}, 0.4),
    ({(0, 0): 45, (0, 1): 15, (1, 0): 25, (1, 1): 15}, 0.13),
    ({(0, 0): 25, (0, 1): 35, (1, 0): 5, (1, 1): 35}, 0.259),
])
def test_two_category_kappa_matches_the_published_examples(cells, kappa):
    figures = summarise(_rows(_table(cells)), {"c": 2})["kinds"]["staff_staff"]["criteria"]["c"]
    assert figures["kappa"] == pytest.approx(kappa, abs=0.001)
    total = sum(cells.values())
    assert figures["n"] == total
    assert figures["exact"] == pytest.approx((cells[(0, 0)] + cells[(1, 1)]) / total, abs=0.001)
    assert figures["within_one"] == 1.0


def test_quadratic_kappa_matches_maples_essaytools_example():
    # Maple EssayTools, QuadraticWeightedKappa([9,7,8,7,6,8,3,5,10], [8,8,6,6,7,6,1,4,8]) = 0.758620689655172
    first, second = [9, 7, 8, 7, 6, 8, 3, 5, 10], [8, 8, 6, 6, 7, 6, 1, 4, 8]
    figures = summarise(_rows(zip(first, second, strict=True)), {"c": 11})["kinds"]["staff_staff"]["criteria"]["c"]
    assert figures["kappa"] == pytest.approx(0.7586, abs=0.0005)
    assert figures["exact"] == pytest.approx(0 / 9, abs=0.001)
    assert figures["within_one"] == pytest.approx(5 / 9, abs=0.001)


def test_perfect_and_constant_agreement():
    perfect = summarise(_rows([(0, 0), (1, 1), (2, 2)]), {"c": 3})["kinds"]["staff_staff"]["criteria"]["c"]
    assert perfect["kappa"] == 1.0 and perfect["exact"] == 1.0
    constant = summarise(_rows([(1, 1)] * 4), {"c": 3})["kinds"]["staff_staff"]["criteria"]["c"]
    assert constant["kappa"] is None and constant["exact"] == 1.0  # kappa is undefined without variation


def test_mean_difference_per_grader_and_periods():
    rows = (_rows([(2, 1)] * 3, a="lenient", b="strict", period="2026-03")
            + _rows([(1, 1)], a="lenient", b="strict", period="2026-04")
            + _rows([(2, 0)], kind="staff_peer", a="strict", b="peer-median", period="2026-04"))
    summary = summarise(rows, {"c": 3})
    graders = {g["grader"]: g for g in summary["graders"]}
    assert graders["lenient"] == {"grader": "lenient", "n": 4, "mean_difference": 0.75}
    # "strict": -1 on 4 staff pairs' three, 0 once, +2 against the peer median.
    assert graders["strict"]["n"] == 5 and graders["strict"]["mean_difference"] == pytest.approx(-0.2)
    assert "peer-median" not in graders
    periods = summary["kinds"]["staff_staff"]["periods"]
    assert periods["2026-03"]["c"]["exact"] == 0.0 and periods["2026-04"]["c"]["exact"] == 1.0
    assert summary["kinds"]["staff_peer"]["criteria"]["c"]["within_one"] == 0.0
