"""Ratings in long form and the machinery every agreement statistic shares.

Every statistic in :mod:`lovende_research.agreement` takes ratings in **long form** (one row per
subject × rater) and returns a one-row :class:`pandas.DataFrame` starting with :data:`RESULT_COLUMNS`.
Here: the error class, the converters from the other layouts published examples come in (a
contingency table, subject × category counts) to long form, the long → wide view, the one set of
agreement weights, the one-time coding of ratings to integer arrays (:class:`_Coded`) that the
statistics compute from, and the argument checks they share.

**Missing ratings.** A rating that is ``NA`` and a row that is absent are the same thing: :class:`_Coded`
drops ``NA`` ratings before it numbers subjects and raters, so no statistic can tell them apart. A
subject with one rating cannot show agreement; each statistic says in its docstring how it treats one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from lovende_research.errors import LovendeError, Text

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
    """Ratings that cannot be analysed as asked (wrong columns, too many raters, a rating given twice).

    Raised with the message in Danish and in English, so ``lovende --lang en`` prints the English and the
    message itself (a :class:`~lovende_research.errors.Text`) reads as the Danish everywhere else.

    >>> from lovende_research.errors import in_language
    >>> error = AgreementError("tabellen er tom", "the table is empty")
    >>> str(error), in_language(error.args[0], "en")
    ('tabellen er tom', 'the table is empty')
    """

    def __init__(self, da: str, en: str):
        super().__init__(Text(da, en))


def _missing_columns(missing: Sequence[str], da: str = "bedømmelserne", en: str = "the ratings") -> AgreementError:
    """The refusal of ratings without the named columns (``da``/``en``: what lacks them)."""
    names = ", ".join(missing)
    return AgreementError(f"{da} mangler kolonnerne {names}", f"{en} lack the columns {names}")


def _given_twice(
    first: str, second: str, pairs: str = "", da: str = "er bedømt", en: str = "is rated"
) -> AgreementError:
    """The refusal of a ``first`` × ``second`` given twice, with the ``pairs`` (when named) that are."""
    named = f": {pairs}" if pairs else ""
    return AgreementError(
        f"samme {first} × {second} {da} mere end én gang{named}",
        f"the same {first} × {second} {en} more than once{named}",
    )


def _count_mismatch(categories: int, table: int) -> AgreementError:
    return AgreementError(
        f"categories har {categories} kategorier, tabellen {table}",
        f"categories has {categories} categories, the table {table}",
    )


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
        raise _missing_columns(missing)
    twice = ratings.duplicated([subject, rater], keep=False)
    if twice.any():
        pairs = ratings.loc[twice, [subject, rater]].drop_duplicates().astype(str).agg(" / ".join, axis=1)
        raise _given_twice(subject, rater, ", ".join(pairs))
    wide = ratings.pivot(index=subject, columns=rater, values=rating)
    wide.columns.name = None
    return wide[sorted(wide.columns)]


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise AgreementError(
            f"confidence skal ligge mellem 0 og 1 (fandt {confidence!r})",
            f"confidence must lie between 0 and 1 (found {confidence!r})",
        )


def _unknown(da: str, en: str, given: str, known: Sequence[str]) -> AgreementError:
    """The refusal of an option's ``given`` value that is none of the ``known`` (``da``/``en``: which option)."""
    listed = ", ".join(known)
    return AgreementError(f"{da} {given}; forventet: {listed}", f"{en} {given}; expected: {listed}")


def _check_n_boot(n_boot: int) -> None:
    if n_boot < 0:
        raise AgreementError(
            f"n_boot skal være 0 eller mere (fandt {n_boot})", f"n_boot must be 0 or more (found {n_boot})"
        )


def _not_numbers(rating: str, found: str = "") -> AgreementError:
    """The refusal of ratings in ``rating`` that are not numbers, naming the first ones ``found`` if given."""
    da, en = (f"; fandt {found}", f"; found {found}") if found else ("", "")
    return AgreementError(f"{rating} skal være tal{da}", f"{rating} must be numbers{en}")


def _more_than_two(statistic: str, raters: Sequence[object], da: str = "", en: str = "") -> AgreementError:
    """The refusal of a two-rater ``statistic`` given more raters (``da``/``en``: what to use instead)."""
    names = f"{len(raters)}: {', '.join(map(str, raters))}"
    return AgreementError(
        f"{statistic} er for to bedømmere; fandt {names}{da}", f"{statistic} is for two raters; found {names}{en}"
    )


def _check_weights(weights: str) -> None:
    if weights not in WEIGHTS:
        raise _unknown("ukendte vægte", "unknown weights", repr(weights), WEIGHTS)


def _interval(estimate: float, se: float, critical: float, low: float = -1.0) -> tuple[float, float]:
    """``estimate ∓ critical · se``, clipped to ``[low, 1]`` (every coefficient here is at most 1)."""
    return max(low, estimate - critical * se), min(1.0, estimate + critical * se)


#: The weight names every weighted statistic knows (:func:`agreement_weights` defines them).
WEIGHTS: tuple[str, ...] = ("unweighted", "linear", "quadratic", "ordinal")


def agreement_weights(scores: Sequence[float] | np.ndarray, weights: str = "quadratic") -> np.ndarray:
    """Agreement weights :math:`w_{kl} \\in [0, 1]` for categories with ``scores`` (Gwet 2014, ch. 3).

    One set serves every weighted statistic (kappa, Fleiss, Conger, Brennan–Prediger, AC2, percent
    agreement), so the same name means the same weights everywhere: ``unweighted``: :math:`[k = l]`;
    ``linear``: :math:`1 - |x_k - x_l| / (x_{max} - x_{min})` (Cicchetti–Allison); ``quadratic``:
    :math:`1 - (x_k - x_l)^2 / (x_{max} - x_{min})^2` (Fleiss–Cohen); ``ordinal``: with ranks
    :math:`k, l`, :math:`M_{kl} = \\binom{|k - l| + 1}{2}` and :math:`w_{kl} = 1 - M_{kl} / \\max M`.

    Examples
    --------
    >>> agreement_weights([1, 2, 3], "quadratic").tolist()
    [[1.0, 0.75, 0.0], [0.75, 1.0, 0.75], [0.0, 0.75, 1.0]]
    >>> np.round(agreement_weights([1, 2, 3], "ordinal"), 4).tolist()
    [[1.0, 0.6667, 0.0], [0.6667, 1.0, 0.6667], [0.0, 0.6667, 1.0]]
    """
    _check_weights(weights)
    x = np.asarray(scores, dtype=float)
    q = len(x)
    if weights == "unweighted" or q < 2:
        return np.eye(q)
    span = float(x.max() - x.min())
    if weights == "linear":
        return 1 - np.abs(x[:, None] - x[None, :]) / span
    if weights == "quadratic":
        return 1 - (x[:, None] - x[None, :]) ** 2 / span**2
    ranks = np.arange(q)
    steps = np.abs(ranks[:, None] - ranks[None, :]) + 1
    m = steps * (steps - 1) / 2
    return 1 - m / m.max()


def long_from_table(
    table: pd.DataFrame | np.ndarray | Sequence[Sequence[float]],
    categories: Sequence[object] | None = None,
    *,
    raters: tuple[str, str] = ("A", "B"),
) -> pd.DataFrame:
    """A two-rater contingency table (first rater in rows, second in columns) → long ratings.

    For when the counts are all one has, as in a published table: every statistic then reads the
    result like any other ratings.

    Parameters
    ----------
    table : DataFrame or 2-d array
        Square counts; a DataFrame's index labels are the categories (its columns must be the same).
    categories : sequence, optional
        The categories in table order, for an array; defaults to 1, 2, …, q.
    raters : pair of str
        The two rater ids.

    Returns
    -------
    DataFrame
        Columns ``subject`` (0, 1, …), ``rater``, ``rating``: two rows per counted subject.

    Examples
    --------
    >>> long_from_table([[1, 0], [2, 0]]).to_dict("list")["rating"]
    [1, 1, 2, 1, 2, 1]
    """
    if isinstance(table, pd.DataFrame):
        if list(table.index) != list(table.columns):
            rows, columns = list(table.index), list(table.columns)
            raise AgreementError(
                f"tabellens rækker og kolonner skal være de samme kategorier (fandt {rows} og {columns})",
                f"the table's rows and columns must be the same categories (found {rows} and {columns})",
            )
        categories = list(table.index) if categories is None else categories
    array = np.asarray(table, dtype=float)
    if array.ndim != 2 or array.shape[0] != array.shape[1]:
        raise AgreementError(
            f"tabellen skal være kvadratisk (fandt form {array.shape})",
            f"the table must be square (found shape {array.shape})",
        )
    if (array < 0).any() or not np.allclose(array, np.round(array)):
        raise AgreementError(
            "tabellen skal indeholde antal: hele tal, 0 eller flere",
            "the table must hold counts: whole numbers, 0 or more",
        )
    levels = list(categories) if categories is not None else list(range(1, array.shape[0] + 1))
    if len(levels) != array.shape[0]:
        raise _count_mismatch(len(levels), array.shape[0])
    cells = np.repeat(np.arange(array.size), np.round(array).astype(np.int64).ravel())
    first, second = np.divmod(cells, array.shape[0])
    n = len(cells)
    return pd.DataFrame(
        {
            "subject": np.repeat(np.arange(n), 2),
            "rater": np.tile(np.asarray(raters, dtype=object), n),
            "rating": pd.Series(np.asarray(levels, dtype=object)[np.column_stack([first, second]).ravel()])
            .infer_objects()
            .to_numpy(),
        }
    )


def long_from_counts(
    counts: pd.DataFrame | np.ndarray | Sequence[Sequence[float]], categories: Sequence[object] | None = None
) -> pd.DataFrame:
    """Subject × category counts (how many raters put each subject in each category) → long ratings.

    The layout of Fleiss (1971) and of irrCAC's ``*.dist`` functions. The counts do not say which rater
    gave which rating, so the raters are numbered ``r1``, ``r2``, … within each subject: right for the
    statistics that treat raters as exchangeable (Fleiss' kappa, Brennan–Prediger, AC1/AC2, alpha,
    percent agreement), meaningless for those that follow each rater (Cohen's and Conger's kappa).

    Parameters
    ----------
    counts : DataFrame or 2-d array
        One row per subject, one column per category; a DataFrame's columns are the categories.
    categories : sequence, optional
        The categories in column order, for an array; defaults to 1, 2, …, q.

    Returns
    -------
    DataFrame
        Columns ``subject`` (the row position), ``rater``, ``rating``.

    Examples
    --------
    >>> long_from_counts([[2, 0], [1, 1]]).to_dict("list")
    {'subject': [0, 0, 1, 1], 'rater': ['r1', 'r2', 'r1', 'r2'], 'rating': [1, 1, 1, 2]}
    """
    if isinstance(counts, pd.DataFrame):
        categories = list(counts.columns) if categories is None else categories
    array = np.asarray(counts, dtype=float)
    if array.ndim != 2:
        raise AgreementError(
            f"antallene skal være en tabel med én række pr. subjekt (fandt form {array.shape})",
            f"the counts must be a table with one row per subject (found shape {array.shape})",
        )
    if (array < 0).any() or not np.allclose(array, np.round(array)):
        raise AgreementError(
            "antallene skal være hele tal, 0 eller flere", "the counts must be whole numbers, 0 or more"
        )
    levels = list(categories) if categories is not None else list(range(1, array.shape[1] + 1))
    if len(levels) != array.shape[1]:
        raise _count_mismatch(len(levels), array.shape[1])
    whole = np.round(array).astype(np.int64)
    subject = np.repeat(np.arange(array.shape[0]), whole.sum(axis=1))
    category = np.repeat(np.tile(np.arange(array.shape[1]), array.shape[0]), whole.ravel())
    starts = np.repeat(np.cumsum(whole.sum(axis=1)) - whole.sum(axis=1), whole.sum(axis=1))
    position = np.arange(len(subject)) - starts + 1
    return pd.DataFrame(
        {
            "subject": subject,
            "rater": np.char.add("r", position.astype(str)).astype(object),
            "rating": pd.Series(np.asarray(levels, dtype=object)[category]).infer_objects().to_numpy(),
        }
    )


def _renumber(codes: np.ndarray, labels: pd.Index | np.ndarray) -> tuple[np.ndarray, pd.Index]:
    """Codes into ``labels`` → codes 0.. over the labels that occur, in sorted label order."""
    used = np.flatnonzero(np.bincount(codes, minlength=len(labels)))
    kept = pd.Index(labels).take(used)
    try:
        order = kept.argsort()
    except TypeError:
        order = np.arange(len(kept))
    position = np.empty(len(labels), dtype=np.int64)
    position[used[order]] = np.arange(len(used))
    return position[codes], kept.take(order)


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
            raise _missing_columns(missing)
        unit_codes, units = pd.factorize(ratings[subject], sort=False)
        rater_codes, raters = pd.factorize(ratings[rater], sort=False)
        if (unit_codes < 0).any() or (rater_codes < 0).any():
            raise AgreementError(
                f"{subject} og {rater} skal være udfyldt i hver række",
                f"{subject} and {rater} must be filled in on every row",
            )
        key = unit_codes.astype(np.int64) * max(len(raters), 1) + rater_codes
        if len(key) and np.bincount(key).max() > 1:
            twice = ratings.duplicated([subject, rater], keep=False)
            pairs = ratings.loc[twice, [subject, rater]].drop_duplicates().head(5).astype(str).agg(" / ".join, axis=1)
            raise _given_twice(subject, rater, ", ".join(pairs))
        # A missing rating is the same as an absent row: it is dropped before subjects and raters are
        # numbered, so one with only missing ratings does not exist for any statistic. Both are then
        # numbered in sorted order of their ids, so that neither the row order nor NA-versus-absent moves
        # a bootstrap stream onto other subjects (ids that cannot be sorted keep their first appearance).
        present = ratings[rating].notna().to_numpy()
        self.unit, self.units = _renumber(unit_codes[present], units)
        self.rater, self.raters = _renumber(rater_codes[present], raters)
        ratings = ratings[present]
        values = ratings[rating]
        numeric = pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype)
        if categories is not None:
            levels = list(categories)
        else:
            observed = pd.unique(values.to_numpy())
            if ordered and not numeric:
                raise AgreementError(
                    f"bedømmelserne i {rating} er ikke tal; giv categories i skalaens rækkefølge for et ordinalt mål",
                    f"the ratings in {rating} are not numbers; give categories in the scale's order for an ordinal measure",
                )
            levels = sorted(observed.tolist()) if numeric else sorted(observed.tolist(), key=str)
        index = pd.Index(levels)
        if not index.is_unique:
            raise AgreementError(
                f"categories indeholder den samme kategori flere gange: {levels}",
                f"categories holds the same category more than once: {levels}",
            )
        category = index.get_indexer(pd.Index(values.to_numpy()))
        if (category < 0).any():
            unknown = sorted({str(v) for v in values.to_numpy()[category < 0]})
            raise AgreementError(
                f"bedømmelser uden for kategorierne {levels}: {unknown[:10]}",
                f"ratings outside the categories {levels}: {unknown[:10]}",
            )
        all_numbers = all(
            isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in levels
        )
        self.categories: list[object] = levels
        self.scores: np.ndarray = (
            np.asarray(levels, dtype=float) if all_numbers else np.arange(1, len(levels) + 1, dtype=float)
        )
        self.numeric_categories: bool = all_numbers
        self.category: np.ndarray = np.asarray(category, dtype=np.int64)

    @property
    def q(self) -> int:
        return len(self.categories)

    def counts(self) -> np.ndarray:
        """Units × categories: how many raters put each unit in each category (every unit has a rating)."""
        flat = np.bincount(self.unit * self.q + self.category, minlength=len(self.units) * self.q)
        return flat.reshape(len(self.units), self.q).astype(float)

    def matrix(self) -> np.ndarray:
        """Units × raters of category indices, -1 where the rater gave no rating."""
        out = np.full((len(self.units), len(self.raters)), -1, dtype=np.int64)
        out[self.unit, self.rater] = self.category
        return out


def _tall_product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` for a tall ``a`` (subjects × categories) and a small ``b``, without BLAS.

    With hundreds of thousands of rows and four or five columns, BLAS's threads cost more than the
    arithmetic and contend with every other process on a small machine (0.002 s alone, 0.36 s under
    load, measured on the national study); a sum over the few columns takes a steady few milliseconds.
    """
    if b.ndim == 1:
        return (a * b).sum(axis=1)
    out = np.zeros((a.shape[0], b.shape[1]))
    for k in range(a.shape[1]):
        out += a[:, k, None] * b[k]
    return out


def _pairwise_agreement(counts: np.ndarray) -> float:
    """Share of agreeing pairs of ratings within a unit, averaged over units with two or more ratings.

    :math:`p_a = \\frac{1}{n'} \\sum_{i: r_i \\ge 2} \\sum_k \\frac{r_{ik} (r_{ik} - 1)}{r_i (r_i - 1)}`, the
    percent agreement of Fleiss (1971) and Gwet (2014); with two raters it is the share of agreeing units.
    """
    m = counts.sum(axis=1)
    rated = m >= 2
    if not rated.any():
        return float("nan")
    c = counts[rated]
    return float(np.mean((c * (c - 1)).sum(axis=1) / (m[rated] * (m[rated] - 1))))


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
