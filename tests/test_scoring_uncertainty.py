"""Fast tests of ``scoring/uncertainty.py``: intervals, overall intervals and rank intervals from draws
made by hand, so every expected number is a quantile, SD or share of known values (numpy and pandas)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lovende_research.scoring import (
    BootstrapDraws,
    ScoringError,
    bootstrap_draws,
    bootstrap_overall,
    bootstrap_profiles,
    rank_intervals,
)
from lovende_research.scoring.uncertainty import _as_draws, _n_informants


def _es() -> pd.DataFrame:
    """Three practices, one element x (and y for A); C has one staff informant only, B no leader."""
    rows = [
        ("A", "a1", "leder", "x", 0.8),
        ("A", "a2", "medarbejder", "x", 0.6),
        ("A", "a3", "medarbejder", "x", np.nan),
        ("A", "a1", "leder", "y", 0.4),
        ("A", "a2", "medarbejder", "y", 0.2),
        ("A", "a3", "medarbejder", "y", 0.3),
        ("B", "b1", "medarbejder", "x", 0.5),
        ("B", "b2", "medarbejder", "x", 0.7),
        ("C", "c1", "medarbejder", "x", 0.2),
    ]
    frame = pd.DataFrame(rows, columns=["practice_id", "informant_id", "informant_role", "element_id", "score"])
    return frame.assign(
        interview_id=frame["informant_id"], delimitation_id="main", coverage=1.0, sufficient=frame["score"].notna()
    )


#: Replicates of the cells (A x, A y, B x, C x), in draw_cells order.
SCORES = np.array(
    [
        [0.7, 0.3, 0.6, 0.2],
        [0.8, 0.2, 0.5, 0.2],
        [0.6, 0.4, 0.7, 0.2],
        [0.9, 0.3, 0.55, 0.2],
        [0.5, np.nan, 0.65, 0.2],
    ]
)


def _draws() -> BootstrapDraws:
    cells = pd.DataFrame(
        {"practice_id": ["A", "A", "B", "C"], "delimitation_id": ["main"] * 4, "element_id": ["x", "y", "x", "x"]}
    )
    return BootstrapDraws(cells=cells, scores=SCORES.copy())


def test_as_draws_takes_draws_a_long_table_or_draws_them() -> None:
    draws = _draws()
    assert _as_draws(draws, _es(), "mean", 10, 0) is draws
    from_long = _as_draws(draws.to_long(), _es(), "mean", 10, 0)
    assert np.array_equal(from_long.scores, SCORES, equal_nan=True)
    fresh = _as_draws(None, _es(), "median", 7, 3)
    assert np.array_equal(fresh.scores, bootstrap_draws(_es(), "median", 7, 3).scores, equal_nan=True)


def test_n_informants_counts_the_rules_informants_per_practice() -> None:
    # By hand: A has a1, a2, a3 (a3 counts though unscored on x); B two; C one. Leaders: A one, B and C none.
    assert _n_informants(_es(), "mean").values.tolist() == [["A", "main", 3], ["B", "main", 2], ["C", "main", 1]]
    assert str(_n_informants(_es(), "leader")["n_informants"].dtype) == "int64"
    assert _n_informants(_es(), "leader")["n_informants"].tolist() == [1, 0, 0]


@pytest.mark.parametrize("ci", [0.95, 0.6])
def test_profile_intervals_are_the_percentiles_of_the_draws(ci: float) -> None:
    out = bootstrap_profiles(_es(), ci=ci, replicates=_draws())
    assert out[["practice_id", "element_id"]].values.tolist() == [["A", "x"], ["A", "y"], ["B", "x"], ["C", "x"]]
    # The estimate: practice_profiles' mean (A x: (0.8 + 0.6)/2, a3 unscored).
    assert out["score"].tolist() == pytest.approx([0.7, 0.3, 0.6, 0.2], abs=1e-12)
    with np.errstate(all="ignore"):
        low = np.nanquantile(SCORES, (1 - ci) / 2, axis=0)
        high = np.nanquantile(SCORES, (1 + ci) / 2, axis=0)
    se = pd.DataFrame(SCORES).std(ddof=1).to_numpy()
    # C has one scored informant (< 2): no interval.
    assert out["ci_low"].iloc[:3].tolist() == pytest.approx(low[:3].tolist(), abs=1e-12)
    assert out["ci_high"].iloc[:3].tolist() == pytest.approx(high[:3].tolist(), abs=1e-12)
    assert out["boot_se"].iloc[:3].tolist() == pytest.approx(se[:3].tolist(), abs=1e-12)
    assert out.loc[3, ["ci_low", "ci_high", "boot_se"]].isna().all()


def test_the_interval_narrows_with_the_level_as_the_quantile_formula_says() -> None:
    # By hand for A x (0.5, 0.6, 0.7, 0.8, 0.9): ci = 0.5 → quantiles at 0.25 and 0.75, positions 1 and 3
    # → 0.6 and 0.8; ci = 0.9 → 0.05 and 0.95, positions 0.2 and 3.8 → 0.52 and 0.88.
    narrow = bootstrap_profiles(_es(), ci=0.5, replicates=_draws()).iloc[0]
    wide = bootstrap_profiles(_es(), ci=0.9, replicates=_draws()).iloc[0]
    assert (narrow["ci_low"], narrow["ci_high"]) == pytest.approx((0.6, 0.8), abs=1e-12)
    assert (wide["ci_low"], wide["ci_high"]) == pytest.approx((0.52, 0.88), abs=1e-12)


def test_min_informants_one_gives_a_single_informant_an_interval() -> None:
    out = bootstrap_profiles(_es(), replicates=_draws(), min_informants=1)
    assert out.loc[3, "ci_low"] == pytest.approx(0.2) and out.loc[3, "boot_se"] == pytest.approx(0.0)
    three = bootstrap_profiles(_es(), replicates=_draws(), min_informants=3)
    # Only A y has three scored informants (a3 is unscored on x).
    assert three["ci_low"].notna().tolist() == [False, True, False, False]


def test_profiles_draw_their_own_replicates_when_none_are_given() -> None:
    out = bootstrap_profiles(_es(), "median", n_boot=9, seed=2)
    draws = bootstrap_draws(_es(), "median", n_boot=9, seed=2)
    assert out["ci_high"].iloc[0] == pytest.approx(np.quantile(draws.scores[:, 0], 0.975), abs=1e-12)


@pytest.mark.parametrize("ci", [0.95, 0.5])
def test_overall_intervals_are_the_percentiles_of_each_replicates_index(ci: float) -> None:
    out = bootstrap_overall(_es(), ci=ci, replicates=_draws())
    assert out["practice_id"].tolist() == ["A", "B", "C"]
    # The estimate: A (0.7 + 0.3)/2 = 0.5, B 0.6, C 0.2; n_informants 3, 2, 1.
    assert out["overall"].tolist() == pytest.approx([0.5, 0.6, 0.2], abs=1e-12)
    assert out["n_informants"].tolist() == [3, 2, 1]
    # A's replicate indices by hand: 0.5, 0.5, 0.5, 0.6, and 0.5 (one of two elements: share 0.5 ≥ 0.5).
    a = np.array([0.5, 0.5, 0.5, 0.6, 0.5])
    assert out.loc[0, "ci_low"] == pytest.approx(np.quantile(a, (1 - ci) / 2), abs=1e-12)
    assert out.loc[0, "ci_high"] == pytest.approx(np.quantile(a, (1 + ci) / 2), abs=1e-12)
    assert out.loc[0, "boot_se"] == pytest.approx(np.std(a, ddof=1), abs=1e-12)
    assert out.loc[1, "ci_high"] == pytest.approx(np.quantile(SCORES[:, 2], (1 + ci) / 2), abs=1e-12)
    assert out.loc[2, ["ci_low", "ci_high", "boot_se"]].isna().all()  # one informant
    assert list(out.columns) == [
        "practice_id",
        "delimitation_id",
        "n_elements",
        "n_sufficient",
        "element_share",
        "overall",
        "sufficient",
        "n_informants",
        "ci_low",
        "ci_high",
        "boot_se",
    ]


def test_overall_min_element_share_applies_to_every_replicate() -> None:
    # With 0.6, A's last replicate (one of two elements) has no index: the interval is over four values.
    out = bootstrap_overall(_es(), ci=0.5, min_element_share=0.6, replicates=_draws(), min_informants=1)
    a = np.array([0.5, 0.5, 0.5, 0.6])
    assert out.loc[0, "boot_se"] == pytest.approx(np.std(a, ddof=1), abs=1e-12)
    assert out.loc[2, "ci_low"] == pytest.approx(0.2)  # min_informants 1
    assert out.loc[1, ["ci_low", "ci_high"]].notna().all()
    # Informants of the practice, scored or not: A's three reach 3, B's two do not.
    assert bootstrap_overall(_es(), replicates=_draws(), min_informants=3)["ci_low"].notna().tolist() == [
        True,
        False,
        False,
    ]


def test_rank_intervals_from_known_draws() -> None:
    out = rank_intervals(_es(), ci=0.5, replicates=_draws(), top_k=1)
    # Estimates: B 0.6, A 0.5, C 0.2 → ranks 1, 2, 3.
    assert out[["practice_id", "rank", "n_ranked"]].values.tolist() == [["B", 1, 3], ["A", 2, 3], ["C", 3, 3]]
    # Replicate indices (A, B, C) by hand: (0.5, 0.6, 0.2), (0.5, 0.5, 0.2), (0.5, 0.7, 0.2),
    # (0.6, 0.55, 0.2), (0.5, 0.65, 0.2) → B's ranks 1, 1, 1, 2, 1 (ties share the best); A's 2, 1, 2, 1, 2.
    b_ranks, a_ranks = np.array([1, 1, 1, 2, 1]), np.array([2, 1, 2, 1, 2])
    b, a = out.iloc[0], out.iloc[1]
    assert (b["rank_low"], b["rank_high"]) == (
        np.quantile(b_ranks, 0.25, method="lower"),
        np.quantile(b_ranks, 0.75, method="higher"),
    )
    assert (a["rank_low"], a["rank_high"]) == (1, 2)
    assert a["rank_median"] == np.median(a_ranks) and b["rank_median"] == 1.0
    # P(top 1): B 4 of 5, A 2 of 5 (the tie in replicate 2 puts both first), C never.
    assert out["p_top_k"].tolist() == pytest.approx([0.8, 0.4, 0.0], abs=1e-12)
    assert out["top_k"].tolist() == [1, 1, 1]
    # Top decile: max(1, ceil(0.1 · 3)) = 1 place, so the same shares as top 1.
    assert out["top_decile"].tolist() == [1, 1, 1]
    assert out["p_top_decile"].tolist() == pytest.approx([0.8, 0.4, 0.0], abs=1e-12)
    assert str(out["rank_low"].dtype) == "Int64" and str(out["top_k"].dtype) == "Int64"
    wide = rank_intervals(_es(), ci=0.95, replicates=_draws(), top_k=2)
    assert wide["p_top_k"].tolist() == pytest.approx([1.0, 1.0, 0.0], abs=1e-12)
    assert wide.loc[0, "rank_high"] == 2 and wide.loc[2, ["rank_low", "rank_high"]].tolist() == [3, 3]


def test_rank_intervals_with_many_practices_and_an_unranked_one() -> None:
    # 12 practices with fixed draws: P00 best … P10 worst, P11 without any score. The top decile of
    # 11 ranked practices is ceil(1.1) = 2 places.
    rows, scores = [], []
    for p in range(12):
        for i in range(2):
            value = np.nan if p == 11 else 0.9 - 0.05 * p
            rows.append((f"P{p:02d}", f"P{p:02d}-{i}", "medarbejder", "x", value))
    frame = pd.DataFrame(rows, columns=["practice_id", "informant_id", "informant_role", "element_id", "score"])
    es = frame.assign(
        interview_id=frame["informant_id"], delimitation_id="main", coverage=1.0, sufficient=frame["score"].notna()
    )
    cells = es[["practice_id", "delimitation_id", "element_id"]].drop_duplicates().reset_index(drop=True)
    estimate = np.array([np.nan if p == 11 else 0.9 - 0.05 * p for p in range(12)])
    scores = np.vstack([estimate, estimate[[1, 0, *range(2, 12)]]])  # the second draw swaps the top two
    out = rank_intervals(es, replicates=BootstrapDraws(cells=cells, scores=scores))
    assert out["practice_id"].tolist()[-1] == "P11"
    last = out.iloc[-1]
    assert pd.isna(last["rank"]) and pd.isna(last["rank_low"]) and pd.isna(last["p_top_k"])
    assert pd.isna(last["top_k"]) and pd.isna(last["top_decile"]) and pd.isna(last["rank_median"])
    assert out["top_decile"].iloc[0] == math.ceil(0.1 * 11) == 2
    assert out["n_ranked"].iloc[0] == 11
    assert out.loc[0, ["rank_low", "rank_high"]].tolist() == [1, 2]
    assert out["p_top_decile"].iloc[:3].tolist() == pytest.approx([1.0, 1.0, 0.0])
    assert out["p_top_k"].iloc[4:6].tolist() == pytest.approx([1.0, 0.0])  # top 5: P04 in, P05 out


def test_rank_intervals_sort_by_delimitation_rank_and_practice() -> None:
    es = _es()
    other = es.assign(delimitation_id="alt")
    both = pd.concat([es, other], ignore_index=True)
    out = rank_intervals(both, n_boot=5, seed=1)
    assert out[["delimitation_id", "practice_id"]].values.tolist() == [
        ["alt", "B"],
        ["alt", "A"],
        ["alt", "C"],
        ["main", "B"],
        ["main", "A"],
        ["main", "C"],
    ]
    # Tied estimates share the lowest rank and are ordered by practice.
    tie = es.copy()
    tie.loc[tie["practice_id"] == "C", "score"] = 0.6
    ranks = rank_intervals(tie, n_boot=3, seed=0)
    assert ranks[["practice_id", "rank"]].values.tolist() == [["B", 1], ["C", 1], ["A", 3]]


@pytest.mark.parametrize("top_k", [0, -1, 1.0, True, "5"])
def test_rank_intervals_refuse_a_bad_top_k(top_k: object) -> None:
    with pytest.raises(ScoringError, match="forventet: et positivt heltal, fx 5$") as info:
        rank_intervals(_es(), replicates=_draws(), top_k=top_k)  # type: ignore[arg-type]
    assert info.value.parameter == "top_k" and info.value.value == top_k
    assert rank_intervals(_es(), replicates=_draws(), top_k=np.int64(2))["top_k"].iloc[0] == 2


@pytest.mark.parametrize("function", [bootstrap_profiles, bootstrap_overall, rank_intervals])
@pytest.mark.parametrize("ci", [1.2, -0.1, True])
def test_every_interval_refuses_a_level_outside_zero_to_one(function, ci: object) -> None:
    with pytest.raises(ScoringError, match="mellem 0 og 1") as info:
        function(_es(), ci=ci, replicates=_draws())
    assert info.value.parameter == "ci"


@pytest.mark.parametrize("aggregation", ["mean", "leader"])
def test_without_replicates_each_function_draws_the_bootstrap_it_is_asked_for(aggregation: str) -> None:
    es = _es()
    draws = bootstrap_draws(es, aggregation, 9, 4)
    pd.testing.assert_frame_equal(
        bootstrap_profiles(es, aggregation, n_boot=9, seed=4), bootstrap_profiles(es, aggregation, replicates=draws)
    )
    pd.testing.assert_frame_equal(
        bootstrap_overall(es, aggregation, n_boot=9, seed=4), bootstrap_overall(es, aggregation, replicates=draws)
    )
    pd.testing.assert_frame_equal(
        rank_intervals(es, aggregation, n_boot=9, seed=4), rank_intervals(es, aggregation, replicates=draws)
    )


def test_the_defaults_are_a_thousand_bootstrap_draws_of_the_mean_from_seed_zero() -> None:
    es = _es()
    draws = bootstrap_draws(es, "mean", 1000, 0)
    pd.testing.assert_frame_equal(bootstrap_profiles(es), bootstrap_profiles(es, replicates=draws))
    pd.testing.assert_frame_equal(bootstrap_overall(es), bootstrap_overall(es, replicates=draws))
    pd.testing.assert_frame_equal(rank_intervals(es), rank_intervals(es, replicates=draws))


def test_the_estimates_follow_the_rule() -> None:
    # Leaders only: A x 0.8 and A y 0.4 (a1), so A's index (0.8 + 0.4)/2 = 0.6; B and C have no leader.
    profiles = bootstrap_profiles(_es(), "leader", replicates=_draws(), min_informants=1)
    assert profiles["score"].iloc[:2].tolist() == pytest.approx([0.8, 0.4]) and profiles["score"].iloc[2:].isna().all()
    overall = bootstrap_overall(_es(), "leader", replicates=_draws(), min_informants=1)
    assert overall["overall"].iloc[0] == pytest.approx(0.6) and overall["n_informants"].tolist() == [1, 0, 0]
    ranks = rank_intervals(_es(), "leader", replicates=_draws())
    assert ranks["practice_id"].tolist() == ["A", "B", "C"] and ranks["rank"].tolist()[0] == 1
    assert ranks["n_ranked"].tolist() == [1, 1, 1]


def _half_scored() -> pd.DataFrame:
    """_es() with A's element y unscored: A's index rests on one of two elements (share 0.5)."""
    es = _es()
    es.loc[(es["practice_id"] == "A") & (es["element_id"] == "y"), "score"] = np.nan
    return es.assign(sufficient=es["score"].notna())


def test_the_element_share_applies_to_the_estimate_too() -> None:
    es = _half_scored()
    at_default = bootstrap_overall(es, replicates=_draws())
    assert at_default["overall"].iloc[0] == pytest.approx(0.7)  # share 0.5 ≥ 0.5
    strict = bootstrap_overall(es, min_element_share=0.6, replicates=_draws())
    assert pd.isna(strict["overall"].iloc[0]) and not strict["sufficient"].iloc[0]
    ranks = rank_intervals(es, min_element_share=0.6, replicates=_draws())
    assert ranks["practice_id"].tolist() == ["B", "C", "A"] and pd.isna(ranks["rank"].iloc[2])
    assert ranks["n_ranked"].tolist() == [2, 2, 2]


def test_replicates_lacking_a_practice_leave_its_interval_empty_but_keep_its_row() -> None:
    draws = _draws()
    partial = BootstrapDraws(cells=draws.cells.iloc[:3].reset_index(drop=True), scores=draws.scores[:, :3])
    profiles = bootstrap_profiles(_es(), replicates=partial, min_informants=1)
    assert profiles["practice_id"].tolist() == ["A", "A", "B", "C"] and pd.isna(profiles["ci_low"].iloc[3])
    overall = bootstrap_overall(_es(), replicates=partial, min_informants=1)
    assert overall["practice_id"].tolist() == ["A", "B", "C"] and pd.isna(overall["ci_low"].iloc[2])
    ranks = rank_intervals(_es(), replicates=partial)
    assert ranks["practice_id"].tolist() == ["B", "A", "C"] and pd.isna(ranks["rank_low"].iloc[2])
    assert ranks["rank"].tolist() == [1, 2, 3]


def test_rank_quantiles_are_the_lower_and_higher_observed_ranks() -> None:
    # Four replicates of two practices with A's replicate ranks 1, 2, 2, 2 and B's 2, 1, 1, 1. At ci = 0.5
    # the quantiles are at 0.25 and 0.75: positions 0.75 and 2.25 of the sorted ranks. A: lower → 1 (a
    # linear quantile, 1.75, would round to 2), higher → 2; B (1, 1, 1, 2): lower 1, higher → 2 (linear
    # 1.25 would round to 1).
    cells = pd.DataFrame({"practice_id": ["A", "B"], "delimitation_id": ["main"] * 2, "element_id": ["x", "x"]})
    scores = np.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7], [0.4, 0.6]])
    out = rank_intervals(_es(), ci=0.5, replicates=BootstrapDraws(cells=cells, scores=scores))
    a = out[out["practice_id"] == "A"].iloc[0]
    b = out[out["practice_id"] == "B"].iloc[0]
    assert (a["rank_low"], a["rank_high"], a["rank_median"]) == (1, 2, 2.0)
    assert (b["rank_low"], b["rank_high"], b["rank_median"]) == (1, 2, 1.0)
    # A fifth replicate with A second: A's sorted ranks 1, 2, 2, 2, 2, and the 0.25 quantile sits at
    # position 0.25 · 4 = 1 → 2 (at (1 − ci)/3 it would sit at 0.67 → 1).
    five = BootstrapDraws(cells=cells, scores=np.vstack([scores, [0.45, 0.55]]))
    assert rank_intervals(_es(), ci=0.5, replicates=five).set_index("practice_id").loc["A", "rank_low"] == 2


def test_rank_table_columns_and_types() -> None:
    out = rank_intervals(_es(), replicates=_draws())
    assert list(out.columns) == [
        "practice_id",
        "delimitation_id",
        "overall",
        "rank",
        "rank_low",
        "rank_high",
        "rank_median",
        "n_ranked",
        "top_k",
        "p_top_k",
        "top_decile",
        "p_top_decile",
    ]
    assert list(out.index) == [0, 1, 2]
    assert str(out["rank"].dtype) == "Int64" and str(out["n_ranked"].dtype) == "int64"
    assert str(out["top_decile"].dtype) == "Int64" and str(out["rank_high"].dtype) == "Int64"
