"""Tests of lovende_research.scoring.model: the variance components, the model's intervals and P(top k).

Reference numbers come from statsmodels' REML fit (an independent estimator that equals the ANOVA
estimates on balanced data), from normal-theory formulas written out in the comments, or from the truth
planted by a small generator written here, which shares no code with ``simulate.py`` or the package.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from lovende_research.scoring import (
    ScoringError,
    bootstrap_draws,
    bootstrap_overall,
    bootstrap_profiles,
    fit_score_model,
    model_draws,
    rank_intervals,
)

ROLES = ("leder", "medarbejder", "samarbejdspartner")


def planted(
    seed: int,
    n_practices: int = 30,
    n_informants: int = 3,
    n_elements: int = 11,
    informant_sd: float = 0.05,
    residual_sd: float = 0.12,
    leader_offset: float = 0.0,
    drop: float = 0.0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Informant element scores y = m_pe + role offset + u_i + e_ie, and each cell's true score.

    The true score of a cell is the practice's expected score over its own informants' roles:
    m_pe + the mean of its informants' role offsets (u and e have mean 0). ``drop`` is the share of
    informant × element scores left out (insufficient coverage), so the design is unbalanced.
    """
    rng = np.random.default_rng(seed)
    rows, truth = [], []
    for p in range(n_practices):
        m = rng.uniform(0.25, 0.75, n_elements)
        roles = [ROLES[min(i, 2)] if i < 3 else ROLES[1] for i in range(n_informants)]
        offsets = np.array([leader_offset if r == "leder" else 0.0 for r in roles])
        truth += [(f"P{p:02d}", f"e{e:02d}", m[e] + offsets.mean()) for e in range(n_elements)]
        for i, role in enumerate(roles):
            u = rng.normal(0, informant_sd)
            for e in range(n_elements):
                score = m[e] + offsets[i] + u + rng.normal(0, residual_sd)
                if rng.random() >= drop:
                    rows.append((f"P{p:02d}", f"P{p:02d}-{i}", role, f"e{e:02d}", score))
    scores = pd.DataFrame(rows, columns=["practice_id", "informant_id", "informant_role", "element_id", "score"])
    scores = scores.assign(interview_id=scores["informant_id"], delimitation_id="main", coverage=1.0, sufficient=True)
    return scores, pd.DataFrame(truth, columns=["practice_id", "element_id", "truth"])


def test_components_match_statsmodels_reml_on_a_balanced_design() -> None:
    """On balanced data the method-III (ANOVA) estimates equal REML's when both are positive."""
    import statsmodels.formula.api as smf
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    scores, _ = planted(seed=11, n_practices=15, n_elements=4, informant_sd=0.08, residual_sd=0.1, leader_offset=0.1)
    model = fit_score_model(scores)
    data = scores.assign(cell=scores["practice_id"] + ":" + scores["element_id"])
    # Independent estimator: statsmodels MixedLM, REML, fixed practice x element cells and roles, a random
    # intercept per informant. Its variance estimates are the reference; tolerance 1e-6 on the 0-1 scale^2
    # (the optimiser's convergence, not a statistical tolerance).
    # Powell's method converges where the gradient methods stop at a singular Hessian; statsmodels then
    # warns that the estimate "may be on the boundary", which it is not here (both variances > 0).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = smf.mixedlm("score ~ 0 + C(cell) + C(informant_role)", data, groups=data["informant_id"]).fit(
            reml=True, method="powell"
        )
    assert model.residual_var == pytest.approx(fit.scale, abs=1e-6)
    assert model.informant_var == pytest.approx(float(fit.cov_re.iloc[0, 0]), abs=1e-6)
    # The leader's offset against the other roles is REML's fixed-effect contrast (same tolerance).
    contrast = -fit.fe_params[[c for c in fit.fe_params.index if "medarbejder" in c][0]]
    assert model.role_effects["leder"] - model.role_effects["medarbejder"] == pytest.approx(contrast, abs=1e-6)


def test_components_are_unbiased_on_an_unbalanced_design_with_roles() -> None:
    """Method III is unbiased for unbalanced, incomplete data: averaged over 30 planted studies the
    estimates sit at the planted values (SE of the mean about 4 % of each; tolerance 15 %)."""
    estimates = []
    for seed in range(30):
        scores, _ = planted(
            seed, n_practices=25, n_informants=3, informant_sd=0.06, residual_sd=0.1, leader_offset=0.08, drop=0.15
        )
        model = fit_score_model(scores)
        estimates.append(
            (model.informant_var, model.residual_var, model.role_effects["leder"] - model.role_effects["medarbejder"])
        )
    informant_var, residual_var, leader = np.mean(estimates, axis=0)
    assert informant_var == pytest.approx(0.06**2, rel=0.15)
    assert residual_var == pytest.approx(0.1**2, rel=0.15)
    assert leader == pytest.approx(0.08, rel=0.15)


def _covered(profiles: pd.DataFrame, truth: pd.DataFrame) -> pd.Series:
    cells = profiles.merge(truth, on=["practice_id", "element_id"])
    return (cells["ci_low"] <= cells["truth"]) & (cells["truth"] <= cells["ci_high"])


def test_model_intervals_cover_where_the_bootstrap_over_three_informants_does_not() -> None:
    """One pinned planted study, 30 practices x 3 informants x 11 elements, leaders lenient by 0.1, checked
    cell by cell against the planted truth."""
    scores, truth = planted(seed=2026, leader_offset=0.1)
    model = model_draws(scores, n_boot=2000, seed=1)
    boot = bootstrap_draws(scores, n_boot=2000, seed=1)
    model_cover = _covered(bootstrap_profiles(scores, replicates=model, min_informants=1), truth).mean()
    boot_cover = _covered(bootstrap_profiles(scores, replicates=boot), truth).mean()
    # Nominal 0.95 over 330 cells: the binomial SD is 0.012, so 0.92 is 2.5 SD below; the percentile
    # bootstrap of a mean of three is their min-max, with coverage 1 - 2 * (1/2)^3 = 0.75 at best for
    # symmetric noise (the order-statistic bound), so 0.85 is far above it.
    assert model_cover >= 0.92
    assert boot_cover <= 0.85
    # No covering by widening: the interval knowing the true variance is
    # 2 * 1.96 * sqrt((0.05^2 + 0.12^2) / 3); the model's mean width must stay within 1.3 times it.
    width = (bootstrap_profiles(scores, replicates=model, min_informants=1).eval("ci_high - ci_low")).mean()
    oracle = 2 * norm.ppf(0.975) * np.sqrt((0.05**2 + 0.12**2) / 3)
    assert width <= 1.3 * oracle


def test_overall_interval_carries_the_informant_offset_shared_by_elements() -> None:
    """The overall index's SD is sqrt(s_u^2 / n + s_e^2 / (n E)) (a mean over E elements of means over
    n informants who share their offset u): 0.1 and 0.05 planted, n = 3, E = 11 give 0.0594."""
    scores, _ = planted(seed=5, n_practices=60, informant_sd=0.1, residual_sd=0.05)
    overall = bootstrap_overall(scores, replicates=model_draws(scores, n_boot=4000, seed=2), min_informants=1)
    expected = np.sqrt(0.1**2 / 3 + 0.05**2 / 33)
    # Tolerance 15 %: the fitted components from 60 practices are within about 10 % of the planted ones.
    assert overall["boot_se"].median() == pytest.approx(expected, rel=0.15)


def test_p_top_k_is_the_normal_probability_of_being_ahead() -> None:
    """Two practices, one element, six informants each (no offsets): the first is ahead by d = 0.05.
    With the fitted model the difference of the two draws is normal with SD s * sqrt(2 / 6), so
    P(first is top 1) = Phi(d / (s sqrt(1/3))) with s^2 the fitted total variance. With one element the
    informant's offset and the residual cannot be told apart; the model puts the whole spread on the
    informant, which is the total variance a cell needs."""
    rng = np.random.default_rng(8)
    rows = [
        (p, f"{p}-{i}", "medarbejder", "e", base + rng.normal(0, 0.1))
        for p, base in (("A", 0.55), ("B", 0.5))
        for i in range(6)
    ]
    # 40 more practices lend the model their spread; they sit far below, out of the top.
    rows += [(f"Z{p}", f"Z{p}-{i}", "medarbejder", "e", 0.1 + rng.normal(0, 0.1)) for p in range(40) for i in range(6)]
    scores = pd.DataFrame(rows, columns=["practice_id", "informant_id", "informant_role", "element_id", "score"])
    scores = scores.assign(interview_id=scores["informant_id"], delimitation_id="main", coverage=1.0, sufficient=True)
    model = fit_score_model(scores)
    ranks = rank_intervals(scores, replicates=model_draws(scores, n_boot=8000, seed=3, model=model), top_k=1).set_index(
        "practice_id"
    )
    mean = scores.groupby("practice_id")["score"].mean()
    d = mean["A"] - mean["B"]
    expected = norm.cdf(d / np.sqrt((model.informant_var + model.residual_var) / 3))
    # Tolerance 0.02: the Monte-Carlo SE of a share from 8,000 draws is at most 0.006, and the draws'
    # variance uncertainty (df about 200) moves the probability by less than 0.01.
    assert ranks.at["A", "p_top_k"] == pytest.approx(expected, abs=0.02)
    assert ranks.at["A", "p_top_k"] + ranks.at["B", "p_top_k"] == pytest.approx(1.0, abs=0.001)
    # 42 ranked practices: the top 10 % is ceil(4.2) = 5 places, which A and B hold in every draw.
    assert ranks.at["A", "top_decile"] == 5 and ranks.at["A", "p_top_decile"] == 1.0


def test_a_single_informant_gets_a_model_interval_but_no_bootstrap_interval() -> None:
    scores, _ = planted(seed=3, n_practices=10)
    scores = scores[~((scores["practice_id"] == "P00") & (scores["informant_id"] != "P00-0"))]
    model = bootstrap_profiles(scores, replicates=model_draws(scores, n_boot=500, seed=1), min_informants=1)
    boot = bootstrap_profiles(scores, replicates=bootstrap_draws(scores, n_boot=500, seed=1))
    assert model.loc[model["practice_id"] == "P00", "ci_low"].notna().all()
    assert boot.loc[boot["practice_id"] == "P00", "ci_low"].isna().all()
    # One informant's interval is sqrt(3) times as wide as three informants' (same pooled variance), to
    # within the Monte-Carlo error of 500 draws (tolerance 15 %).
    width = model.assign(w=model["ci_high"] - model["ci_low"]).groupby(model["practice_id"] == "P00")["w"].median()
    assert width[True] / width[False] == pytest.approx(np.sqrt(3), rel=0.15)


def test_same_seed_same_draws_and_the_median_rule_is_refused() -> None:
    scores, _ = planted(seed=1, n_practices=6)
    first, second = model_draws(scores, n_boot=50, seed=9), model_draws(scores, n_boot=50, seed=9)
    assert np.array_equal(first.scores, second.scores)
    with pytest.raises(ScoringError, match="interval_method='bootstrap'"):
        model_draws(scores, aggregation="median")
    with pytest.raises(ScoringError, match="top_k"):
        rank_intervals(scores, replicates=first, top_k=0)


def test_one_informant_per_practice_gives_no_model_interval() -> None:
    """Nothing to pool: without two informants on one element the within-practice spread is unknown."""
    scores, _ = planted(seed=1, n_practices=6, n_informants=1)
    model = fit_score_model(scores)
    assert np.isnan(model.residual_var)
    assert np.isnan(model_draws(scores, n_boot=20, seed=1).scores).all()


def test_on_the_independent_generator_the_model_covers_and_the_bootstrap_does_not(tmp_path) -> None:
    """One study from lovende_research.validity (the lead's generator: binomial answers, item offsets,
    coder shifts; no code shared with this package's scoring), 20 practices x 3 informants, leaders
    lenient by 0.1, read back and scored by the package's chain, checked cell by cell against the
    planted truth. The coverage over many seeds is in benchmarks/README.md (validity_coverage.py)."""
    from lovende_research.scoring import element_scores, reconcile_coders
    from lovende_research.study import Study
    from lovende_research.validity import IndependentSpec, write_independent_study

    truth = write_independent_study(tmp_path / "study", IndependentSpec(n_practices=20, leader_leniency=0.1), seed=16)
    study = Study.load(tmp_path / "study")
    scores = element_scores(
        reconcile_coders(study.codings, study.instrument, "median"), study.instrument, study.interviews, 0.5
    )
    true = truth.practice_element.rename(columns={"true_score": "truth"})
    model = bootstrap_profiles(scores, replicates=model_draws(scores, n_boot=2000, seed=16), min_informants=1).dropna(
        subset=["score"]
    )
    boot = bootstrap_profiles(scores, replicates=bootstrap_draws(scores, n_boot=2000, seed=16)).dropna(subset=["score"])
    # About 220 cells at nominal 0.95: binomial SD 0.015, so 0.9 is more than 3 SD below; the bootstrap of
    # three informants (their min-max) is bounded near 0.75, so 0.85 is far above what it reaches.
    assert len(model) >= 200
    assert _covered(model, true).mean() >= 0.9
    assert _covered(boot, true).mean() <= 0.85
