"""Coder agreement per element: ordinal alpha, weighted kappa and AC2 side by side, with the paradox note."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from lovende_research.agreement.formats import AgreementError, _check_confidence, _check_weights, _Coded
from lovende_research.agreement.gwet import _ac2_table
from lovende_research.agreement.kappa import _kappa_table
from lovende_research.agreement.krippendorff import _alpha_table
from lovende_research.i18n import number, percent, phrase
from lovende_research.instrument import Instrument

#: The group label of the row that pools every group in :func:`coder_agreement`.
OVERALL: str = "alle"

#: Phrases for the notes in :func:`coder_agreement` ({key: (dansk, english)}).
PHRASES: dict[str, tuple[str, str]] = {
    "paradox": (
        "Kappa-paradokset: alpha/kappa er lave ({low}), selv om kodningerne er enige i {agree} af "
        "tilfældene og AC2 er {ac2}, fordi {share} af koderne ligger i yderkategorien {category}. "
        "Den forventede enighed er da høj, så få uenigheder trækker alpha og kappa ned; læs AC2 og den "
        "procentvise enighed ved siden af, og se på fordelingen, før enigheden kaldes dårlig.",
        "The kappa paradox: alpha/kappa are low ({low}) although the codings agree in {agree} of "
        "cases and AC2 is {ac2}, because {share} of the codes sit in the end category {category}. "
        "Expected agreement is then high, so a few disagreements pull alpha and kappa down; read AC2 and "
        "percent agreement beside them, and look at the distribution, before calling agreement poor.",
    ),
}


def in_element_order(table: pd.DataFrame, instrument: Instrument, column: str = "element_id") -> pd.DataFrame:
    """``table``'s rows in the instrument's element order (1, 2, …), rows of no element (the overall row) last.

    :func:`coder_agreement` keeps its groups in id order, because each group's bootstrap stream follows
    that order; a reader looks for the elements by their numbers.
    """
    return table.sort_values(
        column, key=lambda ids: ids.astype(str).map(instrument.element_position), na_position="last", kind="stable"
    )


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
    kappa_weights, ac2_weights : {"quadratic", "linear", "ordinal", "unweighted"}, default "quadratic"
        Weights for :func:`weighted_kappa` and :func:`gwet_ac2` (the one set of names of
        :data:`~lovende_research.agreement.formats.WEIGHTS`).
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
        - ``percent_agreement``: pairwise agreement over pairable units (with two coders: the share of
          units on which they gave the same code)
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
    _check_weights(kappa_weights)
    _check_weights(ac2_weights)
    if by is not None and by not in codings_long.columns:
        raise AgreementError(
            f"grupperingskolonnen {by!r} findes ikke i kodningerne", f"the grouping column {by!r} is not in the codings"
        )
    groups: list[tuple[object, pd.DataFrame, str]] = []
    if by is not None:
        for key, frame in codings_long.groupby(by, sort=True, observed=True):
            groups.append((key, frame, "group"))
    groups.append((OVERALL, codings_long, "overall"))
    streams = np.random.SeedSequence(seed).spawn(len(groups))
    rows = []
    for (key, frame, scope), stream in zip(groups, streams, strict=True):
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


def _paradox(row: dict[str, Any], *, low: float, high: float, pile_up: float, language: str) -> dict[str, object]:
    """The paradox flag and note for one row of :func:`coder_agreement` (rule in its Notes)."""
    alpha, kappa = float(row["alpha"]), float(row["kappa"])
    agree, ac2, share = float(row["percent_agreement"]), float(row["ac2"]), float(row["end_share"])
    chance_low = any(np.isnan(x) or x < low for x in (alpha, kappa))
    flagged = bool(chance_low and agree >= high and ac2 >= high and share >= pile_up)
    note = ""
    if flagged:
        lowest = np.nanmin([alpha, kappa]) if not (np.isnan(alpha) and np.isnan(kappa)) else float("nan")
        note = phrase(
            PHRASES,
            "paradox",
            language,
            low=number(lowest, language),
            agree=percent(agree, language),
            ac2=number(ac2, language),
            share=percent(share, language),
            category=row["end_category"],
        )
    return {"paradox": flagged, "note": note}
