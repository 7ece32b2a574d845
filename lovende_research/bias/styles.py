"""Response styles: straight-lining, ceiling responding, and an unsupported sikker-praksis *ja*."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lovende_research.bias.common import BiasError, _check_share
from lovende_research.errors import Text
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
        notes = (
            frame["note"].fillna("").astype(str).str.strip()
        )  # a missing note stays NaN under pandas 3's astype(str)
        notes = notes[~notes.isin(["", "nan", "<NA>", "None"])]
        joined = notes.groupby(keys[notes.index], sort=False).agg("; ".join)
        out["screen_note"] = text(joined)
    else:
        out["screen_note"] = ""
    return out[["interview_id", "screen_answer", "screen_note"]]


#: Defaults of :func:`response_styles`, measured on the independent generator (benchmarks/README.md,
#: "Validity"): with them planted straight-liners outside extreme practices are found in ≥ 95 % of cases
#: and truthful informants of extreme practices flagged in ≤ 5 %.
STRAIGHTLINE_SHARE = 0.75
CEILING_SHARE = 0.8
STYLE_MARGIN = 0.3
#: Answered items needed before a response style is judged.
MIN_ITEMS = 10
#: A sikker-praksis "ja" counts as supported when the Virkning element scores at least this.
SCREEN_EVIDENCE = 0.5


def response_styles(
    item_scores: pd.DataFrame,
    element_scores: pd.DataFrame,
    codings: pd.DataFrame,
    interviews: pd.DataFrame,
    instrument: Instrument,
    straightline_share: float = STRAIGHTLINE_SHARE,
    ceiling_share: float = CEILING_SHARE,
    min_items: int = MIN_ITEMS,
    screen_evidence: float = SCREEN_EVIDENCE,
    delimitation: str = MAIN_DELIMITATION,
    style_margin: float = STYLE_MARGIN,
) -> pd.DataFrame:
    """Response styles per interview: straight-lining, ceiling responding, an unsupported sikker-praksis *ja*.

    Parameters
    ----------
    item_scores : DataFrame
        From :func:`lovende_research.scoring.reconcile_coders` (one code per interview × item); gives
        ``n_answered``.
    element_scores : DataFrame
        From :func:`lovende_research.scoring.element_scores`; gives the evidence element's score.
    codings : DataFrame
        ``Study.codings``: the coders' own codes (the shares below), the screen item's answers and the
        coders' notes on it.
    interviews : DataFrame
        ``Study.interviews``.
    instrument : Instrument
        Names the screen item and the top of the scale.
    straightline_share : float
        Straight-lining needs at least this share of the codes on one and the same code …
    ceiling_share : float
        … and ceiling responding at least this share in the top category; each also needs ``style_margin``.
    min_items : int
        Neither style is flagged on fewer answered items than this (too little to tell a style).
    screen_evidence : float
        A *ja* to the screen item counts as supported when the interview's own score on the element
        Virkning is at least this, or a coder wrote a note on the screen item (e.g. the study's reference).
    delimitation : str
        The delimitation to check.
    style_margin : float
        How far the informant's share must exceed what the practice's other informants give (the median of
        their shares at the same code): a practice that truly is extreme is answered so by all of them.

    Returns
    -------
    DataFrame
        One row per interview: ``interview_id``, ``practice_id``, ``informant_id``, ``informant_role``,
        ``n_answered`` (items with a reconciled scale code), ``modal_code``, ``modal_share`` (share of the
        coders' codes at the most frequent code), ``code_sd`` (SD of those codes, ddof=0), ``top_share``
        (share at the scale's top code), ``reference_share`` and ``reference_top_share`` (the median over
        the practice's other informants' interviews of their share at ``modal_code`` and at the top code),
        ``reference`` (``practice``; ``study`` when the practice has no other informant, the median then
        taken over every other interview of the study), ``straightliner``, ``ceiling``, ``screen_answer``
        (``ja``, ``nej``, ``uenig`` or empty), ``screen_note``, ``evidence_score`` (the Virkning score, NaN
        when insufficient), ``screen_unsupported``.

    Notes
    -----
    The shares pool the coders' own codes of the interview's scored items (consensus codes where an
    interview has no coder's), so one coder's split does not hide a constant answer. With :math:`m_j` the
    informant's share at their modal code :math:`c_j` and :math:`\\tilde m_j` the median share at
    :math:`c_j` over the practice's other informants,

    .. math:: \\text{straight-liner} \\iff n_j \\ge n_{min} \\wedge m_j \\ge \\text{straightline\\_share}
              \\wedge m_j - \\tilde m_j \\ge \\text{style\\_margin},

    and ceiling likewise with the top code. The share of one code alone cannot tell a style from a
    practice that really is extreme (every informant of a very weak practice answers *slet ikke*), nor from
    a lenient informant of a top practice; the co-informants can, as they describe the same practice. A
    straight-liner who happens to answer at the practice's own extreme level is not told apart, and need
    not be: the answers agree with the practice's other informants. Unlike the mean, the median keeps a
    second straight-liner in the practice from hiding the first.

    References
    ----------
    Kim, Y., Dykema, J., Stevenson, J., Black, P., & Moberg, D. P. (2019). Straightlining: overview of
    measurement, comparison of indicators, and effects in mail–web mixed-mode surveys. *Social Science
    Computer Review*, 37(2), 214–233.

    Examples
    --------
    Three informants of one practice; ``c`` gives 4 throughout while the others cycle through 1–4 (7 of the
    30 items at 4, a share of 0.23):

    >>> from lovende_research.instrument import load_instrument
    >>> inst = load_instrument()
    >>> ids = [i.id for i in inst.items]
    >>> varied = [1 + (k % 4) for k in range(len(ids))]
    >>> codings = pd.DataFrame([(iv, "K1", item, v) for iv, values in (("a", varied), ("b", varied[::-1]), ("c", [4] * len(ids)))
    ...                         for item, v in zip(ids, values)], columns=["interview_id", "coder_id", "item_id", "value"])
    >>> codings = codings.assign(delimitation_id="main", is_consensus=False, screen_answer=pd.NA)
    >>> items = codings.rename(columns={"value": "code"})[["interview_id", "delimitation_id", "item_id", "code"]]
    >>> interviews = pd.DataFrame({"interview_id": list("abc"), "practice_id": "P1", "informant_id": list("xyz"),
    ...                            "informant_role": "medarbejder"})
    >>> es = pd.DataFrame(columns=["interview_id", "delimitation_id", "element_id", "score"])
    >>> out = response_styles(items, es, codings, interviews, inst).set_index("informant_id")
    >>> out["straightliner"].to_dict(), round(float(out.loc["z", "reference_share"]), 2)
    ({'x': False, 'y': False, 'z': True}, 0.23)
    """
    for name, value in (
        ("straightline_share", straightline_share),
        ("ceiling_share", ceiling_share),
        ("style_margin", style_margin),
    ):
        _check_share(name, value)
    if isinstance(min_items, bool) or not isinstance(min_items, (int, np.integer)) or min_items < 1:
        raise BiasError("min_items", min_items, Text("et positivt heltal", "a positive whole number"))
    top = float(instrument.scale_codes[-1])
    answered = item_scores[item_scores["delimitation_id"] == delimitation].dropna(subset=["code"])
    out = interviews[["interview_id", "practice_id", "informant_id", "informant_role"]].reset_index(drop=True)
    out["n_answered"] = out["interview_id"].map(answered.groupby("interview_id").size()).fillna(0).astype(int)
    counts = _code_counts(codings, instrument, delimitation).reindex(out["interview_id"]).fillna(0.0)
    total = counts.sum(axis=1).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = counts.to_numpy() / total[:, None]
    codes = counts.columns.to_numpy(dtype=float)
    has = total > 0
    modal = np.where(has, np.argmax(counts.to_numpy(), axis=1), 0)
    rows = np.arange(len(out))
    out["modal_code"] = np.where(has, codes[modal], np.nan)
    out["modal_share"] = np.where(has, shares[rows, modal], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = shares @ codes
        out["code_sd"] = np.where(has, np.sqrt(np.maximum(shares @ codes**2 - mean**2, 0.0)), np.nan)
    top_col = int(np.flatnonzero(codes == top)[0])
    out["top_share"] = np.where(has, shares[:, top_col], np.nan)
    reference = _co_informant_medians(out, shares, has, modal, top_col)
    out = pd.concat([out, reference], axis=1)
    enough = out["n_answered"] >= min_items
    out["straightliner"] = (
        enough
        & (out["modal_share"] >= straightline_share)
        & (out["modal_share"] - out["reference_share"] >= style_margin)
    )
    out["ceiling"] = (
        enough & (out["top_share"] >= ceiling_share) & (out["top_share"] - out["reference_top_share"] >= style_margin)
    )
    screen = (
        _screen_answers(codings, instrument, delimitation)
        if len(codings)
        else pd.DataFrame(columns=["interview_id", "screen_answer", "screen_note"])
    )
    out = out.merge(screen, on="interview_id", how="left")
    out["screen_answer"] = out["screen_answer"].fillna("").astype(str)
    out["screen_note"] = out["screen_note"].fillna("").astype(str)
    evidence = element_scores[
        (element_scores["element_id"] == EVIDENCE_ELEMENT) & (element_scores["delimitation_id"] == delimitation)
    ]
    out["evidence_score"] = out["interview_id"].map(evidence.set_index("interview_id")["score"]).astype(float)
    supported = (out["evidence_score"] >= screen_evidence) | (out["screen_note"] != "")
    out["screen_unsupported"] = (out["screen_answer"] == "ja") & ~supported
    return out.reset_index(drop=True)


def _code_counts(codings: pd.DataFrame, instrument: Instrument, delimitation: str) -> pd.DataFrame:
    """Interviews × scale codes: how often the coders gave each code to the scored items (consensus codes
    only for an interview no coder's codes reach)."""
    scored = set(instrument.item_ids)
    frame = codings[(codings["delimitation_id"] == delimitation) & codings["item_id"].isin(scored)].dropna(
        subset=["value"]
    )
    consensus = frame["is_consensus"].astype(bool)
    by_coder = frame[~consensus]
    only_consensus = frame[consensus & ~frame["interview_id"].isin(set(by_coder["interview_id"]))]
    frame = pd.concat([by_coder, only_consensus])
    counts = frame.groupby(["interview_id", frame["value"].astype(float)]).size().unstack(fill_value=0)
    return counts.reindex(columns=[float(c) for c in instrument.scale_codes], fill_value=0).astype(float)


def _co_informant_medians(
    out: pd.DataFrame, shares: np.ndarray, has: np.ndarray, modal: np.ndarray, top_col: int
) -> pd.DataFrame:
    """Per interview: the median share at its modal code and at the top code over the practice's other
    informants' interviews (``practice``), or over the study's other interviews where there are none (``study``)."""
    n = len(out)
    reference_share, reference_top = np.full(n, np.nan), np.full(n, np.nan)
    kind = np.full(n, "", dtype=object)
    informants = out["informant_id"].to_numpy(dtype=object)
    for rows in out.groupby("practice_id", sort=False).indices.values():
        for j in rows:
            if not has[j]:
                continue
            others = rows[(informants[rows] != informants[j]) & has[rows]]
            kind[j] = "practice"
            if len(others) == 0:
                others = np.flatnonzero(has & (informants != informants[j]))
                kind[j] = "study"
            if len(others):
                reference_share[j] = float(np.median(shares[others, modal[j]]))
                reference_top[j] = float(np.median(shares[others, top_col]))
    return pd.DataFrame({"reference_share": reference_share, "reference_top_share": reference_top, "reference": kind})
