"""Role-adjusted ("fair") profiles: each practice's scores as if every practice had the same informant roles.

A practice answered by its leader alone and one answered by staff and partners are not on one footing when
leaders rate their own practice higher: the ranking then rewards who was asked. FACETS' *fair average*
(Linacre) answers that for raters crossed with examinees; here the informants are nested in their practice,
so the role offsets of the role model (:func:`lovende_research.bias.roles.fit_role_model`) are taken out of
each informant's score and one declared role mix's offsets put back in.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from lovende_research.bias.common import TOP_N, _check_share
from lovende_research.bias.roles import RoleFit
from lovende_research.scoring import informant_scores, overall_index, practice_profiles
from lovende_research.scoring.parameters import COVERAGE_THRESHOLD, _check_choice

#: The role mixes a fair profile can be put at: every role's share over the whole study, each role of the
#: study equally, or the leader alone (the measuring tool's default respondent).
ROLE_MIXES: tuple[str, ...] = ("study", "equal", "leder")

FAIR_COLUMNS: tuple[str, ...] = (
    "practice_id",
    "element_id",
    "n_scored",
    "observed",
    "fair",
    "se",
    "ci_low",
    "ci_high",
    "adjusted",
)
FAIR_OVERALL_COLUMNS: tuple[str, ...] = (
    "practice_id",
    "observed",
    "fair",
    "se",
    "ci_low",
    "ci_high",
    "rank_observed",
    "rank_fair",
    "top_observed",
    "top_fair",
    "depends_on_roles",
    "adjusted",
)


def declared_mix(element_scores: pd.DataFrame, mix: str, roles: list[str]) -> dict[str, float]:
    """The role shares of ``mix`` (:data:`ROLE_MIXES`) over ``roles`` (the model's roles, reference included).

    Examples
    --------
    >>> es = pd.DataFrame({"informant_id": ["a", "b", "c", "d"], "informant_role": ["leder", "medarbejder", "medarbejder", "leder"]})
    >>> declared_mix(es, "study", ["leder", "medarbejder"]), declared_mix(es, "leder", ["leder", "medarbejder"])
    ({'leder': 0.5, 'medarbejder': 0.5}, {'leder': 1.0, 'medarbejder': 0.0})
    """
    _check_choice("fair_mix", mix, ROLE_MIXES)
    if mix == "leder":
        return {r: float(r == "leder") for r in roles}
    if mix == "equal":
        return {r: 1 / len(roles) for r in roles}
    counts = element_scores.drop_duplicates("informant_id")["informant_role"].value_counts()
    counts = counts.reindex(roles, fill_value=0)
    return {r: float(counts[r] / counts.sum()) for r in roles}


def fair_profiles(
    element_scores: pd.DataFrame,
    fit: RoleFit,
    mix: str = "study",
    confidence: float = 0.95,
    min_element_share: float = COVERAGE_THRESHOLD,
    top_n: int = TOP_N,
    exclude_informants: Iterable[str] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Profiles and the overall index with the role offsets put at one declared mix, with intervals and ranks.

    Parameters
    ----------
    element_scores : DataFrame
        From :func:`lovende_research.scoring.element_scores` with interviews attached, one delimitation.
    fit : RoleFit
        The role model (:func:`lovende_research.bias.roles.fit_role_model`).
    mix : {'study', 'equal', 'leder'}
        The declared role mix (:data:`ROLE_MIXES`).
    confidence : float
        Coverage of the intervals.
    min_element_share : float
        Share of elements a practice needs for its overall index (as in the scoring stage).
    top_n : int
        The top of the ranking: a practice in it on one ranking and not on the other depends on who was asked.
    exclude_informants : iterable of str
        Informants left out of the fair scores, as out of the role model (set-aside straight-liners: their
        one constant answer says nothing of the practice's elements). ``observed`` leaves them out too, so
        that fair − observed is the role adjustment alone.

    Returns
    -------
    (DataFrame, DataFrame)
        Cells: ``practice_id``, ``element_id``, ``n_scored`` (informants with a score), ``observed`` (the
        mean-aggregated profile score), ``fair``, ``se``, ``ci_low``, ``ci_high``, ``adjusted`` (False when
        the role model cannot be read: ``fair`` is then the observed score, without interval).
        Overall: ``practice_id``, ``observed`` and ``fair`` (overall indices), ``se``, ``ci_low``,
        ``ci_high``, ``rank_observed``, ``rank_fair`` (1 = highest), ``top_observed``, ``top_fair`` (in the
        top ``top_n``), ``depends_on_roles`` (in the top on one ranking only), ``adjusted``.

    Notes
    -----
    With :math:`\\hat\\beta_r` the fitted role offsets (:math:`\\hat\\beta_{leder} = 0`), :math:`w_r` the
    declared mix and :math:`n_{pr}` of the :math:`n_p` informants with a score on element :math:`e` having
    role :math:`r`:

    .. math::

        \\mathrm{fair}_{pe} = \\frac1{n_p}\\sum_j (y_{pje} - \\hat\\beta_{r(j)}) + \\sum_r w_r \\hat\\beta_r
        = \\bar y_{pe} + d^\\top\\hat\\beta,\\qquad d_r = w_r - n_{pr}/n_p,

    .. math::

        \\mathrm{Var}(\\mathrm{fair}_{pe}) = \\frac{\\hat\\sigma_b^2 + \\hat\\sigma^2}{n_p} + d^\\top \\hat\\Sigma_\\beta d,

    the informant-within-practice and residual variances pooled over all practices (so two informants give
    an interval too) and :math:`\\hat\\Sigma_\\beta` the covariance of the offsets; the interval is normal.
    The practice's own terms :math:`a_p + c_{pe}` are what is estimated, not noise. The overall index is the
    mean over the elements with a fair score; its variance is
    :math:`\\hat\\sigma_b^2/\\bar n + \\hat\\sigma^2/(\\bar n E) + \\bar d^\\top\\hat\\Sigma_\\beta\\bar d` (an
    informant's offset is shared by all of their elements), :math:`E` elements, :math:`\\bar n` and
    :math:`\\bar d` averaged over them.

    References
    ----------
    Linacre, J. M. (2023). *A User's Guide to FACETS*, "Fair average". Winsteps.com.
    Searle, S. R., Casella, G., & McCulloch, C. E. (1992). *Variance Components*, ch. 7 (prediction). Wiley.

    Examples
    --------
    >>> from lovende_research.bias.roles import fit_role_model
    >>> rng = np.random.default_rng(2)
    >>> rows = [(f"P{p}", f"P{p}-{k}", r, e, 0.4 + 0.04 * p + (0.2 if r == "leder" else 0.0) + rng.normal(0, 0.05))
    ...         for p in range(12) for k, r in enumerate(["leder", "medarbejder"] if p < 6 else ["medarbejder"] * 2)
    ...         for e in ("teori", "maal", "oekonomi")]
    >>> es = pd.DataFrame(rows, columns=["practice_id", "informant_id", "informant_role", "element_id", "score"])
    >>> es["delimitation_id"], es["coverage"] = "main", 1.0
    >>> cells, overall = fair_profiles(es, fit_role_model(es), mix="leder")
    >>> p11 = overall.set_index("practice_id").loc["P11"]  # answered by staff only: lifted by the leaders' offset
    >>> round(float(p11["fair"] - p11["observed"]), 1), bool(p11["ci_low"] < p11["fair"] < p11["ci_high"])
    (0.2, True)
    """
    _check_share("confidence", confidence)
    _check_choice("fair_mix", mix, ROLE_MIXES)  # here too: with an unreadable fit the mix is never used
    roles = [fit.reference, *fit.roles]
    readable = fit.converged and len(fit.roles) > 0
    informants = informant_scores(element_scores, "mean").dropna(subset=["score"])
    informants = informants[~informants["informant_id"].isin(set(exclude_informants))]
    weights = declared_mix(element_scores, mix, roles) if readable else {}
    offsets = {r: fit.offset(r) for r in roles} if readable else {}
    # an informant whose role the model has no offset for (all of its role set aside) cannot be adjusted
    informants = informants.assign(offset=informants["informant_role"].map(offsets) if readable else 0.0).dropna(
        subset=["offset"]
    )
    keys = ["practice_id", "element_id"]
    grouped = informants.groupby(keys, sort=True)
    cells = pd.DataFrame(
        {"n_scored": grouped.size(), "mean": grouped["score"].mean(), "mean_offset": grouped["offset"].mean()}
    )
    d_columns = [f"_d_{r}" for r in fit.roles]
    shares = informants.groupby(keys, sort=True)["informant_role"].value_counts(normalize=True).unstack(fill_value=0.0)
    cells[d_columns] = np.array([weights.get(r, 0.0) for r in fit.roles])[None, :] - shares.reindex(
        index=cells.index, columns=fit.roles, fill_value=0.0
    ).to_numpy(dtype=float)
    cells = cells.reset_index()
    within = fit.variances.get("informant", np.nan)
    within = within if np.isfinite(within) else 0.0  # a model without the informant term: all of it is residual
    residual = fit.variances.get("residual", np.nan)
    d = cells[d_columns].to_numpy(dtype=float)
    if readable:
        cells["fair"] = cells["mean"] - cells["mean_offset"] + sum(weights[r] * offsets[r] for r in roles)
        cells["se"] = np.sqrt((within + residual) / cells["n_scored"] + np.einsum("ij,jk,ik->i", d, fit.cov, d))
    else:
        cells["fair"], cells["se"] = cells["mean"], np.nan
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    cells["ci_low"], cells["ci_high"] = cells["fair"] - z * cells["se"], cells["fair"] + z * cells["se"]
    cells["adjusted"] = readable
    kept = element_scores[~element_scores["informant_id"].isin(set(exclude_informants))]
    observed = practice_profiles(kept, "mean")[keys + ["score"]].rename(columns={"score": "observed"})
    cells = observed.merge(cells, on=keys, how="left")
    cells["n_scored"] = cells["n_scored"].fillna(0).astype(int)
    cells["adjusted"] = cells["adjusted"].fillna(readable).astype(bool)
    overall = _fair_overall(cells, d_columns, fit, within, residual, readable, z, min_element_share, top_n)
    return cells[list(FAIR_COLUMNS)], overall


def _fair_overall(
    cells: pd.DataFrame,
    d_columns: list[str],
    fit: RoleFit,
    within: float,
    residual: float,
    readable: bool,
    z: float,
    min_element_share: float,
    top_n: int,
) -> pd.DataFrame:
    """The overall index on the fair cells, its variance (docstring of :func:`fair_profiles`) and both rankings."""

    def index(column: str) -> pd.Series:
        frame = cells.assign(delimitation_id="main", score=cells[column])
        return overall_index(frame, min_element_share).set_index("practice_id")["overall"]

    out = pd.DataFrame({"observed": index("observed"), "fair": index("fair")})
    scored = cells.dropna(subset=["fair"]).groupby("practice_id", sort=True)
    if readable and len(out):
        n_bar, n_elements = scored["n_scored"].mean(), scored.size()
        d_bar = scored[d_columns].mean().to_numpy(dtype=float)
        role_term = pd.Series(np.einsum("ij,jk,ik->i", d_bar, fit.cov, d_bar), index=n_bar.index)
        out["se"] = np.sqrt(within / n_bar + residual / (n_bar * n_elements) + role_term).reindex(out.index)
    else:
        out["se"] = np.nan
    out = out.reset_index()
    out["ci_low"], out["ci_high"] = out["fair"] - z * out["se"], out["fair"] + z * out["se"]
    out["rank_observed"] = out["observed"].rank(ascending=False, method="min")
    out["rank_fair"] = out["fair"].rank(ascending=False, method="min")
    out["top_observed"] = out["rank_observed"] <= top_n
    out["top_fair"] = out["rank_fair"] <= top_n
    out["depends_on_roles"] = out["top_observed"] != out["top_fair"]
    out["adjusted"] = readable
    return out[list(FAIR_OVERALL_COLUMNS)]
