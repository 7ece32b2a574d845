"""Change between rounds with its interval (pairing of reappearing informants), ranks, and coder drift."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lovende_research.instrument import load_instrument
from lovende_research.rounds import coder_drift, coder_offsets, load_rounds, round_change, round_scores
from lovende_research.rounds.simulation import RoundsSpec, write_rounds

INSTRUMENT = load_instrument()
ELEMENTS = [e.id for e in INSTRUMENT.elements]


def _scores(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["practice_id", "informant_id", "element_id", "score"])
    return frame.assign(
        interview_id=frame["informant_id"],
        informant_role="medarbejder",
        delimitation_id="main",
        coverage=1.0,
        sufficient=True,
    )


def _two_rounds(
    seed: int, n_practices: int = 60, person_sd: float = 0.1, noise_sd: float = 0.05, same_people: bool = True
):
    """Scores from y = 0.5 + u_i + e, with u_i the same person's offset in both rounds (no change anywhere)."""
    rng = np.random.default_rng(seed)
    people = {(p, i): rng.normal(0, person_sd) for p in range(n_practices) for i in range(3)}
    rounds = []
    for r in range(2):
        rows = []
        for (p, i), u in people.items():
            informant = f"P{p}-{i}" if same_people or r == 0 else f"P{p}-new{i}"
            rows += [(f"P{p}", informant, e, 0.5 + u + rng.normal(0, noise_sd)) for e in ELEMENTS]
        rounds.append(_scores(rows))
    return rounds, [f"P{p}" for p in range(n_practices)]


def test_the_reappearing_informants_covariance_recovers_the_planted_one() -> None:
    (earlier, later), practices = _two_rounds(seed=1)
    model = round_change(earlier, later, INSTRUMENT, practices, n_boot=50, seed=1).model
    # planted: Cov(u_1i, u_2i) = person_sd² = 0.01, the element terms independent between rounds (0);
    # 180 persons, so the moment estimates' SE is about 0.001
    assert model.person_cov == pytest.approx(0.01, abs=0.003)
    assert model.element_cov == pytest.approx(0.0, abs=0.001)
    assert model.n_reappearing == 180


def test_the_interval_shrinks_by_the_pairing_formula_when_the_same_informants_answer() -> None:
    paired, practices = _two_rounds(seed=2, same_people=True)
    unpaired, _ = _two_rounds(seed=2, same_people=False)
    se = {}
    for name, (earlier, later) in (("paired", paired), ("unpaired", unpaired)):
        se[name] = float(
            round_change(earlier, later, INSTRUMENT, practices, n_boot=4000, seed=3).elements["se"].median()
        )
    # Independent: Var(ȳ2 - ȳ1) = 2 (σu² + σe²)/3 - 2·3·κ/9 for 3 informants per round (Notes of round_change),
    # with the planted σu² = 0.01, σe² = 0.0025 and κ = 0.01 when the same three answer, 0 when all are new.
    assert se["unpaired"] == pytest.approx(np.sqrt(2 * 0.0125 / 3), rel=0.12)
    assert se["paired"] == pytest.approx(np.sqrt(2 * 0.0125 / 3 - 2 * 3 * 0.01 / 9), rel=0.15)
    assert se["paired"] < 0.6 * se["unpaired"]


def test_a_practice_that_rose_is_marked_improved_and_gains_places() -> None:
    rng = np.random.default_rng(5)
    levels = {f"P{p}": 0.2 + 0.03 * p for p in range(20)}
    rounds = []
    for r in range(2):
        rows = [
            (pid, f"{pid}-{i}", e, level + (0.6 if r and pid == "P0" else 0.0) + rng.normal(0, 0.05))
            for pid, level in levels.items()
            for i in range(3)
            for e in ELEMENTS
        ]
        rounds.append(_scores(rows))
    found = round_change(*rounds, INSTRUMENT, list(levels), n_boot=500, seed=2)
    p0 = found.overall.set_index("practice_id").loc["P0"]
    # P0 was last of 20 (its level lowest) and is first after +0.6 (0.8 > 0.2 + 0.03 · 19 = 0.77)
    assert (int(p0["rank_1"]), int(p0["rank_2"]), int(p0["places_gained"])) == (20, 1, 19)
    assert p0["direction"] == "improved" and p0["places_low"] > 0
    cells = found.elements[found.elements["practice_id"] == "P0"]
    assert (cells["direction"] == "improved").all()
    assert cells["change"].between(0.5, 0.7).all()


def test_a_planted_change_in_simulated_rounds_is_found_in_its_direction(tmp_path: Path) -> None:
    folders = write_rounds(
        tmp_path / "r", RoundsSpec(n_practices=14, change=0.45, informants_per_practice=5, turnover=0.2), seed=4
    )
    rounds = load_rounds(folders)
    scores = [round_scores(s.codings, s.interviews, rounds.instrument) for s in rounds.studies]
    found = round_change(*scores, rounds.instrument, rounds.matched, n_boot=1000, seed=4).elements
    truth = pd.DataFrame(json.loads((tmp_path / "r" / "truth.json").read_text(encoding="utf-8"))["changes"])
    cells = found.merge(truth, on=["practice_id", "element_id"], suffixes=("", "_planted"))
    planted = cells[cells["change_planted"] != 0]
    expected = np.where(planted["change_planted"] > 0, "improved", "declined")
    # mechanics on one clear seed (rates over many seeds are the benchmark's): most planted cells found,
    # none in the wrong direction, few of the unchanged ones marked
    assert (planted["direction"] == expected).mean() >= 0.8
    assert not ((planted["direction"] != expected) & (planted["direction"] != "unchanged")).any()
    assert (cells.loc[cells["change_planted"] == 0, "direction"] != "unchanged").mean() <= 0.1


def test_coder_drift_is_found_and_its_interval_is_the_paired_t_over_practices(tmp_path: Path) -> None:
    folders = write_rounds(tmp_path / "r", RoundsSpec(n_practices=12, coder_drift=0.3, change=0.0), seed=8)
    first, second = load_rounds(folders).studies
    drift = coder_drift(first.codings, second.codings, first.instrument, first.interviews, second.interviews).set_index(
        "coder_id"
    )
    # C1 codes one step higher with probability 0.3 more in round 2: about +0.3 × 1/3 of the scale
    # against the coders it was paired with
    assert drift.at["C1", "drifted"] and drift.at["C1", "drift"] > 0.05
    # Independent: scipy's one-sample t interval on C2's per-practice changes of mean offset
    offsets = [coder_offsets(s.codings, s.instrument).merge(s.interviews, on="interview_id") for s in (first, second)]
    means = [o[o["coder_id"] == "C2"].groupby("practice_id")["offset"].mean() for o in offsets]
    changes = (means[1] - means[0]).dropna()
    reference = stats.ttest_1samp(changes, 0.0).confidence_interval(0.95)
    assert int(drift.at["C2", "n_practices"]) == len(changes) >= 8
    assert (drift.at["C2", "ci_low"], drift.at["C2", "ci_high"]) == pytest.approx(
        (reference.low, reference.high), abs=1e-12
    )


def test_a_coder_in_one_round_only_gets_no_drift(tmp_path: Path) -> None:
    folders = write_rounds(tmp_path / "r", RoundsSpec(n_practices=3, change=0.0), seed=2)
    rounds = load_rounds(folders)
    first, second = rounds.studies
    later = second.codings.assign(coder_id=lambda d: d["coder_id"].replace("C3", "C9"))
    assert "C3" not in set(
        coder_drift(first.codings, later, rounds.instrument, first.interviews, second.interviews)["coder_id"]
    )


def test_a_cell_near_the_scales_end_gets_the_narrower_interval_its_spread_has() -> None:
    rng = np.random.default_rng(7)
    # planted: informants' scores spread with SD 0.5·sqrt(p(1 - p)), so a cell at p = 0.1 varies
    # sqrt(0.09 / 0.25) = 0.6 times as much as one at p = 0.5; half the practices at each level
    levels = {f"P{p}": (0.1 if p % 2 else 0.5) for p in range(40)}
    rounds = [
        _scores(
            [
                (pid, f"{pid}-{r}{i}", e, level + 0.5 * np.sqrt(level * (1 - level)) * rng.standard_normal())
                for pid, level in levels.items()
                for i in range(4)
                for e in ELEMENTS
            ]
        )
        for r in range(2)
    ]
    cells = round_change(*rounds, INSTRUMENT, list(levels), n_boot=2000, seed=2).elements
    se = cells.assign(level=cells["practice_id"].map(levels)).groupby("level")["se"].median()
    assert se[0.1] / se[0.5] == pytest.approx(0.6, rel=0.15)
