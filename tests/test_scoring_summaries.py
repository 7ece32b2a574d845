"""Fast tests of ``scoring/summaries.py``: the array summaries of replicates against numpy's and pandas'
own quantiles, SDs, means and ranks (independent implementations), on small hand-made arrays with NaN
and in blocks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import lovende_research.scoring.summaries as summaries
from lovende_research.scoring import BootstrapDraws, ScoringError, percentile_intervals
from lovende_research.scoring.summaries import (
    _column_intervals,
    _column_quantiles,
    _column_sd,
    _replicate_overall,
    _replicate_ranks,
)

RNG = np.random.default_rng(12)
#: 9 replicates × 5 columns: full, one NaN, mostly NaN, all NaN, with ties.
VALUES = np.column_stack(
    [
        RNG.uniform(size=9),
        np.r_[RNG.uniform(size=8), np.nan],
        np.r_[np.nan, 0.3, np.nan, np.nan, 0.9, np.nan, np.nan, np.nan, np.nan],
        np.full(9, np.nan),
        np.array([0.5, 0.5, 0.2, 0.2, 0.2, 0.8, 0.5, 0.1, 0.8]),
    ]
)


@pytest.mark.parametrize("q", [0.0, 0.025, 0.1, 0.25, 0.5, 0.8, 0.975, 1.0])
@pytest.mark.parametrize("method", ["linear", "lower", "higher"])
def test_column_quantiles_are_numpys_nanquantile(q: float, method: str) -> None:
    (got,) = _column_quantiles(VALUES, [(q, method)])
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):  # numpy warns on the all-NaN column
        want = np.nanquantile(VALUES, q, axis=0, method=method)
    assert np.allclose(got, want, atol=1e-12, equal_nan=True)


def test_column_median_is_numpys_nanmedian_for_odd_and_even_counts() -> None:
    (got,) = _column_quantiles(VALUES, [(0.5, "median")])
    with pytest.warns(RuntimeWarning):
        want = np.nanmedian(VALUES, axis=0)
    assert np.allclose(got, want, atol=1e-12, equal_nan=True)
    # By hand: column 2 holds 0.3 and 0.9 → (0.3 + 0.9)/2; column 0 nine values → the fifth smallest.
    assert got[2] == pytest.approx(0.6, abs=1e-12)
    assert got[0] == pytest.approx(np.sort(VALUES[:, 0])[4], abs=1e-12)


def test_column_summaries_in_blocks_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    wanted = [(0.1, "linear"), (0.9, "higher"), (0.3, "lower"), (0.5, "median")]
    whole = _column_quantiles(VALUES, wanted)
    sd = _column_sd(VALUES)
    monkeypatch.setattr(summaries, "_BLOCK_VALUES", 18)  # 18 // 9 = 2 columns a block
    for a, b in zip(_column_quantiles(VALUES, wanted), whole, strict=True):
        assert np.array_equal(a, b, equal_nan=True)
    assert np.array_equal(_column_sd(VALUES), sd, equal_nan=True)
    monkeypatch.setattr(summaries, "_BLOCK_VALUES", 1)  # fewer values than a column: one column a block
    assert np.array_equal(_column_quantiles(VALUES, wanted)[0], whole[0], equal_nan=True)
    assert np.array_equal(_column_sd(VALUES), sd, equal_nan=True)


def test_column_sd_is_the_sample_sd_ignoring_nan() -> None:
    got = _column_sd(VALUES)
    want = pd.DataFrame(VALUES).std(ddof=1).to_numpy()  # pandas: NaN ignored, NaN below two values
    assert np.allclose(got, want, atol=1e-14, equal_nan=True)
    # Without NaN (the fast branch): numpy's SD with ddof=1; one replicate gives NaN.
    full = VALUES[:, [0, 4]]
    assert np.allclose(_column_sd(full), np.std(full, axis=0, ddof=1), atol=1e-14)
    assert np.isnan(_column_sd(full[:1])).all()
    # By hand: column 2 has 0.3 and 0.9 → SD sqrt(2 · 0.3²) = 0.4243.
    assert got[2] == pytest.approx(np.sqrt(0.18), abs=1e-12)


def test_column_intervals_at_two_levels() -> None:
    for ci in (0.95, 0.5):
        out = _column_intervals(VALUES, ci)
        with pytest.warns(RuntimeWarning):
            low = np.nanquantile(VALUES, (1 - ci) / 2, axis=0)
            high = np.nanquantile(VALUES, (1 + ci) / 2, axis=0)
        assert np.allclose(out["ci_low"], low, equal_nan=True) and np.allclose(out["ci_high"], high, equal_nan=True)
        assert np.allclose(out["boot_se"], _column_sd(VALUES), equal_nan=True)


def test_percentile_intervals_of_a_long_table() -> None:
    # By hand: 0, .25, .5, .75, 1 at ci = 0.5 → the 0.25 and 0.75 quantiles are .25 and .75; at 0.9 the
    # 0.05 quantile is position 0.05 · 4 = 0.2 → 0.05; NaN rows ignored. SD of the five: sqrt(0.15625).
    reps = pd.DataFrame({"g": ["b"] * 6 + ["a"] * 2, "h": 1, "v": [0.0, 0.25, 0.5, np.nan, 0.75, 1.0, 0.2, 0.4]})
    out = percentile_intervals(reps, ["g", "h"], "v", ci=0.5)
    assert out["g"].tolist() == ["b", "a"] and list(out.columns) == ["g", "h", "ci_low", "ci_high", "boot_se"]
    assert out["ci_low"].tolist() == pytest.approx([0.25, 0.25], abs=1e-12)
    assert out["ci_high"].tolist() == pytest.approx([0.75, 0.35], abs=1e-12)
    assert out["boot_se"].iloc[0] == pytest.approx(np.sqrt(0.15625), abs=1e-12)
    wide = percentile_intervals(reps, ["g"], "v", ci=0.9)
    assert wide["ci_low"].iloc[0] == pytest.approx(0.05, abs=1e-12)
    assert wide["ci_high"].iloc[0] == pytest.approx(0.95, abs=1e-12)
    with pytest.raises(ScoringError, match="mellem 0 og 1"):
        percentile_intervals(reps, ["g"], "v", ci=1.5)


def _draws() -> BootstrapDraws:
    cells = pd.DataFrame(
        {
            "practice_id": ["A", "A", "A", "B", "B", "C", "D"],
            "delimitation_id": ["m", "m", "m", "m", "m", "m", "alt"],
            "element_id": ["x", "y", "z", "x", "y", "x", "x"],
        }
    )
    scores = np.array(
        [
            [0.2, 0.4, 0.6, 0.9, np.nan, np.nan, 0.5],
            [0.1, np.nan, np.nan, 0.3, 0.5, 0.7, 0.4],
            [np.nan, np.nan, np.nan, 0.8, 0.8, 0.8, np.nan],
        ]
    )
    return BootstrapDraws(cells=cells, scores=scores)


def test_replicate_overall_is_the_mean_of_each_replicates_scored_elements() -> None:
    pairs, overall = _replicate_overall(_draws(), 0.5)
    assert pairs.values.tolist() == [["A", "m"], ["B", "m"], ["C", "m"], ["D", "alt"]]
    # By hand, replicate by replicate: A (0.2+0.4+0.6)/3 = 0.4; B 1 of 2 elements (share 0.5 ≥ 0.5) → 0.9;
    # A's second replicate 1 of 3 (share 1/3 < 0.5) → NaN; a pair without any score → NaN.
    want = np.array([[0.4, 0.9, np.nan, 0.5], [np.nan, 0.4, 0.7, 0.4], [np.nan, 0.8, 0.8, np.nan]])
    assert np.allclose(overall, want, atol=1e-12, equal_nan=True)
    # A share of exactly the threshold counts; one above it does not; a share of 0 needs one element.
    _, strict = _replicate_overall(_draws(), 0.6)
    assert np.isnan(strict[0, 1]) and strict[1, 1] == pytest.approx(0.4)
    _, none_needed = _replicate_overall(_draws(), 0.0)
    assert none_needed[1, 0] == pytest.approx(0.1) and np.isnan(none_needed[2, 0])
    with pytest.raises(ScoringError):
        _replicate_overall(_draws(), -0.1)


def test_replicate_overall_in_blocks_and_with_ragged_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    _, whole = _replicate_overall(_draws(), 0.5)
    monkeypatch.setattr(summaries, "_BLOCK_VALUES", 8 * 7)  # one replicate a block
    _, blocked = _replicate_overall(_draws(), 0.5)
    assert np.array_equal(whole, blocked, equal_nan=True)
    # Every pair with every element (the plain-slice path): the same as the numpy mean.
    draws = _draws()
    square = BootstrapDraws(cells=draws.cells.iloc[3:5].reset_index(drop=True), scores=draws.scores[:, 3:5])
    _, out = _replicate_overall(square, 0.5)
    assert np.allclose(out[:, 0], [0.9, 0.4, 0.8], atol=1e-12)


def test_replicate_overall_sums_with_compensation() -> None:
    # Kahan's sum of 1, 1e-16 × 10 is 1 + 1e-15 where the plain running sum stays at 1: the mean then
    # differs in the last bits. By hand: mean = (1 + 10 · 1e-16)/11.
    cells = pd.DataFrame({"practice_id": ["A"] * 11, "delimitation_id": ["m"] * 11, "element_id": list("abcdefghijk")})
    scores = np.array([[1.0] + [1e-16] * 10])
    _, overall = _replicate_overall(BootstrapDraws(cells=cells, scores=scores), 0.5)
    assert overall[0, 0] == (1.0 + 1e-15) / 11
    assert overall[0, 0] != 1.0 / 11


def test_replicate_ranks_are_pandas_min_ranks_per_delimitation() -> None:
    overall = np.array([[0.4, 0.9, np.nan, 0.5, 0.4], [0.2, 0.2, 0.7, 0.4, 0.2], [0.3, 0.8, 0.8, np.nan, 0.1]])
    delimitation = np.array(["m", "m", "m", "alt", "m"], dtype=object)
    ranks = _replicate_ranks(overall, delimitation)
    for value in ("m", "alt"):
        columns = delimitation == value
        want = pd.DataFrame(overall[:, columns]).rank(axis=1, ascending=False, method="min").to_numpy()
        assert np.array_equal(ranks[:, columns], want, equal_nan=True)
    # By hand, first replicate of "m": 0.9 first, 0.4 and 0.4 share 2nd, NaN unranked.
    assert ranks[0, [1, 0, 4]].tolist() == [1.0, 2.0, 2.0] and np.isnan(ranks[0, 2])


def test_column_quantiles_of_one_value_two_replicates_and_four_values() -> None:
    # Columns: one value among three replicates; four values (an even count not of the form 3k + 2).
    values = np.array([[np.nan, 0.1], [0.4, 0.7], [np.nan, 0.3], [np.nan, 0.2]])
    median, low, high = _column_quantiles(values, [(0.5, "median"), (0.1, "linear"), (0.9, "linear")])
    # By hand: one value is its own median and quantiles; 0.1, 0.2, 0.3, 0.7 → median (0.2 + 0.3)/2;
    # the 0.1 quantile at position 0.3 → 0.1 + 0.3 · 0.1 = 0.13; the 0.9 at 2.7 → 0.3 + 0.7 · 0.4 = 0.58.
    assert median.tolist() == pytest.approx([0.4, 0.25], abs=1e-12)
    assert low.tolist() == pytest.approx([0.4, 0.13], abs=1e-12)
    assert high.tolist() == pytest.approx([0.4, 0.58], abs=1e-12)
    two = np.array([[0.2, 0.9], [0.6, 0.1]])  # two replicates: median the mean of both
    assert _column_quantiles(two, [(0.5, "median")])[0].tolist() == pytest.approx([0.4, 0.5], abs=1e-12)


def test_column_median_is_pandas_median_to_the_last_bit() -> None:
    # The docstring's promise: the same numbers as pandas' grouped median (here on every column).
    rng = np.random.default_rng(3)
    values = rng.uniform(size=(10, 40))
    values[rng.uniform(size=values.shape) < 0.2] = np.nan
    (got,) = _column_quantiles(values, [(0.5, "median")])
    assert np.array_equal(got, pd.DataFrame(values).median().to_numpy(), equal_nan=True)


def test_replicate_overall_after_a_missing_first_element() -> None:
    # A pair whose first element is missing in a replicate and whose later ones are not: the compensation
    # of the missing element must not spoil the later sums. By hand: (0.4 + 0.8)/2 = 0.6.
    cells = pd.DataFrame({"practice_id": ["A"] * 3, "delimitation_id": ["m"] * 3, "element_id": list("xyz")})
    _, overall = _replicate_overall(BootstrapDraws(cells=cells, scores=np.array([[np.nan, 0.4, 0.8]])), 0.5)
    assert overall[0, 0] == pytest.approx(0.6, abs=1e-12)


def test_replicate_overall_of_no_cells_and_its_parameter_check() -> None:
    empty = BootstrapDraws(
        cells=pd.DataFrame(columns=["practice_id", "delimitation_id", "element_id"]), scores=np.zeros((4, 0))
    )
    pairs, overall = _replicate_overall(empty, 0.5)
    assert pairs.empty and overall.shape == (4, 0)
    with pytest.raises(ScoringError) as info:
        _replicate_overall(_draws(), 2.0)
    assert info.value.parameter == "min_element_share"


def test_percentile_intervals_default_level_and_its_check() -> None:
    reps = pd.DataFrame({"g": ["x"] * 41, "v": np.linspace(0.0, 1.0, 41)})
    # By hand: the default 95 % interval is the 0.025 and 0.975 quantiles of 0, 0.025, …, 1 → 0.025, 0.975.
    out = percentile_intervals(reps, ["g"], "v")
    assert (out["ci_low"].iloc[0], out["ci_high"].iloc[0]) == pytest.approx((0.025, 0.975), abs=1e-12)
    with pytest.raises(ScoringError) as info:
        percentile_intervals(reps, ["g"], "v", ci=-0.5)
    assert info.value.parameter == "ci"
