"""Bootstrap replicates of the practice profiles: informants resampled within practices, kept as one array."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lovende_research.errors import Text
from lovende_research.scoring.elements import informant_scores
from lovende_research.scoring.parameters import AGGREGATIONS, ScoringError, _check_choice
from lovende_research.scoring.profiles import _practice_grid


@dataclass(frozen=True)
class BootstrapDraws:
    """Bootstrap replicates of the practice profiles kept as one numpy array, without text keys.

    The long table of :func:`bootstrap_replicates` repeats three text keys on every replicate × practice
    × element row (132 million rows for 2,000 draws on a national study); here the keys are stored once
    per column. ``scores[r, c]`` is replicate ``r``'s score of the practice × delimitation × element in
    row ``c`` of ``cells``.

    Attributes
    ----------
    cells : DataFrame
        ``practice_id``, ``delimitation_id``, ``element_id``: one row per column of ``scores``;
        practice × delimitation pairs in sorted order, each pair's elements in the order of the
        element-score table.
    scores : ndarray of float, shape (n_boot, len(cells))
        The replicate aggregates, NaN when no resampled informant had a sufficient score.
    """

    cells: pd.DataFrame
    scores: np.ndarray

    @property
    def n_boot(self) -> int:
        """Number of replicates (rows of ``scores``)."""
        return int(self.scores.shape[0])

    def to_long(self) -> pd.DataFrame:
        """The long table of :func:`bootstrap_replicates`, same rows in the same order.

        Rows run practice by practice (in ``cells`` order), within a practice replicate by replicate,
        within a replicate element by element.
        """
        columns = ["replicate", "practice_id", "delimitation_id", "element_id", "score"]
        if self.scores.size == 0:
            return pd.DataFrame(columns=columns)
        group, position, size = _cell_groups(self.cells)
        n_boot = self.n_boot
        # Long-table row of (replicate r, cell c): every row of the practices before c's, then r whole
        # replicates of c's practice, then c's position among the practice's elements.
        before = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
        row = n_boot * before[group][None, :] + np.arange(n_boot)[:, None] * size[group][None, :] + position[None, :]
        order = np.empty(self.scores.size, dtype=np.int64)
        order[row.reshape(-1)] = np.arange(self.scores.size)
        cell_of = order % len(self.cells)
        return pd.DataFrame(
            {
                "replicate": order // len(self.cells),
                "practice_id": self.cells["practice_id"].to_numpy(dtype=object)[cell_of],
                "delimitation_id": self.cells["delimitation_id"].to_numpy(dtype=object)[cell_of],
                "element_id": self.cells["element_id"].to_numpy(dtype=object)[cell_of],
                "score": self.scores.reshape(-1)[order],
            }
        )

    @classmethod
    def from_long(cls, replicates: pd.DataFrame) -> "BootstrapDraws":
        """Draws from a long replicate table (``replicate``, ``practice_id``, ``delimitation_id``,
        ``element_id``, ``score``), cells in order of first appearance, replicates in sorted order;
        a replicate without a row for a cell gives NaN there."""
        keys = ["practice_id", "delimitation_id", "element_id"]
        missing = [c for c in ["replicate", *keys, "score"] if c not in replicates.columns]
        if missing:
            raise ScoringError(
                "replicates",
                sorted(replicates.columns),
                Text(
                    f"en tabel fra bootstrap_replicates (mangler {', '.join(missing)})",
                    f"a table from bootstrap_replicates (lacking {', '.join(missing)})",
                ),
            )
        frame = replicates.dropna(subset=keys)
        cell_code = frame.groupby(keys, sort=False).ngroup().to_numpy()
        cells = frame[keys].drop_duplicates().reset_index(drop=True)
        replicate_code, _ = pd.factorize(frame["replicate"], sort=True)
        scores = np.full((int(replicate_code.max()) + 1 if len(frame) else 0, len(cells)), np.nan)
        scores[replicate_code, cell_code] = frame["score"].to_numpy(dtype=float, na_value=np.nan)
        return cls(cells=cells, scores=scores)


def _cell_groups(cells: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cell: its practice × delimitation group (numbered in order of first appearance) and its
    position among the group's cells; per group: its number of cells."""
    group = (
        cells.groupby(["practice_id", "delimitation_id"], sort=False, dropna=False).ngroup().to_numpy().astype(np.int64)
    )
    position = pd.Series(group).groupby(group, sort=False).cumcount().to_numpy().astype(np.int64)
    size = np.bincount(group, minlength=int(group.max()) + 1 if len(group) else 0)
    return group, position, size


def draw_cells(element_scores: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The columns of a :class:`BootstrapDraws`: practice × delimitation × element cells, and each cell's pair.

    Cells in the order a sorted groupby over practice × delimitation visits them (rows with a missing key
    dropped, as groupby drops them), each pair's elements in their order in the element-score table; the
    pair of a cell is numbered 0, 1, … in that order. Every kind of draw (bootstrap or model) uses it, so
    their arrays line up column for column.
    """
    grid = _practice_grid(element_scores)
    group_of_row = grid.groupby(["practice_id", "delimitation_id"], sort=True).ngroup().to_numpy()
    kept = np.flatnonzero(group_of_row >= 0)
    kept = kept[np.argsort(group_of_row[kept], kind="stable")]
    return grid.iloc[kept].reset_index(drop=True), group_of_row[kept]


def _check_n_boot(n_boot: int) -> None:
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ScoringError("n_boot", n_boot, Text("et positivt heltal, fx 2000", "a positive whole number, e.g. 2000"))


def bootstrap_draws(
    element_scores: pd.DataFrame,
    aggregation: str = "mean",
    n_boot: int = 1000,
    seed: int = 0,
) -> BootstrapDraws:
    """Practice profiles recomputed on informants resampled with replacement within each practice.

    The same replicates as :func:`bootstrap_replicates` (same seed, same draws in the same order), kept
    as an array: the form :func:`bootstrap_profiles`, :func:`bootstrap_overall` and
    :func:`rank_intervals` work on, so a national study's replicates take ``8 × n_boot × cells`` bytes
    instead of a table with text keys on every row.

    Parameters
    ----------
    element_scores : DataFrame
        From :func:`element_scores` with interviews attached.
    aggregation : {'mean', 'median', 'leader'}
        The aggregation rule; resampling is over the informants the rule uses.
    n_boot : int
        Number of bootstrap replicates.
    seed : int
        Seed for ``numpy.random.default_rng``; the same seed gives the same replicates.

    Returns
    -------
    BootstrapDraws
        ``cells`` (``practice_id``, ``delimitation_id``, ``element_id``: one row per practice ×
        delimitation × element, pairs in sorted order) and ``scores`` (``n_boot`` × cells: the
        replicate's aggregate, NaN when no resampled informant had a sufficient score).

    Notes
    -----
    The nonparametric bootstrap (Efron & Tibshirani 1993, ch. 6): for practice :math:`p` with
    :math:`n_p` informants, each replicate draws :math:`n_p` informants with replacement and applies
    the aggregation rule to each element. Informants are the resampled unit because they, not items,
    are the main source of subjectivity. Practices are processed in sorted order, each drawing an
    ``(n_boot, n_p)`` block of informant indices from one generator, so a practice's replicates depend
    only on the seed and the practices before it. An informant's first non-missing score per element
    is used (informant × element is unique after :func:`informant_scores`).

    References
    ----------
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.

    Examples
    --------
    >>> es = pd.DataFrame({"interview_id": ["a", "b"], "practice_id": ["P1"] * 2,
    ...     "informant_id": ["L", "M"], "informant_role": ["leder", "medarbejder"],
    ...     "delimitation_id": ["main"] * 2, "element_id": ["teori"] * 2,
    ...     "coverage": [1.0, 1.0], "score": [1.0, 0.0], "sufficient": [True, True]})
    >>> draws = bootstrap_draws(es, n_boot=200, seed=1)
    >>> draws.scores.shape, sorted(set(np.round(draws.scores[:, 0], 2).tolist()))
    ((200, 1), [0.0, 0.5, 1.0])
    """
    _check_choice("aggregation", aggregation, AGGREGATIONS)
    _check_n_boot(n_boot)
    informants = informant_scores(element_scores, aggregation)
    cells, group = draw_cells(element_scores)
    n_groups = int(group.max()) + 1 if len(group) else 0
    n_elements = np.bincount(group, minlength=n_groups)
    first_cell = (
        np.concatenate([[0], np.cumsum(n_elements)[:-1]]).astype(np.int64) if n_groups else np.zeros(0, dtype=np.int64)
    )
    position = np.arange(len(cells)) - first_cell[group] if len(cells) else np.zeros(0, dtype=np.int64)

    flat, first_value, n_informants = _informant_matrices(informants, cells, group, position, n_elements, first_cell)
    rng = np.random.default_rng(seed)
    scores = np.full((n_boot, len(cells)), np.nan)  # a practice without informants under the rule stays NaN
    for g in range(n_groups):
        n, width, start = int(n_informants[g]), int(n_elements[g]), int(first_cell[g])
        if n == 0:
            continue
        matrix = flat[first_value[g] : first_value[g] + n * width].reshape(n, width)
        sample = matrix[rng.integers(0, n, size=(n_boot, n))]  # (n_boot, n, elements)
        scores[:, start : start + width] = _aggregate(sample, aggregation)
    return BootstrapDraws(cells=cells, scores=scores)


def _informant_matrices(
    informants: pd.DataFrame,
    cells: pd.DataFrame,
    group: np.ndarray,
    position: np.ndarray,
    n_elements: np.ndarray,
    first_cell: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every practice's informants × elements score matrix, built at once and stored end to end.

    Group ``g``'s matrix is ``flat[first_value[g]:first_value[g] + n * width].reshape(n, width)`` with
    ``n = n_informants[g]`` informants (sorted by id, as ``numpy.unique`` sorts them) and one column per
    cell of the group; a cell holds the informant's first non-missing score, NaN if none. A Python loop
    building one matrix per practice was most of the bootstrap's time on a national study.
    """
    n_groups = len(n_elements)
    groups = cells.iloc[first_cell[n_elements > 0]][["practice_id", "delimitation_id"]].assign(
        _g=np.flatnonzero(n_elements > 0)
    )
    rows = informants[["practice_id", "delimitation_id"]].merge(
        groups, on=["practice_id", "delimitation_id"], how="left"
    )
    informant_group = rows["_g"].to_numpy(dtype=float, na_value=np.nan)
    mine = ~np.isnan(informant_group)
    g_of = informant_group[mine].astype(np.int64)
    ids = informants["informant_id"].to_numpy(dtype=object)[mine]
    if len(ids):
        unique_ids, id_code = np.unique(ids, return_inverse=True)
        n_ids = len(unique_ids)
    else:
        id_code, n_ids = np.zeros(0, dtype=np.int64), 1
    # Informants of a group, sorted by id, numbered 0.. within the group.
    pair, local_of_pair = np.unique(g_of * n_ids + id_code.reshape(-1), return_inverse=True)
    pair_group = pair // n_ids
    n_informants = np.bincount(pair_group, minlength=n_groups)
    first_pair = (
        np.concatenate([[0], np.cumsum(n_informants)[:-1]]).astype(np.int64)
        if n_groups
        else np.zeros(0, dtype=np.int64)
    )
    local = np.arange(len(pair)) - first_pair[pair_group]
    informant = local[local_of_pair.reshape(-1)]
    sizes = n_informants * n_elements
    first_value = (
        np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if n_groups else np.zeros(0, dtype=np.int64)
    )
    flat = np.full(int(sizes.sum()), np.nan)

    # The column of each informant row: its element's position among the group's cells (-1 if none).
    element_codes = {
        element: code for code, element in enumerate(pd.unique(cells["element_id"].to_numpy(dtype=object)))
    }
    n_codes = max(len(element_codes), 1)
    cell_key = group * n_codes + np.array(
        [element_codes[e] for e in cells["element_id"].to_numpy(dtype=object)], dtype=np.int64
    )
    order = np.argsort(cell_key, kind="stable")
    informant_element = np.array(
        [element_codes.get(e, -1) for e in informants["element_id"].to_numpy(dtype=object)[mine]], dtype=np.int64
    )
    key = g_of * n_codes + informant_element
    at = np.clip(np.searchsorted(cell_key[order], key), 0, max(len(order) - 1, 0))
    found = (informant_element >= 0) & (cell_key[order][at] == key) if len(order) else np.zeros(len(key), dtype=bool)
    column = np.where(found, position[order][at] if len(order) else 0, -1)

    values = informants["score"].to_numpy(dtype=float, na_value=np.nan)[mine]
    use = (column >= 0) & ~np.isnan(values)
    target = first_value[g_of[use]] + informant[use] * n_elements[g_of[use]] + column[use]
    # The first value of a repeated cell wins, as pivot_table's "first" does.
    _, first = np.unique(target, return_index=True)
    flat[target[first]] = values[use][first]
    return flat, first_value, n_informants


def bootstrap_replicates(
    element_scores: pd.DataFrame,
    aggregation: str = "mean",
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Practice profiles recomputed on informants resampled with replacement within each practice, as a long table.

    :func:`bootstrap_draws` as one row per replicate × practice × element, for callers that want to
    group or plot replicates with pandas. The interval functions do not need it: on a national study
    (2,000 draws × 6,000 practices × 11 elements) the table has 132 million rows.

    Parameters
    ----------
    element_scores : DataFrame
        From :func:`element_scores` with interviews attached.
    aggregation : {'mean', 'median', 'leader'}
        The aggregation rule; resampling is over the informants the rule uses.
    n_boot : int
        Number of bootstrap replicates.
    seed : int
        Seed for ``numpy.random.default_rng``; the same seed gives the same replicates.

    Returns
    -------
    DataFrame
        ``replicate`` (0 … n_boot−1), ``practice_id``, ``delimitation_id``, ``element_id``, ``score``
        (the replicate's aggregate, NaN when no resampled informant had a sufficient score). Rows run
        practice by practice (sorted), then replicate, then element.

    Notes
    -----
    The nonparametric bootstrap (Efron & Tibshirani 1993, ch. 6); see :func:`bootstrap_draws`.

    References
    ----------
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.

    Examples
    --------
    >>> es = pd.DataFrame({"interview_id": ["a", "b"], "practice_id": ["P1"] * 2,
    ...     "informant_id": ["L", "M"], "informant_role": ["leder", "medarbejder"],
    ...     "delimitation_id": ["main"] * 2, "element_id": ["teori"] * 2,
    ...     "coverage": [1.0, 1.0], "score": [1.0, 0.0], "sufficient": [True, True]})
    >>> reps = bootstrap_replicates(es, n_boot=200, seed=1)
    >>> sorted(set(reps["score"].round(2)))
    [0.0, 0.5, 1.0]
    """
    return bootstrap_draws(element_scores, aggregation, n_boot, seed).to_long()


def _aggregate(sample: np.ndarray, aggregation: str) -> np.ndarray:
    """Aggregate over axis 1 ignoring NaN; an all-NaN slice gives NaN without a warning."""
    if aggregation == "median":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slice → NaN is what we want
            return np.nanmedian(sample, axis=1)
    valid = ~np.isnan(sample)
    total = np.where(valid, sample, 0.0).sum(axis=1)
    count = valid.sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)
