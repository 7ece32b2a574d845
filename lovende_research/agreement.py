"""Agreement statistics between raters: thin, documented, tested wrappers around well-kept libraries.

Every statistic here takes ratings in **long form** (one row per subject × rater, the shape of the
study tables) and returns a one-row :class:`pandas.DataFrame` with the same core columns, so results
for different statistics, criteria or elements can be stacked with :func:`pandas.concat` and plotted
alike:

``statistic``, ``n_subjects``, ``n_raters``, ``percent_agreement``, ``estimate``, ``se``, ``ci_low``,
``ci_high``, ``confidence``

plus columns particular to the statistic (Cohen's kappa adds ``expected_agreement``). A statistic that
is undefined for the data (e.g. kappa when both raters used one category only) gives ``NaN`` in
``estimate``/``se``/``ci_*`` rather than raising: the caller decides what to say about it, and
``percent_agreement`` is still reported.

What is here:

- two raters, nominal: :func:`cohens_kappa` (and :func:`kappa_from_table`), :func:`percent_agreement`;
- coders on an ordinal scale: :func:`krippendorff_alpha` (nominal/ordinal/interval/ratio, missing
  ratings, bootstrap interval over units), :func:`weighted_kappa` (every pair of raters, linear or
  quadratic weights), :func:`gwet_ac2` (AC1/AC2 with its standard error conditional on the raters);
- :func:`coder_agreement`: the three side by side per element and overall, with a flag and a note when
  they disagree because the codes pile up at one end of the scale (the kappa paradox);
  :func:`coding_units` turns ``Study.codings`` into its input.

Krippendorff's alpha and Gwet's AC2 are written here from the papers, because the libraries that have
them are GPL (see ``design.md``: pingouin, krippendorff and irrCAC are at most test-time cross-checks);
weighted kappa wraps statsmodels. Alpha, AC2 and the weighted kappas add extra columns after the core
ones (``level``, ``observed_agreement``, ``weights``, ``rater_a``/``rater_b`` …), documented with each.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.inter_rater import cohens_kappa as _sm_cohens_kappa

from lovende_research.errors import LovendeError
from lovende_research.i18n import phrase
from lovende_research.instrument import Instrument

#: The columns every statistic in this module returns, in this order.
RESULT_COLUMNS: tuple[str, ...] = (
    "statistic",
    "n_subjects",
    "n_raters",
    "percent_agreement",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "confidence",
)


class AgreementError(LovendeError):
    """Ratings that cannot be analysed as asked (wrong columns, too many raters, a rating given twice)."""


def wide_ratings(ratings: pd.DataFrame, *, subject: str, rater: str, rating: str) -> pd.DataFrame:
    """Long ratings → one row per subject, one column per rater (sorted), ``<NA>`` where a rater is missing.

    A subject rated twice by the same rater is an error: agreement assumes one rating per rater.

    Examples
    --------
    >>> long = pd.DataFrame({"s": [1, 1, 2], "r": ["a", "b", "a"], "v": ["x", "y", "x"]})
    >>> wide_ratings(long, subject="s", rater="r", rating="v").to_dict("index")
    {1: {'a': 'x', 'b': 'y'}, 2: {'a': 'x', 'b': nan}}
    """
    missing = [c for c in (subject, rater, rating) if c not in ratings.columns]
    if missing:
        raise AgreementError(f"bedømmelserne mangler kolonnerne {', '.join(missing)}")
    twice = ratings.duplicated([subject, rater], keep=False)
    if twice.any():
        pairs = ratings.loc[twice, [subject, rater]].drop_duplicates().astype(str).agg(" / ".join, axis=1)
        raise AgreementError(f"samme {subject} × {rater} er bedømt mere end én gang: {', '.join(pairs)}")
    wide = ratings.pivot(index=subject, columns=rater, values=rating)
    wide.columns.name = None
    return wide[sorted(wide.columns)]


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


# ==================================================================================================
# Coder agreement on ordinal scales: Krippendorff's alpha, weighted kappa per pair, Gwet's AC2, and a
# per-group table that says when they disagree because the codes pile up at one end of the scale.
#
# Krippendorff's alpha and Gwet's AC2 are written here from the papers (the libraries that have them,
# krippendorff and irrCAC, are GPL; see design.md). Weighted kappa wraps statsmodels. Ratings are coded
# once to integer arrays (unit, rater, category) and every statistic is computed from counts with numpy,
# without a Python loop over units, so a bootstrap of 1,000 draws over a thousand units takes a fraction
# of a second.
# ==================================================================================================

#: Levels of measurement :func:`krippendorff_alpha` knows (its difference functions).
ALPHA_LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")

#: Agreement weights :func:`gwet_ac2` knows; ``"identity"`` gives AC1.
AC2_WEIGHTS: tuple[str, ...] = ("identity", "linear", "quadratic", "ordinal")

#: Weights :func:`weighted_kappa` knows (Cicchetti–Allison linear and Fleiss–Cohen quadratic).
KAPPA_WEIGHTS: tuple[str, ...] = ("linear", "quadratic")

#: The group label of the row that pools every group in :func:`coder_agreement`.
OVERALL: str = "alle"

#: Phrases for the notes in :func:`coder_agreement` ({key: (dansk, english)}).
PHRASES: dict[str, tuple[str, str]] = {
    "paradox": (
        "Kappa-paradokset: alpha/kappa er lave ({low:.2f}), selv om kodningerne er enige i {agree:.0%} af "
        "tilfældene og AC2 er {ac2:.2f}, fordi {share:.0%} af koderne ligger i yderkategorien {category}. "
        "Den forventede enighed er da høj, så få uenigheder trækker alpha og kappa ned; læs AC2 og den "
        "procentvise enighed ved siden af, og se på fordelingen, før enigheden kaldes dårlig.",
        "The kappa paradox: alpha/kappa are low ({low:.2f}) although the codings agree in {agree:.0%} of "
        "cases and AC2 is {ac2:.2f}, because {share:.0%} of the codes sit in the end category {category}. "
        "Expected agreement is then high, so a few disagreements pull alpha and kappa down; read AC2 and "
        "percent agreement beside them, and look at the distribution, before calling agreement poor.",
    ),
}


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise AgreementError(f"confidence skal ligge mellem 0 og 1 (fandt {confidence!r})")


def _check_weights(weights: str, allowed: Sequence[str]) -> None:
    if weights not in allowed:
        raise AgreementError(f"ukendte vægte {weights!r}; forventet: {', '.join(allowed)}")


class _Coded:
    """Ratings coded once to integer arrays: one entry per non-missing rating.

    ``unit``/``rater``/``category`` index ``units``/``raters``/``categories``; ``scores`` are the
    categories as numbers (their values when numeric, else their ranks 1..q), used by the interval and
    ratio metrics and the linear/quadratic weights.
    """

    def __init__(
        self,
        ratings: pd.DataFrame,
        *,
        subject: str,
        rater: str,
        rating: str,
        categories: Sequence[object] | None,
        ordered: bool,
    ) -> None:
        missing = [c for c in (subject, rater, rating) if c not in ratings.columns]
        if missing:
            raise AgreementError(f"bedømmelserne mangler kolonnerne {', '.join(missing)}")
        unit_codes, self.units = pd.factorize(ratings[subject], sort=False)
        rater_codes, self.raters = pd.factorize(ratings[rater], sort=True)
        if (unit_codes < 0).any() or (rater_codes < 0).any():
            raise AgreementError(f"{subject} og {rater} skal være udfyldt i hver række")
        key = np.asarray(unit_codes, dtype=np.int64) * max(len(self.raters), 1) + np.asarray(rater_codes, dtype=np.int64)
        if len(key) and np.bincount(key).max() > 1:
            twice = ratings.duplicated([subject, rater], keep=False)
            pairs = ratings.loc[twice, [subject, rater]].drop_duplicates().head(5).astype(str).agg(" / ".join, axis=1)
            raise AgreementError(f"samme {subject} × {rater} er bedømt mere end én gang: {', '.join(pairs)}")
        present = ratings[rating].notna().to_numpy()
        kept = ratings.loc[present, [rating]]
        values = kept[rating]
        numeric = pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype)
        if categories is not None:
            levels = list(categories)
        else:
            observed = pd.unique(values.to_numpy())
            if ordered and not numeric:
                raise AgreementError(
                    f"bedømmelserne i {rating} er ikke tal; giv categories i skalaens rækkefølge for et ordinalt mål"
                )
            levels = sorted(observed.tolist()) if numeric else sorted(observed.tolist(), key=str)
        index = pd.Index(levels)
        if not index.is_unique:
            raise AgreementError(f"categories indeholder den samme kategori flere gange: {levels}")
        category = index.get_indexer(pd.Index(values.to_numpy()))
        if (category < 0).any():
            unknown = sorted({str(v) for v in values.to_numpy()[category < 0]})
            raise AgreementError(f"bedømmelser uden for kategorierne {levels}: {unknown[:10]}")
        all_numbers = all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in levels)
        self.categories: list[object] = levels
        self.scores: np.ndarray = (
            np.asarray(levels, dtype=float) if all_numbers else np.arange(1, len(levels) + 1, dtype=float)
        )
        self.numeric_categories: bool = all_numbers
        self.unit: np.ndarray = np.asarray(unit_codes, dtype=np.int64)[present]
        self.rater: np.ndarray = np.asarray(rater_codes, dtype=np.int64)[present]
        self.category: np.ndarray = np.asarray(category, dtype=np.int64)

    @property
    def q(self) -> int:
        return len(self.categories)

    def counts(self) -> np.ndarray:
        """Units × categories: how many raters put each unit in each category (units with a rating)."""
        flat = np.bincount(self.unit * self.q + self.category, minlength=len(self.units) * self.q)
        return flat.reshape(len(self.units), self.q).astype(float)

    def matrix(self) -> np.ndarray:
        """Units × raters of category indices, -1 where the rater gave no (or a missing) rating."""
        out = np.full((len(self.units), len(self.raters)), -1, dtype=np.int64)
        out[self.unit, self.rater] = self.category
        return out


def _exact_agreement(counts: np.ndarray) -> float:
    """Share of units with two or more ratings on which all ratings are the same category."""
    m = counts.sum(axis=1)
    rated = m >= 2
    if not rated.any():
        return float("nan")
    return float(np.mean(counts[rated].max(axis=1) == m[rated]))


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


def _alpha_from_coincidences(o: np.ndarray, level: str, metric: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """α, D_o and D_e from coincidence matrices ``o`` of shape (..., V, V)."""
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
        - ``percent_agreement``: share of pairable units on which all ratings are identical
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
        raise AgreementError(f"ukendt måleniveau {level!r}; forventet: {', '.join(ALPHA_LEVELS)}")
    _check_confidence(confidence)
    if n_boot < 0:
        raise AgreementError(f"n_boot skal være 0 eller mere (fandt {n_boot})")
    coded = _Coded(ratings, subject=subject, rater=rater, rating=rating, categories=categories, ordered=level != "nominal")
    return _alpha_table(coded, level=level, n_boot=n_boot, seed=seed, confidence=confidence)


def _alpha_table(coded: _Coded, *, level: str, n_boot: int, seed: int | np.random.Generator | None, confidence: float) -> pd.DataFrame:
    """:func:`krippendorff_alpha` on ratings already coded (coded once per group by :func:`coder_agreement`)."""
    if level in ("interval", "ratio") and not coded.numeric_categories:
        raise AgreementError(f"måleniveauet {level} kræver talværdier som kategorier (fandt {coded.categories})")
    counts = coded.counts()
    m = counts.sum(axis=1)
    pairable = counts[m >= 2]
    m_p = m[m >= 2]
    v = coded.q
    scaled = pairable / (m_p - 1)[:, None]
    o = pairable.T @ scaled - np.diag(scaled.sum(axis=0))
    metric = _alpha_metric(level, coded.scores)
    alpha, d_o, d_e = (float(x) for x in _alpha_from_coincidences(o, level, metric)) if len(pairable) else (np.nan,) * 3
    row: dict[str, object] = {
        "statistic": "krippendorff_alpha",
        "n_subjects": int(len(pairable)),
        "n_raters": int(len(np.unique(coded.rater))),
        "percent_agreement": _exact_agreement(counts),
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
        per_pattern = (patterns[:, :, None] * pattern_scaled[:, None, :] - pattern_scaled[:, :, None] * np.eye(v)).reshape(len(patterns), v * v)
        draws = _bootstrap_units(
            per_pattern, kind.reshape(-1), n_boot, seed, lambda ob: _alpha_from_coincidences(ob.reshape(-1, v, v), level, metric)[0]
        )
        draws = draws[np.isfinite(draws)]
        if len(draws) >= 2:
            tail = (1 - confidence) / 2
            low, high = np.quantile(draws, [tail, 1 - tail])
            row.update(se=float(np.std(draws, ddof=1)), ci_low=float(low), ci_high=float(high), n_boot=int(len(draws)))
    return pd.DataFrame([row])


def _bootstrap_units(
    per_kind: np.ndarray,
    kind: np.ndarray,
    n_boot: int,
    seed: int | np.random.Generator | None,
    statistic: Callable[[np.ndarray], np.ndarray],
) -> np.ndarray:
    """``statistic`` of ``n_boot`` resamples of the units with replacement.

    Unit ``u`` adds the row ``per_kind[kind[u]]``, so a draw's total is ``counts @ per_kind`` with
    ``counts`` the number of drawn units of each kind. The draws are made in chunks of about five
    million unit indices from one generator (the chunk sizes, and so the random stream, are the ones
    a draw of one weight per unit used), so memory stays bounded whatever the number of units.

    Summing per kind replaced ``weights @ per_unit`` with one weight per unit: that product streamed
    the units × V² matrix through memory once per chunk, and BLAS's threads, which contend with any
    other process on a small machine, made the alpha bootstrap of a national study (545,000 units)
    grow faster than linearly. The sums are the same whenever the per-unit terms are exact in binary
    (two coders: whole numbers; three: halves); with more coders they agree to rounding (~1e-15).
    """
    rng = np.random.default_rng(seed)
    units = len(kind)
    kinds = per_kind.shape[0]
    chunk = max(1, min(n_boot, 5_000_000 // max(units, 1)))
    out = np.empty(n_boot)
    done = 0
    while done < n_boot:
        size = min(chunk, n_boot - done)
        picks = rng.integers(0, units, size=(size, units))
        offsets = (np.arange(size) * kinds)[:, None]
        counts = np.bincount((kind[picks] + offsets).ravel(), minlength=size * kinds).reshape(size, kinds)
        out[done : done + size] = statistic(counts.astype(np.float64) @ per_kind)
        done += size
    return out


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


def in_element_order(table: pd.DataFrame, instrument: Instrument, column: str = "element_id") -> pd.DataFrame:
    """``table``'s rows in the instrument's element order (1, 2, …), rows of no element (the overall row) last.

    :func:`coder_agreement` keeps its groups in id order, because each group's bootstrap stream follows
    that order; a reader looks for the elements by their numbers.
    """
    return table.sort_values(column, key=lambda ids: ids.astype(str).map(instrument.element_position), na_position="last", kind="stable")


def coding_units(codings: pd.DataFrame, instrument: Instrument, *, include_consensus: bool = False) -> pd.DataFrame:
    """``Study.codings`` → the long ratings :func:`coder_agreement` takes, one row per coding.

    The unit of agreement is one item in one interview (under one delimitation): ``subject`` is the key
    ``interview_id|item_id|delimitation_id``. Consensus codes (``is_consensus``) are left out unless
    asked for, since they are not an independent coder; so is the sikker-praksis screen item, which is
    not on the scale. Missing codes (``ved ikke`` …) stay as rows with ``value`` ``<NA>``: they are not
    pairable and drop out of every statistic.

    Returns
    -------
    DataFrame
        Columns ``subject``, ``interview_id``, ``item_id``, ``element_id``, ``coder_id``, ``value``
        (Int64).

    Examples
    --------
    >>> from lovende_research.instrument import load_instrument
    >>> inst = load_instrument()
    >>> item = inst.elements[0].items[0].id
    >>> codings = pd.DataFrame({"interview_id": ["i1", "i1"], "coder_id": ["k1", "k2"], "item_id": [item] * 2,
    ...                         "value": pd.array([3, 4], dtype="Int64")})
    >>> units = coding_units(codings, inst)
    >>> units["element_id"].tolist(), units["subject"].iloc[0] == f"i1|{item}|main"
    (['teori', 'teori'], True)
    """
    element_of = {item.id: item.element_id for item in instrument.items}
    frame = codings[codings["item_id"].astype(str).isin(element_of)]
    if not include_consensus and "is_consensus" in frame.columns:
        frame = frame[~frame["is_consensus"].astype(bool)]
    delimitation = frame["delimitation_id"].astype(str) if "delimitation_id" in frame.columns else "main"
    out = pd.DataFrame(
        {
            "subject": frame["interview_id"].astype(str) + "|" + frame["item_id"].astype(str) + "|" + delimitation,
            "interview_id": frame["interview_id"].astype(str),
            "item_id": frame["item_id"].astype(str),
            "element_id": frame["item_id"].astype(str).map(element_of),
            "coder_id": frame["coder_id"].astype(str),
            "value": frame["value"].astype("Int64"),
        }
    )
    return out.reset_index(drop=True)


def coder_agreement(
    codings_long: pd.DataFrame,
    *,
    by: str | None = "element_id",
    subject: str = "subject",
    rater: str = "coder_id",
    rating: str = "value",
    categories: Sequence[object] | None = None,
    kappa_weights: str = "quadratic",
    ac2_weights: str = "quadratic",
    n_boot: int = 1000,
    seed: int | None = None,
    confidence: float = 0.95,
    low: float = 0.667,
    high: float = 0.8,
    pile_up: float = 0.7,
    language: str = "da",
) -> pd.DataFrame:
    """Coder agreement per group (e.g. element) and overall: ordinal alpha, weighted kappa, AC2, side by side.

    The three statistics answer the same question with different chance models, and on a skewed scale
    they part ways: when nearly every code is *i høj grad*, expected agreement is high, so a handful of
    disagreements drags alpha and kappa down while percent agreement and AC2 stay high (the kappa
    paradox; Feinstein & Cicchetti 1990). The table flags that case so a reader does not take it for
    poor coding, nor AC2 alone for good coding.

    Parameters
    ----------
    codings_long : DataFrame
        Long ratings, e.g. from :func:`coding_units` (``subject``, ``coder_id``, ``value``, and the
        grouping column). Missing codes are ``<NA>`` and not pairable.
    by : str or None, default "element_id"
        The grouping column; ``None`` gives the overall row only.
    subject, rater, rating : str
        The columns holding the unit (interview × item), the coder and the scale code.
    categories : sequence, optional
        The scale's codes in order, e.g. ``instrument.scale_codes``. Pass them: AC2 and the pile-up
        share depend on the whole scale, not only the codes used.
    kappa_weights : {"quadratic", "linear"}, default "quadratic"
        Weights for :func:`weighted_kappa`.
    ac2_weights : {"quadratic", "linear", "ordinal", "identity"}, default "quadratic"
        Weights for :func:`gwet_ac2`.
    n_boot : int, default 1000
        Bootstrap draws over units for alpha's interval (0: none).
    seed : int, optional
        Seed; each group gets its own stream spawned from it, so a group's interval does not depend on
        which other groups are in the table.
    confidence : float, default 0.95
        Coverage of every interval.
    low, high, pile_up : float, defaults 0.667, 0.8, 0.7
        Thresholds of the paradox rule (see Notes). 0.667 is Krippendorff's lowest acceptable alpha for
        tentative conclusions.
    language : {"da", "en"}, default "da"
        Language of ``note``.

    Returns
    -------
    DataFrame
        One row per group, then one row for all groups pooled (``by`` column = :data:`OVERALL`), with
        columns

        - the ``by`` column (or none when ``by`` is None), ``scope``: ``"group"`` or ``"overall"``
        - ``n_subjects``: pairable units (coded by two or more coders); ``n_raters``: coders
        - ``n_ratings``: non-missing codes
        - ``percent_agreement``: share of pairable units on which all coders gave the same code
        - ``alpha``, ``alpha_ci_low``, ``alpha_ci_high``: ordinal Krippendorff's alpha, bootstrap interval
        - ``kappa``, ``kappa_ci_low``, ``kappa_ci_high``: weighted kappa; with more than two coders the
          mean over pairs, and the interval only when there is a single pair
        - ``n_pairs``: coder pairs behind ``kappa``
        - ``ac2``, ``ac2_ci_low``, ``ac2_ci_high``: Gwet's AC2 with its t interval
        - ``end_category``, ``end_share``: the end of the scale (lowest or highest code) holding most
          codes, and the share of codes there
        - ``paradox``: the rule below holds
        - ``note``: an explanation when ``paradox``, else empty
        - ``confidence``

    Notes
    -----
    ``paradox`` is true when all of

    1. alpha or kappa is below ``low``, or undefined (a single category used throughout);
    2. ``percent_agreement >= high`` and ``ac2 >= high``;
    3. ``end_share >= pile_up``: at least that share of the (non-missing) codes sit in the lowest or in
       the highest category of the scale.

    Condition 3 keeps the flag to the paradox proper: low alpha with high raw agreement and *no* pile-up
    is a different problem (a few large disagreements) and is not explained away.

    References
    ----------
    Feinstein, A. R., & Cicchetti, D. V. (1990). High agreement but low kappa: I. The problems of two
    paradoxes. *Journal of Clinical Epidemiology*, 43(6), 543–549.
    Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence of high
    agreement. *British Journal of Mathematical and Statistical Psychology*, 61(1), 29–48.
    Krippendorff, K. (2019). *Content Analysis* (4th ed.), section 12.4 (standards for alpha). Sage.

    Examples
    --------
    Two coders, 20 items of one element coded almost all "4"; they disagree on two:

    >>> values_a = [4] * 18 + [3, 4]
    >>> values_b = [4] * 18 + [4, 3]
    >>> long = pd.DataFrame({"subject": list(range(20)) * 2, "coder_id": ["a"] * 20 + ["b"] * 20,
    ...                      "element_id": "maal", "value": pd.array(values_a + values_b, dtype="Int64")})
    >>> row = coder_agreement(long, categories=[1, 2, 3, 4], n_boot=0).iloc[0]
    >>> round(float(row["alpha"]), 3), round(float(row["ac2"]), 3), bool(row["paradox"])
    (-0.026, 0.988, True)
    """
    _check_confidence(confidence)
    _check_weights(kappa_weights, KAPPA_WEIGHTS)
    _check_weights(ac2_weights, AC2_WEIGHTS)
    if by is not None and by not in codings_long.columns:
        raise AgreementError(f"grupperingskolonnen {by!r} findes ikke i kodningerne")
    groups: list[tuple[object, pd.DataFrame, str]] = []
    if by is not None:
        for key, frame in codings_long.groupby(by, sort=True, observed=True):
            groups.append((key, frame, "group"))
    groups.append((OVERALL, codings_long, "overall"))
    streams = np.random.SeedSequence(seed).spawn(len(groups))
    rows = []
    for (key, frame, scope), stream in zip(groups, streams):
        row: dict[str, object] = {by: key} if by is not None else {}
        row["scope"] = scope
        row |= _agreement_row(
            frame, subject=subject, rater=rater, rating=rating, categories=categories, kappa_weights=kappa_weights,
            ac2_weights=ac2_weights, n_boot=n_boot, rng=np.random.default_rng(stream), confidence=confidence,
        )  # fmt: skip
        row |= _paradox(row, low=low, high=high, pile_up=pile_up, language=language)
        row["confidence"] = confidence
        rows.append(row)
    return pd.DataFrame(rows)


def _agreement_row(
    frame: pd.DataFrame,
    *,
    subject: str,
    rater: str,
    rating: str,
    categories: Sequence[object] | None,
    kappa_weights: str,
    ac2_weights: str,
    n_boot: int,
    rng: np.random.Generator,
    confidence: float,
) -> dict[str, object]:
    # the three statistics read the same ratings: coded once (factorising the ids is most of the coding)
    coded = _Coded(frame, subject=subject, rater=rater, rating=rating, categories=categories, ordered=True)
    alpha = _alpha_table(coded, level="ordinal", n_boot=n_boot, seed=rng, confidence=confidence).iloc[0]
    kappa = _kappa_table(coded, chosen=[kappa_weights], confidence=confidence)
    ac2 = _ac2_table(coded, weights=ac2_weights, confidence=confidence).iloc[0]
    codes = frame[rating].dropna()
    scale = list(categories) if categories is not None else sorted(pd.unique(codes.to_numpy()).tolist())
    end_category, end_share = (pd.NA, np.nan)
    if len(codes) and scale:
        shares = {c: float((codes == c).mean()) for c in (scale[0], scale[-1])}
        end_category = max(shares, key=lambda c: shares[c])
        end_share = shares[end_category]
    single = len(kappa) == 1
    return {
        "n_subjects": int(alpha["n_subjects"]),
        "n_raters": int(alpha["n_raters"]),
        "n_ratings": int(len(codes)),
        "percent_agreement": alpha["percent_agreement"],
        "alpha": alpha["estimate"],
        "alpha_ci_low": alpha["ci_low"],
        "alpha_ci_high": alpha["ci_high"],
        "kappa": float(kappa["estimate"].mean()) if len(kappa) and kappa["estimate"].notna().any() else np.nan,
        "kappa_ci_low": float(kappa["ci_low"].iloc[0]) if single else np.nan,
        "kappa_ci_high": float(kappa["ci_high"].iloc[0]) if single else np.nan,
        "n_pairs": int(len(kappa)),
        "ac2": ac2["estimate"],
        "ac2_ci_low": ac2["ci_low"],
        "ac2_ci_high": ac2["ci_high"],
        "end_category": end_category,
        "end_share": end_share,
    }


def _paradox(row: dict[str, object], *, low: float, high: float, pile_up: float, language: str) -> dict[str, object]:
    """The paradox flag and note for one row of :func:`coder_agreement` (rule in its Notes)."""
    alpha, kappa = float(row["alpha"]), float(row["kappa"])  # type: ignore[arg-type]
    agree, ac2, share = float(row["percent_agreement"]), float(row["ac2"]), float(row["end_share"])  # type: ignore[arg-type]
    chance_low = any(np.isnan(x) or x < low for x in (alpha, kappa))
    flagged = bool(chance_low and agree >= high and ac2 >= high and share >= pile_up)
    note = ""
    if flagged:
        lowest = np.nanmin([alpha, kappa]) if not (np.isnan(alpha) and np.isnan(kappa)) else float("nan")
        note = phrase(PHRASES, "paradox", language, low=lowest, agree=agree, ac2=ac2, share=share, category=row["end_category"])
    return {"paradox": flagged, "note": note}
