"""Gwet's AC1/AC2 with the variance conditional on the raters, and the agreement weights."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from lovende_research.agreement.formats import AgreementError, _check_confidence, _check_weights, _Coded, _exact_agreement

#: Agreement weights :func:`gwet_ac2` knows; ``"identity"`` gives AC1.
AC2_WEIGHTS: tuple[str, ...] = ("identity", "linear", "quadratic", "ordinal")


def agreement_weights(scores: Sequence[float], weights: str = "quadratic") -> np.ndarray:
    """Gwet's (2014, ch. 3) agreement weights :math:`w_{kl} \\in [0, 1]` for categories with ``scores``.

    ``identity``: :math:`[k = l]`; ``linear``: :math:`1 - |x_k - x_l| / (x_{max} - x_{min})`;
    ``quadratic``: :math:`1 - (x_k - x_l)^2 / (x_{max} - x_{min})^2`; ``ordinal``: with ranks
    :math:`k, l`, :math:`M_{kl} = \\binom{|k - l| + 1}{2}` and :math:`w_{kl} = 1 - M_{kl} / \\max M`.

    Examples
    --------
    >>> agreement_weights([1, 2, 3], "quadratic").tolist()
    [[1.0, 0.75, 0.0], [0.75, 1.0, 0.75], [0.0, 0.75, 1.0]]
    >>> np.round(agreement_weights([1, 2, 3], "ordinal"), 4).tolist()
    [[1.0, 0.6667, 0.0], [0.6667, 1.0, 0.6667], [0.0, 0.6667, 1.0]]
    """
    x = np.asarray(scores, dtype=float)
    q = len(x)
    if weights == "identity" or q < 2:
        return np.eye(q)
    span = float(x.max() - x.min())
    if weights == "linear":
        return 1 - np.abs(x[:, None] - x[None, :]) / span
    if weights == "quadratic":
        return 1 - (x[:, None] - x[None, :]) ** 2 / span**2
    if weights == "ordinal":
        ranks = np.arange(q)
        steps = np.abs(ranks[:, None] - ranks[None, :]) + 1
        m = steps * (steps - 1) / 2
        return 1 - m / m.max()
    raise AgreementError(f"ukendte vægte {weights!r}; forventet: {', '.join(AC2_WEIGHTS)}")


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
    """Gwet's AC2 (AC1 with ``weights="identity"``) for any number of raters, missing ratings allowed.

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
    weights : {"quadratic", "linear", "ordinal", "identity"}, default "quadratic"
        Agreement weights (see :func:`agreement_weights`); linear and quadratic use the category values
        when they are numbers, else their ranks.
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

        - ``statistic``: ``"gwet_ac1"`` (identity weights) or ``"gwet_ac2"``
        - ``n_subjects``: subjects with at least one rating (n in the formulas)
        - ``n_raters``: raters with at least one rating
        - ``percent_agreement``: share of subjects rated twice or more on which all ratings are identical
        - ``observed_agreement``: weighted agreement :math:`p_a`
        - ``expected_agreement``: chance agreement :math:`p_e`
        - ``estimate``: AC2; ``NaN`` when fewer than two categories or no subject rated twice
        - ``se``: standard error conditional on the raters
        - ``ci_low``, ``ci_high``: :math:`\\mathrm{AC2} \\mp t_{n-1}\\,\\mathrm{se}`, clipped to [-1, 1]
        - ``confidence``: the coverage asked for
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
    freedom, as Gwet does.

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
    >>> ac1 = gwet_ac2(long, subject="unit", rater="rater", rating="value", weights="identity").iloc[0]
    >>> round(float(ac1["estimate"]), 4), round(float(ac1["se"]), 4)
    (0.7754, 0.1429)
    """
    _check_weights(weights, AC2_WEIGHTS)
    _check_confidence(confidence)
    coded = _Coded(ratings, subject=subject, rater=rater, rating=rating, categories=categories, ordered=weights != "identity")
    return _ac2_table(coded, weights=weights, confidence=confidence)


def _ac2_table(coded: _Coded, *, weights: str, confidence: float) -> pd.DataFrame:
    """:func:`gwet_ac2` on ratings already coded (coded once per group by :func:`coder_agreement`)."""
    counts = coded.counts()
    r = counts.sum(axis=1)
    counts, r = counts[r >= 1], r[r >= 1]
    n, q = len(r), coded.q
    two = r >= 2
    n2 = int(two.sum())
    row: dict[str, object] = {
        "statistic": "gwet_ac1" if weights == "identity" else "gwet_ac2",
        "n_subjects": n,
        "n_raters": int(len(np.unique(coded.rater))),
        "percent_agreement": _exact_agreement(counts),
        "observed_agreement": np.nan,
        "expected_agreement": np.nan,
        "estimate": np.nan,
        "se": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "confidence": confidence,
        "weights": weights,
    }
    if n2 == 0 or q < 2:
        return pd.DataFrame([row])
    w = agreement_weights(coded.scores, weights)
    weighted = counts @ w.T
    denominator = np.where(two, r * (r - 1), 1.0)
    pa_i = np.where(two, (counts * (weighted - 1)).sum(axis=1) / denominator, 0.0)
    pa = float(pa_i[two].mean())
    share = counts / r[:, None]
    pi = share.mean(axis=0)
    scale = float(w.sum()) / (q * (q - 1))
    pe = scale * float((pi * (1 - pi)).sum())
    ac2 = (pa - pe) / (1 - pe)
    gamma_i = (n / n2) * (pa_i - pe * two) / (1 - pe)
    pe_i = scale * (share @ (1 - pi))
    gamma_star = gamma_i - 2 * (1 - ac2) * (pe_i - pe) / (1 - pe)
    row.update(observed_agreement=pa, expected_agreement=pe, estimate=ac2)
    if n >= 2:
        se = float(np.sqrt(((gamma_star - ac2) ** 2).sum() / (n * (n - 1))))
        t = float(stats.t.ppf(0.5 + confidence / 2, n - 1))
        row.update(se=se, ci_low=max(-1.0, ac2 - t * se), ci_high=min(1.0, ac2 + t * se))
    return pd.DataFrame([row])

