"""Gwet's AC1/AC2 and their analytic variance against Gwet (2014) as published by irrCAC."""

from __future__ import annotations

import numpy as np
import pytest

from lovende_research.agreement import (
    AgreementError,
    fleiss_kappa,
    gwet_ac2,
    long_from_counts,
    long_from_table,
    percent_agreement,
)
from tests.agreement_data import ABSTRACTORS, DISTRIB_6RATERS, KRIPPENDORFF_C, KW, LONG, long_from_columns


def test_ac1_matches_irrcac_abstractors_table() -> None:
    # irrCAC README (Gwet 2019), gwet.ac1.table(cont3x3abstractors): AC1 0.8493305 (7 decimals). (Its
    # table standard error uses Gwet's table formula, not the raw-data one we implement.)
    result = gwet_ac2(long_from_table(ABSTRACTORS), weights="unweighted", **LONG).iloc[0]
    assert result["estimate"] == pytest.approx(0.8493305, abs=5e-8)
    assert result["statistic"] == "gwet_ac1"


def test_ac1_matches_irrcac_distribution_of_6_raters() -> None:
    # irrCAC README, gwet.ac1.dist(distrib.6raters): coeff 0.4448007, stderr 0.08418757, pa 0.5511111,
    # pe 0.1914815 (7 decimals), conf.int (0.264, 0.625).
    result = gwet_ac2(long_from_counts(DISTRIB_6RATERS), weights="unweighted", **LONG).iloc[0]
    assert (result["estimate"], result["se"], result["p_o"], result["p_e"]) == pytest.approx(
        (0.4448007, 0.08418757, 0.5511111, 0.1914815), abs=5e-8
    )
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((0.264, 0.625), abs=5e-4)


def test_ac1_matches_gwet_raw4raters_published_values() -> None:
    # Gwet (2014) data on p. 120 (cac.raw4raters); AC1 as printed in the irrCAC documentation (module
    # docstring of irrCAC.raw, reproducing R's gwet.ac1.raw): AC1 = 0.77544, se = 0.14295,
    # pa = 0.81818, pe = 0.19032, 95 % CI (0.46081, 1). Five decimals published: tolerance 5e-6.
    result = gwet_ac2(long_from_columns(KRIPPENDORFF_C), weights="unweighted", **KW).iloc[0]
    assert result["estimate"] == pytest.approx(0.77544, abs=5e-6)
    assert result["se"] == pytest.approx(0.14295, abs=5e-6)
    assert result["p_o"] == pytest.approx(0.81818, abs=5e-6)
    assert result["p_e"] == pytest.approx(0.19032, abs=5e-6)
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
def test_ac2_matches_gwet_raw4raters_published_weighted_values(
    weights: str, pa: float, pe: float, ac2: float, se: float, ci_low: float
) -> None:
    # Gwet (2014) p. 120 data; weighted AC2 as published (3 decimals) in the irrCAC (Python) test suite
    # reproducing R irrCAC's gwet.ac1.raw(cac.raw4raters, weights=...). Tolerance 5e-4 (rounding).
    result = gwet_ac2(long_from_columns(KRIPPENDORFF_C), weights=weights, **KW).iloc[0]
    assert result["statistic"] == "gwet_ac2"
    assert result["p_o"] == pytest.approx(pa, abs=5e-4)
    assert result["p_e"] == pytest.approx(pe, abs=5e-4)
    assert result["estimate"] == pytest.approx(ac2, abs=5e-4)
    assert result["se"] == pytest.approx(se, abs=5e-4)
    assert result["ci_low"] == pytest.approx(ci_low, abs=5e-4)


def test_ac2_refuses_unknown_weights_and_confidence() -> None:
    long = long_from_columns(KRIPPENDORFF_C)
    with pytest.raises(AgreementError, match="ukendte vægte 'identity'"):
        gwet_ac2(long, weights="identity", **KW)
    with pytest.raises(AgreementError, match="confidence"):
        gwet_ac2(long, confidence=95, **KW)


def test_ac2_bootstrap_beside_the_analytic_interval() -> None:
    # Gwet's (2014) analytic variance and a bootstrap over subjects estimate the same sampling SD: on 200
    # subjects, 4 raters, 25 % of ratings missing, they must agree within 15 % (the bootstrap SD of 2,000
    # draws varies by about 2 %; over 150 simulated studies of this design both averaged within 3 % of the
    # SD of the estimates). The same seed gives the same interval, another seed another one.
    rng = np.random.default_rng(0)
    truth = rng.integers(1, 6, 200)
    long = long_from_columns(
        {
            r: [
                None if rng.random() < 0.25 else int(v)
                for v in np.where(rng.random(200) < 0.7, truth, rng.integers(1, 6, 200))
            ]
            for r in "abcd"
        }
    )
    first = gwet_ac2(long, n_boot=2000, seed=3, **KW).iloc[0]
    assert first["boot_se"] == pytest.approx(first["se"], rel=0.15)
    assert first["boot_ci_low"] < first["estimate"] < first["boot_ci_high"] and first["n_boot"] == 2000
    again = gwet_ac2(long, n_boot=2000, seed=3, **KW).iloc[0]
    other = gwet_ac2(long, n_boot=2000, seed=4, **KW).iloc[0]
    assert (
        (first["boot_ci_low"], first["boot_se"])
        == (again["boot_ci_low"], again["boot_se"])
        != (other["boot_ci_low"], other["boot_se"])
    )
    plain = gwet_ac2(long, **KW).iloc[0]
    assert np.isnan(plain["boot_se"]) and plain["n_boot"] == 0
    with pytest.raises(AgreementError, match="n_boot"):
        gwet_ac2(long, n_boot=-1, **KW)


# The tests below were written against the surviving mutants of `agreement/gwet.py` (docs/mutation.md):
# AC2 recomputed from Gwet's (2014, ch. 3) formulas in numpy, and the bootstrap's draws replayed.

#: The columns `gwet_ac2` documents, in order (its docstring's "Returns").
AC2_COLUMNS = [
    "statistic",
    "n_subjects",
    "n_raters",
    "percent_agreement",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "confidence",
    "p_o",
    "p_e",
    "weights",
    "boot_se",
    "boot_ci_low",
    "boot_ci_high",
    "n_boot",
]


def _ac2_by_formula(counts: np.ndarray, w: np.ndarray) -> float:
    """AC2 of a subjects × categories count table, written from Gwet (2014, ch. 3), NaN without a pair."""
    r = counts.sum(axis=1)
    two = r >= 2
    if not two.any():
        return float("nan")
    q = counts.shape[1]
    pa = np.mean([(c * (c @ w.T - 1)).sum() / (ri * (ri - 1)) for c, ri in zip(counts[two], r[two], strict=True)])
    pi = (counts / r[:, None]).mean(axis=0)
    pe = w.sum() / (q * (q - 1)) * (pi * (1 - pi)).sum()
    return float((pa - pe) / (1 - pe))


def _replayed_draws(counts: np.ndarray, w: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """The bootstrap's draws replayed: one `integers(0, n, size=(n_boot, n))` of the seeded generator
    (the stream `formats._bootstrap_units` documents, one chunk for so few subjects), AC2 of each draw."""
    picks = np.random.default_rng(seed).integers(0, len(counts), size=(n_boot, len(counts)))
    return np.array([_ac2_by_formula(counts[p], w) for p in picks])


def test_ac2_by_formula_reproduces_gwet_raw4raters() -> None:
    # The helper above against Gwet (2014, p. 120): AC1 = 0.77544 (5 decimals published).
    counts = (
        long_from_columns(KRIPPENDORFF_C)
        .dropna()
        .pivot_table(index="unit", columns="value", aggfunc="size", fill_value=0)
        .to_numpy(dtype=float)
    )
    assert _ac2_by_formula(counts, np.eye(5)) == pytest.approx(0.77544, abs=5e-6)


def test_ac2_returns_the_documented_columns() -> None:
    result = gwet_ac2(long_from_columns(KRIPPENDORFF_C), weights="unweighted", **KW)
    assert list(result.columns) == AC2_COLUMNS


def test_ac2_bootstrap_is_the_replayed_draws_unweighted_with_a_lone_rating() -> None:
    # Three subjects, three categories, unweighted (AC1): subject 0 rated 1, 1, 2; subject 1 rated 2, 3
    # (two ratings: it carries agreement); subject 2 rated 3 once. A draw of subject 2 only has no pair
    # (0/0, dropped without a warning); the rest match the replayed draws.
    long = long_from_columns({"a": [1, 2, 3], "b": [1, 3, None], "c": [2, None, None]})
    counts = np.array([[2.0, 1, 0], [0, 1, 1], [0, 0, 1]])
    draws = _replayed_draws(counts, np.eye(3), 100, seed=5)
    kept = draws[np.isfinite(draws)]
    assert 0 < 100 - len(kept) < 20  # some draws without a pair are really dropped
    result = gwet_ac2(long, weights="unweighted", n_boot=100, seed=5, **KW).iloc[0]
    assert result["n_boot"] == len(kept)
    assert result["boot_se"] == pytest.approx(np.std(kept, ddof=1), abs=1e-12)
    assert (result["boot_ci_low"], result["boot_ci_high"]) == pytest.approx(
        tuple(np.quantile(kept, [0.025, 0.975])), abs=1e-12
    )


def test_ac2_bootstrap_of_two_subjects_two_categories_and_two_draws() -> None:
    # Two subjects (rated 1, 1, 2 and 1, 2), two categories, two draws: the smallest bootstrap that
    # gives an interval. Level 90 %: the percentile interval at 5 % and 95 % of the two draws.
    long = long_from_columns({"a": [1, 1], "b": [1, 2], "c": [2, None]})
    counts = np.array([[2.0, 1], [1, 1]])
    draws = _replayed_draws(counts, np.eye(2), 2, seed=1)
    assert draws[0] != draws[1] and np.isfinite(draws).all()
    result = gwet_ac2(long, n_boot=2, seed=1, confidence=0.9, **KW).iloc[0]
    assert result["n_boot"] == 2
    assert result["boot_se"] == pytest.approx(np.std(draws, ddof=1), abs=1e-12)
    assert (result["boot_ci_low"], result["boot_ci_high"]) == pytest.approx(
        tuple(np.quantile(draws, [0.05, 0.95])), abs=1e-12
    )


def test_ac2_of_two_subjects_has_its_variance_and_a_clipped_interval() -> None:
    # The same two subjects, analytically (Gwet 2014, ch. 5, with n = n' = 2): p_a|i = (2·1 + 1·0)/(3·2)
    # = 1/3 and 0, so p_a = 1/6; pi = (7/12, 5/12), p_e = 2·(7/12)(5/12) = 70/144, AC2 = -46/74.
    # p_e|i = sum_k r_ik/r_i (1 - pi_k) (T_w/(q(q-1)) = 1), gamma*_i below, se² = sum (gamma*_i - AC2)²/2;
    # t with 1 df (12.71) puts the interval beyond both ends: clipped to [-1, 1].
    pe, ac2 = 70 / 144, -46 / 74
    share = np.array([[2 / 3, 1 / 3], [1 / 2, 1 / 2]])
    pe_i = share @ (1 - np.array([7 / 12, 5 / 12]))
    gamma = (np.array([1 / 3, 0.0]) - pe) / (1 - pe) - 2 * (1 - ac2) * (pe_i - pe) / (1 - pe)
    se = np.sqrt(((gamma - ac2) ** 2).sum() / 2)
    long = long_from_columns({"a": [1, 1], "b": [1, 2], "c": [2, None]})
    result = gwet_ac2(long, **KW).iloc[0]
    assert (result["estimate"], result["se"]) == pytest.approx((ac2, se), abs=1e-12)
    assert se > 0.2 and (result["ci_low"], result["ci_high"]) == (-1.0, 1.0)


def test_percent_agreement_interval_is_clipped_at_zero() -> None:
    # Shared with `_chance_corrected`: three subjects, two raters agreeing on the first only:
    # estimate 1/3, se = sqrt(((2/3)² + 2·(1/3)²)/(3·2)) = 1/3, t(2 df) = 4.303 -> 1/3 - 1.434 < 0.
    # Percent agreement cannot be negative, so the interval starts at 0 (AC1 above starts at -1).
    result = percent_agreement(long_from_columns({"a": [1, 1, 2], "b": [1, 2, 1]}), **KW).iloc[0]
    assert (result["estimate"], result["se"]) == pytest.approx((1 / 3, 1 / 3), abs=1e-12)
    assert (result["ci_low"], result["ci_high"]) == (0.0, 1.0)


def test_one_category_gives_no_ac2_but_full_percent_agreement() -> None:
    # Every rating 1 and no scale given: q = 1, so AC2 (and its bootstrap) is undefined, NaN without an
    # error, while percent agreement is every pair agreeing: 1, with se 0.
    long = long_from_columns({"a": [1, 1, 1], "b": [1, 1, 1]})
    ac2 = gwet_ac2(long, n_boot=10, seed=0, **KW).iloc[0]
    assert np.isnan(ac2["estimate"]) and np.isnan(ac2["boot_se"]) and ac2["n_boot"] == 0
    pa = percent_agreement(long, **KW).iloc[0]
    assert (pa["estimate"], pa["se"]) == (1.0, 0.0)


def test_chance_agreement_of_one_leaves_the_coefficient_undefined() -> None:
    # Fleiss' kappa on the scale 1-2 with every rating 1: p_a = 1 and p_e = pi_1² = 1, so kappa = 0/0:
    # one row, estimate NaN, p_e reported as 1 (the guard in `_chance_corrected`).
    long = long_from_columns({"a": [1, 1, 1], "b": [1, 1, 1]})
    result = fleiss_kappa(long, categories=[1, 2], **KW)
    assert len(result) == 1
    assert result.iloc[0]["p_e"] == 1.0 and np.isnan(result.iloc[0]["estimate"])


def test_ac1_reads_text_ratings_as_nominal_and_weights_need_their_order() -> None:
    """Text codes are nominal categories for AC1; a weighted AC2 needs their order (``categories``)."""
    text = long_from_columns({"A": ["ja", "nej", "nej", "ja"], "B": ["ja", "ja", "nej", "ja"]})
    # by hand (Gwet 2014, ch. 4): p_a = 3/4 (subjects 1, 3, 4 agree); pi_ja = 5/8, pi_nej = 3/8;
    # p_e = (1/(q - 1)) * sum pi (1 - pi) = 2 * 15/64 = 15/32; AC1 = (3/4 - 15/32) / (1 - 15/32) = 9/17
    assert gwet_ac2(text, weights="unweighted", **KW)["estimate"].iloc[0] == pytest.approx(9 / 17, abs=1e-12)
    with pytest.raises(AgreementError, match="^bedømmelserne i value er ikke tal; giv categories"):
        gwet_ac2(text, weights="linear", **KW)
