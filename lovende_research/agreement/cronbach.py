"""Cronbach's alpha with Feldt's interval, alpha if an item is deleted, and the instrument's consistency.

Items play the part raters play elsewhere in the package: the long ratings are one row per subject
(an interview) × item, and alpha asks whether the items of one element measure the same thing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from lovende_research.agreement.formats import _check_confidence, _given_twice, _missing_columns, _not_numbers
from lovende_research.i18n import number, phrase
from lovende_research.instrument import Instrument

#: Nunnally's (1978) usual floor for alpha in research use: below it the items do not hang together.
ALPHA_FLOOR: float = 0.7

#: Phrases for :func:`element_consistency`'s note ({key: (dansk, english)}).
PHRASES: dict[str, tuple[str, str]] = {
    "low": (
        "Spørgsmålene hænger ikke sammen: alpha {alpha} er under {floor}; se på, hvilket spørgsmål der "
        "trækker ned (alpha uden spørgsmålet), før elementets score læses som ét mål.",
        "The items do not hang together: alpha {alpha} is below {floor}; look at which item pulls it "
        "down (alpha if deleted) before reading the element's score as one measure.",
    ),
    "summary": (
        "{n} af {m} elementer har spørgsmål, der ikke hænger sammen (alpha under {floor}): {names}.",
        "{n} of {m} elements have items that do not hang together (alpha below {floor}): {names}.",
    ),
    "summary_none": (
        "Alle {m} elementers spørgsmål hænger sammen (alpha mindst {floor}, eller ikke beregnelig).",
        "The items of all {m} elements hang together (alpha at least {floor}, or not computable).",
    ),
    "undefined": (
        "Alpha kan ikke beregnes: for få fuldt besvarede interviews eller spørgsmål uden spredning.",
        "Alpha cannot be computed: too few fully answered interviews, or items without spread.",
    ),
}


def _matrix(ratings: pd.DataFrame, subject: str, item: str, rating: str) -> pd.DataFrame:
    """Subjects × items of numbers, complete subjects only (the missing-data rule of :func:`cronbach_alpha`)."""
    missing = [c for c in (subject, item, rating) if c not in ratings.columns]
    if missing:
        raise _missing_columns(missing, "svarene", "the answers")
    if ratings.duplicated([subject, item]).any():
        raise _given_twice(subject, item, da="forekommer", en="occurs")
    values = pd.to_numeric(ratings[rating], errors="coerce")
    if (values.isna() & ratings[rating].notna()).any():
        raise _not_numbers(rating)
    wide = ratings.assign(**{rating: values.astype(float)}).pivot(index=subject, columns=item, values=rating)
    return wide.dropna()


def _alpha(y: np.ndarray) -> tuple[float, float, float]:
    """α, the sum of the item variances and the variance of the total, from a complete n × k matrix."""
    k = y.shape[1]
    item_var = float(y.var(axis=0, ddof=1).sum())
    total_var = float(y.sum(axis=1).var(ddof=1))
    if k < 2 or total_var <= 0:
        return np.nan, item_var, total_var
    return k / (k - 1) * (1 - item_var / total_var), item_var, total_var


def cronbach_alpha(
    ratings: pd.DataFrame, *, subject: str, item: str, rating: str, confidence: float = 0.95
) -> pd.DataFrame:
    """Cronbach's alpha of a set of items, with Feldt's (1965) F-based interval.

    Parameters
    ----------
    ratings : DataFrame
        Long form: one row per subject × item, a numeric ``rating`` (``NA`` as if absent).
    subject, item, rating : str
        The columns holding the subject (respondent, interview), the item and the answer.
    confidence : float, default 0.95
        Coverage of the interval.

    Returns
    -------
    DataFrame
        One row: ``statistic`` (``"cronbach_alpha"``), ``n_subjects`` (complete subjects), ``n_items``,
        ``estimate``, ``se`` (``NaN``: the interval is F-based), ``ci_low``, ``ci_high``, ``confidence``,
        ``item_variance`` (sum of the item variances), ``total_variance`` (variance of the sum score),
        ``mean_inter_item_r`` (mean correlation between items). ``NaN`` with fewer than two items,
        fewer than three complete subjects, or a sum score without spread.

    Notes
    -----
    **Missing answers.** Alpha is computed on the subjects who answered every item (listwise, as
    ``psych::alpha(use="complete.obs")``, SPSS and pingouin's ``nan_policy="listwise"``), so all
    variances describe the same people; ``n_subjects`` says how many that left.

    With :math:`k` items, item variances :math:`s_j^2` and the variance :math:`s_X^2` of the sum score,

    .. math::

        \\hat\\alpha = \\frac{k}{k-1}\\Big(1 - \\frac{\\sum_j s_j^2}{s_X^2}\\Big).

    Feldt's interval: :math:`(1 - \\hat\\alpha) / (1 - \\alpha)` follows :math:`F(n-1, (n-1)(k-1))`, so
    :math:`[1 - (1-\\hat\\alpha) F_{1-\\gamma/2},\\ 1 - (1-\\hat\\alpha) F_{\\gamma/2}]` for coverage
    :math:`1 - \\gamma`. Alpha equals ICC3k of the same subjects × items table.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. *Psychometrika*,
    16(3), 297–334.
    Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson reliability
    coefficient twenty. *Psychometrika*, 30(3), 357–370.
    Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for coefficient alpha.
    *Applied Psychological Measurement*, 11(1), 93–103.

    Examples
    --------
    Shrout & Fleiss's (1979) six targets rated by four judges, the judges read as items: alpha is their
    ICC(3,k), .91.

    >>> data = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    >>> long = pd.DataFrame([(t, j, y) for t, row in enumerate(data) for j, y in enumerate(row)], columns=["t", "j", "y"])
    >>> round(float(cronbach_alpha(long, subject="t", item="j", rating="y")["estimate"].iloc[0]), 2)
    0.91
    """
    _check_confidence(confidence)
    y = _matrix(ratings, subject, item, rating).to_numpy(dtype=float)
    n, k = y.shape
    row: dict[str, object] = {
        "statistic": "cronbach_alpha",
        "n_subjects": n,
        "n_items": k,
        "estimate": np.nan,
        "se": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "confidence": confidence,
        "item_variance": np.nan,
        "total_variance": np.nan,
        "mean_inter_item_r": np.nan,
    }
    if n >= 3 and k >= 2:
        alpha, item_var, total_var = _alpha(y)
        row.update(item_variance=item_var, total_variance=total_var)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.corrcoef(y, rowvar=False)
        row["mean_inter_item_r"] = (
            float(np.nanmean(r[np.triu_indices(k, 1)])) if np.isfinite(r[np.triu_indices(k, 1)]).any() else np.nan
        )
        if np.isfinite(alpha):
            tail = (1 - confidence) / 2
            df1, df2 = n - 1, (n - 1) * (k - 1)
            row.update(
                estimate=alpha,
                ci_low=1 - (1 - alpha) * stats.f.ppf(1 - tail, df1, df2),
                ci_high=1 - (1 - alpha) * stats.f.ppf(tail, df1, df2),
            )
    return pd.DataFrame([row])


def alpha_if_item_deleted(ratings: pd.DataFrame, *, subject: str, item: str, rating: str) -> pd.DataFrame:
    """For each item: alpha of the other items, and the item's correlation with their sum.

    An item whose deletion *raises* alpha, or whose item–rest correlation is low, is the one that does
    not hang together with the rest. Same complete subjects as :func:`cronbach_alpha`.

    Returns
    -------
    DataFrame
        One row per item (in item order): the ``item`` column, ``alpha_if_deleted``,
        ``item_rest_r`` (Pearson correlation of the item with the sum of the others), ``n_subjects``.

    Examples
    --------
    >>> long = pd.DataFrame({"s": [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4], "i": ["a", "b", "c"] * 4,
    ...                      "v": [1, 1, 4, 2, 2, 1, 3, 3, 3, 4, 4, 2]})
    >>> out = alpha_if_item_deleted(long, subject="s", item="i", rating="v")
    >>> [round(float(x), 2) for x in out["alpha_if_deleted"]]
    [-1.33, -1.33, 1.0]
    """
    wide = _matrix(ratings, subject, item, rating)
    y = wide.to_numpy(dtype=float)
    rows = []
    for j, name in enumerate(wide.columns):
        rest = np.delete(y, j, axis=1)
        alpha = _alpha(rest)[0] if len(y) >= 3 and rest.shape[1] >= 2 else np.nan
        with np.errstate(divide="ignore", invalid="ignore"):
            r = float(np.corrcoef(y[:, j], rest.sum(axis=1))[0, 1]) if len(y) >= 3 else np.nan
        rows.append({item: name, "alpha_if_deleted": alpha, "item_rest_r": r, "n_subjects": len(y)})
    return pd.DataFrame(rows, columns=[item, "alpha_if_deleted", "item_rest_r", "n_subjects"])


def element_consistency(
    item_scores: pd.DataFrame,
    instrument: Instrument,
    *,
    subject: str = "interview_id",
    item: str = "item_id",
    rating: str = "score",
    floor: float = ALPHA_FLOOR,
    confidence: float = 0.95,
    language: str = "da",
) -> pd.DataFrame:
    """The instrument's internal consistency: Cronbach's alpha of each element's items over the interviews.

    The bundled instrument is our own operationalisation of the elements, so whether an element's items
    measure one thing is an empirical question; this answers it for a study. Elements whose items do not
    hang together (alpha below ``floor``) are flagged, with the item whose deletion helps most.

    Parameters
    ----------
    item_scores : DataFrame
        Long item scores, one row per interview × item (e.g. the reconciled codes of the scoring
        stage); missing answers (``ved ikke``) ``NA``.
    instrument : Instrument
        Gives each item's element, the element order and which elements have one item only.
    subject, item, rating : str
        The columns holding the interview, the item and the (numeric) score.
    floor : float, default 0.7
        Alpha below which an element is flagged (Nunnally 1978).
    confidence : float, default 0.95
        Coverage of Feldt's interval.
    language : {"da", "en"}, default "da"
        Language of ``note``.

    Returns
    -------
    DataFrame
        One row per element with two or more items, in instrument order: ``element_id``, the columns
        of :func:`cronbach_alpha` (``n_subjects`` = fully answered interviews), ``weakest_item`` (the
        item whose deletion gives the highest alpha; ``<NA>`` for a two-item element, where one item
        alone has no alpha) and ``alpha_without`` (that alpha), ``flagged``
        (alpha below ``floor``), ``note`` (why, empty when not flagged and defined).

    References
    ----------
    Nunnally, J. C. (1978). *Psychometric Theory* (2nd ed.). McGraw-Hill.

    Examples
    --------
    >>> from lovende_research.instrument import load_instrument
    >>> inst = load_instrument()
    >>> items = [i.id for i in inst.elements[0].items]
    >>> rng = np.random.default_rng(1)
    >>> level = rng.integers(1, 5, 30)
    >>> scores = pd.DataFrame([(f"i{n}", it, int(np.clip(level[n] + rng.integers(-1, 2), 1, 4)))
    ...                        for n in range(30) for it in items], columns=["interview_id", "item_id", "score"])
    >>> row = element_consistency(scores, inst).iloc[0]
    >>> row["element_id"], bool(row["estimate"] > 0.7), bool(row["flagged"])
    ('teori', True, False)
    """
    _check_confidence(confidence)
    element_of = {i.id: i.element_id for i in instrument.items}
    frame = item_scores[item_scores[item].astype(str).isin(element_of)]
    rows = []
    for element in instrument.elements:
        if len(element.items) < 2:
            continue
        part = frame[frame[item].astype(str).map(element_of) == element.id]
        row = {"element_id": element.id} | cronbach_alpha(
            part, subject=subject, item=item, rating=rating, confidence=confidence
        ).iloc[0].to_dict()
        deleted = (
            alpha_if_item_deleted(part, subject=subject, item=item, rating=rating) if len(part) else pd.DataFrame()
        )
        best = deleted.dropna(subset=["alpha_if_deleted"]) if len(deleted) else deleted
        row["weakest_item"] = best.loc[best["alpha_if_deleted"].idxmax(), item] if len(best) else pd.NA
        row["alpha_without"] = float(best["alpha_if_deleted"].max()) if len(best) else np.nan
        alpha = float(row["estimate"])
        row["flagged"] = bool(np.isfinite(alpha) and alpha < floor)
        row["note"] = (
            phrase(PHRASES, "low", language, alpha=number(alpha, language), floor=number(floor, language))
            if row["flagged"]
            else ""
            if np.isfinite(alpha)
            else phrase(PHRASES, "undefined", language)
        )
        rows.append(row)
    return pd.DataFrame(rows)


def consistency_verdict(
    table: pd.DataFrame, instrument: Instrument, floor: float = ALPHA_FLOOR, language: str = "da"
) -> str:
    """One sentence for the report: which elements (by number and name) have items that do not hang together.

    ``table`` is :func:`element_consistency`'s output.

    Examples
    --------
    >>> from lovende_research.instrument import load_instrument
    >>> inst = load_instrument()
    >>> table = pd.DataFrame({"element_id": ["teori", "maal"], "flagged": [True, False]})
    >>> consistency_verdict(table, inst, language="en")
    '1 of 2 elements have items that do not hang together (alpha below 0.70): 1. Theory and knowledge.'
    """
    by_id = {e.id: e for e in instrument.elements}
    flagged = [
        f"{by_id[e].number}. {by_id[e].name(language)}" for e in table.loc[table["flagged"].astype(bool), "element_id"]
    ]
    if not flagged:
        return phrase(PHRASES, "summary_none", language, m=len(table), floor=number(floor, language))
    return phrase(
        PHRASES,
        "summary",
        language,
        n=len(flagged),
        m=len(table),
        floor=number(floor, language),
        names=", ".join(flagged),
    )
