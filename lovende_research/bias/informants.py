"""Do informants of the same practice agree? ICC(1) per element and overall."""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from lovende_research.bias.common import BiasError, _require

def icc_oneway(frame: pd.DataFrame, *, target: str, rating: str, confidence: float = 0.95) -> pd.DataFrame:
    """ICC(1): one-way random-effects intraclass correlation, for a single rating and for their mean.

    Parameters
    ----------
    frame : DataFrame
        Long form, one row per rating: the target (here a practice) and the rating (an informant's score).
        Rows with a missing rating are left out; targets may have different numbers of ratings.
    target, rating : str
        The columns holding the target id and the numeric rating.
    confidence : float
        Coverage of the interval.

    Returns
    -------
    DataFrame
        One row: ``n_targets``, ``n_ratings``, ``k`` (ratings per target; the Snedecor–Cochran
        :math:`k_0` when unbalanced), ``ms_between``, ``ms_within``, ``f``, ``df1``, ``df2``,
        ``p_value`` (F test of ICC = 0), ``icc1`` (ICC(1,1), one rating), ``icc1_ci_low``,
        ``icc1_ci_high``, ``icck`` (ICC(1,k), the mean of k ratings), ``icck_ci_low``, ``icck_ci_high``,
        ``confidence``. Statistics are NaN with fewer than two targets or no target with two ratings.

    Notes
    -----
    **Why ICC(1).** In a mapping each practice is described by *its own* informants (its leader, its staff,
    its partners): no informant rates two practices. That is Shrout & Fleiss's case 1, each target rated by
    a different set of judges drawn at random, so judge (informant) effects cannot be separated from error
    and only the one-way model applies; ICC(2) and ICC(3) need the same judges across targets. With
    :math:`a` targets, :math:`N` ratings, :math:`n_i` per target,

    .. math::

        MS_B = \\frac{\\sum_i n_i(\\bar y_i - \\bar y)^2}{a-1},\\quad
        MS_W = \\frac{\\sum_i\\sum_j (y_{ij}-\\bar y_i)^2}{N-a},\\quad
        k_0 = \\frac{N - \\sum_i n_i^2/N}{a-1},

    .. math::

        \\mathrm{ICC}(1,1) = \\frac{MS_B - MS_W}{MS_B + (k_0-1)MS_W},\\qquad
        \\mathrm{ICC}(1,k) = \\frac{MS_B - MS_W}{MS_B}.

    The interval inverts :math:`F = MS_B/MS_W` (Shrout & Fleiss 1979, eq. for case 1):
    :math:`F_L = F/F_{1-\\alpha/2}(a-1, N-a)`, :math:`F_U = F\\,F_{1-\\alpha/2}(N-a, a-1)`,
    :math:`[(F_L-1)/(F_L+k_0-1),\\ (F_U-1)/(F_U+k_0-1)]`, and :math:`[1-1/F_L,\\ 1-1/F_U]` for ICC(1,k).
    ICC(1,1) can be negative when informants of a practice differ more than practices do.

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater reliability.
    *Psychological Bulletin*, 86(2), 420–428.
    McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some intraclass correlation
    coefficients. *Psychological Methods*, 1(1), 30–46.

    Examples
    --------
    Shrout & Fleiss's Table 2 (6 targets × 4 judges), read one-way:

    >>> data = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    >>> long = pd.DataFrame([(t, y) for t, row in enumerate(data) for y in row], columns=["t", "y"])
    >>> out = icc_oneway(long, target="t", rating="y").iloc[0]
    >>> round(float(out["icc1"]), 2), round(float(out["icck"]), 2)
    (0.17, 0.44)
    """
    _require(frame, [target, rating], "frame")
    if not 0 < confidence < 1:
        raise BiasError("confidence", confidence, "et tal mellem 0 og 1")
    data = frame[[target, rating]].copy()
    data[rating] = pd.to_numeric(data[rating], errors="coerce")
    data = data.dropna()
    sizes = data.groupby(target)[rating].size()
    a, n = int(len(sizes)), int(sizes.sum())
    row: dict[str, float] = {"n_targets": a, "n_ratings": n}
    names = ["k", "ms_between", "ms_within", "f", "df1", "df2", "p_value", "icc1", "icc1_ci_low", "icc1_ci_high",
             "icck", "icck_ci_low", "icck_ci_high"]
    row |= {name: np.nan for name in names}
    if a >= 2 and n > a:
        means = data.groupby(target)[rating].mean()
        grand = data[rating].mean()
        ss_between = float((sizes * (means - grand) ** 2).sum())
        ss_within = float(((data[rating] - data[target].map(means)) ** 2).sum())
        df1, df2 = a - 1, n - a
        ms_b, ms_w = ss_between / df1, ss_within / df2
        k0 = (n - float((sizes**2).sum()) / n) / df1
        row.update(k=k0, ms_between=ms_b, ms_within=ms_w, df1=df1, df2=df2)
        if ms_w > 0:
            f = ms_b / ms_w
            alpha = 1 - confidence
            f_low = f / stats.f.ppf(1 - alpha / 2, df1, df2)
            f_up = f * stats.f.ppf(1 - alpha / 2, df2, df1)
            row.update(
                f=f,
                p_value=float(stats.f.sf(f, df1, df2)),
                icc1=(ms_b - ms_w) / (ms_b + (k0 - 1) * ms_w),
                icc1_ci_low=(f_low - 1) / (f_low + k0 - 1),
                icc1_ci_high=(f_up - 1) / (f_up + k0 - 1),
                icck=(ms_b - ms_w) / ms_b if ms_b > 0 else np.nan,
                icck_ci_low=1 - 1 / f_low,
                icck_ci_high=1 - 1 / f_up,
            )
    row["confidence"] = confidence
    return pd.DataFrame([row], columns=["n_targets", "n_ratings", *names, "confidence"])


#: Koo & Li's (2016) reading of an ICC: below 0.5 poor, 0.5–0.75 moderate, 0.75–0.9 good, above excellent.
ICC_BANDS: tuple[tuple[float, str], ...] = ((0.5, "poor"), (0.75, "moderate"), (0.9, "good"), (np.inf, "excellent"))


def icc_band(value: float) -> str:
    """Koo & Li's (2016) band of an ICC: ``poor``, ``moderate``, ``good``, ``excellent`` (``unknown`` for NaN).

    Examples
    --------
    >>> icc_band(0.62), icc_band(float("nan"))
    ('moderate', 'unknown')
    """
    if value is None or np.isnan(value):
        return "unknown"
    return next(band for limit, band in ICC_BANDS if value < limit)


def informant_icc(
    element_scores: pd.DataFrame,
    exclude_informants: Iterable[str] = (),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """How well informants of the same practice agree: :func:`icc_oneway` per element and overall.

    Parameters
    ----------
    element_scores : DataFrame
        From :func:`lovende_research.scoring.element_scores` with interviews attached, one delimitation.
    exclude_informants : iterable of str
        Informant ids to leave out (e.g. flagged straight-liners).
    confidence : float
        Coverage of the intervals.

    Returns
    -------
    DataFrame
        One row per element, then one for the overall score (``element_id`` = ``overall``: each
        informant's mean over their sufficient element scores): ``element_id``, the columns of
        :func:`icc_oneway`, and ``band`` (:func:`icc_band` of ``icc1``).

    Notes
    -----
    The targets are practices and the ratings the informants' element scores (an informant's interviews
    averaged first). Role differences count as disagreement here: a lenient leader lowers the ICC, which is
    the point of the check. See :func:`icc_oneway` for the form and its justification.

    References
    ----------
    Koo, T. K., & Li, M. Y. (2016). A guideline of selecting and reporting intraclass correlation
    coefficients for reliability research. *Journal of Chiropractic Medicine*, 15(2), 155–163.

    Examples
    --------
    >>> es = pd.DataFrame({"practice_id": ["P1"] * 2 + ["P2"] * 2 + ["P3"] * 2,
    ...     "informant_id": list("abcdef"), "element_id": "maal", "score": [0.9, 0.8, 0.2, 0.3, 0.5, 0.6]})
    >>> out = informant_icc(es)
    >>> out["element_id"].tolist(), round(float(out["icc1"].iloc[0]), 3)
    (['maal', 'overall'], 0.946)
    """
    _require(element_scores, ["practice_id", "informant_id", "element_id", "score"], "element_scores")
    data = element_scores[~element_scores["informant_id"].isin(set(exclude_informants))]
    per_informant = data.groupby(["practice_id", "informant_id", "element_id"], sort=False)["score"].mean().reset_index()
    rows = []
    for element, group in per_informant.groupby("element_id", sort=False):
        rows.append(icc_oneway(group, target="practice_id", rating="score", confidence=confidence).assign(element_id=element))
    overall = per_informant.groupby(["practice_id", "informant_id"], sort=False)["score"].mean().reset_index()
    rows.append(icc_oneway(overall, target="practice_id", rating="score", confidence=confidence).assign(element_id="overall"))
    out = pd.concat(rows, ignore_index=True)
    out["band"] = out["icc1"].map(icc_band)
    return out[["element_id"] + [c for c in out.columns if c != "element_id"]]
