"""Do roles rate differently? A mixed model of element scores with each role's offset against the leader."""

from __future__ import annotations

import warnings
from typing import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from lovende_research.bias.common import _check_share, _require
from lovende_research.scoring import LEADER_ROLE

ROLE_COLUMNS: tuple[str, ...] = (
    "role", "reference", "estimate", "se", "ci_low", "ci_high", "p_value", "p_holm", "significant",
    "n_obs", "n_practices", "n_informants", "n_excluded", "practice_var", "informant_var", "residual_var",
    "model", "converged", "reason", "warning",
)

#: Codes :func:`role_effects` writes in ``reason`` when no result can be read; :func:`verdict` translates
#: them (phrase ``role_<code>``), so the table stays language-free and the prose follows ``language``.
ROLE_REASONS: tuple[str, ...] = ("no_reference", "fit_failed")


#: statsmodels' words for a fit that failed in the end; its other ConvergenceWarnings are either a first
#: optimiser that failed before the next one succeeded ("Retrying …") or a variance estimated at 0
#: ("boundary"), which is a result, not a failure.
_FIT_FAILED: tuple[str, ...] = ("Gradient optimization failed", "MixedLM optimization failed", "Hessian matrix",
                                "failed to converge")
#: Optimisers tried in turn until one converges: L-BFGS (fast), then the gradient-free Powell and
#: Nelder–Mead, which cope with a variance component at 0 where the gradient is unreliable.
_FIT_METHODS: tuple[str, ...] = ("lbfgs", "powell", "nm")


def holm_adjusted(p_values: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (Holm 1979), in the order given.

    The i-th smallest of m p-values is multiplied by m − i + 1 (i from 1), the products are made
    non-decreasing in that order and capped at 1; a hypothesis is rejected at level α exactly when its
    adjusted value is below α. Written here rather than taken from ``statsmodels.stats.multitest``, which
    runs a full garbage collection on every Holm call (~0.1 s in a notebook kernel for a handful of
    p-values); the tests compare the two.

    >>> holm_adjusted(np.array([0.01, 0.04, 0.03]))
    array([0.03, 0.06, 0.06])
    """
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p, kind="stable")
    stepped = np.maximum.accumulate(p[order] * (len(p) - np.arange(len(p))))
    adjusted = np.empty(len(p))
    adjusted[order] = np.minimum(stepped, 1.0)
    return adjusted


def role_effects(
    element_scores: pd.DataFrame,
    exclude_informants: Iterable[str] = (),
    reference: str = LEADER_ROLE,
    alpha_level: float = 0.05,
    informant_level: bool = True,
) -> pd.DataFrame:
    """Each informant role's offset against the leader, from a mixed model of element scores.

    Parameters
    ----------
    element_scores : DataFrame
        From :func:`lovende_research.scoring.element_scores` with interviews attached, one delimitation.
        Only sufficient scores (not NaN) enter the model.
    exclude_informants : iterable of str
        Informants set aside before fitting (flagged straight-liners: one constant answer says nothing
        about a role's view of a practice and would pull its role's mean to the scale's end). Their
        number is reported in ``n_excluded``.
    reference : str
        The reference role, ``leder`` by default (the measuring tool's default respondent).
    alpha_level : float
        Level of the intervals and of the Holm-corrected tests.
    informant_level : bool
        Keep the random intercept of the informant within the practice (default). ``False`` fits the
        practice intercept only; it exists to show (and test) what that mistake does, not for use.

    Returns
    -------
    DataFrame
        One row per role other than the reference: ``role``, ``reference``, ``estimate`` (the role's
        offset on the 0–1 element score), ``se``, ``ci_low``, ``ci_high`` (Wald, level ``1 - alpha_level``),
        ``p_value`` (Wald z), ``p_holm`` (Holm-corrected over the roles), ``significant``
        (``p_holm < alpha_level``), ``n_obs``, ``n_practices``, ``n_informants``, ``n_excluded``,
        ``practice_var``, ``informant_var``, ``residual_var`` (the variance components), ``model``
        (``mixed`` or ``practice_only``), ``converged`` (False when the optimiser failed or warned that it
        did not converge), ``reason`` (why there is no readable result, a code of :data:`ROLE_REASONS`:
        ``no_reference`` no informant has the reference role, ``fit_failed`` no optimiser converged; empty
        when the fit can be read; with no role besides the reference there are no rows at all), ``warning`` (every warning
        the fit gave, ``; ``-joined, empty when none; statsmodels' own English words, for the analyst).

    Notes
    -----
    The model (statsmodels :class:`~statsmodels.regression.mixed_linear_model.MixedLM`, REML), for the
    score :math:`y` of informant :math:`j` in practice :math:`p` on element :math:`e`:

    .. math::

        y_{pje} = \\beta_0 + \\beta_{r(j)} + \\gamma_e + a_p + b_{pj} + \\varepsilon_{pje},\\quad
        a_p \\sim N(0, \\sigma_a^2),\\ b_{pj} \\sim N(0, \\sigma_b^2),\\ \\varepsilon \\sim N(0, \\sigma^2)

    with :math:`\\beta_{leder} = 0`; :math:`\\gamma_e` are element fixed effects (elements differ by design,
    so their spread is taken out of the error). Each informant gives eleven scores: without
    :math:`b_{pj}` they would count as eleven independent voices, the role contrast's standard error would
    shrink by about :math:`\\sqrt{11}` where informants differ, and role effects that are not there would
    be flagged. statsmodels needs ``re_formula="1"`` *and* the variance component
    ``{"informant": "0 + C(informant_id)"}`` for this: with ``vc_formula`` alone the practice intercept
    is dropped. A fit on the boundary (a variance estimated at 0) is reported in ``warning`` but still
    counts as converged. The optimisers in :data:`_FIT_METHODS` are tried in turn and the first that
    converges without a failure warning is used (every warning of every attempt is kept in ``warning``);
    when none does, ``converged`` is False, nothing is ``significant``, and the verdict says the model
    cannot be read.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian Journal of
    Statistics*, 6(2), 65–70.
    Snijders, T. A. B., & Bosker, R. J. (2012). *Multilevel Analysis* (2nd ed.), ch. 4–5. Sage.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> rows = [(f"P{p}", f"P{p}-{r[0]}", r, e, 0.5 + (0.2 if r == "leder" else 0.0) + rng.normal(0, 0.05))
    ...         for p in range(8) for r in ("leder", "medarbejder") for e in ("teori", "maal", "oekonomi")]
    >>> es = pd.DataFrame(rows, columns=["practice_id", "informant_id", "informant_role", "element_id", "score"])
    >>> out = role_effects(es).iloc[0]
    >>> out["role"], round(float(out["estimate"]), 1), bool(out["significant"])
    ('medarbejder', -0.2, True)
    """
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    _require(element_scores, ["practice_id", "informant_id", "informant_role", "element_id", "score"], "element_scores")
    _check_share("alpha_level", alpha_level)
    excluded = set(exclude_informants)
    data = element_scores[~element_scores["informant_id"].isin(excluded)].dropna(subset=["score"])
    data = data[["practice_id", "informant_id", "informant_role", "element_id", "score"]].reset_index(drop=True)
    data["score"] = data["score"].astype(float)
    roles = sorted(set(data["informant_role"]) - {reference})
    base = {
        "reference": reference,
        "n_obs": len(data),
        "n_practices": data["practice_id"].nunique(),
        "n_informants": data["informant_id"].nunique(),
        "n_excluded": len(excluded & set(element_scores["informant_id"])),
        "model": "mixed" if informant_level else "practice_only",
    }
    empty = {c: np.nan for c in ("estimate", "se", "ci_low", "ci_high", "p_value", "p_holm", "practice_var", "informant_var", "residual_var")}
    if reference not in set(data["informant_role"]) or not roles:
        # No reference: one row per other role, reason "no_reference". No other role: no rows at all.
        rows = [{"role": r, **base, **empty, "significant": False, "converged": False, "reason": "no_reference", "warning": ""}
                for r in roles]
        return pd.DataFrame(rows, columns=list(ROLE_COLUMNS))
    notes: list[str] = []
    converged = False
    result = None
    model = _role_model(data, reference, informant_level)
    for method in _FIT_METHODS:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                attempt = model.fit(reml=True, method=[method])
            except (np.linalg.LinAlgError, ValueError) as exc:
                attempt = None
                notes.append(f"{method}: {type(exc).__name__}: {exc}")
        texts = [str(w.message) for w in caught]
        notes.extend(t for t in texts if t not in notes)
        failed = any(issubclass(w.category, ConvergenceWarning) and any(m in str(w.message) for m in _FIT_FAILED) for w in caught)
        if attempt is not None and bool(attempt.converged) and not failed:
            result, converged = attempt, True
            break
        if attempt is not None and result is None:
            result = attempt  # kept to show, flagged as not converged
    if result is None:
        rows = [{"role": r, **base, **empty, "significant": False, "converged": False, "reason": "fit_failed",
                 "warning": "; ".join(notes)} for r in roles]
        return pd.DataFrame(rows, columns=list(ROLE_COLUMNS))
    names = [f"C(informant_role, Treatment('{reference}'))[T.{r}]" for r in roles]
    estimate = result.fe_params[names].to_numpy(dtype=float)
    se = result.bse_fe[names].to_numpy(dtype=float)
    z = float(stats.norm.ppf(1 - alpha_level / 2))
    p = 2 * stats.norm.sf(np.abs(estimate / se))
    finite = np.isfinite(p)
    p_holm = np.full(len(p), np.nan)
    if finite.any():
        p_holm[finite] = holm_adjusted(p[finite])
    vcomp = np.asarray(result.vcomp, dtype=float)
    variances = {
        "practice_var": float(np.asarray(result.cov_re)[0, 0]),
        "informant_var": float(vcomp[0]) if informant_level and len(vcomp) else np.nan,
        "residual_var": float(result.scale),
    }
    rows = []
    for k, role in enumerate(roles):
        rows.append(
            {
                "role": role,
                **base,
                "estimate": estimate[k],
                "se": se[k],
                "ci_low": estimate[k] - z * se[k],
                "ci_high": estimate[k] + z * se[k],
                "p_value": p[k],
                "p_holm": p_holm[k],
                "significant": bool(converged and np.isfinite(p_holm[k]) and p_holm[k] < alpha_level),
                **variances,
                "converged": converged,
                "reason": "" if converged else "fit_failed",
                "warning": "; ".join(notes),
            }
        )
    return pd.DataFrame(rows, columns=list(ROLE_COLUMNS))


def _role_design(data: pd.DataFrame, reference: str) -> pd.DataFrame:
    """The fixed effects of ``score ~ C(informant_role, Treatment(reference)) + C(element_id)`` as
    statsmodels' formula route builds them: an intercept, an indicator per role other than ``reference``
    and per element other than the first (levels sorted; no element term for a single element), columns
    named as the formula names them, so the fitted parameters carry the same names."""
    columns = {"Intercept": np.ones(len(data))}
    roles = data["informant_role"].astype(str).to_numpy()
    for level in sorted(set(roles) - {reference}):
        columns[f"C(informant_role, Treatment('{reference}'))[T.{level}]"] = (roles == level).astype(float)
    elements = data["element_id"].astype(str).to_numpy()
    for level in sorted(set(elements))[1:]:
        columns[f"C(element_id)[T.{level}]"] = (elements == level).astype(float)
    return pd.DataFrame(columns, index=data.index)


def _role_model(data: pd.DataFrame, reference: str, informant_level: bool = True) -> object:
    """The role model of :func:`role_effects`, the same as statsmodels' formula route builds it::

        smf.mixedlm("score ~ C(informant_role, Treatment(reference)) + C(element_id)", data,
                    groups="practice_id", re_formula="1", vc_formula={"informant": "0 + C(informant_id)"})

    (without ``vc_formula`` when ``informant_level`` is False), built without a formula engine: the
    engine's import alone took ~0.2 s of the bias notebook, and it evaluated ``vc_formula`` once per
    practice (half of the role model's time in a national study: 6,000 evaluations). The variance
    component's matrices are the indicators of the practice's informants, columns in sorted order, rows in
    the data's order, built in one pass; parameter names are set as ``from_formula`` sets them, so the
    model (and its fit) is the same. ``data`` must have a default index (positions are row labels).
    """
    from statsmodels.regression.mixed_linear_model import MixedLM, VCSpec

    groups = np.asarray(data["practice_id"])
    exog_vc = None
    if informant_level:
        informants = data["informant_id"].to_numpy(dtype=object)
        order = np.argsort(pd.factorize(groups, sort=True)[0], kind="stable")  # rows by sorted practice, in data order within one
        sorted_groups = groups[order]
        starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]]) if len(order) else np.array([], dtype=int)
        mats, colnames = [], []
        for rows in np.split(order, starts[1:]) if len(order) else []:
            levels, codes = np.unique(informants[rows].astype(str), return_inverse=True)
            # Fortran order, as the formula engine returns it: the fit multiplies these, and layout changes rounding
            mats.append(np.asfortranarray((codes[:, None] == np.arange(len(levels))[None, :]).astype(float)))
            colnames.append([f"C(informant_id)[{level}]" for level in levels])
        exog_vc = VCSpec(["informant"], [colnames], [mats])
    model = MixedLM(data["score"], _role_design(data, reference), groups, exog_re=np.ones((len(data), 1)), exog_vc=exog_vc)
    param_names, re_names, re_names_full = model._make_param_names(["practice_id"])
    model.data.param_names, model.data.exog_re_names, model.data.exog_re_names_full = param_names, re_names, re_names_full
    model.data.vcomp_names = model.exog_vc.names
    return model


def role_profiles(element_scores: pd.DataFrame, exclude_informants: Iterable[str] = ()) -> pd.DataFrame:
    """Each informant's mean element score, beside their practice and role: what the role figure draws.

    Returns
    -------
    DataFrame
        ``practice_id``, ``informant_id``, ``informant_role``, ``score`` (mean of the informant's
        sufficient element scores), ``n_elements``, ``excluded`` (in ``exclude_informants``).

    Examples
    --------
    >>> es = pd.DataFrame({"practice_id": ["P1"] * 2, "informant_id": ["a", "a"], "informant_role": "leder",
    ...                    "element_id": ["teori", "maal"], "score": [0.5, 1.0]})
    >>> float(role_profiles(es)["score"].iloc[0])
    0.75
    """
    grouped = element_scores.groupby(["practice_id", "informant_id", "informant_role"], sort=True)["score"]
    out = pd.DataFrame({"score": grouped.mean(), "n_elements": grouped.count()}).reset_index()
    out["excluded"] = out["informant_id"].isin(set(exclude_informants))
    return out
