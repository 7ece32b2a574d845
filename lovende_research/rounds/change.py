"""The change between two rounds of a mapping, per practice × element and overall, with its uncertainty.

Two to five informants per practice and round is the norm, so a practice's own informants say almost
nothing about how far its scores move by chance (the point of issue 16's model intervals). The spread
of informants within practices is therefore estimated once per round from all its practices
(:func:`~lovende_research.scoring.fit_score_model`), and how much an informant who is asked again
answers like themselves is estimated once from every informant who reappears (matched by
``informant_id`` within the practice); a parametric bootstrap from both gives every interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from lovende_research.errors import Text
from lovende_research.instrument import Instrument
from lovende_research.rounds.summaries import cell_table, overall_table
from lovende_research.schemas import MAIN_DELIMITATION
from lovende_research.scoring import ScoreModel, element_scores, fit_score_model, informant_scores, reconcile_coders
from lovende_research.scoring.parameters import ScoringError, _check_share

#: Values per block of draws (as in :mod:`lovende_research.scoring.model`): the temporaries stay small on a large study.
_BLOCK_VALUES = 4_000_000
#: The least :math:`g(\\bar y) = \\bar y(1 - \\bar y)` a cell's spread is scaled by (a cell at 0.05 or
#: 0.95): a cell whose few informants all answered at the top still varies from one sample to the next.
LEVEL_FLOOR = 0.05 * 0.95


@dataclass(frozen=True)
class ChangeModel:
    """Each round's variance components and the covariances of a reappearing informant's answers.

    Attributes
    ----------
    earlier, later : ScoreModel
        :func:`~lovende_research.scoring.fit_score_model` of each round (all its practices).
    person_cov : float
        :math:`\\hat\\kappa_u`, the covariance of one informant's offsets in the two rounds.
    element_cov : float
        :math:`\\hat\\kappa_\\varepsilon`, the covariance of their informant × element terms.
    n_reappearing : int
        Informants scored in both rounds (the pairs the covariances come from).
    element_spread : DataFrame
        Per element: ``element_id``, ``within_1``, ``df_1``, ``within_2``, ``df_2``, each round's
        within-cell variance of informants' scores pooled over its practices (:math:`s^2_{re}`) and its
        degrees of freedom. Elements differ in their number of items, so their spread differs too.
    """

    earlier: ScoreModel
    later: ScoreModel
    person_cov: float
    element_cov: float
    n_reappearing: int
    element_spread: pd.DataFrame

    def correlations(self) -> tuple[float, float]:
        """:math:`(\\rho_u, \\rho_\\varepsilon)`, each covariance over its variances, kept within [-1, 1]."""

        def rho(cov: float, a: float, b: float) -> float:
            scale = np.sqrt(max(a, 0.0) * max(b, 0.0)) if np.isfinite(a) and np.isfinite(b) else 0.0
            return float(np.clip(cov / scale, -1.0, 1.0)) if scale > 0 else 0.0

        return (
            rho(self.person_cov, self.earlier.informant_var, self.later.informant_var),
            rho(self.element_cov, self.earlier.residual_var, self.later.residual_var),
        )

    def table(self) -> pd.DataFrame:
        """``term``, ``earlier``, ``later``, ``covariance``, ``correlation`` for the informant and residual terms."""
        rho_u, rho_e = self.correlations()
        return pd.DataFrame(
            {
                "term": ["informant", "residual"],
                "earlier": [self.earlier.informant_var, self.earlier.residual_var],
                "later": [self.later.informant_var, self.later.residual_var],
                "covariance": [self.person_cov, self.element_cov],
                "correlation": [rho_u, rho_e],
            }
        )


@dataclass(frozen=True)
class RoundChange:
    """What :func:`round_change` found: the cells, the practices' overall index and the model."""

    labels: tuple[str, str]
    elements: pd.DataFrame
    overall: pd.DataFrame
    model: ChangeModel


def round_scores(
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    instrument: Instrument,
    rule: str = "median",
    coverage_threshold: float = 0.5,
) -> pd.DataFrame:
    """One round's element scores per interview (main delimitation), by the scoring stage's chain."""
    items = reconcile_coders(codings, instrument, rule, MAIN_DELIMITATION)
    return element_scores(items, instrument, interviews, coverage_threshold)


def _observations(scores: pd.DataFrame, practices: list[str], elements: list[str], persons: pd.Index) -> pd.DataFrame:
    """Scored informants of the compared practices, coded: ``cell`` (practice × element), ``person``, ``e``."""
    obs = informant_scores(scores).dropna(subset=["score"])
    obs = obs[obs["practice_id"].astype(str).isin(practices)].copy()
    p = pd.Index(practices).get_indexer(obs["practice_id"].astype(str))
    obs["e"] = pd.Index(elements).get_indexer(obs["element_id"])
    obs["cell"] = p * len(elements) + obs["e"]
    obs["person"] = persons.get_indexer(pd.MultiIndex.from_frame(obs[["practice_id", "informant_id"]].astype(str)))
    return obs[["cell", "person", "e", "score"]].reset_index(drop=True)


def _cell_means(obs: pd.DataFrame, n_cells: int) -> tuple[np.ndarray, np.ndarray]:
    n = np.bincount(obs["cell"], minlength=n_cells).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(obs["cell"], weights=obs["score"], minlength=n_cells) / n
    return mean, n


def _reappearing_covariances(obs1: pd.DataFrame, obs2: pd.DataFrame, n_cells: int) -> tuple[float, float, int]:
    """Moment estimates of :math:`\\kappa_u` and :math:`\\kappa_\\varepsilon` (see :func:`round_change`)."""
    parts = []
    for obs in (obs1, obs2):
        mean, n = _cell_means(obs, n_cells)
        parts.append(obs.assign(resid=obs["score"] - mean[obs["cell"]], n=n[obs["cell"]]))
    pairs = parts[0].merge(parts[1], on="person", suffixes=("_1", "_2"))
    if pairs.empty:
        return 0.0, 0.0, 0
    shared = pairs.groupby(["cell_1", "cell_2"])["person"].transform("size").to_numpy(dtype=float)
    factor = 1 - 1 / pairs["n_1"] - 1 / pairs["n_2"] + shared / (pairs["n_1"] * pairs["n_2"])
    product = pairs["resid_1"] * pairs["resid_2"]
    same = (pairs["e_1"] == pairs["e_2"]).to_numpy()

    def ratio(mask: np.ndarray) -> float:
        weight = float(factor[mask].sum())
        return float(product[mask].sum()) / weight if weight > 0 else 0.0

    person_cov = ratio(~same)
    return person_cov, ratio(same) - person_cov, int(pairs["person"].nunique())


def _within_cells(obs: pd.DataFrame, n_cells: int, n_elements: int) -> tuple[np.ndarray, np.ndarray]:
    """Per element: the within-cell variance of informants' scores pooled over practices, and its df."""
    mean, n = _cell_means(obs, n_cells)
    squares = np.bincount(obs["e"], weights=(obs["score"] - mean[obs["cell"]]) ** 2, minlength=n_elements)
    df = np.bincount(np.arange(n_cells) % n_elements, weights=np.maximum(n - 1, 0), minlength=n_elements)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(df > 0, squares / np.maximum(df, 1), np.nan), df


def _variance_draws(
    model: ScoreModel, within: np.ndarray, df: np.ndarray, rng: np.random.Generator, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Draws of the informant variance (n) and of each element's residual variance (n × elements).

    The informant variance as in ``model_draws`` (its mean square and the residual from scaled
    :math:`\\chi^2` laws); each element's within-cell variance :math:`s^{2*}_e = s^2_e\\,df_e/\\chi^2_{df_e}`,
    less the informant variance, is that element's residual variance in the draw.
    """
    residual = model.residual_var * model.residual_df / rng.chisquare(max(model.residual_df, 1), n)
    ms = model.informant_ms * model.informant_df / rng.chisquare(model.informant_df, n)
    informant = np.maximum((ms - residual) * model.informant_df / model.informant_k, 0.0)
    fallback = np.where(
        np.isfinite(within), within, np.nanmean(within) if np.isfinite(within).any() else model.residual_var
    )
    total = fallback[None, :] * np.maximum(df, 1)[None, :] / rng.chisquare(np.maximum(df, 1)[None, :], (n, len(df)))
    return informant, np.maximum(total - informant[:, None], 0.0)


def _level_factors(
    means: tuple[np.ndarray, ...], counts: tuple[np.ndarray, ...], n_elements: int
) -> tuple[np.ndarray, ...]:
    """Per round and cell: :math:`\\sqrt{g_c / \\bar g_{re}}`, the cell's spread relative to its element's pooled one.

    :math:`g_c = \\max\\{\\bar y_c (1 - \\bar y_c), g_{min}\\}` at the cell's level over both rounds;
    :math:`\\bar g_{re}` is its mean over the element's cells weighted by :math:`n_{rc} - 1`, the
    weights the pooled within-cell variance :math:`s^2_{re}` has.
    """
    with np.errstate(invalid="ignore"):
        level = (
            np.nanmean(np.stack(means), axis=0) if np.isfinite(np.stack(means)).any() else np.full(len(means[0]), 0.5)
        )
    g = np.maximum(np.nan_to_num(level * (1 - level), nan=LEVEL_FLOOR), LEVEL_FLOOR)
    element = np.arange(len(g)) % n_elements
    factors = []
    for n in counts:
        weight = np.maximum(n - 1, 0)
        total = np.bincount(element, weights=weight, minlength=n_elements)
        mean_g = np.bincount(element, weights=weight * g, minlength=n_elements) / np.maximum(total, 1)
        mean_g = np.where(total > 0, mean_g, g.mean())
        factors.append(np.sqrt(g / mean_g[element]))
    return tuple(factors)


def _share_matrix(obs: pd.DataFrame, n: np.ndarray, n_cells: int) -> sparse.csr_matrix:
    """Cells × observations: 1/n where the observation is one of the cell's informants."""
    cell = obs["cell"].to_numpy()
    return sparse.csr_matrix((1 / n[cell], (cell, np.arange(len(obs)))), shape=(n_cells, len(obs)))


def round_change(
    earlier: pd.DataFrame,
    later: pd.DataFrame,
    instrument: Instrument,
    practices: list[str] | tuple[str, ...],
    labels: tuple[str, str] = ("1", "2"),
    n_boot: int = 2000,
    seed: int = 0,
    ci: float = 0.95,
    min_element_share: float = 0.5,
) -> RoundChange:
    """Per practice × element and overall: the change from one round to the next, with its interval.

    Parameters
    ----------
    earlier, later : DataFrame
        Each round's element scores per interview (:func:`round_scores`, or
        :func:`~lovende_research.scoring.element_scores` with interviews attached). Every practice
        of a round informs its variance components; only ``practices`` are compared.
    instrument : Instrument
        The instrument both rounds are scored by (its elements give the rows' order).
    practices : sequence of str
        The practices interviewed in both rounds (:attr:`Rounds.matched`).
    labels : tuple of str
        The rounds' names, carried into :class:`RoundChange`.
    n_boot : int
        Parametric bootstrap draws.
    seed : int
        Seed for ``numpy.random.default_rng``; the same seed gives the same intervals.
    ci : float
        Coverage of every interval.
    min_element_share : float
        The share of the instrument's elements, scored in both rounds, an overall index needs.

    Returns
    -------
    RoundChange
        ``elements``: per practice × element, ``practice_id``, ``element_id``, ``score_1``,
        ``score_2`` (the rounds' profile scores), ``n_1``, ``n_2`` (scored informants), ``n_reappearing``
        (of them, in both rounds), ``change`` (``score_2 - score_1``), ``ci_low``, ``ci_high``, ``se``
        (SD of the draws), ``direction`` (``improved`` when the interval lies above 0, ``declined``
        below, else ``unchanged``), ``ci_low_1``, ``ci_high_1``, ``ci_low_2``, ``ci_high_2`` (each
        round's profile interval from the same draws). ``overall``: per practice, ``overall_1``,
        ``overall_2`` (means over the elements scored in both rounds), ``n_elements``, ``change``,
        ``ci_low``, ``ci_high``, ``direction``, ``rank_1``, ``rank_2`` (1 = highest among the compared
        practices), ``places_gained`` (``rank_1 - rank_2``), ``places_low``, ``places_high``.
        NaN where a round has no score.

    Notes
    -----
    For informant :math:`i` of practice :math:`p` in round :math:`r` and element :math:`e`,

    .. math:: y_{rpie} = m_{rpe} + u_{ri} + \\varepsilon_{rie},\\qquad
              \\operatorname{Var}(u_{ri}) = \\sigma^2_{u,r},\\ \\operatorname{Var}(\\varepsilon_{rie}) = \\sigma^2_{\\varepsilon,re},

    with :math:`\\operatorname{Cov}(u_{1i}, u_{2i}) = \\kappa_u` and
    :math:`\\operatorname{Cov}(\\varepsilon_{1ie}, \\varepsilon_{2ie}) = \\kappa_\\varepsilon` for an
    informant asked in both rounds, 0 between different informants. The estimand is
    :math:`\\Delta_{pe} = m_{2pe} - m_{1pe}`, estimated by :math:`\\hat\\Delta_{pe} = \\bar y_{2pe} - \\bar y_{1pe}`,
    whose variance with :math:`n_1, n_2` informants, :math:`s` of them in both, is

    .. math:: \\frac{\\sigma^2_{u,1} + \\sigma^2_{\\varepsilon,1e}}{n_1} + \\frac{\\sigma^2_{u,2} +
              \\sigma^2_{\\varepsilon,2e}}{n_2} - \\frac{2 s (\\kappa_u + \\kappa_\\varepsilon)}{n_1 n_2}.

    :math:`\\sigma^2_{u,r}` is the round's Henderson method-III informant component, pooled over all
    its practices (:func:`~lovende_research.scoring.fit_score_model`); the element's total
    :math:`\\sigma^2_{u,r} + \\sigma^2_{\\varepsilon,re}` is its within-cell variance :math:`s^2_{re}`
    pooled over the round's practices (elements have two to four items, so their spread differs), and
    a cell's share of it follows its level: a score bounded by 0 and 1 varies least near its ends, so
    cell :math:`c` of element :math:`e` gets :math:`s^2_{re}\\, g_c/\\bar g_{re}` with
    :math:`g_c = \\max\\{\\bar y_c(1 - \\bar y_c), 0.0475\\}` at its level over both rounds and
    :math:`\\bar g_{re}` the mean of :math:`g` over the element's cells (weights :math:`n_{rc} - 1`),
    the variance function of a binomial proportion (McCullagh & Nelder 1989, ch. 9, quasi-likelihood). The covariances are moment
    estimates from the reappearing informants' residuals :math:`r_{rie} = y_{rie} - \\bar y_{rpe}`:
    for a pair of cells with :math:`s_{ee'}` informants in both, :math:`E[r_{1ie} r_{2ie'}] =
    \\kappa\\,(1 - 1/n_{1e} - 1/n_{2e'} + s_{ee'}/(n_{1e} n_{2e'}))`, with :math:`\\kappa =
    \\kappa_u + \\kappa_\\varepsilon` for :math:`e = e'` and :math:`\\kappa_u` otherwise; each is
    :math:`\\sum r r / \\sum (1 - \\dots)`. Each draw takes the variances from their scaled
    :math:`\\chi^2` laws (the informant's as :func:`~lovende_research.scoring.model_draws` does,
    :math:`s^{2*}_{re} = s^2_{re}\\,df/\\chi^2_{df}`), a correlated pair
    :math:`(u^*_{1i}, u^*_{2i})` per informant and :math:`(\\varepsilon^*_{1ie}, \\varepsilon^*_{2ie})`
    per informant × element (correlations :math:`\\kappa/\\sigma_1\\sigma_2`), and
    :math:`\\theta^*_{rpe} = \\operatorname{clip}(\\bar y_{rpe} + \\text{mean of the round's draws over
    the cell's informants}, 0, 1)`; the interval of :math:`\\theta^*_{2pe} - \\theta^*_{1pe}` is its
    percentile interval. The overall index and the ranks are computed in every draw, so their
    intervals carry the correlation between a practice's elements. Coder drift between the rounds
    (:func:`~lovende_research.rounds.coder_drift`) is not in the model: it moves every change alike.

    References
    ----------
    Searle, S. R., Casella, G. & McCulloch, C. E. (1992). *Variance Components*, ch. 5. Wiley.
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*, ch. 6.5. Chapman & Hall.
    McCullagh, P. & Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed., ch. 9. Chapman & Hall.
    Goldstein, H. & Spiegelhalter, D. J. (1996). League tables and their limitations. *JRSS A* 159(3), 385–443.

    Examples
    --------
    >>> from lovende_research.instrument import load_instrument
    >>> instrument = load_instrument()
    >>> rng = np.random.default_rng(3)
    >>> def scores(shift):
    ...     rows = [(f"P{p}", f"P{p}-{i}", e.id, 0.5 + shift * (p == 0) + 0.05 * rng.standard_normal())
    ...             for p in range(20) for i in range(3) for e in instrument.elements]
    ...     return pd.DataFrame(rows, columns=["practice_id", "informant_id", "element_id", "score"]).assign(
    ...         interview_id=lambda d: d["informant_id"], informant_role="medarbejder", delimitation_id="main",
    ...         coverage=1.0, sufficient=True)
    >>> found = round_change(scores(0.0), scores(0.3), instrument, [f"P{p}" for p in range(20)], n_boot=500, seed=1)
    >>> found.overall.set_index("practice_id").loc[["P0", "P1"], "direction"].tolist()
    ['improved', 'unchanged']
    """
    _check_share("ci", ci)
    _check_share("min_element_share", min_element_share)
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 10:
        raise ScoringError("n_boot", n_boot, Text("et heltal på mindst 10", "a whole number of at least 10"))
    practices = sorted(str(p) for p in practices)
    elements = [e.id for e in instrument.elements]
    n_cells = len(practices) * len(elements)
    keys = pd.concat([s[["practice_id", "informant_id"]] for s in (earlier, later)]).astype(str).drop_duplicates()
    persons = pd.MultiIndex.from_frame(keys.sort_values(list(keys.columns)))
    obs = [_observations(s, practices, elements, persons) for s in (earlier, later)]
    means, counts = zip(*(_cell_means(o, n_cells) for o in obs), strict=True)
    person_cov, element_cov, n_reappearing = _reappearing_covariances(obs[0], obs[1], n_cells)
    (within_1, df_1), (within_2, df_2) = (_within_cells(o, n_cells, len(elements)) for o in obs)
    spread = pd.DataFrame(
        {
            "element_id": elements,
            "within_1": within_1,
            "df_1": df_1.astype(int),
            "within_2": within_2,
            "df_2": df_2.astype(int),
        }
    )
    model = ChangeModel(
        fit_score_model(earlier), fit_score_model(later), person_cov, element_cov, n_reappearing, spread
    )
    theta = _draws(model, obs, means, counts, n_cells, len(persons), len(elements), n_boot, seed)
    cells = cell_table(practices, elements, obs, means, counts, theta, ci)
    overall = overall_table(practices, len(elements), means, counts, theta, ci, min_element_share)
    return RoundChange(labels=labels, elements=cells, overall=overall, model=model)


def _draws(
    model: ChangeModel,
    obs: list[pd.DataFrame],
    means: tuple[np.ndarray, ...],
    counts: tuple[np.ndarray, ...],
    n_cells: int,
    n_persons: int,
    n_elements: int,
    n_boot: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Draws of each round's true cell scores (draws × cells, NaN where the round has no score)."""
    theta = (np.full((n_boot, n_cells), np.nan), np.full((n_boot, n_cells), np.nan))
    if not all(m.informant_df > 0 and np.isfinite(m.informant_var) for m in (model.earlier, model.later)):
        return theta
    rng = np.random.default_rng(seed)
    rho_u, rho_e = model.correlations()
    spread = model.element_spread
    components = [
        _variance_draws(
            m, spread[f"within_{r + 1}"].to_numpy(dtype=float), spread[f"df_{r + 1}"].to_numpy(dtype=float), rng, n_boot
        )
        for r, m in enumerate((model.earlier, model.later))
    ]
    shares = [_share_matrix(o, c, n_cells) for o, c in zip(obs, counts, strict=True)]
    factors = _level_factors(means, counts, n_elements)
    block = max(1, _BLOCK_VALUES // max(n_persons * n_elements, 1))
    for start in range(0, n_boot, block):
        rows = slice(start, min(start + block, n_boot))
        size = rows.stop - rows.start
        z_u = rng.standard_normal((2, size, n_persons))
        z_e = rng.standard_normal((2, size, n_persons * n_elements))
        paired = (
            (z_u[0], z_e[0]),
            (rho_u * z_u[0] + np.sqrt(1 - rho_u**2) * z_u[1], rho_e * z_e[0] + np.sqrt(1 - rho_e**2) * z_e[1]),
        )
        for r in range(2):
            informant, residual = components[r]
            person, element, cell = obs[r]["person"].to_numpy(), obs[r]["e"].to_numpy(), obs[r]["cell"].to_numpy()
            noise = factors[r][cell] * (
                np.sqrt(informant[rows])[:, None] * paired[r][0][:, person]
                + np.sqrt(residual[rows][:, element]) * paired[r][1][:, person * n_elements + element]
            )
            with np.errstate(invalid="ignore"):
                theta[r][rows] = np.clip(means[r][None, :] + (shares[r] @ noise.T).T, 0.0, 1.0)
    for r in range(2):
        theta[r][:, counts[r] == 0] = np.nan
    return theta
