"""Response styles: straight-lining, ceiling responding, and an unsupported sikker-praksis *ja*."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lovende_research.bias.common import BiasError, _check_share
from lovende_research.instrument import Instrument
from lovende_research.schemas import MAIN_DELIMITATION

#: The element a sikker-praksis *ja* should be backed by: "Virkning" (some study suggests an effect).
EVIDENCE_ELEMENT = "virkning"

def _screen_answers(codings: pd.DataFrame, instrument: Instrument, delimitation: str) -> pd.DataFrame:
    """Per interview: the screen answer (consensus wins, else the coders' common answer) and any coder note."""
    frame = codings[(codings["item_id"] == instrument.screen_item.id) & (codings["delimitation_id"] == delimitation)]
    frame = frame.reset_index(drop=True)
    # Grouped columns, not a loop over interviews (18,000 of them in a national study).
    keys = frame["interview_id"]
    is_consensus = frame["is_consensus"].astype(bool).to_numpy()
    answers = frame["screen_answer"]
    consensus = answers[is_consensus].dropna().groupby(keys[is_consensus], sort=False).first()
    coders = answers[~is_consensus].dropna()
    coder_keys = keys[~is_consensus][coders.index]
    grouped = coders.groupby(coder_keys, sort=False)
    distinct, first = grouped.nunique(), grouped.first()
    out = pd.DataFrame({"interview_id": sorted(set(keys))})
    ids = out["interview_id"]
    def text(series: pd.Series) -> np.ndarray:  # mapped values as text, "" where there is none
        values = ids.map(series).to_numpy(dtype=object)
        return np.array(["" if pd.isna(v) else str(v) for v in values], dtype=object)

    answer = np.where(ids.map(distinct).fillna(0).to_numpy(dtype=float) > 1, "uenig", text(first))
    from_consensus = text(consensus)
    out["screen_answer"] = np.where(ids.isin(consensus.index).to_numpy(), from_consensus, answer)
    if "note" in frame.columns:
        notes = frame["note"].astype(str).str.strip()
        notes = notes[~notes.isin(["", "nan", "<NA>", "None"])]
        joined = notes.groupby(keys[notes.index], sort=False).agg("; ".join)
        out["screen_note"] = text(joined)
    else:
        out["screen_note"] = ""
    return out[["interview_id", "screen_answer", "screen_note"]]


def response_styles(
    item_scores: pd.DataFrame,
    element_scores: pd.DataFrame,
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    instrument: Instrument,
    straightline_share: float = 0.9,
    ceiling_share: float = 0.8,
    min_items: int = 10,
    screen_evidence: float = 0.5,
    delimitation: str = MAIN_DELIMITATION,
) -> pd.DataFrame:
    """Response styles per interview: straight-lining, ceiling responding, an unsupported sikker-praksis *ja*.

    Parameters
    ----------
    item_scores : DataFrame
        From :func:`lovende_research.scoring.reconcile_coders` (one code per interview × item).
    element_scores : DataFrame
        From :func:`lovende_research.scoring.element_scores`; gives the evidence element's score.
    codings : DataFrame
        ``Study.codings``; gives the screen item's answers and the coders' notes on it.
    interviews : DataFrame
        ``Study.interviews``.
    instrument : Instrument
        Names the screen item and the top of the scale.
    straightline_share : float
        Flag straight-lining when at least this share of the answered items has one and the same code.
    ceiling_share : float
        Flag ceiling responding when at least this share of the answered items is in the top category.
    min_items : int
        Neither style is flagged on fewer answered items than this (too little to tell a style).
    screen_evidence : float
        A *ja* to the screen item counts as supported when the interview's own score on the element
        Virkning is at least this, or a coder wrote a note on the screen item (e.g. the study's reference).
    delimitation : str
        The delimitation to check.

    Returns
    -------
    DataFrame
        One row per interview: ``interview_id``, ``practice_id``, ``informant_id``, ``informant_role``,
        ``n_answered`` (items with a reconciled scale code), ``modal_code``, ``modal_share`` (share of
        answered items at the most frequent code), ``code_sd`` (SD of the codes, ddof=0), ``top_share``
        (share at the scale's top code), ``straightliner``, ``ceiling``, ``screen_answer`` (``ja``,
        ``nej``, ``uenig`` or empty), ``screen_note``, ``evidence_score`` (the Virkning score, NaN when
        insufficient), ``screen_unsupported``.

    Notes
    -----
    Reconciled codes are used (a coder split such as 3/4 gives 3.5, its own value), so an informant only
    reads as a straight-liner when both coders heard the same answer throughout. With :math:`n` answered
    items and :math:`m` of them at the modal code, ``modal_share`` :math:`= m/n`. The screen item is
    about a scientific effect trial; a *ja* while the same informant scores the weaker claim "some study
    suggests an effect" low, with no note on the study, is inconsistent and asks for the documentation.

    References
    ----------
    Kim, Y., Dykema, J., Stevenson, J., Black, P., & Moberg, D. P. (2019). Straightlining: overview of
    measurement, comparison of indicators, and effects in mail–web mixed-mode surveys. *Social Science
    Computer Review*, 37(2), 214–233.

    Examples
    --------
    >>> from lovende_research.instrument import load_instrument
    >>> inst = load_instrument()
    >>> items = pd.DataFrame({"interview_id": "I1", "delimitation_id": "main",
    ...                       "item_id": [i.id for i in inst.items][:12], "code": [4.0] * 11 + [3.0]})
    >>> interviews = pd.DataFrame({"interview_id": ["I1"], "practice_id": ["P1"], "informant_id": ["P1-L"],
    ...                            "informant_role": ["leder"]})
    >>> es = pd.DataFrame(columns=["interview_id", "delimitation_id", "element_id", "score"])
    >>> codings = pd.DataFrame(columns=["interview_id", "item_id", "delimitation_id", "screen_answer", "is_consensus"])
    >>> row = response_styles(items, es, codings, interviews, inst).iloc[0]
    >>> round(float(row["modal_share"]), 3), bool(row["straightliner"]), bool(row["ceiling"])
    (0.917, True, True)
    """
    for name, value in (("straightline_share", straightline_share), ("ceiling_share", ceiling_share)):
        _check_share(name, value)
    if isinstance(min_items, bool) or not isinstance(min_items, (int, np.integer)) or min_items < 1:
        raise BiasError("min_items", min_items, "et positivt heltal")
    top = float(instrument.scale_codes[-1])
    items = item_scores[item_scores["delimitation_id"] == delimitation].dropna(subset=["code"])
    # Grouped columns, not a loop over interviews: the modal code is the most frequent code, a tie going to
    # the code answered first (the order value_counts keeps); the SD is numpy's, per interview's codes.
    items = items.assign(_pos=np.arange(len(items))).sort_values(["interview_id", "_pos"], kind="stable")
    codes = items["code"].to_numpy(dtype=float)
    per = items.groupby(["interview_id", "code"], sort=False)["_pos"].agg(["size", "min"]).reset_index()
    per = per.sort_values(["interview_id", "size", "min"], ascending=[True, False, True], kind="stable")
    modal = per.drop_duplicates("interview_id").set_index("interview_id")
    bounds = np.flatnonzero(np.r_[True, items["interview_id"].to_numpy()[1:] != items["interview_id"].to_numpy()[:-1]])
    ids = items["interview_id"].to_numpy()[bounds]
    n_answered = np.diff(np.r_[bounds, len(codes)])
    styles = pd.DataFrame({
        "interview_id": ids,
        "n_answered": n_answered,
        "modal_code": modal["code"].reindex(ids).to_numpy(dtype=float),
        "modal_share": modal["size"].reindex(ids).to_numpy(dtype=float) / n_answered,
        "code_sd": [float(part.std()) for part in np.split(codes, bounds[1:])] if len(codes) else [],
        "top_share": np.add.reduceat((codes == top).astype(float), bounds) / n_answered if len(codes) else [],
    }, columns=["interview_id", "n_answered", "modal_code", "modal_share", "code_sd", "top_share"])
    out = interviews[["interview_id", "practice_id", "informant_id", "informant_role"]].merge(styles, on="interview_id", how="left")
    out["n_answered"] = out["n_answered"].fillna(0).astype(int)
    enough = out["n_answered"] >= min_items
    out["straightliner"] = enough & (out["modal_share"] >= straightline_share)
    out["ceiling"] = enough & (out["top_share"] >= ceiling_share)
    screen = _screen_answers(codings, instrument, delimitation) if len(codings) else pd.DataFrame(columns=["interview_id", "screen_answer", "screen_note"])
    out = out.merge(screen, on="interview_id", how="left")
    out["screen_answer"] = out["screen_answer"].fillna("").astype(str)
    out["screen_note"] = out["screen_note"].fillna("").astype(str)
    evidence = element_scores[(element_scores["element_id"] == EVIDENCE_ELEMENT) & (element_scores["delimitation_id"] == delimitation)]
    out["evidence_score"] = out["interview_id"].map(evidence.set_index("interview_id")["score"]).astype(float)
    supported = (out["evidence_score"] >= screen_evidence) | (out["screen_note"] != "")
    out["screen_unsupported"] = (out["screen_answer"] == "ja") & ~supported
    return out.reset_index(drop=True)
