"""Fast tests of ``scoring/profiles.py``: practice profiles, the overall index and the element pattern on
hand-made tables, every expected number worked out by hand (or numpy) from the documented formula."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lovende_research.scoring import ScoringError, element_pattern, overall_index, practice_profiles


def _es() -> pd.DataFrame:
    rows = [
        # practice, informant, role, element, coverage, score
        ("P1", "L", "leder", "a", 1.0, 0.9),
        ("P1", "M", "medarbejder", "a", 1.0, 0.3),
        ("P1", "N", "medarbejder", "a", 0.5, 0.4),
        ("P1", "O", "medarbejder", "a", 0.0, np.nan),
        ("P1", "L", "leder", "b", 0.5, np.nan),
        ("P1", "M", "medarbejder", "b", 1.0, 0.6),
        ("P2", "Q", "medarbejder", "a", 1.0, 0.2),
    ]
    frame = pd.DataFrame(
        rows, columns=["practice_id", "informant_id", "informant_role", "element_id", "coverage", "score"]
    )
    return frame.assign(interview_id=frame["informant_id"], delimitation_id="main", sufficient=frame["score"].notna())


def test_mean_profile_with_its_spread() -> None:
    out = practice_profiles(_es(), "mean")
    assert list(out.columns) == [
        "practice_id",
        "delimitation_id",
        "element_id",
        "n_informants",
        "n_scored",
        "coverage",
        "score",
        "informant_sd",
        "informant_min",
        "informant_max",
        "informant_range",
        "sufficient",
    ]
    a = out.iloc[0]
    # By hand, P1 a: scores 0.9, 0.3, 0.4 (O unscored) → mean 1.6/3; SD with ddof=1 by numpy; range 0.6;
    # four informants, three scored; coverage (1 + 1 + 0.5 + 0)/4 = 0.625.
    assert (a["n_informants"], a["n_scored"]) == (4, 3)
    assert a["score"] == pytest.approx(1.6 / 3, abs=1e-12)
    assert a["informant_sd"] == pytest.approx(np.std([0.9, 0.3, 0.4], ddof=1), abs=1e-12)
    assert (a["informant_min"], a["informant_max"]) == (0.3, 0.9)
    assert a["informant_range"] == pytest.approx(0.6, abs=1e-12)
    assert a["coverage"] == pytest.approx(0.625, abs=1e-12) and bool(a["sufficient"])
    # P1 b: one scored of two → 0.6, SD NaN (one value), range 0.
    b = out.iloc[1]
    assert (b["n_informants"], b["n_scored"], b["score"]) == (2, 1, 0.6)
    assert math.isnan(b["informant_sd"]) and b["informant_range"] == 0.0
    assert out["practice_id"].tolist() == ["P1", "P1", "P2"]


def test_median_profile() -> None:
    out = practice_profiles(_es(), "median")
    # By hand: median of 0.9, 0.3, 0.4 is 0.4 (the mean would be 0.533).
    assert out["score"].iloc[0] == pytest.approx(0.4, abs=1e-12)
    assert out["score"].iloc[2] == pytest.approx(0.2, abs=1e-12)


def test_leader_profile_and_a_practice_without_leaders() -> None:
    out = practice_profiles(_es(), "leader")
    # P1 a: L alone, 0.9; P1 b: L unscored → insufficient; P2 has no leader: a row with 0 informants.
    assert out["score"].iloc[0] == 0.9 and out["n_informants"].tolist() == [1, 1, 0]
    assert out["n_scored"].tolist() == [1, 0, 0] and str(out["n_scored"].dtype) == "int64"
    assert str(out["n_informants"].dtype) == "int64"
    assert out["sufficient"].tolist() == [True, False, False]
    assert out.iloc[2][["score", "coverage", "informant_sd", "informant_range"]].isna().all()


def _profiles() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "practice_id": ["P1"] * 4 + ["P2"] * 4,
            "delimitation_id": ["main"] * 8,
            "element_id": list("abcd") * 2,
            "score": [0.9, 0.5, np.nan, np.nan, 0.2, 0.4, 0.6, np.nan],
        }
    )


def test_overall_index_is_the_mean_of_the_scored_elements() -> None:
    out = overall_index(_profiles())
    assert list(out.columns) == [
        "practice_id",
        "delimitation_id",
        "n_elements",
        "n_sufficient",
        "element_share",
        "overall",
        "sufficient",
    ]
    # By hand: P1 (0.9 + 0.5)/2 = 0.7 over 2 of 4 (share 0.5, at the default threshold); P2 1.2/3 = 0.4.
    assert out["n_elements"].tolist() == [4, 4] and out["n_sufficient"].tolist() == [2, 3]
    assert out["element_share"].tolist() == [0.5, 0.75]
    assert out["overall"].tolist() == pytest.approx([0.7, 0.4], abs=1e-12)
    assert out["sufficient"].tolist() == [True, True]
    strict = overall_index(_profiles(), 0.6)
    assert strict["sufficient"].tolist() == [False, True] and math.isnan(strict["overall"].iloc[0])


def test_overall_index_of_replicates_and_with_no_score_at_all() -> None:
    reps = pd.concat([_profiles().assign(replicate=r) for r in (1, 0)], ignore_index=True)
    reps.loc[(reps["replicate"] == 0), "score"] = np.nan
    out = overall_index(reps, 0.0)
    assert list(out.columns)[:3] == ["replicate", "practice_id", "delimitation_id"]
    # A share of 0 is allowed, but an index still needs one scored element.
    assert out["sufficient"].tolist() == [True, True, False, False]
    assert out["overall"].iloc[:2].tolist() == pytest.approx([0.7, 0.4]) and out["overall"].iloc[2:].isna().all()
    with pytest.raises(ScoringError, match="mellem 0 og 1") as info:
        overall_index(_profiles(), 1.5)
    assert info.value.parameter == "min_element_share"


def test_element_pattern_ranks_the_elements_across_practices() -> None:
    prof = pd.DataFrame(
        {
            "practice_id": ["P1", "P2", "P3"] * 5,
            "delimitation_id": ["main"] * 15,
            "element_id": [e for e in "abcde" for _ in range(3)],
            "score": [0.9, 0.7, 0.8, 0.5, 0.6, np.nan, 0.1, 0.3, 0.2, 0.55, 0.55, 0.55, np.nan, np.nan, np.nan],
        }
    )
    out = element_pattern(prof, n_extreme=1)
    # Means by hand: a 0.8, b 0.55, c 0.2, d 0.55 (tie with b: first seen ranks first), e none.
    assert out["element_id"].tolist() == ["a", "b", "d", "c", "e"]
    assert out["rank"].tolist()[:4] == [1, 2, 3, 4] and pd.isna(out["rank"].iloc[4])
    assert str(out["rank"].dtype) == "Int64"
    assert out["position"].tolist() == ["strongest", "middle", "middle", "weakest", "middle"]
    assert out["mean"].iloc[:4].tolist() == pytest.approx([0.8, 0.55, 0.55, 0.2])
    assert out["median"].iloc[0] == pytest.approx(0.8) and out["median"].iloc[1] == pytest.approx(0.55)
    assert out["sd"].iloc[0] == pytest.approx(np.std([0.9, 0.7, 0.8], ddof=1), abs=1e-12)
    assert out["n_practices"].tolist() == [3, 2, 3, 3, 0]
    two = element_pattern(prof, n_extreme=2)
    assert two["position"].tolist()[:4] == ["strongest", "strongest", "weakest", "weakest"]
    assert list(two.columns) == [
        "delimitation_id",
        "element_id",
        "mean",
        "median",
        "sd",
        "n_practices",
        "rank",
        "position",
    ]


def test_element_pattern_ranks_each_delimitation_on_its_own() -> None:
    prof = pd.DataFrame(
        {
            "practice_id": ["P1"] * 5,
            "delimitation_id": ["main", "main", "main", "alt", "alt"],
            "element_id": ["a", "b", "c", "a", "b"],
            "score": [0.1, 0.9, 0.5, 0.8, 0.2],
        }
    )
    out = element_pattern(prof)  # n_extreme 3 by default
    assert out[["delimitation_id", "element_id", "rank"]].values.tolist() == [
        ["alt", "a", 1],
        ["alt", "b", 2],
        ["main", "b", 1],
        ["main", "c", 2],
        ["main", "a", 3],
    ]
    # Three extremes among two or three elements: every element is among the strongest.
    assert set(out["position"]) == {"strongest"}
    one = element_pattern(prof, n_extreme=1)
    assert one["position"].tolist() == ["strongest", "weakest", "strongest", "middle", "weakest"]
    assert list(out.index) == list(range(5))


def test_the_default_rule_is_the_mean() -> None:
    pd.testing.assert_frame_equal(practice_profiles(_es()), practice_profiles(_es(), "mean"))
    assert practice_profiles(_es())["score"].iloc[0] != practice_profiles(_es(), "median")["score"].iloc[0]


def test_one_scored_element_is_enough_when_the_share_allows_it() -> None:
    # P2 has one scored element of four: share 0.25 reaches a threshold of 0.25, so its index is that score.
    prof = _profiles()
    prof.loc[prof["practice_id"] == "P2", "score"] = [0.3, np.nan, np.nan, np.nan]
    out = overall_index(prof, 0.25)
    assert out["sufficient"].tolist() == [True, True] and out["overall"].iloc[1] == pytest.approx(0.3)


def test_element_pattern_by_default_marks_three_strongest_and_three_weakest() -> None:
    # Seven elements of one practice; g and f tie at 0.5 and keep the order they are given in (rank
    # method "first", elements in order of appearance): g before f, though f sorts first.
    scores = {"g": 0.5, "f": 0.5, "e": 0.6, "d": 0.7, "c": 0.8, "b": 0.9, "a": 0.1}
    prof = pd.DataFrame(
        {"practice_id": "P1", "delimitation_id": "main", "element_id": list(scores), "score": list(scores.values())}
    )
    out = element_pattern(prof)
    assert out["element_id"].tolist() == ["b", "c", "d", "e", "g", "f", "a"]
    assert out["position"].tolist() == ["strongest"] * 3 + ["middle"] + ["weakest"] * 3
