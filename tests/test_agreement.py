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


# ==================================================================================================
# Coder agreement: Krippendorff's alpha, weighted kappa per pair, Gwet's AC2, the paradox table.
# (Added with issue 5, item 2; the tests above cover Cohen's kappa and percent agreement.)
# ==================================================================================================


from lovende_research.agreement import (  # noqa: E402
    OVERALL,
    coder_agreement,
    coding_units,
    gwet_ac2,
    krippendorff_alpha,
    weighted_kappa,
)
from lovende_research.instrument import load_instrument  # noqa: E402

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C: 4 observers x 12 units,
# values 1-5, missing values (None). The same matrix is Gwet's (2014, p. 120) cac.raw4raters data set.
KRIPPENDORFF_C = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}
KW = {"subject": "unit", "rater": "rater", "rating": "value"}


def long_from_columns(columns: dict[str, list[object]]) -> pd.DataFrame:
    """One column per rater (one row per unit) -> long ratings with an Int64 (or text) value column."""
    long = pd.DataFrame(columns).rename_axis("unit").reset_index().melt("unit", var_name="rater")
    if all(v is None or isinstance(v, (int, float)) for v in long["value"]):
        long["value"] = long["value"].astype("Int64")
    return long


def long_table(table: list[list[int]], scores: list[int]) -> pd.DataFrame:
    """A contingency table (rater A rows, rater B columns) -> long ratings on the given scores."""
    rows, unit = [], 0
    for (i, a), (j, b) in itertools.product(enumerate(scores), enumerate(scores)):
        for _ in range(table[i][j]):
            rows += [(unit, "A", a), (unit, "B", b)]
            unit += 1
    return pd.DataFrame(rows, columns=["unit", "rater", "value"]).astype({"value": "Int64"})


@pytest.mark.parametrize("level, expected", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_alpha_matches_krippendorff_2011_example_c(level: str, expected: float) -> None:
    # Krippendorff (2011), section C (nominal alpha = .743) and section D / the 'krippendorff' package's
    # tests (ordinal .815, interval .849, ratio .797); n.. = 40 pairable values. Published to 3 decimals.
    result = krippendorff_alpha(long_from_columns(KRIPPENDORFF_C), level=level, **KW).iloc[0]
    assert result["estimate"] == pytest.approx(expected, abs=5e-4)
    assert result["n_pairable"] == 40
    assert result["n_subjects"] == 11  # unit 12 has one value only: not pairable


def test_alpha_matches_krippendorff_2011_binary_two_observers() -> None:
    # Krippendorff (2011), section A: two observers, ten units, binary; published alpha = 0.095.
    # By hand: o00 = 10, o11 = 2, o01 = o10 = 4; n0 = 14, n1 = 6, n = 20;
    # alpha = 1 - (n - 1) o01 / (n0 n1) = 1 - 19 * 4 / 84 = 0.0952.
    data = {"A": [0, 1, 0, 0, 0, 0, 0, 0, 1, 0], "B": [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]}
    result = krippendorff_alpha(long_from_columns(data), level="nominal", **KW).iloc[0]
    assert result["estimate"] == pytest.approx(1 - 19 * 4 / 84, abs=1e-12)
    assert round(result["estimate"], 3) == 0.095


def test_alpha_matches_krippendorff_2011_nominal_two_observers() -> None:
    # Krippendorff (2011), section B: two observers, twelve units, values a-e; published alpha = 0.692.
    # By hand: 9 of 12 units agree, so the off-diagonal of the coincidence matrix sums to 6; margins
    # a 4, b 6, c 6, d 6, e 2 (n = 24, sum n_c^2 = 128); alpha = 1 - 23 * 6 / (576 - 128) = 0.6920.
    data = {"A": list("aabbdcccedda"), "B": list("babbbccceddd")}
    result = krippendorff_alpha(long_from_columns(data), level="nominal", **KW).iloc[0]
    assert result["estimate"] == pytest.approx(1 - 23 * 6 / 448, abs=1e-12)
    assert round(result["estimate"], 3) == 0.692


def test_alpha_and_ac1_match_irrcac_vignette_abstractors_table() -> None:
    # irrCAC R package vignette "Calculating Chance-corrected Agreement Coefficients" (Gwet 2019),
    # cont3x3abstractors (100 pregnancies, 2 abstractors): krippen2.table -> 0.7972585,
    # gwet.ac1.table -> 0.8493305 (7 decimals published). (Its table-based SE uses a different formula
    # from the raw-data one we implement, so only the coefficients are compared.)
    ratings = long_table([[13, 0, 0], [0, 20, 7], [0, 4, 56]], [1, 2, 3])
    alpha = krippendorff_alpha(ratings, level="nominal", **KW).iloc[0]
    ac1 = gwet_ac2(ratings, weights="identity", **KW).iloc[0]
    assert alpha["estimate"] == pytest.approx(0.7972585, abs=5e-8)
    assert ac1["estimate"] == pytest.approx(0.8493305, abs=5e-8)
    assert ac1["statistic"] == "gwet_ac1"


def test_ac1_matches_gwet_raw4raters_published_values() -> None:
    # Gwet (2014) data on p. 120 (cac.raw4raters); AC1 as printed in the irrCAC documentation (module
    # docstring of irrCAC.raw, reproducing R's gwet.ac1.raw): AC1 = 0.77544, se = 0.14295,
    # pa = 0.81818, pe = 0.19032, 95 % CI (0.46081, 1). Five decimals published: tolerance 5e-6.
    result = gwet_ac2(long_from_columns(KRIPPENDORFF_C), weights="identity", **KW).iloc[0]
    assert result["estimate"] == pytest.approx(0.77544, abs=5e-6)
    assert result["se"] == pytest.approx(0.14295, abs=5e-6)
    assert result["observed_agreement"] == pytest.approx(0.81818, abs=5e-6)
    assert result["expected_agreement"] == pytest.approx(0.19032, abs=5e-6)
    assert result["ci_low"] == pytest.approx(0.46081, abs=5e-6)
    assert result["ci_high"] == 1.0
    assert result["n_subjects"] == 12


@pytest.mark.parametrize(
    "weights, pa, pe, ac2, se, ci_low",
    [
        ("linear", 0.939, 0.571, 0.859, 0.117, 0.600),
        ("ordinal", 0.968, 0.685, 0.899, 0.107, 0.664),
        ("quadratic", 0.975, 0.714, 0.914, 0.104, 0.685),
    ],
)
def test_ac2_matches_gwet_raw4raters_published_weighted_values(weights: str, pa: float, pe: float, ac2: float, se: float, ci_low: float) -> None:
    # Gwet (2014) p. 120 data; weighted AC2 as published (3 decimals) in the irrCAC (Python) test suite
    # reproducing R irrCAC's gwet.ac1.raw(cac.raw4raters, weights=...). Tolerance 5e-4 (rounding).
    result = gwet_ac2(long_from_columns(KRIPPENDORFF_C), weights=weights, **KW).iloc[0]
    assert result["statistic"] == "gwet_ac2"
    assert result["observed_agreement"] == pytest.approx(pa, abs=5e-4)
    assert result["expected_agreement"] == pytest.approx(pe, abs=5e-4)
    assert result["estimate"] == pytest.approx(ac2, abs=5e-4)
    assert result["se"] == pytest.approx(se, abs=5e-4)
    assert result["ci_low"] == pytest.approx(ci_low, abs=5e-4)


def test_weighted_kappa_matches_sas_printout() -> None:
    # SAS PROC FREQ (AGREE) printout for the 3x3 table [[0,4,1],[0,8,0],[0,1,5]] with Cicchetti-Allison
    # (linear) weights, as recorded in statsmodels' test_inter_rater.py (TestWeightedCohens):
    # weighted kappa 0.4701, ASE 0.1457, 95 % limits 0.1845 and 0.7558. Four decimals: tolerance 5e-5.
    result = weighted_kappa(long_table([[0, 4, 1], [0, 8, 0], [0, 1, 5]], [1, 2, 3]), weights="linear", **KW).iloc[0]
    assert result["estimate"] == pytest.approx(0.4701, abs=5e-5)
    assert result["se"] == pytest.approx(0.1457, abs=5e-5)
    assert result["ci_low"] == pytest.approx(0.1845, abs=5e-5)
    assert result["ci_high"] == pytest.approx(0.7558, abs=5e-5)


def test_weighted_kappa_by_hand_three_subjects() -> None:
    # Subjects (A, B): (1,1), (2,3), (3,3), each p = 1/3; A margins 1/3 each, B margins (1/3, 0, 2/3).
    # Linear agreement weights 1 - |i-j|/2: p_o = (1 + .5 + 1)/3 = .8333;
    #   p_e = 1/3 [1/3 + (.5/3 + .5*2/3) + 2/3] = .5; kappa = (.8333 - .5)/.5 = 2/3.
    # Quadratic 1 - (i-j)^2/4: p_o = (1 + .75 + 1)/3 = .91667;
    #   p_e = 1/3 [1/3 + (.75/3 + .75*2/3) + 2/3] = .58333; kappa = .33333/.41667 = 0.8.
    long = pd.DataFrame({"unit": [1, 1, 2, 2, 3, 3], "rater": ["A", "B"] * 3, "value": [1, 1, 2, 3, 3, 3]})
    result = weighted_kappa(long, weights=["linear", "quadratic"], **KW).set_index("weights")
    assert result.loc["linear", "estimate"] == pytest.approx(2 / 3, abs=1e-12)
    assert result.loc["linear", "expected_agreement"] == pytest.approx(0.5, abs=1e-12)
    assert result.loc["quadratic", "estimate"] == pytest.approx(0.8, abs=1e-12)
    assert result.loc["quadratic", "observed_agreement"] == pytest.approx(2.75 / 3, abs=1e-12)


def hand_weighted_kappa(table: np.ndarray, quadratic: bool) -> float:
    """Cohen's (1968) weighted kappa with plain loops: 1 - sum v_ij p_ij / sum v_ij p_i. p_.j (v = disagreement)."""
    k = table.shape[0]
    n = table.sum()
    rows = [table[i].sum() / n for i in range(k)]
    cols = [table[:, j].sum() / n for j in range(k)]
    num = sum(abs(i - j) ** (2 if quadratic else 1) * table[i, j] / n for i in range(k) for j in range(k))
    den = sum(abs(i - j) ** (2 if quadratic else 1) * rows[i] * cols[j] for i in range(k) for j in range(k))
    return 1 - num / den


@pytest.mark.parametrize("seed", range(4))
def test_weighted_kappa_matches_hand_implementation_for_every_pair(seed: int) -> None:
    # Independent computation: hand_weighted_kappa above on each pair's own table; three raters, missing
    # ratings dropped pairwise.
    rng = np.random.default_rng(seed)
    n = 60
    truth = rng.integers(1, 5, n)
    data = {r: [int(t) if rng.random() < 0.7 else int(rng.integers(1, 5)) for t in truth] for r in "ABC"}
    data["C"] = [None if rng.random() < 0.2 else v for v in data["C"]]
    long = long_from_columns(data)
    result = weighted_kappa(long, weights=["linear", "quadratic"], **KW)
    assert list(zip(result["rater_a"], result["rater_b"])) == [("A", "B")] * 2 + [("A", "C")] * 2 + [("B", "C")] * 2
    for row in result.itertuples():
        a, b = np.array(data[row.rater_a], dtype=float), np.array(data[row.rater_b], dtype=float)
        both = ~np.isnan(a) & ~np.isnan(b)
        table = np.zeros((4, 4))
        for x, y in zip(a[both].astype(int), b[both].astype(int)):
            table[x - 1, y - 1] += 1
        assert row.n_subjects == both.sum()
        assert row.estimate == pytest.approx(hand_weighted_kappa(table, row.weights == "quadratic"), abs=1e-12)


def test_identical_coders_agree_perfectly() -> None:
    # Two coders with the same codes on a spread of categories: D_o = 0 so alpha = 1; p_o = 1 so kappa = 1
    # and AC2 = (1 - p_e)/(1 - p_e) = 1.
    codes = [1, 2, 3, 4, 4, 3, 2, 1, 4, 4]
    long = long_from_columns({"A": codes, "B": codes})
    assert krippendorff_alpha(long, **KW)["estimate"].iloc[0] == pytest.approx(1.0)
    assert weighted_kappa(long, **KW)["estimate"].iloc[0] == pytest.approx(1.0)
    assert gwet_ac2(long, **KW)["estimate"].iloc[0] == pytest.approx(1.0)
    assert krippendorff_alpha(long, **KW)["percent_agreement"].iloc[0] == 1.0


def test_alpha_near_zero_for_independent_coders() -> None:
    # Independent uniform coders: expected alpha is about 0 (E[D_o] = D_e); with 5,000 units the
    # sampling SD is ~0.015, so |alpha| < 0.06 fails with probability < 1e-4.
    rng = np.random.default_rng(11)
    long = long_from_columns({"A": rng.integers(1, 5, 5000).tolist(), "B": rng.integers(1, 5, 5000).tolist()})
    for level in ("nominal", "ordinal", "interval"):
        assert abs(krippendorff_alpha(long, level=level, **KW)["estimate"].iloc[0]) < 0.06


def test_bootstrap_is_reproducible_and_covers_the_estimate() -> None:
    long = long_from_columns(KRIPPENDORFF_C)
    first = krippendorff_alpha(long, n_boot=500, seed=5, **KW).iloc[0]
    again = krippendorff_alpha(long, n_boot=500, seed=5, **KW).iloc[0]
    other = krippendorff_alpha(long, n_boot=500, seed=6, **KW).iloc[0]
    assert (first["ci_low"], first["ci_high"], first["se"]) == (again["ci_low"], again["ci_high"], again["se"])
    assert first["se"] != other["se"]
    assert first["ci_low"] <= first["estimate"] <= first["ci_high"]
    assert 0 < first["se"] < 0.5 and first["n_boot"] > 450
    plain = krippendorff_alpha(long, **KW).iloc[0]
    assert np.isnan(plain["se"]) and np.isnan(plain["ci_low"]) and plain["n_boot"] == 0


def test_bootstrap_of_a_thousand_draws_on_a_mapping_sized_study() -> None:
    # 14 practices x 3 informants x 31 items = 1,302 units, 2 coders (its speed is measured in benchmarks/).
    rng = np.random.default_rng(0)
    truth = rng.integers(1, 5, 1302)
    other = np.where(rng.random(1302) < 0.8, truth, rng.integers(1, 5, 1302))
    long = long_from_columns({"A": truth.tolist(), "B": other.tolist()})
    result = krippendorff_alpha(long, n_boot=1000, seed=1, **KW).iloc[0]
    assert result["n_boot"] == 1000 and result["ci_low"] < result["estimate"] < result["ci_high"]


def test_missing_ratings_are_not_pairable() -> None:
    # Adding NA codes (ved ikke) and a unit coded by one coder only leaves alpha as it is: not pairable.
    base = long_from_columns(KRIPPENDORFF_C)
    extra = pd.DataFrame({"unit": [12, 12, 13], "rater": ["A", "B", "A"], "value": pd.array([None, None, 4], dtype="Int64")})
    more = pd.concat([base, extra], ignore_index=True)
    assert krippendorff_alpha(more, **KW)["estimate"].iloc[0] == pytest.approx(krippendorff_alpha(base, **KW)["estimate"].iloc[0])
    assert krippendorff_alpha(more, **KW)["n_subjects"].iloc[0] == 11
    # AC2 counts a unit with a single rating in pi_k (Gwet 2014), so unit 13 (one rating) may move it;
    # the NA-only unit 12 rows must not: compare with the base plus unit 13 only.
    with_13 = pd.concat([base, extra.iloc[[2]]], ignore_index=True)
    assert gwet_ac2(more, **KW)["estimate"].iloc[0] == pytest.approx(gwet_ac2(with_13, **KW)["estimate"].iloc[0])


CEILING = {"A": [4] * 18 + [3, 4], "B": [4] * 18 + [4, 3]}


def test_paradox_flag_fires_on_ceiling_heavy_codes() -> None:
    # Hand: 20 units, 18 coded (4,4), one (3,4), one (4,3). Percent agreement 18/20 = .90.
    # Alpha: o44 = 36, o34 = o43 = 2, n3 = 2, n4 = 38, n = 40; two categories, so every metric gives
    #   alpha = 1 - (n-1) * 2 * o34 / (2 n3 n4) = 1 - 39 * 4 / 152 = -0.0263.
    # Quadratic kappa on 1-4 (agreement weight of 3 vs 4 = 8/9): p_o = (18 + 2 * 8/9)/20 = .98889,
    #   p_e = .05^2 + .95^2 + 2 * .05 * .95 * 8/9 = .98944, kappa = -0.0526.
    # AC2 quadratic, q = 4, T_w = 4 + 6 * 8/9 + 4 * 5/9 = 11.5556: p_a = .98889,
    #   p_e = T_w/12 * (2 * .05 * .95) = .091481, AC2 = (.98889 - .091481)/(1 - .091481) = .98777.
    # End share: 38/40 = .95 in category 4 >= .7, so the paradox rule holds.
    long = long_from_columns(CEILING).rename(columns={"unit": "subject", "rater": "coder_id"})
    long["element_id"] = "maal"
    table = coder_agreement(long, categories=[1, 2, 3, 4], n_boot=200, seed=1)
    row = table[table["scope"] == "group"].iloc[0]
    assert row["percent_agreement"] == pytest.approx(0.9)
    assert row["alpha"] == pytest.approx(1 - 39 * 4 / 152, abs=1e-12)
    assert row["kappa"] == pytest.approx((0.988888889 - 0.989444444) / (1 - 0.989444444), abs=1e-6)
    assert row["ac2"] == pytest.approx(0.98777, abs=5e-5)
    assert row["end_category"] == 4 and row["end_share"] == pytest.approx(0.95)
    assert bool(row["paradox"]) and "Kappa-paradokset" in row["note"]
    english = coder_agreement(long, categories=[1, 2, 3, 4], n_boot=0, language="en")
    assert english["note"].iloc[0].startswith("The kappa paradox")


def test_paradox_flag_stays_off_for_balanced_codes() -> None:
    # The same two disagreements, but the agreed codes spread over 1-4 (5 units each, minus the two):
    # alpha is high (well above .667) and no end holds 70 % of the codes, so no flag.
    codes = [1] * 5 + [2] * 5 + [3] * 5 + [4] * 3
    long = long_from_columns({"A": codes + [3, 4], "B": codes + [4, 3]}).rename(columns={"unit": "subject", "rater": "coder_id"})
    long["element_id"] = "maal"
    row = coder_agreement(long, categories=[1, 2, 3, 4], n_boot=0).iloc[0]
    assert row["alpha"] > 0.9 and row["end_share"] < 0.3
    assert not row["paradox"] and row["note"] == ""


def test_coder_agreement_has_groups_then_overall_and_stable_seeds() -> None:
    rng = np.random.default_rng(3)
    units = 90
    truth = rng.integers(1, 5, units)
    long = long_from_columns({"k1": truth.tolist(), "k2": np.where(rng.random(units) < 0.8, truth, 4).tolist()})
    long = long.rename(columns={"unit": "subject", "rater": "coder_id"})
    long["element_id"] = np.tile(np.repeat(["a", "b", "c"], 30), 2)
    table = coder_agreement(long, categories=[1, 2, 3, 4], n_boot=300, seed=9)
    assert table["element_id"].tolist() == ["a", "b", "c", OVERALL]
    assert table["scope"].tolist() == ["group"] * 3 + ["overall"]
    assert table["n_subjects"].tolist() == [30, 30, 30, 90]
    overall = krippendorff_alpha(long, subject="subject", rater="coder_id", rating="value", categories=[1, 2, 3, 4])
    assert table["alpha"].iloc[-1] == pytest.approx(overall["estimate"].iloc[0])
    assert (table["alpha_ci_low"] <= table["alpha"]).all() and (table["alpha"] <= table["alpha_ci_high"]).all()
    again = coder_agreement(long, categories=[1, 2, 3, 4], n_boot=300, seed=9)
    pd.testing.assert_frame_equal(table, again)
    only_overall = coder_agreement(long, by=None, categories=[1, 2, 3, 4], n_boot=0)
    assert len(only_overall) == 1 and only_overall["scope"].iloc[0] == "overall"


def test_coding_units_keys_items_and_drops_consensus_and_screen_item() -> None:
    instrument = load_instrument()
    item = instrument.elements[1].items[0]
    codings = pd.DataFrame(
        {
            "interview_id": ["i1", "i1", "i1", "i1"],
            "coder_id": ["k1", "k2", "konsensus", "k1"],
            "item_id": [item.id, item.id, item.id, instrument.screen_item.id],
            "delimitation_id": ["main"] * 4,
            "value": pd.array([3, None, 3, None], dtype="Int64"),
            "is_consensus": [False, False, True, False],
        }
    )
    units = coding_units(codings, instrument)
    assert units["coder_id"].tolist() == ["k1", "k2"]
    assert units["subject"].tolist() == [f"i1|{item.id}|main"] * 2
    assert units["element_id"].tolist() == [item.element_id] * 2
    assert units["value"].isna().tolist() == [False, True]
    assert len(coding_units(codings, instrument, include_consensus=True)) == 3


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda df: krippendorff_alpha(df, level="ordinary", **KW), "måleniveau"),
        (lambda df: krippendorff_alpha(df.assign(value=df["value"].astype(str)), level="ordinal", **KW), "categories"),
        (lambda df: krippendorff_alpha(df, categories=[1, 2, 3], **KW), "uden for kategorierne"),
        (lambda df: krippendorff_alpha(pd.concat([df, df.head(1)]), **KW), "mere end én gang"),
        (lambda df: gwet_ac2(df, weights="cubic", **KW), "vægte"),
        (lambda df: weighted_kappa(df, weights="ordinal", **KW), "vægte"),
        (lambda df: krippendorff_alpha(df, n_boot=-1, **KW), "n_boot"),
        (lambda df: gwet_ac2(df, confidence=95, **KW), "confidence"),
    ],
)
def test_new_statistics_raise_agreement_error(call: object, message: str) -> None:
    long = long_from_columns(KRIPPENDORFF_C).dropna()
    with pytest.raises(AgreementError, match=message):
        call(long)  # type: ignore[operator]


def test_alpha_with_one_value_only_is_undefined_not_an_error() -> None:
    # Every code 4: D_e = 0, alpha = 0/0; reported as NaN while percent agreement is 1.
    result = krippendorff_alpha(long_from_columns({"A": [4] * 5, "B": [4] * 5}), n_boot=50, seed=1, **KW).iloc[0]
    assert np.isnan(result["estimate"]) and result["percent_agreement"] == 1.0 and np.isnan(result["ci_low"])


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_matches_krippendorff_package_on_random_data(level: str) -> None:
    # Independent implementation: the (GPL) 'krippendorff' package, test-time only; random data with
    # three coders and 15 % missing values.
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(21)
    matrix = rng.integers(1, 6, size=(3, 200)).astype(float)
    matrix[rng.random(matrix.shape) < 0.15] = np.nan
    long = long_from_columns({f"c{i}": [None if np.isnan(v) else int(v) for v in row] for i, row in enumerate(matrix)})
    ours = krippendorff_alpha(long, level=level, **KW)["estimate"].iloc[0]
    assert ours == pytest.approx(krippendorff.alpha(reliability_data=matrix, level_of_measurement=level), abs=1e-10)


# ---------------------------------------------------------------------------------------------------
# The alpha bootstrap sums per pattern of codes (issue 7); the reference is the former computation, one
# weight per unit (weights @ per-unit coincidences), written out here with the same chunks and stream.
# ---------------------------------------------------------------------------------------------------


def reference_alpha_draws(long: pd.DataFrame, n_boot: int, seed: int, categories: list[int]) -> np.ndarray:
    """Bootstrap alphas the former way: per draw, a weight per unit times that unit's coincidences."""
    wide = long.pivot(index="unit", columns="rater", values="value")
    counts = np.stack([(wide == c).sum(axis=1).to_numpy(dtype=float) for c in categories], axis=1)
    m = counts.sum(axis=1)
    pairable = counts[m >= 2]
    v = len(categories)
    scaled = pairable / (pairable.sum(axis=1) - 1)[:, None]
    per_unit = (pairable[:, :, None] * scaled[:, None, :] - scaled[:, :, None] * np.eye(v)).reshape(len(pairable), v * v)
    rng = np.random.default_rng(seed)
    units = len(pairable)
    chunk = max(1, min(n_boot, 5_000_000 // units))
    out = []
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        picks = rng.integers(0, units, size=(size, units))
        weights = np.stack([np.bincount(row, minlength=units) for row in picks]).astype(float)
        o = (weights @ per_unit).reshape(size, v, v)
        # Ordinal alpha from each draw's coincidences (Krippendorff 2011, formulas in the docstring).
        n_c = o.sum(axis=2)
        n = n_c.sum(axis=1)
        cum = np.cumsum(n_c, axis=1)
        delta = (cum[:, None, :] - cum[:, :, None] + (n_c[:, :, None] - n_c[:, None, :]) / 2) ** 2
        d_o = (o * delta).sum(axis=(1, 2)) / n
        d_e = (n_c[:, :, None] * n_c[:, None, :] * delta).sum(axis=(1, 2)) / (n * (n - 1))
        out.append(1 - d_o / d_e)
    return np.concatenate(out)


def bootstrap_summary(draws: np.ndarray) -> tuple[float, float, float]:
    low, high = np.quantile(draws, [0.025, 0.975])
    return float(low), float(high), float(np.std(draws, ddof=1))


def test_alpha_bootstrap_equals_one_weight_per_unit_for_two_coders() -> None:
    # Two coders: every unit's coincidences are whole numbers, so summing per pattern of codes must give
    # the former per-unit result exactly (same generator, same chunks, same draws).
    rng = np.random.default_rng(4)
    truth = rng.integers(1, 5, 900)
    other = np.where(rng.random(900) < 0.75, truth, rng.integers(1, 5, 900))
    long = long_from_columns({"A": truth.tolist(), "B": other.tolist()})
    result = krippendorff_alpha(long, n_boot=400, seed=9, categories=[1, 2, 3, 4], **KW).iloc[0]
    low, high, se = bootstrap_summary(reference_alpha_draws(long, 400, 9, [1, 2, 3, 4]))
    assert (result["ci_low"], result["ci_high"], result["se"]) == (low, high, se)


def test_alpha_bootstrap_agrees_with_one_weight_per_unit_for_four_raters() -> None:
    # Four raters with missing codes (Krippendorff's example C, repeated to 120 units): terms in thirds
    # are not exact in binary, so the two summation orders agree to rounding; tolerance 1e-12.
    base = {rater: values * 10 for rater, values in KRIPPENDORFF_C.items()}
    long = long_from_columns(base)
    result = krippendorff_alpha(long, n_boot=300, seed=2, categories=[1, 2, 3, 4, 5], **KW).iloc[0]
    low, high, se = bootstrap_summary(reference_alpha_draws(long, 300, 2, [1, 2, 3, 4, 5]))
    assert result["ci_low"] == pytest.approx(low, abs=1e-12)
    assert result["ci_high"] == pytest.approx(high, abs=1e-12)
    assert result["se"] == pytest.approx(se, abs=1e-12)


def test_alpha_bootstrap_draws_in_bounded_chunks() -> None:
    # 20,000 units and 600 draws: the former code would hold 600 x 20,000 weights at once; drawing in
    # chunks of at most five million unit indices (here 250 draws) must still give the per-unit result.
    rng = np.random.default_rng(8)
    truth = rng.integers(1, 5, 20_000)
    other = np.where(rng.random(20_000) < 0.8, truth, rng.integers(1, 5, 20_000))
    long = long_from_columns({"A": truth.tolist(), "B": other.tolist()})
    result = krippendorff_alpha(long, n_boot=600, seed=3, categories=[1, 2, 3, 4], **KW).iloc[0]
    low, high, se = bootstrap_summary(reference_alpha_draws(long, 600, 3, [1, 2, 3, 4]))
    assert (result["ci_low"], result["ci_high"], result["se"]) == (low, high, se)


def test_in_element_order_follows_the_instrument_and_puts_overall_last() -> None:
    from lovende_research.agreement import in_element_order
    from lovende_research.instrument import load_instrument

    instrument = load_instrument()
    ids = [element.id for element in instrument.elements]
    shuffled = pd.DataFrame({"element_id": ["alle"] + sorted(ids, reverse=True), "alpha": range(len(ids) + 1)})
    ordered = in_element_order(shuffled, instrument)
    assert ordered["element_id"].tolist() == ids + ["alle"]  # by hand: element 1, 2, …, then the overall row
    assert ordered.loc[ordered["element_id"] == "alle", "alpha"].item() == 0  # rows move whole
    assert shuffled["element_id"].iloc[0] == "alle"  # the caller's table is left as it was


@pytest.mark.parametrize("weights", [("linear", "identity"), ("quadratic", "ordinal")])
def test_coder_agreement_rows_equal_the_three_statistics_computed_alone(weights: tuple[str, str]) -> None:
    """coder_agreement codes each group's ratings once for all three statistics; the numbers must be
    those of krippendorff_alpha, weighted_kappa and gwet_ac2 called one by one on the same group."""
    rng = np.random.default_rng(11)
    truth = rng.integers(1, 5, 60)
    long = long_from_columns({"k1": truth.tolist(), "k2": np.where(rng.random(60) < 0.7, truth, rng.integers(1, 5, 60)).tolist(),
                              "k3": [None if rng.random() < 0.2 else int(v) for v in truth]})
    long = long.rename(columns={"unit": "subject", "rater": "coder_id"})
    long["element_id"] = np.tile(np.repeat(["a", "b"], 30), 3)
    kappa_weights, ac2_weights = weights
    table = coder_agreement(long, categories=[1, 2, 3, 4], kappa_weights=kappa_weights, ac2_weights=ac2_weights, n_boot=0)
    common = {"subject": "subject", "rater": "coder_id", "rating": "value", "categories": [1, 2, 3, 4]}
    for group, row in zip(["a", "b", None], table.itertuples()):
        part = long if group is None else long[long["element_id"] == group]
        alpha = krippendorff_alpha(part, level="ordinal", **common).iloc[0]
        kappa = weighted_kappa(part, weights=kappa_weights, **common)
        ac2 = gwet_ac2(part, weights=ac2_weights, **common).iloc[0]
        assert (row.alpha, row.n_subjects, row.percent_agreement) == (alpha["estimate"], alpha["n_subjects"], alpha["percent_agreement"])
        assert row.kappa == kappa["estimate"].mean() and row.n_pairs == len(kappa) == 3
        assert (row.ac2, row.ac2_ci_low, row.ac2_ci_high) == (ac2["estimate"], ac2["ci_low"], ac2["ci_high"])


@pytest.mark.parametrize("argument", ["kappa_weights", "ac2_weights"])
def test_coder_agreement_refuses_unknown_weights(argument: str) -> None:
    long = long_from_columns({"k1": [1, 2, 3], "k2": [1, 2, 4]}).rename(columns={"unit": "subject", "rater": "coder_id"})
    with pytest.raises(AgreementError, match="ukendte vægte 'kubisk'"):
        coder_agreement(long, categories=[1, 2, 3, 4], n_boot=0, **{argument: "kubisk"})
