"""Every stage's tables as a report's appendix: one XLSX workbook per stage and CSV copies, in ``tabeller/``.

A reviewer who wants the 93 coder conflicts, not the 20 a page shows, should not need Parquet and
Python. After a run, ``reports/<study>/tabeller/`` holds ``<stage>.xlsx`` (a sheet per table of the
stage's processed folder: headers in the report's language, numbers as numbers with a number format,
the header row frozen and an autofilter on it) and ``<stage>/<table>.csv`` beside it. The stage pages'
tables link to their workbook (:func:`lovende_research.people_tables.table_html`), and the index lists
every file.

The files are rebuilt from the processed tables at the end of every run, so a stage that did not run
this time is exported from the tables that are in place, never from a mix. Text cells go through
the same rule as :func:`lovende_research.io.text_cells` (XLSX) and :func:`lovende_research.io.csv_safe_frame` (CSV): a
note starting with ``=`` stays text in a spreadsheet.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections.abc import Sequence
from numbers import Integral, Real
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover - only for type hints
    from openpyxl.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from lovende_research.io import FORMULA_STARTS, atomic_write_bytes, atomic_write_text, csv_safe_frame
from lovende_research.people_tables import header

#: The folder under ``reports/<study>/`` that holds the exports (the stage pages link into it).
EXPORT_FOLDER = "tabeller"
#: The date written into every workbook (its properties and zip members): a run's date would make the
#: same inputs give different bytes; the run's time is on the index page.
FIXED_TIME = dt.datetime(2000, 1, 1)
#: Excel allows at most 31 characters in a sheet name.
SHEET_NAME_LENGTH = 31


def localised(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """``frame`` with headers in words (:func:`lovende_research.people_tables.header`), values as they are."""
    return frame.rename(columns={c: header(str(c), language) for c in frame.columns})


def _cell(value: object) -> object:
    """A value as openpyxl stores it: missing as an empty cell, numpy scalars as Python numbers."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return None if math.isnan(float(value)) else float(value)
    return value if isinstance(value, str) else str(value)


def workbook_bytes(tables: dict[str, pd.DataFrame], language: str = "da") -> bytes:
    """The XLSX file of ``tables`` (``{sheet name: frame}``): a sheet per table, in the given order.

    Whole-number columns get the number format ``0``, other numeric columns ``0.00`` (Excel and
    LibreOffice show it with the reader's decimal separator); the header row is frozen and carries an
    autofilter over the table.

    >>> from openpyxl import load_workbook
    >>> data = workbook_bytes({"ranks": pd.DataFrame({"practice_id": ["P1"], "overall": [0.7512]})}, "da")
    >>> sheet = load_workbook(io.BytesIO(data))["ranks"]
    >>> [c.value for c in sheet[1]], round(sheet["B2"].value, 4), sheet["B2"].number_format, sheet.freeze_panes
    (['Praksis', 'Samlet indeks'], 0.7512, '0.00', 'A2')
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    # Write-only: each row goes to disk as it is appended. A national study's tables hold about 17
    # million cells, which as openpyxl's cell objects took 5 GiB and were the run's peak of memory.
    workbook = Workbook(write_only=True)
    for name, frame in tables.items():
        sheet = workbook.create_sheet(name[:SHEET_NAME_LENGTH])
        formats: list[str | None] = []
        for i, column in enumerate(frame.columns, start=1):
            series = frame[column]
            numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
            formats.append(("0" if pd.api.types.is_integer_dtype(series) else "0.00") if numeric else None)
            sheet.column_dimensions[get_column_letter(i)].width = min(
                60, max(10, len(header(str(column), language)) + 2)
            )
        sheet.freeze_panes = "A2"
        if len(frame.columns):
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
        sheet.append([header(str(c), language) for c in frame.columns])
        # One styled cell per column, refilled row by row: a write-only sheet writes a row when appended.
        numbers = [_format_cell(sheet, f) if f else None for f in formats]
        text = _format_cell(sheet, None)
        for values in frame.itertuples(index=False, name=None):
            sheet.append([_written(_cell(v), number, text) for v, number in zip(values, numbers, strict=True)])
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    # ExcelWriter, not Workbook.save, which dates the workbook now.
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return _with_fixed_times(buffer.getvalue())


def _format_cell(sheet: "WriteOnlyWorksheet", number_format: str | None) -> "Cell":
    """A reusable cell of ``sheet``: a number format, or (without one) text kept as text (quote prefix)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet)
    if number_format:
        cell.number_format = number_format
    else:
        cell.quotePrefix = True
    return cell


def _written(value: object, number: "Cell | None", text: "Cell") -> object:
    """What a row of a write-only sheet gets for ``value``: a number in its column's format, text that
    begins like a formula as a text cell (as :func:`lovende_research.io.text_cells` makes it), else the value."""
    if value is None or isinstance(value, bool):
        return value
    if number is not None and isinstance(value, (int, float)):
        number.value = value
        return number
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        text.value = value
        text.data_type = "s"
        return text
    return value


def _with_fixed_times(data: bytes) -> bytes:
    """The XLSX (a zip) with every member dated :data:`FIXED_TIME`: openpyxl dates them now, and the
    same inputs must give the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(
                zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6]),
                source.read(info.filename),
                zipfile.ZIP_DEFLATED,
            )
    return buffer.getvalue()


def stage_tables(folder: Path) -> dict[str, pd.DataFrame]:
    """The Parquet tables a stage wrote into ``folder``, by file stem, in name order."""
    return {path.stem: pd.read_parquet(path) for path in sorted(Path(folder).glob("*.parquet"))}


def write_table_exports(
    processed_study: Path, reports_dir: Path, stages: Sequence[tuple[str, str]], language: str = "da"
) -> list[Path]:
    """Write ``tabeller/<workbook>.xlsx`` and ``tabeller/<workbook>/<table>.csv`` for each stage that has tables.

    Parameters
    ----------
    processed_study : Path
        ``<processed_dir>/<study>``, holding one folder per stage.
    reports_dir : Path
        ``reports/<study>``; the files go to its ``tabeller/`` folder.
    stages : sequence of (str, str)
        ``(stage folder, workbook name)`` pairs in pipeline order, e.g. ``("scores", "02_interview_coding")``.
    language : str
        Language of the headers.

    Returns
    -------
    list of Path
        The files written, each workbook followed by its CSV copies. Files in ``tabeller/`` from an
        earlier run that this run did not write are removed, so nothing there is stale.
    """
    target = Path(reports_dir) / EXPORT_FOLDER
    written: list[Path] = []
    for folder, workbook in stages:
        tables = stage_tables(Path(processed_study) / folder)
        if not tables:
            continue
        written.append(atomic_write_bytes(target / f"{workbook}.xlsx", workbook_bytes(tables, language)))
        for name, frame in tables.items():
            written.append(
                atomic_write_text(
                    target / workbook / f"{name}.csv", localised(csv_safe_frame(frame), language).to_csv(index=False)
                )
            )
    if target.is_dir():
        keep = set(written)
        for old in sorted(target.rglob("*"), reverse=True):
            if old.is_file() and old not in keep:
                old.unlink()
            elif old.is_dir() and not any(old.iterdir()):
                old.rmdir()
    return written
