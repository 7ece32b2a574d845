"""Cohen's kappa, unweighted and weighted, against published worked examples and hand computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lovende_research.agreement import RESULT_COLUMNS, AgreementError, cohens_kappa, long_from_table, weighted_kappa
from tests.agreement_data import ABSTRACTORS, ANXIETY, KW, LONG, long_from_columns


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
SAS_TABLE = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]


def kappa(table: list[list[int]], **options: object) -> pd.Series:
    return cohens_kappa(long_from_table(table), **LONG, **options).iloc[0]  # type: ignore[arg-type]


def test_kappa_matches_wikipedia_worked_example() -> None:
    # Wikipedia, "Cohen's kappa", section "Simple example": 50 grant proposals, readers A and B;
    # yes/yes 20, A yes & B no 5, A no & B yes 10, no/no 15 -> p_o = 0.70, p_e = 0.50, kappa = 0.40.
    result = kappa(WIKIPEDIA)
    assert result["n_subjects"] == 50
    assert result["p_o"] == pytest.approx(0.70, abs=1e-12) and result["percent_agreement"] == pytest.approx(
        0.70, abs=1e-12
    )
    assert result["p_e"] == pytest.approx(0.50, abs=1e-12)
    assert result["estimate"] == pytest.approx(0.40, abs=1e-12)


def test_kappa_standard_error_and_interval_by_hand() -> None:
    # Fleiss, Cohen & Everitt (1969) SE for the Wikipedia table, worked by hand:
    # p11 = .4, p12 = .1, p21 = .2, p22 = .3; rows .5/.5, columns .6/.4; kappa = .4, p_e = .5.
    # A = .4 (1 - 1.1 * .6)^2 + .3 (1 - .9 * .6)^2 = .04624 + .06348 = .10972
    # B = .6^2 [.1 (.6 + .5)^2 + .2 (.4 + .5)^2] = .36 * .283 = .10188
    # C = (.4 - .5 * .6)^2 = .01
    # var = (.10972 + .10188 - .01) / (50 * .25) = .016128; se = .1269961
    # 95 % Wald interval: .4 -/+ 1.959964 * .1269961 = (.151090, .648910)
    result = kappa(WIKIPEDIA)
    assert result["se"] == pytest.approx(np.sqrt(0.016128), abs=1e-9)
    assert result["ci_low"] == pytest.approx(0.151090, abs=1e-5)
    assert result["ci_high"] == pytest.approx(0.648910, abs=1e-5)
    assert result["confidence"] == 0.95


@pytest.mark.parametrize(
    "weights, expected",
    [
        # SAS PROC FREQ (AGREE) printout for this table, recorded in statsmodels' test_inter_rater.py
        # (TestUnweightedCohens / TestWeightedCohens): kappa, ASE, 95 % limits, ASE under H0, Z,
        # two-sided p. Four decimals published: tolerance 5e-5 (p: 5e-5 on its 4 decimals).
        ("unweighted", (0.4842, 0.1380, 0.2137, 0.7547, 0.1484, 3.2626, 0.0011)),
        ("linear", (0.4701, 0.1457, 0.1845, 0.7558, 0.1426, 3.2971, 0.0010)),
    ],
)
def test_kappa_matches_sas_printout_with_test_under_h0(weights: str, expected: tuple[float, ...]) -> None:
    result = kappa(SAS_TABLE, weights=weights)
    got = tuple(float(result[c]) for c in ("estimate", "se", "ci_low", "ci_high", "se_h0", "z", "p_value"))
    assert got == pytest.approx(expected, abs=5e-5)
    assert result["statistic"] == ("cohen_kappa" if weights == "unweighted" else "weighted_kappa_linear")


@pytest.mark.parametrize(
    "weights, value, z, p",
    [
        # R irr: kappa2(anxiety[, 2:3]) with weights "unweighted", "equal" (linear) and "squared"
        # (quadratic), as recorded in statsmodels' test_inter_rater.py (test_cohens_kappa_irr). irr puts
        # the weights on the ranks of the observed levels (1, 2, 3, 4, 6), so the ratings go in as labels
        # with those five categories. Published to 7 significant digits: tolerance 5e-7.
        ("unweighted", -0.006289308, -0.0604067, 0.9518317),
        ("linear", 0.1459075, 1.282472, 0.1996772),
        ("quadratic", 0.2520325, 1.437451, 0.1505898),
    ],
)
def test_kappa_and_z_match_r_irr_on_anxiety(weights: str, value: float, z: float, p: float) -> None:
    long = long_from_columns({"b": [str(r[1]) for r in ANXIETY], "c": [str(r[2]) for r in ANXIETY]})
    result = cohens_kappa(long, weights=weights, categories=["1", "2", "3", "4", "6"], **KW).iloc[0]
    assert result["estimate"] == pytest.approx(value, abs=5e-7)
    assert result["z"] == pytest.approx(z, abs=5e-6)
    assert result["p_value"] == pytest.approx(p, abs=5e-7)


def test_kappa_and_ase_match_irrcac_abstractors_table() -> None:
    # irrCAC README (Gwet 2019), kappa2.table(cont3x3abstractors): Cohen's kappa 0.7964094, se 0.05891072.
    result = kappa(ABSTRACTORS)
    assert result["estimate"] == pytest.approx(0.7964094, abs=5e-8)
    assert result["se"] == pytest.approx(0.05891072, abs=5e-8)


def test_kappa_matches_fleiss_textbook_three_category_example() -> None:
    # Fleiss (1981), Statistical Methods for Rates and Proportions, 2nd ed., ch. 13: two raters diagnose
    # 100 patients as psychotic/neurotic/organic, proportions [[.75 .01 .04], [.05 .04 .01], [0 0 .10]];
    # p_o = .89, p_e = .66, kappa = .23 / .34 = .676 (reported as .68).
    result = cohens_kappa(
        long_from_table([[75, 1, 4], [5, 4, 1], [0, 0, 10]], ["psychotic", "neurotic", "organic"]), **LONG
    ).iloc[0]
    assert result["p_o"] == pytest.approx(0.89, abs=1e-12)
    assert result["p_e"] == pytest.approx(0.66, abs=1e-12)
    assert result["estimate"] == pytest.approx(0.23 / 0.34, abs=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_kappa_and_se_match_independent_hand_implementation(seed: int) -> None:
    # Independent computation: hand_kappa above, plain loops over the cells, on random tables.
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 5))
    table = rng.integers(1, 30, size=(k, k)) + np.diag(rng.integers(5, 40, size=k))
    p_o, p_e, kappa_, se = hand_kappa(table.astype(float))
    long = long_from_table(table.tolist(), [f"c{i}" for i in range(k)])
    result = cohens_kappa(long, **LONG).iloc[0]
    assert (result["p_o"], result["p_e"], result["estimate"], result["se"]) == pytest.approx(
        (p_o, p_e, kappa_, se), abs=1e-12
    )
    z = stats.norm.ppf(0.95)  # 90 % interval
    narrow = cohens_kappa(long, confidence=0.90, **LONG).iloc[0]
    assert narrow["ci_low"] == pytest.approx(max(-1, kappa_ - z * se), abs=1e-12)
    assert narrow["ci_high"] == pytest.approx(min(1, kappa_ + z * se), abs=1e-12)


def test_unused_category_leaves_unweighted_kappa_unchanged() -> None:
    # Adding an empty row and column changes neither the margins' products nor the diagonal (hand: same p_o, p_e).
    wider = cohens_kappa(long_from_table(WIKIPEDIA, ["yes", "no"]), categories=["yes", "no", "maybe"], **LONG).iloc[0]
    assert wider["estimate"] == pytest.approx(0.40, abs=1e-12)


def test_kappa_undefined_when_both_raters_use_one_category() -> None:
    # Every rating 'include': p_o = p_e = 1, so kappa = 0/0; reported as NaN with the agreement kept.
    result = cohens_kappa(
        long_from_table([[7, 0], [0, 0]], ["include", "exclude"]), categories=["include", "exclude"], **LONG
    ).iloc[0]
    assert result["percent_agreement"] == 1.0
    assert np.isnan(result["estimate"]) and np.isnan(result["ci_low"]) and np.isnan(result["z"])


def test_perfect_agreement_over_two_categories() -> None:
    # Hand: p_o = 1, p_e = .5^2 + .5^2 = .5, kappa = 1; A = 1, B = 0, C = 1, so var = 0.
    result = kappa([[5, 0], [0, 5]])
    assert result["estimate"] == pytest.approx(1.0)
    assert result["se"] == pytest.approx(0.0, abs=1e-12)
    assert result["ci_high"] == 1.0


def test_no_common_subjects_gives_nan_not_error() -> None:
    ratings = pd.DataFrame({"s": [1, 2], "r": ["A", "B"], "v": ["x", "y"]})
    result = cohens_kappa(ratings, subject="s", rater="r", rating="v").iloc[0]
    assert result["n_subjects"] == 0
    assert np.isnan(result["estimate"]) and np.isnan(result["percent_agreement"])


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


def test_rating_outside_categories_bad_confidence_and_bad_weights_are_errors() -> None:
    ratings = long_from_table(WIKIPEDIA, ["yes", "no"])
    with pytest.raises(AgreementError, match="uden for kategorierne"):
        cohens_kappa(ratings, categories=["yes"], **LONG)
    with pytest.raises(AgreementError, match="confidence"):
        cohens_kappa(ratings, confidence=95, **LONG)
    with pytest.raises(AgreementError, match="ukendte vægte 'identity'"):
        weighted_kappa(ratings, weights="identity", **LONG)


def test_weighted_kappa_matches_sas_printout() -> None:
    # SAS PROC FREQ (AGREE) printout for the 3x3 table [[0,4,1],[0,8,0],[0,1,5]] with Cicchetti-Allison
    # (linear) weights, as recorded in statsmodels' test_inter_rater.py (TestWeightedCohens):
    # weighted kappa 0.4701, ASE 0.1457, 95 % limits 0.1845 and 0.7558. Four decimals: tolerance 5e-5.
    result = weighted_kappa(long_from_table(SAS_TABLE), weights="linear", **LONG).iloc[0]
    assert (result["rater_a"], result["rater_b"]) == ("A", "B")
    assert (result["estimate"], result["se"], result["ci_low"], result["ci_high"]) == pytest.approx(
        (0.4701, 0.1457, 0.1845, 0.7558), abs=5e-5
    )


def test_weighted_kappa_by_hand_three_subjects() -> None:
    # Subjects (A, B): (1,1), (2,3), (3,3), each p = 1/3; A margins 1/3 each, B margins (1/3, 0, 2/3).
    # Linear agreement weights 1 - |i-j|/2: p_o = (1 + .5 + 1)/3 = .8333;
    #   p_e = 1/3 [1/3 + (.5/3 + .5*2/3) + 2/3] = .5; kappa = (.8333 - .5)/.5 = 2/3.
    # Quadratic 1 - (i-j)^2/4: p_o = (1 + .75 + 1)/3 = .91667;
    #   p_e = 1/3 [1/3 + (.75/3 + .75*2/3) + 2/3] = .58333; kappa = .33333/.41667 = 0.8.
    long = pd.DataFrame({"unit": [1, 1, 2, 2, 3, 3], "rater": ["A", "B"] * 3, "value": [1, 1, 2, 3, 3, 3]})
    result = weighted_kappa(long, weights=["linear", "quadratic"], **KW).set_index("weights")
    assert result.loc["linear", "estimate"] == pytest.approx(2 / 3, abs=1e-12)
    assert result.loc["linear", "p_e"] == pytest.approx(0.5, abs=1e-12)
    assert result.loc["quadratic", "estimate"] == pytest.approx(0.8, abs=1e-12)
    assert result.loc["quadratic", "p_o"] == pytest.approx(2.75 / 3, abs=1e-12)


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
    truth = rng.integers(1, 5, 60)
    data = {r: [int(t) if rng.random() < 0.7 else int(rng.integers(1, 5)) for t in truth] for r in "ABC"}
    data["C"] = [None if rng.random() < 0.2 else v for v in data["C"]]
    result = weighted_kappa(long_from_columns(data), weights=["linear", "quadratic"], categories=[1, 2, 3, 4], **KW)
    assert (
        list(zip(result["rater_a"], result["rater_b"], strict=True))
        == [("A", "B")] * 2 + [("A", "C")] * 2 + [("B", "C")] * 2
    )
    for row in result.itertuples():
        a, b = np.array(data[row.rater_a], dtype=float), np.array(data[row.rater_b], dtype=float)
        both = ~np.isnan(a) & ~np.isnan(b)
        table = np.zeros((4, 4))
        for x, y in zip(a[both].astype(int), b[both].astype(int), strict=True):
            table[x - 1, y - 1] += 1
        assert row.n_subjects == both.sum()
        assert row.estimate == pytest.approx(hand_weighted_kappa(table, row.weights == "quadratic"), abs=1e-12)


def test_kappa_matches_statsmodels_for_every_weight_it_has() -> None:
    # Independent implementation: statsmodels.stats.inter_rater.cohens_kappa (BSD) on the same table,
    # unweighted, linear and quadratic on the scores 1-4: kappa, ASE and ASE under H0 to rounding.
    from statsmodels.stats.inter_rater import cohens_kappa as sm_kappa

    table = np.array([[11, 3, 1, 0], [2, 9, 4, 1], [1, 3, 12, 2], [0, 1, 3, 8]])
    for weights, wt in (("unweighted", None), ("linear", "linear"), ("quadratic", "quadratic")):
        ours = kappa(table.tolist(), weights=weights)
        theirs = sm_kappa(table) if wt is None else sm_kappa(table, weights=np.arange(1, 5), wt=wt)
        assert (ours["estimate"], ours["se"], ours["se_h0"]) == pytest.approx(
            (theirs.kappa, theirs.std_kappa, theirs.std_kappa0), abs=1e-12
        )


def test_kappa_tables_have_their_documented_columns_even_without_a_pair() -> None:
    # cohens_kappa: RESULT_COLUMNS then p_o, p_e, se_h0, z, p_value, weights; two raters. weighted_kappa:
    # statistic, rater_a, rater_b, the rest; with one rater there is no pair, and the table is empty with
    # the same columns (so tables of several groups still stack).
    tail = ["p_o", "p_e", "se_h0", "z", "p_value", "weights"]
    row = cohens_kappa(long_from_table(WIKIPEDIA), **LONG)
    assert row.columns.tolist() == [*RESULT_COLUMNS, *tail] and row["n_raters"].iloc[0] == 2
    pairs = weighted_kappa(long_from_columns({"A": [1, 2, 3], "B": [1, 3, 3], "C": [2, 2, 3]}), weights="linear", **KW)
    columns = ["statistic", "rater_a", "rater_b", *RESULT_COLUMNS[1:], *tail]
    assert pairs.columns.tolist() == columns
    assert pairs["statistic"].tolist() == ["weighted_kappa_linear"] * 3 and pairs["n_raters"].tolist() == [2, 2, 2]
    alone = weighted_kappa(long_from_columns({"A": [1, 2, 3]}), **KW)
    assert alone.empty and alone.columns.tolist() == columns


def test_weighted_kappa_takes_text_ratings_unweighted_and_needs_their_order_for_weights() -> None:
    # Unweighted kappa is nominal: text codes work (by hand: (ja, ja), (nej, ja), (nej, nej): p_o = 2/3,
    # margins A .33/.67, B .67/.33, p_e = 4/9, kappa = (2/3 - 4/9)/(5/9) = .4). Weights need an order.
    text = long_from_columns({"A": ["ja", "nej", "nej"], "B": ["ja", "ja", "nej"]})
    assert weighted_kappa(text, weights="unweighted", **KW)["estimate"].iloc[0] == pytest.approx(0.4, abs=1e-12)
    with pytest.raises(AgreementError, match="er ikke tal"):
        weighted_kappa(text, weights="linear", **KW)
    with pytest.raises(AgreementError, match="er ikke tal"):
        weighted_kappa(text, weights=["unweighted", "linear"], **KW)


def test_no_test_of_zero_when_its_standard_error_is_zero() -> None:
    # One subject, A says 2 and B says 1 (by hand): p_o = 0, p_e = p_1. p_.1 + p_2. p_.2 = 0 x 1 + 1 x 0 = 0,
    # kappa = 0; under H0 the only cell with mass, (2, 1), has w = 0 and margin w_2. + w_.1 = 0, so var_0 = 0
    # and z = kappa / se_0 is undefined: NaN, not a division error.
    row = kappa([[0, 0], [1, 0]])
    assert (row["estimate"], row["se_h0"]) == (0.0, 0.0)
    assert np.isnan(row["z"]) and np.isnan(row["p_value"])


def test_cohens_kappa_needs_the_order_of_text_ratings_for_weights_and_has_nothing_for_one_rater() -> None:
    """Weights need an order, so text ratings without ``categories`` are refused by Cohen's weighted kappa
    too; a lone rater leaves no subject with two ratings: no table, an undefined kappa, no error."""
    text = long_from_columns({"A": ["ja", "nej", "nej"], "B": ["ja", "ja", "nej"]})
    with pytest.raises(AgreementError, match="^bedømmelserne i value er ikke tal; giv categories"):
        cohens_kappa(text, weights="linear", **KW)
    # unweighted it is nominal (by hand: p_o = 2/3, p_e = 4/9, kappa = (2/3 - 4/9)/(5/9) = .4)
    assert cohens_kappa(text, **KW)["estimate"].iloc[0] == pytest.approx(0.4, abs=1e-12)
    alone = cohens_kappa(long_from_columns({"A": [1, 2, 3]}), **KW).iloc[0]
    assert alone["n_subjects"] == 0 and np.isnan(alone["estimate"]) and np.isnan(alone["p_o"])
