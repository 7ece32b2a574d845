"""The independent generator: its stated truth is what its data show, and a seed fixes its files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lovende_research.errors import ArgumentError
from lovende_research.scoring import element_scores, reconcile_coders
from lovende_research.study import Study
from lovende_research.validity import IndependentSpec, write_independent_study


def _scores(folder: Path):
    study = Study.load(folder)
    items = reconcile_coders(study.codings, study.instrument, "median", "main")
    return element_scores(items, study.instrument, study.interviews, 0.5)


def test_truth_is_the_expected_score_the_data_show(tmp_path: Path) -> None:
    # 3 practices x 240 informants: the empirical mean of an element score per practice x role estimates
    # the stated expectation with SE ~ 0.2/sqrt(120) ~ 0.018; an error in the quadrature, the coder
    # shift or the clipping moves it by more than 0.05 (leniency 0.3 puts many perceptions past 1).
    spec = IndependentSpec(
        n_practices=3,
        informants_per_practice=241,
        leader_leniency=0.3,
        dont_know=0.0,
        dont_know_focus=0.0,
        coder_severity=0.3,
        coder_noise=0.2,
    )
    truth = write_independent_study(tmp_path / "s", spec, seed=5)
    scores = _scores(tmp_path / "s")
    others = scores[scores["informant_role"] != "leder"]
    empirical = (
        others.groupby(["practice_id", "element_id", "informant_role"])["score"].agg(["mean", "sem"]).reset_index()
    )
    merged = empirical.merge(truth.role_element, on=["practice_id", "element_id", "informant_role"])
    assert len(merged) == 3 * 11 * 2
    z = (merged["mean"] - merged["true_score"]) / merged["sem"]
    assert float(np.abs(z).max()) < 4.5
    assert float(np.abs(z).mean()) < 1.2  # |N(0,1)| has mean 0.8


def test_null_studies_plant_no_role_effect_and_leniency_is_attenuated_by_clipping(tmp_path: Path) -> None:
    null = write_independent_study(tmp_path / "null", IndependentSpec(n_practices=4), seed=1)
    assert null.role_effects == {"medarbejder": 0.0, "samarbejdspartner": 0.0}
    lenient = write_independent_study(tmp_path / "len", IndependentSpec(n_practices=4, leader_leniency=0.2), seed=1)
    effect = lenient.role_effects["medarbejder"]
    assert -0.2 < effect < -0.15


def test_same_seed_same_files_and_a_full_folder_is_refused(tmp_path: Path) -> None:
    spec = IndependentSpec(n_practices=5, unbalanced_roles=True, straightliner_rate=0.2, n_extreme=2)
    first = write_independent_study(tmp_path / "a", spec, seed=9)
    write_independent_study(tmp_path / "b", spec, seed=9)
    for name in ("interviews.csv", "codings.csv", "truth.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert len(first.extreme_practices) == 2
    with pytest.raises(ArgumentError, match="en mappe der ikke findes endnu, eller en tom mappe"):
        write_independent_study(tmp_path / "a", spec, seed=9)


def test_unbalanced_roles_give_practices_without_partner_and_with_two_staff(tmp_path: Path) -> None:
    write_independent_study(tmp_path / "s", IndependentSpec(n_practices=30, unbalanced_roles=True), seed=3)
    interviews = Study.load(tmp_path / "s").interviews
    counts = interviews.groupby("practice_id")["informant_role"].value_counts().unstack(fill_value=0)
    assert (counts.get("samarbejdspartner", 0) == 0).any()
    assert (counts["medarbejder"] >= 2).any()
    assert (counts["leder"] == 1).all()
