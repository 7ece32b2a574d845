"""Model-based intervals: a variance-components model of informants' element scores, pooled across practices.

With two or three informants a practice's own spread says almost nothing about its uncertainty (the
percentile bootstrap over three informants is their min–max, and it held the true score in about 78 % of
cells on planted-truth studies). Every practice's informants, however, are drawn the same way, so the
spread *within* practices is estimated once from all of them and lent to each: :func:`fit_score_model`
estimates it, :func:`model_draws` draws from it in the form :class:`~lovende_research.scoring.draws.
BootstrapDraws` has, so profiles, the overall index, rank intervals and P(top k) all come from the same
model by the functions that summarise bootstrap draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from lovende_research.errors import Text
from lovende_research.scoring.draws import BootstrapDraws, _check_n_boot, draw_cells
from lovende_research.scoring.elements import informant_scores
from lovende_research.scoring.parameters import ScoringError
from lovende_research.scoring.profiles import practice_profiles
from lovende_research.scoring.summaries import _BLOCK_VALUES

#: Aggregation rules the model's intervals apply to: both are means over informants (all, or leaders).
MODEL_AGGREGATIONS: tuple[str, ...] = ("mean", "leader")

_KEYS = ["practice_id", "delimitation_id", "element_id"]

#: The role effect's name for informants whose role is blank.
MISSING_ROLE = "<NA>"


@dataclass(frozen=True)
class ScoreModel:
    """The fitted variance components of informants' element scores (see :func:`fit_score_model`).

    Attributes
    ----------
    informant_var, residual_var : float
        :math:`\\hat\\sigma^2_u` (an informant's own offset, shared by their elements) and
        :math:`\\hat\\sigma^2_\\varepsilon` (informant × element), on the 0–1 score scale; NaN when the
        study has no practice with two informants on one element.
    informant_df, residual_df : int
        Degrees of freedom of the informant and residual mean squares.
    informant_ms : float
        The informant mean square (after cells and roles), whose sampling distribution the draws use.
    informant_k : float
        :math:`k` in :math:`E[SS_u] = df_u\\,\\sigma^2_\\varepsilon + k\\,\\sigma^2_u`.
    role_effects : dict of str to float
        Each role's offset from the mean informant, on the 0–1 scale (0 for a role the design cannot
        separate from the practices).
    """

    informant_var: float
    residual_var: float
    informant_df: int
    residual_df: int
    informant_ms: float
    informant_k: float
    role_effects: dict[str, float]

    def table(self) -> pd.DataFrame:
        """The model as a long table: ``term``, ``kind`` (``variance`` or ``role``), ``estimate``, ``df``."""
        rows = [
            ("informant", "variance", self.informant_var, self.informant_df),
            ("residual", "variance", self.residual_var, self.residual_df),
        ]
        rows += [(role, "role", effect, pd.NA) for role, effect in sorted(self.role_effects.items())]
        out = pd.DataFrame(rows, columns=["term", "kind", "estimate", "df"])
        out["df"] = out["df"].astype("Int64")
        return out


def _observations(element_scores: pd.DataFrame, aggregation: str = "mean") -> pd.DataFrame:
    """Informants' sufficient element scores with integer codes: cell (in :func:`draw_cells` order), informant, role."""
    cells, _ = draw_cells(element_scores)
    informants = informant_scores(element_scores, aggregation).dropna(subset=["score"])
    coded = cells.reset_index().rename(columns={"index": "cell"})
    obs = informants.merge(coded, on=_KEYS, how="inner")
    obs["informant"] = obs.groupby(["practice_id", "delimitation_id", "informant_id"], sort=True).ngroup()
    # A blank role (allowed in interviews.csv, read as <NA>) is a role level of its own, "<NA>": the
    # informant's spread still counts, and sorting the labels needs text, not a missing value.
    obs["informant_role"] = obs["informant_role"].astype("string").fillna(MISSING_ROLE).astype(str)
    obs["role"] = pd.factorize(obs["informant_role"], sort=True)[0]
    return obs.reset_index(drop=True)


def _group_mean(values: np.ndarray, codes: np.ndarray, size: int) -> np.ndarray:
    """Per row: the mean of ``values`` over the rows sharing its code (columns at once for 2-d values)."""
    counts = np.bincount(codes, minlength=size).astype(float)
    if values.ndim == 1:
        return (np.bincount(codes, weights=values, minlength=size) / np.maximum(counts, 1))[codes]
    sums = np.stack([np.bincount(codes, weights=values[:, j], minlength=size) for j in range(values.shape[1])], axis=1)
    return (sums / np.maximum(counts, 1)[:, None])[codes]


def fit_score_model(element_scores: pd.DataFrame) -> ScoreModel:
    """Variance components of informants' element scores within practices, pooled over practices.

    Parameters
    ----------
    element_scores : DataFrame
        From :func:`~lovende_research.scoring.element_scores` with interviews attached (every
        informant is used, whatever the aggregation rule, so a leaders-only profile borrows the
        spread of all informants).

    Returns
    -------
    ScoreModel
        The components, their degrees of freedom and the role effects.

    Notes
    -----
    For informant :math:`i` of practice :math:`p` with role :math:`r(i)` and element :math:`e`,

    .. math:: y_{pie} = m_{pe} + \\beta_{r(i)} + u_{pi} + \\varepsilon_{pie},\\qquad
              u_{pi} \\sim N(0, \\sigma^2_u),\\ \\varepsilon_{pie} \\sim N(0, \\sigma^2_\\varepsilon),

    with the practice × element cells :math:`m_{pe}` and the roles :math:`\\beta_r` fixed. The cells
    are fixed because the estimand is each practice's own expected score (so nothing is shrunk towards
    other practices); only the spread around them is pooled. The estimates are Henderson's method III
    (fitting constants), exact for unbalanced, incomplete data: :math:`\\hat\\sigma^2_\\varepsilon =
    SS_E / df_E`, the residual of the additive cells + informants fit (computed by alternating
    projections; :math:`df_E = N - C - I + K` with :math:`K` connected informant–cell components),
    and :math:`\\hat\\sigma^2_u = \\max\\{0, (SS_u - df_u\\hat\\sigma^2_\\varepsilon)/k\\}`, where
    :math:`SS_u` is the reduction of the sum of squares by informants after cells and roles,
    :math:`df_u = I - K - \\mathrm{rank}(\\tilde X)` and :math:`k = \\mathrm{tr}(Z^\\top M Z)` for the
    informant incidence :math:`Z` and the projection :math:`M` off cells and roles. The role effects
    are the within-cell least-squares contrasts of the roles.

    References
    ----------
    Henderson, C. R. (1953). Estimation of variance and covariance components. *Biometrics* 9, 226–252.
    Searle, S. R., Casella, G. & McCulloch, C. E. (1992). *Variance Components*, ch. 5. Wiley.

    Examples
    --------
    >>> rng = np.random.default_rng(4)
    >>> rows = [(f"P{p}", f"P{p}-{i}", e, 0.5 + 0.1 * rng.standard_normal()) for p in range(30) for i in range(3) for e in "abcd"]
    >>> es = pd.DataFrame(rows, columns=["practice_id", "informant_id", "element_id", "score"]).assign(
    ...     interview_id=lambda d: d["informant_id"], informant_role="medarbejder", delimitation_id="main",
    ...     coverage=1.0, sufficient=True)
    >>> model = fit_score_model(es)
    >>> round(model.residual_var + model.informant_var, 2), model.residual_df
    (0.01, 180)
    """
    obs = _observations(element_scores)
    return _fit(obs)


def _fit(obs: pd.DataFrame) -> ScoreModel:
    roles = sorted(obs["informant_role"].unique())
    return two_way_components(
        obs["score"].to_numpy(dtype=float),
        pd.factorize(obs["cell"])[0],
        obs["informant"].to_numpy(),
        obs["role"].to_numpy(),
        roles,
    )


def two_way_components(
    y: np.ndarray,
    cell: np.ndarray,
    group: np.ndarray,
    role: np.ndarray | None = None,
    roles: list[str] | tuple[str, ...] = (),
) -> ScoreModel:
    """Method-III components of ``y = cell + role + group + residual`` with fixed cells and roles (see
    :func:`fit_score_model`); ``cell``, ``group`` and ``role`` are integer codes from 0. The random
    factor ``group`` is the informant for :func:`fit_score_model`; the design planner uses the same
    estimator with coders or items (crossed with the cells) and with practices (crossed with elements)."""
    n = len(y)
    if n == 0:
        return ScoreModel(np.nan, np.nan, 0, 0, np.nan, np.nan, {r: 0.0 for r in roles})
    n_cells, n_groups = int(cell.max()) + 1, int(group.max()) + 1
    graph = sparse.coo_matrix((np.ones(n), (cell, n_cells + group)), shape=(n_cells + n_groups,) * 2)
    n_components = connected_components(graph, directed=False)[0]
    residual_df = n - n_cells - n_groups + n_components
    r1 = y - _group_mean(y, cell, n_cells)
    # Roles enter only with both their names and their codes (the planner passes neither).
    role = role if roles else None
    x_tilde = np.zeros((n, 0))
    if role is not None:
        x_role = np.eye(len(roles))[role]
        x_tilde = x_role - _group_mean(x_role, cell, n_cells)
    xtx = x_tilde.T @ x_tilde
    xtx_inv = np.linalg.pinv(xtx, rcond=1e-10, hermitian=True) if role is not None else np.zeros((0, 0))
    beta = xtx_inv @ (x_tilde.T @ r1)
    rank_role = int(np.linalg.matrix_rank(xtx, tol=1e-8)) if role is not None else 0
    r2 = r1 - x_tilde @ beta
    # Alternating projections off the cells and the groups converge to the residual of the additive fit.
    e = r1.copy()
    for _ in range(500):
        shift = _group_mean(e, group, n_groups)
        e -= shift
        e -= _group_mean(e, cell, n_cells)
        if np.max(np.abs(shift)) < 1e-13:
            break
    ss_residual = float(e @ e)
    group_df = n_groups - n_components - rank_role
    ss_group = max(float(r2 @ r2) - ss_residual, 0.0)
    n_cell = np.bincount(cell, minlength=n_cells).astype(float)
    g = (
        np.stack(
            [np.bincount(group, weights=x_tilde[:, j], minlength=n_groups) for j in range(x_tilde.shape[1])], axis=1
        )
        if role is not None
        else np.zeros((n_groups, 0))
    )
    k = float(np.sum(1 - 1 / n_cell[cell]) - np.trace(xtx_inv @ (g.T @ g)))
    group_ms = ss_group / group_df if group_df > 0 else np.nan
    # With one cell per group member (one element per informant) the group's term and the residual are
    # one: all of it goes to the group, which is the within-cell variance an interval needs.
    residual_var = ss_residual / residual_df if residual_df > 0 else (0.0 if group_df > 0 else np.nan)
    group_var = max((ss_group - group_df * residual_var) / k, 0.0) if group_df > 0 and k > 0 else np.nan
    effects = {r: 0.0 for r in roles}
    if role is not None:
        counts = np.bincount(role, minlength=len(roles))
        identified = np.abs(x_tilde).max(axis=0) > 1e-12  # the role varies within some cell
        centred = beta - np.average(beta, weights=counts)
        effects = {r: float(centred[j]) if identified[j] else 0.0 for j, r in enumerate(roles)}
    return ScoreModel(
        float(group_var),
        float(residual_var),
        int(max(group_df, 0)),
        int(max(residual_df, 0)),
        float(group_ms),
        float(k),
        effects,
    )


def model_draws(
    element_scores: pd.DataFrame,
    aggregation: str = "mean",
    n_boot: int = 1000,
    seed: int = 0,
    model: ScoreModel | None = None,
) -> BootstrapDraws:
    """Draws of every practice profile from the fitted :class:`ScoreModel` (a parametric bootstrap).

    Parameters
    ----------
    element_scores : DataFrame
        From :func:`~lovende_research.scoring.element_scores` with interviews attached.
    aggregation : {'mean', 'leader'}
        The aggregation rule whose estimate is drawn (the median has no model interval; use the bootstrap).
    n_boot : int
        Number of draws.
    seed : int
        Seed for ``numpy.random.default_rng``; the same seed gives the same draws.
    model : ScoreModel, optional
        A model already fitted by :func:`fit_score_model`; fitted here when not given.

    Returns
    -------
    BootstrapDraws
        The same cells as :func:`~lovende_research.scoring.bootstrap_draws`; ``scores`` are draws of
        each cell's true score, clipped to the scale (NaN where the rule has no score).

    Notes
    -----
    A cell's estimate :math:`\\hat\\theta_{pe} = \\bar y_{pe}` over its :math:`n_{pe}` scored informants
    (the rule's) differs from the practice's expected score over its own informants' roles and the
    study's coders by :math:`\\bar u_{pe} + \\bar\\varepsilon_{pe}`. Each draw takes
    :math:`\\sigma^{2*}_\\varepsilon = \\hat\\sigma^2_\\varepsilon\\, df_E / \\chi^2_{df_E}` and
    :math:`MS^*_u = MS_u\\, df_u/\\chi^2_{df_u}`, :math:`\\sigma^{2*}_u = \\max\\{0, (MS^*_u -
    \\sigma^{2*}_\\varepsilon)\\, df_u/k\\}` (so the uncertainty of the pooled variance widens the
    interval, as a *t* quantile does), then one :math:`u^*_{pi} \\sim N(0, \\sigma^{2*}_u)` per
    informant, shared by their elements, and

    .. math:: \\theta^*_{pe} = \\hat\\theta_{pe} + \\frac{1}{n_{pe}}\\sum_{i} u^*_{pi}
              + N(0, \\sigma^{2*}_\\varepsilon / n_{pe}).

    The shared :math:`u^*` carries the correlation between a practice's elements into its overall
    index; the percentile interval of the draws is, for one cell, :math:`\\hat\\theta \\pm
    t\\,\\sqrt{(\\hat\\sigma^2_u + \\hat\\sigma^2_\\varepsilon)/n_{pe}}`.

    References
    ----------
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*, ch. 6.5 (parametric
    bootstrap). Chapman & Hall. Searle, Casella & McCulloch (1992), *Variance Components*, ch. 5.

    Examples
    --------
    >>> rng = np.random.default_rng(4)
    >>> rows = [(f"P{p}", f"P{p}-{i}", e, 0.5 + 0.1 * rng.standard_normal()) for p in range(30) for i in range(3) for e in "ab"]
    >>> es = pd.DataFrame(rows, columns=["practice_id", "informant_id", "element_id", "score"]).assign(
    ...     interview_id=lambda d: d["informant_id"], informant_role="medarbejder", delimitation_id="main",
    ...     coverage=1.0, sufficient=True)
    >>> draws = model_draws(es, n_boot=4000, seed=1)
    >>> round(float(np.std(draws.scores[:, 0])), 2)  # about 0.1 / sqrt(3)
    0.06
    """
    check_model_aggregation(aggregation)
    _check_n_boot(n_boot)
    model = fit_score_model(element_scores) if model is None else model
    cells, _ = draw_cells(element_scores)
    estimate = cells.merge(practice_profiles(element_scores, aggregation)[_KEYS + ["score"]], on=_KEYS, how="left")[
        "score"
    ].to_numpy(dtype=float)
    obs = _observations(element_scores, aggregation)
    n_cells, n_informants = len(cells), int(obs["informant"].max()) + 1 if len(obs) else 0
    cell = obs["cell"].to_numpy()
    n_scored = np.bincount(cell, minlength=n_cells).astype(float)
    share = sparse.csr_matrix((1 / n_scored[cell], (cell, obs["informant"].to_numpy())), shape=(n_cells, n_informants))
    rng = np.random.default_rng(seed)
    if not (model.informant_df > 0 and np.isfinite(model.informant_var)):
        return BootstrapDraws(cells=cells, scores=np.full((n_boot, n_cells), np.nan))
    residual = model.residual_var * model.residual_df / rng.chisquare(max(model.residual_df, 1), n_boot)
    ms = model.informant_ms * model.informant_df / rng.chisquare(model.informant_df, n_boot)
    informant = np.maximum((ms - residual) * model.informant_df / model.informant_k, 0.0)
    scores = np.empty((n_boot, n_cells))
    # A block of draws at a time, so the temporaries stay near 128 MB on a national study (the draws
    # themselves are the n_boot x cells array every method returns).
    rows = max(1, _BLOCK_VALUES // max(n_cells + n_informants, 1))
    for start in range(0, n_boot, rows):
        block = slice(start, min(start + rows, n_boot))
        u = rng.standard_normal((block.stop - block.start, n_informants)) * np.sqrt(informant[block])[:, None]
        noise = rng.standard_normal((block.stop - block.start, n_cells)) * np.sqrt(
            residual[block, None] / np.maximum(n_scored, 1)[None, :]
        )
        with np.errstate(invalid="ignore"):
            scores[block] = np.clip(estimate[None, :] + (share @ u.T).T + noise, 0.0, 1.0)
    scores[:, n_scored == 0] = np.nan
    return BootstrapDraws(cells=cells, scores=scores)


def check_model_aggregation(aggregation: str) -> None:
    """A clear error when the model's intervals are asked for with a rule they do not cover."""
    if aggregation not in MODEL_AGGREGATIONS:
        raise ScoringError(
            "aggregation",
            aggregation,
            Text(
                "mean eller leader med interval_method='model' (medianen: interval_method='bootstrap')",
                "mean or leader with interval_method='model' (the median: interval_method='bootstrap')",
            ),
        )
