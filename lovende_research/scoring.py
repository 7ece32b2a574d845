"""Interview coding → item scores → element scores → practice profiles, with coverage and uncertainty.

The chain, each step a function that takes and returns long-form data frames so later stages (the
subjectivity-bias checks: leave one informant or coder out, alternative delimitations) reuse it as is:

1. :func:`reconcile_coders` — one code per interview × item: a consensus code wins; where coders agree
   that code is used; otherwise a documented rule (``median`` or the conservative ``lower``).
   :func:`coder_conflicts` lists the disagreements for a consensus meeting.
2. :func:`element_scores` — per interview × element: the (weighted) mean of the answered items on 0–1,
   its coverage (share of the element's items answered) and whether it reaches the coverage threshold.
   Named missing codes (ved ikke, ikke relevant, ikke besvaret) are left out, never scored as 0.
3. :func:`practice_profiles` — informants aggregated per practice × element by a documented rule, with
   their spread (SD, range). :func:`overall_index` — the mean of the sufficient element scores.
4. :func:`bootstrap_draws` (:func:`bootstrap_replicates` as a long table), :func:`bootstrap_profiles`,
   :func:`bootstrap_overall`, :func:`rank_intervals` — percentile intervals from resampling informants
   within practices. The replicates stay a numpy array (replicates × practice elements); the intervals
   and ranks are computed from it with the formulas pandas' grouped quantile/std/mean use, so they are
   the numbers grouping the long table gave, without its 132 million rows on a national study.
5. :func:`screen_flags` — the sikker-praksis screen question, reported apart from the lovende score.

Every function keeps ``delimitation_id`` as a column, so scoring an alternative delimitation is the
same call with ``delimitation=<id>`` (or ``None`` for all of them at once).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lovende_research.errors import LovendeError
from lovende_research.instrument import Instrument
from lovende_research.io import write_parquet
from lovende_research.schemas import MAIN_DELIMITATION

if TYPE_CHECKING:  # pragma: no cover - only for type hints
    from lovende_research.study import Study

#: How two or more coders' differing codes become one when no consensus code is given.
#: ``median``: the median of the coders' scale codes (for two coders, the midpoint: 2 and 4 give 3).
#: ``lower``: the lowest code, a conservative reading that never credits a practice with more than
#: every coder heard.
RECONCILE_RULES: tuple[str, ...] = ("median", "lower")

#: How informants' element scores become one per practice.
#: ``mean``: the mean over all informants with a sufficient score (every voice counts equally);
#: ``median``: the median over them (robust to one enthusiastic or sceptical informant);
#: ``leader``: leaders (role ``leder``) only — the measuring tool's default respondent, so a mapping
#: that interviewed several roles can still report the score the tool itself would have produced.
AGGREGATIONS: tuple[str, ...] = ("mean", "median", "leader")

LEADER_ROLE = "leder"
KEY = ["interview_id", "delimitation_id", "item_id"]

#: Sentences printed by notebooks/02_interview_coding, Danish first (looked up with i18n.phrase).
PHRASES: dict[str, tuple[str, str]] = {
    "synthetic_banner": ("  [SYNTETISKE DATA]", "  [SYNTHETIC DATA]"),
    "instrument": ("Måleredskab: {version}", "Measuring tool: {version}"),
    "not_official": (" (ikke den officielle version)", " (not the official version)"),
    "tables_written": ("{n} tabeller gemt i {path}", "{n} tables written to {path}"),
    "coder_conflicts_summary": (
        "{n} uenigheder mellem koderne, heraf {resolved} afgjort med en konsensuskode",
        "{n} disagreements between the coders, {resolved} resolved by a consensus code",
    ),
    "n_items": ("antal spørgsmål", "items"),
}


class ScoringError(LovendeError):
    """A scoring parameter or input frame that cannot be used; the message says what was expected."""

    def __init__(self, parameter: str, value: object, expected: str):
        self.parameter, self.value, self.expected = parameter, value, expected
        super().__init__(f"{parameter}: {value!r} kan ikke bruges; forventet: {expected}")


def _check_choice(parameter: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ScoringError(parameter, value, " eller ".join(allowed))


def _check_share(parameter: str, value: float) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
        raise ScoringError(parameter, value, "et tal mellem 0 og 1")


def _select_delimitation(codings: pd.DataFrame, delimitation: str | None) -> pd.DataFrame:
    if delimitation is None:
        return codings
    return codings[codings["delimitation_id"] == delimitation]


def _answer_text(codings: pd.DataFrame) -> pd.Series:
    """The normalised answer of each coding row as text: the scale code, the screen answer or the missing code."""
    answer = codings["value"].astype("string")
    for column in ("screen_answer", "missing_code"):
        if column in codings.columns:
            answer = answer.fillna(codings[column].astype("string"))
    return answer.fillna("")


def _float(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def reconcile_coders(
    codings: pd.DataFrame,
    instrument: Instrument,
    rule: str = "median",
    delimitation: str | None = MAIN_DELIMITATION,
) -> pd.DataFrame:
    """One code per interview × item from several coders' codes.

    Parameters
    ----------
    codings : DataFrame
        ``Study.codings``: interview_id, coder_id, item_id, delimitation_id, value (scale code or <NA>),
        missing_code, is_consensus.
    instrument : Instrument
        The study's instrument; gives each item's element, weight and the scale's range.
    rule : {'median', 'lower'}
        How differing codes are combined when no consensus code is given (see :data:`RECONCILE_RULES`).
    delimitation : str or None
        The delimitation to score (``'main'`` by default); ``None`` keeps every delimitation.

    Returns
    -------
    DataFrame
        One row per interview × delimitation × scored item (the screen item is left out):
        ``interview_id``, ``delimitation_id``, ``item_id``, ``element_id``, ``weight``;
        ``code`` (the reconciled scale code, float, NaN when missing); ``value`` (the code on 0–1,
        NaN when missing); ``missing_code`` (the most frequent missing code when no coder gave a scale
        code, else <NA>); ``n_coders`` (coders, consensus excluded); ``n_answered`` (coders who gave a
        scale code); ``agree`` (every coder gave the same answer); ``source`` (``konsensus``, ``enig``
        for agreement or a single coder, ``regel`` when the rule decided, ``mangler`` when no code).

    Notes
    -----
    Order of precedence: a row from coder ``konsensus``/``consensus`` wins. Otherwise only scale codes
    count — a coder's *ved ikke* is not a vote for 0 — and the rule combines them:
    ``median`` gives :math:`\\mathrm{median}(c_1,\\dots,c_k)`, ``lower`` gives :math:`\\min_j c_j`.
    The value on 0–1 is :math:`(c - c_{min}) / (c_{max} - c_{min})` for the scale's lowest and highest
    codes, so a median between two codes lands between their values.

    References
    ----------
    Jensen, Pedersen, Pejtersen & Amilon (2016). *Indkredsning af lovende praksis på det specialiserede
    socialområde*. SFI 16:26 (coding of interviews against the measuring tool).

    Examples
    --------
    >>> from lovende_research.instrument import load_instrument
    >>> codings = pd.DataFrame({
    ...     "interview_id": ["I1", "I1"], "coder_id": ["A", "B"], "item_id": ["teori_1", "teori_1"],
    ...     "delimitation_id": ["main", "main"], "value": pd.array([2, 4], dtype="Int64"),
    ...     "missing_code": pd.array([None, None], dtype="string"), "is_consensus": [False, False]})
    >>> out = reconcile_coders(codings, load_instrument(), rule="median")
    >>> float(out["code"].iloc[0]), round(float(out["value"].iloc[0]), 3), out["source"].iloc[0]
    (3.0, 0.667, 'regel')
    >>> float(reconcile_coders(codings, load_instrument(), rule="lower")["code"].iloc[0])
    2.0
    """
    _check_choice("rule", rule, RECONCILE_RULES)
    scored_items = {item.id: item for item in instrument.items}
    frame = _select_delimitation(codings, delimitation)
    frame = frame[frame["item_id"].isin(scored_items)].copy()
    frame["code"] = _float(frame["value"])
    frame["answer"] = _answer_text(frame)
    consensus = frame[frame["is_consensus"].astype(bool)].drop_duplicates(KEY).set_index(KEY)
    coders = frame[~frame["is_consensus"].astype(bool)]

    grouped = coders.groupby(KEY, sort=False)
    combined = pd.DataFrame(
        {
            "n_coders": grouped.size(),
            "n_answered": grouped["code"].count(),
            "agree": grouped["answer"].nunique() == 1,
            "code_rule": grouped["code"].median() if rule == "median" else grouped["code"].min(),
        }
    )
    combined["missing_rule"] = _most_frequent_missing(coders).reindex(combined.index)
    index = combined.index.union(consensus.index, sort=False)
    out = combined.reindex(index)
    out["n_coders"] = out["n_coders"].fillna(0).astype(int)
    out["n_answered"] = out["n_answered"].fillna(0).astype(int)
    out["agree"] = out["agree"].fillna(True).astype(bool)
    has_consensus = index.isin(consensus.index)
    consensus_code = consensus["code"].reindex(index)
    consensus_missing = consensus["missing_code"].reindex(index).astype("string")
    out["code"] = np.where(has_consensus, consensus_code, out["code_rule"].astype(float))
    missing = out["missing_rule"].astype("string").where(~has_consensus, consensus_missing)
    out["missing_code"] = missing.where(np.isnan(out["code"].to_numpy(dtype=float)), pd.NA).astype("string")
    out["source"] = np.select(
        [has_consensus, np.isnan(out["code"].to_numpy(dtype=float)), out["agree"].to_numpy(dtype=bool)],
        ["konsensus", "mangler", "enig"],
        default="regel",
    )
    out = out.reset_index()
    low, high = instrument.scale_codes[0], instrument.scale_codes[-1]
    out["value"] = (out["code"] - low) / (high - low)
    out["element_id"] = out["item_id"].map(lambda i: scored_items[i].element_id)
    out["weight"] = out["item_id"].map(lambda i: scored_items[i].weight).astype(float)
    order = {item_id: n for n, item_id in enumerate(scored_items)}
    out = out.assign(_order=out["item_id"].map(order)).sort_values(["interview_id", "delimitation_id", "_order"], kind="stable")
    columns = ["interview_id", "delimitation_id", "item_id", "element_id", "weight", "code", "value",
               "missing_code", "n_coders", "n_answered", "agree", "source"]
    return out[columns].reset_index(drop=True)


def _most_frequent_missing(coders: pd.DataFrame) -> pd.Series:
    """Per interview × item: the most frequent missing code among the coders (alphabetically first on a tie)."""
    rows = coders.dropna(subset=["missing_code"])
    counts = rows.groupby(KEY + ["missing_code"]).size().rename("n").reset_index()
    counts = counts.sort_values(KEY + ["n", "missing_code"], ascending=[True] * len(KEY) + [False, True], kind="stable")
    return counts.drop_duplicates(KEY).set_index(KEY)["missing_code"].astype("string")


def coder_conflicts(
    codings: pd.DataFrame,
    instrument: Instrument,
    interviews: pd.DataFrame | None = None,
    delimitation: str | None = MAIN_DELIMITATION,
    language: str = "da",
) -> pd.DataFrame:
    """The items where coders differ, one row per interview × item, for a consensus meeting.

    Parameters
    ----------
    codings : DataFrame
        ``Study.codings``.
    instrument : Instrument
        Gives each item's element and question text.
    interviews : DataFrame, optional
        ``Study.interviews``; when given, practice_id, informant_id and informant_role are added.
    delimitation : str or None
        The delimitation to list (``'main'`` by default); ``None`` lists every delimitation.
    language : {'da', 'en'}
        Language of the ``question`` column.

    Returns
    -------
    DataFrame
        ``interview_id`` (and ``practice_id``, ``informant_id``, ``informant_role`` when interviews are
        given), ``delimitation_id``, ``item_id``, ``element_id`` (<NA> for the screen item),
        ``question``; then for each coder ``k`` = 1, 2, …: ``coder_k``, ``answer_k`` (scale code,
        screen answer or missing code), ``note_k``; ``max_difference`` (largest minus smallest scale
        code, NaN when a coder gave no scale code); ``consensus`` (the consensus answer when one was
        supplied, else <NA>); ``resolved`` (a consensus answer exists).

    Notes
    -----
    Two answers differ when their normalised text differs, so ``3`` against ``ved_ikke`` is a conflict,
    as is ``ja`` against ``nej`` on the screen item. Coders are numbered in sorted order of coder_id.

    Examples
    --------
    >>> from lovende_research.instrument import load_instrument
    >>> codings = pd.DataFrame({
    ...     "interview_id": ["I1"] * 4, "coder_id": ["A", "B", "A", "B"],
    ...     "item_id": ["teori_1", "teori_1", "teori_2", "teori_2"], "delimitation_id": ["main"] * 4,
    ...     "value": pd.array([2, 4, 3, 3], dtype="Int64"), "missing_code": pd.array([None] * 4, dtype="string"),
    ...     "screen_answer": pd.array([None] * 4, dtype="string"), "note": ["", "tydeligt", "", ""],
    ...     "is_consensus": [False] * 4})
    >>> out = coder_conflicts(codings, load_instrument())
    >>> out[["item_id", "answer_1", "answer_2", "note_2"]].values.tolist()
    [['teori_1', '2', '4', 'tydeligt']]
    """
    frame = _select_delimitation(codings, delimitation).copy()
    frame["answer"] = _answer_text(frame)
    if "note" not in frame.columns:
        frame["note"] = ""
    frame["code"] = _float(frame["value"])
    is_consensus = frame["is_consensus"].astype(bool)
    coders = frame[~is_consensus]
    consensus = frame[is_consensus].drop_duplicates(KEY).set_index(KEY)["answer"]
    differs = coders.groupby(KEY)["answer"].transform("nunique") > 1
    conflicting = coders[differs].sort_values(KEY + ["coder_id"], kind="stable")
    element_of = {item.id: item.element_id for item in instrument.items}
    question_of = {item.id: item.text(language) for item in instrument.items}
    question_of[instrument.screen_item.id] = instrument.screen_item.text(language)
    conflicting = conflicting.assign(k=conflicting.groupby(KEY).cumcount() + 1)
    wide = conflicting.pivot(index=KEY, columns="k", values=["coder_id", "answer", "note"])
    n_coders = int(conflicting["k"].max()) if len(conflicting) else 2
    coder_columns = [f"{name}_{k}" for k in range(1, n_coders + 1) for name in ("coder", "answer", "note")]
    wide.columns = [f"{'coder' if name == 'coder_id' else name}_{k}" for name, k in wide.columns]
    codes = conflicting.groupby(KEY)["code"]
    wide["max_difference"] = (codes.max() - codes.min()).where(codes.count() == codes.size())
    out = wide.reindex(columns=coder_columns + ["max_difference"]).reset_index()
    # One reindex, not a lookup per row (a per-row .get took seconds on a national study).
    out["consensus"] = consensus.reindex(pd.MultiIndex.from_frame(out[KEY])).to_numpy(dtype=object) if len(out) else []
    out["element_id"] = out["item_id"].map(element_of).astype("string")
    out["question"] = out["item_id"].map(question_of)
    out["consensus"] = out["consensus"].astype("string")
    out["resolved"] = out["consensus"].notna()
    lead = ["interview_id"]
    if interviews is not None:
        out = out.merge(interviews[["interview_id", "practice_id", "informant_id", "informant_role"]], on="interview_id", how="left")
        lead += ["practice_id", "informant_id", "informant_role"]
    columns = lead + ["delimitation_id", "item_id", "element_id", "question"] + coder_columns + ["max_difference", "consensus", "resolved"]
    return out[columns].reset_index(drop=True)


def element_scores(
    item_scores: pd.DataFrame,
    instrument: Instrument,
    interviews: pd.DataFrame | None = None,
    coverage_threshold: float = 0.5,
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
        [(item.id, item.element_id, item.weight) for item in instrument.items], columns=["item_id", "element_id", "weight"]
    )
    units = item_scores[["interview_id", "delimitation_id"]].drop_duplicates()
    grid = units.merge(catalogue, how="cross")
    grid = grid.merge(item_scores[["interview_id", "delimitation_id", "item_id", "value"]], how="left",
                      on=["interview_id", "delimitation_id", "item_id"])
    answered = grid["value"].notna()
    grid["answered"] = answered
    grid["w_answered"] = grid["weight"].where(answered, 0.0)
    grid["wv"] = (grid["weight"] * grid["value"]).where(answered, 0.0)
    keys = ["interview_id", "delimitation_id", "element_id"]
    sums = grid.groupby(keys, sort=False).agg(
        n_items=("item_id", "size"), n_answered=("answered", "sum"), w=("w_answered", "sum"), wv=("wv", "sum")
    ).reset_index()
    sums["coverage"] = sums["n_answered"] / sums["n_items"]
    sums["sufficient"] = (sums["coverage"] >= coverage_threshold) & (sums["n_answered"] > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = sums["wv"].to_numpy(dtype=float) / sums["w"].to_numpy(dtype=float)
    sums["score"] = np.where(sums["sufficient"], score, np.nan)
    sums["n_answered"] = sums["n_answered"].astype(int)
    columns = ["interview_id", "delimitation_id", "element_id", "n_items", "n_answered", "coverage", "score", "sufficient"]
    out = sums[columns]
    if interviews is not None:
        out = out.merge(interviews[["interview_id", "practice_id", "informant_id", "informant_role"]], on="interview_id", how="left")
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
    required = {"practice_id", "informant_id", "informant_role"}
    if not required <= set(element_scores.columns):
        raise ScoringError("element_scores", sorted(element_scores.columns), "element_scores med interviews (practice_id, informant_id, informant_role)")
    keys = ["practice_id", "delimitation_id", "informant_id", "element_id"]
    out = element_scores.groupby(keys, sort=False).agg(
        informant_role=("informant_role", "first"), coverage=("coverage", "mean"), score=("score", "mean")
    ).reset_index()
    if aggregation == "leader":
        out = out[out["informant_role"] == LEADER_ROLE]
    return out[["practice_id", "delimitation_id", "informant_id", "informant_role", "element_id", "coverage", "score"]].reset_index(drop=True)


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


def overall_index(profiles: pd.DataFrame, min_element_share: float = 0.5) -> pd.DataFrame:
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
    out = pd.DataFrame({"n_elements": grouped.size(), "n_sufficient": grouped.count(), "mean": grouped.mean()}).reset_index()
    out["element_share"] = out["n_sufficient"] / out["n_elements"]
    out["sufficient"] = (out["element_share"] >= min_element_share) & (out["n_sufficient"] > 0)
    out["overall"] = out["mean"].where(out["sufficient"])
    return out[keys + ["n_elements", "n_sufficient", "element_share", "overall", "sufficient"]].reset_index(drop=True)


@dataclass(frozen=True)
class BootstrapDraws:
    """Bootstrap replicates of the practice profiles kept as one numpy array, without text keys.

    The long table of :func:`bootstrap_replicates` repeats three text keys on every replicate × practice
    × element row (132 million rows for 2,000 draws on a national study); here the keys are stored once
    per column. ``scores[r, c]`` is replicate ``r``'s score of the practice × delimitation × element in
    row ``c`` of ``cells``.

    Attributes
    ----------
    cells : DataFrame
        ``practice_id``, ``delimitation_id``, ``element_id``: one row per column of ``scores``;
        practice × delimitation pairs in sorted order, each pair's elements in the order of the
        element-score table.
    scores : ndarray of float, shape (n_boot, len(cells))
        The replicate aggregates, NaN when no resampled informant had a sufficient score.
    """

    cells: pd.DataFrame
    scores: np.ndarray

    @property
    def n_boot(self) -> int:
        """Number of replicates (rows of ``scores``)."""
        return int(self.scores.shape[0])

    def to_long(self) -> pd.DataFrame:
        """The long table of :func:`bootstrap_replicates`, same rows in the same order.

        Rows run practice by practice (in ``cells`` order), within a practice replicate by replicate,
        within a replicate element by element.
        """
        columns = ["replicate", "practice_id", "delimitation_id", "element_id", "score"]
        if self.scores.size == 0:
            return pd.DataFrame(columns=columns)
        group, position, size = _cell_groups(self.cells)
        n_boot = self.n_boot
        # Long-table row of (replicate r, cell c): every row of the practices before c's, then r whole
        # replicates of c's practice, then c's position among the practice's elements.
        before = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
        row = n_boot * before[group][None, :] + np.arange(n_boot)[:, None] * size[group][None, :] + position[None, :]
        order = np.empty(self.scores.size, dtype=np.int64)
        order[row.reshape(-1)] = np.arange(self.scores.size)
        cell_of = order % len(self.cells)
        return pd.DataFrame(
            {
                "replicate": order // len(self.cells),
                "practice_id": self.cells["practice_id"].to_numpy(dtype=object)[cell_of],
                "delimitation_id": self.cells["delimitation_id"].to_numpy(dtype=object)[cell_of],
                "element_id": self.cells["element_id"].to_numpy(dtype=object)[cell_of],
                "score": self.scores.reshape(-1)[order],
            }
        )

    @classmethod
    def from_long(cls, replicates: pd.DataFrame) -> "BootstrapDraws":
        """Draws from a long replicate table (``replicate``, ``practice_id``, ``delimitation_id``,
        ``element_id``, ``score``), cells in order of first appearance, replicates in sorted order;
        a replicate without a row for a cell gives NaN there."""
        keys = ["practice_id", "delimitation_id", "element_id"]
        missing = [c for c in ["replicate", *keys, "score"] if c not in replicates.columns]
        if missing:
            raise ScoringError("replicates", sorted(replicates.columns), "en tabel fra bootstrap_replicates (mangler " + ", ".join(missing) + ")")
        frame = replicates.dropna(subset=keys)
        cell_code = frame.groupby(keys, sort=False).ngroup().to_numpy()
        cells = frame[keys].drop_duplicates().reset_index(drop=True)
        replicate_code, _ = pd.factorize(frame["replicate"], sort=True)
        scores = np.full((int(replicate_code.max()) + 1 if len(frame) else 0, len(cells)), np.nan)
        scores[replicate_code, cell_code] = frame["score"].to_numpy(dtype=float, na_value=np.nan)
        return cls(cells=cells, scores=scores)


def _cell_groups(cells: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cell: its practice × delimitation group (numbered in order of first appearance) and its
    position among the group's cells; per group: its number of cells."""
    group = cells.groupby(["practice_id", "delimitation_id"], sort=False, dropna=False).ngroup().to_numpy().astype(np.int64)
    position = pd.Series(group).groupby(group, sort=False).cumcount().to_numpy().astype(np.int64)
    size = np.bincount(group, minlength=int(group.max()) + 1 if len(group) else 0)
    return group, position, size


def _check_n_boot(n_boot: int) -> None:
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ScoringError("n_boot", n_boot, "et positivt heltal, fx 2000")


def bootstrap_draws(
    element_scores: pd.DataFrame,
    aggregation: str = "mean",
    n_boot: int = 1000,
    seed: int = 0,
) -> BootstrapDraws:
    """Practice profiles recomputed on informants resampled with replacement within each practice.

    The same replicates as :func:`bootstrap_replicates` (same seed, same draws in the same order), kept
    as an array: the form :func:`bootstrap_profiles`, :func:`bootstrap_overall` and
    :func:`rank_intervals` work on, so a national study's replicates take ``8 × n_boot × cells`` bytes
    instead of a table with text keys on every row.

    Parameters
    ----------
    element_scores : DataFrame
        From :func:`element_scores` with interviews attached.
    aggregation : {'mean', 'median', 'leader'}
        The aggregation rule; resampling is over the informants the rule uses.
    n_boot : int
        Number of bootstrap replicates.
    seed : int
        Seed for ``numpy.random.default_rng``; the same seed gives the same replicates.

    Returns
    -------
    BootstrapDraws
        ``cells`` (``practice_id``, ``delimitation_id``, ``element_id``: one row per practice ×
        delimitation × element, pairs in sorted order) and ``scores`` (``n_boot`` × cells: the
        replicate's aggregate, NaN when no resampled informant had a sufficient score).

    Notes
    -----
    The nonparametric bootstrap (Efron & Tibshirani 1993, ch. 6): for practice :math:`p` with
    :math:`n_p` informants, each replicate draws :math:`n_p` informants with replacement and applies
    the aggregation rule to each element. Informants are the resampled unit because they, not items,
    are the main source of subjectivity. Practices are processed in sorted order, each drawing an
    ``(n_boot, n_p)`` block of informant indices from one generator, so a practice's replicates depend
    only on the seed and the practices before it. An informant's first non-missing score per element
    is used (informant × element is unique after :func:`informant_scores`).

    References
    ----------
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.

    Examples
    --------
    >>> es = pd.DataFrame({"interview_id": ["a", "b"], "practice_id": ["P1"] * 2,
    ...     "informant_id": ["L", "M"], "informant_role": ["leder", "medarbejder"],
    ...     "delimitation_id": ["main"] * 2, "element_id": ["teori"] * 2,
    ...     "coverage": [1.0, 1.0], "score": [1.0, 0.0], "sufficient": [True, True]})
    >>> draws = bootstrap_draws(es, n_boot=200, seed=1)
    >>> draws.scores.shape, sorted(set(np.round(draws.scores[:, 0], 2).tolist()))
    ((200, 1), [0.0, 0.5, 1.0])
    """
    _check_choice("aggregation", aggregation, AGGREGATIONS)
    _check_n_boot(n_boot)
    informants = informant_scores(element_scores, aggregation)
    grid = _practice_grid(element_scores)
    # Cells in the order a sorted groupby over practice × delimitation visits them (rows with a missing
    # key dropped, as groupby drops them), each group's elements in their order in the grid.
    group_of_row = grid.groupby(["practice_id", "delimitation_id"], sort=True).ngroup().to_numpy()
    kept = np.flatnonzero(group_of_row >= 0)
    kept = kept[np.argsort(group_of_row[kept], kind="stable")]
    cells = grid.iloc[kept].reset_index(drop=True)
    group = group_of_row[kept]
    n_groups = int(group.max()) + 1 if len(group) else 0
    n_elements = np.bincount(group, minlength=n_groups)
    first_cell = np.concatenate([[0], np.cumsum(n_elements)[:-1]]).astype(np.int64) if n_groups else np.zeros(0, dtype=np.int64)
    position = np.arange(len(cells)) - first_cell[group] if len(cells) else np.zeros(0, dtype=np.int64)

    flat, first_value, n_informants = _informant_matrices(informants, cells, group, position, n_elements, first_cell)
    rng = np.random.default_rng(seed)
    scores = np.empty((n_boot, len(cells)))
    for g in range(n_groups):
        n, width, start = int(n_informants[g]), int(n_elements[g]), int(first_cell[g])
        if n == 0:
            scores[:, start : start + width] = np.nan
            continue
        matrix = flat[first_value[g] : first_value[g] + n * width].reshape(n, width)
        sample = matrix[rng.integers(0, n, size=(n_boot, n))]  # (n_boot, n, elements)
        scores[:, start : start + width] = _aggregate(sample, aggregation)
    return BootstrapDraws(cells=cells, scores=scores)


def _informant_matrices(
    informants: pd.DataFrame,
    cells: pd.DataFrame,
    group: np.ndarray,
    position: np.ndarray,
    n_elements: np.ndarray,
    first_cell: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every practice's informants × elements score matrix, built at once and stored end to end.

    Group ``g``'s matrix is ``flat[first_value[g]:first_value[g] + n * width].reshape(n, width)`` with
    ``n = n_informants[g]`` informants (sorted by id, as ``numpy.unique`` sorts them) and one column per
    cell of the group; a cell holds the informant's first non-missing score, NaN if none. A Python loop
    building one matrix per practice was most of the bootstrap's time on a national study.
    """
    n_groups = len(n_elements)
    groups = cells.iloc[first_cell[n_elements > 0]][["practice_id", "delimitation_id"]].assign(_g=np.flatnonzero(n_elements > 0))
    rows = informants[["practice_id", "delimitation_id"]].merge(groups, on=["practice_id", "delimitation_id"], how="left")
    informant_group = rows["_g"].to_numpy(dtype=float, na_value=np.nan)
    mine = ~np.isnan(informant_group)
    g_of = informant_group[mine].astype(np.int64)
    ids = informants["informant_id"].to_numpy(dtype=object)[mine]
    if len(ids):
        unique_ids, id_code = np.unique(ids, return_inverse=True)
        n_ids = len(unique_ids)
    else:
        id_code, n_ids = np.zeros(0, dtype=np.int64), 1
    # Informants of a group, sorted by id, numbered 0.. within the group.
    pair, local_of_pair = np.unique(g_of * n_ids + id_code.reshape(-1), return_inverse=True)
    pair_group = pair // n_ids
    n_informants = np.bincount(pair_group, minlength=n_groups)
    first_pair = np.concatenate([[0], np.cumsum(n_informants)[:-1]]).astype(np.int64) if n_groups else np.zeros(0, dtype=np.int64)
    local = np.arange(len(pair)) - first_pair[pair_group]
    informant = local[local_of_pair.reshape(-1)]
    sizes = n_informants * n_elements
    first_value = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if n_groups else np.zeros(0, dtype=np.int64)
    flat = np.full(int(sizes.sum()), np.nan)

    # The column of each informant row: its element's position among the group's cells (-1 if none).
    element_codes = {element: code for code, element in enumerate(pd.unique(cells["element_id"].to_numpy(dtype=object)))}
    n_codes = max(len(element_codes), 1)
    cell_key = group * n_codes + np.array([element_codes[e] for e in cells["element_id"].to_numpy(dtype=object)], dtype=np.int64)
    order = np.argsort(cell_key, kind="stable")
    informant_element = np.array([element_codes.get(e, -1) for e in informants["element_id"].to_numpy(dtype=object)[mine]], dtype=np.int64)
    key = g_of * n_codes + informant_element
    at = np.clip(np.searchsorted(cell_key[order], key), 0, max(len(order) - 1, 0))
    found = (informant_element >= 0) & (cell_key[order][at] == key) if len(order) else np.zeros(len(key), dtype=bool)
    column = np.where(found, position[order][at] if len(order) else 0, -1)

    values = informants["score"].to_numpy(dtype=float, na_value=np.nan)[mine]
    use = (column >= 0) & ~np.isnan(values)
    target = first_value[g_of[use]] + informant[use] * n_elements[g_of[use]] + column[use]
    # The first value of a repeated cell wins, as pivot_table's "first" does.
    _, first = np.unique(target, return_index=True)
    flat[target[first]] = values[use][first]
    return flat, first_value, n_informants


def bootstrap_replicates(
    element_scores: pd.DataFrame,
    aggregation: str = "mean",
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Practice profiles recomputed on informants resampled with replacement within each practice, as a long table.

    :func:`bootstrap_draws` as one row per replicate × practice × element, for callers that want to
    group or plot replicates with pandas. The interval functions do not need it: on a national study
    (2,000 draws × 6,000 practices × 11 elements) the table has 132 million rows.

    Parameters
    ----------
    element_scores : DataFrame
        From :func:`element_scores` with interviews attached.
    aggregation : {'mean', 'median', 'leader'}
        The aggregation rule; resampling is over the informants the rule uses.
    n_boot : int
        Number of bootstrap replicates.
    seed : int
        Seed for ``numpy.random.default_rng``; the same seed gives the same replicates.

    Returns
    -------
    DataFrame
        ``replicate`` (0 … n_boot−1), ``practice_id``, ``delimitation_id``, ``element_id``, ``score``
        (the replicate's aggregate, NaN when no resampled informant had a sufficient score). Rows run
        practice by practice (sorted), then replicate, then element.

    Notes
    -----
    The nonparametric bootstrap (Efron & Tibshirani 1993, ch. 6); see :func:`bootstrap_draws`.

    References
    ----------
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.

    Examples
    --------
    >>> es = pd.DataFrame({"interview_id": ["a", "b"], "practice_id": ["P1"] * 2,
    ...     "informant_id": ["L", "M"], "informant_role": ["leder", "medarbejder"],
    ...     "delimitation_id": ["main"] * 2, "element_id": ["teori"] * 2,
    ...     "coverage": [1.0, 1.0], "score": [1.0, 0.0], "sufficient": [True, True]})
    >>> reps = bootstrap_replicates(es, n_boot=200, seed=1)
    >>> sorted(set(reps["score"].round(2)))
    [0.0, 0.5, 1.0]
    """
    return bootstrap_draws(element_scores, aggregation, n_boot, seed).to_long()


def _aggregate(sample: np.ndarray, aggregation: str) -> np.ndarray:
    """Aggregate over axis 1 ignoring NaN; an all-NaN slice gives NaN without a warning."""
    if aggregation == "median":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slice → NaN is what we want
            return np.nanmedian(sample, axis=1)
    valid = ~np.isnan(sample)
    total = np.where(valid, sample, 0.0).sum(axis=1)
    count = valid.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def percentile_intervals(replicates: pd.DataFrame, keys: list[str], value: str, ci: float = 0.95) -> pd.DataFrame:
    """Percentile bootstrap interval of ``value`` per group of ``keys``.

    Parameters
    ----------
    replicates : DataFrame
        One row per replicate × group.
    keys : list of str
        The group columns.
    value : str
        The column to take quantiles of; NaN replicates are ignored.
    ci : float
        Coverage of the interval, e.g. 0.95.

    Returns
    -------
    DataFrame
        ``keys`` + ``ci_low``, ``ci_high`` (the :math:`(1-ci)/2` and :math:`(1+ci)/2` quantiles,
        numpy's linear interpolation), ``boot_se`` (SD of the replicates, ddof=1).

    Notes
    -----
    For a long table of any shape. :func:`bootstrap_profiles`, :func:`bootstrap_overall` and
    :func:`rank_intervals` compute the same quantities from :class:`BootstrapDraws` arrays instead
    (same formulas, same numbers).

    Examples
    --------
    >>> reps = pd.DataFrame({"g": ["x"] * 5, "v": [0.0, 0.25, 0.5, 0.75, 1.0]})
    >>> out = percentile_intervals(reps, ["g"], "v", ci=0.5)
    >>> float(out["ci_low"].iloc[0]), float(out["ci_high"].iloc[0])
    (0.25, 0.75)
    """
    _check_share("ci", ci)
    grouped = replicates.groupby(keys, sort=False)[value]
    return pd.DataFrame(
        {
            "ci_low": grouped.quantile((1 - ci) / 2),
            "ci_high": grouped.quantile((1 + ci) / 2),
            "boot_se": grouped.std(ddof=1),
        }
    ).reset_index()


#: Values per block when summarising replicate columns (about 128 MB of float64): bounds the memory the
#: sort for the quantiles needs whatever the number of practices.
_BLOCK_VALUES = 16_000_000


def _column_quantiles(values: np.ndarray, wanted: list[tuple[float, str]]) -> list[np.ndarray]:
    """Per column of ``values`` (replicates × columns), NaN ignored: each ``(q, method)`` quantile.

    ``method`` is ``linear`` (``lo + (hi − lo) · frac`` at position ``q (n − 1)`` of the sorted
    values), ``lower``, ``higher`` or ``median`` (the middle value, or the mean of the two middle
    values); the formulas of pandas' grouped ``quantile`` and ``median``, so the numbers are the same
    as grouping the long table. NaN for a column without values.
    """
    n, m = values.shape
    outs = [np.full(m, np.nan) for _ in wanted]
    width = max(1, _BLOCK_VALUES // max(n, 1))
    for start in range(0, m, width):
        block = np.sort(values[:, start : start + width].T, axis=1)  # (columns, n), NaN last
        count = (~np.isnan(block)).sum(axis=1)
        rows = np.arange(block.shape[0])
        for out, (q, method) in zip(outs, wanted):
            if method == "median":
                upper = block[rows, np.clip(count // 2, 0, n - 1)]
                lower = block[rows, np.clip((count - 1) // 2, 0, n - 1)]
                value = np.where(count % 2 == 1, upper, (lower + upper) / 2)
            else:
                position = q * (count - 1)
                index = position.astype(np.int64)
                frac = position % 1
                low = block[rows, np.clip(index, 0, n - 1)]
                high = block[rows, np.clip(index + 1, 0, n - 1)]
                if method == "lower":
                    value = low
                elif method == "higher":
                    value = np.where(frac == 0, low, high)
                else:
                    with np.errstate(invalid="ignore"):
                        value = np.where(frac == 0, low, low + (high - low) * frac)
            out[start : start + width] = np.where(count > 0, value, np.nan)
    return outs


def _column_sd(values: np.ndarray) -> np.ndarray:
    """Per column of ``values`` (replicates × columns), NaN ignored: the SD with ddof=1 (NaN below two values).

    Welford's running update over the replicates in order, the algorithm of pandas' grouped ``std``,
    so the numbers are the same to the last bit as grouping the long table.
    """
    n, m = values.shape
    out = np.full(m, np.nan)
    width = max(1, _BLOCK_VALUES // max(n, 1))
    for start in range(0, m, width):
        block = values[:, start : start + width]
        mean = np.zeros(block.shape[1])
        m2 = np.zeros(block.shape[1])
        if not np.isnan(block).any():
            nobs = np.full(block.shape[1], float(n))
            for i in range(n):
                delta = block[i] - mean
                mean += delta / (i + 1)
                m2 += (block[i] - mean) * delta
        else:
            nobs = np.zeros(block.shape[1])
            for i in range(n):
                row = block[i]
                valid = ~np.isnan(row)
                nobs += valid
                delta = row - mean
                with np.errstate(invalid="ignore", divide="ignore"):
                    mean = np.where(valid, mean + delta / nobs, mean)
                    m2 = np.where(valid, m2 + (row - mean) * delta, m2)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start : start + width] = np.where(nobs > 1, np.sqrt(m2 / (nobs - 1)), np.nan)
    return out


def _column_intervals(values: np.ndarray, ci: float) -> dict[str, np.ndarray]:
    """``ci_low``, ``ci_high`` and ``boot_se`` per column: :func:`percentile_intervals` on an array."""
    low, high = _column_quantiles(values, [((1 - ci) / 2, "linear"), ((1 + ci) / 2, "linear")])
    return {"ci_low": low, "ci_high": high, "boot_se": _column_sd(values)}


def _replicate_overall(draws: BootstrapDraws, min_element_share: float) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`overall_index` of every replicate: the practice × delimitation pairs and a replicates × pairs array.

    The element mean is a Kahan-compensated sum over the practice's elements in order, the summation
    pandas' grouped ``mean`` uses, so the indices (and the ties between practices that the ranks
    depend on) are the same as :func:`overall_index` of the long table.
    """
    _check_share("min_element_share", min_element_share)
    group, position, size = _cell_groups(draws.cells)
    _, starts = np.unique(group, return_index=True)  # each pair's first cell
    pairs = draws.cells.iloc[starts][["practice_id", "delimitation_id"]].reset_index(drop=True)
    overall = np.full((draws.n_boot, len(size)), np.nan)
    every = np.arange(len(size))
    columns = [np.flatnonzero(position == k) for k in range(int(size.max()) if len(size) else 0)]
    # The k-th element of every pair (the usual case: every practice has every element) is a plain slice
    # of the running sums; otherwise the pairs that have a k-th element are gathered.
    targets: list[slice | np.ndarray] = [slice(None) if np.array_equal(group[at], every) else group[at] for at in columns]
    # A block of replicates at a time: the temporaries stay a few MB (whole-array temporaries of
    # replicates × practices were fresh memory on every step and most of the time on a national study).
    rows = max(1, _BLOCK_VALUES // 8 // max(draws.scores.shape[1], 1))
    for start in range(0, draws.n_boot, rows):
        scores = draws.scores[start : start + rows]
        shape = (scores.shape[0], len(size))
        total, compensation, count = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        for at, g in zip(columns, targets):
            value = scores[:, at]
            valid = ~np.isnan(value)
            sum_g, compensation_g = total[:, g], compensation[:, g]
            y = np.where(valid, value, 0.0) - compensation_g
            t = sum_g + y
            compensation[:, g] = np.where(valid, (t - sum_g) - y, compensation_g)
            total[:, g] = np.where(valid, t, sum_g)
            count[:, g] += valid
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / count
        share = count / size[None, :]
        sufficient = (share >= min_element_share) & (count > 0)
        overall[start : start + rows] = np.where(sufficient, mean, np.nan)
    return pairs, overall


def _replicate_ranks(overall: np.ndarray, delimitation: np.ndarray) -> np.ndarray:
    """Rank of every pair in every replicate among the pairs of its delimitation (1 = highest index, ties
    share the lowest rank, NaN for a missing index): ``rank(ascending=False, method="min")`` per replicate."""
    ranks = np.full(overall.shape, np.nan)
    for value in pd.unique(delimitation):
        columns = np.flatnonzero(delimitation == value)
        negated = -overall[:, columns]  # ascending order of the negation = descending index, NaN last
        order = np.argsort(negated, axis=1, kind="stable")
        ordered = np.take_along_axis(negated, order, axis=1)
        place = np.broadcast_to(np.arange(len(columns)), ordered.shape)
        new = np.ones(ordered.shape, dtype=bool)
        new[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
        first = np.maximum.accumulate(np.where(new, place, 0), axis=1) + 1.0
        first[np.isnan(ordered)] = np.nan
        sub = np.empty(ordered.shape)
        np.put_along_axis(sub, order, first, axis=1)
        ranks[:, columns] = sub
    return ranks


def _as_draws(
    replicates: "pd.DataFrame | BootstrapDraws | None", element_scores: pd.DataFrame, aggregation: str, n_boot: int, seed: int
) -> BootstrapDraws:
    if replicates is None:
        return bootstrap_draws(element_scores, aggregation, n_boot, seed)
    if isinstance(replicates, BootstrapDraws):
        return replicates
    return BootstrapDraws.from_long(replicates)


def _n_informants(element_scores: pd.DataFrame, aggregation: str) -> pd.DataFrame:
    informants = informant_scores(element_scores, aggregation)
    counts = informants.groupby(["practice_id", "delimitation_id"])["informant_id"].nunique().rename("n_informants")
    grid = element_scores[["practice_id", "delimitation_id"]].drop_duplicates()
    out = grid.merge(counts.reset_index(), on=["practice_id", "delimitation_id"], how="left")
    out["n_informants"] = out["n_informants"].fillna(0).astype(int)
    return out


def bootstrap_profiles(
    element_scores: pd.DataFrame,
    aggregation: str = "mean",
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
    replicates: "pd.DataFrame | BootstrapDraws | None" = None,
) -> pd.DataFrame:
    """:func:`practice_profiles` with a percentile bootstrap interval over informants.

    Parameters
    ----------
    element_scores : DataFrame
        From :func:`element_scores` with interviews attached.
    aggregation, n_boot, seed
        As in :func:`bootstrap_replicates`.
    ci : float
        Coverage of the interval.
    replicates : BootstrapDraws or DataFrame, optional
        Replicates already drawn by :func:`bootstrap_draws` (or the long table of
        :func:`bootstrap_replicates`); then ``n_boot`` and ``seed`` are unused. Drawing once and passing
        the draws to this function, :func:`bootstrap_overall` and :func:`rank_intervals` gives all three
        the same replicates, as :func:`score_study` does.

    Returns
    -------
    DataFrame
        The columns of :func:`practice_profiles` plus ``ci_low``, ``ci_high``, ``boot_se``. The
        interval is NaN when fewer than two informants have a score: one informant gives no spread to
        resample, and a zero-width interval would claim certainty the data do not have.

    Notes
    -----
    Percentile interval :math:`[\\hat\\theta^*_{(\\alpha/2)}, \\hat\\theta^*_{(1-\\alpha/2)}]` with
    :math:`\\alpha = 1 - ci` (Efron & Tibshirani 1993, ch. 13).

    References
    ----------
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.

    Examples
    --------
    >>> es = pd.DataFrame({"interview_id": list("abcd"), "practice_id": ["P1"] * 4,
    ...     "informant_id": list("LMNO"), "informant_role": ["leder"] + ["medarbejder"] * 3,
    ...     "delimitation_id": ["main"] * 4, "element_id": ["teori"] * 4,
    ...     "coverage": [1.0] * 4, "score": [0.2, 0.4, 0.6, 0.8], "sufficient": [True] * 4})
    >>> p = bootstrap_profiles(es, n_boot=500, seed=3).iloc[0]
    >>> bool(p["ci_low"] < p["score"] < p["ci_high"])
    True
    """
    _check_share("ci", ci)
    draws = _as_draws(replicates, element_scores, aggregation, n_boot, seed)
    keys = ["practice_id", "delimitation_id", "element_id"]
    profiles = practice_profiles(element_scores, aggregation)
    intervals = draws.cells[keys].assign(**_column_intervals(draws.scores, ci))
    out = profiles.merge(intervals, on=keys, how="left")
    thin = out["n_scored"] < 2
    out.loc[thin, ["ci_low", "ci_high", "boot_se"]] = np.nan
    return out


def bootstrap_overall(
    element_scores: pd.DataFrame,
    aggregation: str = "mean",
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
    min_element_share: float = 0.5,
    replicates: "pd.DataFrame | BootstrapDraws | None" = None,
) -> pd.DataFrame:
    """:func:`overall_index` per practice with a percentile bootstrap interval over informants.

    Parameters
    ----------
    element_scores : DataFrame
        From :func:`element_scores` with interviews attached.
    aggregation, n_boot, seed, ci, replicates
        As in :func:`bootstrap_profiles`.
    min_element_share : float
        As in :func:`overall_index`, applied to the estimate and to every replicate.

    Returns
    -------
    DataFrame
        The columns of :func:`overall_index` plus ``n_informants`` (informants the rule uses),
        ``ci_low``, ``ci_high``, ``boot_se`` (NaN when fewer than two informants).

    Notes
    -----
    Each replicate's index is :func:`overall_index` of that replicate's profile, so the interval carries
    the correlation between a practice's elements (the same informants drive all of them).

    Examples
    --------
    >>> es = pd.DataFrame({"interview_id": list("abcd"), "practice_id": ["P1"] * 4,
    ...     "informant_id": list("LMNO"), "informant_role": ["leder"] + ["medarbejder"] * 3,
    ...     "delimitation_id": ["main"] * 4, "element_id": ["teori"] * 4,
    ...     "coverage": [1.0] * 4, "score": [0.2, 0.4, 0.6, 0.8], "sufficient": [True] * 4})
    >>> o = bootstrap_overall(es, n_boot=500, seed=3).iloc[0]
    >>> round(float(o["overall"]), 3), int(o["n_informants"])
    (0.5, 4)
    """
    _check_share("ci", ci)
    draws = _as_draws(replicates, element_scores, aggregation, n_boot, seed)
    keys = ["practice_id", "delimitation_id"]
    overall = overall_index(practice_profiles(element_scores, aggregation), min_element_share)
    pairs, rep_overall = _replicate_overall(draws, min_element_share)
    out = overall.merge(_n_informants(element_scores, aggregation), on=keys, how="left")
    out = out.merge(pairs.assign(**_column_intervals(rep_overall, ci)), on=keys, how="left")
    thin = out["n_informants"] < 2
    out.loc[thin, ["ci_low", "ci_high", "boot_se"]] = np.nan
    return out


def rank_intervals(
    element_scores: pd.DataFrame,
    aggregation: str = "mean",
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
    min_element_share: float = 0.5,
    replicates: "pd.DataFrame | BootstrapDraws | None" = None,
) -> pd.DataFrame:
    """The ranking of practices by overall index, with a bootstrap interval for each rank.

    Parameters
    ----------
    element_scores : DataFrame
        From :func:`element_scores` with interviews attached.
    aggregation, n_boot, seed, ci, min_element_share, replicates
        As in :func:`bootstrap_overall`.

    Returns
    -------
    DataFrame
        Per practice × delimitation, sorted by rank: ``practice_id``, ``delimitation_id``, ``overall``,
        ``rank`` (1 = highest index; ties share the lowest rank; NaN when the index is insufficient),
        ``rank_low``, ``rank_high`` (the interval's best and worst rank), ``rank_median``,
        ``n_ranked`` (practices with a sufficient index).

    Notes
    -----
    In every replicate the practices are ranked by their replicate index; the rank interval is the
    :math:`(1-ci)/2` and :math:`(1+ci)/2` quantiles of a practice's replicate ranks (taken at the
    nearest observed rank, so they stay whole numbers). Two practices whose rank intervals overlap are
    not reliably ordered (Goldstein & Spiegelhalter 1996).

    References
    ----------
    Goldstein, H. & Spiegelhalter, D. J. (1996). League tables and their limitations: statistical issues
    in comparisons of institutional performance. *JRSS A* 159(3), 385–443.

    Examples
    --------
    >>> es = pd.DataFrame({"interview_id": list("abcd"), "practice_id": ["P1", "P1", "P2", "P2"],
    ...     "informant_id": list("LMNO"), "informant_role": ["leder", "medarbejder"] * 2,
    ...     "delimitation_id": ["main"] * 4, "element_id": ["teori"] * 4,
    ...     "coverage": [1.0] * 4, "score": [0.9, 0.8, 0.2, 0.1], "sufficient": [True] * 4})
    >>> r = rank_intervals(es, n_boot=200, seed=1)
    >>> r[["practice_id", "rank", "rank_low", "rank_high"]].values.tolist()
    [['P1', 1, 1, 1], ['P2', 2, 2, 2]]
    """
    _check_share("ci", ci)
    draws = _as_draws(replicates, element_scores, aggregation, n_boot, seed)
    keys = ["practice_id", "delimitation_id"]
    overall = overall_index(practice_profiles(element_scores, aggregation), min_element_share)
    overall["rank"] = overall.groupby("delimitation_id")["overall"].rank(ascending=False, method="min").astype("Int64")
    overall["n_ranked"] = overall.groupby("delimitation_id")["overall"].transform("count").astype(int)
    pairs, rep_overall = _replicate_overall(draws, min_element_share)
    ranks = _replicate_ranks(rep_overall, pairs["delimitation_id"].to_numpy(dtype=object))
    low, high, median = _column_quantiles(ranks, [((1 - ci) / 2, "lower"), ((1 + ci) / 2, "higher"), (0.5, "median")])
    intervals = pairs.assign(rank_low=low, rank_high=high, rank_median=median)
    out = overall[keys + ["overall", "rank", "n_ranked"]].merge(intervals, on=keys, how="left")
    for column in ("rank_low", "rank_high"):
        out[column] = out[column].round().astype("Int64").where(out["rank"].notna())
    out["rank_median"] = out["rank_median"].where(out["rank"].notna())
    out = out.sort_values(["delimitation_id", "rank", "practice_id"], na_position="last", kind="stable")
    return out[keys + ["overall", "rank", "rank_low", "rank_high", "rank_median", "n_ranked"]].reset_index(drop=True)


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
    with np.errstate(invalid="ignore"):
        position = np.where(rank <= n_extreme, "strongest", np.where(rank > n_ranked - n_extreme, "weakest", "middle"))
    out["rank"] = pd.array(np.where(np.isnan(rank), None, rank), dtype="Int64")
    out["position"] = position
    return out.sort_values(["delimitation_id", "rank"], kind="stable").reset_index(drop=True)


def screen_flags(
    codings: pd.DataFrame,
    instrument: Instrument,
    interviews: pd.DataFrame,
    delimitation: str | None = MAIN_DELIMITATION,
) -> pd.DataFrame:
    """The sikker-praksis screen question per practice, apart from the lovende score.

    Parameters
    ----------
    codings : DataFrame
        ``Study.codings`` (screen_answer holds ja/nej for the screen item).
    instrument : Instrument
        Names the screen item.
    interviews : DataFrame
        ``Study.interviews``; every interview of a practice is counted, coded or not.
    delimitation : str or None
        The delimitation to report (``'main'`` by default).

    Returns
    -------
    DataFrame
        Per practice × delimitation: ``practice_id``, ``delimitation_id``, ``n_interviews``, ``n_ja``,
        ``n_nej`` (interviews whose answer was ja / nej), ``n_disagree`` (coders differed and no
        consensus), ``n_missing`` (no answer or only missing codes), ``possible_sikker``.

    Notes
    -----
    Per interview a consensus answer wins; otherwise the coders' common answer; coders who differ count
    as ``disagree``. ``possible_sikker`` is true when any interview answered ja or the coders disagreed:
    the flag only asks for an expert look at the evidence, so it errs towards looking.

    Examples
    --------
    >>> from lovende_research.instrument import load_instrument
    >>> codings = pd.DataFrame({"interview_id": ["a", "a"], "coder_id": ["A", "B"],
    ...     "item_id": ["sikker_1"] * 2, "delimitation_id": ["main"] * 2,
    ...     "screen_answer": pd.array(["ja", "ja"], dtype="string"), "is_consensus": [False, False]})
    >>> interviews = pd.DataFrame({"interview_id": ["a"], "practice_id": ["P1"]})
    >>> f = screen_flags(codings, load_instrument(), interviews).iloc[0]
    >>> int(f["n_ja"]), bool(f["possible_sikker"])
    (1, True)
    """
    frame = _select_delimitation(codings, delimitation)
    frame = frame[frame["item_id"] == instrument.screen_item.id]
    answers = frame["screen_answer"].astype("string")
    frame = frame.assign(answer=answers)
    # Per interview, for all interviews at once (a loop over groups took seconds on a national study).
    keys = ["interview_id", "delimitation_id"]
    answered = frame[frame["answer"].notna().to_numpy(dtype=bool)]
    consensus_rows = answered["is_consensus"].astype(bool).to_numpy()
    coders = answered[~consensus_rows].groupby(keys, sort=False)["answer"]
    per_interview: dict[tuple[str, str], str] = {
        key: "disagree" if distinct > 1 else str(first)
        for key, distinct, first in zip(coders.nunique().index, coders.nunique().to_numpy(), coders.first().to_numpy())
    }
    consensus = answered[consensus_rows].groupby(keys, sort=False)["answer"].first()
    per_interview.update({key: str(value) for key, value in consensus.items()})
    delimitations = [delimitation] if delimitation is not None else sorted(set(frame["delimitation_id"]) | {MAIN_DELIMITATION})
    rows = []
    for delim in delimitations:
        for practice, group in interviews.groupby("practice_id", sort=True):
            results = [per_interview.get((i, delim), "missing") for i in group["interview_id"]]
            counts = {key: results.count(key) for key in ("ja", "nej", "disagree", "missing")}
            rows.append(
                {
                    "practice_id": practice,
                    "delimitation_id": delim,
                    "n_interviews": len(results),
                    "n_ja": counts["ja"],
                    "n_nej": counts["nej"],
                    "n_disagree": counts["disagree"],
                    "n_missing": counts["missing"],
                    "possible_sikker": counts["ja"] + counts["disagree"] > 0,
                }
            )
    return pd.DataFrame(rows, columns=["practice_id", "delimitation_id", "n_interviews", "n_ja", "n_nej",
                                       "n_disagree", "n_missing", "possible_sikker"])


@dataclass
class ScoreTables:
    """Every table the interview-coding stage writes, one data frame each."""

    item_scores: pd.DataFrame
    element_scores: pd.DataFrame
    profiles: pd.DataFrame
    overall: pd.DataFrame
    ranks: pd.DataFrame
    element_pattern: pd.DataFrame
    screen_flags: pd.DataFrame
    coder_conflicts: pd.DataFrame

    def write(self, out_dir: Path) -> list[Path]:
        """Write each table as ``<out_dir>/<name>.parquet`` (atomically); return the paths."""
        return [write_parquet(getattr(self, f.name), Path(out_dir) / f"{f.name}.parquet") for f in fields(self)]


def score_study(
    study: "Study",
    rule: str = "median",
    aggregation: str = "mean",
    coverage_threshold: float = 0.5,
    n_boot: int = 1000,
    seed: int | None = None,
    ci: float = 0.95,
    delimitation: str | None = MAIN_DELIMITATION,
    language: str | None = None,
) -> ScoreTables:
    """Run the whole chain on a loaded study; the notebook's one call.

    ``seed`` defaults to the study's own seed (``study.yml``), ``language`` to the study's language.
    ``coverage_threshold`` is used twice: for an element's item coverage and for the share of
    elements an overall index needs.
    """
    seed = study.config.seed if seed is None else seed
    language = study.config.language if language is None else language
    instrument = study.instrument
    items = reconcile_coders(study.codings, instrument, rule, delimitation)
    elements = element_scores(items, instrument, study.interviews, coverage_threshold)
    replicates = bootstrap_draws(elements, aggregation, n_boot, seed)  # arrays: never the long table
    profiles = bootstrap_profiles(elements, aggregation, ci=ci, replicates=replicates)
    return ScoreTables(
        item_scores=items,
        element_scores=elements,
        profiles=profiles,
        overall=bootstrap_overall(elements, aggregation, ci=ci, min_element_share=coverage_threshold, replicates=replicates),
        ranks=rank_intervals(elements, aggregation, ci=ci, min_element_share=coverage_threshold, replicates=replicates),
        element_pattern=element_pattern(profiles),
        screen_flags=screen_flags(study.codings, instrument, study.interviews, delimitation),
        coder_conflicts=coder_conflicts(study.codings, instrument, study.interviews, delimitation, language),
    )
