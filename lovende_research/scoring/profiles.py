"""Informants' element scores → practice profiles, the overall index and the element pattern across practices."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lovende_research.scoring.elements import informant_scores
from lovende_research.scoring.parameters import COVERAGE_THRESHOLD, _check_share


def _practice_grid(element_scores: pd.DataFrame) -> pd.DataFrame:
    """Every practice × delimitation × element seen, so a practice without leaders still gets (empty) rows."""
    return element_scores[["practice_id", "delimitation_id", "element_id"]].drop_duplicates().reset_index(drop=True)


def practice_profiles(element_scores: pd.DataFrame, aggregation: str = "mean") -> pd.DataFrame:
    """Per practice × element: informants' element scores aggregated, with their spread.

    Parameters
    ----------
    element_scores : DataFrame
        From :func:`element_scores` with interviews attached.
    aggregation : {'mean', 'median', 'leader'}
        The rule (see :data:`AGGREGATIONS`); ``leader`` takes the mean over leaders only.

    Returns
    -------
    DataFrame
        ``practice_id``, ``delimitation_id``, ``element_id``; ``n_informants`` (informants the rule
        uses); ``n_scored`` (of them, with a sufficient score); ``coverage`` (mean item coverage over
        the rule's informants); ``score`` (the aggregate on 0–1, NaN when no informant is sufficient);
        ``informant_sd`` (SD with ddof=1, NaN for one informant); ``informant_min``,
        ``informant_max``, ``informant_range`` (max − min); ``sufficient`` (``score`` is reported).

    Notes
    -----
    With informant scores :math:`s_1,\\dots,s_n` that reached the coverage threshold,
    ``mean`` gives :math:`\\bar s = \\frac1n\\sum s_j` and ``median`` the sample median. An
    informant's several interviews are first averaged. Informants below the threshold are left out of
    the score but counted in ``n_informants`` and ``coverage``.

    Examples
    --------
    >>> es = pd.DataFrame({"interview_id": ["a", "b", "c"], "practice_id": ["P1"] * 3,
    ...     "informant_id": ["L", "M", "N"], "informant_role": ["leder", "medarbejder", "medarbejder"],
    ...     "delimitation_id": ["main"] * 3, "element_id": ["teori"] * 3,
    ...     "coverage": [1.0, 1.0, 0.0], "score": [0.9, 0.3, np.nan], "sufficient": [True, True, False]})
    >>> p = practice_profiles(es, "mean").iloc[0]
    >>> round(float(p["score"]), 3), int(p["n_scored"]), round(float(p["informant_range"]), 3)
    (0.6, 2, 0.6)
    >>> round(float(practice_profiles(es, "leader")["score"].iloc[0]), 3)
    0.9
    """
    informants = informant_scores(element_scores, aggregation)
    keys = ["practice_id", "delimitation_id", "element_id"]
    grouped = informants.groupby(keys, sort=False)
    center = grouped["score"].median() if aggregation == "median" else grouped["score"].mean()
    stats = pd.DataFrame(
        {
            "n_informants": grouped.size(),
            "n_scored": grouped["score"].count(),
            "coverage": grouped["coverage"].mean(),
            "score": center,
            "informant_sd": grouped["score"].std(ddof=1),
            "informant_min": grouped["score"].min(),
            "informant_max": grouped["score"].max(),
        }
    ).reset_index()
    out = _practice_grid(element_scores).merge(stats, on=keys, how="left")
    out["n_informants"] = out["n_informants"].fillna(0).astype(int)
    out["n_scored"] = out["n_scored"].fillna(0).astype(int)
    out["informant_range"] = out["informant_max"] - out["informant_min"]
    out["sufficient"] = out["score"].notna()
    return out.reset_index(drop=True)


def overall_index(profiles: pd.DataFrame, min_element_share: float = COVERAGE_THRESHOLD) -> pd.DataFrame:
    """Per practice: the unweighted mean of its sufficient element scores.

    Parameters
    ----------
    profiles : DataFrame
        From :func:`practice_profiles` or :func:`bootstrap_replicates` (practice_id, delimitation_id,
        element_id, score, and optionally replicate).
    min_element_share : float
        The share of elements that must have a sufficient score for the index to be reported.

    Returns
    -------
    DataFrame
        ``practice_id``, ``delimitation_id`` (and ``replicate`` when the input has it), ``n_elements``,
        ``n_sufficient`` (elements with a score), ``element_share``, ``overall`` (NaN when the share is
        below ``min_element_share``), ``sufficient``.

    Notes
    -----
    :math:`\\mathrm{overall} = \\frac{1}{|S|}\\sum_{e \\in S} s_e` over the set :math:`S` of elements
    with a score. Each element counts equally: the typology reads a practice with more elements present
    as more promising, and the official element weights are not known to us (see docs).

    Examples
    --------
    >>> prof = pd.DataFrame({"practice_id": ["P1"] * 3, "delimitation_id": ["main"] * 3,
    ...                      "element_id": ["teori", "maal", "oekonomi"], "score": [0.9, 0.6, np.nan]})
    >>> o = overall_index(prof, min_element_share=0.5).iloc[0]
    >>> round(float(o["overall"]), 3), int(o["n_sufficient"])
    (0.75, 2)
    """
    _check_share("min_element_share", min_element_share)
    keys = [c for c in ("replicate", "practice_id", "delimitation_id") if c in profiles.columns]
    grouped = profiles.groupby(keys, sort=False)["score"]
    out = pd.DataFrame(
        {"n_elements": grouped.size(), "n_sufficient": grouped.count(), "mean": grouped.mean()}
    ).reset_index()
    out["element_share"] = out["n_sufficient"] / out["n_elements"]
    out["sufficient"] = (out["element_share"] >= min_element_share) & (out["n_sufficient"] > 0)
    out["overall"] = out["mean"].where(out["sufficient"])
    return out[keys + ["n_elements", "n_sufficient", "element_share", "overall", "sufficient"]].reset_index(drop=True)


def element_pattern(profiles: pd.DataFrame, n_extreme: int = 3) -> pd.DataFrame:
    """Which elements are strongest and weakest across practices (the pattern VIVE reported).

    Parameters
    ----------
    profiles : DataFrame
        From :func:`practice_profiles` (practice_id, delimitation_id, element_id, score).
    n_extreme : int
        How many elements to mark as strongest and as weakest.

    Returns
    -------
    DataFrame
        Per delimitation × element, sorted from strongest: ``delimitation_id``, ``element_id``,
        ``mean`` (mean score over practices with a score), ``median``, ``sd`` (ddof=1),
        ``n_practices``, ``rank`` (1 = strongest), ``position`` (``strongest``, ``weakest`` or
        ``middle``).

    Notes
    -----
    VIVE's 2017 mapping of 14 practices found professional reflection, theory and knowledge and
    relational collaboration strongest, economy and documented effect weakest; this table gives the
    same reading for a new mapping.

    Examples
    --------
    >>> prof = pd.DataFrame({"practice_id": ["P1", "P2"] * 3, "delimitation_id": ["main"] * 6,
    ...     "element_id": ["teori"] * 2 + ["maal"] * 2 + ["oekonomi"] * 2,
    ...     "score": [0.9, 0.7, 0.5, 0.5, 0.1, 0.3]})
    >>> element_pattern(prof, n_extreme=1)[["element_id", "position"]].values.tolist()
    [['teori', 'strongest'], ['maal', 'middle'], ['oekonomi', 'weakest']]
    """
    keys = ["delimitation_id", "element_id"]
    grouped = profiles.groupby(keys, sort=False)["score"]
    out = pd.DataFrame(
        {"mean": grouped.mean(), "median": grouped.median(), "sd": grouped.std(ddof=1), "n_practices": grouped.count()}
    ).reset_index()
    rank = out.groupby("delimitation_id")["mean"].rank(ascending=False, method="first").to_numpy(dtype=float)
    n_ranked = out.groupby("delimitation_id")["mean"].transform("count").to_numpy(dtype=float)
    position = np.where(rank <= n_extreme, "strongest", np.where(rank > n_ranked - n_extreme, "weakest", "middle"))
    out["rank"] = pd.array(rank, dtype="Int64")  # an element without a mean (NaN) has no rank
    out["position"] = position
    return out.sort_values(["delimitation_id", "rank"], kind="stable").reset_index(drop=True)
