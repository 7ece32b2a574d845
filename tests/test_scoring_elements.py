"""Fast tests of ``scoring/elements.py``: element scores and informant scores on hand-made item tables,
each expected number worked out by hand from the documented formula (weighted mean of the answered
items; coverage = answered / items; withheld below the threshold)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from lovende_research.instrument import Item, Text
from lovende_research.scoring import ScoringError, element_scores, informant_scores

#: Element a: items a1 (weight 1), a2 (weight 3), a3 (weight 1), a4 (weight 1); element b: b1, b2 (weight 1).
INSTRUMENT = SimpleNamespace(
    items=[
        Item("a1", "a", Text("", ""), 1.0),
        Item("a2", "a", Text("", ""), 3.0),
        Item("a3", "a", Text("", ""), 1.0),
        Item("a4", "a", Text("", ""), 1.0),
        Item("b1", "b", Text("", ""), 1.0),
        Item("b2", "b", Text("", ""), 1.0),
    ]
)


def _items(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["interview_id", "delimitation_id", "item_id", "value"])


def test_weighted_mean_of_the_answered_items_and_coverage() -> None:
    items = _items(
        [
            ("I1", "main", "a1", 1.0),
            ("I1", "main", "a2", 0.0),
            ("I1", "main", "a3", np.nan),  # a missing code: left out of both sums
            # a4 has no row at all: unanswered
            ("I1", "main", "b1", 0.5),
            ("I1", "main", "b2", 1.0),
        ]
    )
    out = element_scores(items, INSTRUMENT)  # type: ignore[arg-type]
    assert list(out.columns) == [
        "interview_id",
        "delimitation_id",
        "element_id",
        "n_items",
        "n_answered",
        "coverage",
        "score",
        "sufficient",
    ]
    a, b = out.iloc[0], out.iloc[1]
    # By hand, a: (1·1 + 3·0)/(1 + 3) = 0.25 over 2 of 4 items (coverage 0.5 = the default threshold).
    assert (a["element_id"], a["n_items"], a["n_answered"]) == ("a", 4, 2)
    assert a["coverage"] == 0.5 and a["score"] == pytest.approx(0.25, abs=1e-12) and bool(a["sufficient"])
    # b: (0.5 + 1)/2 = 0.75, both items.
    assert b["score"] == pytest.approx(0.75, abs=1e-12) and b["coverage"] == 1.0
    assert str(out["n_answered"].dtype) == "int64"


def test_below_the_threshold_the_score_is_withheld_and_at_it_reported() -> None:
    items = _items([("I1", "main", "a1", 1.0), ("I1", "main", "a3", 0.0), ("I1", "main", "b1", 0.2)])
    # a: 2 of 4 answered (0.5), b: 1 of 2 (0.5). At 0.5 both count; at 0.51 neither.
    at = element_scores(items, INSTRUMENT, coverage_threshold=0.5)  # type: ignore[arg-type]
    assert at["sufficient"].tolist() == [True, True]
    assert at["score"].tolist() == pytest.approx([0.5, 0.2], abs=1e-12)
    above = element_scores(items, INSTRUMENT, coverage_threshold=0.51)  # type: ignore[arg-type]
    assert above["sufficient"].tolist() == [False, False] and above["score"].isna().all()
    assert above["coverage"].tolist() == [0.5, 0.5]


def test_a_threshold_of_zero_still_needs_one_answered_item() -> None:
    items = _items([("I1", "main", "a1", np.nan), ("I1", "main", "b1", 0.0)])
    out = element_scores(items, INSTRUMENT, coverage_threshold=0.0)  # type: ignore[arg-type]
    # a: nothing answered → insufficient even at 0; b: one item of 0.0 → a score of 0, not NaN.
    assert out["sufficient"].tolist() == [False, True]
    assert math.isnan(out["score"].iloc[0]) and out["score"].iloc[1] == 0.0
    assert out["n_answered"].tolist() == [0, 1]


def test_every_interview_and_delimitation_gets_every_element() -> None:
    items = _items(
        [
            ("I2", "main", "b1", 1.0),
            ("I1", "main", "a1", 0.5),
            ("I1", "alt", "a2", 1.0),
        ]
    )
    out = element_scores(items, INSTRUMENT, coverage_threshold=0.25)  # type: ignore[arg-type]
    # Units in order of first appearance, elements in the instrument's order.
    assert out[["interview_id", "delimitation_id", "element_id"]].values.tolist() == [
        ["I2", "main", "a"],
        ["I2", "main", "b"],
        ["I1", "main", "a"],
        ["I1", "main", "b"],
        ["I1", "alt", "a"],
        ["I1", "alt", "b"],
    ]
    assert out["n_answered"].tolist() == [0, 1, 1, 0, 1, 0]
    assert out["score"].tolist()[1:3] == [1.0, 0.5] and out["score"].iloc[4] == 1.0
    assert list(out.index) == list(range(6))


def test_interviews_add_practice_informant_and_role() -> None:
    items = _items([("I1", "main", "b1", 1.0), ("I2", "main", "b2", 0.0)])
    interviews = pd.DataFrame(
        {
            "interview_id": ["I2", "I1"],
            "practice_id": ["P2", "P1"],
            "informant_id": ["M", "L"],
            "informant_role": ["medarbejder", "leder"],
            "extra": [1, 2],
        }
    )
    out = element_scores(items, INSTRUMENT, interviews)  # type: ignore[arg-type]
    assert list(out.columns) == [
        "interview_id",
        "practice_id",
        "informant_id",
        "informant_role",
        "delimitation_id",
        "element_id",
        "n_items",
        "n_answered",
        "coverage",
        "score",
        "sufficient",
    ]
    assert out[["interview_id", "practice_id", "informant_id"]].drop_duplicates().values.tolist() == [
        ["I1", "P1", "L"],
        ["I2", "P2", "M"],
    ]
    assert list(out.index) == [0, 1, 2, 3]


def test_an_interview_missing_from_the_interviews_table_keeps_its_rows() -> None:
    # Item scores of I3, which the interviews table lacks: its rows stay, without practice or informant.
    items = _items([("I1", "main", "b1", 1.0), ("I3", "main", "b1", 0.5)])
    interviews = pd.DataFrame(
        {"interview_id": ["I1"], "practice_id": ["P1"], "informant_id": ["L"], "informant_role": ["leder"]}
    )
    out = element_scores(items, INSTRUMENT, interviews)  # type: ignore[arg-type]
    assert out["interview_id"].tolist() == ["I1", "I1", "I3", "I3"]
    assert out["practice_id"].iloc[:2].tolist() == ["P1", "P1"] and out["practice_id"].iloc[2:].isna().all()


@pytest.mark.parametrize("threshold", [-0.1, 1.01, True, "0.5"])
def test_a_bad_threshold_is_refused(threshold: object) -> None:
    with pytest.raises(ScoringError, match="mellem 0 og 1") as info:
        element_scores(_items([("I1", "main", "a1", 1.0)]), INSTRUMENT, coverage_threshold=threshold)  # type: ignore[arg-type]
    assert info.value.parameter == "coverage_threshold"


def _element_scores() -> pd.DataFrame:
    rows = [
        # interview, practice, informant, role, element, coverage, score
        ("i1", "P1", "L", "leder", "a", 1.0, 0.9),
        ("i2", "P1", "L", "leder", "a", 0.5, 0.5),  # L's second interview: averaged with the first
        ("i3", "P1", "M", "medarbejder", "a", 0.25, np.nan),
        ("i1", "P1", "L", "leder", "b", 1.0, 0.4),
        ("i4", "P2", "N", "medarbejder", "a", 1.0, 0.3),
    ]
    frame = pd.DataFrame(
        rows,
        columns=["interview_id", "practice_id", "informant_id", "informant_role", "element_id", "coverage", "score"],
    )
    return frame.assign(delimitation_id="main", sufficient=frame["score"].notna())


def test_informant_scores_average_an_informants_interviews() -> None:
    out = informant_scores(_element_scores())
    assert list(out.columns) == [
        "practice_id",
        "delimitation_id",
        "informant_id",
        "informant_role",
        "element_id",
        "coverage",
        "score",
    ]
    # By hand: L on a: coverage (1 + 0.5)/2 = 0.75, score (0.9 + 0.5)/2 = 0.7; M unscored stays NaN.
    assert out[["informant_id", "element_id"]].values.tolist() == [["L", "a"], ["M", "a"], ["L", "b"], ["N", "a"]]
    assert out["coverage"].tolist() == pytest.approx([0.75, 0.25, 1.0, 1.0])
    assert out["score"].iloc[0] == pytest.approx(0.7) and math.isnan(out["score"].iloc[1])
    assert out["informant_role"].tolist() == ["leder", "medarbejder", "leder", "medarbejder"]


def test_the_leader_rule_keeps_leaders_only() -> None:
    out = informant_scores(_element_scores(), "leader")
    assert out["informant_id"].tolist() == ["L", "L"] and list(out.index) == [0, 1]
    assert informant_scores(_element_scores(), "median")["informant_id"].tolist() == ["L", "M", "L", "N"]


def test_informant_scores_need_the_interview_columns_and_a_known_rule() -> None:
    without_role = _element_scores().drop(columns=["informant_role"])
    with pytest.raises(
        ScoringError, match=r"forventet: element_scores med interviews \(mangler informant_role\)$"
    ) as info:
        informant_scores(without_role)
    assert info.value.parameter == "element_scores"
    assert info.value.value == sorted(without_role.columns)
    # Any column the step uses, not only the interview ones (it used to be a KeyError without a score).
    with pytest.raises(ScoringError, match=r"\(mangler element_id, score\)$"):
        informant_scores(_element_scores().drop(columns=["score", "element_id"]))
    # Exactly the columns used is enough.
    needed = ["practice_id", "delimitation_id", "informant_id", "informant_role", "element_id", "coverage", "score"]
    assert len(informant_scores(_element_scores()[needed])) == 4
    with pytest.raises(ScoringError, match="mean eller median eller leader") as info:
        informant_scores(_element_scores(), "lower")
    assert info.value.parameter == "aggregation"
