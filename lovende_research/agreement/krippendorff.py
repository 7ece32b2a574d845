"""Krippendorff's alpha at every level of measurement, with a bootstrap interval over units."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lovende_research.agreement.formats import (
    AgreementError,
    _bootstrap_units,
    _check_confidence,
    _check_n_boot,
    _Coded,
    _pairwise_agreement,
    _unknown,
)

#: Levels of measurement :func:`krippendorff_alpha` knows (its difference functions).
ALPHA_LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")


def _alpha_metric(level: str, scores: np.ndarray) -> np.ndarray | None:
    """Squared differences δ²_ck that do not depend on the margins (None for ordinal, which does)."""
    c, k = np.meshgrid(scores, scores, indexing="ij")
    if level == "nominal":
        return (c != k).astype(float)
    if level == "interval":
        return (c - k) ** 2
    if level == "ratio":
        with np.errstate(divide="ignore", invalid="ignore"):
            d = ((c - k) / (c + k)) ** 2
        return np.nan_to_num(d, nan=0.0)
    return None


def _ordinal_metric(n_c: np.ndarray) -> np.ndarray:
    """Krippendorff's ordinal δ²_ck = (Σ_{g=c..k} n_g − (n_c + n_k)/2)² from margins ``n_c`` (..., V)."""
    cum = np.cumsum(n_c, axis=-1)
    diff = cum[..., None, :] - cum[..., :, None] + (n_c[..., :, None] - n_c[..., None, :]) / 2
    return diff**2


def _alpha_from_coincidences(o: np.ndarray, metric: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """α, D_o and D_e from coincidence matrices ``o`` of shape (..., V, V); ``metric`` is the level's δ²
    (``None``: the ordinal one, which depends on the margins of each matrix)."""
    n_c = o.sum(axis=-1)
    n = n_c.sum(axis=-1)
    delta = _ordinal_metric(n_c) if metric is None else metric
    with np.errstate(divide="ignore", invalid="ignore"):
        d_o = (o * delta).sum(axis=(-2, -1)) / n
        d_e = (n_c[..., :, None] * n_c[..., None, :] * delta).sum(axis=(-2, -1)) / (n * (n - 1))
        alpha = np.where(d_e > 0, 1 - d_o / d_e, np.nan)
    return alpha, d_o, d_e


def krippendorff_alpha(
    ratings: pd.DataFrame,
    *,
    subject: str,
    rater: str,
    rating: str,
    level: str = "ordinal",
    n_boot: int = 0,
    seed: int | np.random.Generator | None = None,
    confidence: float = 0.95,
    categories: Sequence[object] | None = None,
) -> pd.DataFrame:
    """Krippendorff's alpha for any number of raters, missing ratings allowed, with a bootstrap interval.

    Written from Krippendorff (2011, 2019) with the coincidence-matrix machinery: only *pairable* values
    count (a unit's ratings when at least two raters rated it); missing ratings (``NA`` in ``rating``)
    are simply absent. The interval, if asked for, comes from resampling units with replacement.

    Parameters
    ----------
    ratings : DataFrame
        Long form: one row per subject × rater; ``rating`` may be ``NA`` (not pairable).
    subject, rater, rating : str
        The columns holding the unit id, the rater id and the rating.
    level : {"ordinal", "nominal", "interval", "ratio"}, default "ordinal"
        The level of measurement, which picks the difference function δ².
    n_boot : int, default 0
        Bootstrap draws over units; 0 gives the point estimate only (``se`` and ``ci_*`` are ``NaN``).
    seed : int or numpy Generator, optional
        Seed for :func:`numpy.random.default_rng`; the same seed gives the same interval.
    confidence : float, default 0.95
        Coverage of the percentile interval.
    categories : sequence, optional
        All possible ratings, in scale order. Defaults to the observed ratings, sorted. Needed when the
        ratings are labels rather than numbers and the level is not nominal. Unused categories do not
        change alpha (their margin is 0).

    Returns
    -------
    DataFrame
        One row with columns

        - ``statistic``: ``"krippendorff_alpha"``
        - ``n_subjects``: pairable units (rated by at least two raters)
        - ``n_raters``: raters with at least one rating
        - ``percent_agreement``: pairwise agreement over pairable units (see ``percent_agreement``)
        - ``estimate``: α; ``NaN`` when no unit is pairable or only one value occurs (D_e = 0)
        - ``se``: standard deviation of the bootstrap distribution (``NaN`` without bootstrap)
        - ``ci_low``, ``ci_high``: percentile bootstrap interval (``NaN`` without bootstrap)
        - ``confidence``: the coverage asked for
        - ``level``: the level of measurement
        - ``n_pairable``: pairable values n (the total of the coincidence matrix)
        - ``observed_disagreement``, ``expected_disagreement``: D_o and D_e
        - ``n_boot``: bootstrap draws with a defined α

    Notes
    -----
    With :math:`n_{uc}` the number of raters who put unit :math:`u` in category :math:`c` and
    :math:`m_u = \\sum_c n_{uc} \\ge 2` its pairable values, the coincidence matrix is

    .. math::

        o_{ck} = \\sum_u \\frac{n_{uc} n_{uk} - [c = k]\\, n_{uc}}{m_u - 1}, \\quad
        n_c = \\sum_k o_{ck}, \\quad n = \\sum_c n_c,

    and

    .. math::

        \\alpha = 1 - \\frac{D_o}{D_e}, \\quad D_o = \\frac{1}{n} \\sum_{c,k} o_{ck}\\, \\delta^2_{ck},
        \\quad D_e = \\frac{1}{n(n-1)} \\sum_{c,k} n_c n_k\\, \\delta^2_{ck}.

    The difference functions are: nominal :math:`\\delta^2_{ck} = [c \\ne k]`; ordinal
    :math:`\\delta^2_{ck} = (\\sum_{g=c}^{k} n_g - (n_c + n_k)/2)^2`, which uses the margins, so the
    distance between two ranks grows with how many values lie between them; interval
    :math:`(c - k)^2`; ratio :math:`((c - k)/(c + k))^2`.

    The bootstrap resamples units with replacement (the units are the sample; raters are fixed). Each
    unit adds its own term to :math:`o_{ck}`, so a draw is a weighted sum of those terms; the ordinal
    metric is recomputed from each draw's margins. This differs from Krippendorff's own bootstrap
    (Hayes & Krippendorff 2007), which resamples pairs of values; both give intervals of the same order.

    References
    ----------
    Krippendorff, K. (2011). *Computing Krippendorff's alpha-reliability*. Departmental Papers (ASC),
    University of Pennsylvania. https://repository.upenn.edu/asc_papers/43
    Krippendorff, K. (2019). *Content Analysis: An Introduction to Its Methodology* (4th ed.), ch. 12.
    Sage.
    Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability measure for
    coding data. *Communication Methods and Measures*, 1(1), 77–89.

    Examples
    --------
    Krippendorff's (2011) example C: four observers, twelve units, values 1–5, some missing.

    >>> data = {
    ...     "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    ...     "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    ...     "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    ...     "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ... }
    >>> long = pd.DataFrame(data).rename_axis("unit").reset_index().melt("unit", var_name="observer")
    >>> long["value"] = long["value"].astype("Int64")
    >>> [round(float(krippendorff_alpha(long, subject="unit", rater="observer", rating="value",
    ...     level=lv)["estimate"].iloc[0]), 3) for lv in ("nominal", "ordinal", "interval")]
    [0.743, 0.815, 0.849]
    """
    if level not in ALPHA_LEVELS:
        raise _unknown("ukendt måleniveau", "unknown level", repr(level), ALPHA_LEVELS)
    _check_confidence(confidence)
    _check_n_boot(n_boot)
    coded = _Coded(
        ratings, subject=subject, rater=rater, rating=rating, categories=categories, ordered=level != "nominal"
    )
    return _alpha_table(coded, level=level, n_boot=n_boot, seed=seed, confidence=confidence)


def _alpha_table(
    coded: _Coded, *, level: str, n_boot: int, seed: int | np.random.Generator | None, confidence: float
) -> pd.DataFrame:
    """:func:`krippendorff_alpha` on ratings already coded (coded once per group by :func:`coder_agreement`)."""
    if level in ("interval", "ratio") and not coded.numeric_categories:
        raise AgreementError(
            f"måleniveauet {level} kræver talværdier som kategorier (fandt {coded.categories})",
            f"the {level} level needs numbers as categories (found {coded.categories})",
        )
    if level == "ratio" and (np.asarray(coded.scores) < 0).any():
        # the ratio metric ((c - k)/(c + k))² measures distance from a true zero: a negative value has none
        negative = sorted(float(x) for x in np.asarray(coded.scores) if x < 0)
        raise AgreementError(
            f"måleniveauet ratio kræver værdier på 0 eller mere (fandt {negative})",
            f"the ratio level needs values of 0 or more (found {negative})",
        )
    counts = coded.counts()
    m = counts.sum(axis=1)
    pairable = counts[m >= 2]
    m_p = m[m >= 2]
    v = coded.q
    scaled = pairable / (m_p - 1)[:, None]
    o = np.einsum("nk,nl->kl", pairable, scaled) - np.diag(scaled.sum(axis=0))  # not BLAS: see formats._tall_product
    metric = _alpha_metric(level, coded.scores)
    alpha, d_o, d_e = (float(x) for x in _alpha_from_coincidences(o, metric)) if len(pairable) else (np.nan,) * 3
    row: dict[str, object] = {
        "statistic": "krippendorff_alpha",
        "n_subjects": int(len(pairable)),
        "n_raters": int(len(np.unique(coded.rater))),
        "percent_agreement": _pairwise_agreement(counts),
        "estimate": alpha,
        "se": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "confidence": confidence,
        "level": level,
        "n_pairable": int(round(float(o.sum()))) if len(pairable) else 0,
        "observed_disagreement": d_o,
        "expected_disagreement": d_e,
        "n_boot": 0,
    }
    if n_boot > 0 and len(pairable) >= 2:
        # A unit's own coincidences (n_u n_u' - diag(n_u)) / (m_u - 1) depend only on its pattern of
        # counts n_u, and a coding study has few patterns (two coders on a 4-point scale: 10), so the
        # terms are computed once per pattern; ``kind`` says which pattern each unit has.
        patterns, kind = np.unique(pairable, axis=0, return_inverse=True)
        pattern_scaled = patterns / (patterns.sum(axis=1) - 1)[:, None]
        per_pattern = (
            patterns[:, :, None] * pattern_scaled[:, None, :] - pattern_scaled[:, :, None] * np.eye(v)
        ).reshape(len(patterns), v * v)
        draws = _bootstrap_units(
            per_pattern,
            kind.reshape(-1),
            n_boot,
            seed,
            lambda ob: _alpha_from_coincidences(ob.reshape(-1, v, v), metric)[0],
        )
        draws = draws[np.isfinite(draws)]
        if len(draws) >= 2:
            tail = (1 - confidence) / 2
            low, high = np.quantile(draws, [tail, 1 - tail])
            row.update(se=float(np.std(draws, ddof=1)), ci_low=float(low), ci_high=float(high), n_boot=int(len(draws)))
    return pd.DataFrame([row])
