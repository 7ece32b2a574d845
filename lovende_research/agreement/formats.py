"""Ratings in long form and the machinery every agreement statistic shares.

Every statistic in :mod:`lovende_research.agreement` takes ratings in **long form** (one row per
subject × rater) and returns a one-row :class:`pandas.DataFrame` starting with :data:`RESULT_COLUMNS`.
Here: the error class, the long → wide view, the one-time coding of ratings to integer arrays
(:class:`_Coded`) that the statistics compute from, and the argument checks they share.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lovende_research.errors import LovendeError

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

