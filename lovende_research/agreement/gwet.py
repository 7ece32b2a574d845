"""Gwet's framework for chance-corrected agreement among any number of raters, and AC1/AC2 in it.

Gwet (2014, ch. 2–5) writes every multi-rater coefficient as :math:`(p_a - p_e) / (1 - p_e)` with the
same observed agreement :math:`p_a` (pairs of ratings within a subject, weighted) and a chance
agreement :math:`p_e` of its own, and derives one linearised variance *conditional on the raters*
(the subjects are the sample). :func:`_chance_corrected` is that shared computation; AC1/AC2 here,
Fleiss', Conger's, Brennan–Prediger and percent agreement in :mod:`.multirater` supply their
:math:`p_e` and its per-subject part.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from lovende_research.agreement.formats import RESULT_COLUMNS, _check_confidence, _check_weights, _Coded, _interval, _pairwise_agreement, agreement_weights


def _chance_corrected(
    coded: _Coded,
    *,
    statistic: str,
    weights: str,
    confidence: float,
    chance: object,
    observed: str = "pairwise",
) -> pd.DataFrame:
    """One row of a Gwet-framework coefficient; ``chance(share, pi, w)`` gives :math:`(p_e, p_{e|i})`.

    ``share`` is :math:`r_{ik} / r_i` (subjects × categories), ``pi`` its column means, ``w`` the
    weights. ``p_{e|i}`` may be ``None`` when :math:`p_e` does not depend on the ratings (Brennan–
    Prediger, percent agreement). ``observed="all"`` replaces the pairwise :math:`p_{a|i}` by 1 when
    every rating of the subject is the same (the all-agree percent agreement).
    """
    counts = coded.counts()
    r = counts.sum(axis=1)
    n, q = len(r), coded.q
    two = r >= 2
    n2 = int(two.sum())
    row: dict[str, object] = dict.fromkeys(RESULT_COLUMNS, np.nan) | {
        "statistic": statistic,
        "n_subjects": n,
        "n_raters": int(len(coded.raters)),
        "percent_agreement": _pairwise_agreement(counts),
        "confidence": confidence,
        "p_o": np.nan,
        "p_e": np.nan,
        "weights": weights,
    }
    if n2 == 0 or (q < 2 and statistic != "percent_agreement"):
        return pd.DataFrame([row])
    w = agreement_weights(coded.scores, weights)
    if observed == "all":
        pa_i = (two & (counts.max(axis=1) == r)).astype(float)
    else:
        weighted = counts @ w.T
        pa_i = np.where(two, (counts * (weighted - 1)).sum(axis=1) / np.where(two, r * (r - 1), 1.0), 0.0)
    pa = float(pa_i[two].mean())
    share = counts / r[:, None]
    pe, pe_i = chance(share, share.mean(axis=0), w)  # type: ignore[operator]
    row.update(p_o=pa, p_e=pe)
    if np.isclose(pe, 1.0):
        return pd.DataFrame([row])
    estimate = (pa - pe) / (1 - pe)
    gamma = (n / n2) * (pa_i - pe * two) / (1 - pe)
    if pe_i is not None:
        gamma = gamma - 2 * (1 - estimate) * (pe_i - pe) / (1 - pe)
    row["estimate"] = estimate
    if n >= 2:
        se = float(np.sqrt(((gamma - estimate) ** 2).sum() / (n * (n - 1))))
        low, high = _interval(estimate, se, float(stats.t.ppf(0.5 + confidence / 2, n - 1)), low=0.0 if statistic == "percent_agreement" else -1.0)
        row.update(se=se, ci_low=low, ci_high=high)
    return pd.DataFrame([row])


def gwet_ac2(
    ratings: pd.DataFrame,
    *,
    subject: str,
    rater: str,
    rating: str,
    weights: str = "quadratic",
    categories: Sequence[object] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Gwet's AC2 (AC1 with ``weights="unweighted"``) for any number of raters, missing ratings allowed.

    Written from Gwet (2014), chapters 2–3 and 5 (the multiple-rater coefficient and its variance
    *conditional on the raters*: the subjects are the sample, the raters fixed). AC1/AC2 keep chance
    agreement low when ratings pile up in one category, which is where kappa and alpha collapse (the
    kappa paradox); report it beside them, not instead.

    Parameters
    ----------
    ratings : DataFrame
        Long form: one row per subject × rater; ``rating`` may be ``NA`` (not counted).
    subject, rater, rating : str
        The columns holding the subject id, the rater id and the rating.
    weights : {"quadratic", "linear", "ordinal", "unweighted"}, default "quadratic"
        Agreement weights (see :func:`~lovende_research.agreement.formats.agreement_weights`); linear and
        quadratic use the category values when they are numbers, else their ranks.
    categories : sequence, optional
        **All** categories of the scale, in order. Unlike kappa and alpha, AC2 depends on the number of
        categories q, so pass the full scale (e.g. 1–4) even if some category was never used. Defaults
        to the observed ratings.
    confidence : float, default 0.95
        Coverage of the interval.

    Returns
    -------
    DataFrame
        One row with columns

        - ``statistic``: ``"gwet_ac1"`` (unweighted) or ``"gwet_ac2"``
        - ``n_subjects``: subjects with at least one rating (n in the formulas)
        - ``n_raters``: raters with at least one rating
        - ``percent_agreement``: unweighted pairwise agreement (see :func:`percent_agreement`)
        - ``estimate``: AC2; ``NaN`` when fewer than two categories or no subject rated twice
        - ``se``: standard error conditional on the raters
        - ``ci_low``, ``ci_high``: :math:`\\mathrm{AC2} \\mp t_{n-1}\\,\\mathrm{se}`, clipped to [-1, 1]
        - ``confidence``: the coverage asked for
        - ``p_o``: weighted observed agreement :math:`p_a`
        - ``p_e``: chance agreement :math:`p_e`
        - ``weights``: the weights used

    Notes
    -----
    With :math:`r_{ik}` the raters putting subject :math:`i` in category :math:`k`, :math:`r_i = \\sum_k
    r_{ik}`, :math:`r^\\star_{ik} = \\sum_l w_{kl} r_{il}`, :math:`n` subjects with :math:`r_i \\ge 1` and
    :math:`n'` with :math:`r_i \\ge 2`, :math:`q` categories and :math:`T_w = \\sum_{k,l} w_{kl}`:

    .. math::

        p_a = \\frac{1}{n'} \\sum_{i: r_i \\ge 2} \\sum_k \\frac{r_{ik} (r^\\star_{ik} - 1)}{r_i (r_i - 1)},
        \\quad \\pi_k = \\frac{1}{n} \\sum_i \\frac{r_{ik}}{r_i}, \\quad
        p_e = \\frac{T_w}{q (q - 1)} \\sum_k \\pi_k (1 - \\pi_k), \\quad
        \\mathrm{AC2} = \\frac{p_a - p_e}{1 - p_e}.

    The variance is :math:`v = \\frac{1}{n (n - 1)} \\sum_i (\\gamma^\\star_i - \\mathrm{AC2})^2` with
    :math:`\\gamma_i = \\frac{n}{n'} \\frac{p_{a|i} - p_e [r_i \\ge 2]}{1 - p_e}`,
    :math:`p_{e|i} = \\frac{T_w}{q (q - 1)} \\sum_k \\frac{r_{ik}}{r_i} (1 - \\pi_k)` and
    :math:`\\gamma^\\star_i = \\gamma_i - 2 (1 - \\mathrm{AC2}) \\frac{p_{e|i} - p_e}{1 - p_e}`
    (no finite-population correction). The interval uses Student's t with :math:`n - 1` degrees of
    freedom, as Gwet does. A subject with one rating adds nothing to :math:`p_a` but counts in
    :math:`\\pi_k` and :math:`n`, as in Gwet (2014) and irrCAC.

    References
    ----------
    Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence of high
    agreement. *British Journal of Mathematical and Statistical Psychology*, 61(1), 29–48.
    Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.). Advanced Analytics.

    Examples
    --------
    Gwet's (2014, p. 120) four raters and twelve subjects (Krippendorff's example C):

    >>> data = {
    ...     "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    ...     "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    ...     "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    ...     "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ... }
    >>> long = pd.DataFrame(data).rename_axis("unit").reset_index().melt("unit", var_name="rater")
    >>> long["value"] = long["value"].astype("Int64")
    >>> ac1 = gwet_ac2(long, subject="unit", rater="rater", rating="value", weights="unweighted").iloc[0]
    >>> round(float(ac1["estimate"]), 4), round(float(ac1["se"]), 4)
    (0.7754, 0.1429)
    """
    _check_weights(weights)
    _check_confidence(confidence)
    coded = _Coded(ratings, subject=subject, rater=rater, rating=rating, categories=categories, ordered=weights != "unweighted")
    return _ac2_table(coded, weights=weights, confidence=confidence)


def _ac2_table(coded: _Coded, *, weights: str, confidence: float) -> pd.DataFrame:
    """:func:`gwet_ac2` on ratings already coded (coded once per group by :func:`coder_agreement`)."""

    def chance(share: np.ndarray, pi: np.ndarray, w: np.ndarray) -> tuple[float, np.ndarray]:
        q = len(pi)
        scale = float(w.sum()) / (q * (q - 1))
        return scale * float((pi * (1 - pi)).sum()), scale * (share @ (1 - pi))

    statistic = "gwet_ac1" if weights == "unweighted" else "gwet_ac2"
    return _chance_corrected(coded, statistic=statistic, weights=weights, confidence=confidence, chance=chance)
