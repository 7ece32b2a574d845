"""Replicates (replicates × columns arrays) → quantiles, SDs, replicate indices and replicate ranks.

The formulas of pandas' grouped quantile/std/mean, so the numbers are those grouping the long table gave."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lovende_research.scoring.draws import BootstrapDraws, _cell_groups
from lovende_research.scoring.parameters import _check_share


def percentile_intervals(replicates: pd.DataFrame, keys: list[str], value: str, ci: float = 0.95) -> pd.DataFrame:
    """Percentile bootstrap interval of ``value`` per group of ``keys``.

    Parameters
    ----------
    replicates : DataFrame
        One row per replicate × group.
    keys : list of str
        The group columns.
    value : str
        The column to take quantiles of; NaN replicates are ignored.
    ci : float
        Coverage of the interval, e.g. 0.95.

    Returns
    -------
    DataFrame
        ``keys`` + ``ci_low``, ``ci_high`` (the :math:`(1-ci)/2` and :math:`(1+ci)/2` quantiles,
        numpy's linear interpolation), ``boot_se`` (SD of the replicates, ddof=1).

    Notes
    -----
    For a long table of any shape. :func:`bootstrap_profiles`, :func:`bootstrap_overall` and
    :func:`rank_intervals` compute the same quantities from :class:`BootstrapDraws` arrays instead
    (same formulas, same numbers).

    Examples
    --------
    >>> reps = pd.DataFrame({"g": ["x"] * 5, "v": [0.0, 0.25, 0.5, 0.75, 1.0]})
    >>> out = percentile_intervals(reps, ["g"], "v", ci=0.5)
    >>> float(out["ci_low"].iloc[0]), float(out["ci_high"].iloc[0])
    (0.25, 0.75)
    """
    _check_share("ci", ci)
    grouped = replicates.groupby(keys, sort=False)[value]
    return pd.DataFrame(
        {
            "ci_low": grouped.quantile((1 - ci) / 2),
            "ci_high": grouped.quantile((1 + ci) / 2),
            "boot_se": grouped.std(ddof=1),
        }
    ).reset_index()


#: Values per block when summarising replicate columns (about 128 MB of float64): bounds the memory the
#: sort for the quantiles needs whatever the number of practices.
_BLOCK_VALUES = 16_000_000


def _column_quantiles(values: np.ndarray, wanted: list[tuple[float, str]]) -> list[np.ndarray]:
    """Per column of ``values`` (replicates × columns), NaN ignored: each ``(q, method)`` quantile.

    ``method`` is ``linear`` (``lo + (hi − lo) · frac`` at position ``q (n − 1)`` of the sorted
    values), ``lower``, ``higher`` or ``median`` (the middle value, or the mean of the two middle
    values); the formulas of pandas' grouped ``quantile`` and ``median``, so the numbers are the same
    as grouping the long table. NaN for a column without values.
    """
    n, m = values.shape
    outs = [np.full(m, np.nan) for _ in wanted]
    width = max(1, _BLOCK_VALUES // max(n, 1))
    for start in range(0, m, width):
        block = np.sort(values[:, start : start + width].T, axis=1)  # (columns, n), NaN last
        count = (~np.isnan(block)).sum(axis=1)
        rows = np.arange(block.shape[0])
        for out, (q, method) in zip(outs, wanted, strict=True):
            if method == "median":
                upper = block[rows, np.clip(count // 2, 0, n - 1)]
                lower = block[rows, np.clip((count - 1) // 2, 0, n - 1)]
                value = np.where(count % 2 == 1, upper, (lower + upper) / 2)
            else:
                position = q * (count - 1)
                index = position.astype(np.int64)
                frac = position % 1
                low = block[rows, np.clip(index, 0, n - 1)]
                high = block[rows, np.clip(index + 1, 0, n - 1)]
                if method == "lower":
                    value = low
                elif method == "higher":
                    value = np.where(frac == 0, low, high)
                else:
                    with np.errstate(invalid="ignore"):
                        value = np.where(frac == 0, low, low + (high - low) * frac)
            out[start : start + width] = np.where(count > 0, value, np.nan)
    return outs


def _column_sd(values: np.ndarray) -> np.ndarray:
    """Per column of ``values`` (replicates × columns), NaN ignored: the SD with ddof=1 (NaN below two values).

    Welford's running update over the replicates in order, the algorithm of pandas' grouped ``std``,
    so the numbers are the same to the last bit as grouping the long table.
    """
    n, m = values.shape
    out = np.full(m, np.nan)
    width = max(1, _BLOCK_VALUES // max(n, 1))
    for start in range(0, m, width):
        block = values[:, start : start + width]
        mean = np.zeros(block.shape[1])
        m2 = np.zeros(block.shape[1])
        if not np.isnan(block).any():
            nobs = np.full(block.shape[1], float(n))
            for i in range(n):
                delta = block[i] - mean
                mean += delta / (i + 1)
                m2 += (block[i] - mean) * delta
        else:
            nobs = np.zeros(block.shape[1])
            for i in range(n):
                row = block[i]
                valid = ~np.isnan(row)
                nobs += valid
                delta = row - mean
                # Where nobs is 0 the row is NaN, and NaN / 0 raises no flag; only an infinite replicate
                # (inf − inf) would.
                with np.errstate(invalid="ignore"):
                    mean = np.where(valid, mean + delta / nobs, mean)
                    m2 = np.where(valid, m2 + (row - mean) * delta, m2)
        with np.errstate(invalid="ignore"):  # 0 / 0 for a single value (masked)
            out[start : start + width] = np.where(nobs > 1, np.sqrt(m2 / (nobs - 1)), np.nan)
    return out


def _column_intervals(values: np.ndarray, ci: float) -> dict[str, np.ndarray]:
    """``ci_low``, ``ci_high`` and ``boot_se`` per column: :func:`percentile_intervals` on an array."""
    low, high = _column_quantiles(values, [((1 - ci) / 2, "linear"), ((1 + ci) / 2, "linear")])
    return {"ci_low": low, "ci_high": high, "boot_se": _column_sd(values)}


def _replicate_overall(draws: BootstrapDraws, min_element_share: float) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`overall_index` of every replicate: the practice × delimitation pairs and a replicates × pairs array.

    The element mean is a Kahan-compensated sum over the practice's elements in order, the summation
    pandas' grouped ``mean`` uses, so the indices (and the ties between practices that the ranks
    depend on) are the same as :func:`overall_index` of the long table.
    """
    _check_share("min_element_share", min_element_share)
    group, position, size = _cell_groups(draws.cells)
    _, starts = np.unique(group, return_index=True)  # each pair's first cell
    pairs = draws.cells.iloc[starts][["practice_id", "delimitation_id"]].reset_index(drop=True)
    overall = np.full((draws.n_boot, len(size)), np.nan)
    every = np.arange(len(size))
    columns = [np.flatnonzero(position == k) for k in range(int(size.max()) if len(size) else 0)]
    # The k-th element of every pair (the usual case: every practice has every element) is a plain slice
    # of the running sums; otherwise the pairs that have a k-th element are gathered.
    targets: list[slice | np.ndarray] = [
        slice(None) if np.array_equal(group[at], every) else group[at] for at in columns
    ]
    # A block of replicates at a time: the temporaries stay a few MB (whole-array temporaries of
    # replicates × practices were fresh memory on every step and most of the time on a national study).
    rows = max(1, _BLOCK_VALUES // 8 // max(draws.scores.shape[1], 1))
    for start in range(0, draws.n_boot, rows):
        scores = draws.scores[start : start + rows]
        shape = (scores.shape[0], len(size))
        total, compensation, count = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        for at, g in zip(columns, targets, strict=True):
            value = scores[:, at]
            valid = ~np.isnan(value)
            sum_g, compensation_g = total[:, g], compensation[:, g]
            y = np.where(valid, value, 0.0) - compensation_g
            t = sum_g + y
            compensation[:, g] = np.where(valid, (t - sum_g) - y, compensation_g)
            total[:, g] = np.where(valid, t, sum_g)
            count[:, g] += valid
        with np.errstate(invalid="ignore"):  # 0 / 0 for a replicate without a score (masked)
            mean = total / count
        share = count / size[None, :]
        sufficient = (share >= min_element_share) & (count > 0)
        overall[start : start + rows] = np.where(sufficient, mean, np.nan)
    return pairs, overall


def _replicate_ranks(overall: np.ndarray, delimitation: np.ndarray) -> np.ndarray:
    """Rank of every pair in every replicate among the pairs of its delimitation (1 = highest index, ties
    share the lowest rank, NaN for a missing index): ``rank(ascending=False, method="min")`` per replicate."""
    ranks = np.full(overall.shape, np.nan)
    for value in pd.unique(delimitation):
        columns = np.flatnonzero(delimitation == value)
        negated = -overall[:, columns]  # ascending order of the negation = descending index, NaN last
        order = np.argsort(negated, axis=1, kind="stable")
        ordered = np.take_along_axis(negated, order, axis=1)
        place = np.broadcast_to(np.arange(len(columns)), ordered.shape)
        new = np.ones(ordered.shape, dtype=bool)
        new[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
        first = np.maximum.accumulate(np.where(new, place, 0), axis=1) + 1.0
        first[np.isnan(ordered)] = np.nan
        sub = np.empty(ordered.shape)
        np.put_along_axis(sub, order, first, axis=1)
        ranks[:, columns] = sub
    return ranks
