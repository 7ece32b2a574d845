"""The table readers (``tables.py``) on small hand-made files, one promise a test, each well under a second.

Every expected frame below is the file's own content as a user would read it in a spreadsheet program:
the header's names normalised (lower case, spaces to ``_``), every cell as text, ``""`` for an empty cell,
and the index the spreadsheet row (the header is row 1). ``tests/test_study*.py`` read whole studies
through the same code; these tests pin down each reader on its own, fast enough for mutation testing.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from openpyxl import Workbook

from lovende_research import tables
from lovende_research.errors import InputError, Problem
from lovende_research.tables import RawTable, read_table
from tests.plain_ids import plain_id

REQUIRED = ("practice_id", "name")


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def _cells(raw: RawTable) -> dict[int, list[str]]:
    """The frame as {spreadsheet row: cells}, the way a test can spell it out."""
    return {int(row): list(values) for row, values in zip(raw.frame.index, raw.frame.to_numpy().tolist(), strict=True)}


def _problem(raised: pytest.ExceptionInfo[InputError]) -> Problem:
    assert len(raised.value.problems) == 1
    return raised.value.problems[0]


# --- small helpers ---------------------------------------------------------------------------------------


def test_normalise_column_ignores_case_and_surrounding_space_and_joins_words() -> None:
    """Pins down the header rule: stripped, lower case, inner spaces to ``_``; a missing header cell is ``""``."""
    assert tables.normalise_column("  Practice ID ") == "practice_id"
    assert tables.normalise_column("Informant Role Name") == "informant_role_name"
    assert tables.normalise_column(None) == ""
    assert tables.normalise_column(3) == "3"


def test_raw_table_knows_spss_by_its_suffix_in_any_case_and_names_its_file(tmp_path: Path) -> None:
    """Pins down ``is_spss`` (``.sav`` whatever the case; missing codes 7/8/9 count only there) and ``file``."""
    frame = tables.frame_of([], [])
    assert RawTable("codings", tmp_path / "Codings.SAV", frame).is_spss
    assert not RawTable("codings", tmp_path / "codings.csv", frame).is_spss
    assert RawTable("codings", tmp_path / "sub" / "codings.csv", frame).file == "codings.csv"


def test_frame_of_indexes_by_row_and_keeps_text() -> None:
    """Pins down the frame every reader returns: index named ``row``, the given numbers, object cells."""
    frame = tables.frame_of(["a", "b"], [(2, ["1", "x"]), (5, ["", "y"])])
    assert frame.index.name == "row" and frame.index.tolist() == [2, 5]
    assert frame.columns.tolist() == ["a", "b"] and frame["a"].tolist() == ["1", ""]
    assert all(frame[c].dtype == object for c in frame.columns)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "1"),
        (False, "0"),
        (3.0, "3"),  # Excel stores every number as a float: a typed 3 must read "3"
        (1e16, "10000000000000000"),
        (2.5, "2.5"),
        (0.1, "0.1"),
        (float("nan"), ""),
        (7, "7"),
        (dt.datetime(2026, 3, 9), "2026-03-09"),  # a date typed in Excel arrives as midnight
        (dt.datetime(2026, 3, 9, 14, 30), "2026-03-09T14:30:00"),
        (dt.date(2026, 3, 9), "2026-03-09"),
        ("  Ærø  ", "Ærø"),
    ],
    ids=lambda value: plain_id(repr(value)),
)
def test_cell_text_is_what_the_user_typed(value: object, text: str) -> None:
    """Pins down each branch of ``cell_text``: booleans as 1/0, whole floats without ``.0``, NaN empty,
    dates as ISO dates (with the time only when there is one), text stripped."""
    assert tables.cell_text(value) == text


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("a;b;c", ";"),
        ("a,b,c", ","),
        ("a\tb\tc", "\t"),
        ("a;b,c,d", ","),  # the separator that splits most
        ("a;b\tc\td", "\t"),
        ("a,b;c", ";"),  # a tie goes to ; (Danish Excel) before , and tab
        ("a,b\tc", ","),
        ("name", ","),  # one column: nothing to split, comma assumed
    ],
)
def test_the_delimiter_is_the_one_splitting_the_header_most(header: str, delimiter: str) -> None:
    assert tables._sniff_delimiter(header) == delimiter


def test_first_line_reads_past_the_first_block_of_a_long_line() -> None:
    """Pins down ``_first_line`` = ``text.splitlines()[0]`` for a first line longer than the first 4,096
    characters it looks at (a wide header), a text of one line, and an empty text."""
    long = ";".join(f"column_{k}" for k in range(1500))  # about 15,000 characters: three widenings
    assert len(long) > 4 * 4096
    assert tables._first_line(long + "\r\n1;2\n") == long
    assert tables._first_line(long) == long
    assert tables._first_line("a;b\n1;2\n") == "a;b"
    assert tables._first_line("a;b\r1;2") == "a;b"
    assert tables._first_line("") == ""


def test_nfc_frame_composes_cells_and_column_names_and_leaves_the_input_alone() -> None:
    """Pins down NFC over cells and names: ``A`` + combining ring (NFD, as macOS types it) becomes ``Å``;
    ASCII columns are as they were; the frame given is not changed."""
    nfd = unicodedata.normalize("NFD", "Århus")
    assert nfd != "Århus"
    frame = pd.DataFrame({unicodedata.normalize("NFD", "Å"): [nfd, "x"], "id": ["P1", "P2"]}, index=[2, 3])
    out = tables.nfc_frame(frame)
    assert out.columns.tolist() == ["Å", "id"]
    assert out.iloc[:, 0].tolist() == ["Århus", "x"] and out["id"].tolist() == ["P1", "P2"]
    assert out.index.tolist() == [2, 3]
    assert frame.iloc[0, 0] == nfd and frame.columns[0] != "Å"


# --- finding and dispatching -----------------------------------------------------------------------------


def test_find_table_file_finds_the_one_file_and_refuses_two(tmp_path: Path) -> None:
    """Pins down the look-up: no file is ``None``, a folder named like a table is not a file, one file is
    found by any listed suffix, and two are one problem naming both, in the order of the suffixes."""
    assert tables.find_table_file(tmp_path, "candidates") is None
    (tmp_path / "candidates.sav").mkdir()
    assert tables.find_table_file(tmp_path, "candidates") is None
    (tmp_path / "candidates.xlsx").write_bytes(b"x")
    assert tables.find_table_file(tmp_path, "candidates") == tmp_path / "candidates.xlsx"
    assert tables.find_table_file(tmp_path, "candidates", (".csv",)) is None
    (tmp_path / "candidates.csv").write_bytes(b"x")
    with pytest.raises(InputError) as raised:
        tables.find_table_file(tmp_path, "candidates")
    problem = _problem(raised)
    assert problem.file == "candidates.csv"
    assert problem.render("da") == (
        "candidates.csv: tabellen 'candidates' findes i flere filer: candidates.csv, candidates.xlsx; "
        "forventet: præcis én fil pr. tabel"
    )
    assert problem.render("en") == (
        "candidates.csv: the table 'candidates' is in several files: candidates.csv, candidates.xlsx; "
        "expected: exactly one file per table"
    )


def test_an_empty_file_is_one_problem_naming_the_columns_expected(tmp_path: Path) -> None:
    path = _write(tmp_path, "candidates.xlsx", b"")
    with pytest.raises(InputError) as raised:
        read_table(path, "candidates", REQUIRED)
    problem = _problem(raised)
    assert problem.render("da") == (
        "candidates.xlsx: filen er tom; forventet: en overskriftsrække med kolonnerne practice_id, name"
    )
    assert (
        problem.render("en")
        == "candidates.xlsx: the file is empty; expected: a header row with the columns practice_id, name"
    )


def test_an_unknown_suffix_is_one_problem_naming_the_known_ones(tmp_path: Path) -> None:
    path = _write(tmp_path, "candidates.txt", b"practice_id;name\nP1;A\n")
    with pytest.raises(InputError) as raised:
        read_table(path, "candidates", REQUIRED)
    problem = _problem(raised)
    assert problem.render("da") == "candidates.txt: ukendt filtype '.txt'; forventet: .csv, .xlsx, .sav"
    assert problem.render("en") == "candidates.txt: unknown file type '.txt'; expected: .csv, .xlsx, .sav"


def test_the_suffix_is_read_in_any_case_and_the_table_keeps_its_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "Candidates.CSV", b"practice_id;name\nP1;A\n")
    raw = read_table(path, "candidates", REQUIRED)
    assert raw.name == "candidates" and raw.path == path and _cells(raw) == {2: ["P1", "A"]}


# --- CSV: encodings --------------------------------------------------------------------------------------

TEXT = "practice_id;name\nP1;Børnehuset Ærø\nP2;Åen\n"
EXPECTED = {2: ["P1", "Børnehuset Ærø"], 3: ["P2", "Åen"]}


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),  # Excel's "CSV UTF-8" writes a byte-order mark
        TEXT.encode("utf-16"),  # Excel's "Unicode text": a BOM, then UTF-16 (little-endian here)
        b"\xfe\xff" + TEXT.encode("utf-16-be"),
        TEXT.encode("cp1252"),  # Excel on Windows, "CSV (semikolonsepareret)"
        TEXT.replace("\n", "\r\n").encode("utf-8"),  # Windows line ends
        TEXT.replace("\n", "\r").encode("utf-8"),  # old Mac line ends: bare carriage returns
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "cp1252", "crlf", "cr"],
)
def test_the_same_table_from_every_encoding_and_line_end(tmp_path: Path, data: bytes) -> None:
    raw = read_table(_write(tmp_path, "candidates.csv", data), "candidates", REQUIRED)
    assert raw.frame.columns.tolist() == ["practice_id", "name"]
    assert _cells(raw) == EXPECTED
    assert raw.frame.index.name == "row" and raw.decimal_comma


def test_windows_1252_letters_outside_latin_1_and_bytes_it_leaves_undefined(tmp_path: Path) -> None:
    """Pins down the fallback chain: € and the typographic quotes are Windows-1252 (0x80, 0x93, 0x94, not
    Latin-1's control characters); a byte Windows-1252 leaves undefined (0x81) falls to Latin-1, U+0081."""
    assert tables._decode(_write(tmp_path, "a.csv", b"a;b\n\x80;\x93x\x94\n")) == "a;b\n€;“x”\n"
    assert tables._decode(_write(tmp_path, "b.csv", b"a;b\n\x81;\xe6\n")) == "a;b\n\x81;æ\n"


def test_utf8_is_tried_before_windows_1252(tmp_path: Path) -> None:
    """``ø`` in UTF-8 is the bytes C3 B8, which Windows-1252 would read as ``Ã¸``."""
    assert tables._decode(_write(tmp_path, "a.csv", "a\nø\n".encode())) == "a\nø\n"


def test_a_utf8_mark_before_bytes_that_are_not_utf8_names_the_byte(tmp_path: Path) -> None:
    """The byte is counted from the file's start, from 0: the mark is bytes 0–2, ``a;b\\nP`` bytes 3–7, so
    the lone Latin-1 ``æ`` (0xE6) is byte 8."""
    path = _write(tmp_path, "candidates.csv", b"\xef\xbb\xbfa;b\nP\xe6\n")
    with pytest.raises(InputError) as raised:
        tables._decode(path)
    assert _problem(raised).render("en") == (
        "candidates.csv: the file has a UTF-8 mark, but byte 8 is not UTF-8; expected: a CSV text file in UTF-8"
    )
    assert _problem(raised).render("da") == (
        "candidates.csv: filen har et UTF-8-mærke, men byte 8 er ikke UTF-8; forventet: en CSV-tekstfil i UTF-8"
    )


def test_a_utf16_mark_before_bytes_that_are_not_utf16_is_one_problem(tmp_path: Path) -> None:
    """An odd number of bytes after the mark cannot be UTF-16 (two bytes a unit)."""
    path = _write(tmp_path, "candidates.csv", b"\xff\xfea\x00;\x00b")
    with pytest.raises(InputError) as raised:
        tables._decode(path)
    assert _problem(raised).render("en") == (
        "candidates.csv: the file has a UTF-16 mark, but is not valid UTF-16; expected: a CSV text file in UTF-8"
    )
    assert _problem(raised).render("da") == (
        "candidates.csv: filen har et UTF-16-mærke, men er ikke gyldig UTF-16; forventet: en CSV-tekstfil i UTF-8"
    )


@pytest.mark.parametrize(
    ("data", "kind_da", "kind_en"),
    [
        (b"\x89PNG\r\n\x1a\n", "et PNG-billede", "a PNG image"),
        (b"\xff\xd8\xff\xe0", "et JPEG-billede", "a JPEG image"),
        (b"%PDF-1.7\n", "en PDF-fil", "a PDF file"),
        (
            b"PK\x03\x04rest",
            "en zip-fil (fx et Excel-regneark: omdøb den til .xlsx)",
            "a zip file (an Excel workbook, say: rename it to .xlsx)",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1",
            "et gammelt Office-dokument (fx .xls: gem som .xlsx eller CSV)",
            "an old Office document (.xls, say: save it as .xlsx or CSV)",
        ),
        (b"$FL2@(#) SPSS", "en SPSS-fil (omdøb den til .sav)", "an SPSS file (rename it to .sav)"),
    ],
    ids=["png", "jpeg", "pdf", "zip", "xls", "sav"],
)
def test_a_binary_file_under_a_csv_name_is_named_for_what_it_is(
    tmp_path: Path, data: bytes, kind_da: str, kind_en: str
) -> None:
    path = _write(tmp_path, "codings.csv", data)
    with pytest.raises(InputError) as raised:
        read_table(path, "codings", REQUIRED)
    problem = _problem(raised)
    assert problem.render("da") == (
        f"codings.csv: filen er ikke en CSV-tekstfil, men ser ud til at være {kind_da}; forventet: en CSV-tekstfil"
    )
    assert problem.render("en") == (
        f"codings.csv: the file is not a CSV text file but looks like {kind_en}; expected: a CSV text file"
    )


def test_nul_bytes_are_binary_data_not_text(tmp_path: Path) -> None:
    path = _write(tmp_path, "codings.csv", b"a;b\n1;\x002\n")
    with pytest.raises(InputError) as raised:
        read_table(path, "codings", REQUIRED)
    assert _problem(raised).render("da") == (
        "codings.csv: filen er ikke en CSV-tekstfil (den indeholder binære data); "
        "forventet: en CSV-tekstfil i UTF-8 eller Windows-1252"
    )
    assert _problem(raised).render("en") == (
        "codings.csv: the file is not a CSV text file (it holds binary data); "
        "expected: a CSV text file in UTF-8 or Windows-1252"
    )


# --- CSV: layout -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "comma"),
    [
        (b"Practice ID;Name\nP1;A\n", True),
        (b"Practice ID,Name\nP1,A\n", False),
        (b"Practice ID\tName\nP1\tA\n", False),
        (b"Practice ID;Name\nP1;A;\n", True),  # a blank cell past the header: the row-by-row reader
        (b"Practice ID,Name\r\nP1,A\r", False),
    ],
    ids=["semicolon", "comma", "tab", "semicolon-rows", "comma-rows"],
)
def test_each_delimiter_and_whether_decimals_are_commas(tmp_path: Path, data: bytes, comma: bool) -> None:
    """Pins down the dialect: a ``;`` file is a Danish Excel export, whose numbers have decimal commas; the
    header's names are normalised; by the fast and the row-by-row reader alike."""
    raw = read_table(_write(tmp_path, "candidates.csv", data), "candidates", REQUIRED)
    assert raw.frame.columns.tolist() == ["practice_id", "name"]
    assert _cells(raw) == {2: ["P1", "A"]}
    assert raw.decimal_comma is comma


CSV_LAYOUTS = [
    # blank rows skipped, their numbers kept; cells stripped; an empty cell is ""; a quoted separator
    ('id;name\n\n P1 ;"A; B"\n;\nP2;\n', {3: ["P1", "A; B"], 5: ["P2", ""]}),
    # a short row is padded with empty cells
    ("id;name;note\nP1;A\nP2\n", {2: ["P1", "A", ""], 3: ["P2", "", ""]}),
    # a quoted "" is one quote, and a cell may hold a line break
    (
        'id;name\nP1;"say ""hi"""\nP2;"two\nlines"\nP3;C\n',
        {2: ["P1", 'say "hi"'], 3: ["P2", "two\nlines"], 4: ["P3", "C"]},
    ),
    # blank cells past the header are dropped
    ("id;name\nP1;A;;  \nP2;B\n", {2: ["P1", "A"], 3: ["P2", "B"]}),
    # the same with bare carriage returns (the row-by-row reader)
    ("id;name\r\rP1;A;\rP2\r", {3: ["P1", "A"], 4: ["P2", ""]}),
]


@pytest.mark.parametrize(("text", "expected"), CSV_LAYOUTS, ids=["blank", "short", "quotes", "wide-blank", "cr"])
def test_csv_rows_are_spreadsheet_rows(tmp_path: Path, text: str, expected: dict[int, list[str]]) -> None:
    raw = read_table(_write(tmp_path, "candidates.csv", text.encode()), "candidates", ("id",))
    assert _cells(raw) == expected
    assert raw.frame.index.name == "row"


def test_the_fast_reader_takes_ordinary_files_and_leaves_the_rest_to_the_row_reader() -> None:
    """Pins down when pandas' C parser is used (the national codings file took 10 s row by row): a file
    whose rows are no wider than the header; ``None`` (the row-by-row reader) for bare carriage returns, a
    wider row (blank or not), a cell with a line break, and a header with no cells."""
    fast = tables._read_csv_fast("Id;Name\r\nP1; A \r\n\r\nP2\r\n", ";")
    assert fast is not None and fast.index.name == "row"
    assert fast.columns.tolist() == ["id", "name"]
    assert {int(r): list(v) for r, v in zip(fast.index, fast.to_numpy().tolist(), strict=True)} == {
        2: ["P1", "A"],
        4: ["P2", ""],
    }
    empty = tables._read_csv_fast("id;name\n;\n \n", ";")
    assert empty is not None and empty.columns.tolist() == ["id", "name"] and len(empty) == 0
    header_only = tables._read_csv_fast("id,name\n", ",")
    assert header_only is not None and header_only.columns.tolist() == ["id", "name"] and len(header_only) == 0
    for text in (
        "id;name\rP1;A\r",
        "id;name\r\nP1;A\rP2;B\r\n",
        "id;name\nP1;A;B\n",
        "id;name\nP1;A;\n",
        'id;name\nP1;"a\nb"\n',
        "\nid;name\nP1;A\n",
    ):
        assert tables._read_csv_fast(text, ";") is None, text


def test_a_header_and_blank_lines_only_is_an_empty_table(tmp_path: Path) -> None:
    for name, data in (("a.csv", b"id;name\n;\n\n"), ("b.csv", b"id;name\r;\r")):
        raw = read_table(_write(tmp_path, name, data), "candidates", ("id",))
        assert raw.frame.columns.tolist() == ["id", "name"] and len(raw.frame) == 0


@pytest.mark.parametrize("data", [b"\n\r\n  \n", b"\xef\xbb\xbf \n", b"\t\n"], ids=["breaks", "bom", "tab"])
def test_a_csv_of_white_space_only_is_empty(tmp_path: Path, data: bytes) -> None:
    path = _write(tmp_path, "candidates.csv", data)
    with pytest.raises(InputError) as raised:
        read_table(path, "candidates", REQUIRED)
    problem = _problem(raised)
    assert problem.render("da") == "candidates.csv: filen er tom; forventet: en overskriftsrække og mindst én datarække"
    assert problem.render("en") == "candidates.csv: the file is empty; expected: a header row and at least one data row"


def test_every_row_wider_than_the_header_is_a_problem_on_its_row(tmp_path: Path) -> None:
    """Pins down the width check of the row-by-row reader: each wide row with something past the header is
    one problem naming its spreadsheet row, the counts and the separator; all of them, not only the first."""
    path = _write(tmp_path, "candidates.csv", b"id;name\nP1;A;x\nP2;B\n\nP4;D;;y\n")
    with pytest.raises(InputError) as raised:
        read_table(path, "candidates", ("id",))
    rendered = [p.render("da") for p in raised.value.problems]
    assert rendered == [
        "candidates.csv, række 2: rækken har 3 felter, overskriften 2; forventet: 2 felter adskilt af ';'",
        "candidates.csv, række 5: rækken har 4 felter, overskriften 2; forventet: 2 felter adskilt af ';'",
    ]
    assert raised.value.problems[0].render("en") == (
        "candidates.csv, row 2: the row has 3 fields, the header 2; expected: 2 fields separated by ';'"
    )
    comma = _write(tmp_path, "interviews.csv", b"id,name\nP1,A,x\n")
    with pytest.raises(InputError, match="2 felter adskilt af ','"):
        read_table(comma, "interviews", ("id",))


def test_a_quote_left_open_to_the_end_is_reported_where_it_opens(tmp_path: Path) -> None:
    """Pins down the end-of-file case: the record opening on line 3 (spreadsheet row 3) in the column
    ``name``, its line named, with the advice how to close it."""
    path = _write(tmp_path, "candidates.csv", b'id;name\nP1;A\nP2;"B\nP3;C\n')
    with pytest.raises(InputError) as raised:
        read_table(path, "candidates", ("id",))
    problem = _problem(raised)
    assert (problem.row, problem.column) == (3, "name")
    assert problem.render("da").startswith(
        "candidates.csv, række 3, kolonne 'name': et felt med anførselstegn (\") er ikke lukket korrekt; "
        "det åbner på linje 3 ("
    )
    assert problem.render("da").endswith('; forventet: luk feltet med " eller skriv "" for et anførselstegn i teksten')
    assert problem.render("en").startswith(
        "candidates.csv, row 3, column 'name': a quoted field (\") is not closed properly; it opens on line 3 ("
    )
    assert problem.render("en").endswith('; expected: close the field with " or write "" for a quote inside the text')


def test_a_quote_left_open_in_the_header_names_no_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "candidates.csv", b'id;"name\nP1;A\n')
    with pytest.raises(InputError) as raised:
        read_table(path, "candidates", ("id",))
    problem = _problem(raised)
    assert (problem.row, problem.column) == (1, None)
    assert "det åbner på linje 1 (" in problem.render("da")


def test_a_quote_left_open_after_a_multi_line_cell_names_the_line_it_opens_on(tmp_path: Path) -> None:
    """Line 5, row 4: the cell of row 3 spans lines 3 and 4, so lines and rows differ by one; the column is
    the one the quote opens (``note``, the third)."""
    path = _write(tmp_path, "candidates.csv", b'id;name;note\nP1;A;x\nP2;"B\nb";y\nP3;C;"z\n')
    with pytest.raises(InputError) as raised:
        read_table(path, "candidates", ("id",))
    problem = _problem(raised)
    assert (problem.row, problem.column) == (4, "note")
    assert "det åbner på linje 5 (" in problem.render("da")


def test_a_quote_closed_only_rows_later_is_reported_on_the_row_it_opens(tmp_path: Path) -> None:
    """Pins down ``_unclosed_quotes``: a cell whose later lines hold as many separators as a row (here 2 of
    3 columns) swallowed those rows; the problem names row 3, line 3, the column and how many lines; the
    rows before and after are not reported."""
    path = _write(tmp_path, "candidates.csv", b'id;name;note\nP1;A;x\nP2;"B;y\nP3;C;z\nP4;D;w"\nP5;E;v\n')
    with pytest.raises(InputError) as raised:
        read_table(path, "candidates", ("id",))
    problem = _problem(raised)
    assert (problem.row, problem.column) == (3, "name")
    assert problem.render("da") == (
        "candidates.csv, række 3, kolonne 'name': et anførselstegn (\") åbner et felt på linje 3, som først "
        "lukkes 2 linjer senere, så rækkerne imellem forsvinder; "
        'forventet: luk feltet med " eller skriv "" for et anførselstegn i teksten'
    )
    assert problem.render("en") == (
        "candidates.csv, row 3, column 'name': a quote (\") opens a field on line 3 that closes only 2 lines "
        'later, so the rows between vanish; expected: close the field with " or write "" for a quote inside the text'
    )


def test_a_two_column_file_needs_two_separators_on_a_swallowed_line(tmp_path: Path) -> None:
    """With two columns a row has one separator, which an ordinary text may hold too, so a swallowed line
    must hold at least two (``max(width - 1, 2)``); one column has no separator to count."""
    one = _write(tmp_path, "a.csv", b'id;name\nP1;"B\nnote; more"\nP2;C\n')
    assert _cells(read_table(one, "a", ("id",))) == {2: ["P1", "B\nnote; more"], 3: ["P2", "C"]}
    two = _write(tmp_path, "b.csv", b'id;name\nP1;"B\nP2;C;D"\nP3;E\n')
    with pytest.raises(InputError) as raised:
        read_table(two, "b", ("id",))
    assert (_problem(raised).row, _problem(raised).column) == (2, "name")
    single = _write(tmp_path, "c.csv", b'id\n"P1\nP2,,,"\nP3\n')  # one column: the comma is assumed
    assert _cells(read_table(single, "c", ("id",))) == {2: ["P1\nP2,,,"], 3: ["P3"]}


def test_a_swallowing_cell_and_a_wide_row_are_both_reported(tmp_path: Path) -> None:
    """The row whose cell swallowed others is reported once (not also as a wide row), and a wide row
    elsewhere in the file still is."""
    path = _write(tmp_path, "candidates.csv", b'id;name;note\nP1;"B;y\nP2;C;z";q;r\nP3;D;w;extra\n')
    with pytest.raises(InputError) as raised:
        read_table(path, "candidates", ("id",))
    assert [(p.row, p.column) for p in raised.value.problems] == [(2, "name"), (3, None)]


# --- XLSX ------------------------------------------------------------------------------------------------


def _xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_cells_as_typed_and_rows_as_the_sheet_numbers_them(tmp_path: Path) -> None:
    """A title block above the header (rows 1–2), the header on row 3, a blank row 5; numbers, dates and
    booleans as the user typed them; trailing empty header cells dropped, a short row padded, a cell past
    the header ignored."""
    path = _xlsx(
        tmp_path / "candidates.xlsx",
        {
            "Ark1": [
                ["Kandidater, runde 1"],
                [],
                [" Practice ID ", "Name", "Started", "Score", None, None],
                ["P1", "Børnehuset", dt.datetime(2026, 3, 9), 3.0],
                [None, None, None, None, None, "past the header"],
                ["P2", "  Åen ", None, 2.5, True],
                ["P3"],
            ]
        },
    )
    raw = read_table(path, "candidates", REQUIRED)
    assert raw.frame.columns.tolist() == ["practice_id", "name", "started", "score"]
    assert _cells(raw) == {
        4: ["P1", "Børnehuset", "2026-03-09", "3"],
        6: ["P2", "Åen", "", "2.5"],
        7: ["P3", "", "", ""],
    }
    assert raw.frame.index.name == "row" and not raw.decimal_comma and raw.value_labels == {}


def test_xlsx_keeps_an_empty_header_cell_between_named_ones(tmp_path: Path) -> None:
    """Only trailing empty header cells are cut: one between two names keeps its column (named ``""``)."""
    path = _xlsx(tmp_path / "candidates.xlsx", {"S": [["practice_id", None, "name"], ["P1", "x", "A"]]})
    raw = read_table(path, "candidates", REQUIRED)
    assert raw.frame.columns.tolist() == ["practice_id", "", "name"]
    assert _cells(raw) == {2: ["P1", "x", "A"]}


def test_xlsx_formulas_are_read_as_their_saved_values(tmp_path: Path) -> None:
    """``data_only``: a cell holds the value Excel last computed, not the formula's text. openpyxl saves no
    computed value, so the cell is empty, where the formula itself would read ``=1+1``."""
    path = _xlsx(tmp_path / "candidates.xlsx", {"S": [["practice_id", "name"], ["P1", "=1+1"]]})
    assert _cells(read_table(path, "candidates", REQUIRED)) == {2: ["P1", ""]}


def test_xlsx_header_is_looked_for_in_the_first_30_rows(tmp_path: Path) -> None:
    """Row 30 is still searched (``HEADER_SEARCH_ROWS``); a header on row 31 is not found, and the problem
    names the columns, the sheets and where the header was looked for."""
    at_30 = _xlsx(tmp_path / "a.xlsx", {"S": [[f"title {k}"] for k in range(29)] + [list(REQUIRED), ["P1", "A"]]})
    assert _cells(read_table(at_30, "candidates", REQUIRED)) == {31: ["P1", "A"]}
    at_31 = _xlsx(tmp_path / "b.xlsx", {"S": [[f"title {k}"] for k in range(30)] + [list(REQUIRED)], "Noter": [["x"]]})
    with pytest.raises(InputError) as raised:
        read_table(at_31, "candidates", REQUIRED)
    problem = _problem(raised)
    assert problem.render("da") == (
        "b.xlsx: intet ark har en overskriftsrække med kolonnerne practice_id, name (ark: S, Noter); "
        "forventet: overskriften i de første 30 rækker af ét ark"
    )
    assert problem.render("en") == (
        "b.xlsx: no sheet has a header row with the columns practice_id, name (sheets: S, Noter); "
        "expected: the header in the first 30 rows of one sheet"
    )


def test_xlsx_header_needs_every_required_column(tmp_path: Path) -> None:
    """A row with only some of the required columns is not the header; the first row with all of them is."""
    path = _xlsx(tmp_path / "c.xlsx", {"S": [["practice_id", "x"], ["name", "practice_id"], ["P1", "A"]]})
    raw = read_table(path, "candidates", REQUIRED)
    assert raw.frame.columns.tolist() == ["name", "practice_id"] and _cells(raw) == {3: ["P1", "A"]}
    with pytest.raises(InputError, match="intet ark"):
        read_table(_xlsx(tmp_path / "d.xlsx", {"S": [["practice_id", "x"], ["P1", "A"]]}), "candidates", REQUIRED)


def test_xlsx_with_the_table_on_one_sheet_among_others(tmp_path: Path) -> None:
    """A notes sheet without the header is passed over; of two sheets with the header, the one named as the
    table (case and spaces aside) is read, its rows numbered on that sheet."""
    one = _xlsx(tmp_path / "a.xlsx", {"Noter": [["hello"]], "Data": [["x"], list(REQUIRED), ["P1", "A"]]})
    assert _cells(read_table(one, "candidates", REQUIRED)) == {3: ["P1", "A"]}
    named = _xlsx(
        tmp_path / "b.xlsx",
        {"Old": [list(REQUIRED), ["P0", "old"]], " Candidates ": [list(REQUIRED), ["P1", "A"], ["P2", "B"]]},
    )
    assert _cells(read_table(named, "candidates", REQUIRED)) == {2: ["P1", "A"], 3: ["P2", "B"]}


def test_xlsx_with_several_sheets_like_the_table_and_none_named_so(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "a.xlsx", {"Old": [list(REQUIRED)], "New": [list(REQUIRED), ["P1", "A"]]})
    with pytest.raises(InputError) as raised:
        read_table(path, "candidates", REQUIRED)
    assert _problem(raised).render("da") == (
        "a.xlsx: flere ark ligner tabellen 'candidates': Old, New; "
        "forventet: ét ark med tabellen, eller et ark med navnet 'candidates'"
    )
    assert _problem(raised).render("en") == (
        "a.xlsx: several sheets look like the table 'candidates': Old, New; "
        "expected: one sheet with the table, or a sheet named 'candidates'"
    )
    both = _xlsx(tmp_path / "b.xlsx", {"candidates": [list(REQUIRED)], "Candidates ": [list(REQUIRED)]})
    with pytest.raises(InputError, match="flere ark ligner tabellen 'candidates': candidates, Candidates "):
        read_table(both, "candidates", REQUIRED)


def test_a_file_that_is_not_a_workbook_under_an_xlsx_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "candidates.xlsx", b"practice_id;name\nP1;A\n")
    with pytest.raises(InputError) as raised:
        read_table(path, "candidates", REQUIRED)
    problem = _problem(raised)  # the error of zipfile, which openpyxl opens it with
    assert problem.render("da") == (
        "candidates.xlsx: kan ikke læses som Excel-fil (BadZipFile: File is not a zip file); forventet: en .xlsx-fil"
    )
    assert problem.render("en") == (
        "candidates.xlsx: cannot be read as an Excel file (BadZipFile: File is not a zip file); expected: an .xlsx file"
    )


def test_xlsx_cells_are_nfc(tmp_path: Path) -> None:
    """``read_table`` normalises what any reader returns: an NFD ``Å`` typed on a Mac is the precomposed one."""
    path = _xlsx(tmp_path / "a.xlsx", {"S": [list(REQUIRED), ["P1", unicodedata.normalize("NFD", "Århus")]]})
    assert _cells(read_table(path, "candidates", REQUIRED)) == {2: ["P1", "Århus"]}


def test_csv_cells_and_names_are_nfc(tmp_path: Path) -> None:
    text = unicodedata.normalize("NFD", "id;Område\nP1;Ærø Å\n")
    raw = read_table(_write(tmp_path, "a.csv", text.encode()), "a", ("id",))
    assert raw.frame.columns.tolist() == ["id", "område"] and _cells(raw) == {2: ["P1", "Ærø Å"]}


# --- what the first mutation run showed untested (docs/mutation.md, "tables") ----------------------------


def test_every_cell_is_a_python_str(tmp_path: Path) -> None:
    """Cells are ``str``, not numpy's ``np.str_`` (which a problem's ``value!r`` would print as
    ``np.str_('x')``), from the fast reader and after NFC normalisation of a column with non-ASCII text."""
    raw = read_table(_write(tmp_path, "a.csv", "id;name\nP1;Ærø\nP2;x\n".encode()), "a", ("id",))
    assert {type(v) for v in raw.frame.to_numpy().ravel()} == {str}
    nfd = tables.nfc_frame(pd.DataFrame({"a": [unicodedata.normalize("NFD", "Å"), "b"]}))
    assert {type(v) for v in nfd["a"]} == {str}


def test_an_ordinary_file_does_not_need_the_row_by_row_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pins down that the fast reader is used where it can be (a national codings file took 10 s row by
    row): with the row-by-row reader made to fail, an ordinary file is still read."""

    def fail(*args: object) -> None:
        raise AssertionError("the row-by-row reader was used")

    monkeypatch.setattr(tables, "_read_csv_rows", fail)
    raw = read_table(_write(tmp_path, "a.csv", b"id;name\nP1;A\n"), "a", ("id",))
    assert _cells(raw) == {2: ["P1", "A"]}


@pytest.mark.parametrize(
    ("text", "delimiter", "columns", "cells"),
    [
        ("id\nP1\n", ",", ["id"], {2: ["P1"]}),  # one column
        ("2024;2025\n1;2\n", ";", ["2024", "2025"], {2: ["1", "2"]}),  # numbers as the header: still text
        ('id;name\nP1;"say ""hi"""\n', ";", ["id", "name"], {2: ["P1", 'say "hi"']}),  # "" is one quote
        ('id;"Old\r\nname"\r\nP1;A\r\n', ";", ["id", "old\r\nname"], {2: ["P1", "A"]}),  # a break in a header cell
    ],
    ids=["one-column", "numeric-header", "doubled-quote", "header-break"],
)
def test_the_fast_reader_on_files_it_takes(
    text: str, delimiter: str, columns: list[str], cells: dict[int, list[str]]
) -> None:
    fast = tables._read_csv_fast(text, delimiter)
    assert fast is not None
    assert fast.columns.tolist() == columns
    assert {int(r): list(v) for r, v in zip(fast.index, fast.to_numpy().tolist(), strict=True)} == cells
    assert {type(v) for v in fast.to_numpy().ravel()} == {str}


def test_the_fast_reader_of_no_text_is_none() -> None:
    assert tables._read_csv_fast("", ";") is None


def test_the_row_by_row_reader_keeps_a_cell_as_typed_and_names_the_table(tmp_path: Path) -> None:
    """A Windows line end inside a quoted cell stays ``\\r\\n`` (the file is read with ``newline=""``), on the
    row-by-row path (taken here for the blank cell past the header on row 3)."""
    path = _write(tmp_path, "Candidates.csv", b'id;name\r\nP1;"two\r\nlines"\r\nP2;B;\r\n')
    raw = read_table(path, "candidates", ("id",))
    assert _cells(raw) == {2: ["P1", "two\r\nlines"], 3: ["P2", "B"]}
    assert raw.name == "candidates" and raw.path == path and raw.decimal_comma


def test_an_xlsx_table_keeps_its_name_and_path(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "Kandidater.xlsx", {"S": [list(REQUIRED), ["P1", "A"]]})
    raw = read_table(path, "candidates", REQUIRED)
    assert raw.name == "candidates" and raw.path == path


def test_xlsx_rows_shorter_than_the_header_without_a_declared_size(tmp_path: Path) -> None:
    """A workbook without the ``<dimension>`` element (some tools write none) gives rows only as long as
    their last cell in read-only mode; they are padded with empty cells to the header's width."""
    source = _xlsx(tmp_path / "full.xlsx", {"S": [["practice_id", "name", "note"], ["P1"], ["P2", "B", "x"]]})
    path = tmp_path / "candidates.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data, count = re.subn(rb'<dimension ref="[^"]*" ?/>', b"", data)
                assert count == 1
            zout.writestr(item, data)
    raw = read_table(path, "candidates", REQUIRED)
    assert _cells(raw) == {2: ["P1", "", ""], 3: ["P2", "B", "x"]}


def test_a_sav_file_is_read_by_the_spss_reader(tmp_path: Path) -> None:
    """``read_table`` hands a ``.sav`` (any case) to ``spss.read_sav``: rows from 1, labels kept."""
    path = tmp_path / "codings.SAV"
    frame = pd.DataFrame({"interview_id": ["I1", "I2"], "response": [3.0, 7.0]})
    pyreadstat.write_sav(frame, str(path), variable_value_labels={"response": {7.0: "Ved ikke"}})
    raw = read_table(path, "codings", ("interview_id",))
    assert raw.name == "codings" and raw.path == path and raw.is_spss
    assert _cells(raw) == {1: ["I1", "3"], 2: ["I2", "7"]}
    assert raw.value_labels == {"response": {"7": "Ved ikke"}}


def test_a_quote_left_open_in_the_first_column_or_past_the_header(tmp_path: Path) -> None:
    """The column is the one the quote opens: the first (``id``, index 0), or none where it opens in a
    cell past the header's last column."""
    first = _write(tmp_path, "a.csv", b'id;name\nP1;A\n"P2;B\n')
    with pytest.raises(InputError) as raised:
        read_table(first, "a", ("id",))
    assert (_problem(raised).row, _problem(raised).column) == (3, "id")
    past = _write(tmp_path, "b.csv", b'id;name\nP1;A\nP2;B;"x\n')
    with pytest.raises(InputError) as raised:
        read_table(past, "b", ("id",))
    assert (_problem(raised).row, _problem(raised).column) == (3, None)


def test_a_swallowed_line_needs_as_many_separators_as_a_row_has(tmp_path: Path) -> None:
    """With four columns a row has three separators: a later line of a cell with two is text, with three
    it is a swallowed row."""
    text_only = _write(tmp_path, "a.csv", b'a;b;c;d\n1;"x\ny;z;w";3;4\n')
    assert _cells(read_table(text_only, "a", ("a",))) == {2: ["1", "x\ny;z;w", "3", "4"]}
    swallowed = _write(tmp_path, "b.csv", b'a;b;c;d\n1;"x\n2;y;z;w";3;4\n')
    with pytest.raises(InputError) as raised:
        read_table(swallowed, "b", ("a",))
    assert (_problem(raised).row, _problem(raised).column) == (2, "b")


def test_a_swallowing_cell_past_the_header_names_no_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", b'id;name\nP1;A;"x\nP2;B;C"\nP3;D\n')
    with pytest.raises(InputError) as raised:
        read_table(path, "a", ("id",))
    assert (_problem(raised).row, _problem(raised).column) == (2, None)


def test_lines_and_columns_count_only_the_line_ends_the_csv_reader_knows(tmp_path: Path) -> None:
    """A bug the mutation run led to: ``str.splitlines`` also cuts at ``\\u2028`` (text pasted off a web
    page), so the quote left open in ``note`` on line 3 was reported in ``name``, and a cell with one was
    said to close a line later than it does. Here the cell of row 2 spans lines 2–4: it closes 2 lines later."""
    open_note = _write(tmp_path, "a.csv", 'id;name;note\nP1;A\u2028B;x\nP2;C;"z\n'.encode())
    with pytest.raises(InputError) as raised:
        read_table(open_note, "a", ("id",))
    assert (_problem(raised).row, _problem(raised).column) == (3, "note")
    assert "det åbner på linje 3 (" in _problem(raised).render("da")
    swallowing = _write(tmp_path, "b.csv", 'id;name;note\nP1;"A\u2028B;y;z\nP2;C;z\nP3;D;w"\n'.encode())
    with pytest.raises(InputError) as raised:
        read_table(swallowing, "b", ("id",))
    assert "åbner et felt på linje 2, som først lukkes 2 linjer senere" in _problem(raised).render("da")
    assert tables._first_line("a;b\u2028c;d\ne") == "a;b\u2028c;d"


@pytest.mark.parametrize(
    "data",
    ["id;name\nP1;a\x00\n".encode("utf-16"), b"\xef\xbb\xbfid;name\nP1;a\x00b\n"],
    ids=["utf-16", "utf-8-bom"],
)
def test_a_nul_character_is_binary_data_in_a_file_with_a_byte_order_mark_too(tmp_path: Path, data: bytes) -> None:
    """A bug the mutation run led to: a NUL was refused only in files without a byte-order mark, so one
    in UTF-16 text (whose NUL bytes are its text) or behind a UTF-8 mark reached the cells."""
    path = _write(tmp_path, "codings.csv", data)
    with pytest.raises(InputError) as raised:
        read_table(path, "codings", REQUIRED)
    assert _problem(raised).render("en") == (
        "codings.csv: the file is not a CSV text file (it holds binary data); "
        "expected: a CSV text file in UTF-8 or Windows-1252"
    )
