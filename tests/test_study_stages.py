"""Validation by stage, and everything ``lovende run`` would refuse, found by ``lovende validate``.

Each test builds a study that ``validate`` passed before issue 18 and that ``run`` then refused (or
reported wrongly), and checks the problem names the file, the row as a spreadsheet shows it and the
column.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lovende_research.cli import main
from lovende_research.config import EXAMPLE_STUDY
from lovende_research.pipeline import run_study
from lovende_research.run_checks import run_problems
from lovende_research.templates import new_study
from tests.test_study import CANDIDATES, INTERVIEWS, SCREENING, make_study, write_csv


def test_a_study_with_only_candidates_and_screening_validates_and_runs_the_screening_stage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A team screens first: new-study, then only the candidates and screening tables are filled in.
    study = new_study(tmp_path / "raw" / "screen-first")
    for name in ("candidates.csv", "screening.csv", "selected.csv"):
        shutil.copyfile(EXAMPLE_STUDY / name, study / name)
    (study / "study.yml").write_text(
        (study / "study.yml")
        .read_text(encoding="utf-8")
        .replace("parameters: {}", "parameters: {screening: {selection_rule: list}}"),
        encoding="utf-8",
    )

    assert main(["validate", str(study), "--stage", "screening"]) == 0
    assert "ingen problemer" in capsys.readouterr().out
    assert main(["validate", str(study)]) == 1  # the empty coding workbook is still a problem for a full run

    result = run_study(
        study,
        only=["screening"],
        processed_base=tmp_path / "processed",
        reports_base=tmp_path / "reports",
        progress=False,
    )
    selection = tmp_path / "processed" / "screen-first" / "screening" / "selection.parquet"
    assert selection.is_file() and result.index.is_file()


def test_a_new_study_gets_one_problem_pointing_to_the_screening_stage(tmp_path: Path) -> None:
    # Before issue 18: 93 "tomt felt" problems, one per empty cell of the unfilled coding workbook.
    study = new_study(tmp_path / "ny")
    problems = run_problems(study)
    assert [(p.file, p.row, p.column) for p in problems] == [("interviews.csv", None, None)]
    assert "--stage screening" in problems[0].expected
    assert run_problems(study, "screening") == []


def test_unresolved_screening_conflicts_are_listed_with_their_rows(tmp_path: Path) -> None:
    screening = [list(r) for r in SCREENING]
    screening[2][3] = "exclude"  # P1: S1 includes (row 2), S2 excludes (row 3), nobody reconciled
    study = make_study(tmp_path / "s", screening=screening)
    problems = run_problems(study)
    assert [(p.file, p.row, p.column) for p in problems] == [("screening.csv", 2, "reconciled_decision")]
    assert "P1" in problems[0].problem and "2, 3" in problems[0].problem


def test_an_interview_of_a_practice_outside_the_sample(tmp_path: Path) -> None:
    # P2 is excluded by both screeners (tests/test_study.py), so no rule can select it for interview.
    interviews = [list(r) for r in INTERVIEWS] + [["I3", "P2", "P2-L", "leder", "2017-03-04"]]
    study = make_study(tmp_path / "s", interviews=interviews)
    (study / "study.yml").write_text(
        "title: T\nlanguage: da\nseed: 7\nparameters: {screening: {n_select: 1, strata: []}}\n", encoding="utf-8"
    )
    problems = run_problems(study)
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [("interviews.csv", 4, "practice_id", "P2")]


def test_an_interview_of_a_practice_not_in_selected(tmp_path: Path) -> None:
    candidates = [list(r) for r in CANDIDATES] + [
        ["P3", "Forældregruppe", "Ærø Kommune", "kommune", "Ærø", "forældre", "forebyggende"]
    ]
    screening = [list(r) for r in SCREENING] + [
        ["P3", "S1", "maalgruppe", "include", ""],
        ["P3", "S2", "maalgruppe", "include", ""],
    ]
    interviews = [list(r) for r in INTERVIEWS] + [["I3", "P3", "P3-L", "leder", "2017-03-04"]]
    study = make_study(tmp_path / "s", candidates=candidates, screening=screening, interviews=interviews)
    write_csv(study / "selected.csv", [["practice_id"], ["P1"]])
    (study / "study.yml").write_text(
        "title: T\nlanguage: da\nseed: 7\nparameters: {screening: {selection_rule: list, strata: []}}\n",
        encoding="utf-8",
    )
    problems = run_problems(study)
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [("interviews.csv", 4, "practice_id", "P3")]


@pytest.mark.parametrize(
    ("parameters", "column", "words"),
    [
        ("{screening: {n_selec: 3}}", "parameters.screening", "n_selec"),
        ("{screening: {n_select: '3'}}", "parameters.screening", "int"),
        ("{n_bootstrap_typo: 3}", "parameters", "n_bootstrap_typo"),
    ],
)
def test_parameters_run_would_refuse(tmp_path: Path, parameters: str, column: str, words: str) -> None:
    study = make_study(tmp_path / "s")
    (study / "study.yml").write_text(f"title: T\nlanguage: da\nseed: 7\nparameters: {parameters}\n", encoding="utf-8")
    problems = run_problems(study)
    assert [(p.file, p.column) for p in problems] == [("study.yml", column)]
    assert words in problems[0].problem
