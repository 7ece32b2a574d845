"""Fast tests of ``scoring/stage.py``: :func:`score_study` on a small hand-made study (three practices,
two coders, two elements coded) hands each of its arguments to the step that uses it, and writes
every table. The steps themselves are tested in their own files; here the expected tables are those
steps called directly with the arguments the docstring says ``score_study`` passes on."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from lovende_research.instrument import load_instrument
from lovende_research.scoring import (
    ScoreTables,
    ScoringError,
    bootstrap_draws,
    bootstrap_overall,
    bootstrap_profiles,
    coder_conflicts,
    element_pattern,
    element_scores,
    fit_score_model,
    model_draws,
    rank_intervals,
    reconcile_coders,
    score_study,
    screen_flags,
)

INSTRUMENT = load_instrument()


def _study(seed: int = 7, language: str = "en", answered: float = 0.7) -> SimpleNamespace:
    """P1–P3, two informants each (one leader); every item coded 1–4 at random by K1, and by K2 one code
    higher on some (the rules differ); some items left out (coverage below 1, some elements below 0.5);
    an alternative delimitation for one interview; the screen item."""
    rng = np.random.default_rng(3)
    interviews = pd.DataFrame(
        {
            "interview_id": [f"I{p}{i}" for p in range(1, 4) for i in range(2)],
            "practice_id": [f"P{p}" for p in range(1, 4) for _ in range(2)],
            "informant_id": [f"P{p}-{i}" for p in range(1, 4) for i in range(2)],
            "informant_role": ["leder", "medarbejder"] * 3,
        }
    )
    rows = []
    items = [item.id for item in INSTRUMENT.items]
    for n, interview in enumerate(interviews["interview_id"]):
        for j, item in enumerate(items):
            if rng.uniform() > answered:
                continue  # not answered
            code = int(rng.integers(1, 5))
            rows.append((interview, "K1", item, "main", code, None, None))
            rows.append((interview, "K2", item, "main", min(code + (j % 2), 4), None, None))
        rows.append((interview, "K1", "sikker_1", "main", None, None, "ja" if n % 3 == 0 else "nej"))
        rows.append((interview, "K2", "sikker_1", "main", None, None, "ja"))
    # An alternative delimitation of one interview: a conflict and a screen answer of its own.
    rows.append(("I11", "K1", "teori_1", "alt", 4, None, None))
    rows.append(("I11", "K2", "teori_1", "alt", 2, None, None))
    rows.append(("I11", "K1", "sikker_1", "alt", None, None, "nej"))
    frame = pd.DataFrame(
        rows,
        columns=["interview_id", "coder_id", "item_id", "delimitation_id", "value", "missing_code", "screen_answer"],
    )
    codings = frame.assign(
        value=pd.array(frame["value"], dtype="Int64"),
        missing_code=pd.array(frame["missing_code"], dtype="string"),
        screen_answer=pd.array(frame["screen_answer"], dtype="string"),
        note=pd.array([""] * len(frame), dtype="string"),
        is_consensus=False,
    )
    return SimpleNamespace(
        config=SimpleNamespace(seed=seed, language=language),
        instrument=INSTRUMENT,
        codings=codings,
        interviews=interviews,
    )


def test_score_study_is_the_chain_with_its_arguments_handed_on() -> None:
    # Fewer items answered, so the element share of an overall index (0.3 here) and the level (0.5)
    # change the overall and rank tables (checked below, so the comparison can tell them apart).
    study = _study(answered=0.2)
    tables = score_study(study, rule="lower", aggregation="leader", coverage_threshold=0.3, n_boot=20, ci=0.5, top_k=2)  # type: ignore[arg-type]
    items = reconcile_coders(study.codings, INSTRUMENT, "lower", "main")
    elements = element_scores(items, INSTRUMENT, study.interviews, 0.3)
    model = fit_score_model(elements)
    draws = model_draws(elements, "leader", 20, 7, model)  # the study's seed
    profiles = bootstrap_profiles(elements, "leader", ci=0.5, replicates=draws, min_informants=1)
    pd.testing.assert_frame_equal(tables.item_scores, items)
    pd.testing.assert_frame_equal(tables.element_scores, elements)
    pd.testing.assert_frame_equal(tables.profiles, profiles)
    pd.testing.assert_frame_equal(
        tables.overall,
        bootstrap_overall(elements, "leader", ci=0.5, min_element_share=0.3, replicates=draws, min_informants=1),
    )
    pd.testing.assert_frame_equal(
        tables.ranks, rank_intervals(elements, "leader", ci=0.5, min_element_share=0.3, replicates=draws, top_k=2)
    )
    pd.testing.assert_frame_equal(tables.element_pattern, element_pattern(profiles))
    pd.testing.assert_frame_equal(
        tables.screen_flags, screen_flags(study.codings, INSTRUMENT, study.interviews, "main")
    )
    pd.testing.assert_frame_equal(
        tables.coder_conflicts, coder_conflicts(study.codings, INSTRUMENT, study.interviews, "main", "en")
    )
    pd.testing.assert_frame_equal(tables.score_model, model.table())
    assert not tables.overall.equals(
        bootstrap_overall(elements, "leader", ci=0.5, replicates=draws, min_informants=1)
    ) and not tables.ranks.equals(rank_intervals(elements, "leader", ci=0.5, replicates=draws, top_k=2))
    assert not tables.ranks.equals(rank_intervals(elements, "leader", min_element_share=0.3, replicates=draws, top_k=2))
    # The chain did something: leaders' scores have model intervals (one informant each, min_informants 1).
    assert tables.profiles["ci_low"].notna().any() and tables.ranks["top_k"].dropna().eq(2).all()
    assert set(tables.item_scores["delimitation_id"]) == {"main"}


def test_the_bootstrap_method_needs_two_informants_and_takes_the_seed_given() -> None:
    study = _study(seed=7, language="da")
    study.codings = study.codings[study.codings["interview_id"] != "I31"]  # P3: one informant, no interval
    tables = score_study(study, interval_method="bootstrap", aggregation="median", n_boot=15, seed=3, delimitation=None)  # type: ignore[arg-type]
    items = reconcile_coders(study.codings, INSTRUMENT, "median", None)
    elements = element_scores(items, INSTRUMENT, study.interviews)
    draws = bootstrap_draws(elements, "median", 15, 3)
    profiles = bootstrap_profiles(elements, "median", replicates=draws, min_informants=2)
    pd.testing.assert_frame_equal(tables.profiles, profiles)
    pd.testing.assert_frame_equal(
        tables.overall, bootstrap_overall(elements, "median", replicates=draws, min_informants=2)
    )
    pd.testing.assert_frame_equal(tables.ranks, rank_intervals(elements, "median", replicates=draws, top_k=5))
    pd.testing.assert_frame_equal(
        tables.coder_conflicts, coder_conflicts(study.codings, INSTRUMENT, study.interviews, None, "da")
    )
    pd.testing.assert_frame_equal(tables.screen_flags, screen_flags(study.codings, INSTRUMENT, study.interviews, None))
    assert set(tables.item_scores["delimitation_id"]) == {"main", "alt"}
    # The defaults: rule median, coverage 0.5 (elements with one of three items answered are insufficient).
    assert not tables.element_scores.loc[tables.element_scores["coverage"] < 0.5, "sufficient"].any()


def test_the_defaults_are_the_model_the_mean_and_the_studys_seed() -> None:
    # Also: 1,000 draws, P(top 5), and a language given overrides the study's.
    study = _study(seed=11, language="da")
    tables = score_study(study, language="en")  # type: ignore[arg-type]
    elements = element_scores(
        reconcile_coders(study.codings, INSTRUMENT, "median", "main"), INSTRUMENT, study.interviews, 0.5
    )
    draws = model_draws(elements, "mean", 1000, 11)
    pd.testing.assert_frame_equal(
        tables.profiles, bootstrap_profiles(elements, "mean", replicates=draws, min_informants=1)
    )
    pd.testing.assert_frame_equal(tables.ranks, rank_intervals(elements, "mean", replicates=draws, top_k=5))
    pd.testing.assert_frame_equal(
        tables.coder_conflicts, coder_conflicts(study.codings, INSTRUMENT, study.interviews, "main", "en")
    )
    assert not tables.coder_conflicts.equals(coder_conflicts(study.codings, INSTRUMENT, study.interviews, "main", "da"))


def test_bad_methods_are_refused_before_any_work() -> None:
    with pytest.raises(ScoringError, match="model eller bootstrap") as info:
        score_study(_study(), interval_method="normal")  # type: ignore[arg-type]
    assert info.value.parameter == "interval_method"
    with pytest.raises(ScoringError, match="interval_method='bootstrap'"):
        score_study(_study(), aggregation="median")  # type: ignore[arg-type]


def test_write_puts_every_table_in_a_parquet_file(tmp_path: Path) -> None:
    tables = ScoreTables(*(pd.DataFrame({"x": [i]}) for i in range(9)))
    paths = tables.write(tmp_path / "out")
    names = [
        "item_scores",
        "element_scores",
        "profiles",
        "overall",
        "ranks",
        "element_pattern",
        "screen_flags",
        "coder_conflicts",
        "score_model",
    ]
    assert paths == [tmp_path / "out" / f"{name}.parquet" for name in names]
    assert [int(pd.read_parquet(p)["x"].iloc[0]) for p in paths] == list(range(9))
    assert tables.write(str(tmp_path / "out")) == paths  # type: ignore[arg-type]


def test_a_blank_role_does_not_stop_the_stage() -> None:
    # interviews.csv allows a blank role (<NA>); the model's fit used to fail on it with a TypeError.
    study = _study()
    study.interviews["informant_role"] = study.interviews["informant_role"].astype("string")
    study.interviews.loc[3, "informant_role"] = pd.NA
    tables = score_study(study, n_boot=5)  # type: ignore[arg-type]
    roles = tables.score_model.loc[tables.score_model["kind"] == "role", "term"].tolist()
    assert roles == ["<NA>", "leder", "medarbejder"]
    assert tables.profiles["ci_low"].notna().any()
