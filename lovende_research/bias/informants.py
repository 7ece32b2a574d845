"""Do informants of the same practice agree? ICC(1) per element and overall."""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from lovende_research.agreement import icc_oneway
from lovende_research.bias.common import _require

#: Koo & Li's (2016) reading of an ICC: below 0.5 poor, 0.5–0.75 moderate, 0.75–0.9 good, above excellent.
ICC_BANDS: tuple[tuple[float, str], ...] = ((0.5, "poor"), (0.75, "moderate"), (0.9, "good"), (np.inf, "excellent"))


def icc_band(value: float) -> str:
    """Koo & Li's (2016) band of an ICC: ``poor``, ``moderate``, ``good``, ``excellent`` (``unknown`` for NaN).

    Examples
    --------
    >>> icc_band(0.62), icc_band(float("nan"))
    ('moderate', 'unknown')
    """
    if value is None or np.isnan(value):
        return "unknown"
    return next(band for limit, band in ICC_BANDS if value < limit)


def informant_icc(
    element_scores: pd.DataFrame,
    exclude_informants: Iterable[str] = (),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """How well informants of the same practice agree: :func:`~lovende_research.agreement.icc_oneway` per element and overall.

    Parameters
    ----------
    element_scores : DataFrame
        From :func:`lovende_research.scoring.element_scores` with interviews attached, one delimitation.
    exclude_informants : iterable of str
        Informant ids to leave out (e.g. flagged straight-liners).
    confidence : float
        Coverage of the intervals.

    Returns
    -------
    DataFrame
        One row per element (in the order the elements first appear), then one for the overall score (``element_id`` = ``overall``: each
        informant's mean over their sufficient element scores): ``element_id``, the columns of
        :func:`~lovende_research.agreement.icc_oneway` (``n_subjects`` counts practices with two or more
        scored informants), and ``band`` (:func:`icc_band` of ``icc1``).

    Notes
    -----
    The targets are practices and the ratings the informants' element scores (an informant's interviews
    averaged first). Role differences count as disagreement here: a lenient leader lowers the ICC, which is
    the point of the check. **Why ICC(1).** In a mapping each practice is described by *its own* informants:
    no informant rates two practices. That is Shrout & Fleiss's case 1, each target rated by a different
    set of judges, so judge effects cannot be separated from error and only the one-way model applies;
    ICC(2) and ICC(3) need the same judges across targets (formula and interval:
    :func:`lovende_research.agreement.icc_oneway`).

    References
    ----------
    Koo, T. K., & Li, M. Y. (2016). A guideline of selecting and reporting intraclass correlation
    coefficients for reliability research. *Journal of Chiropractic Medicine*, 15(2), 155–163.

    Examples
    --------
    >>> es = pd.DataFrame({"practice_id": ["P1"] * 2 + ["P2"] * 2 + ["P3"] * 2,
    ...     "informant_id": list("abcdef"), "element_id": "maal", "score": [0.9, 0.8, 0.2, 0.3, 0.5, 0.6]})
    >>> out = informant_icc(es)
    >>> out["element_id"].tolist(), round(float(out["icc1"].iloc[0]), 3)
    (['maal', 'overall'], 0.946)
    """
    _require(element_scores, ["practice_id", "informant_id", "element_id", "score"], "element_scores")
    data = element_scores[~element_scores["informant_id"].isin(set(exclude_informants))]
    per_informant = (
        data.groupby(["practice_id", "informant_id", "element_id"], sort=False)["score"].mean().reset_index()
    )
    rows = []
    for element, group in per_informant.groupby("element_id", sort=False):
        rows.append(
            icc_oneway(group, subject="practice_id", rating="score", confidence=confidence).assign(element_id=element)
        )
    overall = per_informant.groupby(["practice_id", "informant_id"], sort=False)["score"].mean().reset_index()
    rows.append(
        icc_oneway(overall, subject="practice_id", rating="score", confidence=confidence).assign(element_id="overall")
    )
    out = pd.concat(rows, ignore_index=True)
    out["band"] = out["icc1"].map(icc_band)
    return out[["element_id"] + [c for c in out.columns if c != "element_id"]]
