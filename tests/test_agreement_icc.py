"""The six intraclass correlations and the one-way ICC against Shrout & Fleiss (1979) and real-statistics.com."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lovende_research.agreement import AgreementError, icc, icc_oneway
from tests.agreement_data import SHROUT_FLEISS, WINE

FORMS = ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"]
COLS = {"subject": "target", "rater": "judge", "rating": "y"}


def long_matrix(rows: list[list[int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(t, j, y) for t, row in enumerate(rows) for j, y in enumerate(row)], columns=["target", "judge", "y"]
    )


def test_six_forms_match_shrout_fleiss_table_4_and_psych() -> None:
    # Shrout & Fleiss (1979), Table 4, on their Table 2 data: ICC(1,1) .17, (2,1) .29, (3,1) .71, (1,4) .44,
    # (2,4) .62, (3,4) .91. R psych::ICC(sf) (its documented example, reproduced in pingouin's
    # test_reliability.py) adds F 1.8 / 11.0, df (5, 18) / (5, 15), p .16472 / .00013 and the 95 % limits
    # below, published to 2 decimals: tolerance 5e-3 (F: 5e-2 on one decimal; p: 5e-6 on five).
    out = icc(long_matrix(SHROUT_FLEISS), **COLS).set_index("form")
    assert out.index.tolist() == FORMS
    assert out["estimate"].tolist() == pytest.approx([0.17, 0.29, 0.71, 0.44, 0.62, 0.91], abs=5e-3)
    assert out["ci_low"].tolist() == pytest.approx([-0.13, 0.02, 0.34, -0.88, 0.07, 0.68], abs=5e-3)
    assert out["ci_high"].tolist() == pytest.approx([0.72, 0.76, 0.95, 0.91, 0.93, 0.99], abs=5e-3)
    assert out["f"].tolist() == pytest.approx([1.8, 11.0, 11.0, 1.8, 11.0, 11.0], abs=5e-2)
    assert out["df2"].tolist() == [18, 15, 15, 18, 15, 15] and (out["df1"] == 5).all()
    assert out["p_value"].tolist() == pytest.approx([0.16477, 0.00013, 0.00013, 0.16477, 0.00013, 0.00013], abs=5e-5)
    assert out["se"].isna().all() and (out["n_subjects"] == 6).all() and (out["n_raters"] == 4).all()
    # Shrout & Fleiss (1979), Table 3 (ANOVA of the Table 2 data, 2 decimals): between targets 11.24,
    # within targets 6.26, between judges 32.49, residual 1.02.
    first = out.iloc[0]
    assert (first["ms_subjects"], first["ms_within"], first["ms_raters"], first["ms_error"]) == pytest.approx(
        (11.24, 6.26, 32.49, 1.02), abs=5e-3
    )


def test_six_forms_match_real_statistics_wine_example() -> None:
    # real-statistics.com ICC example (8 wines x 4 judges), as published in pingouin's test_reliability.py
    # (compared there with R psych): ICC .73 .73 .73 .91 .91 .92, lower .43 .43 .43 .75 .75 .75, upper .93
    # .93 .93 .98 .98 .98 (2 decimals: tolerance 5e-3), F 12 (rounded: 0.5), df2 24 / 21.
    long = pd.DataFrame(
        [(w, j, y) for j, ys in WINE.items() for w, y in enumerate(ys)], columns=["target", "judge", "y"]
    )
    out = icc(long, **COLS).set_index("form")
    assert out["estimate"].tolist() == pytest.approx([0.73, 0.73, 0.73, 0.91, 0.91, 0.92], abs=5e-3)
    assert out["ci_low"].tolist() == pytest.approx([0.43, 0.43, 0.43, 0.75, 0.75, 0.75], abs=5e-3)
    assert out["ci_high"].tolist() == pytest.approx([0.93, 0.93, 0.93, 0.98, 0.98, 0.98], abs=5e-3)
    assert out["f"].tolist() == pytest.approx([12] * 6, abs=0.5)
    assert out["df2"].tolist() == [24, 21, 21, 24, 21, 21]


def test_icc_by_hand_on_a_two_by_two() -> None:
    # Subjects (1, 3) and (5, 5): grand mean 3.5; SS_R = 2 (2 - 3.5)^2 + 2 (5 - 3.5)^2 = 9, MS_R = 9;
    # SS_C = 2 [(3 - 3.5)^2 + (4 - 3.5)^2] = 1, MS_C = 1; SS_total = 11, SS_E = 1, MS_E = 1; MS_W = 2/2 = 1.
    # ICC1 = (9 - 1)/(9 + 1) = .8; ICC2 = 8/(9 + 1 + 2 (1 - 1)/2) = .8; ICC3 = .8; ICC1k = ICC3k = 8/9; ICC2k = 8/9.
    long = long_matrix([[1, 3], [5, 5]])
    out = icc(long, **COLS).set_index("form")["estimate"]
    assert out.tolist() == pytest.approx([0.8, 0.8, 0.8, 8 / 9, 8 / 9, 8 / 9], abs=1e-12)


def test_one_form_on_request_and_unknown_forms_refused() -> None:
    long = long_matrix(SHROUT_FLEISS)
    assert icc(long, forms="ICC2", **COLS)["form"].tolist() == ["ICC2"]
    with pytest.raises(AgreementError, match="ukendte ICC-former"):
        icc(long, forms=["ICC(2,1)"], **COLS)
    with pytest.raises(AgreementError, match="skal være tal"):
        icc(long.assign(y=long["y"].astype(str).replace("9", "ni")), **COLS)


def test_icc_oneway_reproduces_shrout_fleiss_case_1_and_equals_icc1() -> None:
    # Shrout & Fleiss (1979), Table 4: ICC(1,1) = .17, ICC(1,4) = .44; balanced, icc_oneway is icc's ICC1/ICC1k.
    long = long_matrix(SHROUT_FLEISS)
    one = icc_oneway(long, subject="target", rating="y").iloc[0]
    assert (one["icc1"], one["icck"]) == pytest.approx((0.17, 0.44), abs=5e-3)
    six = icc(long, **COLS).set_index("form")
    assert (one["estimate"], one["ci_low"], one["ci_high"]) == pytest.approx(
        tuple(six.loc["ICC1", ["estimate", "ci_low", "ci_high"]]), abs=1e-12
    )
    assert (one["icck"], one["icck_ci_low"]) == pytest.approx(
        tuple(six.loc["ICC1k", ["estimate", "ci_low"]]), abs=1e-12
    )


def test_icc_oneway_unbalanced_by_hand_and_single_ratings_drop_out() -> None:
    # Subjects a: (1, 2, 3), b: (4, 6), c: (7) with one rating. c drops out; a, b remain: N = 5, means 2 and 5,
    # grand 3.2; SS_B = 3 (1.2)^2 + 2 (1.8)^2 = 10.8, MS_B = 10.8; SS_W = 2 + 2 = 4, MS_W = 4/3;
    # k0 = (5 - 13/5)/1 = 2.4; ICC(1,1) = (10.8 - 4/3)/(10.8 + 1.4 * 4/3) = 9.4667/12.6 = .751323.
    frame = pd.DataFrame({"s": list("aaabbc"), "y": [1, 2, 3, 4, 6, 7]})
    out = icc_oneway(frame, subject="s", rating="y").iloc[0]
    assert out["n_subjects"] == 2 and out["n_ratings"] == 5
    assert out["k"] == pytest.approx(2.4, abs=1e-12)
    assert out["icc1"] == pytest.approx((10.8 - 4 / 3) / (10.8 + 1.4 * 4 / 3), abs=1e-12)


def test_icc_is_nan_not_an_error_without_two_complete_subjects() -> None:
    out = icc(pd.DataFrame({"target": [1, 1, 2], "judge": ["a", "b", "a"], "y": [1.0, 2.0, 3.0]}), **COLS)
    assert out["estimate"].isna().all() and (out["n_subjects"] == 1).all()
    assert np.isnan(icc_oneway(pd.DataFrame({"s": [1, 2], "y": [1, 2]}), subject="s", rating="y")["estimate"].iloc[0])


def test_icc_oneway_matches_a_random_intercept_model() -> None:
    # Independent computation: for balanced data with a positive ANOVA estimate, REML variance components
    # of y = mu + a_target + e equal the ANOVA ones, so sigma_a^2 / (sigma_a^2 + sigma_e^2) = ICC(1,1).
    import statsmodels.formula.api as smf

    rng = np.random.default_rng(5)
    targets = np.repeat(np.arange(30), 3)
    y = rng.normal(0, 1.0, size=30)[targets] + rng.normal(0, 1.0, size=len(targets))
    frame = pd.DataFrame({"target": targets, "y": y})
    fit = smf.mixedlm("y ~ 1", frame, groups="target").fit(reml=True)
    between = float(fit.cov_re.iloc[0, 0])
    expected = between / (between + float(fit.scale))
    out = icc_oneway(frame, subject="target", rating="y").iloc[0]
    assert out["icc1"] == pytest.approx(expected, abs=1e-4)


def test_icc_oneway_with_equal_subject_means_leaves_icck_undefined_without_a_warning() -> None:
    # Subjects (1, 3) and (3, 1): both means 2, so MS_B = 0 and F = 0 (by hand: MS_W = (1 + 1 + 1 + 1)/2 = 2,
    # k_0 = (4 - 8/4)/1 = 2). ICC(1,1) = (0 - 2)/(0 + 2) = -1 with bounds (F_L - 1)/(F_L + 1) = -1 since
    # F_L = F_U = 0; ICC(1,k) = 1 - 1/F has no finite value, nor its bounds: NaN, not -inf with a
    # division warning (which the strict test run turns into an error).
    row = icc_oneway(pd.DataFrame({"s": [1, 1, 2, 2], "y": [1, 3, 3, 1]}), subject="s", rating="y").iloc[0]
    assert (row["ms_between"], row["ms_within"], row["k"], row["f"]) == (0.0, 2.0, 2.0, 0.0)
    assert (row["icc1"], row["icc1_ci_low"], row["icc1_ci_high"]) == (-1.0, -1.0, -1.0)
    assert np.isnan(row["icck"]) and np.isnan(row["icck_ci_low"]) and np.isnan(row["icck_ci_high"])


def test_icc_does_not_depend_on_the_unit_of_the_ratings() -> None:
    # Every form is a ratio of mean squares, so ratings divided by 10 (mean squares below 1) give Shrout &
    # Fleiss's own ICCs and intervals (Table 4: .17, .29, .71, .44, .62, .91).
    tenths = long_matrix(SHROUT_FLEISS).assign(y=lambda d: d["y"] / 10)
    pd.testing.assert_series_equal(
        icc(tenths, **COLS)["ci_low"], icc(long_matrix(SHROUT_FLEISS), **COLS)["ci_low"], rtol=1e-9
    )
    assert icc(tenths, **COLS)["ms_subjects"].iloc[0] < 1


def test_icc_without_error_variance_or_subject_variance_divides_by_nothing() -> None:
    # Rater b = rater a + 1: the raters are perfectly consistent, MS_E = 0 (by hand: MS_R = 4, MS_C = 1,
    # MS_W = (1 + 0)/2 = 0.5). Subjects (1, 3), (3, 1): equal means, MS_R = 0. The F ratios are undefined in
    # both, so the estimates are NaN, the mean squares are reported, and nothing is divided by zero (which
    # the strict test run would turn into an error).
    consistent = long_matrix([[1, 2], [3, 4]])
    row = icc(consistent, **COLS).iloc[0]
    assert (row["ms_subjects"], row["ms_raters"], row["ms_error"], row["ms_within"]) == (4.0, 1.0, 0.0, 0.5)
    assert icc(consistent, **COLS)["estimate"].isna().all()
    equal_means = icc(long_matrix([[1, 3], [3, 1]]), **COLS)
    assert equal_means["ms_subjects"].iloc[0] == 0.0 and equal_means["estimate"].isna().all()


# The documented tables (docstrings of icc and icc_oneway), column for column and in that order.
ICC_COLUMNS = [
    "statistic", "form", "model", "type", "unit", "n_subjects", "n_raters", "estimate", "se", "ci_low",
    "ci_high", "confidence", "f", "df1", "df2", "p_value", "ms_subjects", "ms_raters", "ms_error", "ms_within",
]  # fmt: skip
ONEWAY_COLUMNS = [
    "statistic", "n_subjects", "n_ratings", "estimate", "se", "ci_low", "ci_high", "confidence", "k",
    "ms_between", "ms_within", "f", "df1", "df2", "p_value", "icc1", "icc1_ci_low", "icc1_ci_high", "icck",
    "icck_ci_low", "icck_ci_high",
]  # fmt: skip


def test_icc_table_names_each_form_as_shrout_fleiss_and_mcgraw_wong_do() -> None:
    # Shrout & Fleiss (1979) cases 1-3 and McGraw & Wong (1996), table 4: case 1 is the one-way random model
    # (absolute agreement), case 2 the two-way random model with absolute agreement, case 3 the two-way mixed
    # model with consistency; ICC(., 1) is one rating, ICC(., k) the mean of k. se is NaN (a float column):
    # the intervals come from F distributions.
    out = icc(long_matrix(SHROUT_FLEISS), **COLS)
    assert out.columns.tolist() == ICC_COLUMNS
    assert (out["statistic"] == "icc").all()
    assert out["model"].tolist() == ["oneway random", "twoway random", "twoway mixed"] * 2
    assert out["type"].tolist() == ["agreement", "agreement", "consistency"] * 2
    assert out["unit"].tolist() == ["single"] * 3 + ["average"] * 3
    assert out["se"].dtype == np.float64 and out["se"].isna().all()
    # An empty selection of forms is the same table without rows.
    assert icc(long_matrix(SHROUT_FLEISS), forms=[], **COLS).columns.tolist() == ICC_COLUMNS


def test_icc_of_ratings_that_are_all_missing_has_no_subjects() -> None:
    # Every rating NA: no rows remain, so no subject and no rater; the statistics are NaN in float columns.
    frame = pd.DataFrame({"target": [1, 1, 2, 2], "judge": list("abab"), "y": [np.nan] * 4})
    out = icc(frame, **COLS)
    assert (out["n_subjects"] == 0).all() and (out["n_raters"] == 0).all()
    assert out["estimate"].dtype == np.float64 and out["estimate"].isna().all()


def test_non_numeric_ratings_are_named_five_at_most() -> None:
    # Six ratings that are not numbers, a to f: the message names the first five in sorted order.
    frame = pd.DataFrame({"target": [1, 1, 2, 2, 3, 3], "judge": list("ababab"), "y": list("fedcba")})
    with pytest.raises(AgreementError, match=r"fandt \['a', 'b', 'c', 'd', 'e'\]$"):
        icc(frame, **COLS)


def _unbalanced() -> pd.DataFrame:
    # Subjects a: (1, 2, 3), b: (4, 6), c: (7); c has a single rating and drops out.
    return pd.DataFrame({"s": list("aaabbc"), "y": [1.0, 2, 3, 4, 6, 7]})


def test_icc_oneway_table_f_test_and_icck_interval_unbalanced() -> None:
    from scipy import stats

    # By hand (as in the test above): MS_B = 10.8, MS_W = 4/3, F = 8.1 on a - 1 = 1 and N - a = 3 df.
    # scipy's one-way ANOVA of the two groups gives the same F and its p independently of the code.
    anova = stats.f_oneway([1, 2, 3], [4, 6])
    out = icc_oneway(_unbalanced(), subject="s", rating="y")
    assert out.columns.tolist() == ONEWAY_COLUMNS
    row = out.iloc[0]
    assert row["statistic"] == "icc_oneway"
    assert out["se"].dtype == np.float64 and np.isnan(row["se"])
    assert (row["df1"], row["df2"]) == (1, 3)
    assert (row["f"], row["p_value"]) == pytest.approx((anova.statistic, anova.pvalue), abs=1e-12)
    assert row["f"] == pytest.approx(8.1, abs=1e-12)
    # Shrout & Fleiss (1979), case 1: F_L = F / F_.975(1, 3), F_U = F * F_.975(3, 1) (quantiles from scipy);
    # ICC(1,k) = 1 - 1/F = 1 - 1/8.1 with bounds 1 - 1/F_L and 1 - 1/F_U.
    f_low = 8.1 / stats.f.ppf(0.975, 1, 3)
    f_up = 8.1 * stats.f.ppf(0.975, 3, 1)
    assert row["icck"] == pytest.approx(1 - 1 / 8.1, abs=1e-12)
    assert (row["icck_ci_low"], row["icck_ci_high"]) == pytest.approx((1 - 1 / f_low, 1 - 1 / f_up), abs=1e-12)
    assert (row["icc1_ci_low"], row["icc1_ci_high"]) == pytest.approx(
        ((f_low - 1) / (f_low + 1.4), (f_up - 1) / (f_up + 1.4)), abs=1e-12
    )


def test_icc_oneway_does_not_depend_on_the_unit_of_the_ratings() -> None:
    # Ratings divided by 10: MS_B = 0.108 (below 1) and MS_W = 4/300, the same F = 8.1, so the same ICC(1,k)
    # = 1 - 1/8.1 and bounds as in whole units.
    whole = icc_oneway(_unbalanced(), subject="s", rating="y").iloc[0]
    tenths = icc_oneway(_unbalanced().assign(y=lambda d: d["y"] / 10), subject="s", rating="y").iloc[0]
    assert tenths["ms_between"] == pytest.approx(0.108, abs=1e-12)
    assert tenths["icck"] == pytest.approx(1 - 1 / 8.1, abs=1e-12)
    columns = ["icck", "icck_ci_low", "icck_ci_high"]
    assert tenths[columns].tolist() == pytest.approx(whole[columns].tolist(), abs=1e-12)


def test_icc_oneway_without_within_subject_variance_divides_by_nothing() -> None:
    # Subjects (1, 1) and (2, 2): MS_W = 0 and MS_B = 2 (1 - 1.5)^2 + 2 (2 - 1.5)^2 = 1 on 1 df. F = MS_B/MS_W is
    # undefined, so the F test and both ICCs are NaN rather than a division by zero; df are still reported.
    row = icc_oneway(pd.DataFrame({"s": [1, 1, 2, 2], "y": [1, 1, 2, 2]}), subject="s", rating="y").iloc[0]
    assert (row["ms_between"], row["ms_within"], row["df1"], row["df2"]) == (1.0, 0.0, 1, 2)
    assert np.isnan([row["f"], row["p_value"], row["icc1"], row["icck"], row["ci_low"]]).all()
