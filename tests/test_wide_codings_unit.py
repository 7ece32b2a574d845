"""The wide codings layout (``wide_codings.py``): which tables are wide, the long table made from one, and
problems moved back to the cell the user typed, on hand-made frames.

A wide row (interview × coder, one column per item) becomes one long row per item, numbered 1, 2, … in
the long table; each long row's origin is the wide row and the item's column, so a problem the long
checks find in ``response`` or ``item_id`` is reported in that cell.
"""

from __future__ import annotations

from pathlib import Path

from lovende_research.errors import Problem
from lovende_research.instrument import load_instrument
from lovende_research.tables import Origin, RawTable, frame_of
from lovende_research.wide_codings import item_columns, located, long_codings

INSTRUMENT = load_instrument()  # items teori_1, teori_2, teori_3, virkning_1, …; screen item sikker_1


def _raw(header: list[str], rows: list[tuple[int, list[str]]], name: str = "codings.csv") -> RawTable:
    return RawTable("codings", Path(name), frame_of(header, rows))


def test_item_columns_of_a_wide_table_in_the_instrument_order_screen_item_last() -> None:
    """Pins down the order (the instrument's, whatever the file's) and that other columns are not items."""
    raw = _raw(["sikker_1", "coder_id", "note", "teori_2", "interview_id", "teori_1", "extra"], [])
    assert item_columns(raw, INSTRUMENT) == ["teori_1", "teori_2", "sikker_1"]


def test_a_table_is_wide_only_with_both_keys_and_without_the_long_columns() -> None:
    """Pins down the rule: both ``interview_id`` and ``coder_id``; neither ``item_id`` nor ``response``."""
    for header in (
        ["interview_id", "teori_1"],
        ["coder_id", "teori_1"],
        ["interview_id", "coder_id", "item_id", "teori_1"],
        ["interview_id", "coder_id", "response", "teori_1"],
    ):
        assert item_columns(_raw(header, []), INSTRUMENT) == [], header
    assert item_columns(_raw(["interview_id", "coder_id"], []), INSTRUMENT) == []


def test_long_codings_one_row_per_item_with_its_cell() -> None:
    """Two wide rows (spreadsheet rows 2 and 4) × two items: four long rows, the shared columns in the
    order keys, delimitation, note (those present), each row's origin the wide row and item column."""
    raw = _raw(
        ["note", "teori_2", "coder_id", "interview_id", "teori_1", "delimitation_id", "extra"],
        [(2, ["n1", "Ved ikke", "K1", "I1", "3", "D1", "x"]), (4, ["", "2", "K2", "I1", "", "D1", "y"])],
    )
    long = long_codings(raw, ["teori_1", "teori_2"])
    assert long.frame.columns.tolist() == ["interview_id", "coder_id", "delimitation_id", "note", "item_id", "response"]
    assert long.frame.index.tolist() == [1, 2, 3, 4] and long.frame.index.name == "row"
    assert long.frame.to_numpy().tolist() == [
        ["I1", "K1", "D1", "n1", "teori_1", "3"],
        ["I1", "K1", "D1", "n1", "teori_2", "Ved ikke"],
        ["I1", "K2", "D1", "", "teori_1", ""],
        ["I1", "K2", "D1", "", "teori_2", "2"],
    ]
    assert long.origin == {
        1: Origin(2, {"response": (2, "teori_1"), "item_id": (2, "teori_1")}),
        2: Origin(2, {"response": (2, "teori_2"), "item_id": (2, "teori_2")}),
        3: Origin(4, {"response": (4, "teori_1"), "item_id": (4, "teori_1")}),
        4: Origin(4, {"response": (4, "teori_2"), "item_id": (4, "teori_2")}),
    }
    assert long.name == raw.name and long.path == raw.path
    # Text cells in object columns, as every reader's frame (tables.frame_of), not pandas' own string dtype.
    assert all(long.frame[c].dtype == object for c in long.frame.columns)
    assert all(type(v) is str for v in long.frame.to_numpy().ravel())


def test_long_codings_of_keys_only() -> None:
    raw = _raw(["interview_id", "coder_id", "sikker_1"], [(3, ["I2", "K1", "ja"])])
    long = long_codings(raw, ["sikker_1"])
    assert long.frame.to_numpy().tolist() == [["I2", "K1", "sikker_1", "ja"]]
    assert long.frame.columns.tolist() == ["interview_id", "coder_id", "item_id", "response"]


def test_located_moves_a_problem_to_the_cell_the_user_typed() -> None:
    """Pins down ``located``: a problem in ``response`` of long row 3 goes to (row 4, ``teori_1``); one in a
    shared column of that row to (row 4, the same column); one of the whole file (no row) and one on a row
    without an origin stay; a table read from a folder of workbooks names the workbook and sheet."""
    raw = _raw(
        ["interview_id", "coder_id", "teori_1", "teori_2"], [(2, ["I1", "K1", "3", "2"]), (4, ["I1", "K2", "9", "1"])]
    )
    long = long_codings(raw, ["teori_1", "teori_2"])
    problems = [
        Problem("codings.csv", "ugyldigt svar", row=3, column="response", value="9"),
        Problem("codings.csv", "ukendt koder", row=3, column="coder_id"),
        Problem("codings.csv", "ukendt koder", row=3),
        Problem("codings.csv", "for få rækker"),
        Problem("codings.csv", "uden oprindelse", row=99, column="response"),
    ]
    assert [(p.file, p.sheet, p.row, p.column) for p in located(problems, long)] == [
        ("codings.csv", None, 4, "teori_1"),
        ("codings.csv", None, 4, "coder_id"),
        ("codings.csv", None, 4, None),
        ("codings.csv", None, None, None),
        ("codings.csv", None, 99, "response"),
    ]
    assert located(problems, long)[0].value == "9" and located(problems, long)[0].problem == "ugyldigt svar"
    folder = RawTable(
        "codings",
        Path("codings"),
        long.frame,
        origin={1: Origin(5, {"response": (7, "B")}, file="K1.xlsx", sheet="I1")},
    )
    # Row 3 of the folder's long table has no origin here: left where it was.
    assert [(p.row, p.column) for p in located(problems[:2], folder)] == [(3, "response"), (3, "coder_id")]
    moved = located(
        [Problem("codings", "x", row=1, column="response"), Problem("codings", "y", row=1, column="note")], folder
    )
    assert [(p.file, p.sheet, p.row, p.column) for p in moved] == [
        ("K1.xlsx", "I1", 7, "B"),
        ("K1.xlsx", "I1", 5, "note"),
    ]


def test_located_leaves_the_problems_of_a_table_read_as_it_is() -> None:
    raw = _raw(["interview_id", "coder_id", "item_id", "response"], [(2, ["I1", "K1", "teori_1", "3"])])
    problems = [Problem("codings.csv", "x", row=2, column="response")]
    assert located(problems, raw) is problems
