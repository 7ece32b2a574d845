"""Interval levels and tests of the bias stage, recomputed independently at more than one level.

A published example pins a statistic at 95 % only, so an interval computed at 1 − α instead of 1 − α/2,
or a level that never reaches the function, passes it unnoticed. Here the ICC limits are recomputed from
the F distribution at two levels, and the role offsets' p-values, Holm correction and intervals from the
fitted model's own estimates and standard errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from lovende_research.agreement import icc, icc_oneway
from lovende_research.bias import fit_role_model, informant_icc, role_effects
from tests.agreement_data import SHROUT_FLEISS


def _anova(y: np.ndarray) -> tuple[float, float, float]:
    """Mean squares of a complete subjects × raters matrix: between subjects, within subjects, residual."""
    n, k = y.shape
    grand = y.mean()
    ss_subjects = k * ((y.mean(axis=1) - grand) ** 2).sum()
    ss_raters = n * ((y.mean(axis=0) - grand) ** 2).sum()
    ss_total = ((y - grand) ** 2).sum()
    ms_within = (ss_total - ss_subjects) / (n * (k - 1))
    ms_error = (ss_total - ss_subjects - ss_raters) / ((n - 1) * (k - 1))
    return ss_subjects / (n - 1), ms_within, ms_error


@pytest.mark.parametrize("confidence", [0.95, 0.80])
def test_icc_limits_at_two_levels_match_the_f_distribution(confidence: float) -> None:
    """Pins down the level of the F-based ICC limits (Shrout & Fleiss 1979, eqs. 5–6 and the case-3
    analogue; McGraw & Wong 1996, Table 7): each limit uses the F quantile at 1 − α/2, α = 1 − confidence."""
    y = np.array(SHROUT_FLEISS, dtype=float)
    n, k = y.shape
    ms_b, ms_w, ms_e = _anova(y)
    q = 1 - (1 - confidence) / 2

    def limits(f: float, df1: int, df2: int) -> tuple[float, float]:
        f_low, f_up = f / stats.f.ppf(q, df1, df2), f * stats.f.ppf(q, df2, df1)
        return (f_low - 1) / (f_low + k - 1), (f_up - 1) / (f_up + k - 1)

    # Independent computation from the ANOVA above: ICC(1,1) with F = MSB/MSW on (n−1, n(k−1)) df and
    # ICC(3,1) with F = MSB/MSE on (n−1, (n−1)(k−1)) df; tolerance 1e-10 (same formula, other code).
    expected = {"ICC1": limits(ms_b / ms_w, n - 1, n * (k - 1)), "ICC3": limits(ms_b / ms_e, n - 1, (n - 1) * (k - 1))}
    ratings = pd.DataFrame(
        [(t, j, v) for t, row in enumerate(SHROUT_FLEISS) for j, v in enumerate(row)], columns=["t", "j", "y"]
    )
    out = icc(ratings, subject="t", rater="j", rating="y", confidence=confidence).set_index("form")
    for form, (low, high) in expected.items():
        assert (out.loc[form, "ci_low"], out.loc[form, "ci_high"]) == pytest.approx((low, high), abs=1e-10)
        assert out.loc[form, "confidence"] == confidence
    one = icc_oneway(ratings, subject="t", rating="y", confidence=confidence).iloc[0]
    assert (one["ci_low"], one["ci_high"]) == pytest.approx(expected["ICC1"], abs=1e-10)


def test_icc_agreement_form_at_two_levels_matches_mcgraw_wong() -> None:
    """Pins down the level of the ICC(2,1) limits, whose F* has Satterthwaite degrees of freedom
    (McGraw & Wong 1996, Table 7, case 2A): the 80 % interval lies strictly inside the 95 % one, and both
    match the formula recomputed here."""
    y = np.array(SHROUT_FLEISS, dtype=float)
    n, k = y.shape
    ms_r, _, ms_e = _anova(y)
    ms_c = n * ((y.mean(axis=0) - y.mean()) ** 2).sum() / (k - 1)
    icc2 = (ms_r - ms_e) / (ms_r + (k - 1) * ms_e + k * (ms_c - ms_e) / n)
    a, b = k * icc2 / (n * (1 - icc2)), 1 + k * icc2 * (n - 1) / (n * (1 - icc2))
    nu = (a * ms_c + b * ms_e) ** 2 / ((a * ms_c) ** 2 / (k - 1) + (b * ms_e) ** 2 / ((n - 1) * (k - 1)))
    ratings = pd.DataFrame(
        [(t, j, v) for t, row in enumerate(SHROUT_FLEISS) for j, v in enumerate(row)], columns=["t", "j", "y"]
    )
    widths = []
    for confidence in (0.95, 0.80):
        q = 1 - (1 - confidence) / 2
        f_low, f_up = stats.f.ppf(q, n - 1, nu), stats.f.ppf(q, nu, n - 1)
        low = n * (ms_r - f_low * ms_e) / (f_low * (k * ms_c + (k * n - k - n) * ms_e) + n * ms_r)
        high = n * (f_up * ms_r - ms_e) / (k * ms_c + (k * n - k - n) * ms_e + n * f_up * ms_r)
        row = icc(ratings, subject="t", rater="j", rating="y", forms="ICC2", confidence=confidence).iloc[0]
        # Independent computation above (McGraw & Wong's formula written out); tolerance 1e-10.
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), abs=1e-10)
        widths.append(row["ci_high"] - row["ci_low"])
    assert widths[1] < widths[0]


def _two_level_scores(seed: int) -> pd.DataFrame:
    """Element scores of 10 practices, each with a leader, two staff and a partner, on four elements;
    leaders score 0.12 higher, partners 0.05 lower than staff (a fixed seed, for the arithmetic only)."""
    rng = np.random.default_rng(seed)
    offsets = {"leder": 0.12, "medarbejder": 0.0, "samarbejdspartner": -0.05}
    rows = []
    for p in range(10):
        practice = rng.normal(0, 0.08)
        for role, informant in (
            ("leder", "L"),
            ("medarbejder", "M1"),
            ("medarbejder", "M2"),
            ("samarbejdspartner", "S"),
        ):
            person = rng.normal(0, 0.04)
            for e, element in enumerate(("teori", "maal", "refleksion", "oekonomi")):
                score = 0.55 + 0.05 * e + practice + person + offsets[role] + rng.normal(0, 0.06)
                rows.append((f"P{p}", f"P{p}-{informant}", role, element, float(np.clip(score, 0, 1))))
    return pd.DataFrame(rows, columns=["practice_id", "informant_id", "informant_role", "element_id", "score"])


def test_role_p_values_are_two_sided_and_intervals_use_z_at_one_minus_half_alpha() -> None:
    """Pins down the Wald arithmetic of ``role_effects`` from the fitted model's own estimates and
    covariance: p = 2·(1 − Φ(|b/se|)), and the interval b ± z₁₋α/₂·se, at two levels."""
    scores = _two_level_scores(4)
    fit = fit_role_model(scores)
    assert fit.converged
    se = np.sqrt(np.diag(fit.cov))
    for alpha in (0.05, 0.20):
        out = role_effects(scores, alpha_level=alpha, fit=fit).set_index("role").loc[fit.roles]
        z = stats.norm.ppf(1 - alpha / 2)  # 1.960 at α = 0.05, 1.282 at α = 0.20
        # Independent computation from fit.estimate and fit.cov; tolerance 1e-12.
        assert out["se"].to_numpy() == pytest.approx(se, abs=1e-12)
        assert out["p_value"].to_numpy() == pytest.approx(2 * stats.norm.sf(np.abs(fit.estimate / se)), abs=1e-12)
        assert out["ci_low"].to_numpy() == pytest.approx(fit.estimate - z * se, abs=1e-12)
        assert out["ci_high"].to_numpy() == pytest.approx(fit.estimate + z * se, abs=1e-12)


def test_role_significance_is_holm_adjusted_p_below_alpha_as_in_statsmodels() -> None:
    """Pins down ``significant`` as Holm-adjusted p < α (Holm 1979), checked against statsmodels'
    ``multipletests(method="holm")``, at levels chosen between each role's raw and adjusted p, where a
    raw-p rule and the Holm rule disagree."""
    scores = _two_level_scores(4)
    fit = fit_role_model(scores)
    table = role_effects(scores, fit=fit)
    reject, adjusted, _, _ = multipletests(table["p_value"].to_numpy(), alpha=0.05, method="holm")
    # statsmodels' Holm; tolerance 1e-12.
    assert table["p_holm"].to_numpy() == pytest.approx(adjusted, abs=1e-12)
    assert table["significant"].tolist() == reject.tolist()
    raw, holm = table["p_value"].to_numpy(), table["p_holm"].to_numpy()
    between = [(r + h) / 2 for r, h in zip(raw, holm, strict=True) if h > r * 1.01 and 0 < (r + h) / 2 < 1]
    assert between, "the fixture must give a role whose Holm p is above its raw p"
    for alpha in between:
        out = role_effects(scores, alpha_level=alpha, fit=fit)
        expected = multipletests(out["p_value"].to_numpy(), alpha=alpha, method="holm")[0]
        assert out["significant"].tolist() == expected.tolist()
        assert out["significant"].tolist() != (out["p_value"] < alpha).tolist()


@pytest.mark.parametrize("confidence", [0.95, 0.80])
def test_informant_icc_passes_its_level_on(confidence: float) -> None:
    """Pins down that the level given to ``informant_icc`` reaches each element's interval: its limits are
    those of ``icc_oneway`` on the same scores at the same level."""
    scores = _two_level_scores(5)
    out = informant_icc(scores, confidence=confidence).set_index("element_id")
    theirs = icc_oneway(
        scores[scores["element_id"] == "maal"], subject="practice_id", rating="score", confidence=confidence
    ).iloc[0]
    assert (out.loc["maal", "ci_low"], out.loc["maal", "ci_high"]) == pytest.approx(
        (theirs["ci_low"], theirs["ci_high"]), abs=1e-12
    )
    assert out.loc["maal", "confidence"] == confidence
