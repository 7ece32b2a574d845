"""`lovende workbooks`: one workbook per coder, one protected, pre-filled sheet per interview.

Expected ids, labels and layout are written out by hand from the small study of tests/test_study.py,
the bundled instrument's YAML (copied in tests/test_templates.py) and docs/study-format.md; the
progress cell is checked by letting LibreOffice compute it, not by reading back our own formula.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from lovende_research.cli import main
from lovende_research.coder_workbooks import write_coder_workbooks
from lovende_research.errors import LovendeError
from lovende_research.instrument import load_instrument
from tests.test_study import CANDIDATES, make_study
from tests.test_tables_libreoffice import CALC_XLSX, _convert, soffice  # noqa: F401 - soffice is a fixture
from tests.test_templates import (
    MISSING_DA,
    MISSING_EN,
    SCALE_DA,
    SCALE_EN,
    SCREEN_DA,
    SCREEN_EN,
    SCREEN_ITEM,
    dropdown_for,
)

#: The candidates of the small study with a delimitation for P1, one that begins like a formula.
DELIMITED = [
    list(CANDIDATES[0]) + ["delimitation"],
    list(CANDIDATES[1]) + ['=HYPERLINK("http://x")'],
    list(CANDIDATES[2]) + [""],
]


def key_block(sheet) -> dict[str, object]:
    """Column A's names and column B's values above the item header, as a reader of the sheet sees them."""
    block = {}
    for row in sheet.iter_rows(min_row=1, max_row=12):
        if row[0].value == "item_id":
            break
        if row[0].value is not None and len(row) > 1:
            block[row[0].value] = row[1].value
    return block


def item_header(sheet) -> int:
    return next(row[0].row for row in sheet.iter_rows(min_row=1, max_row=30) if row[0].value == "item_id")


@pytest.fixture
def study(tmp_path: Path) -> Path:
    return make_study(tmp_path / "s", candidates=DELIMITED)


def test_one_workbook_per_coder_one_sheet_per_interview_prefilled(study: Path, tmp_path: Path) -> None:
    written = write_coder_workbooks(study, "K1,K2", processed_base=tmp_path / "processed")
    # The documented default folder: data/processed/<study>/kodeark/.
    assert written == [tmp_path / "processed" / "s" / "kodeark" / f"kodeark_{c}.xlsx" for c in ("K1", "K2")]
    workbook = load_workbook(written[1])
    visible = [s.title for s in workbook.worksheets if s.sheet_state == "visible"]
    assert visible == ["I1", "I2"]  # the interviews of interviews.csv, in order
    first = workbook["I1"]
    block = key_block(first)
    assert {k: block[k] for k in ("interview_id", "coder_id", "practice_id", "informant_role")} == {
        "interview_id": "I1", "coder_id": "K2", "practice_id": "P1", "informant_role": "leder"}  # fmt: skip
    assert block["delimitation"] == '=HYPERLINK("http://x")'
    delimitation = next(r[1] for r in first.iter_rows(min_row=1, max_row=10) if r[0].value == "delimitation")
    assert delimitation.data_type == "s" and delimitation.quotePrefix  # text from the study, never a formula
    assert key_block(workbook["I2"])["informant_role"] == "medarbejder"

    header = item_header(first)
    names = [c.value for c in first[header] if c.value]
    assert names == ["item_id", "element", "question", "response", "note"]
    items = [first.cell(r, 1).value for r in range(header + 1, first.max_row + 1) if first.cell(r, 1).value]
    instrument = load_instrument()
    assert items == [i.id for e in instrument.elements for i in e.items] + [SCREEN_ITEM]
    assert len(items) == 31  # 30 scored items + the screen item, counted in arbejdsversion.yml
    assert first.cell(header + 1, 2).value == "1. Teori og viden"

    # Dropdowns: the scale and the missing codes on scored items, ja/nej and the missing codes on the screen item.
    assert dropdown_for(workbook, first, f"D{header + 1}") == SCALE_DA + MISSING_DA
    assert dropdown_for(workbook, first, f"D{header + 31}") == SCREEN_DA + MISSING_DA


def test_a_study_with_delimitations_gets_its_workbooks(tmp_path: Path) -> None:
    # delimitations is read with the interviews, the codings are not: the key check between them is skipped.
    study = make_study(
        tmp_path / "s",
        candidates=DELIMITED,
        delimitations=[["delimitation_id", "practice_id", "label", "description"], ["D1", "P1", "smal", "kun kurset"]],
    )
    path = write_coder_workbooks(study, "K1", out=tmp_path / "out")[0]
    workbook = load_workbook(path)
    # Each interview of P1 under its main delimitation, then under D1, the alternative delimitations.csv gives.
    assert [s.title for s in workbook.worksheets if s.sheet_state == "visible"] == ["I1", "I1 D1", "I2", "I2 D1"]
    assert key_block(workbook["I1"])["delimitation_id"] in (None, "")
    # The label; the description is a free-text note, left out without show_notes: true (docs/study-format.md).
    assert {k: key_block(workbook["I2 D1"])[k] for k in ("interview_id", "delimitation_id", "delimitation")} == {
        "interview_id": "I2", "delimitation_id": "D1", "delimitation": "smal"}  # fmt: skip


def test_fixed_cells_are_protected_and_only_answers_and_notes_open(study: Path, tmp_path: Path) -> None:
    sheet = load_workbook(write_coder_workbooks(study, "K1", out=tmp_path / "out")[0])["I1"]
    assert sheet.protection.sheet
    header = item_header(sheet)
    for row in range(1, header + 32):
        for column in range(1, 6):
            cell = sheet.cell(row, column)
            open_ = row > header and column in (4, 5)  # response, note
            assert cell.protection.locked is not open_, cell.coordinate


def test_progress_cell_counts_the_answers_as_libreoffice_computes_it(
    study: Path,
    tmp_path: Path,
    soffice: list[str],  # noqa: F811 - the imported fixture, as a parameter
) -> None:
    path = write_coder_workbooks(study, "K1", out=tmp_path / "out")[0]
    workbook = load_workbook(path)
    sheet = workbook["I2"]
    header = item_header(sheet)
    progress = next(r for r in sheet.iter_rows(min_row=1, max_row=header) if r[0].value == "besvaret")
    assert progress[2].value == "af 31 spørgsmål"
    for offset, answer in ((1, "I høj grad"), (2, "Ved ikke"), (31, "Nej")):
        sheet.cell(header + offset, 4, answer)
    workbook.save(path)
    resaved = _convert(soffice, path, tmp_path / "resaved.xlsx", CALC_XLSX)
    computed = load_workbook(resaved, data_only=True)
    # Three answers typed above; LibreOffice's recalculation of the cell must count exactly those.
    assert (
        next(r for r in computed["I2"].iter_rows(min_row=1, max_row=header) if r[0].value == "besvaret")[1].value == 3
    )
    assert (
        next(r for r in computed["I1"].iter_rows(min_row=1, max_row=header) if r[0].value == "besvaret")[1].value == 0
    )


def test_english_workbooks_carry_english_labels(study: Path, tmp_path: Path) -> None:
    path = write_coder_workbooks(study, ["K1"], out=tmp_path / "out", language="en")[0]
    assert path.name == "codings_K1.xlsx"
    workbook = load_workbook(path)
    sheet = workbook["I1"]
    header = item_header(sheet)
    assert dropdown_for(workbook, sheet, f"D{header + 1}") == SCALE_EN + MISSING_EN
    assert dropdown_for(workbook, sheet, f"D{header + 31}") == SCREEN_EN + MISSING_EN


def test_a_second_run_never_replaces_a_workbook_a_coder_may_be_filling(study: Path, tmp_path: Path) -> None:
    first = write_coder_workbooks(study, "K1", out=tmp_path / "out")[0]
    workbook = load_workbook(first)
    workbook["I1"].cell(item_header(workbook["I1"]) + 1, 4, "I høj grad")
    workbook.save(first)
    before = first.read_bytes()
    with pytest.raises(LovendeError, match="kodeark_K1.xlsx findes allerede"):
        write_coder_workbooks(study, "K2,K1", out=tmp_path / "out")
    assert first.read_bytes() == before and not (tmp_path / "out" / "kodeark_K2.xlsx").exists()


def test_never_written_into_a_study_folder(study: Path) -> None:
    with pytest.raises(LovendeError, match="studiemappen"):
        write_coder_workbooks(study, "K1", out=study / "codings")
    assert not (study / "codings").exists()


@pytest.mark.parametrize("coders", ["", "K1,../x", "konsensus"])
def test_coder_ids_that_cannot_be_used_are_refused(study: Path, tmp_path: Path, coders: str) -> None:
    with pytest.raises(LovendeError):
        write_coder_workbooks(study, coders, out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_command_writes_the_workbooks_and_reports_a_bad_study(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["workbooks", str(study), "--coders", "K1,K2", "--out", str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["kodeark_K1.xlsx", "kodeark_K2.xlsx"]
    (study / "interviews.csv").write_text(
        "interview_id,practice_id,informant_id,informant_role\nI1,P9,P9-L,leder\n", encoding="utf-8"
    )
    assert main(["workbooks", str(study), "--coders", "K1", "--out", str(tmp_path / "out2")]) == 1
    assert "interviews.csv, række 2, kolonne 'practice_id'" in capsys.readouterr().err
