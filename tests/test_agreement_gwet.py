"""Gwet's AC1/AC2 and their analytic variance against Gwet (2014) as published by irrCAC."""

from __future__ import annotations

import numpy as np
import pytest

from lovende_research.agreement import AgreementError, gwet_ac2, long_from_counts, long_from_table
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
