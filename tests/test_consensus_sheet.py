"""The consensus meeting's round trip (issue 18, part 4): conflicts out as a sheet, agreed codes back in.

The coders' answers follow the hand-written pattern of tests/test_codings_folder.py, in which K1 and
K2 differ on every scored item, so the conflicts are known without the code under test: 2 interviews ×
30 scored items, plus the screen item where the test makes them differ. The meeting's codes are typed
by the test (openpyxl), the sheet is saved by LibreOffice, and what is read back must be exactly those.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lovende_research.cli import main
from lovende_research.consensus_sheet import consensus_codings, write_consensus_sheet
from lovende_research.errors import LovendeError
from lovende_research.instrument import load_instrument
from lovende_research.scoring import coder_conflicts, reconcile_coders
from lovende_research.study import Study, validate_study
from tests.test_codings_folder import ITEMS, LABELS, answer, long_codings, study_with_folder, workbooks  # noqa: F401 - workbooks is a fixture
from tests.test_study import make_study, write_csv
from tests.test_tables_libreoffice import CALC_XLSX, _convert, soffice  # noqa: F401 - soffice is a fixture
from tests.test_templates import MISSING_DA, SCALE_DA, SCREEN_DA, SCREEN_ITEM, dropdown_for

#: The row the meeting leaves open: it must stay a conflict.
OPEN = ("I2", "teori_2")


def header_and_columns(sheet) -> tuple[int, dict[str, int]]:
    header = next(row[0].row for row in sheet.iter_rows(min_row=1, max_row=30) if row[0].value == "interview_id")
    return header, {c.value: c.column for c in sheet[header] if c.value}


def fill_meeting(path: Path) -> None:
    """The meeting agrees on 'I nogen grad' (code 3) for every scored item but OPEN, and 'Nej' on the screen item."""
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    header, col = header_and_columns(sheet)
    for row in range(header + 1, sheet.max_row + 1):
        key = (sheet.cell(row, col["interview_id"]).value, sheet.cell(row, col["item_id"]).value)
        if key[1] is None or key == OPEN:
            continue
        sheet.cell(row, col["consensus"], "Nej" if key[1] == SCREEN_ITEM else "I nogen grad")
    workbook.save(path)


def test_conflicts_go_out_one_row_each_with_each_coders_answer_and_a_dropdown(tmp_path: Path) -> None:
    rows = long_codings()
    rows = [r if r[:3] != ["I2", "K2", SCREEN_ITEM] else ["I2", "K2", SCREEN_ITEM, "ja"] for r in rows]
    study = make_study(tmp_path / "s", codings=rows)
    path = write_consensus_sheet(study, out=tmp_path / "out")
    assert path == tmp_path / "out" / "konsensus.xlsx"
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    header, col = header_and_columns(sheet)
    listed = [
        (sheet.cell(r, col["interview_id"]).value, sheet.cell(r, col["item_id"]).value)
        for r in range(header + 1, sheet.max_row + 1)
    ]
    assert sorted(listed) == sorted([(i, item) for i in ("I1", "I2") for item in ITEMS] + [("I2", SCREEN_ITEM)])
    first = header + 1 + listed.index(("I1", "teori_1"))
    # The coders' answers as the labels they picked: K1 gives LABELS[answer("I1", "K1", 0)], K2 its own.
    assert [sheet.cell(first, col[c]).value for c in ("coder_1", "answer_1", "coder_2", "answer_2")] == [
        "K1", LABELS[answer("I1", "K1", 0)], "K2", LABELS[answer("I1", "K2", 0)]]  # fmt: skip
    assert sheet.cell(first, col["practice_id"]).value == "P1"
    letter = sheet.cell(header, col["consensus"]).column_letter
    assert dropdown_for(workbook, sheet, f"{letter}{first}") == SCALE_DA + MISSING_DA
    screen = header + 1 + listed.index(("I2", SCREEN_ITEM))
    assert dropdown_for(workbook, sheet, f"{letter}{screen}") == SCREEN_DA + MISSING_DA
    assert sheet.protection.sheet and not sheet.cell(first, col["consensus"]).protection.locked
    assert sheet.cell(first, col["question"]).protection.locked


def test_filled_sheet_through_libreoffice_is_read_back_as_konsensus_codings(tmp_path: Path, soffice: list[str]) -> None:  # noqa: F811
    study = make_study(tmp_path / "s", codings=long_codings())
    path = write_consensus_sheet(study, out=tmp_path / "out")
    fill_meeting(path)
    resaved = _convert(soffice, path, tmp_path / "resaved.xlsx", CALC_XLSX)

    agreed = consensus_codings(resaved)
    assert len(agreed) == 2 * 30 - 1 and set(agreed["coder_id"]) == {"konsensus"}
    write_csv(study / "codings.csv", long_codings() + agreed.values.tolist())
    assert validate_study(study) == []
    loaded = Study.load(study)
    items = reconcile_coders(loaded.codings, load_instrument())
    decided = items[(items["interview_id"] + "/" + items["item_id"]) != "/".join(OPEN)]
    # Every conflict the meeting decided carries its code 3 ('I nogen grad'), marked as the consensus.
    assert set(decided["source"]) == {"konsensus"} and decided["code"].tolist() == pytest.approx([3.0] * 59, abs=0)
    left = coder_conflicts(loaded.codings, load_instrument())
    assert left.loc[~left["resolved"], ["interview_id", "item_id"]].values.tolist() == [list(OPEN)]


def test_filled_sheet_in_the_codings_folder_is_read_with_the_workbooks(
    tmp_path: Path,
    workbooks: Path,  # noqa: F811 - the imported fixture, as a parameter
    soffice: list[str],  # noqa: F811 - the imported fixture, as a parameter
) -> None:
    study = study_with_folder(tmp_path / "s", workbooks)
    path = write_consensus_sheet(study, out=tmp_path / "out")
    fill_meeting(path)
    _convert(soffice, path, study / "codings" / "konsensus.xlsx", CALC_XLSX)
    assert validate_study(study) == []
    codings = Study.load(study).codings
    assert int(codings["is_consensus"].sum()) == 59
    assert set(codings.loc[codings["is_consensus"], "value"].astype(int)) == {3}

    workbook = load_workbook(study / "codings" / "konsensus.xlsx")
    sheet = workbook.worksheets[0]
    header, col = header_and_columns(sheet)
    sheet.cell(header + 1, col["consensus"], "måske")
    workbook.save(study / "codings" / "konsensus.xlsx")
    problems = validate_study(study)
    assert [(p.file, p.sheet, p.row, p.column, p.value) for p in problems] == [
        ("codings/konsensus.xlsx", "konsensus", header + 1, "consensus", "måske")
    ]


def test_no_open_conflict_is_a_clear_error_and_the_command_writes_the_sheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    same = [r for r in long_codings() if r[1] != "K2"]
    with pytest.raises(LovendeError, match="ikke uenige"):
        write_consensus_sheet(make_study(tmp_path / "one", codings=same), out=tmp_path / "o1")
    study = make_study(tmp_path / "two", codings=long_codings())
    assert main(["workbooks", str(study), "--consensus", "--out", str(tmp_path / "o2")]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "o2" / "konsensus.xlsx")
    shutil.rmtree(tmp_path / "o2")
    assert main(["workbooks", str(study), "--consensus", "--out", str(study / "x")]) == 1
    assert not (study / "x").exists()
