"""The draws of :func:`~lovende_research.rounds.round_change` summarised: the cells' and the practices' tables."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from scipy.stats import rankdata

#: How a change is read: beyond its interval upwards, downwards, or within it.
DIRECTIONS: tuple[str, ...] = ("improved", "declined", "unchanged")


def _quantiles(
    draws: np.ndarray, qs: list[float], method: Literal["linear", "lower", "higher"] = "linear"
) -> np.ndarray:
    """Column quantiles of the draws (len(qs) × columns); NaN for a column without a score (all NaN)."""
    out = np.full((len(qs), draws.shape[1]), np.nan)
    finite = np.isfinite(draws).all(axis=0)
    if finite.any():
        out[:, finite] = np.quantile(draws[:, finite], qs, axis=0, method=method)
    return out


def _percentiles(draws: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    low, high = _quantiles(draws, [(1 - ci) / 2, (1 + ci) / 2])
    return low, high


def _direction(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return np.where(low > 0, "improved", np.where(high < 0, "declined", "unchanged"))


def cell_table(
    practices: list[str],
    elements: list[str],
    obs: list[pd.DataFrame],
    means: tuple[np.ndarray, ...],
    counts: tuple[np.ndarray, ...],
    theta: tuple[np.ndarray, np.ndarray],
    ci: float,
) -> pd.DataFrame:
    """Per practice × element: both rounds' scores, the change, its percentile interval and direction, each round's interval."""
    n_cells = len(practices) * len(elements)
    both = pd.Series(
        obs[0].drop_duplicates(["cell", "person"]).merge(obs[1], on=["cell", "person"])["cell"]
    ).value_counts()
    change = theta[1] - theta[0]
    low, high = _percentiles(change, ci)
    se = np.where(np.isfinite(change).all(axis=0), np.std(np.nan_to_num(change), axis=0), np.nan)
    out = pd.DataFrame(
        {
            "practice_id": np.repeat(practices, len(elements)),
            "element_id": np.tile(elements, len(practices)),
            "score_1": means[0],
            "score_2": means[1],
            "n_1": counts[0].astype(int),
            "n_2": counts[1].astype(int),
            "n_reappearing": both.reindex(range(n_cells), fill_value=0).to_numpy(dtype=int),
            "change": means[1] - means[0],
            "ci_low": low,
            "ci_high": high,
            "se": se,
        }
    )
    out["direction"] = pd.Series(_direction(out["ci_low"].to_numpy(), out["ci_high"].to_numpy()), dtype=object).where(
        out["ci_low"].notna(), None
    )
    for r in range(2):
        out[f"ci_low_{r + 1}"], out[f"ci_high_{r + 1}"] = _percentiles(theta[r], ci)
    return out


def overall_table(
    practices: list[str],
    n_elements: int,
    means: tuple[np.ndarray, ...],
    counts: tuple[np.ndarray, ...],
    theta: tuple[np.ndarray, np.ndarray],
    ci: float,
    min_element_share: float,
) -> pd.DataFrame:
    """Each practice's overall index over the elements scored in both rounds, its change and rank change."""
    common = ((counts[0] > 0) & (counts[1] > 0)).reshape(len(practices), n_elements)
    n_common = common.sum(axis=1)
    ok = (n_common > 0) & (n_common / n_elements >= min_element_share)

    def index(values: np.ndarray) -> np.ndarray:
        grid = values.reshape(*values.shape[:-1], len(practices), n_elements)
        with np.errstate(invalid="ignore"):
            out = np.where(common, grid, 0.0).sum(axis=-1) / np.maximum(n_common, 1)
        return np.where(ok, out, np.nan)

    estimate = [index(m) for m in means]
    draws = [index(t) for t in theta]
    low, high = _percentiles(draws[1] - draws[0], ci)
    out = pd.DataFrame(
        {
            "practice_id": practices,
            "overall_1": estimate[0],
            "overall_2": estimate[1],
            "n_elements": n_common,
            "change": estimate[1] - estimate[0],
            "ci_low": low,
            "ci_high": high,
        }
    )
    out["direction"] = pd.Series(_direction(low, high), dtype=object).where(out["ci_low"].notna(), None)
    ranked = np.flatnonzero(ok)
    ranks = [np.full(len(practices), np.nan) for _ in range(2)]
    places = np.full((len(draws[0]), len(practices)), np.nan)
    if len(ranked):
        for r in range(2):
            ranks[r][ranked] = rankdata(-estimate[r][ranked], method="min")
        if np.isfinite(draws[0][:, ranked]).all() and np.isfinite(draws[1][:, ranked]).all():
            places[:, ranked] = rankdata(-draws[0][:, ranked], method="min", axis=1) - rankdata(
                -draws[1][:, ranked], method="min", axis=1
            )
    out["rank_1"], out["rank_2"] = pd.array(ranks[0], dtype="Int64"), pd.array(ranks[1], dtype="Int64")
    out["places_gained"] = out["rank_1"] - out["rank_2"]
    low_rank = _quantiles(places, [(1 - ci) / 2], "lower")[0]
    high_rank = _quantiles(places, [(1 + ci) / 2], "higher")[0]
    out["places_low"], out["places_high"] = pd.array(low_rank, dtype="Int64"), pd.array(high_rank, dtype="Int64")
    return out
