"""Krippendorff's alpha at every level, and its bootstrap, against Krippendorff (2011) and the krippendorff package."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lovende_research.agreement import (
    AgreementError,
    gwet_ac2,
    krippendorff_alpha,
    long_from_counts,
    long_from_table,
    weighted_kappa,
)
from tests.agreement_data import ABSTRACTORS, DISTRIB_6RATERS, KRIPPENDORFF_C, KW, LONG, long_from_columns


def test_alpha_matches_irrcac_abstractors_table_and_distribution() -> None:
    # irrCAC README (Gwet 2019): krippen2.table(cont3x3abstractors) 0.7972585 and
    # krippen.alpha.dist(distrib.6raters) 0.4204384 (7 decimals). (irrCAC's table and distribution
    # standard errors are Gwet's analytic ones; ours is the bootstrap, so only the coefficients are compared.)
    assert krippendorff_alpha(long_from_table(ABSTRACTORS), level="nominal", **LONG)["estimate"].iloc[
        0
    ] == pytest.approx(0.7972585, abs=5e-8)
    assert krippendorff_alpha(long_from_counts(DISTRIB_6RATERS), level="nominal", **LONG)["estimate"].iloc[
        0
    ] == pytest.approx(0.4204384, abs=5e-8)


@pytest.mark.parametrize(
    "level, expected", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)]
)
def test_alpha_matches_krippendorff_2011_example_c(level: str, expected: float) -> None:
    # Krippendorff (2011), section C (nominal alpha = .743) and section D / the 'krippendorff' package's
    # tests (ordinal .815, interval .849, ratio .797); n.. = 40 pairable values. Published to 3 decimals.
    result = krippendorff_alpha(long_from_columns(KRIPPENDORFF_C), level=level, **KW).iloc[0]
    assert result["estimate"] == pytest.approx(expected, abs=5e-4)
    assert result["n_pairable"] == 40
    assert result["n_subjects"] == 11  # unit 12 has one value only: not pairable
    # pairwise percent agreement, as irrCAC's pa.coeff.raw publishes for these data: 0.8181818
    assert result["percent_agreement"] == pytest.approx(0.8181818, abs=5e-8)


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
    extra = pd.DataFrame(
        {"unit": [12, 12, 13], "rater": ["A", "B", "A"], "value": pd.array([None, None, 4], dtype="Int64")}
    )
    more = pd.concat([base, extra], ignore_index=True)
    assert krippendorff_alpha(more, **KW)["estimate"].iloc[0] == pytest.approx(
        krippendorff_alpha(base, **KW)["estimate"].iloc[0]
    )
    assert krippendorff_alpha(more, **KW)["n_subjects"].iloc[0] == 11
    # AC2 counts a unit with a single rating in pi_k (Gwet 2014), so unit 13 (one rating) may move it;
    # the NA-only unit 12 rows must not: compare with the base plus unit 13 only.
    with_13 = pd.concat([base, extra.iloc[[2]]], ignore_index=True)
    assert gwet_ac2(more, **KW)["estimate"].iloc[0] == pytest.approx(gwet_ac2(with_13, **KW)["estimate"].iloc[0])


def test_alpha_with_one_value_only_is_undefined_not_an_error() -> None:
    # Every code 4: D_e = 0, alpha = 0/0; reported as NaN while percent agreement is 1.
    result = krippendorff_alpha(long_from_columns({"A": [4] * 5, "B": [4] * 5}), n_boot=50, seed=1, **KW).iloc[0]
    assert np.isnan(result["estimate"]) and result["percent_agreement"] == 1.0 and np.isnan(result["ci_low"])


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_matches_krippendorff_package_on_random_data(level: str) -> None:
    # Independent implementation: the (GPL) 'krippendorff' package, test-time only; random data with
    # three coders and 15 % missing values.
    import krippendorff  # GPL-3, in the test extra only (pyproject.toml): never imported by the package

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


def reference_alpha_draws(
    long: pd.DataFrame, n_boot: int, seed: int, categories: list[int], level: str = "ordinal"
) -> np.ndarray:
    """Bootstrap alphas the former way: per draw, a weight per unit times that unit's coincidences.

    ``level`` picks Krippendorff's (2011) difference δ²: ordinal (from each draw's margins), nominal
    ``[c != k]`` or interval ``(c - k)²`` (both fixed).
    """
    wide = long.pivot(index="unit", columns="rater", values="value")
    counts = np.stack([(wide == c).sum(axis=1).to_numpy(dtype=float) for c in categories], axis=1)
    m = counts.sum(axis=1)
    pairable = counts[m >= 2]
    v = len(categories)
    scaled = pairable / (pairable.sum(axis=1) - 1)[:, None]
    per_unit = (pairable[:, :, None] * scaled[:, None, :] - scaled[:, :, None] * np.eye(v)).reshape(
        len(pairable), v * v
    )
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
        values = np.asarray(categories, dtype=float)
        if level == "nominal":
            delta = (values[:, None] != values[None, :]).astype(float)
        elif level == "interval":
            delta = (values[:, None] - values[None, :]) ** 2
        else:
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


@pytest.mark.parametrize("level", ["nominal", "interval"])
def test_alpha_bootstrap_uses_the_levels_own_difference(level: str) -> None:
    # The bootstrap's draws use the level's δ², not the ordinal one: Krippendorff's example C (four raters,
    # five values) resampled 200 times, against the per-unit reference with the nominal / interval δ²;
    # summation orders differ in thirds, so tolerance 1e-12 (the ordinal draws differ by more than 1e-3).
    long = long_from_columns(KRIPPENDORFF_C)
    result = krippendorff_alpha(long, level=level, n_boot=200, seed=4, categories=[1, 2, 3, 4, 5], **KW).iloc[0]
    low, high, se = bootstrap_summary(reference_alpha_draws(long, 200, 4, [1, 2, 3, 4, 5], level=level))
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


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda df: krippendorff_alpha(df, level="ordinary", **KW), "måleniveau"),
        (lambda df: krippendorff_alpha(df.assign(value=df["value"].astype(str)), level="ordinal", **KW), "categories"),
        (lambda df: krippendorff_alpha(df, categories=[1, 2, 3], **KW), "uden for kategorierne"),
        (lambda df: krippendorff_alpha(pd.concat([df, df.head(1)]), **KW), "mere end én gang"),
        (lambda df: krippendorff_alpha(df, n_boot=-1, **KW), "n_boot"),
    ],
)
def test_alpha_refuses_unusable_input_with_agreement_error(call: object, message: str) -> None:
    long = long_from_columns(KRIPPENDORFF_C).dropna()
    with pytest.raises(AgreementError, match=message):
        call(long)  # type: ignore[operator]


def test_ratio_alpha_with_a_zero_value_by_hand() -> None:
    # Ratio level with the value 0 on the scale, where Krippendorff's (2011) ratio difference
    # ((c - k)/(c + k))² is 0/0 for c = k = 0 and is 0 (no difference from itself), without a warning.
    # Two coders on five units: (0,0), (1,1), (0,1), (2,2), (1,2). Coincidences: o_00 = 2, o_11 = 2,
    # o_22 = 2, o_01 = o_10 = 1, o_12 = o_21 = 1; margins n_0 = 3, n_1 = 4, n_2 = 3, n = 10.
    # δ²: (0,1) = 1, (0,2) = 1, (1,2) = (1/3)² = 1/9. Σ o δ² = 2·1 + 2/9 = 20/9, so D_o = 2/9;
    # Σ n_c n_k δ² = 2·(3·4·1 + 3·3·1 + 4·3/9) = 134/3, so D_e = (134/3)/(10·9);
    # α = 1 - 9·(20/9)/(134/3) = 37/67.
    long = long_from_columns({"a": [0, 1, 0, 2, 1], "b": [0, 1, 1, 2, 2]})
    result = krippendorff_alpha(long, level="ratio", **KW).iloc[0]
    assert result["estimate"] == pytest.approx(37 / 67, abs=1e-12)
    assert result["observed_disagreement"] == pytest.approx(2 / 9, abs=1e-12)
    assert result["expected_disagreement"] == pytest.approx(134 / 3 / 90, abs=1e-12)


def test_ratio_alpha_refuses_negative_values() -> None:
    # Krippendorff (2011): the ratio metric ((c - k)/(c + k))² is a distance from an absolute zero, so the
    # values of a ratio scale are 0 or more; a negative one gave NaN with numpy overflow warnings before.
    long = long_from_columns({"a": [-1, 1, 2], "b": [-1, 2, 2]})
    with pytest.raises(
        AgreementError, match=r"^måleniveauet ratio kræver værdier på 0 eller mere \(fandt \[-1\.0\]\)$"
    ):
        krippendorff_alpha(long, level="ratio", **KW)
    # the same values are fine on the interval level, which has no zero
    assert np.isfinite(krippendorff_alpha(long, level="interval", **KW)["estimate"].iloc[0])


def test_alpha_table_columns_and_labels_as_documented() -> None:
    # The columns of the returned row, in the order krippendorff_alpha's docstring lists them, and the
    # labels it hands on: the statistic's name, the coverage asked for and the level.
    result = krippendorff_alpha(long_from_columns(KRIPPENDORFF_C), level="interval", confidence=0.9, **KW)
    assert list(result.columns) == [
        "statistic",
        "n_subjects",
        "n_raters",
        "percent_agreement",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "confidence",
        "level",
        "n_pairable",
        "observed_disagreement",
        "expected_disagreement",
        "n_boot",
    ]
    row = result.iloc[0]
    assert (row["statistic"], row["confidence"], row["level"]) == ("krippendorff_alpha", 0.9, "interval")
    assert len(result) == 1 and row["n_raters"] == 4


def test_ratio_alpha_refuses_labels_even_with_categories() -> None:
    # Text labels have ranks but no values, so neither the interval nor the ratio difference exists
    # (Krippendorff 2011); giving their order as categories makes them ordinal, not numbers.
    long = long_from_columns({"A": list("abc"), "B": list("abb")})
    for level in ("interval", "ratio"):
        with pytest.raises(AgreementError, match=rf"^måleniveauet {level} kræver talværdier som kategorier"):
            krippendorff_alpha(long, level=level, categories=["a", "b", "c"], **KW)
    assert np.isfinite(krippendorff_alpha(long, level="ordinal", categories=["a", "b", "c"], **KW)["estimate"].iloc[0])


def test_alpha_without_a_pairable_unit() -> None:
    # Each unit rated by one coder only: nothing is pairable (Krippendorff 2011), so n = 0 pairable
    # values, no unit counted, and α, D_o and D_e are undefined (NaN), not an error.
    row = krippendorff_alpha(long_from_columns({"A": [1, None], "B": [None, 2]}), level="nominal", **KW).iloc[0]
    assert (row["n_pairable"], row["n_subjects"], row["n_raters"]) == (0, 0, 2)
    assert (
        np.isnan(row["estimate"]) and np.isnan(row["observed_disagreement"]) and np.isnan(row["expected_disagreement"])
    )


def test_alpha_bootstrap_needs_two_pairable_units() -> None:
    # One pairable unit, coded 1 and 2 (unit 1 has one rating): o_12 = o_21 = 1, n_1 = n_2 = 1, n = 2;
    # nominal D_o = 2/2 = 1, D_e = 2·1·1/(2·1) = 1, α = 0. Resampling one unit can only repeat it, so no
    # interval is given however many draws are asked for.
    row = krippendorff_alpha(long_from_columns({"A": [1, 3], "B": [2, None]}), level="nominal", n_boot=20, seed=1, **KW)
    row = row.iloc[0]
    assert row["estimate"] == pytest.approx(0.0, abs=1e-12) and row["n_subjects"] == 1
    assert np.isnan(row["se"]) and np.isnan(row["ci_low"]) and np.isnan(row["ci_high"]) and row["n_boot"] == 0


def test_alpha_bootstrap_of_two_units_and_two_draws() -> None:
    # The smallest bootstrap that gives an interval: two pairable units, both coded (1, 2), two draws.
    # Every draw is the two-unit pattern again: o_12 = o_21 = 2, n_1 = n_2 = 2, n = 4; nominal
    # D_o = 4/4 = 1, D_e = 2·2·2/(4·3) = 2/3, α = 1 - 3/2 = -1/2 in every draw, so se = 0 and the
    # interval is [-1/2, -1/2] from n_boot = 2 defined draws.
    long = long_from_columns({"A": [1, 1], "B": [2, 2]})
    row = krippendorff_alpha(long, level="nominal", n_boot=2, seed=3, **KW).iloc[0]
    assert row["estimate"] == pytest.approx(-0.5, abs=1e-12)
    assert row["se"] == pytest.approx(0.0, abs=1e-12) and row["n_boot"] == 2
    assert row["ci_low"] == pytest.approx(-0.5, abs=1e-12) and row["ci_high"] == pytest.approx(-0.5, abs=1e-12)


@pytest.mark.parametrize("n_boot", [None, 0, 1, 3])
def test_alpha_draws_from_the_callers_generator_only_for_a_bootstrap(n_boot: int | None) -> None:
    # A Generator handed in as seed is used as it is (numpy.random.default_rng returns it), so the caller's
    # stream must move by exactly the bootstrap's draws: nothing for the point estimate (the default
    # n_boot), one row of unit indices per draw otherwise (Krippendorff's example C: 11 pairable units).
    rng, twin = np.random.default_rng(7), np.random.default_rng(7)
    extra = {} if n_boot is None else {"n_boot": n_boot}
    krippendorff_alpha(long_from_columns(KRIPPENDORFF_C), seed=rng, **extra, **KW)
    twin.integers(0, 11, size=(n_boot or 0, 11))
    assert rng.integers(0, 2**62) == twin.integers(0, 2**62)
