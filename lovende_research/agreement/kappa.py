"""Cohen's kappa, unweighted or weighted, for two raters and for every pair of raters.

Kappa, its large-sample standard error and the standard error under :math:`\\kappa = 0` are Fleiss,
Cohen & Everitt's (1969) formulas for any agreement weights, written out here for the one set of weight
names (:data:`~lovende_research.agreement.formats.WEIGHTS`) the other statistics use. They give the
numbers of SAS PROC FREQ's AGREE option and of statsmodels' ``cohens_kappa``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from lovende_research.agreement.formats import (
    RESULT_COLUMNS,
    _check_confidence,
    _check_weights,
    _Coded,
    _interval,
    _more_than_two,
    agreement_weights,
)

#: The columns of :func:`cohens_kappa` after :data:`RESULT_COLUMNS`.
KAPPA_COLUMNS: tuple[str, ...] = ("p_o", "p_e", "se_h0", "z", "p_value", "weights")


def cohens_kappa(
    ratings: pd.DataFrame,
    *,
    subject: str,
    rater: str,
    rating: str,
    weights: str = "unweighted",
    categories: Sequence[object] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Cohen's kappa for two raters, unweighted (Cohen 1960) or weighted (Cohen 1968), with its test of 0.

    The two raters are the two raters with a rating; only subjects both rated count (a subject with one
    rating drops out). For a published contingency table use
    :func:`~lovende_research.agreement.formats.long_from_table` first.

    Parameters
    ----------
    ratings : DataFrame
        Long form: one row per subject × rater, two raters; ``rating`` may be ``NA`` (as if absent).
    subject, rater, rating : str
        The columns holding the subject id, the rater id and the rating.
    weights : {"unweighted", "linear", "quadratic", "ordinal"}, default "unweighted"
        Agreement weights (:func:`~lovende_research.agreement.formats.agreement_weights`) on the category
        values when they are numbers, else on their ranks.
    categories : sequence, optional
        All possible ratings, in scale order. Defaults to those observed. An unused category leaves
        unweighted kappa as it is, but changes the span of linear and quadratic weights.
    confidence : float, default 0.95
        Coverage of the Wald interval.

    Returns
    -------
    DataFrame
        One row with columns

        - ``statistic``: ``"cohen_kappa"`` or ``"weighted_kappa_<weights>"``
        - ``n_subjects``: subjects rated by both; ``n_raters``: 2
        - ``percent_agreement``: share of those subjects with identical ratings
        - ``estimate``: :math:`\\kappa`; ``NaN`` when :math:`p_e = 1` (one and the same category
          throughout, so agreement beyond chance is undefined) or no subject was rated twice
        - ``se``: the large-sample standard error (ASE) of :math:`\\kappa`
        - ``ci_low``, ``ci_high``: :math:`\\kappa \\mp z_{1-\\alpha/2}\\,\\mathrm{se}`, clipped to [-1, 1]
        - ``confidence``: the coverage asked for
        - ``p_o``, ``p_e``: weighted observed and chance agreement
        - ``se_h0``: the standard error under :math:`\\kappa = 0` (ASE under H0)
        - ``z``: :math:`\\kappa / \\mathrm{se}_0`; ``p_value``: two-sided normal p of the test of 0
        - ``weights``: the weights used

    Notes
    -----
    With :math:`p_{ij}` the share of subjects rated :math:`i` by the first rater and :math:`j` by the
    second, margins :math:`p_{i\\cdot}`, :math:`p_{\\cdot j}`, agreement weights :math:`w_{ij}` and
    :math:`\\bar w_{i\\cdot} = \\sum_j p_{\\cdot j} w_{ij}`, :math:`\\bar w_{\\cdot j} = \\sum_i p_{i\\cdot} w_{ij}`:

    .. math::

        p_o = \\sum_{ij} w_{ij} p_{ij}, \\quad p_e = \\sum_{ij} w_{ij} p_{i\\cdot} p_{\\cdot j}, \\quad
        \\kappa = \\frac{p_o - p_e}{1 - p_e},

    .. math::

        \\widehat{\\mathrm{var}}(\\kappa) = \\frac{\\sum_{ij} p_{ij} [w_{ij} - (\\bar w_{i\\cdot} + \\bar w_{\\cdot j})(1 - \\kappa)]^2
        - [\\kappa - p_e (1 - \\kappa)]^2}{n (1 - p_e)^2}, \\quad
        \\mathrm{var}_0 = \\frac{\\sum_{ij} p_{i\\cdot} p_{\\cdot j} [w_{ij} - (\\bar w_{i\\cdot} + \\bar w_{\\cdot j})]^2 - p_e^2}{n (1 - p_e)^2}

    (Fleiss, Cohen & Everitt 1969; unweighted, :math:`w_{ij} = [i = j]`). The Wald interval is poor for
    small :math:`n` or :math:`\\kappa` near 1 (width 0 at :math:`\\kappa = 1`); read it as a rough guide there.

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and Psychological
    Measurement*, 20(1), 37–46.
    Cohen, J. (1968). Weighted kappa: Nominal scale agreement with provision for scaled disagreement or
    partial credit. *Psychological Bulletin*, 70(4), 213–220.
    Fleiss, J. L., Cohen, J., & Everitt, B. S. (1969). Large sample standard errors of kappa and
    weighted kappa. *Psychological Bulletin*, 72(5), 323–327.

    Examples
    --------
    Wikipedia's "Cohen's kappa" worked example: 50 proposals, both say yes to 20, both no to 15, A yes
    and B no to 5, A no and B yes to 10.

    >>> from lovende_research.agreement.formats import long_from_table
    >>> long = long_from_table([[20, 5], [10, 15]], ["ja", "nej"])
    >>> result = cohens_kappa(long, subject="subject", rater="rater", rating="rating").iloc[0]
    >>> [round(float(result[c]), 2) for c in ("p_o", "p_e", "estimate")]
    [0.7, 0.5, 0.4]
    """
    _check_weights(weights)
    _check_confidence(confidence)
    coded = _Coded(
        ratings, subject=subject, rater=rater, rating=rating, categories=categories, ordered=weights != "unweighted"
    )
    if len(coded.raters) > 2:
        raise _more_than_two("Cohens kappa", coded.raters)
    matrix = coded.matrix()
    q = coded.q
    if matrix.shape[1] == 2:
        both = (matrix >= 0).all(axis=1)
        table = np.bincount(matrix[both, 0] * q + matrix[both, 1], minlength=q * q).reshape(q, q).astype(float)
    else:
        table = np.zeros((q, q))
    return pd.DataFrame([_kappa_row(table, coded.scores, weights, confidence)])


def _kappa_row(table: np.ndarray, scores: np.ndarray, weights: str, confidence: float) -> dict[str, object]:
    """Kappa, both standard errors and the test from one contingency table (formulas in :func:`cohens_kappa`)."""
    n = float(table.sum())
    row: dict[str, object] = dict.fromkeys(RESULT_COLUMNS + KAPPA_COLUMNS, np.nan) | {
        "statistic": "cohen_kappa" if weights == "unweighted" else f"weighted_kappa_{weights}",
        "n_subjects": int(n),
        "n_raters": 2,
        "confidence": confidence,
        "weights": weights,
    }
    if n == 0:
        return row
    p = table / n
    w = agreement_weights(scores, weights)
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    p_o, p_e = float((w * p).sum()), float(rows @ w @ cols)
    row.update(percent_agreement=float(np.trace(p)), p_o=p_o, p_e=p_e)
    if np.isclose(p_e, 1.0):
        return row
    kappa = (p_o - p_e) / (1 - p_e)
    margin = (w @ cols)[:, None] + (rows @ w)[None, :]
    var = ((p * (w - margin * (1 - kappa)) ** 2).sum() - (kappa - p_e * (1 - kappa)) ** 2) / (n * (1 - p_e) ** 2)
    var0 = ((np.outer(rows, cols) * (w - margin) ** 2).sum() - p_e**2) / (n * (1 - p_e) ** 2)
    se, se0 = float(np.sqrt(max(var, 0.0))), float(np.sqrt(max(var0, 0.0)))
    low, high = _interval(kappa, se, float(stats.norm.ppf(0.5 + confidence / 2)))
    row.update(estimate=kappa, se=se, ci_low=low, ci_high=high, se_h0=se0)
    if se0 > 0:
        z = kappa / se0
        row.update(z=z, p_value=float(2 * stats.norm.sf(abs(z))))
    return row


def weighted_kappa(
    ratings: pd.DataFrame,
    *,
    subject: str,
    rater: str,
    rating: str,
    weights: str | Sequence[str] = "quadratic",
    categories: Sequence[object] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """:func:`cohens_kappa` for every pair of raters, with one or more sets of weights.

    Each pair is computed on the subjects both rated (a missing rating drops that subject from the
    rater's pairs only).

    Parameters
    ----------
    ratings : DataFrame
        Long form: one row per subject × rater, any number of raters; ``rating`` may be ``NA``.
    subject, rater, rating : str
        The columns holding the subject id, the rater id and the (ordinal) rating.
    weights : str or sequence of str, default "quadratic"
        Names from :data:`~lovende_research.agreement.formats.WEIGHTS`; a sequence gives one row per
        pair and weight.
    categories : sequence, optional
        All possible ratings, in scale order. Defaults to the observed ratings.
    confidence : float, default 0.95
        Coverage of the Wald interval.

    Returns
    -------
    DataFrame
        One row per pair of raters (sorted) and weight: ``statistic``, ``rater_a``, ``rater_b``, then the
        columns of :func:`cohens_kappa` from ``n_subjects`` on.

    Notes
    -----
    Quadratic-weighted kappa is close to an intraclass correlation (Fleiss & Cohen 1973). Like every
    kappa it drops when the ratings pile up in one category even if the raters rarely disagree; see
    :func:`~lovende_research.agreement.coders.coder_agreement` for the note on that.

    References
    ----------
    Fleiss, J. L., & Cohen, J. (1973). The equivalence of weighted kappa and the intraclass correlation
    coefficient as measures of reliability. *Educational and Psychological Measurement*, 33, 613–619.

    Examples
    --------
    Two raters, three subjects on a 1–3 scale: (1, 1), (2, 3), (3, 3).

    >>> long = pd.DataFrame({"s": [1, 1, 2, 2, 3, 3], "r": ["A", "B"] * 3, "v": [1, 1, 2, 3, 3, 3]})
    >>> res = weighted_kappa(long, subject="s", rater="r", rating="v", weights=["linear", "quadratic"])
    >>> [(w, round(float(k), 3)) for w, k in zip(res["weights"], res["estimate"])]
    [('linear', 0.667), ('quadratic', 0.8)]
    """
    chosen = [weights] if isinstance(weights, str) else list(weights)
    for w in chosen:
        _check_weights(w)
    _check_confidence(confidence)
    coded = _Coded(
        ratings, subject=subject, rater=rater, rating=rating, categories=categories, ordered=chosen != ["unweighted"]
    )
    return _kappa_table(coded, chosen=chosen, confidence=confidence)


def _kappa_table(coded: _Coded, *, chosen: list[str], confidence: float) -> pd.DataFrame:
    """:func:`weighted_kappa` on ratings already coded (coded once per group by ``coder_agreement``)."""
    matrix = coded.matrix()
    q = coded.q
    rows = []
    for a, b in itertools.combinations(range(len(coded.raters)), 2):
        both = (matrix[:, a] >= 0) & (matrix[:, b] >= 0)
        table = np.bincount(matrix[both, a] * q + matrix[both, b], minlength=q * q).reshape(q, q).astype(float)
        for w in chosen:
            row = _kappa_row(table, coded.scores, w, confidence)
            rows.append(
                {"statistic": row.pop("statistic"), "rater_a": coded.raters[a], "rater_b": coded.raters[b]} | row
            )
    columns = ["statistic", "rater_a", "rater_b", *RESULT_COLUMNS[1:], *KAPPA_COLUMNS]
    return pd.DataFrame(rows, columns=columns)
