"""``bias/informants.py`` on hand-made element scores: Koo & Li's bands and ICC(1) per element and overall.

Fast tests for mutation testing of ``informants.py``. The ICC(1) values are worked from the one-way
ANOVA by hand (Shrout & Fleiss 1979, case 1) on frames small enough to follow in a comment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lovende_research.bias import informants
from lovende_research.errors import LovendeError


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0.0, "poor"),
        (0.4999, "poor"),
        (0.5, "moderate"),  # Koo & Li (2016): 0.5–0.75 moderate, the lower limit included
        (0.7499, "moderate"),
        (0.75, "good"),
        (0.8999, "good"),
        (0.9, "excellent"),
        (1.0, "excellent"),
        (-0.3, "poor"),
        (float("nan"), "unknown"),
        (None, "unknown"),
    ],
)
def test_icc_band_limits_belong_to_the_band_above(value: float, band: str) -> None:
    assert informants.icc_band(value) == band


def _icc1(groups: list[list[float]]) -> float:
    """ICC(1,1) of a balanced one-way layout, by hand: (MSB − MSW) / (MSB + (k − 1) MSW)."""
    y = np.array(groups, dtype=float)
    a, k = y.shape
    msb = k * ((y.mean(axis=1) - y.mean()) ** 2).sum() / (a - 1)
    msw = ((y - y.mean(axis=1, keepdims=True)) ** 2).sum() / (a * (k - 1))
    return float((msb - msw) / (msb + (k - 1) * msw))


def test_informant_icc_averages_interviews_excludes_informants_and_adds_the_overall_row() -> None:
    """Pins down the ratings the ICC is computed on: an informant's interviews averaged first (``a`` has
    two interviews on ``maal``: 0.8 and 1.0, so 0.9), excluded informants left out (``z`` would otherwise
    be a third rater in P1), the overall row on each informant's mean over their elements, the element
    rows in the order elements first appear, and each row's band."""
    rows = [
        # practice, informant, element, score (teori first: the rows keep the data's element order)
        ("P1", "a", "teori", 0.5),
        ("P1", "b", "teori", 0.7),
        ("P2", "c", "teori", 0.6),
        ("P2", "d", "teori", 0.4),
        ("P3", "e", "teori", 0.3),
        ("P3", "f", "teori", 0.5),
        ("P1", "a", "maal", 0.8),
        ("P1", "a", "maal", 1.0),
        ("P1", "b", "maal", 0.8),
        ("P1", "z", "maal", 0.0),
        ("P2", "c", "maal", 0.2),
        ("P2", "d", "maal", 0.3),
        ("P3", "e", "maal", 0.5),
        ("P3", "f", "maal", 0.6),
    ]
    es = pd.DataFrame(rows, columns=["practice_id", "informant_id", "element_id", "score"])
    table = informants.informant_icc(es, exclude_informants=["z"])
    assert table.index.tolist() == [0, 1, 2]  # a plain index, one row each
    out = table.set_index("element_id")
    assert out.index.tolist() == ["teori", "maal", "overall"]
    # maal: P1 (0.9, 0.8), P2 (0.2, 0.3), P3 (0.5, 0.6); teori: (0.5, 0.7), (0.6, 0.4), (0.3, 0.5);
    # overall (each informant's mean of maal and teori): a 0.7, b 0.75; c 0.4, d 0.35; e 0.4, f 0.55.
    maal = _icc1([[0.9, 0.8], [0.2, 0.3], [0.5, 0.6]])
    teori = _icc1([[0.5, 0.7], [0.6, 0.4], [0.3, 0.5]])
    overall = _icc1([[0.7, 0.75], [0.4, 0.35], [0.4, 0.55]])
    assert out.loc[["maal", "teori", "overall"], "icc1"].to_numpy() == pytest.approx([maal, teori, overall], abs=1e-12)
    # maal by hand: practice means 0.85, 0.25, 0.55 (grand 0.55), MSB = 2·(0.3² + 0.3² + 0)/2 = 0.18;
    # every rating 0.05 off its practice mean, MSW = 6·0.0025/3 = 0.005; ICC = 0.175/0.185.
    assert maal == pytest.approx(0.175 / 0.185, abs=1e-12)
    assert out.loc["maal", "band"] == "excellent" and out.loc["teori", "band"] == informants.icc_band(teori)
    assert out.loc["overall", "band"] == informants.icc_band(overall)
    assert (out["n_subjects"] == 3).all() and (out["n_ratings"] == 6).all()
    assert list(out.reset_index().columns[:2]) == ["element_id", "statistic"]
    # without the exclusion z joins P1's maal (a third rater there): a different ICC
    with_z = informants.informant_icc(es).set_index("element_id")
    assert with_z.loc["maal", "n_ratings"] == 7 and with_z.loc["maal", "icc1"] != pytest.approx(maal)


@pytest.mark.parametrize("confidence", [0.95, 0.8])
def test_informant_icc_interval_is_the_one_way_interval_at_the_level_given(confidence: float) -> None:
    """Pins down that ``confidence`` reaches the interval: ICC(1) limits from the F distribution by hand
    (Shrout & Fleiss 1979, case 1) at 1 − α/2."""
    from scipy import stats

    groups = [[0.9, 0.8], [0.2, 0.3], [0.5, 0.6], [0.4, 0.2]]
    es = pd.DataFrame(
        [(f"P{i}", f"P{i}-{j}", "maal", v) for i, g in enumerate(groups) for j, v in enumerate(g)],
        columns=["practice_id", "informant_id", "element_id", "score"],
    )
    y = np.array(groups)
    a, k = y.shape
    msb = k * ((y.mean(axis=1) - y.mean()) ** 2).sum() / (a - 1)
    msw = ((y - y.mean(axis=1, keepdims=True)) ** 2).sum() / (a * (k - 1))
    f = msb / msw
    q = 1 - (1 - confidence) / 2
    f_low, f_up = f / stats.f.ppf(q, a - 1, a * (k - 1)), f * stats.f.ppf(q, a * (k - 1), a - 1)
    out = informants.informant_icc(es, confidence=confidence).set_index("element_id")
    # one element: the overall row (each informant's mean over that one element) has the same limits
    for row in ("maal", "overall"):
        assert (out.loc[row, "icc1_ci_low"], out.loc[row, "icc1_ci_high"]) == pytest.approx(
            ((f_low - 1) / (f_low + k - 1), (f_up - 1) / (f_up + k - 1)), abs=1e-12
        )


def test_informant_icc_with_one_practice_has_no_statistic_and_names_missing_columns() -> None:
    """A single practice carries no between-practice information: NaN and the band ``unknown``; a frame
    without a required column is refused by name."""
    es = pd.DataFrame({"practice_id": "P1", "informant_id": ["a", "b"], "element_id": "maal", "score": [0.4, 0.6]})
    out = informants.informant_icc(es)
    assert out["icc1"].isna().all() and (out["band"] == "unknown").all()
    with pytest.raises(LovendeError) as caught:
        informants.informant_icc(es.drop(columns=["informant_id"]))
    assert str(caught.value) == (
        "element_scores: ['element_id', 'practice_id', 'score'] kan ikke bruges; forventet: en tabel med "
        "kolonnerne informant_id"
    )
