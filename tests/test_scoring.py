"""Tests of lovende_research.scoring and its figures, on hand-made studies and on simulated ones.

Expected numbers come from hand computations written out in the comments, from scipy (Spearman), or
from the planted truth of a simulated study. One kind of test is different and says so: the array
bootstrap (``bootstrap_draws`` and what reads it) is checked for equality with a slow long-table path
(``reference_replicates``, ``reference_intervals``) built here from package functions that the
hand-worked tests above pin down (``practice_profiles``, ``percentile_intervals``, ``overall_index``);
that is a test that the fast path computes the same thing, not a test of the numbers themselves.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy.stats import spearmanr

from lovende_research import simulate
from lovende_research.instrument import BUNDLED_INSTRUMENT
from lovende_research.scoring import (
    BootstrapDraws,
    ScoringError,
    bootstrap_draws,
    bootstrap_overall,
    bootstrap_profiles,
    bootstrap_replicates,
    coder_conflicts,
    element_pattern,
    element_scores,
    informant_scores,
    overall_index,
    percentile_intervals,
    practice_profiles,
    rank_intervals,
    reconcile_coders,
    score_study,
    screen_flags,
)
from lovende_research.study import Study

# ---------------------------------------------------------------------------------------------------
# A small hand-made study
# ---------------------------------------------------------------------------------------------------
# P1: interview I1 (informant L1, leder) and I2 (M1, medarbejder); P2: interview I3 (L2, leder).
# Coders A and B. Only the elements teori (3 items) and virkning (2 items) are coded, so the other
# nine elements have coverage 0 and are insufficient.

CODINGS = [
    # interview, coder, item, response, note, delimitation
    ("I1", "A", "teori_1", "4", "", ""),
    ("I1", "B", "teori_1", "I høj grad", "", ""),
    ("I1", "A", "teori_2", "3", "nævner forskning", ""),
    ("I1", "B", "teori_2", "1", "kun erfaring", ""),
    ("I1", "A", "teori_3", "ved_ikke", "", ""),
    ("I1", "B", "teori_3", "Ved ikke", "", ""),
    ("I1", "A", "sikker_1", "ja", "", ""),
    ("I1", "B", "sikker_1", "nej", "", ""),
    ("I2", "A", "teori_1", "2", "", ""),
    ("I2", "B", "teori_1", "2", "", ""),
    ("I2", "A", "teori_2", "2", "", ""),
    ("I2", "B", "teori_2", "2", "", ""),
    ("I2", "A", "teori_3", "2", "", ""),
    ("I2", "B", "teori_3", "2", "", ""),
    ("I3", "A", "virkning_1", "3", "", ""),
    ("I3", "B", "virkning_1", "3", "", ""),
    ("I3", "A", "virkning_2", "ved_ikke", "", ""),
    ("I3", "B", "virkning_2", "ikke_relevant", "", ""),
    ("I3", "A", "sikker_1", "nej", "", ""),
    ("I3", "B", "sikker_1", "nej", "", ""),
    # a broader delimitation of P1, coded once
    ("I1", "A", "teori_1", "1", "", "D1"),
    ("I1", "B", "teori_1", "1", "", "D1"),
]


def write_study(
    folder: Path, codings: list[tuple[str, ...]] = CODINGS, weights: dict[str, float] | None = None
) -> Path:
    """A minimal study folder in the format of docs/study-format.md."""
    folder.mkdir(parents=True, exist_ok=True)
    config = {"title": "Håndlavet teststudie", "language": "da", "instrument": "bundled", "seed": 7, "show_notes": True}
    if weights:
        raw = yaml.safe_load(BUNDLED_INSTRUMENT.read_text(encoding="utf-8"))
        for element in raw["elements"]:
            for item in element["items"]:
                if item["id"] in weights:
                    item["weight"] = weights[item["id"]]
        (folder / "instrument.yml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        config["instrument"] = "instrument.yml"
    (folder / "study.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    (folder / "candidates.csv").write_text(
        "practice_id,name,provider,provider_type,municipality,target_group,purpose\n"
        "P1,Familiekursus,Center A,kommune,Aarhus,børn 0-12 år,forebyggende\n"
        "P2,Netværksgruppe,Forening B,organisation,Odense,unge,behandlende\n",
        encoding="utf-8",
    )
    (folder / "screening.csv").write_text(
        "practice_id,screener_id,criterion,decision\nP1,S1,målgruppe,include\nP2,S1,målgruppe,include\n",
        encoding="utf-8",
    )
    (folder / "interviews.csv").write_text(
        "interview_id,practice_id,informant_id,informant_role\nI1,P1,L1,leder\nI2,P1,M1,medarbejder\nI3,P2,L2,leder\n",
        encoding="utf-8",
    )
    (folder / "delimitations.csv").write_text(
        "delimitation_id,practice_id,label\nD1,P1,bred: hele familiearbejdet\n", encoding="utf-8"
    )
    lines = ["interview_id,coder_id,item_id,response,note,delimitation_id"]
    lines += [",".join(row) for row in codings]
    (folder / "codings.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def study(tmp_path: Path) -> Study:
    return Study.load(write_study(tmp_path / "hand"))


def item(frame: pd.DataFrame, interview: str, item_id: str) -> pd.Series:
    return frame[(frame["interview_id"] == interview) & (frame["item_id"] == item_id)].iloc[0]


def element(frame: pd.DataFrame, interview: str, element_id: str) -> pd.Series:
    return frame[(frame["interview_id"] == interview) & (frame["element_id"] == element_id)].iloc[0]


# ---------------------------------------------------------------------------------------------------
# Reconciliation and conflicts
# ---------------------------------------------------------------------------------------------------


def test_reconcile_median_and_lower(study: Study) -> None:
    median = reconcile_coders(study.codings, study.instrument, "median")
    lower = reconcile_coders(study.codings, study.instrument, "lower")
    # Hand: I1 teori_2 coded 3 and 1. median = 2 → (2-1)/(4-1) = 1/3; lower = 1 → 0.
    assert item(median, "I1", "teori_2")["code"] == 2.0
    assert item(median, "I1", "teori_2")["value"] == pytest.approx(1 / 3, abs=1e-12)
    assert item(lower, "I1", "teori_2")["value"] == pytest.approx(0.0, abs=1e-12)
    assert item(median, "I1", "teori_2")["source"] == "regel"
    # Hand: I1 teori_1 coded 4 and "I høj grad" (= 4): agreement → value 1.
    assert item(median, "I1", "teori_1")["value"] == pytest.approx(1.0, abs=1e-12)
    assert item(median, "I1", "teori_1")["source"] == "enig"
    # Both coders: ved ikke → no value, the missing code is kept.
    assert math.isnan(item(median, "I1", "teori_3")["value"])
    assert item(median, "I1", "teori_3")["missing_code"] == "ved_ikke"
    # The screen item is never among the scored items; the D1 delimitation is not scored by default.
    assert "sikker_1" not in set(median["item_id"])
    assert set(median["delimitation_id"]) == {"main"}
    with pytest.raises(ScoringError, match="median eller lower"):
        reconcile_coders(study.codings, study.instrument, "average")


def test_consensus_code_wins(tmp_path: Path) -> None:
    codings = CODINGS + [("I1", "konsensus", "teori_2", "4", "enige efter møde", "")]
    study = Study.load(write_study(tmp_path / "c", codings))
    for rule in ("median", "lower"):
        items = reconcile_coders(study.codings, study.instrument, rule)
        # Hand: the consensus 4 → 1.0 wins over median 2 / lower 1.
        assert item(items, "I1", "teori_2")["value"] == pytest.approx(1.0, abs=1e-12)
        assert item(items, "I1", "teori_2")["source"] == "konsensus"
        # The consensus coder is not counted as a coder.
        assert item(items, "I1", "teori_2")["n_coders"] == 2
    conflicts = coder_conflicts(study.codings, study.instrument, study.interviews)
    row = conflicts[conflicts["item_id"] == "teori_2"].iloc[0]
    assert bool(row["resolved"]) and row["consensus"] == "4"


def test_coder_conflicts_lists_both_codes_and_notes(study: Study) -> None:
    conflicts = coder_conflicts(study.codings, study.instrument, study.interviews)
    # Hand: differing items are I1 teori_2 (3/1), I1 sikker_1 (ja/nej), I3 virkning_2 (ved_ikke/ikke_relevant).
    keys = set(zip(conflicts["interview_id"], conflicts["item_id"], strict=True))
    assert keys == {("I1", "teori_2"), ("I1", "sikker_1"), ("I3", "virkning_2")}
    row = conflicts[conflicts["item_id"] == "teori_2"].iloc[0]
    assert (row["coder_1"], row["answer_1"], row["note_1"]) == ("A", "3", "nævner forskning")
    assert (row["coder_2"], row["answer_2"], row["note_2"]) == ("B", "1", "kun erfaring")
    assert row["max_difference"] == 2.0  # 3 - 1
    assert row["practice_id"] == "P1" and row["informant_role"] == "leder"
    assert not bool(row["resolved"])
    missing_pair = conflicts[conflicts["item_id"] == "virkning_2"].iloc[0]
    assert math.isnan(missing_pair["max_difference"])
    assert conflicts[conflicts["item_id"] == "sikker_1"]["element_id"].isna().all()


# ---------------------------------------------------------------------------------------------------
# Element scores, coverage, missing codes, weights
# ---------------------------------------------------------------------------------------------------


def test_element_score_by_hand(study: Study) -> None:
    items = reconcile_coders(study.codings, study.instrument, "median")
    scores = element_scores(items, study.instrument, study.interviews, coverage_threshold=0.5)
    teori = element(scores, "I1", "teori")
    # Hand: teori_1 = 1, teori_2 = 1/3, teori_3 = ved ikke (left out).
    #   score = (1 + 1/3) / 2 = 2/3; coverage = 2 answered / 3 items = 2/3.
    assert teori["score"] == pytest.approx(2 / 3, abs=1e-12)
    assert teori["coverage"] == pytest.approx(2 / 3, abs=1e-12)
    assert teori["n_items"] == 3 and teori["n_answered"] == 2 and bool(teori["sufficient"])
    assert teori["practice_id"] == "P1" and teori["informant_id"] == "L1"
    # Hand: I2 answers 2,2,2 → each (2-1)/3 = 1/3; mean 1/3, coverage 1.
    assert element(scores, "I2", "teori")["score"] == pytest.approx(1 / 3, abs=1e-12)
    # An element nobody coded has coverage 0 and is insufficient, not 0.
    uncoded = element(scores, "I1", "oekonomi")
    assert uncoded["coverage"] == 0 and not bool(uncoded["sufficient"]) and math.isnan(uncoded["score"])
    # Every interview × element appears: 3 interviews × 11 elements.
    assert len(scores) == 33


def test_coverage_threshold_reports_insufficient_not_low(study: Study) -> None:
    items = reconcile_coders(study.codings, study.instrument, "median")
    # Hand: I3 virkning_1 = 3 → 2/3; virkning_2 missing (ved_ikke/ikke_relevant) → coverage 1/2.
    at_half = element(element_scores(items, study.instrument, study.interviews, 0.5), "I3", "virkning")
    assert at_half["score"] == pytest.approx(2 / 3, abs=1e-12) and bool(at_half["sufficient"])
    above = element(element_scores(items, study.instrument, study.interviews, 0.6), "I3", "virkning")
    assert not bool(above["sufficient"]) and math.isnan(above["score"])
    assert above["coverage"] == pytest.approx(0.5, abs=1e-12)
    with pytest.raises(ScoringError):
        element_scores(items, study.instrument, study.interviews, 1.5)


@pytest.mark.parametrize("missing", ["ved_ikke", "ikke_relevant", "ikke_besvaret", "Ved ikke", "Not applicable"])
def test_missing_codes_never_lower_a_score(tmp_path: Path, missing: str) -> None:
    # I2 answers teori 2, 2, 2 (each 1/3). Replace teori_3 by a missing code, and by the lowest code 1.
    def teori_of(response: str) -> float:
        codings = [
            r if not (r[0] == "I2" and r[2] == "teori_3") else (r[0], r[1], r[2], response, "", "") for r in CODINGS
        ]
        study = Study.load(write_study(tmp_path / f"m{len(list(tmp_path.iterdir()))}", codings))
        items = reconcile_coders(study.codings, study.instrument)
        return float(element(element_scores(items, study.instrument, study.interviews, 0.5), "I2", "teori")["score"])

    with_missing, with_lowest = teori_of(missing), teori_of("1")
    # Hand: missing left out → mean(1/3, 1/3) = 1/3; scored as 0 it would be (1/3 + 1/3 + 0)/3 = 2/9.
    assert with_missing == pytest.approx(1 / 3, abs=1e-12)
    assert with_lowest == pytest.approx(2 / 9, abs=1e-12)
    assert with_missing > with_lowest


def test_weights_matter_when_present(tmp_path: Path) -> None:
    study = Study.load(write_study(tmp_path / "w", weights={"teori_1": 3.0}))
    items = reconcile_coders(study.codings, study.instrument, "median")
    scores = element_scores(items, study.instrument, study.interviews, 0.5)
    # Hand: I1 teori_1 = 1 (weight 3), teori_2 = 1/3 (weight 1), teori_3 missing:
    #   (3·1 + 1·1/3) / (3 + 1) = (10/3) / 4 = 5/6; unweighted it was 2/3.
    assert element(scores, "I1", "teori")["score"] == pytest.approx(5 / 6, abs=1e-12)
    # Hand: I2 all items 1/3 → any weights give 1/3.
    assert element(scores, "I2", "teori")["score"] == pytest.approx(1 / 3, abs=1e-12)


# ---------------------------------------------------------------------------------------------------
# Profiles, aggregation, overall index, screen, delimitation
# ---------------------------------------------------------------------------------------------------


def test_profiles_mean_and_leader(study: Study) -> None:
    items = reconcile_coders(study.codings, study.instrument, "median")
    scores = element_scores(items, study.instrument, study.interviews, 0.5)
    mean = practice_profiles(scores, "mean").set_index(["practice_id", "element_id"])
    # Hand: P1 teori, informants 2/3 (L1) and 1/3 (M1): mean 1/2; SD = |2/3 - 1/3| / √2 = 0.2357;
    # range 1/3; mean coverage (2/3 + 1) / 2 = 5/6.
    p1 = mean.loc[("P1", "teori")]
    assert p1["score"] == pytest.approx(0.5, abs=1e-12)
    assert p1["informant_sd"] == pytest.approx((1 / 3) / math.sqrt(2), abs=1e-12)
    assert p1["informant_range"] == pytest.approx(1 / 3, abs=1e-12)
    assert p1["coverage"] == pytest.approx(5 / 6, abs=1e-12)
    assert p1["n_informants"] == 2 and bool(p1["sufficient"])
    assert not bool(mean.loc[("P1", "oekonomi")]["sufficient"])
    leader = practice_profiles(scores, "leader").set_index(["practice_id", "element_id"])
    # Hand: leader only → L1's 2/3.
    assert leader.loc[("P1", "teori")]["score"] == pytest.approx(2 / 3, abs=1e-12)
    assert leader.loc[("P1", "teori")]["n_informants"] == 1
    with pytest.raises(ScoringError):
        practice_profiles(scores, "loudest")


def test_leader_rule_without_a_leader_is_insufficient(tmp_path: Path) -> None:
    folder = write_study(tmp_path / "noleader")
    (folder / "interviews.csv").write_text(
        "interview_id,practice_id,informant_id,informant_role\nI1,P1,L1,medarbejder\nI2,P1,M1,medarbejder\nI3,P2,L2,leder\n",
        encoding="utf-8",
    )
    study = Study.load(folder)
    scores = element_scores(reconcile_coders(study.codings, study.instrument), study.instrument, study.interviews)
    profiles = practice_profiles(scores, "leader")
    p1 = profiles[profiles["practice_id"] == "P1"]
    assert len(p1) == 11 and not p1["sufficient"].any() and (p1["n_informants"] == 0).all()


def test_overall_index_by_hand() -> None:
    profiles = pd.DataFrame(
        {
            "practice_id": ["P1"] * 4 + ["P2"] * 4,
            "delimitation_id": ["main"] * 8,
            "element_id": ["teori", "virkning", "maal", "oekonomi"] * 2,
            "score": [0.8, 0.4, 0.6, np.nan, 0.9, np.nan, np.nan, np.nan],
        }
    )
    overall = overall_index(profiles, min_element_share=0.5).set_index("practice_id")
    # Hand: P1 = (0.8 + 0.4 + 0.6) / 3 = 0.6 from 3 of 4 elements (share 0.75 ≥ 0.5).
    assert overall.loc["P1", "overall"] == pytest.approx(0.6, abs=1e-12)
    assert overall.loc["P1", "element_share"] == pytest.approx(0.75, abs=1e-12)
    # Hand: P2 has 1 of 4 elements (0.25 < 0.5): insufficient, not 0.9.
    assert not bool(overall.loc["P2", "sufficient"]) and math.isnan(overall.loc["P2", "overall"])


def test_screen_flags_apart_from_score(study: Study) -> None:
    flags = screen_flags(study.codings, study.instrument, study.interviews).set_index("practice_id")
    # Hand: P1: I1 coders ja/nej → disagree, I2 no screen coding → missing; flagged for a look.
    assert (flags.loc["P1", "n_disagree"], flags.loc["P1", "n_missing"], flags.loc["P1", "n_interviews"]) == (1, 1, 2)
    assert bool(flags.loc["P1", "possible_sikker"])
    # Hand: P2: I3 both nej → not flagged.
    assert (flags.loc["P2", "n_nej"], bool(flags.loc["P2", "possible_sikker"])) == (1, False)


def test_alternative_delimitation_is_scored_with_the_same_functions(study: Study) -> None:
    items = reconcile_coders(study.codings, study.instrument, "median", delimitation="D1")
    # Hand: under D1 only I1 teori_1 is coded, 1 and 1 → value 0.
    assert list(items["item_id"]) == ["teori_1"] and items["value"].iloc[0] == 0.0
    assert set(items["delimitation_id"]) == {"D1"}
    both = reconcile_coders(study.codings, study.instrument, "median", delimitation=None)
    assert set(both["delimitation_id"]) == {"main", "D1"}
    scores = element_scores(both, study.instrument, study.interviews, 0.3)
    profiles = practice_profiles(scores).set_index(["practice_id", "delimitation_id", "element_id"])
    # Hand: D1 teori for I1: one of three items, value 0, coverage 1/3 ≥ 0.3 → score 0.
    assert profiles.loc[("P1", "D1", "teori"), "score"] == 0.0
    assert profiles.loc[("P1", "main", "teori"), "score"] == pytest.approx(0.5, abs=1e-12)


def test_element_pattern_marks_strongest_and_weakest() -> None:
    profiles = pd.DataFrame(
        {
            "practice_id": ["P1", "P2"] * 4,
            "delimitation_id": ["main"] * 8,
            "element_id": ["refleksion"] * 2 + ["teori"] * 2 + ["maal"] * 2 + ["oekonomi"] * 2,
            "score": [0.9, 0.8, 0.7, 0.7, 0.5, 0.4, 0.1, np.nan],
        }
    )
    pattern = element_pattern(profiles, n_extreme=1).set_index("element_id")
    # Hand: means refleksion 0.85, teori 0.7, maal 0.45, oekonomi 0.1 (one practice).
    assert pattern.loc["refleksion", "mean"] == pytest.approx(0.85, abs=1e-12)
    assert pattern.loc["oekonomi", "n_practices"] == 1
    assert list(pattern["position"]) == ["strongest", "middle", "middle", "weakest"]


# ---------------------------------------------------------------------------------------------------
# Bootstrap and ranks
# ---------------------------------------------------------------------------------------------------


def synthetic_element_scores(values: dict[str, list[float]], element_id: str = "teori") -> pd.DataFrame:
    """One element, informants with the given scores per practice (first informant is the leader)."""
    rows = []
    for practice, scores in values.items():
        for j, score in enumerate(scores):
            rows.append(
                {
                    "interview_id": f"{practice}-{j}",
                    "practice_id": practice,
                    "informant_id": f"{practice}-{j}",
                    "informant_role": "leder" if j == 0 else "medarbejder",
                    "delimitation_id": "main",
                    "element_id": element_id,
                    "n_items": 1,
                    "n_answered": 1,
                    "coverage": 1.0,
                    "score": score,
                    "sufficient": True,
                }
            )
    return pd.DataFrame(rows)


def test_bootstrap_is_reproducible_with_a_seed() -> None:
    scores = synthetic_element_scores({"P1": [0.2, 0.4, 0.6, 0.8], "P2": [0.1, 0.5, 0.9]})
    first = bootstrap_replicates(scores, n_boot=50, seed=11)
    again = bootstrap_replicates(scores, n_boot=50, seed=11)
    other = bootstrap_replicates(scores, n_boot=50, seed=12)
    pd.testing.assert_frame_equal(first, again)
    assert not first["score"].equals(other["score"])
    pd.testing.assert_frame_equal(
        bootstrap_profiles(scores, n_boot=50, seed=11), bootstrap_profiles(scores, n_boot=50, seed=11)
    )


def test_bootstrap_interval_shrinks_as_informants_are_added() -> None:
    base = [0.2, 0.4, 0.6, 0.8]
    few = bootstrap_profiles(synthetic_element_scores({"P1": base}), n_boot=4000, seed=5).iloc[0]
    many = bootstrap_profiles(synthetic_element_scores({"P1": base * 4}), n_boot=4000, seed=5).iloc[0]
    # Independent: the bootstrap SE of a mean tends to the plug-in σ̂/√n (Efron & Tibshirani 1993,
    # eq. 6.5 and §6.2), σ̂² = mean((x - 0.5)²) = (0.09 + 0.01 + 0.01 + 0.09)/4 = 0.05 for both sets.
    # n = 4: √0.05/2 = 0.1118; n = 16: √0.05/4 = 0.0559. Tolerance 5 % for 4000 replicates.
    assert few["boot_se"] == pytest.approx(math.sqrt(0.05) / 2, rel=0.05)
    assert many["boot_se"] == pytest.approx(math.sqrt(0.05) / 4, rel=0.05)
    assert many["ci_high"] - many["ci_low"] < 0.7 * (few["ci_high"] - few["ci_low"])
    assert few["ci_low"] < 0.5 < few["ci_high"]


def test_single_informant_gets_no_interval() -> None:
    scores = synthetic_element_scores({"P1": [0.7], "P2": [0.2, 0.4]})
    profiles = bootstrap_profiles(scores, n_boot=100, seed=1).set_index("practice_id")
    assert math.isnan(profiles.loc["P1", "ci_low"]) and profiles.loc["P1", "score"] == 0.7
    overall = bootstrap_overall(scores, n_boot=100, seed=1, min_element_share=0.5).set_index("practice_id")
    assert math.isnan(overall.loc["P1", "ci_low"]) and not math.isnan(overall.loc["P2", "ci_low"])


def test_rank_intervals_separate_clear_and_overlap_close_practices() -> None:
    scores = synthetic_element_scores(
        {
            "TOP": [0.95, 0.9, 0.92, 0.97],
            "A": [0.3, 0.7, 0.5, 0.6],  # A and B: same values, so their order is a coin flip
            "B": [0.7, 0.3, 0.6, 0.5],
            "LOW": [0.05, 0.0, 0.1, 0.02],
        }
    )
    ranks = rank_intervals(scores, n_boot=400, seed=3).set_index("practice_id")
    assert (ranks.loc["TOP", "rank_low"], ranks.loc["TOP", "rank_high"]) == (1, 1)
    assert (ranks.loc["LOW", "rank_low"], ranks.loc["LOW", "rank_high"]) == (4, 4)
    # Hand: A and B both have mean 0.525, so they tie at rank 2 (method 'min'); their intervals cover 2–3.
    assert ranks.loc["A", "rank"] == 2 and ranks.loc["B", "rank"] == 2
    for practice in ("A", "B"):
        assert (ranks.loc[practice, "rank_low"], ranks.loc[practice, "rank_high"]) == (2, 3)
    assert (ranks["rank_low"] <= ranks["rank"]).all() and (ranks["rank"] <= ranks["rank_high"]).all()


def test_score_study_on_the_hand_study(study: Study) -> None:
    tables = score_study(study, n_boot=20, coverage_threshold=0.1)
    assert set(tables.profiles["practice_id"]) == {"P1", "P2"}
    # seed defaults to study.yml's seed (7): the same as passing it.
    again = score_study(study, n_boot=20, coverage_threshold=0.1, seed=7)
    pd.testing.assert_frame_equal(tables.ranks, again.ranks)
    # Hand (mean): P1 has a teori score only (virkning uncoded) → 1 of 11 elements, share 1/11 =
    # 0.0909 < 0.1, so its index is insufficient; P2 likewise (virkning only).
    assert not tables.overall["sufficient"].any()


# ---------------------------------------------------------------------------------------------------
# Planted truth (simulate) and the notebook
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_recovered_ranking_matches_planted_truth(tmp_path: Path, seed: int) -> None:
    folder = simulate.simulate_study(tmp_path / "sim", simulate.SimulationSpec.preset("example"), seed=seed)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    study = Study.load(folder)
    items = reconcile_coders(study.codings, study.instrument, "median")
    scores = element_scores(items, study.instrument, study.interviews, 0.5)
    overall = overall_index(practice_profiles(scores, "mean"), 0.5).set_index("practice_id")["overall"]
    planted = {p: truth["practices"][p]["overall"] for p in overall.index}
    assert len(planted) >= 10
    # Independent computation: scipy's Spearman correlation between planted and recovered index.
    rho = spearmanr([planted[p] for p in overall.index], overall.to_numpy()).statistic
    assert rho >= 0.8
    # Element level too: each recovered element score against the planted expected score.
    profiles = practice_profiles(scores, "mean").dropna(subset=["score"])
    expected = [
        truth["practices"][p]["expected_element_scores"][e]
        for p, e in zip(profiles["practice_id"], profiles["element_id"], strict=True)
    ]
    assert spearmanr(expected, profiles["score"]).statistic >= 0.7


def test_notebook_writes_tables_and_figures(tmp_path: Path, run_notebook, example_study: Path) -> None:
    study_dir = example_study
    if not (study_dir / "study.yml").is_file():  # until the bundled example is generated
        study_dir = simulate.simulate_study(tmp_path / "example", simulate.SimulationSpec.preset("example"), seed=2017)
    processed = tmp_path / "processed"
    stale = processed / study_dir.name / "scores" / "figures" / "profile_FRA_EN_TIDLIGERE_KOERSEL.svg"
    stale.parent.mkdir(parents=True)
    stale.write_text("<svg/>", encoding="utf-8")
    notebook = run_notebook(
        "02_interview_coding", study_dir=study_dir, processed_dir=processed, language="en", seed=3, n_boot=40
    )
    assert notebook.metadata.papermill.parameters["n_boot"] == 40
    out = processed / study_dir.name / "scores"
    names = [
        "item_scores",
        "element_scores",
        "profiles",
        "overall",
        "ranks",
        "element_pattern",
        "screen_flags",
        "coder_conflicts",
    ]
    tables = {name: pd.read_parquet(out / f"{name}.parquet") for name in names}
    study = Study.load(study_dir)
    practices = set(study.interviews["practice_id"])
    assert set(tables["profiles"]["practice_id"]) == practices
    assert len(tables["profiles"]) == 11 * len(practices)
    assert {"score", "coverage", "informant_sd", "informant_range", "ci_low", "ci_high", "sufficient"} <= set(
        tables["profiles"].columns
    )
    ranks = tables["ranks"].dropna(subset=["rank"])
    assert ((ranks["rank_low"] <= ranks["rank"]) & (ranks["rank"] <= ranks["rank_high"])).all()
    # Scores never outside 0–1; a score exists exactly where the profile says sufficient.
    profiles = tables["profiles"]
    assert profiles["score"].dropna().between(0, 1).all()
    assert (profiles["score"].notna() == profiles["sufficient"]).all()
    figures = out / "figures"
    # The notebook draws the profiles it shows, the highest- and lowest-ranked practice; every practice's
    # profile is drawn on its practice page (tests/test_practice_pages.py).
    shown = {ranks["practice_id"].iloc[0], ranks["practice_id"].iloc[-1]}
    assert len(shown) == 2 and ranks["rank"].iloc[0] < ranks["rank"].iloc[-1]
    for stem in ["heatmap", "ranks", "element_pattern"] + [f"profile_{p}" for p in sorted(shown)]:
        assert (figures / f"{stem}.svg").read_bytes().startswith(b"<?xml") and (
            figures / f"{stem}.svg"
        ).stat().st_size > 1000
    assert {p.stem for p in figures.glob("profile_*.svg")} - {stale.stem} == {f"profile_{p}" for p in shown}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["seed"] == 3 and manifest["parameters"]["aggregation"] == "mean"
    # The default intervals are the model's, and its components are written beside the tables.
    assert manifest["parameters"]["interval_method"] == "model" and manifest["parameters"]["top_k"] == 5
    model = pd.read_parquet(out / "score_model.parquet").set_index("term")
    assert model.loc[["informant", "residual"], "estimate"].notna().all()
    # P(top 5) and P(top 10 %) are shares of draws; over all practices they sum to the places, 5 and
    # ceil(0.1 n) (ties at the cut aside, which continuous draws do not make).
    assert ranks["p_top_k"].between(0, 1).all()
    assert ranks["p_top_k"].sum() == pytest.approx(5, abs=1e-9)
    assert ranks["p_top_decile"].sum() == pytest.approx(math.ceil(0.1 * len(ranks)), abs=1e-9)
    # the manifest lists the figures this run drew, not whatever an earlier run left in the folder
    assert sorted(manifest["figures"]) == sorted(
        f"{stem}.svg" for stem in ["heatmap", "ranks", "element_pattern"] + [f"profile_{p}" for p in shown]
    )


def test_notebook_pair_is_in_sync() -> None:
    import jupytext

    from lovende_research.config import NOTEBOOKS_DIR

    script = jupytext.read(NOTEBOOKS_DIR / "02_interview_coding.py")
    notebook = jupytext.read(NOTEBOOKS_DIR / "02_interview_coding.ipynb")
    assert [c.source for c in script.cells] == [c.source for c in notebook.cells]
    assert notebook.metadata["kernelspec"]["name"] == "lovende-research"
    parameters = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(parameters) == 1
    for name in ("study_dir", "processed_dir", "language", "seed", "aggregation", "n_boot"):
        assert f"{name} = " in parameters[0].source


# ---------------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------------


def test_figures_label_in_the_chosen_language(study: Study) -> None:
    import matplotlib.pyplot as plt

    from lovende_research.plots import scores as score_plots

    tables = score_study(study, n_boot=20, coverage_threshold=0.1)
    for language, name in (("da", "1. Teori og viden"), ("en", "1. Theory and knowledge")):
        figure = score_plots.heatmap(tables.profiles, tables.overall, study.instrument, language)
        labels = [t.get_text() for t in figure.axes[0].get_xticklabels()]
        assert labels[0] == name
        plt.close(figure)
        figure = score_plots.profile_chart(tables.profiles, "P1", study.instrument, language)
        assert name in [t.get_text() for t in figure.axes[0].get_yticklabels()]
        plt.close(figure)
    figure = score_plots.element_pattern_chart(tables.profiles, tables.element_pattern, study.instrument, "en")
    assert figure.axes[0].get_title() == "Element pattern across practices"
    plt.close(figure)
    with pytest.raises(ScoringError):
        score_plots.profile_chart(tables.profiles, "P9", study.instrument)


@pytest.mark.parametrize("aggregation", ["median", "leader"])
def test_bootstrap_other_rules_and_a_practice_without_leader(aggregation: str) -> None:
    scores = synthetic_element_scores({"P1": [0.2, 0.4, 0.9], "P2": [0.5, 0.6]})
    scores.loc[scores["practice_id"] == "P2", "informant_role"] = "medarbejder"
    profiles = bootstrap_profiles(scores, aggregation, n_boot=200, seed=2).set_index("practice_id")
    # Hand: median of P1 (0.2, 0.4, 0.9) = 0.4; leader of P1 = 0.2; P2 without a leader has no leader score.
    expected_p1 = {"median": 0.4, "leader": 0.2}[aggregation]
    assert profiles.loc["P1", "score"] == pytest.approx(expected_p1, abs=1e-12)
    if aggregation == "leader":
        assert math.isnan(profiles.loc["P2", "score"]) and math.isnan(profiles.loc["P2", "ci_low"])
        ranks = rank_intervals(scores, aggregation, n_boot=50, seed=2).set_index("practice_id")
        assert ranks.loc["P1", "rank"] == 1 and pd.isna(ranks.loc["P2", "rank"])
    else:
        # Hand: median of P2 (0.5, 0.6) = 0.55; resampled medians lie within [0.2, 0.9] for P1.
        assert profiles.loc["P2", "score"] == pytest.approx(0.55, abs=1e-12)
        assert 0.2 <= profiles.loc["P1", "ci_low"] <= profiles.loc["P1", "ci_high"] <= 0.9


# ---------------------------------------------------------------------------------------------------
# The array bootstrap against the former long-table path (issue 7)
# ---------------------------------------------------------------------------------------------------
# The reference is the former computation written out: a loop over practices (sorted) drawing an
# (n_boot, n) block of informant indices from one generator, one long row per replicate × practice ×
# element, then pandas groupby quantile / std / mean / rank on that table. The array path must give
# the same numbers to the last bit.


def reference_replicates(scores: pd.DataFrame, aggregation: str, n_boot: int, seed: int) -> pd.DataFrame:
    informants = informant_scores(scores, aggregation)
    grid = scores[["practice_id", "delimitation_id", "element_id"]].drop_duplicates()
    rng = np.random.default_rng(seed)
    frames = []
    for (practice, delimitation), cells in grid.groupby(["practice_id", "delimitation_id"], sort=True):
        elements = list(cells["element_id"])
        mine = informants[(informants["practice_id"] == practice) & (informants["delimitation_id"] == delimitation)]
        ids = sorted(set(mine["informant_id"]))
        matrix = np.full((len(ids), len(elements)), np.nan)
        for informant, element, value in zip(mine["informant_id"], mine["element_id"], mine["score"], strict=True):
            i, j = ids.index(informant), elements.index(element)
            if np.isnan(matrix[i, j]) and not pd.isna(value):
                matrix[i, j] = value
        if not ids:
            block = np.full((n_boot, len(elements)), np.nan)
        else:
            sample = matrix[rng.integers(0, len(ids), size=(n_boot, len(ids)))]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                if aggregation == "median":
                    block = np.nanmedian(sample, axis=1)
                else:
                    valid = ~np.isnan(sample)
                    block = np.where(valid, sample, 0.0).sum(axis=1) / valid.sum(axis=1)
        frames.append(
            pd.DataFrame(
                {
                    "replicate": np.repeat(np.arange(n_boot), len(elements)),
                    "practice_id": practice,
                    "delimitation_id": delimitation,
                    "element_id": np.tile(elements, n_boot),
                    "score": block.reshape(-1),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def reference_intervals(
    scores: pd.DataFrame, aggregation: str, reps: pd.DataFrame, ci: float, share: float
) -> dict[str, pd.DataFrame]:
    """The long-table path: profiles, overall index and ranks from the replicates with the package's own
    ``practice_profiles``, ``percentile_intervals`` and ``overall_index`` (each pinned by hand elsewhere in
    this file), to which the array path must be equal."""
    cells, pairs = ["practice_id", "delimitation_id", "element_id"], ["practice_id", "delimitation_id"]
    profiles = practice_profiles(scores, aggregation).merge(
        percentile_intervals(reps, cells, "score", ci), on=cells, how="left"
    )
    profiles.loc[profiles["n_scored"] < 2, ["ci_low", "ci_high", "boot_se"]] = np.nan
    rep_overall = overall_index(reps, share)
    point = overall_index(practice_profiles(scores, aggregation), share)
    overall = percentile_intervals(rep_overall, pairs, "overall", ci)
    rep_overall["rank"] = rep_overall.groupby(["replicate", "delimitation_id"])["overall"].rank(
        ascending=False, method="min"
    )
    grouped = rep_overall.dropna(subset=["rank"]).groupby(pairs)["rank"]
    ranks = pd.DataFrame(
        {
            "rank_low": grouped.quantile((1 - ci) / 2, interpolation="lower"),
            "rank_high": grouped.quantile((1 + ci) / 2, interpolation="higher"),
            "rank_median": grouped.median(),
        }
    ).reset_index()
    return {"profiles": profiles, "overall": point.merge(overall, on=pairs), "ranks": ranks}


def scored_example(tmp_path: Path, holes: bool) -> pd.DataFrame:
    folder = simulate.simulate_study(tmp_path / "sim", simulate.SimulationSpec.preset("example"), seed=1)
    study = Study.load(folder)
    items = reconcile_coders(study.codings, study.instrument, "median", delimitation=None)
    scores = element_scores(items, study.instrument, study.interviews, 0.5)
    if holes:  # rows missing (an element not scored for some informants) and scores withheld
        rng = np.random.default_rng(3)
        scores = scores.sample(frac=0.8, random_state=3).copy()
        scores.loc[rng.random(len(scores)) < 0.3, "score"] = np.nan
    return scores


@pytest.mark.parametrize("holes", [False, True])
@pytest.mark.parametrize("aggregation", ["mean", "median", "leader"])
def test_array_bootstrap_equals_the_long_table_path(tmp_path: Path, aggregation: str, holes: bool) -> None:
    scores = scored_example(tmp_path, holes)
    n_boot, seed, ci, share = 300, 5, 0.9, 0.3 if holes else 0.5
    reference = reference_replicates(scores, aggregation, n_boot, seed)
    pd.testing.assert_frame_equal(bootstrap_replicates(scores, aggregation, n_boot, seed), reference, check_exact=True)
    expected = reference_intervals(scores, aggregation, reference, ci, share)

    draws = bootstrap_draws(scores, aggregation, n_boot, seed)
    profiles = bootstrap_profiles(scores, aggregation, ci=ci, replicates=draws)
    pd.testing.assert_frame_equal(profiles, expected["profiles"], check_exact=True)
    overall = bootstrap_overall(scores, aggregation, ci=ci, min_element_share=share, replicates=draws)
    columns = ["practice_id", "delimitation_id", "overall", "ci_low", "ci_high", "boot_se"]
    # ci columns are NaN in bootstrap_overall for practices with fewer than two informants
    thin = overall["n_informants"] < 2
    merged = overall[columns].merge(
        expected["overall"][columns], on=["practice_id", "delimitation_id"], suffixes=("", "_ref")
    )
    for column in ("overall", "ci_low", "ci_high", "boot_se"):
        mine, theirs = merged[column].to_numpy(dtype=float), merged[f"{column}_ref"].to_numpy(dtype=float)
        keep = ~thin.to_numpy() if column != "overall" else np.ones(len(merged), dtype=bool)
        np.testing.assert_array_equal(mine[keep], theirs[keep])
    ranks = rank_intervals(scores, aggregation, ci=ci, min_element_share=share, replicates=draws)
    merged = ranks.merge(expected["ranks"], on=["practice_id", "delimitation_id"], how="left", suffixes=("", "_ref"))
    ranked = merged["rank"].notna().to_numpy()
    assert ranked.sum() >= 10
    for column in ("rank_low", "rank_high", "rank_median"):
        np.testing.assert_array_equal(
            merged[column].to_numpy(dtype=float, na_value=np.nan)[ranked],
            merged[f"{column}_ref"].to_numpy(dtype=float)[ranked],
        )
    # Drawing inside each function (replicates=None) and passing the long table give the same tables.
    pd.testing.assert_frame_equal(bootstrap_profiles(scores, aggregation, n_boot, seed, ci), profiles, check_exact=True)
    pd.testing.assert_frame_equal(
        rank_intervals(scores, aggregation, ci=ci, min_element_share=share, replicates=reference),
        ranks,
        check_exact=True,
    )


def test_bootstrap_draws_round_trip_through_the_long_table() -> None:
    scores = synthetic_element_scores({"P2": [0.1, 0.5, 0.9], "P1": [0.2, 0.4, 0.6, 0.8], "P3": [0.3]})
    draws = bootstrap_draws(scores, n_boot=40, seed=2)
    # Practices sorted, one column per practice × element, one row per replicate.
    assert draws.cells["practice_id"].tolist() == ["P1", "P2", "P3"] and draws.scores.shape == (40, 3)
    again = BootstrapDraws.from_long(draws.to_long())
    np.testing.assert_array_equal(again.scores, draws.scores)
    assert again.cells.astype(str).values.tolist() == draws.cells.astype(str).values.tolist()
    # Hand: P3 has one informant (0.3), so every replicate is 0.3.
    assert set(draws.scores[:, 2].tolist()) == {0.3}
    with pytest.raises(ScoringError):
        bootstrap_draws(scores, n_boot=0)
    with pytest.raises(ScoringError):
        BootstrapDraws.from_long(pd.DataFrame({"replicate": [0]}))


def test_heatmap_marks_a_cell_without_a_score_with_a_dash(study: Study) -> None:
    """The title promises '–' on grey cells with too few answers; the dash sits in that cell's centre."""
    import matplotlib.pyplot as plt

    from lovende_research.plots import scores as score_plots

    tables = score_study(study, n_boot=20, coverage_threshold=0.1)
    profiles = tables.profiles.copy()
    gap = profiles.index[
        (profiles["practice_id"] == "P1") & (profiles["element_id"] == study.instrument.elements[1].id)
    ][0]
    profiles.loc[gap, "score"] = np.nan
    figure = score_plots.heatmap(profiles, tables.overall, study.instrument)
    ax = figure.axes[0]
    dashes = {tuple(map(float, t.get_position())) for t in ax.texts if t.get_text() == "–"}
    rows = [t.get_text() for t in ax.get_yticklabels()]
    columns = [e.id for e in study.instrument.elements]
    main = profiles[profiles["delimitation_id"] == "main"]
    gaps = main[main["score"].isna()]
    assert (1.5, rows.index("P1") + 0.5) in dashes
    assert dashes == {
        (columns.index(e) + 0.5, rows.index(p) + 0.5)
        for p, e in zip(gaps["practice_id"], gaps["element_id"], strict=True)
    }
    assert len(ax.texts) == len(main)  # every other cell keeps its number
    plt.close(figure)
