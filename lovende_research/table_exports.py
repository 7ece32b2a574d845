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
from collections.abc import Callable, Sequence
from numbers import Integral, Real
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover - only for type hints
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

from lovende_research.io import FORMULA_STARTS, atomic_write_bytes, atomic_write_text, csv_safe_frame
from lovende_research.people_tables import header

#: The folder under ``reports/<study>/`` that holds the exports (the stage pages link into it).
EXPORT_FOLDER = "tabeller"
#: The date written into every workbook's properties: a run's date would make the same inputs give
#: different bytes; the run's time is on the index page.
FIXED_TIME = dt.datetime(2000, 1, 1)
#: Excel allows at most 31 characters in a sheet name.
SHEET_NAME_LENGTH = 31


def localised(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """``frame`` with headers in words (:func:`lovende_research.people_tables.header`), values as they are."""
    return frame.rename(columns={c: header(str(c), language) for c in frame.columns})


def _cell(value: object) -> object:
    """A value as a workbook stores it: missing as an empty cell, numpy scalars as Python numbers."""
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
    import xlsxwriter

    buffer = io.BytesIO()
    # XlsxWriter, not openpyxl: a national study's tables hold about 17 million cells, which openpyxl
    # (even write-only) wrote in about 220 s of CPU, XlsxWriter in about a third of it. Its constant-memory
    # mode writes each row to a temporary file once the next begins, so memory stays flat; its strings
    # are written as typed, never turned into formulas, numbers or links.
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    # The workbook's properties carry a fixed date (its zip members are dated 1980 by XlsxWriter).
    workbook.set_properties({"created": FIXED_TIME})
    formats = {f: workbook.add_format({"num_format": f}) for f in ("0", "0.00")}
    quoted = workbook.add_format({"quote_prefix": True})  # text that begins like a formula stays text
    for name, frame in tables.items():
        sheet = workbook.add_worksheet(name[:SHEET_NAME_LENGTH])
        columns = [_column_writer(sheet, frame[c], formats, quoted) for c in frame.columns]
        for i, column in enumerate(frame.columns):
            sheet.set_column(i, i, min(60, max(10, len(header(str(column), language)) + 2)))
        sheet.freeze_panes(1, 0)
        if len(frame.columns):
            sheet.autofilter(0, 0, len(frame), len(frame.columns) - 1)
        for j, column in enumerate(frame.columns):
            sheet.write_string(0, j, header(str(column), language))
        writers = [write for _, write in columns]
        for row, values in enumerate(zip(*(values for values, _ in columns), strict=True), start=1):
            for j, (value, write) in enumerate(zip(values, writers, strict=True)):
                if value is not None:
                    write(row, j, value)
    workbook.close()
    return buffer.getvalue()


def _column_writer(
    sheet: "Worksheet", series: pd.Series, formats: dict[str, "Format"], quoted: "Format"
) -> tuple[list[object], Callable[[int, int, object], object]]:
    """A column's values as Python objects (missing as None) and the function that writes one into ``sheet``.

    Numbers get their column's number format, booleans stay booleans, anything else is text, and text
    that begins like a formula gets the quote prefix (as :func:`lovende_research.io.text_cells` makes it).
    """
    values = [_cell(v) for v in series.tolist()]
    if pd.api.types.is_bool_dtype(series):
        return values, sheet.write_boolean
    if pd.api.types.is_numeric_dtype(series):
        number_format = formats["0" if pd.api.types.is_integer_dtype(series) else "0.00"]

        def write_number(row: int, col: int, value: object) -> object:
            return sheet.write_number(row, col, value, number_format)

        return values, write_number

    def write_text(row: int, col: int, value: object) -> object:
        if isinstance(value, bool):
            return sheet.write_boolean(row, col, value)
        if isinstance(value, (int, float)):
            return sheet.write_number(row, col, value)
        text = str(value)
        return sheet.write_string(row, col, text, quoted if text.startswith(FORMULA_STARTS) else None)

    return values, write_text


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
