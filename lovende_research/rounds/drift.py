"""Coder drift between rounds: does a coder who coded both rounds code higher or lower than before?

A coder's level is only seen against the other coders of the same interviews (a higher code may be a
better practice, not a more lenient coder), so each coder's *offset* is measured on interviews they
coded with others, in each round, and the drift is the offset's change.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from lovende_research.instrument import Instrument
from lovende_research.scoring.parameters import _check_share


def coder_offsets(codings: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Per coder × interview: the mean of the coder's codes minus the other coders' mean, on the 0–1 scale.

    Only items with a scale code from at least two (non-consensus) coders count. Columns ``coder_id``,
    ``interview_id``, ``offset``, ``n_items``.
    """
    low, high = instrument.scale_codes[0], instrument.scale_codes[-1]
    coded = codings[~codings["is_consensus"] & codings["value"].notna()]
    coded = coded.assign(v=(coded["value"].astype(float) - low) / (high - low))
    keys = ["interview_id", "delimitation_id", "item_id"]
    group = coded.groupby(keys)["v"]
    n, total = group.transform("size"), group.transform("sum")
    coded = coded[n > 1].assign(deviation=lambda d: d["v"] - (total[d.index] - d["v"]) / (n[d.index] - 1))
    out = (
        coded.groupby(["coder_id", "interview_id"])
        .agg(offset=("deviation", "mean"), n_items=("deviation", "size"))
        .reset_index()
    )
    return out


def coder_drift(
    earlier: pd.DataFrame,
    later: pd.DataFrame,
    instrument: Instrument,
    earlier_interviews: pd.DataFrame,
    later_interviews: pd.DataFrame,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Each coder's change of offset between two rounds, compared practice by practice.

    Parameters
    ----------
    earlier, later : DataFrame
        The rounds' ``Study.codings`` (normalised: ``value``, ``is_consensus``, ``delimitation_id``).
    instrument : Instrument
        Gives the scale, for the 0–1 offsets.
    earlier_interviews, later_interviews : DataFrame
        The rounds' ``Study.interviews`` (``interview_id``, ``practice_id``).
    ci : float
        Coverage of the interval.

    Returns
    -------
    DataFrame
        Per coder who coded in both rounds: ``coder_id``, ``offset_1``, ``offset_2`` (mean offset over
        the round's interviews), ``n_practices`` (practices the coder coded in both rounds), ``drift``
        (the mean over those practices of the offset's change), ``ci_low``, ``ci_high``, ``drifted``
        (the interval excludes 0). Empty when no coder coded both rounds; the interval is NaN with
        fewer than two shared practices.

    Notes
    -----
    For coder :math:`c` on interview :math:`j` with items :math:`I_{cj}` also coded by others,
    :math:`o_{cj} = \\frac{1}{|I_{cj}|}\\sum_{i} (v_{cji} - \\bar v_{-c,ji})`, with :math:`\\bar v_{-c,ji}`
    the other coders' mean on the 0–1 scale. A coder's offset depends on what is coded, not only on
    the coder (a lenient coder cannot code a top answer higher), and interviews of one practice are
    alike, so the offsets are compared within practices: :math:`d_{cp} = \\bar o_{c2p} - \\bar o_{c1p}`
    for each practice :math:`p` the coder coded in both rounds, and the drift is :math:`\\bar d_c \\pm
    t_{n-1}\\, s_d/\\sqrt{n}` over those :math:`n` practices (a paired *t* interval, the practice the
    unit). With two coders per interview the pair's offsets mirror each other: a drift is a coder moving
    against the coders they were paired with.

    References
    ----------
    Student (1908). The probable error of a mean. *Biometrika* 6, 1–25.

    Examples
    --------
    >>> from lovende_research.instrument import load_instrument
    >>> instrument = load_instrument()
    >>> interviews = pd.DataFrame({"interview_id": [f"I{j}" for j in range(6)], "practice_id": ["P1", "P1", "P2", "P2", "P3", "P3"]})
    >>> def codings(shift):
    ...     rows = [(f"I{j}", c, item, 2 + (c == "A") * shift) for j in range(6) for c in "AB" for item in ("teori_1", "teori_2")]
    ...     frame = pd.DataFrame(rows, columns=["interview_id", "coder_id", "item_id", "value"])
    ...     return frame.assign(value=lambda d: d["value"].astype("Int64"), is_consensus=False, delimitation_id="main")
    >>> drift = coder_drift(codings(0), codings(1), instrument, interviews, interviews).set_index("coder_id")
    >>> round(float(drift.at["A", "drift"]), 3), round(float(drift.at["B", "drift"]), 3), int(drift.at["A", "n_practices"])
    (0.333, -0.333, 3)
    """
    _check_share("ci", ci)
    offsets = [
        coder_offsets(c, instrument).merge(i[["interview_id", "practice_id"]], on="interview_id", how="left")
        for c, i in ((earlier, earlier_interviews), (later, later_interviews))
    ]
    overall = [o.groupby("coder_id")["offset"].mean() for o in offsets]
    by_practice = [o.groupby(["coder_id", "practice_id"])["offset"].mean() for o in offsets]
    paired = pd.concat(by_practice, axis=1, keys=["o1", "o2"], join="inner").dropna()
    diff = (paired["o2"] - paired["o1"]).groupby(level="coder_id")
    coders = sorted(set(overall[0].index) & set(overall[1].index))
    summary = pd.DataFrame({"mean": diff.mean(), "sd": diff.std(ddof=1), "n": diff.size()}).reindex(coders)
    n = summary["n"].fillna(0).to_numpy(dtype=int)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = (
            stats.t.ppf((1 + ci) / 2, np.maximum(n - 1, 1))
            * summary["sd"].to_numpy(dtype=float)
            / np.sqrt(np.maximum(n, 1))
        )
    half = np.where(n >= 2, half, np.nan)
    result = pd.DataFrame(
        {
            "coder_id": [str(c) for c in coders],
            "offset_1": overall[0].reindex(coders).to_numpy(dtype=float),
            "offset_2": overall[1].reindex(coders).to_numpy(dtype=float),
            "n_practices": n,
            "drift": summary["mean"].to_numpy(dtype=float),
        }
    )
    result["ci_low"], result["ci_high"] = result["drift"] - half, result["drift"] + half
    result["drifted"] = (result["ci_low"] > 0) | (result["ci_high"] < 0)
    return result
