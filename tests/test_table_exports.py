"""The appendix exports: one XLSX per stage and CSV copies, read back by openpyxl and by LibreOffice headless."""

from __future__ import annotations

import csv
import io
import math
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from lovende_research.io import write_parquet
from lovende_research.table_exports import EXPORT_FOLDER, workbook_bytes, write_table_exports

# soffice's CSV filter: comma, double quote, UTF-8 (76), from line 1, default formats, en-US (1033),
# no quoting as text, detect numbers, full precision (not "as shown"), values not formulas, keep
# spaces, every sheet (-1) into its own file <name>-<sheet>.csv.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false,false,-1"

TABLES = {
    "ranks": pd.DataFrame({"practice_id": ["P1", "P2", "P3"], "overall": [0.751234, 0.6, math.nan], "rank": [1, 2, 3]}),
    "conflicts": pd.DataFrame({"note_1": ['=HYPERLINK("x")', "ok", None], "max_difference": [2.0, 1.5, 0.25]}),
}


def soffice_sheets(workbook: Path, tmp_path: Path) -> dict[str, list[list[str]]]:
    """Every sheet of ``workbook`` as LibreOffice headless reads it, converted to CSV rows."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("LibreOffice is missing: run scripts/ensure-export-tools.sh (make test does)")
    out = tmp_path / "soffice-out"
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path / 'soffice-profile'}",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(out),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    prefix = workbook.stem + "-"
    return {
        p.stem[len(prefix) :]: list(csv.reader(io.StringIO(p.read_text(encoding="utf-8"))))
        for p in sorted(out.glob(f"{workbook.stem}-*.csv"))
    }


def assert_same_numbers(rows: list[list[str]], frame: pd.DataFrame, where: str) -> None:
    assert len(rows) == len(frame) + 1, where
    for j, column in enumerate(frame.columns):
        if not pd.api.types.is_numeric_dtype(frame[column]) or pd.api.types.is_bool_dtype(frame[column]):
            continue
        for i, value in enumerate(frame[column]):
            cell = rows[i + 1][j] if j < len(rows[i + 1]) else ""
            if pd.isna(value):
                assert cell == "", f"{where} {column} row {i}: {cell!r}"
            else:
                assert float(cell) == pytest.approx(float(value), rel=1e-9, abs=1e-12), f"{where} {column} row {i}"


def test_workbook_has_localised_headers_formats_frozen_header_and_autofilter() -> None:
    book = load_workbook(io.BytesIO(workbook_bytes(TABLES, "en")))
    assert book.sheetnames == ["ranks", "conflicts"]
    ranks = book["ranks"]
    assert [c.value for c in ranks[1]] == ["Practice", "Overall index", "Rank"]
    assert ranks.freeze_panes == "A2" and ranks.auto_filter.ref == "A1:C4"
    assert (ranks["B2"].number_format, ranks["C2"].number_format) == ("0.00", "0")
    assert ranks["B4"].value is None
    conflicts = book["conflicts"]
    # A note that begins like a formula is a text cell (io.text_cells), not a live formula.
    assert conflicts["A2"].data_type == "s" and conflicts["A2"].quotePrefix
    assert [c.value for c in conflicts[1]] == ["Note 1", "Largest difference (scale steps)"]


def test_libreoffice_reads_the_same_numbers(tmp_path: Path) -> None:
    path = tmp_path / "02_interview_coding.xlsx"
    path.write_bytes(workbook_bytes(TABLES, "da"))
    sheets = soffice_sheets(path, tmp_path)
    assert set(sheets) == set(TABLES)
    for name, frame in TABLES.items():
        assert_same_numbers(sheets[name], frame, name)
    assert sheets["ranks"][0] == ["Praksis", "Samlet indeks", "Placering"]
    # LibreOffice keeps the formula-like note as the characters typed (it would print the link text if live).
    assert sheets["conflicts"][1][0] == '=HYPERLINK("x")'


def test_write_table_exports_per_stage_and_removes_stale_files(tmp_path: Path) -> None:
    processed, reports = tmp_path / "processed" / "s", tmp_path / "reports" / "s"
    for name, frame in TABLES.items():
        write_parquet(frame, processed / "scores" / f"{name}.parquet")
    stale = reports / EXPORT_FOLDER / "03_subjectivity_bias.xlsx"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    written = write_table_exports(
        processed, reports, [("screening", "01_screening"), ("scores", "02_interview_coding")], "da"
    )
    folder = reports / EXPORT_FOLDER
    assert [p.relative_to(folder).as_posix() for p in written] == [
        "02_interview_coding.xlsx",
        "02_interview_coding/conflicts.csv",
        "02_interview_coding/ranks.csv",
    ]
    assert not stale.exists()
    copy = list(csv.reader(io.StringIO((folder / "02_interview_coding" / "conflicts.csv").read_text(encoding="utf-8"))))
    # The CSV copy: Danish headers, the formula-like note quoted as text (io.csv_safe_frame).
    assert copy[0] == ["Note 1", "Største forskel (skalatrin)"]
    assert copy[1] == ['\'=HYPERLINK("x")', "2.0"]


def test_example_workbooks_open_in_libreoffice_with_the_stage_numbers(example_run, tmp_path: Path) -> None:
    reports = example_run.index.parent
    processed = Path(example_run.index.parent.parent.parent / "processed" / reports.name)
    folder = reports / EXPORT_FOLDER
    workbooks = sorted(folder.glob("*.xlsx"))
    assert [w.stem for w in workbooks] == ["01_screening", "02_interview_coding", "03_subjectivity_bias"]
    index = example_run.index.read_text(encoding="utf-8")
    for workbook, stage in zip(workbooks, ("screening", "scores", "bias"), strict=True):
        assert f'href="{EXPORT_FOLDER}/{workbook.name}"' in index
        sheets = soffice_sheets(workbook, tmp_path / workbook.stem)
        tables = sorted(p.stem for p in (processed / stage).glob("*.parquet"))
        assert sorted(sheets) == tables, workbook.name
        for name in tables:
            assert_same_numbers(
                sheets[name], pd.read_parquet(processed / stage / f"{name}.parquet"), f"{workbook.name}:{name}"
            )
            assert f'href="{EXPORT_FOLDER}/{workbook.stem}/{name}.csv"' in index


def test_same_tables_give_the_same_bytes_at_another_time() -> None:
    import time

    first = workbook_bytes(TABLES, "da")
    time.sleep(2.1)  # zip members are dated to 2 s; a workbook dated "now" would differ
    assert workbook_bytes(TABLES, "da") == first
