"""Cohen's kappa, weighted kappa and percent agreement between two raters."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.inter_rater import cohens_kappa as _sm_cohens_kappa

from lovende_research.agreement.formats import RESULT_COLUMNS, AgreementError, _check_confidence, _check_weights, _Coded, wide_ratings

def percent_agreement(ratings: pd.DataFrame, *, subject: str, rater: str, rating: str) -> float:
    """Share of subjects on which every rater who rated it gave the same rating.

    Only subjects rated by at least two raters count; with none, the result is ``NaN``.

    Parameters
    ----------
    ratings : DataFrame
        Long form: one row per subject × rater.
    subject, rater, rating : str
        The columns holding the subject id, the rater id and the rating.

    Returns
    -------
    float
        :math:`p_o = (\\text{subjects with identical ratings}) / (\\text{subjects with} \\ge 2 \\text{ ratings})`.

    Notes
    -----
    Percent agreement ignores agreement expected by chance; report it beside a chance-corrected
    statistic such as :func:`cohens_kappa`, never alone (Hallgren 2012).

    References
    ----------
    Hallgren, K. A. (2012). Computing inter-rater reliability for observational data: an overview and
    tutorial. *Tutorials in Quantitative Methods for Psychology*, 8(1), 23–34.

    Examples
    --------
    >>> long = pd.DataFrame({"s": [1, 1, 2, 2, 3], "r": ["a", "b"] * 2 + ["a"], "v": ["x", "x", "x", "y", "x"]})
    >>> round(percent_agreement(long, subject="s", rater="r", rating="v"), 2)
    0.5
    """
    wide = wide_ratings(ratings, subject=subject, rater=rater, rating=rating)
    rated = wide.notna().sum(axis=1) >= 2
    if not rated.any():
        return float("nan")
    same = wide[rated].apply(lambda row: row.dropna().nunique() == 1, axis=1)
    return float(same.mean())


def cohens_kappa(
    ratings: pd.DataFrame,
    *,
    subject: str,
    rater: str,
    rating: str,
    categories: Sequence[object] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Cohen's kappa for two raters with its large-sample standard error and Wald confidence interval.

    The two raters are the two distinct values of ``rater``; only subjects both rated count.
    Kappa and its variance come from :func:`statsmodels.stats.inter_rater.cohens_kappa`.

    Parameters
    ----------
    ratings : DataFrame
        Long form: one row per subject × rater, exactly two raters.
    subject, rater, rating : str
        The columns holding the subject id, the rater id and the (nominal) rating.
    categories : sequence, optional
        All possible ratings. Defaults to those observed. Passing them keeps the contingency table
        square when a category is unused; kappa itself does not change.
    confidence : float, default 0.95
        Coverage of the confidence interval.

    Returns
    -------
    DataFrame
        One row with columns

        - ``statistic``: ``"cohen_kappa"``
        - ``n_subjects``: subjects rated by both raters
        - ``n_raters``: 2
        - ``percent_agreement``: observed agreement :math:`p_o`
        - ``expected_agreement``: chance agreement :math:`p_e` from the two raters' margins
        - ``estimate``: :math:`\\kappa`; ``NaN`` when :math:`p_e = 1` (both raters used one and the same
          category throughout, so agreement beyond chance is undefined) or when no subject was rated twice
        - ``se``: large-sample standard error of :math:`\\kappa` (not the one under :math:`\\kappa = 0`)
        - ``ci_low``, ``ci_high``: :math:`\\kappa \\mp z_{1-\\alpha/2}\\,\\mathrm{se}`, clipped to [-1, 1]
        - ``confidence``: the coverage asked for

    Notes
    -----
    With :math:`p_{ij}` the share of subjects rated :math:`i` by the first rater and :math:`j` by the
    second, margins :math:`p_{i\\cdot}` and :math:`p_{\\cdot j}`,

    .. math::

        p_o = \\sum_i p_{ii}, \\quad p_e = \\sum_i p_{i\\cdot} p_{\\cdot i}, \\quad
        \\kappa = \\frac{p_o - p_e}{1 - p_e}.

    The variance is Fleiss, Cohen & Everitt's (1969) large-sample formula

    .. math::

        \\widehat{\\mathrm{var}}(\\kappa) = \\frac{A + B - C}{n (1 - p_e)^2},\\;
        A = \\sum_i p_{ii} [1 - (p_{i\\cdot} + p_{\\cdot i})(1 - \\kappa)]^2,\\;
        B = (1 - \\kappa)^2 \\sum_{i \\ne j} p_{ij} (p_{\\cdot i} + p_{j\\cdot})^2,\\;
        C = [\\kappa - p_e (1 - \\kappa)]^2.

    The Wald interval is poor for small :math:`n` or :math:`\\kappa` near 1 (it can even have width 0
    at :math:`\\kappa = 1`); read it as a rough guide there.

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and Psychological
    Measurement*, 20(1), 37–46.
    Fleiss, J. L., Cohen, J., & Everitt, B. S. (1969). Large sample standard errors of kappa and
    weighted kappa. *Psychological Bulletin*, 72(5), 323–327.

    Examples
    --------
    The worked example of Wikipedia's "Cohen's kappa" article: 50 proposals, both say yes to 20,
    both no to 15, A yes and B no to 5, A no and B yes to 10.

    >>> pairs = [("ja", "ja")] * 20 + [("nej", "nej")] * 15 + [("ja", "nej")] * 5 + [("nej", "ja")] * 10
    >>> long = pd.DataFrame(
    ...     [(i, "A", a) for i, (a, _) in enumerate(pairs)] + [(i, "B", b) for i, (_, b) in enumerate(pairs)],
    ...     columns=["proposal", "reader", "answer"],
    ... )
    >>> result = cohens_kappa(long, subject="proposal", rater="reader", rating="answer").iloc[0]
    >>> [round(float(result[c]), 2) for c in ("percent_agreement", "expected_agreement", "estimate")]
    [0.7, 0.5, 0.4]
    """
    if not 0 < confidence < 1:
        raise AgreementError(f"confidence skal ligge mellem 0 og 1 (fandt {confidence!r})")
    wide = wide_ratings(ratings, subject=subject, rater=rater, rating=rating)
    if wide.shape[1] > 2:
        raise AgreementError(f"Cohens kappa er for to bedømmere; fandt {wide.shape[1]}: {', '.join(map(str, wide.columns))}")
    both = wide.dropna() if wide.shape[1] == 2 else wide.iloc[0:0]
    levels = list(categories) if categories is not None else sorted(pd.unique(both.to_numpy().ravel()), key=str)
    unknown = set(both.to_numpy().ravel()) - set(levels)
    if unknown:
        raise AgreementError(f"bedømmelser uden for kategorierne {levels}: {sorted(map(str, unknown))}")
    return _kappa_row(_contingency(both, levels), confidence)


def _contingency(both: pd.DataFrame, levels: list[object]) -> np.ndarray:
    """Counts of (first rater's rating, second rater's rating) over ``levels`` × ``levels``."""
    table = np.zeros((len(levels), len(levels)))
    if both.empty:
        return table
    index = {level: i for i, level in enumerate(levels)}
    for first, second in both.itertuples(index=False):
        table[index[first], index[second]] += 1
    return table


def kappa_from_table(table: np.ndarray | Sequence[Sequence[float]], confidence: float = 0.95) -> pd.DataFrame:
    """Cohen's kappa from a square contingency table (first rater in rows, second in columns).

    Same output and formulas as :func:`cohens_kappa`, for when the counts are all one has, as in a
    published table.

    Examples
    --------
    >>> round(float(kappa_from_table([[20, 5], [10, 15]])["estimate"].iloc[0]), 2)
    0.4
    """
    array = np.asarray(table, dtype=float)
    if array.ndim != 2 or array.shape[0] != array.shape[1]:
        raise AgreementError(f"tabellen skal være kvadratisk (fandt form {array.shape})")
    return _kappa_row(array, confidence)


def _kappa_row(table: np.ndarray, confidence: float) -> pd.DataFrame:
    n = float(table.sum())
    row: dict[str, object] = {
        "statistic": "cohen_kappa",
        "n_subjects": int(n),
        "n_raters": 2,
        "percent_agreement": np.nan,
        "expected_agreement": np.nan,
        "estimate": np.nan,
        "se": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "confidence": confidence,
    }
    if n > 0:
        p_o = float(np.trace(table)) / n
        p_e = float((table.sum(axis=1) / n) @ (table.sum(axis=0) / n))
        row["percent_agreement"], row["expected_agreement"] = p_o, p_e
        if not np.isclose(p_e, 1.0):
            result = _sm_cohens_kappa(table)
            kappa = float(result.kappa)
            se = float(np.sqrt(max(float(result.var_kappa), 0.0)))
            z = float(stats.norm.ppf(0.5 + confidence / 2))
            row.update(estimate=kappa, se=se, ci_low=max(-1.0, kappa - z * se), ci_high=min(1.0, kappa + z * se))
    columns = list(RESULT_COLUMNS[:4]) + ["expected_agreement"] + list(RESULT_COLUMNS[4:])
    return pd.DataFrame([row], columns=columns)


#: Weights :func:`weighted_kappa` knows (Cicchetti–Allison linear and Fleiss–Cohen quadratic).
KAPPA_WEIGHTS: tuple[str, ...] = ("linear", "quadratic")


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
    """Cohen's weighted kappa for every pair of raters, linear and/or quadratic weights.

    A thin wrapper around :func:`statsmodels.stats.inter_rater.cohens_kappa` (kappa and its large-sample
    variance), run once per pair of raters on the subjects both rated.

    Parameters
    ----------
    ratings : DataFrame
        Long form: one row per subject × rater; ``rating`` may be ``NA`` (the subject then drops out of
        that rater's pairs).
    subject, rater, rating : str
        The columns holding the subject id, the rater id and the (ordinal) rating.
    weights : {"quadratic", "linear"} or a sequence of them, default "quadratic"
        Quadratic (Fleiss–Cohen) or linear (Cicchetti–Allison) weights on the category values when they
        are numbers, else on their ranks. A sequence gives one row per pair and weight.
    categories : sequence, optional
        All possible ratings, in scale order. Defaults to the observed ratings. With linear or quadratic
        weights on values, an unused end category changes the weights' scale but not kappa.
    confidence : float, default 0.95
        Coverage of the Wald interval.

    Returns
    -------
    DataFrame
        One row per pair of raters (and weight), with columns

        - ``statistic``: ``"weighted_kappa_linear"`` or ``"weighted_kappa_quadratic"``
        - ``rater_a``, ``rater_b``: the pair (in sorted order)
        - ``n_subjects``: subjects rated by both
        - ``n_raters``: 2
        - ``percent_agreement``: share of those subjects with identical ratings
        - ``observed_agreement``, ``expected_agreement``: weighted :math:`p_o` and :math:`p_e` with
          agreement weights :math:`1 - d_{ij}/d_{max}`
        - ``estimate``: :math:`\\kappa_w`; ``NaN`` when :math:`p_e = 1` or no subject is shared
        - ``se``: large-sample standard error (Fleiss, Cohen & Everitt 1969)
        - ``ci_low``, ``ci_high``: :math:`\\kappa_w \\mp z\\,\\mathrm{se}`, clipped to [-1, 1]
        - ``confidence``: the coverage asked for
        - ``weights``: ``"linear"`` or ``"quadratic"``

    Notes
    -----
    With :math:`p_{ij}` the share of subjects rated :math:`i` by the first rater and :math:`j` by the
    second, scores :math:`x_i`, disagreement weights :math:`d_{ij} = |x_i - x_j|` (linear) or
    :math:`(x_i - x_j)^2` (quadratic) and agreement weights :math:`w_{ij} = 1 - d_{ij} / \\max d`,

    .. math::

        p_o = \\sum_{ij} w_{ij} p_{ij}, \\quad p_e = \\sum_{ij} w_{ij} p_{i\\cdot} p_{\\cdot j}, \\quad
        \\kappa_w = \\frac{p_o - p_e}{1 - p_e}.

    Quadratic-weighted kappa is close to an intraclass correlation (Fleiss & Cohen 1973). Like every
    kappa it drops when the ratings pile up in one category even if the raters rarely disagree; see
    :func:`coder_agreement` for the note on that.

    References
    ----------
    Cohen, J. (1968). Weighted kappa: Nominal scale agreement with provision for scaled disagreement or
    partial credit. *Psychological Bulletin*, 70(4), 213–220.
    Fleiss, J. L., Cohen, J., & Everitt, B. S. (1969). Large sample standard errors of kappa and
    weighted kappa. *Psychological Bulletin*, 72(5), 323–327.
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
        _check_weights(w, KAPPA_WEIGHTS)
    _check_confidence(confidence)
    coded = _Coded(ratings, subject=subject, rater=rater, rating=rating, categories=categories, ordered=True)
    return _kappa_table(coded, chosen=chosen, confidence=confidence)


def _kappa_table(coded: _Coded, *, chosen: list[str], confidence: float) -> pd.DataFrame:
    """:func:`weighted_kappa` on ratings already coded (coded once per group by :func:`coder_agreement`)."""
    matrix = coded.matrix()
    q = coded.q
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    rows = []
    for a, b in itertools.combinations(range(len(coded.raters)), 2):
        both = (matrix[:, a] >= 0) & (matrix[:, b] >= 0)
        table = np.bincount(matrix[both, a] * q + matrix[both, b], minlength=q * q).reshape(q, q).astype(float)
        for w in chosen:
            rows.append(
                {"statistic": f"weighted_kappa_{w}", "rater_a": coded.raters[a], "rater_b": coded.raters[b]}
                | _weighted_kappa_row(table, coded.scores, w, z)
                | {"confidence": confidence, "weights": w}
            )
    columns = [
        "statistic", "rater_a", "rater_b", "n_subjects", "n_raters", "percent_agreement", "observed_agreement",
        "expected_agreement", "estimate", "se", "ci_low", "ci_high", "confidence", "weights",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _weighted_kappa_row(table: np.ndarray, scores: np.ndarray, weights: str, z: float) -> dict[str, object]:
    n = float(table.sum())
    row: dict[str, object] = {
        "n_subjects": int(n),
        "n_raters": 2,
        "percent_agreement": np.nan,
        "observed_agreement": np.nan,
        "expected_agreement": np.nan,
        "estimate": np.nan,
        "se": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
    }
    if n == 0 or len(scores) < 2:
        return row
    p = table / n
    d = np.abs(scores[:, None] - scores[None, :]) ** (1 if weights == "linear" else 2)
    agree = 1 - d / d.max()
    p_o = float((agree * p).sum())
    p_e = float((agree * np.outer(p.sum(axis=1), p.sum(axis=0))).sum())
    row.update(percent_agreement=float(np.trace(p)), observed_agreement=p_o, expected_agreement=p_e)
    if np.isclose(p_e, 1.0):
        return row
    result = _sm_cohens_kappa(table, weights=scores, wt=weights)
    kappa = float(result.kappa)
    se = float(np.sqrt(max(float(result.var_kappa), 0.0)))
    row.update(estimate=kappa, se=se, ci_low=max(-1.0, kappa - z * se), ci_high=min(1.0, kappa + z * se))
    return row

