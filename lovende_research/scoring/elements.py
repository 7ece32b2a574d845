"""Item scores → element scores per interview (with coverage) → element scores per informant."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lovende_research.errors import Text
from lovende_research.instrument import Instrument
from lovende_research.scoring.parameters import (
    AGGREGATIONS,
    COVERAGE_THRESHOLD,
    LEADER_ROLE,
    ScoringError,
    _check_choice,
    _check_share,
)


def element_scores(
    item_scores: pd.DataFrame,
    instrument: Instrument,
    interviews: pd.DataFrame | None = None,
    coverage_threshold: float = COVERAGE_THRESHOLD,
) -> pd.DataFrame:
    """Per interview × element: the weighted mean of answered items on 0–1, with coverage.

    Parameters
    ----------
    item_scores : DataFrame
        From :func:`reconcile_coders` (interview_id, delimitation_id, item_id, value).
    instrument : Instrument
        Gives every element's items and their weights; an item with no row counts as unanswered.
    interviews : DataFrame, optional
        ``Study.interviews``; when given, practice_id, informant_id and informant_role are added.
    coverage_threshold : float
        The share of an element's items that must be answered for its score to be reported (0–1).

    Returns
    -------
    DataFrame
        One row per interview × delimitation × element: ``interview_id`` (and ``practice_id``,
        ``informant_id``, ``informant_role``), ``delimitation_id``, ``element_id``, ``n_items``
        (items the instrument has for the element), ``n_answered`` (items with a scale code),
        ``coverage`` (``n_answered / n_items``), ``score`` (the weighted mean on 0–1; NaN when the
        element is insufficient), ``sufficient`` (coverage ≥ threshold and at least one item answered).

    Notes
    -----
    For element :math:`e` with items :math:`i \\in I_e`, weights :math:`w_i` and answered set
    :math:`A_e \\subseteq I_e`:

    .. math:: s_e = \\frac{\\sum_{i \\in A_e} w_i v_i}{\\sum_{i \\in A_e} w_i}, \\qquad
              \\mathrm{coverage}_e = |A_e| / |I_e|.

    Missing codes drop out of both sums: they lower coverage, never the score. Below the threshold the
    score is withheld (NaN, ``sufficient`` False): thin evidence is reported as insufficient, not low.

    Examples
    --------
    >>> from lovende_research.instrument import load_instrument
    >>> items = pd.DataFrame({"interview_id": ["I1"] * 3, "delimitation_id": ["main"] * 3,
    ...                       "item_id": ["teori_1", "teori_2", "teori_3"], "value": [1.0, 1 / 3, np.nan]})
    >>> out = element_scores(items, load_instrument(), coverage_threshold=0.5)
    >>> row = out[out["element_id"] == "teori"].iloc[0]
    >>> round(float(row["score"]), 3), round(float(row["coverage"]), 3), bool(row["sufficient"])
    (0.667, 0.667, True)
    """
    _check_share("coverage_threshold", coverage_threshold)
    catalogue = pd.DataFrame(
        [(item.id, item.element_id, item.weight) for item in instrument.items],
        columns=["item_id", "element_id", "weight"],
    )
    units = item_scores[["interview_id", "delimitation_id"]].drop_duplicates()
    grid = units.merge(catalogue, how="cross")
    grid = grid.merge(
        item_scores[["interview_id", "delimitation_id", "item_id", "value"]],
        how="left",
        on=["interview_id", "delimitation_id", "item_id"],
    )
    answered = grid["value"].notna()
    grid["answered"] = answered
    grid["w_answered"] = grid["weight"].where(answered, 0.0)
    grid["wv"] = (grid["weight"] * grid["value"]).where(answered, 0.0)
    keys = ["interview_id", "delimitation_id", "element_id"]
    sums = (
        grid.groupby(keys, sort=False)
        .agg(n_items=("item_id", "size"), n_answered=("answered", "sum"), w=("w_answered", "sum"), wv=("wv", "sum"))
        .reset_index()
    )
    sums["coverage"] = sums["n_answered"] / sums["n_items"]
    sums["sufficient"] = (sums["coverage"] >= coverage_threshold) & (sums["n_answered"] > 0)
    with np.errstate(invalid="ignore"):  # 0 / 0 where nothing was answered (masked)
        score = sums["wv"].to_numpy(dtype=float) / sums["w"].to_numpy(dtype=float)
    sums["score"] = np.where(sums["sufficient"], score, np.nan)
    columns = [
        "interview_id",
        "delimitation_id",
        "element_id",
        "n_items",
        "n_answered",
        "coverage",
        "score",
        "sufficient",
    ]
    out = sums[columns]
    if interviews is not None:
        out = out.merge(
            interviews[["interview_id", "practice_id", "informant_id", "informant_role"]], on="interview_id", how="left"
        )
        out = out[["interview_id", "practice_id", "informant_id", "informant_role"] + columns[1:]]
    return out.reset_index(drop=True)


def informant_scores(element_scores: pd.DataFrame, aggregation: str = "mean") -> pd.DataFrame:
    """Element scores per informant (an informant's interviews averaged), filtered by the aggregation rule.

    Parameters
    ----------
    element_scores : DataFrame
        From :func:`element_scores` with interviews attached.
    aggregation : {'mean', 'median', 'leader'}
        ``leader`` keeps informants whose role is ``leder`` only.

    Returns
    -------
    DataFrame
        ``practice_id``, ``delimitation_id``, ``informant_id``, ``informant_role``, ``element_id``,
        ``coverage`` (mean over the informant's interviews), ``score`` (mean of the sufficient scores
        of the informant's interviews, NaN if none).

    Examples
    --------
    >>> es = pd.DataFrame({"interview_id": ["a", "b"], "practice_id": ["P1", "P1"],
    ...     "informant_id": ["L", "M"], "informant_role": ["leder", "medarbejder"],
    ...     "delimitation_id": ["main"] * 2, "element_id": ["teori"] * 2,
    ...     "coverage": [1.0, 1.0], "score": [0.9, 0.3], "sufficient": [True, True]})
    >>> informant_scores(es, "leader")["informant_id"].tolist()
    ['L']
    """
    _check_choice("aggregation", aggregation, AGGREGATIONS)
    # Every column used below, so a table without (say) a score column gets this error, not a KeyError.
    required = ["practice_id", "delimitation_id", "informant_id", "informant_role", "element_id", "coverage", "score"]
    missing = [c for c in required if c not in element_scores.columns]
    if missing:
        raise ScoringError(
            "element_scores",
            sorted(element_scores.columns),
            Text(
                f"element_scores med interviews (mangler {', '.join(missing)})",
                f"element_scores with interviews (lacking {', '.join(missing)})",
            ),
        )
    keys = ["practice_id", "delimitation_id", "informant_id", "element_id"]
    out = (
        element_scores.groupby(keys, sort=False)
        .agg(informant_role=("informant_role", "first"), coverage=("coverage", "mean"), score=("score", "mean"))
        .reset_index()
    )
    if aggregation == "leader":
        out = out[out["informant_role"] == LEADER_ROLE]
    return out[
        ["practice_id", "delimitation_id", "informant_id", "informant_role", "element_id", "coverage", "score"]
    ].reset_index(drop=True)
