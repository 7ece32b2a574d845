"""Gwet's framework for chance-corrected agreement among any number of raters, and AC1/AC2 in it.

Gwet (2014, ch. 2–5) writes every multi-rater coefficient as :math:`(p_a - p_e) / (1 - p_e)` with the
same observed agreement :math:`p_a` (pairs of ratings within a subject, weighted) and a chance
agreement :math:`p_e` of its own, and derives one linearised variance *conditional on the raters*
(the subjects are the sample). :func:`_chance_corrected` is that shared computation; AC1/AC2 here,
Fleiss', Conger's, Brennan–Prediger and percent agreement in :mod:`.multirater` supply their
:math:`p_e` and its per-subject part.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from lovende_research.agreement.formats import (
    RESULT_COLUMNS,
    _bootstrap_units,
    _check_confidence,
    _check_n_boot,
    _check_weights,
    _Coded,
    _interval,
    _pairwise_agreement,
    _tall_product,
    agreement_weights,
)


def _chance_corrected(
    coded: _Coded,
    *,
    statistic: str,
    weights: str,
    confidence: float,
    chance: Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[float, np.ndarray | None]],
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
        weighted = _tall_product(counts, w.T)
        pa_i = np.where(two, (counts * (weighted - 1)).sum(axis=1) / np.where(two, r * (r - 1), 1.0), 0.0)
    pa = float(pa_i[two].mean())
    share = counts / r[:, None]
    pe, pe_i = chance(share, share.mean(axis=0), w)
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
        low, high = _interval(
            estimate,
            se,
            float(stats.t.ppf(0.5 + confidence / 2, n - 1)),
            low=0.0 if statistic == "percent_agreement" else -1.0,
        )
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
    n_boot: int = 0,
    seed: int | np.random.Generator | None = None,
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
        Coverage of the intervals.
    n_boot : int, default 0
        Bootstrap draws over subjects for a second interval beside the analytic one (0: none).
    seed : int or numpy Generator, optional
        Seed of the bootstrap; the same seed gives the same interval.

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
        - ``boot_se``, ``boot_ci_low``, ``boot_ci_high``: standard deviation and percentile interval of
          the bootstrap (``NaN`` without); ``n_boot``: draws with a defined AC2

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

    The bootstrap resamples subjects with replacement (raters fixed, as in the analytic variance). Every
    term of AC2 is a sum over subjects (:math:`p_{a|i}`, :math:`[r_i \\ge 2]`, :math:`r_{ik}/r_i`), so a
    draw only needs how often each pattern of counts was drawn; the two intervals should agree when the
    subjects are many, and the bootstrap is the safer one when they are few.

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
    _check_n_boot(n_boot)
    coded = _Coded(
        ratings, subject=subject, rater=rater, rating=rating, categories=categories, ordered=weights != "unweighted"
    )
    table = _ac2_table(coded, weights=weights, confidence=confidence)
    return table.assign(**_ac2_bootstrap(coded, weights, n_boot, seed, confidence))


def _ac2_bootstrap(
    coded: _Coded, weights: str, n_boot: int, seed: int | np.random.Generator | None, confidence: float
) -> dict[str, float]:
    """Percentile bootstrap of AC2 over subjects, summing per pattern of counts (see :func:`gwet_ac2`)."""
    out = {"boot_se": np.nan, "boot_ci_low": np.nan, "boot_ci_high": np.nan, "n_boot": 0}
    counts = coded.counts()
    q = coded.q
    if n_boot == 0 or q < 2 or len(counts) < 2:
        return out
    w = agreement_weights(coded.scores, weights)
    patterns, kind = np.unique(counts, axis=0, return_inverse=True)
    r = patterns.sum(axis=1)
    two = r >= 2
    pa_i = np.where(two, (patterns * (patterns @ w.T - 1)).sum(axis=1) / np.where(two, r * (r - 1), 1.0), 0.0)
    per_pattern = np.column_stack([pa_i, two, patterns / r[:, None], np.ones(len(r))])
    scale = float(w.sum()) / (q * (q - 1))

    def ac2(sums: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):  # a draw without a subject rated twice: NaN, dropped
            pa = sums[:, 0] / sums[:, 1]
            pi = sums[:, 2 : 2 + q] / sums[:, -1:]
            pe = scale * (pi * (1 - pi)).sum(axis=1)
            return (pa - pe) / (1 - pe)

    draws = _bootstrap_units(per_pattern, kind.reshape(-1), n_boot, seed, ac2)
    draws = draws[np.isfinite(draws)]
    if len(draws) >= 2:
        tail = (1 - confidence) / 2
        low, high = np.quantile(draws, [tail, 1 - tail])
        out.update(
            boot_se=float(np.std(draws, ddof=1)),
            boot_ci_low=float(low),
            boot_ci_high=float(high),
            n_boot=int(len(draws)),
        )
    return out


def _ac2_table(coded: _Coded, *, weights: str, confidence: float) -> pd.DataFrame:
    """:func:`gwet_ac2` on ratings already coded (coded once per group by :func:`coder_agreement`)."""

    def chance(share: np.ndarray, pi: np.ndarray, w: np.ndarray) -> tuple[float, np.ndarray]:
        q = len(pi)
        scale = float(w.sum()) / (q * (q - 1))
        return scale * float((pi * (1 - pi)).sum()), scale * _tall_product(share, 1 - pi)

    statistic = "gwet_ac1" if weights == "unweighted" else "gwet_ac2"
    return _chance_corrected(coded, statistic=statistic, weights=weights, confidence=confidence, chance=chance)
