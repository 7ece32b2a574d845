"""Fleiss', Conger's and Scott's kappa, Brennan–Prediger and percent agreement, in Gwet's framework.

Each is :math:`(p_a - p_e) / (1 - p_e)` with the weighted pairwise agreement :math:`p_a` of
:func:`~lovende_research.agreement.gwet.gwet_ac2` and its own chance agreement :math:`p_e`; their
standard errors are Gwet's (2014) linearised variance conditional on the raters, computed once in
:func:`~lovende_research.agreement.gwet._chance_corrected`. Fleiss' kappa also gets the standard error
under :math:`\\kappa = 0` of Fleiss, Nee & Landis (1979), its z and p. Missing ratings are allowed
throughout (a subject counts with the ratings it has); the weight names are
:data:`~lovende_research.agreement.formats.WEIGHTS`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from lovende_research.agreement.formats import (
    AgreementError,
    _check_confidence,
    _check_weights,
    _Coded,
    _more_than_two,
    _tall_product,
    _unknown,
)
from lovende_research.agreement.gwet import _chance_corrected

#: The two readings of percent agreement with more than two raters (:func:`percent_agreement`).
PERCENT_METHODS: tuple[str, ...] = ("pairwise", "all")


def _coded(
    ratings: pd.DataFrame,
    subject: str,
    rater: str,
    rating: str,
    weights: str,
    categories: Sequence[object] | None,
    confidence: float,
) -> _Coded:
    _check_weights(weights)
    _check_confidence(confidence)
    return _Coded(
        ratings,
        subject=subject,
        rater=rater,
        rating=rating,
        categories=categories,
        ordered=weights not in ("unweighted",),
    )


def _fleiss_chance(share: np.ndarray, pi: np.ndarray, w: np.ndarray) -> tuple[float, np.ndarray]:
    """Fleiss: :math:`p_e = \\sum_{kl} w_{kl} \\pi_k \\pi_l`, per subject with the symmetrised margins."""
    return float(pi @ w @ pi), _tall_product(share, (w @ pi + w.T @ pi) / 2)


def fleiss_kappa(
    ratings: pd.DataFrame,
    *,
    subject: str,
    rater: str,
    rating: str,
    weights: str = "unweighted",
    categories: Sequence[object] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Fleiss' kappa (Fleiss 1971, generalised to weights and missing ratings by Gwet 2014).

    Chance agreement comes from the pooled category shares, as if any rater could have given any
    rating: the right model when the raters of one subject are not the raters of another.

    Parameters
    ----------
    ratings : DataFrame
        Long form: one row per subject × rater; ``rating`` may be ``NA`` (the same as an absent row).
    subject, rater, rating : str
        The columns holding the subject id, the rater id and the rating.
    weights : {"unweighted", "linear", "quadratic", "ordinal"}, default "unweighted"
        Agreement weights (:func:`~lovende_research.agreement.formats.agreement_weights`).
    categories : sequence, optional
        All categories of the scale, in order; defaults to those observed.
    confidence : float, default 0.95
        Coverage of the interval.

    Returns
    -------
    DataFrame
        One row with columns ``statistic`` (``"fleiss_kappa"``), ``n_subjects`` (subjects with a
        rating), ``n_raters``, ``percent_agreement`` (unweighted pairwise), ``estimate``, ``se``
        (Gwet's, conditional on the raters), ``ci_low``, ``ci_high`` (Student's t, :math:`n - 1` df,
        clipped to [-1, 1]), ``confidence``, ``p_o``, ``p_e``, ``weights``, and the test of
        :math:`\\kappa = 0` of Fleiss, Nee & Landis (1979): ``se_h0``, ``z``, ``p_value`` (two-sided);
        these three are ``NaN`` unless every subject has the same number of ratings and the weights
        are ``"unweighted"``, the case the formula is for.

    Notes
    -----
    With :math:`r_{ik}` the raters putting subject :math:`i` in category :math:`k`, :math:`r_i` its
    ratings, :math:`\\pi_k = \\frac{1}{n} \\sum_i r_{ik} / r_i` and :math:`p_a` the weighted pairwise
    agreement of :func:`~lovende_research.agreement.gwet.gwet_ac2`,

    .. math::

        p_e = \\sum_{k,l} w_{kl} \\pi_k \\pi_l, \\quad \\hat\\kappa = \\frac{p_a - p_e}{1 - p_e}.

    With :math:`m` ratings on each of :math:`n` subjects and :math:`q_k = 1 - \\pi_k`, Fleiss, Nee &
    Landis's (1979) standard error under :math:`\\kappa = 0` is

    .. math::

        \\mathrm{se}_0 = \\frac{\\sqrt{2}}{\\sum_k \\pi_k q_k \\sqrt{n m (m - 1)}}
        \\sqrt{\\Big(\\sum_k \\pi_k q_k\\Big)^2 - \\sum_k \\pi_k q_k (q_k - \\pi_k)}, \\quad z = \\hat\\kappa / \\mathrm{se}_0.

    References
    ----------
    Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. *Psychological Bulletin*,
    76(5), 378–382.
    Fleiss, J. L., Nee, J. C. M., & Landis, J. R. (1979). Large sample variance of kappa in the case of
    different sets of raters. *Psychological Bulletin*, 86(5), 974–977.
    Conger, A. J. (1980). Integration and generalization of kappas for multiple raters. *Psychological
    Bulletin*, 88(2), 322–328.
    Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: some uses, misuses, and alternatives.
    *Educational and Psychological Measurement*, 41(3), 687–699.
    Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.), ch. 2–5. Advanced Analytics.

    Examples
    --------
    Wikipedia's "Fleiss' kappa" worked example (10 subjects, 14 raters, 5 categories) as counts:

    >>> from lovende_research.agreement.formats import long_from_counts
    >>> counts = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    ...           [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    >>> row = fleiss_kappa(long_from_counts(counts), subject="subject", rater="rater", rating="rating").iloc[0]
    >>> round(float(row["p_o"]), 3), round(float(row["p_e"]), 3), round(float(row["estimate"]), 3)
    (0.378, 0.213, 0.21)
    """
    coded = _coded(ratings, subject, rater, rating, weights, categories, confidence)
    row = _chance_corrected(
        coded, statistic="fleiss_kappa", weights=weights, confidence=confidence, chance=_fleiss_chance
    )
    return row.assign(**_fleiss_h0(coded, float(row["estimate"].iloc[0]), weights))


def _fleiss_h0(coded: _Coded, kappa: float, weights: str) -> dict[str, float]:
    """Fleiss, Nee & Landis (1979): se under kappa = 0, z and two-sided p (equal ratings per subject)."""
    counts = coded.counts()
    m = counts.sum(axis=1)
    out = {"se_h0": np.nan, "z": np.nan, "p_value": np.nan}
    if weights != "unweighted" or len(m) < 2 or m.min() != m.max() or m[0] < 2 or np.isnan(kappa):
        return out
    n, raters = len(m), float(m[0])
    p = counts.sum(axis=0) / (n * raters)
    pq = p * (1 - p)
    total = float(pq.sum())
    se0 = float(
        np.sqrt(2) / (total * np.sqrt(n * raters * (raters - 1))) * np.sqrt(total**2 - float((pq * (1 - 2 * p)).sum()))
    )
    z = kappa / se0
    return {"se_h0": se0, "z": z, "p_value": float(2 * stats.norm.sf(abs(z)))}


def scott_pi(
    ratings: pd.DataFrame,
    *,
    subject: str,
    rater: str,
    rating: str,
    weights: str = "unweighted",
    categories: Sequence[object] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Scott's pi: two raters, chance agreement from their pooled margins (Scott 1955).

    For two raters it is exactly :func:`fleiss_kappa` (Fleiss 1971 built his kappa as its extension),
    so it is computed by it, with the same columns; ``statistic`` is ``"scott_pi"``. More than two
    raters is an error: use :func:`fleiss_kappa`.

    Parameters
    ----------
    ratings, subject, rater, rating, weights, categories, confidence
        As for :func:`fleiss_kappa`.

    Returns
    -------
    DataFrame
        The columns of :func:`fleiss_kappa`.

    Notes
    -----
    :math:`p_e = \\sum_k \\bar p_k^2` with :math:`\\bar p_k` the share of category :math:`k` among both
    raters' ratings together, and :math:`\\pi = (p_o - p_e) / (1 - p_e)`.

    References
    ----------
    Scott, W. A. (1955). Reliability of content analysis: the case of nominal scale coding. *Public
    Opinion Quarterly*, 19(3), 321–325.

    Examples
    --------
    Wikipedia's Cohen's-kappa table (yes/yes 20, yes/no 5, no/yes 10, no/no 15): pooled margins
    .55/.45, so :math:`p_e = .505` and :math:`\\pi = (.70 - .505)/.495`.

    >>> from lovende_research.agreement.formats import long_from_table
    >>> round(float(scott_pi(long_from_table([[20, 5], [10, 15]]), subject="subject", rater="rater", rating="rating")["estimate"].iloc[0]), 4)
    0.3939
    """
    raters = pd.unique(ratings.loc[ratings[rating].notna(), rater]) if {rater, rating} <= set(ratings.columns) else []
    if len(raters) > 2:
        raise _more_than_two("Scotts pi", raters, ". Brug fleiss_kappa", ". Use fleiss_kappa")
    return fleiss_kappa(
        ratings,
        subject=subject,
        rater=rater,
        rating=rating,
        weights=weights,
        categories=categories,
        confidence=confidence,
    ).assign(statistic="scott_pi")


def conger_kappa(
    ratings: pd.DataFrame,
    *,
    subject: str,
    rater: str,
    rating: str,
    weights: str = "unweighted",
    categories: Sequence[object] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Conger's (1980) kappa: Cohen's kappa for any number of raters, chance from each rater's own margins.

    With two raters it is Cohen's kappa. Use it when the same raters rate every subject and their
    habits (one rater's leniency) belong to the chance model; with exchangeable raters use
    :func:`fleiss_kappa`.

    Parameters
    ----------
    ratings, subject, rater, rating, weights, categories, confidence
        As for :func:`fleiss_kappa`.

    Returns
    -------
    DataFrame
        The columns of :func:`fleiss_kappa` up to ``weights`` (no test under :math:`\\kappa = 0`);
        ``statistic`` is ``"conger_kappa"``.

    Notes
    -----
    With :math:`p_{gk}` the share of rater :math:`g`'s ratings in category :math:`k` (over the
    subjects :math:`g` rated), :math:`\\bar p_k` its mean over the :math:`r` raters and
    :math:`s^2_{kl} = \\frac{1}{r-1} \\sum_g (p_{gk} - \\bar p_k)(p_{gl} - \\bar p_l)`,

    .. math::

        p_e = \\sum_{k,l} w_{kl} \\big(\\bar p_k \\bar p_l - s^2_{kl} / r\\big).

    The variance is Gwet's (2014, sec. 5.4) linearisation: the per-subject chance term is
    :math:`p_{e|i} = \\frac{1}{r(r-1)} \\sum_g \\lambda_{ig}` with
    :math:`\\lambda_{ig} = \\sum_k \\frac{n}{n_g} \\big[w_{k, x_{ig}} - (\\epsilon_{ig} - n_g/n) \\sum_l w_{kl} p_{gl}\\big]
    (r \\bar p_k - p_{gk})`, where :math:`x_{ig}` is rater :math:`g`'s rating of subject :math:`i`
    (the weight term is 0 when there is none), :math:`\\epsilon_{ig}` says whether there is one and
    :math:`n_g` counts rater :math:`g`'s ratings.

    References
    ----------
    Conger, A. J. (1980). Integration and generalization of kappas for multiple raters. *Psychological
    Bulletin*, 88(2), 322–328.
    Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.), sec. 5.4. Advanced Analytics.

    Examples
    --------
    Two raters: the same as Cohen's kappa on Wikipedia's table (0.40).

    >>> from lovende_research.agreement.formats import long_from_table
    >>> round(float(conger_kappa(long_from_table([[20, 5], [10, 15]]), subject="subject", rater="rater", rating="rating")["estimate"].iloc[0]), 4)
    0.4
    """
    coded = _coded(ratings, subject, rater, rating, weights, categories, confidence)
    matrix = coded.matrix()
    r = matrix.shape[1]
    if r < 2:
        return _chance_corrected(
            coded,
            statistic="conger_kappa",
            weights=weights,
            confidence=confidence,
            chance=lambda share, pi, w: (1.0, None),
        )
    rated = matrix >= 0
    n = matrix.shape[0]
    safe = np.where(rated, matrix, 0)

    def chance(share: np.ndarray, pi: np.ndarray, w: np.ndarray) -> tuple[float, np.ndarray]:
        q = w.shape[0]
        per_rater = np.stack([np.bincount(safe[:, g][rated[:, g]], minlength=q) for g in range(r)]).astype(float)
        n_g = per_rater.sum(axis=1)
        p = per_rater / n_g[:, None]
        p_bar = p.mean(axis=0)
        s2 = (p.T @ p - r * np.outer(p_bar, p_bar)) / (r - 1)
        pe = float((w * (np.outer(p_bar, p_bar) - s2 / r)).sum())
        w_given = w.T[safe] * rated[:, :, None]  # n × r × q: w_{k, x_ig}, 0 where g gave no rating
        inner = (n / n_g)[None, :, None] * (w_given - (rated - n_g / n)[:, :, None] * (p @ w.T)[None, :, :])
        lam = (inner * (r * p_bar[None, :] - p)[None, :, :]).sum(axis=2)
        return pe, lam.sum(axis=1) / (r * (r - 1))

    return _chance_corrected(coded, statistic="conger_kappa", weights=weights, confidence=confidence, chance=chance)


def brennan_prediger(
    ratings: pd.DataFrame,
    *,
    subject: str,
    rater: str,
    rating: str,
    weights: str = "unweighted",
    categories: Sequence[object] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Brennan & Prediger's (1981) coefficient: chance agreement as if every category were equally likely.

    :math:`p_e = T_w / q^2` with :math:`T_w = \\sum_{kl} w_{kl}` (unweighted: :math:`1/q`), so it depends
    on the number of categories of the scale: pass ``categories`` with every category. Same columns as
    :func:`conger_kappa`; ``statistic`` is ``"brennan_prediger"``. Since :math:`p_e` is fixed, the
    variance is that of :math:`p_a` scaled by :math:`1/(1 - p_e)^2` (Gwet 2014).

    Parameters
    ----------
    ratings, subject, rater, rating, weights, categories, confidence
        As for :func:`fleiss_kappa`.

    Returns
    -------
    DataFrame
        The columns of :func:`conger_kappa`.

    Notes
    -----
    :math:`\\mathrm{BP} = (p_a - T_w/q^2) / (1 - T_w/q^2)`, with :math:`p_a` the weighted pairwise
    agreement of :func:`fleiss_kappa`.

    References
    ----------
    Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: some uses, misuses, and alternatives.
    *Educational and Psychological Measurement*, 41(3), 687–699.

    Examples
    --------
    >>> from lovende_research.agreement.formats import long_from_table
    >>> row = brennan_prediger(long_from_table([[20, 5], [10, 15]]), subject="subject", rater="rater", rating="rating").iloc[0]
    >>> round(float(row["p_e"]), 2), round(float(row["estimate"]), 2)
    (0.5, 0.4)
    """
    coded = _coded(ratings, subject, rater, rating, weights, categories, confidence)
    return _chance_corrected(
        coded,
        statistic="brennan_prediger",
        weights=weights,
        confidence=confidence,
        chance=lambda share, pi, w: (float(w.sum()) / w.shape[0] ** 2, None),
    )


def percent_agreement(
    ratings: pd.DataFrame,
    *,
    subject: str,
    rater: str,
    rating: str,
    method: str = "pairwise",
    weights: str = "unweighted",
    categories: Sequence[object] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Percent agreement with its standard error: pairwise within a subject by default, all-agree on request.

    Only subjects with two or more ratings carry agreement. With two raters both methods are the share
    of subjects on which the raters agree. With more they differ:

    - ``"pairwise"`` (default): the share of agreeing *pairs* of ratings within a subject, averaged over
      subjects. Fleiss (1971) and Gwet (2014) use it, as do irrCAC and AgreeStat, and it is the
      :math:`p_a` every chance-corrected coefficient here starts from;
    - ``"all"``: the share of subjects on which *every* rating is the same; stricter, and it falls as
      raters are added even when each pair agrees as often.

    Percent agreement ignores agreement expected by chance; report it beside a chance-corrected
    coefficient, never alone (Hallgren 2012).

    Parameters
    ----------
    ratings, subject, rater, rating, categories, confidence
        As for :func:`fleiss_kappa`.
    method : {"pairwise", "all"}, default "pairwise"
        See above.
    weights : str, default "unweighted"
        Weights other than ``"unweighted"`` credit near-misses (pairwise only).

    Returns
    -------
    DataFrame
        The columns of :func:`conger_kappa`, with ``statistic`` ``"percent_agreement"``,
        ``estimate`` the agreement, ``p_e`` 0, ``se`` Gwet's (2014) standard error, the interval
        clipped to [0, 1], and ``method``.

    Notes
    -----
    Pairwise: :math:`p_a = \\frac{1}{n'} \\sum_{i: r_i \\ge 2} \\sum_k \\frac{r_{ik} (r^\\star_{ik} - 1)}{r_i (r_i - 1)}`
    (:func:`~lovende_research.agreement.gwet.gwet_ac2`'s notation); all-agree: the share of the
    :math:`n'` subjects with :math:`\\max_k r_{ik} = r_i`. Both standard errors are Gwet's linearisation
    with :math:`p_e = 0`.

    References
    ----------
    Hallgren, K. A. (2012). Computing inter-rater reliability for observational data: an overview and
    tutorial. *Tutorials in Quantitative Methods for Psychology*, 8(1), 23–34.
    Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.), ch. 2. Advanced Analytics.

    Examples
    --------
    Three raters on one subject give (x, x, y): one pair of three agrees, not all three.

    >>> long = pd.DataFrame({"s": [1, 1, 1, 2, 2, 2], "r": ["a", "b", "c"] * 2, "v": ["x", "x", "y", "x", "x", "x"]})
    >>> [round(float(percent_agreement(long, subject="s", rater="r", rating="v", method=m)["estimate"].iloc[0]), 3)
    ...  for m in ("pairwise", "all")]
    [0.667, 0.5]
    """
    if method not in PERCENT_METHODS:
        raise _unknown("ukendt metode", "unknown method", repr(method), PERCENT_METHODS)
    if method == "all" and weights != "unweighted":
        raise AgreementError(
            "method='all' tæller ens bedømmelser og tager ingen vægte; brug weights='unweighted'",
            "method='all' counts equal ratings and takes no weights; use weights='unweighted'",
        )
    coded = _coded(ratings, subject, rater, rating, weights, categories, confidence)
    row = _chance_corrected(
        coded,
        statistic="percent_agreement",
        weights=weights,
        confidence=confidence,
        chance=lambda share, pi, w: (0.0, None),
        observed=method,
    )
    return row.assign(method=method)
