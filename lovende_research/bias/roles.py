"""Do roles rate differently? A mixed model of element scores with each role's offset against the leader.

:func:`fit_role_model` fits the model once; :func:`role_effects` reads the role contrasts from it and
:func:`lovende_research.bias.fair.fair_profiles` the role-adjusted profiles, so both rest on one fit.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

import numpy as np
import pandas as pd
from scipy import stats

from lovende_research.bias.common import _check_share, _require
from lovende_research.scoring import LEADER_ROLE

if TYPE_CHECKING:  # statsmodels is imported where a model is fitted, not when the package loads
    from statsmodels.regression.mixed_linear_model import MixedLM, MixedLMResults

ROLE_COLUMNS: tuple[str, ...] = (
    "role",
    "reference",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "p_value",
    "p_holm",
    "significant",
    "n_obs",
    "n_practices",
    "n_informants",
    "n_excluded",
    "practice_var",
    "practice_element_var",
    "informant_var",
    "residual_var",
    "boundary",
    "model",
    "optimizer",
    "converged",
    "reason",
    "warning",
)

#: Codes :func:`role_effects` writes in ``reason`` when no result can be read; :func:`verdict` translates
#: them (phrase ``role_<code>``), so the table stays language-free and the prose follows ``language``.
ROLE_REASONS: tuple[str, ...] = ("no_reference", "fit_failed")

#: The variance components of the model besides the residual, in the order the table lists them.
VARIANCE_COMPONENTS: tuple[str, ...] = ("practice", "practice_element", "informant")

#: Optimisers tried in turn until one's result is accepted (the rule in :func:`fit_role_model`): L-BFGS
#: (fast), then the gradient-free Powell and Nelder–Mead.
_FIT_METHODS: tuple[str, ...] = ("lbfgs", "powell", "nm")

#: A variance component at most this share of the total variance counts as estimated at 0 (a boundary fit).
BOUNDARY_SHARE = 1e-6


@dataclass
class RoleFit:
    """One fit of the role model: what :func:`role_effects` and the fair profiles read.

    ``estimate`` and ``cov`` are the role contrasts against ``reference`` (in the order of ``roles``) and
    their covariance; ``variances`` the components of :data:`VARIANCE_COMPONENTS` and ``residual``;
    ``boundary`` the components estimated at 0. With a ``reason`` (``converged`` False) nothing may be
    read from the numbers.
    """

    reference: str
    roles: list[str]
    estimate: np.ndarray
    cov: np.ndarray
    variances: dict[str, float]
    boundary: list[str]
    reason: str
    optimizer: str
    notes: list[str]
    counts: dict[str, object] = field(default_factory=dict)
    model: str = "mixed"

    @property
    def converged(self) -> bool:
        """The fit met :func:`fit_role_model`'s rule: there is no reason not to read it."""
        return not self.reason

    def offset(self, role: str) -> float:
        """The fitted offset of ``role`` against the reference (0 for the reference, NaN for an unknown role)."""
        if role == self.reference:
            return 0.0
        return float(self.estimate[self.roles.index(role)]) if role in self.roles else float("nan")


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


def _model_data(element_scores: pd.DataFrame, exclude_informants: Iterable[str]) -> tuple[pd.DataFrame, int]:
    _require(element_scores, ["practice_id", "informant_id", "informant_role", "element_id", "score"], "element_scores")
    excluded = set(exclude_informants)
    data = element_scores[~element_scores["informant_id"].isin(excluded)].dropna(subset=["score"])
    data = data[["practice_id", "informant_id", "informant_role", "element_id", "score"]].reset_index(drop=True)
    data["score"] = data["score"].astype(float)
    return data, len(excluded & set(element_scores["informant_id"]))


def fit_role_model(
    element_scores: pd.DataFrame,
    exclude_informants: Iterable[str] = (),
    reference: str = LEADER_ROLE,
    informant_level: bool = True,
    practice_element: bool = True,
) -> RoleFit:
    """Fit the role model of :func:`role_effects` (whose docstring states it) and decide whether it can be read.

    The rule for a readable fit, tried for each optimiser of :data:`_FIT_METHODS` in turn: the optimiser
    reports convergence, and every role contrast and its standard error are finite with SE > 0. The first
    fit that meets it is used. A warning does not decide it: statsmodels warns whenever a variance is
    estimated at 0 ("on the boundary", "Hessian not positive definite"), and that is a result about the
    informants, not a failure (every optimiser reaches the same estimate then). Such components are listed
    in ``boundary``; statsmodels' own words stay in ``notes``.
    """
    data, n_excluded = _model_data(element_scores, exclude_informants)
    roles = sorted(set(data["informant_role"]) - {reference})
    counts = {
        "n_obs": len(data),
        "n_practices": data["practice_id"].nunique(),
        "n_informants": data["informant_id"].nunique(),
        "n_excluded": n_excluded,
    }
    label = "mixed" if informant_level else "practice_only"
    nothing = RoleFit(
        reference,
        roles,
        np.full(len(roles), np.nan),
        np.full((len(roles),) * 2, np.nan),
        {c: np.nan for c in (*VARIANCE_COMPONENTS, "residual")},
        [],
        "fit_failed",
        "",
        [],
        counts,
        label,
    )
    if reference not in set(data["informant_role"]) or not roles:
        nothing.reason = "no_reference"
        return nothing
    model = _role_model(data, reference, informant_level, practice_element)
    names = [f"C(informant_role, Treatment('{reference}'))[T.{r}]" for r in roles]
    notes: list[str] = []
    for method in _FIT_METHODS:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = model.fit(reml=True, method=[method])
            except (np.linalg.LinAlgError, ValueError) as exc:
                result = None
                notes.append(f"{method}: {type(exc).__name__}: {exc}")
        notes.extend(t for t in (f"{method}: {w.message}" for w in caught) if t not in notes)
        if result is None or not bool(result.converged):
            continue
        estimate = result.fe_params[names].to_numpy(dtype=float)
        cov = np.asarray(result.cov_params().loc[names, names], dtype=float)
        se = np.sqrt(np.diag(cov)) if np.all(np.diag(cov) >= 0) else np.full(len(names), np.nan)
        if not (np.isfinite(estimate).all() and np.isfinite(se).all() and (se > 0).all()):
            notes.append(f"{method}: role contrasts or their standard errors not finite")
            continue
        variances = _variances(result, informant_level, practice_element)
        total = sum(v for v in variances.values() if np.isfinite(v))
        boundary = [
            c for c in VARIANCE_COMPONENTS if np.isfinite(variances[c]) and variances[c] <= BOUNDARY_SHARE * total
        ]
        return RoleFit(reference, roles, estimate, cov, variances, boundary, "", method, notes, counts, label)
    nothing.reason, nothing.notes = "fit_failed", notes
    return nothing


def _variances(result: MixedLMResults, informant_level: bool, practice_element: bool) -> dict[str, float]:
    """The fitted components by name (NaN for a component the model does not have)."""
    vcomp = dict(zip(result.model.exog_vc.names, np.asarray(result.vcomp, dtype=float), strict=True))
    return {
        "practice": float(np.asarray(result.cov_re)[0, 0]),
        "practice_element": float(vcomp["practice_element"]) if practice_element else np.nan,
        "informant": float(vcomp["informant"]) if informant_level else np.nan,
        "residual": float(result.scale),
    }


def role_effects(
    element_scores: pd.DataFrame,
    exclude_informants: Iterable[str] = (),
    reference: str = LEADER_ROLE,
    alpha_level: float = 0.05,
    informant_level: bool = True,
    practice_element: bool = True,
    fit: RoleFit | None = None,
) -> pd.DataFrame:
    """Each informant role's offset against the leader, from a mixed model of element scores.

    Parameters
    ----------
    element_scores : DataFrame
        From :func:`lovende_research.scoring.element_scores` with interviews attached, one delimitation.
        Only sufficient scores (not NaN) enter the model.
    exclude_informants : iterable of str
        Informants set aside before fitting (see ``set_aside_styles`` of
        :func:`lovende_research.bias.run_bias_checks`). Their number is reported in ``n_excluded``.
    reference : str
        The reference role, ``leder`` by default (the measuring tool's default respondent).
    alpha_level : float
        Level of the intervals and of the Holm-corrected tests.
    informant_level, practice_element : bool
        Keep the informant-within-practice and the practice × element terms (default). ``False`` drops
        one; that exists to show (and test) what the mistake does, not for use.
    fit : RoleFit, optional
        A fit from :func:`fit_role_model` on the same arguments, so one fit serves several tables.

    Returns
    -------
    DataFrame
        One row per role other than the reference: ``role``, ``reference``, ``estimate`` (the role's
        offset on the 0–1 element score), ``se``, ``ci_low``, ``ci_high`` (Wald, level ``1 - alpha_level``,
        on the 0–1 scale), ``p_value`` (two-sided Wald z), ``p_holm`` (Holm-corrected over the roles),
        ``significant`` (``p_holm < alpha_level``), ``n_obs``, ``n_practices``, ``n_informants``,
        ``n_excluded``, ``practice_var``, ``practice_element_var``, ``informant_var``, ``residual_var``
        (the variance components), ``boundary`` (components estimated at 0, ``,``-joined; a result, not a
        failure), ``model`` (``mixed`` or ``practice_only``), ``optimizer`` (the one whose fit was used),
        ``converged`` (the rule of :func:`fit_role_model` met), ``reason`` (why there is no readable
        result, a code of :data:`ROLE_REASONS`: ``no_reference`` no informant has the reference role,
        ``fit_failed`` no optimiser's fit met the rule; empty when the fit can be read; with no role
        besides the reference there are no rows at all), ``warning`` (every warning the fits gave,
        ``; ``-joined, statsmodels' own English words, for the analyst).

    Notes
    -----
    The model (statsmodels :class:`~statsmodels.regression.mixed_linear_model.MixedLM`, REML), for the
    score :math:`y` of informant :math:`j` in practice :math:`p` on element :math:`e`:

    .. math::

        y_{pje} = \\beta_0 + \\beta_{r(j)} + \\gamma_e + a_p + c_{pe} + b_{pj} + \\varepsilon_{pje},

        a_p \\sim N(0, \\sigma_a^2),\\ c_{pe} \\sim N(0, \\sigma_c^2),\\ b_{pj} \\sim N(0, \\sigma_b^2),\\
        \\varepsilon \\sim N(0, \\sigma^2)

    with :math:`\\beta_{leder} = 0`; :math:`\\gamma_e` are element fixed effects (elements differ by design).
    :math:`c_{pe}`, the practice × element interaction, is each practice's own profile: informants of one
    practice share it, so without it their agreement on the profile would sit in the residual and inflate
    the role contrast's standard error (in planted data 0.026 against 0.015, and smaller effects missed).
    :math:`b_{pj}`, the informant within the practice, keeps an informant's eleven scores from counting as
    eleven independent voices: without it the standard error shrinks by about :math:`\\sqrt{11}` where
    informants differ, and role effects that are not there are flagged. Both are variance components
    within the practice (statsmodels ``vc_formula={"informant": "0 + C(informant_id)",
    "practice_element": "0 + C(element_id)"}`` beside ``re_formula="1"``). A component estimated at 0 is
    reported in ``boundary``; the fit still counts (:func:`fit_role_model` states the rule).

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
    >>> out["role"], round(float(out["estimate"]), 1), bool(out["significant"]), bool(out["converged"])
    ('medarbejder', -0.2, True, True)
    """
    _check_share("alpha_level", alpha_level)
    if fit is None:
        fit = fit_role_model(element_scores, exclude_informants, reference, informant_level, practice_element)
    se = np.sqrt(np.diag(fit.cov)) if len(fit.roles) else np.array([])
    z = float(stats.norm.ppf(1 - alpha_level / 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = 2 * stats.norm.sf(np.abs(fit.estimate / se))
    finite = np.isfinite(p)
    p_holm = np.full(len(p), np.nan)
    if finite.any():
        p_holm[finite] = holm_adjusted(p[finite])
    rows = []
    for k, role in enumerate(fit.roles):
        rows.append(
            {
                "role": role,
                "reference": fit.reference,
                "estimate": fit.estimate[k],
                "se": se[k],
                "ci_low": fit.estimate[k] - z * se[k],
                "ci_high": fit.estimate[k] + z * se[k],
                "p_value": p[k],
                "p_holm": p_holm[k],
                "significant": bool(fit.converged and np.isfinite(p_holm[k]) and p_holm[k] < alpha_level),
                **fit.counts,
                **{f"{c}_var": fit.variances[c] for c in (*VARIANCE_COMPONENTS, "residual")},
                "boundary": ",".join(fit.boundary),
                "model": fit.model,
                "optimizer": fit.optimizer,
                "converged": fit.converged,
                "reason": fit.reason,
                "warning": "; ".join(fit.notes),
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


def _role_model(
    data: pd.DataFrame, reference: str, informant_level: bool = True, practice_element: bool = True
) -> MixedLM:
    """The role model of :func:`role_effects`, the same as statsmodels' formula route builds it::

        smf.mixedlm("score ~ C(informant_role, Treatment(reference)) + C(element_id)", data,
                    groups="practice_id", re_formula="1",
                    vc_formula={"informant": "0 + C(informant_id)", "practice_element": "0 + C(element_id)"})

    (each ``vc_formula`` entry only when its flag is True), built without a formula engine: the engine's
    import alone took ~0.2 s of the bias notebook, and it evaluated ``vc_formula`` once per practice (half
    of the role model's time in a national study: 6,000 evaluations). Each variance component's matrices
    are the indicators of the practice's informants (or elements), columns in sorted order, rows in the
    data's order, built in one pass; components and parameter names are ordered and named as
    ``from_formula`` does, so the model (and its fit) is the same. ``data`` must have a default index
    (positions are row labels).
    """
    from statsmodels.regression.mixed_linear_model import MixedLM, VCSpec

    groups = np.asarray(data["practice_id"])
    order = np.argsort(
        pd.factorize(groups, sort=True)[0], kind="stable"
    )  # rows by sorted practice, in data order within one
    sorted_groups = groups[order]
    starts = (
        np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]]) if len(order) else np.array([], dtype=int)
    )
    blocks = np.split(order, starts[1:]) if len(order) else []
    components = [
        (name, column)
        for name, column, wanted in (
            ("informant", "informant_id", informant_level),
            ("practice_element", "element_id", practice_element),
        )
        if wanted
    ]
    names, all_colnames, all_mats = [], [], []
    for name, column in components:  # sorted by name, as from_formula sorts vc_formula's keys
        values = data[column].to_numpy(dtype=object)
        mats, colnames = [], []
        for rows in blocks:
            levels, codes = np.unique(values[rows].astype(str), return_inverse=True)
            # Fortran order, as the formula engine returns it: the fit multiplies these, and layout changes rounding
            mats.append(np.asfortranarray((codes[:, None] == np.arange(len(levels))[None, :]).astype(float)))
            colnames.append([f"C({column})[{level}]" for level in levels])
        names.append(name)
        all_colnames.append(colnames)
        all_mats.append(mats)
    exog_vc = VCSpec(names, all_colnames, all_mats) if names else None
    model = MixedLM(
        data["score"], _role_design(data, reference), groups, exog_re=np.ones((len(data), 1)), exog_vc=exog_vc
    )
    param_names, re_names, re_names_full = model._make_param_names(["practice_id"])
    model.data.param_names, model.data.exog_re_names, model.data.exog_re_names_full = (
        param_names,
        re_names,
        re_names_full,
    )
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
