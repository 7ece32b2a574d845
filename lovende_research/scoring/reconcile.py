"""Coders' codes → one code per interview × item; the disagreements for a consensus meeting; the
sikker-praksis screen question (answered in the codings, reported apart from the lovende score)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lovende_research.instrument import Instrument
from lovende_research.schemas import MAIN_DELIMITATION
from lovende_research.scoring.parameters import KEY, RECONCILE_RULES, _check_choice


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
    out = out.assign(_order=out["item_id"].map(order)).sort_values(
        ["interview_id", "delimitation_id", "_order"], kind="stable"
    )
    columns = [
        "interview_id",
        "delimitation_id",
        "item_id",
        "element_id",
        "weight",
        "code",
        "value",
        "missing_code",
        "n_coders",
        "n_answered",
        "agree",
        "source",
    ]
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
        out = out.merge(
            interviews[["interview_id", "practice_id", "informant_id", "informant_role"]], on="interview_id", how="left"
        )
        lead += ["practice_id", "informant_id", "informant_role"]
    columns = (
        lead
        + ["delimitation_id", "item_id", "element_id", "question"]
        + coder_columns
        + ["max_difference", "consensus", "resolved"]
    )
    return out[columns].reset_index(drop=True)


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
        for key, distinct, first in zip(
            coders.nunique().index, coders.nunique().to_numpy(), coders.first().to_numpy(), strict=True
        )
    }
    consensus = answered[consensus_rows].groupby(keys, sort=False)["answer"].first()
    per_interview.update({key: str(value) for key, value in consensus.items()})
    delimitations = (
        [delimitation] if delimitation is not None else sorted(set(frame["delimitation_id"]) | {MAIN_DELIMITATION})
    )
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
    return pd.DataFrame(
        rows,
        columns=[
            "practice_id",
            "delimitation_id",
            "n_interviews",
            "n_ja",
            "n_nej",
            "n_disagree",
            "n_missing",
            "possible_sikker",
        ],
    )
