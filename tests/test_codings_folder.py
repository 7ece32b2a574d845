"""A folder `codings/` of coders' workbooks read as the codings table (issue 18, part 3).

The round trip is the one a team goes through: `lovende workbooks` writes the workbooks, the coders
fill them (here openpyxl), LibreOffice saves them (headless `soffice --convert-to xlsx`, as a coder's
Calc would), and the study validates and scores. The reference is the same answers typed by the test
as a long `codings.csv` (the documented format), scored by the same chain: the two must give the same
element scores to 1e-12.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from lovende_research.cli import main
from lovende_research.coder_workbooks import write_coder_workbooks
from lovende_research.instrument import load_instrument
from lovende_research.scoring import score_study
from lovende_research.study import VALIDATED_STUDY_ENV, Study, _validated_for, keep_validated, validate_study
from tests.test_study import CODINGS, RUNNABLE_STUDY_YML, make_study, write_csv
from tests.test_tables_libreoffice import CALC_XLSX, _convert, soffice  # noqa: F401 - soffice is a fixture

ITEMS = [item.id for element in load_instrument().elements for item in element.items]
#: The answers both coders give, written out by hand per interview: labels as a coder picks them from
#: the dropdown, the codes the same answers carry in the long file (docs/study-format.md: 1–4, ved_ikke).
LABELS = ["Slet ikke", "I mindre grad", "I nogen grad", "I høj grad", "Ved ikke"]
CODES = ["1", "2", "3", "4", "ved_ikke"]


def answer(interview: str, coder: str, position: int) -> int:
    """Which of LABELS/CODES a coder gives to the item at ``position``: a fixed pattern that differs by coder."""
    return (position + (interview == "I2") + 2 * (coder == "K2")) % len(LABELS)


def header_of(sheet) -> int:
    return next(row[0].row for row in sheet.iter_rows(min_row=1, max_row=30) if row[0].value == "item_id")


def fill(path: Path, skip: set[tuple[str, str]] = frozenset()) -> None:
    """Answer every item of every interview sheet of ``path`` as the coder of its key block."""
    workbook = load_workbook(path)
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible" or (sheet.title, path.stem) in skip:
            continue
        coder = next(r[1].value for r in sheet.iter_rows(min_row=1, max_row=9) if r[0].value == "coder_id")
        header = header_of(sheet)
        for position, item in enumerate(ITEMS):
            row = header + 1 + position
            assert sheet.cell(row, 1).value == item
            sheet.cell(row, 4, LABELS[answer(sheet.title, coder, position)])
        sheet.cell(header + 1 + len(ITEMS), 4, "Nej")  # the screen item
        sheet.cell(header + 1, 5, "Lederen nævner en håndbog; æøå bevares")
    workbook.save(path)


def long_codings() -> list[list[str]]:
    """The same answers as a long codings.csv, as a researcher would type them."""
    rows = [["interview_id", "coder_id", "item_id", "response"]]
    for interview in ("I1", "I2"):
        for coder in ("K1", "K2"):
            rows += [[interview, coder, item, CODES[answer(interview, coder, p)]] for p, item in enumerate(ITEMS)]
            rows.append([interview, coder, "sikker_1", "nej"])
    return rows


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory, soffice: list[str]) -> Path:  # noqa: F811
    """The two coders' workbooks, filled and re-saved by LibreOffice, in a folder of their own."""
    root = tmp_path_factory.mktemp("workbooks")
    study = make_study(root / "template", codings=None)
    resaved = root / "resaved"
    resaved.mkdir()
    for path in write_coder_workbooks(study, "K1,K2", out=root / "written"):
        fill(path)
        _convert(soffice, path, resaved / path.name, CALC_XLSX)
    return resaved


def study_with_folder(root: Path, workbooks: Path) -> Path:
    study = make_study(root, codings=None)
    shutil.copytree(workbooks, study / "codings")
    return study


def test_round_trip_through_libreoffice_validates_and_scores_as_the_long_file(tmp_path: Path, workbooks: Path) -> None:
    folder = study_with_folder(tmp_path / "folder", workbooks)
    assert validate_study(folder) == []
    long = make_study(tmp_path / "long", codings=long_codings())
    assert validate_study(long) == []

    from_folder, from_file = Study.load(folder), Study.load(long)
    assert len(from_folder.codings) == len(from_file.codings) == 2 * 2 * 31
    key = ["interview_id", "coder_id", "item_id"]
    ours = from_folder.codings.sort_values(key).reset_index(drop=True)
    theirs = from_file.codings.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(
        ours[key + ["value", "missing_code", "screen_answer"]], theirs[key + ["value", "missing_code", "screen_answer"]]
    )

    scores = {
        name: score_study(study, n_boot=20, seed=1).element_scores
        for name, study in (("folder", from_folder), ("long", from_file))
    }
    columns = ["interview_id", "element_id", "score", "coverage"]
    left = scores["folder"].sort_values(columns[:2]).reset_index(drop=True)
    right = scores["long"].sort_values(columns[:2]).reset_index(drop=True)
    pd.testing.assert_frame_equal(left[columns], right[columns], rtol=0, atol=1e-12)
    assert left["score"].notna().any()
    # Provenance and the runner's validated-study check cover each workbook, not a folder.
    assert set(from_folder.checksums()) == {
        "study.yml",
        "candidates.csv",
        "screening.csv",
        "interviews.csv",
        "codings/kodeark_K1.xlsx",
        "codings/kodeark_K2.xlsx",
    }


def test_a_bad_answer_names_file_sheet_row_and_column(tmp_path: Path, workbooks: Path) -> None:
    study = study_with_folder(tmp_path / "s", workbooks)
    path = study / "codings" / "kodeark_K2.xlsx"
    workbook = load_workbook(path)
    sheet = workbook["I2"]
    header = header_of(sheet)
    sheet.cell(header + 2, 4, "måske")
    workbook.save(path)
    problems = validate_study(study)
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.file, problem.sheet, problem.row, problem.column, problem.value) == (
        "codings/kodeark_K2.xlsx",
        "I2",
        header + 2,
        "response",
        "måske",
    )
    assert str(problem).startswith(
        f"codings/kodeark_K2.xlsx, ark 'I2', række {header + 2}, kolonne 'response': ugyldig værdi"
    )


def test_an_unknown_interview_in_the_key_block_is_named_at_its_cell(tmp_path: Path, workbooks: Path) -> None:
    study = study_with_folder(tmp_path / "s", workbooks)
    path = study / "codings" / "kodeark_K1.xlsx"
    workbook = load_workbook(path)
    sheet = workbook["I1"]
    row = next(r[0].row for r in sheet.iter_rows(min_row=1, max_row=9) if r[0].value == "interview_id")
    sheet.cell(row, 2, "I9")
    workbook.save(path)
    problems = validate_study(study)
    # One problem per coding row of the sheet, all at the one cell the coder changed.
    assert {(p.file, p.sheet, p.row, p.column, p.value) for p in problems} == {
        ("codings/kodeark_K1.xlsx", "I1", row, "interview_id", "I9")
    }


def test_an_unfilled_sheet_is_one_problem(tmp_path: Path) -> None:
    study = make_study(tmp_path / "s", codings=None)
    (study / "codings").mkdir()
    for path in write_coder_workbooks(study, "K1", out=tmp_path / "out"):
        fill(path, skip={("I2", "kodeark_K1")})
        shutil.copy(path, study / "codings" / path.name)
    (study / "codings" / ".~lock.kodeark_K1.xlsx#").write_text("lock", encoding="utf-8")  # LibreOffice's, ignored
    problems = validate_study(study)
    assert [(p.file, p.sheet, p.column) for p in problems] == [("codings/kodeark_K1.xlsx", "I2", "response")]
    assert "0 af 31" in problems[0].problem


def test_a_folder_beside_a_codings_file_and_a_file_that_is_no_workbook(tmp_path: Path, workbooks: Path) -> None:
    study = study_with_folder(tmp_path / "s", workbooks)
    write_csv(study / "codings.csv", CODINGS)
    assert [(p.file, "mappen codings/" in p.problem) for p in validate_study(study)] == [("codings.csv", True)]
    (study / "codings.csv").unlink()
    (study / "codings" / "noter.txt").write_text("hej", encoding="utf-8")
    assert [p.file for p in validate_study(study)] == ["codings/noter.txt"]


def test_an_interview_coded_on_two_sheets_names_the_other_sheet(tmp_path: Path, workbooks: Path) -> None:
    study = study_with_folder(tmp_path / "s", workbooks)
    path = study / "codings" / "kodeark_K1.xlsx"
    workbook = load_workbook(path)
    sheet = workbook["I2"]
    key_row = next(r[0].row for r in sheet.iter_rows(min_row=1, max_row=9) if r[0].value == "interview_id")
    sheet.cell(key_row, 2, "I1")  # the coder typed I2's answers on a copy of I1's sheet
    workbook.save(path)
    header = header_of(sheet)
    problems = [p for p in validate_study(study) if "mere end én gang" in p.problem]
    assert len(problems) == 2 * 31  # each item of the two sheets, once per sheet
    first = next(p for p in problems if p.sheet == "I1" and p.row == header + 1)
    assert "også codings/kodeark_K1.xlsx, ark 'I2', række " + str(header + 1) in first.problem


def test_validate_passes_and_the_runner_revalidates_when_a_workbook_changes(
    tmp_path: Path, workbooks: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    study = study_with_folder(tmp_path / "s", workbooks)
    (study / "study.yml").write_text(RUNNABLE_STUDY_YML, encoding="utf-8")
    assert main(["validate", str(study)]) == 0  # everything `run` would refuse, too
    kept = keep_validated(Study.load(study), tmp_path / "kept.pickle")
    monkeypatch.setenv(VALIDATED_STUDY_ENV, str(kept))
    assert _validated_for(study) is not None
    path = study / "codings" / "kodeark_K2.xlsx"
    workbook = load_workbook(path)
    workbook["I1"].cell(header_of(workbook["I1"]) + 1, 4, "Ved ikke")
    workbook.save(path)
    assert _validated_for(study) is None  # a changed workbook: the stage validates again
    monkeypatch.setenv(VALIDATED_STUDY_ENV, str(keep_validated(Study.load(study), tmp_path / "kept2.pickle")))
    assert _validated_for(study) is not None
    shutil.copy(path, study / "codings" / "kodeark_K3.xlsx")
    assert _validated_for(study) is None  # a workbook added: the stage validates again


def test_an_english_studys_workbooks_are_read_back_with_english_labels(tmp_path: Path) -> None:
    # The English labels of arbejdsversion.yml, in the order of LABELS (copied by hand).
    english = ["Not at all", "To a small extent", "To some extent", "To a great extent", "Don't know"]
    study = make_study(tmp_path / "s", codings=None)
    (study / "study.yml").write_text("title: An English study\nlanguage: en\nseed: 7\n", encoding="utf-8")
    (study / "codings").mkdir()
    for path in write_coder_workbooks(study, "K1,K2", out=tmp_path / "out"):
        assert path.name.startswith("codings_")
        workbook = load_workbook(path)
        for sheet in (s for s in workbook.worksheets if s.sheet_state == "visible"):
            coder = path.stem.removeprefix("codings_")
            header = header_of(sheet)
            for position in range(len(ITEMS)):
                sheet.cell(header + 1 + position, 4, english[answer(sheet.title, coder, position)])
            sheet.cell(header + 1 + len(ITEMS), 4, "No")
        workbook.save(study / "codings" / path.name)
    assert validate_study(study) == []
    loaded = Study.load(study).codings
    expected = make_study(tmp_path / "long", codings=long_codings())
    key = ["interview_id", "coder_id", "item_id"]
    pd.testing.assert_frame_equal(
        loaded.sort_values(key).reset_index(drop=True)[key + ["value", "missing_code", "screen_answer"]],
        Study.load(expected)
        .codings.sort_values(key)
        .reset_index(drop=True)[key + ["value", "missing_code", "screen_answer"]],
    )


def test_lovende_run_scores_a_codings_folder_as_the_long_file(tmp_path: Path, soffice: list[str]) -> None:  # noqa: F811
    """The example study's codings, its alternative delimitations included, moved into coders' workbooks
    (filled from its codings.csv, re-saved by LibreOffice), through the runner's screening and scoring stages."""
    from lovende_research.config import EXAMPLE_STUDY
    from lovende_research.pipeline import run_study

    long = tmp_path / "long"
    shutil.copytree(EXAMPLE_STUDY, long, ignore=shutil.ignore_patterns("truth.json"))
    codings = pd.read_csv(long / "codings.csv", dtype=str, keep_default_na=False)
    assert set(codings["delimitation_id"]) > {""}  # alternative delimitations too
    folder = tmp_path / "folder"
    shutil.copytree(long, folder)
    (folder / "codings.csv").unlink()
    (folder / "codings").mkdir()
    answers = {(r.interview_id, r.coder_id, r.delimitation_id, r.item_id): r.response for r in codings.itertuples()}
    coded = {key[:3] for key in answers}
    for path in write_coder_workbooks(folder, sorted(set(codings["coder_id"])), out=tmp_path / "written"):
        workbook = load_workbook(path)
        for sheet in [s for s in workbook.worksheets if s.sheet_state == "visible"]:
            block = {r[0].value: r[1].value or "" for r in sheet.iter_rows(min_row=1, max_row=9) if r[0].value}
            if (block["interview_id"], block["coder_id"], block["delimitation_id"]) not in coded:
                workbook.remove(sheet)  # a delimitation this coder did not code: the sheet is removed
                continue
            for row in range(header_of(sheet) + 1, sheet.max_row + 1):
                key = (block["interview_id"], block["coder_id"], block["delimitation_id"], sheet.cell(row, 1).value)
                if key in answers:
                    sheet.cell(row, 4, answers[key])  # the codes as typed in codings.csv (3, ved_ikke, nej)
        workbook.save(path)
        _convert(soffice, path, folder / "codings" / path.name, CALC_XLSX)
    key = ["interview_id", "coder_id", "delimitation_id", "item_id"]
    typed = [key + ["value", "missing_code", "screen_answer"]]
    pd.testing.assert_frame_equal(
        Study.load(folder).codings.sort_values(key).reset_index(drop=True)[typed[0]],
        Study.load(long).codings.sort_values(key).reset_index(drop=True)[typed[0]],
    )

    result = run_study(
        folder,
        only=["screening", "scoring"],
        processed_base=tmp_path / "processed",
        reports_base=tmp_path / "reports",
        progress=False,
    )
    assert result.index.is_file()
    ran = pd.read_parquet(tmp_path / "processed" / "folder" / "scores" / "element_scores.parquet")
    expected = score_study(Study.load(long), n_boot=20).element_scores
    columns = ["interview_id", "element_id", "score", "coverage"]
    pd.testing.assert_frame_equal(
        ran.sort_values(columns[:2]).reset_index(drop=True)[columns],
        expected.sort_values(columns[:2]).reset_index(drop=True)[columns],
        rtol=0,
        atol=1e-12,
    )
