"""Fleiss', Scott's and Conger's kappa, Brennan-Prediger and percent agreement against published examples."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lovende_research.agreement import (
    AgreementError,
    brennan_prediger,
    cohens_kappa,
    conger_kappa,
    fleiss_kappa,
    long_from_counts,
    long_from_table,
    percent_agreement,
    scott_pi,
)
from tests.agreement_data import (
    ABSTRACTORS,
    DIAGNOSES,
    DISTRIB_6RATERS,
    KRIPPENDORFF_C,
    KW,
    LONG,
    WIKIPEDIA_FLEISS,
    long_from_columns,
    long_from_rows,
)

RAW4 = long_from_columns(KRIPPENDORFF_C)
COLUMNS = ["estimate", "se", "p_o", "p_e", "ci_low", "ci_high"]


def values(row: pd.Series, columns: list[str]) -> tuple[float, ...]:
    return tuple(float(row[c]) for c in columns)


def test_fleiss_kappa_matches_irrcac_raw4raters() -> None:
    # irrCAC README (Gwet 2019), fleiss.kappa.raw(cac.raw4raters): pa 0.8181818, pe 0.2387153,
    # coefficient 0.76117, se 0.15302 (5 decimals), 95 % CI (0.424, 1) (3 decimals).
    row = fleiss_kappa(RAW4, **KW).iloc[0]
    assert values(row, ["p_o", "p_e"]) == pytest.approx((0.8181818, 0.2387153), abs=5e-8)
    assert values(row, ["estimate", "se"]) == pytest.approx((0.76117, 0.15302), abs=5e-6)
    assert row["ci_low"] == pytest.approx(0.424, abs=5e-4) and row["ci_high"] == 1.0
    assert row["n_subjects"] == 12 and row["n_raters"] == 4
    assert row["percent_agreement"] == pytest.approx(0.8181818, abs=5e-8)  # irrCAC's pa, pairwise
    # unequal numbers of ratings per subject: the Fleiss-Nee-Landis test does not apply
    assert np.isnan(row["se_h0"]) and np.isnan(row["z"])


def test_fleiss_kappa_matches_irrcac_distribution_of_6_raters() -> None:
    # irrCAC README, fleiss.kappa.dist(distrib.6raters): coeff 0.4139265, stderr 0.08119291,
    # pa 0.5511111, pe 0.2340741 (7 decimals), conf.int (0.24, 0.588) (3 decimals).
    row = fleiss_kappa(long_from_counts(DISTRIB_6RATERS), **LONG).iloc[0]
    assert values(row, ["estimate", "se", "p_o", "p_e"]) == pytest.approx(
        (0.4139265, 0.08119291, 0.5511111, 0.2340741), abs=5e-8
    )
    assert values(row, ["ci_low", "ci_high"]) == pytest.approx((0.24, 0.588), abs=5e-4)


def test_fleiss_kappa_and_its_z_match_fleiss_1971_via_r_irr() -> None:
    # Fleiss (1971): kappa = .430 on his 30 patients x 6 psychiatrists. R irr kappam.fleiss(diagnoses),
    # recorded in statsmodels' test_inter_rater.py: Kappa 0.4302445, z 17.65183 (z from the standard
    # error under kappa = 0 of Fleiss, Nee & Landis 1979), p-value 0.
    row = fleiss_kappa(long_from_rows(DIAGNOSES), **KW).iloc[0]
    assert row["estimate"] == pytest.approx(0.4302445, abs=5e-8)
    assert row["z"] == pytest.approx(17.65183, abs=5e-6)
    assert row["p_value"] < 1e-60


def test_fleiss_kappa_matches_wikipedia_worked_example() -> None:
    # Wikipedia, "Fleiss' kappa", worked example: P-bar = 0.378, P-bar_e = 0.213, kappa = 0.210 (3 decimals).
    row = fleiss_kappa(long_from_counts(WIKIPEDIA_FLEISS), **LONG).iloc[0]
    assert values(row, ["p_o", "p_e", "estimate"]) == pytest.approx((0.378, 0.213, 0.210), abs=5e-4)


def hand_se_h0(counts: np.ndarray) -> float:
    """Fleiss, Nee & Landis (1979), eq. for se_0 of Fleiss' kappa, with plain loops over categories."""
    n, m = counts.shape[0], counts[0].sum()
    p = [counts[:, j].sum() / (n * m) for j in range(counts.shape[1])]
    s = sum(pj * (1 - pj) for pj in p)
    inner = s**2 - sum(pj * (1 - pj) * ((1 - pj) - pj) for pj in p)
    return float(np.sqrt(2) / (s * np.sqrt(n * m * (m - 1))) * np.sqrt(inner))


def test_fleiss_se_h0_by_hand_on_wikipedia_counts() -> None:
    # Independent computation: hand_se_h0 above on the 10 x 14 Wikipedia counts.
    row = fleiss_kappa(long_from_counts(WIKIPEDIA_FLEISS), **LONG).iloc[0]
    assert row["se_h0"] == pytest.approx(hand_se_h0(np.array(WIKIPEDIA_FLEISS, dtype=float)), abs=1e-12)
    assert row["z"] == pytest.approx(row["estimate"] / row["se_h0"], abs=1e-12)


def test_scott_pi_matches_irrcac_abstractors_and_equals_two_rater_fleiss() -> None:
    # irrCAC README, scott2.table(cont3x3abstractors): Scott's Pi 0.7962397 (7 decimals). (Its table
    # standard error, 0.05905473, uses Gwet's table formula rather than the raw-data one, so only the
    # coefficient is compared.)
    long = long_from_table(ABSTRACTORS)
    row = scott_pi(long, **LONG).iloc[0]
    assert row["statistic"] == "scott_pi"
    assert row["estimate"] == pytest.approx(0.7962397, abs=5e-8)
    assert row["estimate"] == fleiss_kappa(long, **LONG)["estimate"].iloc[0]


def test_scott_pi_by_hand_on_wikipedia_cohen_table() -> None:
    # Scott (1955): chance from the pooled margins. Wikipedia's Cohen table (20, 5 / 10, 15): yes = (25 + 30)/100
    # = .55, no = .45; p_e = .55^2 + .45^2 = .505; pi = (.70 - .505)/(1 - .505) = .393939...
    row = scott_pi(long_from_table([[20, 5], [10, 15]]), **LONG).iloc[0]
    assert values(row, ["p_e", "estimate"]) == pytest.approx((0.505, 0.195 / 0.495), abs=1e-12)


def test_scott_pi_matches_wikipedia_worked_example() -> None:
    # Wikipedia, "Scott's pi", worked example: 45 items, Yes/No/Maybe, table [[1, 2, 3], [4, 5, 6], [7, 8, 9]];
    # joint proportions .2, .333, .467, squared and summed Pr(e) = .369 and Pr(a) = .333 (published to 3
    # decimals: tolerance 5e-4). Pi by hand from the exact fractions: Pr(e) = (18^2 + 30^2 + 42^2)/90^2
    # = 2988/8100, pi = (1/3 - 2988/8100)/(1 - 2988/8100) = -0.0563380.
    row = scott_pi(long_from_table([[1, 2, 3], [4, 5, 6], [7, 8, 9]], ["yes", "no", "maybe"]), **LONG).iloc[0]
    assert values(row, ["p_o", "p_e"]) == pytest.approx((0.333, 0.369), abs=5e-4)
    assert row["estimate"] == pytest.approx((1 / 3 - 2988 / 8100) / (1 - 2988 / 8100), abs=1e-12)


def test_scott_pi_refuses_three_raters() -> None:
    with pytest.raises(AgreementError, match="Scotts pi er for to bedømmere"):
        scott_pi(RAW4, **KW)


def test_conger_kappa_is_cohens_kappa_for_two_raters() -> None:
    # Conger (1980): with two raters his kappa is Cohen's. irrCAC README, kappa2.table(cont3x3abstractors):
    # Cohen's kappa 0.7964094 (7 decimals).
    long = long_from_table(ABSTRACTORS)
    assert conger_kappa(long, **LONG)["estimate"].iloc[0] == pytest.approx(0.7964094, abs=5e-8)
    assert conger_kappa(long, **LONG)["estimate"].iloc[0] == pytest.approx(
        cohens_kappa(long, **LONG)["estimate"].iloc[0], abs=1e-12
    )


def test_conger_chance_agreement_is_the_mean_over_rater_pairs() -> None:
    # Conger (1980): p_e is the mean over pairs of raters (g, h) of sum_k p_gk p_hk, each rater's margins
    # over the subjects that rater rated; computed here with plain loops on Gwet's raw4raters data.
    # (irrCAC's R README prints pe 0.2334252 and 0.76282 for these data; its own formula, which is this
    # one, gives 0.2358433 here, as does Conger's definition and the Python port of irrCAC (0.76207, see
    # test_agreement_gpl_crosscheck.py), so we follow the definition.)
    margins = {
        r: [sum(v == k for v in vs if v is not None) / sum(v is not None for v in vs) for k in range(1, 6)]
        for r, vs in KRIPPENDORFF_C.items()
    }
    pe = np.mean(
        [sum(a * b for a, b in zip(margins[g], margins[h], strict=True)) for g, h in itertools.combinations(margins, 2)]
    )
    row = conger_kappa(RAW4, **KW).iloc[0]
    assert row["p_e"] == pytest.approx(pe, abs=1e-12)
    assert row["estimate"] == pytest.approx((0.8181818181818 - pe) / (1 - pe), abs=1e-12)


def test_quadratic_conger_and_fleiss_kappa_on_gwet_rows_2_to_9() -> None:
    # Rows 2-9 of irrCAC's cac.raw4raters (complete: 8 subjects x 4 raters), quadratic weights. Published in
    # the documentation of the R package quadagree (Moss), which prints both its own value and irrCAC's:
    # conger 0.6719243 (irrCAC conger.kappa.raw 0.67192), fleiss 0.6666667 (fleiss.kappa.raw 0.66667).
    # Tolerance 5e-8 on the 7-decimal values.
    rows = long_from_columns({rater: ratings[1:9] for rater, ratings in KRIPPENDORFF_C.items()})
    assert conger_kappa(rows, **KW, weights="quadratic")["estimate"].iloc[0] == pytest.approx(0.6719243, abs=5e-8)
    assert fleiss_kappa(rows, **KW, weights="quadratic")["estimate"].iloc[0] == pytest.approx(0.6666667, abs=5e-8)


@pytest.mark.parametrize("statistic", [conger_kappa, fleiss_kappa])
def test_analytic_se_agrees_with_a_bootstrap_over_subjects(statistic: object) -> None:
    # Independent check of Gwet's linearised variance: on 300 subjects and three raters with different
    # habits, the SD of 300 bootstrap resamples of the subjects must be within 15 % of the analytic se
    # (the bootstrap SD itself varies by about 4 % at 300 draws).
    rng = np.random.default_rng(5)
    truth = rng.integers(1, 4, 300)
    data = {
        r: np.where(rng.random(300) < 0.7, truth, rng.integers(1, 4 + i, 300).clip(1, 3)).tolist()
        for i, r in enumerate("abc")
    }
    long = long_from_columns(data)
    se = float(statistic(long, **KW)["se"].iloc[0])  # type: ignore[operator]
    wide = pd.DataFrame(data)
    draws = []
    for _ in range(300):
        sample = wide.iloc[rng.integers(0, 300, 300)].reset_index(drop=True)
        draws.append(float(statistic(long_from_columns(sample.to_dict("list")), **KW)["estimate"].iloc[0]))  # type: ignore[operator]
    assert np.std(draws, ddof=1) == pytest.approx(se, rel=0.15)


def test_brennan_prediger_matches_irrcac_raw_and_distribution_examples() -> None:
    # irrCAC README: bp.coeff.raw(cac.raw4raters): pa 0.8181818, pe 0.2, 0.77273, se 0.14472 (5 decimals);
    # bp.coeff.dist(distrib.6raters): 0.4388889, stderr 0.08312142, conf.int (0.261, 0.617).
    raw = brennan_prediger(RAW4, **KW).iloc[0]
    assert values(raw, ["p_o", "p_e"]) == pytest.approx((0.8181818, 0.2), abs=5e-8)
    assert values(raw, ["estimate", "se"]) == pytest.approx((0.77273, 0.14472), abs=5e-6)
    dist = brennan_prediger(long_from_counts(DISTRIB_6RATERS), **LONG).iloc[0]
    assert values(dist, ["estimate", "se"]) == pytest.approx((0.4388889, 0.08312142), abs=5e-8)
    assert values(dist, ["ci_low", "ci_high"]) == pytest.approx((0.261, 0.617), abs=5e-4)


def test_weighted_brennan_prediger_by_hand_on_raw4raters() -> None:
    # Quadratic weights on the 5-point scale, by hand: T_w = 5 + 2 (4 * 15/16 + 3 * 12/16 + 2 * 7/16 + 0)
    # = 18.75, so p_e = T_w / q^2 = 0.75. p_a is the quadratic-weighted pairwise agreement Gwet (2014)
    # publishes for these data with AC2 (irrCAC tests: pa = 0.975, 3 decimals).
    row = brennan_prediger(RAW4, weights="quadratic", **KW).iloc[0]
    assert row["p_e"] == pytest.approx(0.75, abs=1e-12)
    assert row["p_o"] == pytest.approx(0.975, abs=5e-4)
    assert row["estimate"] == pytest.approx((row["p_o"] - 0.75) / 0.25, abs=1e-12)


def test_brennan_prediger_matches_irrcac_abstractors_table() -> None:
    # irrCAC README, bp2.table(cont3x3abstractors): Brennan-Prediger 0.835 (p_a = .89, p_e = 1/3).
    assert brennan_prediger(long_from_table(ABSTRACTORS), **LONG)["estimate"].iloc[0] == pytest.approx(0.835, abs=5e-12)


def test_percent_agreement_is_pairwise_by_default_and_all_agree_on_request() -> None:
    # irrCAC README, pa.coeff.raw(cac.raw4raters): 0.8181818, se 0.12561, conf.int (0.542, 1). Gwet's 4-rater
    # example; the all-agree share is 8 of the 11 units rated twice or more (units 1, 3, 4, 5, 7, 9, 10, 11,
    # by hand) = 0.727, the number the issue found where 0.818 is published.
    pairwise = percent_agreement(RAW4, **KW).iloc[0]
    assert pairwise["estimate"] == pytest.approx(0.8181818, abs=5e-8)
    assert pairwise["se"] == pytest.approx(0.12561, abs=5e-6)
    assert pairwise["ci_low"] == pytest.approx(0.542, abs=5e-4) and pairwise["ci_high"] == 1.0
    assert pairwise["method"] == "pairwise"
    every = percent_agreement(RAW4, method="all", **KW).iloc[0]
    assert every["estimate"] == pytest.approx(8 / 11, abs=1e-12)


def test_percent_agreement_matches_irrcac_abstractors_table() -> None:
    # irrCAC README, pa2.table(cont3x3abstractors): 0.89 (89 of 100 on the diagonal).
    for method in ("pairwise", "all"):
        assert percent_agreement(long_from_table(ABSTRACTORS), method=method, **LONG)["estimate"].iloc[
            0
        ] == pytest.approx(0.89, abs=1e-12)


def test_percent_agreement_refuses_unknown_method_and_weights_with_all() -> None:
    with pytest.raises(AgreementError, match="ukendt metode 'alle'"):
        percent_agreement(RAW4, method="alle", **KW)
    with pytest.raises(AgreementError, match="method='all'"):
        percent_agreement(RAW4, method="all", weights="linear", **KW)


def test_conger_kappa_of_one_rater_is_an_undefined_row_with_its_labels() -> None:
    # One rater: no subject has a pair, so nothing is defined, but the row still says what it is.
    one = RAW4[RAW4["rater"] == "B"]
    row = conger_kappa(one, weights="linear", confidence=0.8, **KW).iloc[0]
    assert (row["statistic"], row["weights"], row["confidence"], row["n_raters"]) == ("conger_kappa", "linear", 0.8, 1)
    assert np.isnan(row["estimate"]) and np.isnan(row["percent_agreement"])


def test_categories_given_order_text_codes_and_count_unused_ones() -> None:
    # Text codes with the scale given in order are the numbers 1, 2, 3 of that scale: weighted Conger kappa
    # and Brennan-Prediger are those of the numeric codes. Brennan-Prediger's p_e is 1/q, so a scale of five
    # with two unused gives p_e = 1/5 (by hand: BP = (p_a - 1/5)/(4/5)).
    numbers = RAW4[RAW4["value"] <= 3]
    labels = ["lav", "middel", "høj"]
    text = numbers.assign(value=numbers["value"].map(lambda v: labels[int(v) - 1]))
    for statistic in (conger_kappa, brennan_prediger):
        from_text = statistic(text, weights="linear", categories=labels, **KW).iloc[0]
        from_numbers = statistic(numbers, weights="linear", **KW).iloc[0]
        assert from_text["estimate"] == pytest.approx(from_numbers["estimate"], abs=1e-12)
    bp = brennan_prediger(numbers, categories=[1, 2, 3, 4, 5], **KW).iloc[0]
    assert bp["statistic"] == "brennan_prediger" and bp["p_e"] == pytest.approx(0.2, abs=1e-12)
    assert bp["estimate"] == pytest.approx((bp["p_o"] - 0.2) / 0.8, abs=1e-12)


def test_fleiss_test_of_zero_is_left_out_where_its_formula_does_not_apply() -> None:
    # Fleiss, Nee & Landis (1979) is for unweighted kappa with equal ratings per subject and a defined kappa:
    # weighted kappa, unequal numbers of ratings (example C) and one category throughout all give NaN in
    # the three columns, which are still there, last.
    counts = long_from_counts(WIKIPEDIA_FLEISS)
    for ratings, weights in ((counts, "linear"), (RAW4, "unweighted")):
        row = fleiss_kappa(ratings, weights=weights, **(LONG if ratings is counts else KW))
        assert row.columns.tolist()[-3:] == ["se_h0", "z", "p_value"]
        assert row[["se_h0", "z", "p_value"]].isna().all(axis=None)
    one_category = long_from_counts([[3, 0], [3, 0], [3, 0]])
    row = fleiss_kappa(one_category, **LONG).iloc[0]
    assert np.isnan(row["estimate"]) and np.isnan(row["se_h0"]) and np.isnan(row["p_value"])


def test_fleiss_test_of_zero_for_two_subjects_rated_twice_by_hand() -> None:
    # The smallest case the formula takes: n = 2 subjects, m = 2 ratings each, counts (2, 0) and (1, 1).
    # By hand: p = (3/4, 1/4), sum p q = 3/8, sum p q (q - p) = 3/16 (-1/2) + 3/16 (1/2) = 0, so
    # se_0 = sqrt(2) / (3/8 sqrt(2 x 2 x 1)) x sqrt((3/8)^2) = sqrt(2)/2; p_a = 1/2, p_e = 3/4^2 + 1/4^2 = 5/8,
    # kappa = (1/2 - 5/8)/(3/8) = -1/3; z = kappa / se_0 and the two-sided normal p (scipy).
    row = fleiss_kappa(long_from_counts([[2, 0], [1, 1]]), **LONG).iloc[0]
    z = (-1 / 3) / (np.sqrt(2) / 2)
    assert (row["estimate"], row["se_h0"], row["z"]) == pytest.approx((-1 / 3, np.sqrt(2) / 2, z), abs=1e-12)
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)), abs=1e-12)


def test_each_multirater_statistic_names_itself() -> None:
    # The statistic column tells stacked tables apart (Conger's kappa with two and with more raters alike).
    names = {
        "conger_kappa": conger_kappa(RAW4, **KW),
        "fleiss_kappa": fleiss_kappa(RAW4, **KW),
        "scott_pi": scott_pi(RAW4[RAW4["rater"].isin(["A", "B"])], **KW),
        "brennan_prediger": brennan_prediger(RAW4, **KW),
        "percent_agreement": percent_agreement(RAW4, **KW),
    }
    for name, table in names.items():
        assert table["statistic"].tolist() == [name]
    assert conger_kappa(RAW4[RAW4["rater"].isin(["A", "B"])], **KW)["statistic"].tolist() == ["conger_kappa"]


TEXT3 = long_from_columns({"A": ["ja", "nej", "nej"], "B": ["ja", "ja", "nej"], "C": ["ja", "nej", "nej"]})
TEXT2 = TEXT3[TEXT3["rater"] != "C"]


def test_weighted_multirater_statistics_need_the_order_of_text_ratings() -> None:
    """Weights need an order: weighted Fleiss' kappa, percent agreement and Scott's pi refuse text ratings
    without ``categories`` (each hands its weights on: Scott's pi is Fleiss' kappa of two raters)."""
    for statistic, ratings in ((fleiss_kappa, TEXT3), (percent_agreement, TEXT3), (scott_pi, TEXT2)):
        with pytest.raises(AgreementError, match="^bedømmelserne i value er ikke tal; giv categories"):
            statistic(ratings, weights="linear", **KW)


def test_percent_agreement_and_scott_pi_hand_on_their_categories_and_confidence() -> None:
    """``categories`` reach the coding (a rating outside them is refused) and Scott's pi reports the
    confidence asked for."""
    for statistic, ratings in ((percent_agreement, TEXT3), (scott_pi, TEXT2)):
        with pytest.raises(AgreementError, match=r"^bedømmelser uden for kategorierne \['ja'\]: \['nej'\]$"):
            statistic(ratings, categories=["ja"], **KW)
    two = RAW4[RAW4["rater"].isin(["A", "B"])]
    assert scott_pi(two, confidence=0.8, **KW)["confidence"].iloc[0] == 0.8


def test_scott_pi_counts_its_raters_only_where_their_columns_are() -> None:
    """Without the rating column Scott's pi refuses the missing column (it does not fail on it); with the
    rater and rating columns but no subject, three raters are refused as three raters first."""
    with pytest.raises(AgreementError, match="^bedømmelserne mangler kolonnerne value$"):
        scott_pi(RAW4.drop(columns="value"), **KW)
    with pytest.raises(AgreementError, match="^Scotts pi er for to bedømmere; fandt 3: A, B, C"):
        scott_pi(RAW4.loc[RAW4["rater"].isin(["A", "B", "C"]), ["rater", "value"]], **KW)
