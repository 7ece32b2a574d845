"""The readers on files LibreOffice itself writes (headless ``soffice --convert-to``), not on files
written to look like them.

Each test writes a table with openpyxl and lets LibreOffice Calc save it in the dialect a researcher's
LibreOffice would: a Danish-locale CSV (semicolons, decimal commas), "Unicode text" (UTF-16 with a
byte-order mark, tab-separated), and XLSX re-saved by Calc. LibreOffice cannot write bare-CR (Mac) line
ends; those are read by tests on hand-made files (``tests/test_study_hostile.py``). ``make test``
installs LibreOffice (``scripts/ensure-export-tools.sh``); without it these tests fail rather than skip.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from lovende_research.study import Study, validate_study
from tests.test_study import INTERVIEWS, make_study
from tests.test_study_spss_wide import WIDE, WIDE_LONG, _long

#: LibreOffice's CSV filter options: separator, quote, character set (76 = UTF-8, 65535 = UTF-16),
#: first line, column formats, language (1030 = Danish). Documented at
#: https://help.libreoffice.org/latest/en-US/text/shared/guide/csv_params.html
DANISH_CSV = "csv:Text - txt - csv (StarCalc):59,34,76,1,,1030"
UNICODE_TEXT = "csv:Text - txt - csv (StarCalc):9,34,65535,1"
CALC_XLSX = "xlsx:Calc MS Excel 2007 XML"


@pytest.fixture(scope="module")
def soffice(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    found = shutil.which("soffice")
    if found is None:
        pytest.fail("soffice mangler: kør scripts/ensure-export-tools.sh (make test gør det)")
    profile = tmp_path_factory.mktemp("libreoffice-profile")
    return [found, f"-env:UserInstallation={profile.as_uri()}", "--headless"]


def _convert(soffice: list[str], source: Path, target: Path, filter_options: str) -> Path:
    """``source`` saved by LibreOffice under ``target`` (same folder or another) with ``filter_options``."""
    out = source.parent / "_lo"
    subprocess.run(
        [*soffice, "--convert-to", filter_options, "--outdir", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    written = out / (source.stem + "." + filter_options.split(":")[0])
    shutil.move(str(written), target)
    return target


def _workbook(path: Path, rows: list[list[object]], formats: dict[str, str] | None = None) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    workbook.save(path)
    return path


def test_danish_locale_csv_with_decimal_commas(tmp_path: Path, soffice: list[str]) -> None:
    rows = [list(INTERVIEWS[0]) + ["duration_minutes"], list(INTERVIEWS[1]) + [45.5], list(INTERVIEWS[2]) + [60.25]]
    # [$-406] is the Danish locale: Calc shows, and so saves, 45,5 and 60,25.
    source = _workbook(tmp_path / "interviews.xlsx", rows, {"F2": "[$-406]0.0", "F3": "[$-406]0.00"})
    study = make_study(tmp_path / "s", interviews=None)
    written = _convert(soffice, source, study / "interviews.csv", DANISH_CSV)
    assert "45,5" in written.read_text(encoding="utf-8") and ";" in written.read_text(encoding="utf-8")
    assert validate_study(study) == []
    assert Study.load(study).interviews["duration_minutes"].tolist() == pytest.approx([45.5, 60.25], abs=1e-12)


def test_unicode_text_utf16_with_bom(tmp_path: Path, soffice: list[str]) -> None:
    source = _workbook(tmp_path / "codings.xlsx", WIDE)
    study = make_study(tmp_path / "s", codings=None)
    written = _convert(soffice, source, study / "codings.csv", UNICODE_TEXT)
    assert written.read_bytes().startswith(b"\xff\xfe")  # UTF-16LE with its byte-order mark
    assert validate_study(study) == []
    assert _long(study) == WIDE_LONG  # "I høj grad" survives UTF-16


def test_xlsx_resaved_by_calc(tmp_path: Path, soffice: list[str]) -> None:
    source = _workbook(tmp_path / "source.xlsx", [["Kodeskema"], [], *WIDE])
    study = make_study(tmp_path / "s", codings=None)
    _convert(soffice, source, study / "codings.xlsx", CALC_XLSX)
    assert validate_study(study) == []
    assert _long(study) == WIDE_LONG
