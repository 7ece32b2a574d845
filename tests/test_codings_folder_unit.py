"""The reader of a folder ``codings/`` of coders' workbooks (``codings_folder.py``) on small hand-made
workbooks, without a study, LibreOffice or scoring (``tests/test_codings_folder.py`` does the round trip).

A coder's sheet as ``lovende workbooks`` lays it out: the key block in columns A–B at the top
(``interview_id``, ``coder_id``, maybe ``delimitation_id``), a blank row, then the item header
(``item_id``, the question, ``response``, ``note``) and one row per item. The expected rows below are
the cells each test writes, their rows as the spreadsheet numbers them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from lovende_research import codings_folder as cf
from lovende_research.errors import Problem
from lovende_research.tables import Origin

HEADER = ["item_id", "question", "response", "note"]


def _sheet(
    interview: str, coder: str, items: list[list[object]], delimitation: str | None = None
) -> list[list[object]]:
    keys: list[list[object]] = [["interview_id", interview], ["coder_id", coder]]
    if delimitation is not None:
        keys.append(["delimitation_id", delimitation])
    return [*keys, [], HEADER, *items]


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def _rendered(problems: list[Problem], language: str = "da") -> list[str]:
    return [p.render(language) for p in problems]


def test_workbook_files_are_the_files_in_name_order_without_lock_and_hidden_files(tmp_path: Path) -> None:
    for name in ("K2.xlsx", "K1.xlsx", "notes.txt", "~$K1.xlsx", ".~lock.K2.xlsx#", ".DS_Store"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "old").mkdir()
    assert [p.name for p in cf.workbook_files(tmp_path)] == ["K1.xlsx", "K2.xlsx", "notes.txt"]


def test_two_coders_sheets_become_the_long_table_each_row_knowing_its_cell(tmp_path: Path) -> None:
    """K1's workbook has two interview sheets and a sheet without the item header (the answer lists),
    K2's one sheet with a delimitation; a row without an item (row 8 of I2) is passed over, an item left
    unanswered on a sheet with answers is kept blank (the validator reports it in its cell)."""
    folder = tmp_path / "codings"
    folder.mkdir()
    _workbook(
        folder / "K1.xlsx",
        {
            "I1": _sheet("I1", "K1", [["teori_1", "Q1", "I høj grad", "en note"], ["teori_2", "Q2", 3]]),
            "Lister": [["Slet ikke"], ["I høj grad"]],
            "I2": _sheet("I2", "K1", [["teori_1", "Q1", "Ved ikke"], [None, "a heading"], ["teori_2", "Q2", None]]),
        },
    )
    _workbook(folder / "K2.xlsx", {"I1": _sheet("I1", "K2", [["teori_1", "Q1", 2]], delimitation="D2")})
    raw, problems = cf.read_codings_folder(folder)
    assert problems == []
    assert raw.name == "codings" and raw.path == folder
    assert raw.frame.columns.tolist() == list(cf.COLUMNS)
    assert raw.frame.index.name == "row" and raw.frame.index.tolist() == [1, 2, 3, 4, 5]
    assert raw.frame.to_numpy().tolist() == [
        ["I1", "K1", "teori_1", "I høj grad", "en note", ""],
        ["I1", "K1", "teori_2", "3", "", ""],
        ["I2", "K1", "teori_1", "Ved ikke", "", ""],
        ["I2", "K1", "teori_2", "", "", ""],
        ["I1", "K2", "teori_1", "2", "", "D2"],
    ]
    # Text cells in object columns, as every reader's frame (tables.frame_of), not pandas' own string dtype.
    assert all(raw.frame[c].dtype == object for c in raw.frame.columns)
    keys = {"interview_id": (1, "interview_id"), "coder_id": (2, "coder_id")}
    assert raw.origin == {
        1: Origin(5, keys, file="codings/K1.xlsx", sheet="I1"),
        2: Origin(6, keys, file="codings/K1.xlsx", sheet="I1"),
        3: Origin(5, keys, file="codings/K1.xlsx", sheet="I2"),
        4: Origin(7, keys, file="codings/K1.xlsx", sheet="I2"),
        5: Origin(6, {**keys, "delimitation_id": (3, "delimitation_id")}, file="codings/K2.xlsx", sheet="I1"),
    }


def test_a_consensus_sheet_in_the_folder_is_read_as_coder_konsensus(tmp_path: Path) -> None:
    """The filled consensus sheet (consensus_sheet.py) has ``interview_id``, ``item_id`` and ``consensus``
    in its header row; its agreed codes are codings of coder ``konsensus``."""
    folder = tmp_path / "codings"
    folder.mkdir()
    _workbook(
        folder / "konsensus.xlsx",
        {"Konsensus": [["title"], ["interview_id", "item_id", "consensus", "note"], ["I1", "teori_1", "3", "enige"]]},
    )
    raw, problems = cf.read_codings_folder(folder)
    assert problems == []
    assert raw.frame.to_numpy().tolist() == [["I1", "konsensus", "teori_1", "3", "enige", ""]]
    assert raw.origin[1] == Origin(3, {"response": (3, "consensus")}, file="codings/konsensus.xlsx", sheet="Konsensus")


def test_an_empty_folder_is_one_problem_and_an_empty_table(tmp_path: Path) -> None:
    raw, problems = cf.read_codings_folder(tmp_path)
    assert _rendered(problems) == ["codings/: mappen er tom; forventet: kodernes projektmapper (lovende workbooks)"]
    assert _rendered(problems, "en") == [
        "codings/: the folder is empty; expected: the coders' workbooks (lovende workbooks)"
    ]
    assert raw.frame.columns.tolist() == list(cf.COLUMNS) and len(raw.frame) == 0
    assert raw.frame.index.name == "row"


def test_files_that_are_not_workbooks_each_a_problem_and_the_rest_still_read(tmp_path: Path) -> None:
    """A text file, a damaged workbook and a workbook without a coding sheet: one problem each, named by
    folder and file; the coder's workbook beside them is read all the same."""
    (tmp_path / "a_notes.txt").write_text("noter", encoding="utf-8")
    (tmp_path / "b_broken.xlsx").write_bytes(b"not a zip")
    _workbook(tmp_path / "c_other.xlsx", {"Ark1": [["hello"]]})
    _workbook(tmp_path / "K1.xlsx", {"I1": _sheet("I1", "K1", [["teori_1", "Q", 2]])})
    raw, problems = cf.read_codings_folder(tmp_path)
    assert _rendered(problems) == [
        "codings/a_notes.txt: filen er ikke en Excel-projektmappe; forventet: kun .xlsx-filer i codings/",
        "codings/b_broken.xlsx: kan ikke læses som Excel-fil (BadZipFile); forventet: en .xlsx-fil",
        "codings/c_other.xlsx: ingen ark i projektmappen er et kodeark; forventet: ark lavet med lovende "
        "workbooks (interview_id og coder_id øverst, item_id og response over spørgsmålene)",
    ]
    assert _rendered(problems, "en") == [
        "codings/a_notes.txt: the file is not an Excel workbook; expected: only .xlsx files in codings/",
        "codings/b_broken.xlsx: cannot be read as an Excel file (BadZipFile); expected: an .xlsx file",
        "codings/c_other.xlsx: no sheet of the workbook is a coding sheet; expected: sheets made by lovende "
        "workbooks (interview_id and coder_id at the top, item_id and response above the items)",
    ]
    assert raw.frame.to_numpy().tolist() == [["I1", "K1", "teori_1", "2", "", ""]]


def test_a_sheet_that_lost_its_fixed_cells_names_what_it_lacks(tmp_path: Path) -> None:
    """The key block without ``coder_id`` and a header without ``response``: one problem for the sheet,
    naming the sheet and everything missing, and no rows from it."""
    rows = [["interview_id", "I1"], ["koder", "K1"], [], ["item_id", "question", "svar"], ["teori_1", "Q", 3]]
    _workbook(tmp_path / "K1.xlsx", {"I1": rows, "I2": _sheet("I2", "K1", [["teori_1", "Q", 1]])})
    raw, problems = cf.read_codings_folder(tmp_path)
    assert _rendered(problems) == [
        "codings/K1.xlsx, ark 'I1': arket mangler coder_id, response; "
        "forventet: et kodeark lavet med lovende workbooks, med dets faste celler urørte"
    ]
    assert _rendered(problems, "en") == [
        "codings/K1.xlsx, sheet 'I1': the sheet lacks coder_id, response; "
        "expected: a coding sheet made by lovende workbooks, its fixed cells untouched"
    ]
    assert raw.frame["interview_id"].tolist() == ["I2"]


def test_a_sheet_with_no_answer_yet_is_one_problem_not_a_blank_per_item(tmp_path: Path) -> None:
    _workbook(
        tmp_path / "K1.xlsx",
        {"I1": _sheet("I1", "K1", [["teori_1", "Q1"], ["teori_2", "Q2"], ["teori_3", "Q3", None, "a note"]])},
    )
    raw, problems = cf.read_codings_folder(tmp_path)
    assert _rendered(problems) == [
        "codings/K1.xlsx, ark 'I1', kolonne 'response': arket er ikke udfyldt endnu (0 af 3 spørgsmål besvaret); "
        "forventet: et svar på hvert spørgsmål, eller fjern arket"
    ]
    assert _rendered(problems, "en") == [
        "codings/K1.xlsx, sheet 'I1', column 'response': the sheet is not filled in yet (0 of 3 items answered); "
        "expected: an answer to every item, or remove the sheet"
    ]
    assert len(raw.frame) == 0


def test_the_item_header_is_looked_for_in_the_first_30_rows_in_any_spelling() -> None:
    """``_header_row`` gives the index of the first row naming ``item_id`` (normalised: ``Item ID``), among
    the first 30 (index 29 found, 30 not)."""
    assert cf._header_row([["interview_id", "I1"], [], [" Item ID ", "response"], ["item_id"]]) == 2
    assert cf._header_row([["x"]] * 29 + [["item_id"]]) == 29
    assert cf._header_row([["x"]] * 30 + [["item_id"]]) is None
    assert cf._header_row([]) is None


def test_coder_rows_of_short_rows_and_a_key_without_its_value() -> None:
    """Rows as a workbook without a declared size gives them (only as long as their last cell) are padded
    to the header; a key row with no value cell is an empty value, and an empty row in the key block is
    passed over; without a note column the note is empty."""
    rows = [
        ["Interview_ID", "I1"],
        [],
        ["coder_id"],
        ["", ""],
        ["item_id", "question", "response"],
        ["teori_1"],
        ["teori_2", "Q", "3"],
    ]
    found, problems = cf._coder_rows(rows, 4, ["item_id", "question", "response"], "codings/K1.xlsx", "I1")
    assert problems == []
    assert [cells for cells, _ in found] == [["I1", "", "teori_1", "", "", ""], ["I1", "", "teori_2", "3", "", ""]]
    assert [where.row for _, where in found] == [6, 7]
    assert found[0][1].cells == {"interview_id": (1, "interview_id"), "coder_id": (3, "coder_id")}


def test_has_codings_folder_is_a_folder_named_codings(tmp_path: Path) -> None:
    assert not cf.has_codings_folder(tmp_path)
    (tmp_path / "codings").write_bytes(b"")
    assert not cf.has_codings_folder(tmp_path)
    (tmp_path / "codings").unlink()
    (tmp_path / "codings").mkdir()
    assert cf.has_codings_folder(tmp_path)


def test_a_codings_file_beside_the_folder_is_one_table_in_two_places(tmp_path: Path) -> None:
    error = cf.codings_folder_conflict(tmp_path / "codings.csv")
    [problem] = error.problems
    assert problem.render("da") == (
        "codings.csv: tabellen 'codings' findes både som codings.csv og som mappen codings/; forventet: præcis én af dem"
    )
    assert problem.render("en") == (
        "codings.csv: the table 'codings' is both codings.csv and the folder codings/; expected: exactly one of them"
    )


@pytest.mark.parametrize("suffix", [".XLSX", ".xlsx"])
def test_the_workbook_suffix_in_any_case(tmp_path: Path, suffix: str) -> None:
    _workbook(tmp_path / f"K1{suffix}", {"I1": _sheet("I1", "K1", [["teori_1", "Q", 4]])})
    raw, problems = cf.read_codings_folder(tmp_path)
    assert problems == [] and raw.frame["response"].tolist() == ["4"]


def test_a_formula_is_read_as_its_saved_value(tmp_path: Path) -> None:
    """``data_only``: a cell holds the value Excel last computed, not the formula's text. openpyxl saves no
    computed value, so the answer is empty, where the formula itself would read ``=C6``."""
    _workbook(tmp_path / "K1.xlsx", {"I1": _sheet("I1", "K1", [["teori_1", "Q1", "=C6"], ["teori_2", "Q2", 3]])})
    raw, problems = cf.read_codings_folder(tmp_path)
    assert problems == [] and raw.frame["response"].tolist() == ["", "3"]
