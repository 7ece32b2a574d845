"""The readers never end in a traceback: random bytes, CSV dialects and XLSX cells give an
:class:`~lovende_research.errors.InputError` or a valid table (issue 23).

A valid table is what every reader promises (tables.py): text cells only, the header's normalised names
as columns, and the index the spreadsheet row of each cell (header = row 1, so data rows from 2 on).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from lovende_research.errors import InputError, Problem
from lovende_research.study import validate_study
from lovende_research.tables import RawTable, read_table
from tests.test_study import make_study

#: No example database (it would be written into the work tree); the same 120 examples on every run
#: (derandomize), so a CI run is reproducible. Cases once found by a random run are kept as ``@example``.
SETTINGS = settings(
    max_examples=120, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
REQUIRED = ("practice_id", "name")


def _valid(raw: RawTable) -> None:
    frame = raw.frame
    assert all(isinstance(c, str) for c in frame.columns)
    assert all(isinstance(v, str) for column in frame.columns for v in frame[column])
    assert all(isinstance(n, int) and n >= 2 for n in frame.index)
    assert list(frame.index) == sorted(set(frame.index))


def _read(data: bytes, suffix: str) -> RawTable | None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"candidates{suffix}"
        path.write_bytes(data)
        try:
            raw = read_table(path, "candidates", REQUIRED)
        except InputError as exc:
            assert exc.problems and all(p.file == path.name for p in exc.problems)
            return None
        _valid(raw)
        return raw


@SETTINGS
@given(st.binary(max_size=600))
def test_random_bytes_as_csv(data: bytes) -> None:
    _read(data, ".csv")


@SETTINGS
@given(st.binary(max_size=600))
def test_random_bytes_as_xlsx(data: bytes) -> None:
    _read(data, ".xlsx")


cells = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@SETTINGS
@given(
    rows=st.lists(st.lists(cells, min_size=1, max_size=5), min_size=1, max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
    ending=st.sampled_from(["\r\n", "\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
# a CJK compatibility ideograph, which NFC maps to its unified form (found by a random CI run)
@example(rows=[["\uf900"]], delimiter=",", quoting=csv.QUOTE_MINIMAL, ending="\r\n", encoding="utf-8")
def test_random_csv_dialects(rows: list[list[str]], delimiter: str, quoting: int, ending: str, encoding: str) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=ending).writerows([list(REQUIRED), *rows])
    data = buffer.getvalue().encode(encoding, errors="replace")
    raw = _read(data, ".csv")
    # a file of plain cells (no separator, quote or line break in them) reads back as written, in Unicode
    # NFC as every reader promises (so a compatibility character such as U+F900 comes back as U+8C48)
    plain = all(
        not any(ch in cell for ch in f'{delimiter}"\r\n') and cell == cell.strip() for row in rows for cell in row
    )
    if plain and raw is not None and encoding != "cp1252" and all(len(r) <= 2 for r in rows):
        written = [[unicodedata.normalize("NFC", c) for c in (row + ["", ""])[:2]] for row in rows if any(row)]
        assert [list(v) for v in raw.frame[list(REQUIRED)].itertuples(index=False)] == written


xlsx_cells = st.one_of(
    st.none(),
    cells.filter(lambda text: not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text)),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
)


@SETTINGS
@given(st.lists(st.lists(xlsx_cells, min_size=1, max_size=5), max_size=8), st.integers(0, 3))
def test_random_xlsx_cells(rows: list[list[object]], header_at: int) -> None:
    workbook = Workbook()
    sheet = workbook.active
    for _ in range(header_at):
        sheet.append(["titel"])
    sheet.append(list(REQUIRED))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    raw = _read(buffer.getvalue(), ".xlsx")
    assert raw is not None  # a readable sheet with the header is always a table
    assert all(number > header_at + 1 for number in raw.frame.index)  # rows below the header only


@settings(SETTINGS, max_examples=40)
@given(st.binary(max_size=400), st.sampled_from(["candidates", "screening", "interviews", "codings"]))
def test_validate_lists_problems_whatever_a_table_holds(data: bytes, table: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        study = make_study(Path(folder) / "s")
        (study / f"{table}.csv").write_bytes(data)
        problems = validate_study(study)  # never an exception
        assert all(isinstance(p, Problem) for p in problems)
