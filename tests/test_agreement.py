"""Cohen's kappa and percent agreement against published worked examples and hand computations."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lovende_research.agreement import AgreementError, cohens_kappa, kappa_from_table, percent_agreement, wide_ratings


def long_from_table(table: list[list[int]], labels: list[str]) -> pd.DataFrame:
    """Expand a contingency table (rater A in rows, rater B in columns) into long ratings."""
    rows = []
    subject = 0
    for (i, a), (j, b) in itertools.product(enumerate(labels), enumerate(labels)):
        for _ in range(table[i][j]):
            rows += [(subject, "A", a), (subject, "B", b)]
            subject += 1
    return pd.DataFrame(rows, columns=["subject", "rater", "rating"])


def hand_kappa(table: np.ndarray) -> tuple[float, float, float, float]:
    """p_o, p_e, kappa and the Fleiss, Cohen & Everitt (1969) large-sample SE, written out term by term.

    An independent implementation (plain loops over cells) of eq. (13) of Fleiss, Cohen & Everitt (1969),
    Psychological Bulletin 72(5), 323-327:
    var = [sum_i p_ii (1 - (p_i. + p_.i)(1 - k))^2 + (1 - k)^2 sum_{i != j} p_ij (p_.i + p_j.)^2
           - (k - p_e (1 - k))^2] / (n (1 - p_e)^2).
    """
    n = table.sum()
    p = table / n
    k = p.shape[0]
    row = [sum(p[i, j] for j in range(k)) for i in range(k)]
    col = [sum(p[i, j] for i in range(k)) for j in range(k)]
    p_o = sum(p[i, i] for i in range(k))
    p_e = sum(row[i] * col[i] for i in range(k))
    kappa = (p_o - p_e) / (1 - p_e)
    a = sum(p[i, i] * (1 - (row[i] + col[i]) * (1 - kappa)) ** 2 for i in range(k))
    b = (1 - kappa) ** 2 * sum(p[i, j] * (col[i] + row[j]) ** 2 for i in range(k) for j in range(k) if i != j)
    c = (kappa - p_e * (1 - kappa)) ** 2
    se = np.sqrt((a + b - c) / (n * (1 - p_e) ** 2))
    return p_o, p_e, kappa, se


WIKIPEDIA = [[20, 5], [10, 15]]


def test_kappa_matches_wikipedia_worked_example() -> None:
    # Wikipedia, "Cohen's kappa", section "Simple example": 50 grant proposals, readers A and B;
    # yes/yes 20, A yes & B no 5, A no & B yes 10, no/no 15 -> p_o = 0.70, p_e = 0.50, kappa = 0.40.
    result = cohens_kappa(long_from_table(WIKIPEDIA, ["yes", "no"]), subject="subject", rater="rater", rating="rating").iloc[0]
    assert result["n_subjects"] == 50
    assert result["percent_agreement"] == pytest.approx(0.70, abs=1e-12)
    assert result["expected_agreement"] == pytest.approx(0.50, abs=1e-12)
    assert result["estimate"] == pytest.approx(0.40, abs=1e-12)


def test_kappa_standard_error_and_interval_by_hand() -> None:
    # Fleiss, Cohen & Everitt (1969) SE for the Wikipedia table, worked by hand:
    # p11 = .4, p12 = .1, p21 = .2, p22 = .3; rows .5/.5, columns .6/.4; kappa = .4, p_e = .5.
    # A = .4 (1 - 1.1 * .6)^2 + .3 (1 - .9 * .6)^2 = .04624 + .06348 = .10972
    # B = .6^2 [.1 (.6 + .5)^2 + .2 (.4 + .5)^2] = .36 * .283 = .10188
    # C = (.4 - .5 * .6)^2 = .01
    # var = (.10972 + .10188 - .01) / (50 * .25) = .016128; se = .1269961
    # 95 % Wald interval: .4 -/+ 1.959964 * .1269961 = (.151090, .648910)
    result = kappa_from_table(WIKIPEDIA).iloc[0]
    assert result["se"] == pytest.approx(np.sqrt(0.016128), abs=1e-9)
    assert result["ci_low"] == pytest.approx(0.151090, abs=1e-5)
    assert result["ci_high"] == pytest.approx(0.648910, abs=1e-5)
    assert result["confidence"] == 0.95


def test_kappa_matches_fleiss_textbook_three_category_example() -> None:
    # Fleiss (1981), Statistical Methods for Rates and Proportions, 2nd ed., ch. 13: two raters diagnose
    # 100 patients as psychotic/neurotic/organic, proportions [[.75 .01 .04], [.05 .04 .01], [0 0 .10]];
    # p_o = .89, p_e = .66, kappa = .23 / .34 = .676 (reported as .68).
    table = [[75, 1, 4], [5, 4, 1], [0, 0, 10]]
    ratings = long_from_table(table, ["psychotic", "neurotic", "organic"])
    result = cohens_kappa(ratings, subject="subject", rater="rater", rating="rating").iloc[0]
    assert result["percent_agreement"] == pytest.approx(0.89, abs=1e-12)
    assert result["expected_agreement"] == pytest.approx(0.66, abs=1e-12)
    assert result["estimate"] == pytest.approx(0.23 / 0.34, abs=1e-12)
    assert round(result["estimate"], 2) == 0.68


@pytest.mark.parametrize("seed", range(8))
def test_kappa_and_se_match_independent_hand_implementation(seed: int) -> None:
    # Independent computation: hand_kappa above, plain loops over the cells, on random tables.
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 5))
    table = rng.integers(1, 30, size=(k, k)) + np.diag(rng.integers(5, 40, size=k))
    p_o, p_e, kappa, se = hand_kappa(table.astype(float))
    result = cohens_kappa(long_from_table(table.tolist(), [f"c{i}" for i in range(k)]), subject="subject", rater="rater", rating="rating").iloc[0]
    assert result["percent_agreement"] == pytest.approx(p_o, abs=1e-12)
    assert result["expected_agreement"] == pytest.approx(p_e, abs=1e-12)
    assert result["estimate"] == pytest.approx(kappa, abs=1e-12)
    assert result["se"] == pytest.approx(se, abs=1e-12)
    z = stats.norm.ppf(0.95)  # 90 % interval
    narrow = cohens_kappa(long_from_table(table.tolist(), [f"c{i}" for i in range(k)]), subject="subject", rater="rater", rating="rating", confidence=0.90).iloc[0]
    assert narrow["ci_low"] == pytest.approx(max(-1, kappa - z * se), abs=1e-12)
    assert narrow["ci_high"] == pytest.approx(min(1, kappa + z * se), abs=1e-12)


def test_unused_category_leaves_kappa_unchanged() -> None:
    # Adding an empty row and column changes neither the margins' products nor the diagonal (hand: same p_o, p_e).
    ratings = long_from_table(WIKIPEDIA, ["yes", "no"])
    wider = cohens_kappa(ratings, subject="subject", rater="rater", rating="rating", categories=["yes", "no", "maybe"]).iloc[0]
    assert wider["estimate"] == pytest.approx(0.40, abs=1e-12)


def test_kappa_undefined_when_both_raters_use_one_category() -> None:
    # Every rating 'include': p_o = p_e = 1, so kappa = 0/0; reported as NaN with the agreement kept.
    ratings = long_from_table([[7, 0], [0, 0]], ["include", "exclude"])
    result = cohens_kappa(ratings, subject="subject", rater="rater", rating="rating", categories=["include", "exclude"]).iloc[0]
    assert result["percent_agreement"] == 1.0
    assert np.isnan(result["estimate"]) and np.isnan(result["ci_low"])


def test_perfect_agreement_over_two_categories() -> None:
    # Hand: p_o = 1, p_e = .5^2 + .5^2 = .5, kappa = 1; A = 1, B = 0, C = 1, so var = 0.
    result = kappa_from_table([[5, 0], [0, 5]]).iloc[0]
    assert result["estimate"] == pytest.approx(1.0)
    assert result["se"] == pytest.approx(0.0, abs=1e-12)
    assert result["ci_high"] == 1.0


def test_no_common_subjects_gives_nan_not_error() -> None:
    ratings = pd.DataFrame({"s": [1, 2], "r": ["A", "B"], "v": ["x", "y"]})
    result = cohens_kappa(ratings, subject="s", rater="r", rating="v").iloc[0]
    assert result["n_subjects"] == 0
    assert np.isnan(result["estimate"]) and np.isnan(result["percent_agreement"])


def test_percent_agreement_counts_only_subjects_rated_twice() -> None:
    # Subjects 1 (x, x) and 2 (x, y) are rated twice, subject 3 once: 1 of 2 agree.
    ratings = pd.DataFrame({"s": [1, 1, 2, 2, 3], "r": ["A", "B", "A", "B", "A"], "v": ["x", "x", "x", "y", "z"]})
    assert percent_agreement(ratings, subject="s", rater="r", rating="v") == 0.5


@pytest.mark.parametrize(
    "ratings, message",
    [
        (pd.DataFrame({"s": [1, 1, 1], "r": ["A", "B", "C"], "v": ["x"] * 3}), "to bedømmere"),
        (pd.DataFrame({"s": [1, 1], "r": ["A", "A"], "v": ["x", "y"]}), "mere end én gang"),
        (pd.DataFrame({"s": [1], "r": ["A"]}), "mangler kolonnerne v"),
    ],
)
def test_unusable_ratings_raise_agreement_error(ratings: pd.DataFrame, message: str) -> None:
    with pytest.raises(AgreementError, match=message):
        cohens_kappa(ratings, subject="s", rater="r", rating="v")


def test_rating_outside_categories_and_bad_confidence_are_errors() -> None:
    ratings = long_from_table(WIKIPEDIA, ["yes", "no"])
    with pytest.raises(AgreementError, match="uden for kategorierne"):
        cohens_kappa(ratings, subject="subject", rater="rater", rating="rating", categories=["yes"])
    with pytest.raises(AgreementError, match="confidence"):
        cohens_kappa(ratings, subject="subject", rater="rater", rating="rating", confidence=95)
    with pytest.raises(AgreementError, match="kvadratisk"):
        kappa_from_table([[1, 2, 3]])


def test_wide_ratings_orders_raters_and_keeps_missing() -> None:
    ratings = pd.DataFrame({"s": [1, 1, 2], "r": ["B", "A", "B"], "v": ["x", "y", "x"]})
    wide = wide_ratings(ratings, subject="s", rater="r", rating="v")
    assert list(wide.columns) == ["A", "B"]
    assert pd.isna(wide.loc[2, "A"]) and wide.loc[1, "A"] == "y"
