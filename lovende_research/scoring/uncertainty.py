"""Percentile bootstrap intervals of the profiles and the overall index, and rank intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lovende_research.errors import Text
from lovende_research.scoring.draws import BootstrapDraws, bootstrap_draws
from lovende_research.scoring.elements import informant_scores
from lovende_research.scoring.parameters import COVERAGE_THRESHOLD, ScoringError, _check_share
from lovende_research.scoring.profiles import overall_index, practice_profiles
from lovende_research.scoring.summaries import (
    _column_intervals,
    _column_quantiles,
    _replicate_overall,
    _replicate_ranks,
)


def _as_draws(
    replicates: "pd.DataFrame | BootstrapDraws | None",
    element_scores: pd.DataFrame,
    aggregation: str,
    n_boot: int,
    seed: int,
) -> BootstrapDraws:
    if replicates is None:
        return bootstrap_draws(element_scores, aggregation, n_boot, seed)
    if isinstance(replicates, BootstrapDraws):
        return replicates
    return BootstrapDraws.from_long(replicates)


def _n_informants(element_scores: pd.DataFrame, aggregation: str) -> pd.DataFrame:
    informants = informant_scores(element_scores, aggregation)
    counts = informants.groupby(["practice_id", "delimitation_id"])["informant_id"].nunique().rename("n_informants")
    grid = element_scores[["practice_id", "delimitation_id"]].drop_duplicates()
    out = grid.merge(counts.reset_index(), on=["practice_id", "delimitation_id"], how="left")
    out["n_informants"] = out["n_informants"].fillna(0).astype(int)
    return out


def bootstrap_profiles(
    element_scores: pd.DataFrame,
    aggregation: str = "mean",
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
    replicates: "pd.DataFrame | BootstrapDraws | None" = None,
    min_informants: int = 2,
) -> pd.DataFrame:
    """:func:`practice_profiles` with a percentile interval from bootstrap (or model) draws.

    Parameters
    ----------
    element_scores : DataFrame
        From :func:`element_scores` with interviews attached.
    aggregation, n_boot, seed
        As in :func:`bootstrap_replicates`.
    ci : float
        Coverage of the interval.
    replicates : BootstrapDraws or DataFrame, optional
        Replicates already drawn by :func:`bootstrap_draws` (or the long table of
        :func:`bootstrap_replicates`); then ``n_boot`` and ``seed`` are unused. Drawing once and passing
        the draws to this function, :func:`bootstrap_overall` and :func:`rank_intervals` gives all three
        the same replicates, as :func:`score_study` does. Draws of
        :func:`~lovende_research.scoring.model_draws` give the model's intervals.
    min_informants : int
        Fewest scored informants a cell's interval needs. 2 for the bootstrap: one informant gives no
        spread to resample, and a zero-width interval would claim certainty the data do not have. 1 for
        model draws, whose spread is pooled over the practices.

    Returns
    -------
    DataFrame
        The columns of :func:`practice_profiles` plus ``ci_low``, ``ci_high``, ``boot_se`` (the SD of
        the draws). The interval is NaN below ``min_informants``.

    Notes
    -----
    Percentile interval :math:`[\\hat\\theta^*_{(\\alpha/2)}, \\hat\\theta^*_{(1-\\alpha/2)}]` with
    :math:`\\alpha = 1 - ci` (Efron & Tibshirani 1993, ch. 13).

    References
    ----------
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.

    Examples
    --------
    >>> es = pd.DataFrame({"interview_id": list("abcd"), "practice_id": ["P1"] * 4,
    ...     "informant_id": list("LMNO"), "informant_role": ["leder"] + ["medarbejder"] * 3,
    ...     "delimitation_id": ["main"] * 4, "element_id": ["teori"] * 4,
    ...     "coverage": [1.0] * 4, "score": [0.2, 0.4, 0.6, 0.8], "sufficient": [True] * 4})
    >>> p = bootstrap_profiles(es, n_boot=500, seed=3).iloc[0]
    >>> bool(p["ci_low"] < p["score"] < p["ci_high"])
    True
    """
    _check_share("ci", ci)
    draws = _as_draws(replicates, element_scores, aggregation, n_boot, seed)
    keys = ["practice_id", "delimitation_id", "element_id"]
    profiles = practice_profiles(element_scores, aggregation)
    intervals = draws.cells[keys].assign(**_column_intervals(draws.scores, ci))
    out = profiles.merge(intervals, on=keys, how="left")
    thin = out["n_scored"] < min_informants
    out.loc[thin, ["ci_low", "ci_high", "boot_se"]] = np.nan
    return out


def bootstrap_overall(
    element_scores: pd.DataFrame,
    aggregation: str = "mean",
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
    min_element_share: float = COVERAGE_THRESHOLD,
    replicates: "pd.DataFrame | BootstrapDraws | None" = None,
    min_informants: int = 2,
) -> pd.DataFrame:
    """:func:`overall_index` per practice with a percentile interval from bootstrap (or model) draws.

    Parameters
    ----------
    element_scores : DataFrame
        From :func:`element_scores` with interviews attached.
    aggregation, n_boot, seed, ci, replicates, min_informants
        As in :func:`bootstrap_profiles`.
    min_element_share : float
        As in :func:`overall_index`, applied to the estimate and to every replicate.

    Returns
    -------
    DataFrame
        The columns of :func:`overall_index` plus ``n_informants`` (informants the rule uses),
        ``ci_low``, ``ci_high``, ``boot_se`` (NaN below ``min_informants`` informants).

    Notes
    -----
    Each replicate's index is :func:`overall_index` of that replicate's profile, so the interval carries
    the correlation between a practice's elements (the same informants drive all of them).

    Examples
    --------
    >>> es = pd.DataFrame({"interview_id": list("abcd"), "practice_id": ["P1"] * 4,
    ...     "informant_id": list("LMNO"), "informant_role": ["leder"] + ["medarbejder"] * 3,
    ...     "delimitation_id": ["main"] * 4, "element_id": ["teori"] * 4,
    ...     "coverage": [1.0] * 4, "score": [0.2, 0.4, 0.6, 0.8], "sufficient": [True] * 4})
    >>> o = bootstrap_overall(es, n_boot=500, seed=3).iloc[0]
    >>> round(float(o["overall"]), 3), int(o["n_informants"])
    (0.5, 4)
    """
    _check_share("ci", ci)
    draws = _as_draws(replicates, element_scores, aggregation, n_boot, seed)
    keys = ["practice_id", "delimitation_id"]
    overall = overall_index(practice_profiles(element_scores, aggregation), min_element_share)
    pairs, rep_overall = _replicate_overall(draws, min_element_share)
    out = overall.merge(_n_informants(element_scores, aggregation), on=keys, how="left")
    out = out.merge(pairs.assign(**_column_intervals(rep_overall, ci)), on=keys, how="left")
    thin = out["n_informants"] < min_informants
    out.loc[thin, ["ci_low", "ci_high", "boot_se"]] = np.nan
    return out


def rank_intervals(
    element_scores: pd.DataFrame,
    aggregation: str = "mean",
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
    min_element_share: float = COVERAGE_THRESHOLD,
    replicates: "pd.DataFrame | BootstrapDraws | None" = None,
    top_k: int = 5,
) -> pd.DataFrame:
    """The ranking of practices by overall index, with an interval for each rank and P(top k).

    Parameters
    ----------
    element_scores : DataFrame
        From :func:`element_scores` with interviews attached.
    aggregation, n_boot, seed, ci, min_element_share, replicates
        As in :func:`bootstrap_overall`.
    top_k : int
        The *k* of ``p_top_k``: how sure is a place among the first *k*?

    Returns
    -------
    DataFrame
        Per practice × delimitation, sorted by rank: ``practice_id``, ``delimitation_id``, ``overall``,
        ``rank`` (1 = highest index; ties share the lowest rank; NaN when the index is insufficient),
        ``rank_low``, ``rank_high`` (the interval's best and worst rank), ``rank_median``,
        ``n_ranked`` (practices with a sufficient index); ``top_k`` (*k*), ``p_top_k`` (the share of
        draws in which the practice ranks among the first *k*), ``top_decile`` (the number of places in
        the top 10 %: :math:`\\max(1, \\lceil 0.1\\, n_{ranked} \\rceil)`), ``p_top_decile`` (the
        same share for them). NaN where the practice has no rank.

    Notes
    -----
    In every replicate the practices are ranked by their replicate index; the rank interval is the
    :math:`(1-ci)/2` and :math:`(1+ci)/2` quantiles of a practice's replicate ranks (taken at the
    nearest observed rank, so they stay whole numbers). Two practices whose rank intervals overlap are
    not reliably ordered (Goldstein & Spiegelhalter 1996). :math:`P(\\mathrm{rank}_p \\le k)` is the
    share of draws where :math:`\\mathrm{rank}^*_p \\le k` (ties share the best rank, a draw without an
    index counts as not in the top); evidence registries label a practice without saying how sure the
    label is, this says it.

    References
    ----------
    Goldstein, H. & Spiegelhalter, D. J. (1996). League tables and their limitations: statistical issues
    in comparisons of institutional performance. *JRSS A* 159(3), 385–443.

    Examples
    --------
    >>> es = pd.DataFrame({"interview_id": list("abcd"), "practice_id": ["P1", "P1", "P2", "P2"],
    ...     "informant_id": list("LMNO"), "informant_role": ["leder", "medarbejder"] * 2,
    ...     "delimitation_id": ["main"] * 4, "element_id": ["teori"] * 4,
    ...     "coverage": [1.0] * 4, "score": [0.9, 0.8, 0.2, 0.1], "sufficient": [True] * 4})
    >>> r = rank_intervals(es, n_boot=200, seed=1)
    >>> r[["practice_id", "rank", "rank_low", "rank_high"]].values.tolist()
    [['P1', 1, 1, 1], ['P2', 2, 2, 2]]
    >>> [(int(k), float(p)) for k, p in zip(r["top_decile"], r["p_top_decile"])]
    [(1, 1.0), (1, 0.0)]
    """
    _check_share("ci", ci)
    if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or top_k < 1:
        raise ScoringError("top_k", top_k, Text("et positivt heltal, fx 5", "a positive whole number, e.g. 5"))
    draws = _as_draws(replicates, element_scores, aggregation, n_boot, seed)
    keys = ["practice_id", "delimitation_id"]
    overall = overall_index(practice_profiles(element_scores, aggregation), min_element_share)
    overall["rank"] = overall.groupby("delimitation_id")["overall"].rank(ascending=False, method="min").astype("Int64")
    overall["n_ranked"] = overall.groupby("delimitation_id")["overall"].transform("count").astype(int)
    pairs, rep_overall = _replicate_overall(draws, min_element_share)
    ranks = _replicate_ranks(rep_overall, pairs["delimitation_id"].to_numpy(dtype=object))
    low, high, median = _column_quantiles(ranks, [((1 - ci) / 2, "lower"), ((1 + ci) / 2, "higher"), (0.5, "median")])
    n_ranked = (
        overall.groupby("delimitation_id")["n_ranked"].first().reindex(pairs["delimitation_id"]).to_numpy(dtype=float)
    )
    decile = np.maximum(1, np.ceil(0.1 * np.nan_to_num(n_ranked)))
    intervals = pairs.assign(
        rank_low=low,
        rank_high=high,
        rank_median=median,
        top_k=float(top_k),
        p_top_k=(ranks <= top_k).mean(axis=0),
        top_decile=decile,
        p_top_decile=(ranks <= decile[None, :]).mean(axis=0),
    )
    out = overall[keys + ["overall", "rank", "n_ranked"]].merge(intervals, on=keys, how="left")
    for column in ("rank_low", "rank_high"):
        out[column] = out[column].round().astype("Int64").where(out["rank"].notna())
    for column in ("rank_median", "top_k", "p_top_k", "top_decile", "p_top_decile"):
        out[column] = out[column].where(out["rank"].notna())
    for column in ("top_k", "top_decile"):
        out[column] = out[column].astype("Int64")
    out = out.sort_values(["delimitation_id", "rank", "practice_id"], na_position="last", kind="stable")
    columns = [
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
    return out[keys + columns].reset_index(drop=True)
