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
    out = coded.groupby(["coder_id", "interview_id"]).agg(offset=("deviation", "mean"), n_items=("deviation", "size")).reset_index()
    return out


def coder_drift(earlier: pd.DataFrame, later: pd.DataFrame, instrument: Instrument, ci: float = 0.95) -> pd.DataFrame:
    """Each coder's change of offset between two rounds, for coders who coded in both.

    Parameters
    ----------
    earlier, later : DataFrame
        The rounds' ``Study.codings`` (normalised: ``value``, ``is_consensus``, ``delimitation_id``).
    instrument : Instrument
        Gives the scale, for the 0–1 offsets.
    ci : float
        Coverage of the interval.

    Returns
    -------
    DataFrame
        Per coder in both rounds: ``coder_id``, ``offset_1``, ``offset_2`` (mean offset over the
        round's interviews), ``n_interviews_1``, ``n_interviews_2``, ``drift`` (``offset_2 - offset_1``),
        ``ci_low``, ``ci_high``, ``drifted`` (the interval excludes 0). Empty when no coder coded both.

    Notes
    -----
    For coder :math:`c` on interview :math:`j` with items :math:`I_{cj}` also coded by others,
    :math:`o_{cj} = \\frac{1}{|I_{cj}|}\\sum_{i} (v_{cji} - \\bar v_{-c,ji})`, with :math:`\\bar v_{-c,ji}`
    the other coders' mean on the 0–1 scale. The drift :math:`\\bar o_{c2} - \\bar o_{c1}` has
    Welch's interval :math:`\\pm t_{\\nu}\\sqrt{s_1^2/n_1 + s_2^2/n_2}` over interviews (Welch 1947),
    the interviews being independent. With two coders per interview the pair's offsets mirror each
    other: a drift is a coder moving against the coders they were paired with.

    References
    ----------
    Welch, B. L. (1947). The generalization of 'Student's' problem when several different population
    variances are involved. *Biometrika* 34, 28–35.

    Examples
    --------
    >>> from lovende_research.instrument import load_instrument
    >>> instrument = load_instrument()
    >>> def codings(shift):
    ...     rows = [(f"I{j}", c, item, 2 + (c == "A") * shift) for j in range(6) for c in "AB" for item in ("teori_1", "teori_2")]
    ...     frame = pd.DataFrame(rows, columns=["interview_id", "coder_id", "item_id", "value"])
    ...     return frame.assign(value=lambda d: d["value"].astype("Int64"), is_consensus=False, delimitation_id="main")
    >>> drift = coder_drift(codings(0), codings(1), instrument).set_index("coder_id")
    >>> round(float(drift.at["A", "drift"]), 3), round(float(drift.at["B", "drift"]), 3)
    (0.333, -0.333)
    """
    _check_share("ci", ci)
    offsets = [coder_offsets(c, instrument) for c in (earlier, later)]
    summary = [o.groupby("coder_id")["offset"].agg(["mean", "var", "size"]) for o in offsets]
    out = summary[0].merge(summary[1], how="inner", left_index=True, right_index=True, suffixes=("_1", "_2"))
    v1, v2 = out["var_1"].fillna(0) / out["size_1"], out["var_2"].fillna(0) / out["size_2"]
    se = np.sqrt(v1 + v2)
    with np.errstate(invalid="ignore", divide="ignore"):
        df = (v1 + v2) ** 2 / (v1 ** 2 / np.maximum(out["size_1"] - 1, 1) + v2 ** 2 / np.maximum(out["size_2"] - 1, 1))
    t = stats.t.ppf((1 + ci) / 2, np.where(np.isfinite(df), df, 1.0))
    result = pd.DataFrame({
        "coder_id": out.index.astype(str), "offset_1": out["mean_1"].to_numpy(), "offset_2": out["mean_2"].to_numpy(),
        "n_interviews_1": out["size_1"].to_numpy(dtype=int), "n_interviews_2": out["size_2"].to_numpy(dtype=int),
    })
    result["drift"] = result["offset_2"] - result["offset_1"]
    result["ci_low"] = result["drift"] - t * se.to_numpy()
    result["ci_high"] = result["drift"] + t * se.to_numpy()
    result["drifted"] = (result["ci_low"] > 0) | (result["ci_high"] < 0)
    return result.reset_index(drop=True)
