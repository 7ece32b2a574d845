"""Tests for lovende_research.templates: the empty study that `lovende new-study` writes.

The expected labels, columns and values below are written out by hand from docs/study-format.md and
the bundled instrument's YAML (lovende_research/instrument/arbejdsversion.yml), not taken from the
module under test.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook
from openpyxl.utils.cell import range_to_tuple
from openpyxl.worksheet.worksheet import Worksheet

from lovende_research.config import PROJECT_ROOT
from lovende_research.errors import LovendeError, in_language
from lovende_research.instrument import BUNDLED_INSTRUMENT, load_instrument
from lovende_research.schemas import TABLES
from lovende_research.study import Study, read_config, validate_study
from lovende_research.study_config import CONFIG_KEYS
from lovende_research.tables import read_table
from lovende_research.templates import StudyFolderNotEmptyError, new_study

# The bundled instrument's answer labels, copied by hand from arbejdsversion.yml.
SCALE_DA = ["Slet ikke", "I mindre grad", "I nogen grad", "I høj grad"]
MISSING_DA = ["Ved ikke", "Ikke relevant", "Ikke besvaret"]
SCREEN_DA = ["Ja", "Nej"]
SCALE_EN = ["Not at all", "To a small extent", "To some extent", "To a great extent"]
MISSING_EN = ["Don't know", "Not applicable", "Not answered"]
SCREEN_EN = ["Yes", "No"]
SCREEN_ITEM = "sikker_1"

FILES = {
    "study.yml",
    "candidates.csv",
    "screening.csv",
    "interviews.csv",
    "delimitations.csv",
    "codings.xlsx",
    "README.md",
}


# --- helpers: read the workbook the way a test (not the module) sees it ---------------------------


def header_row(sheet: Worksheet) -> int:
    """The first row holding interview_id, coder_id, item_id and response as cells."""
    for row in sheet.iter_rows(min_row=1, max_row=30):
        values = {str(c.value).strip() for c in row if c.value is not None}
        if {"interview_id", "coder_id", "item_id", "response"} <= values:
            return row[0].row
    raise AssertionError("no header row in the first 30 rows")


def columns(sheet: Worksheet, header: int) -> dict[str, int]:
    return {str(c.value): c.column for c in sheet[header] if c.value is not None}


def data_rows(sheet: Worksheet, header: int) -> list[int]:
    """Rows below the header with an item_id: the block a coder fills in."""
    item_col = columns(sheet, header)["item_id"]
    return [r for r in range(header + 1, sheet.max_row + 1) if sheet.cell(r, item_col).value]


def dropdown_for(workbook, sheet: Worksheet, coordinate: str) -> list[str]:
    """The labels of the one list validation covering ``coordinate``, read from the range it references."""
    covering = [dv for dv in sheet.data_validations.dataValidation if coordinate in dv.sqref]
    assert len(covering) == 1, f"{coordinate}: {len(covering)} validations"
    validation = covering[0]
    assert validation.type == "list"
    formula = validation.formula1
    assert not formula.startswith('"'), "labels must come from a range, not an inline string"
    sheet_name, (min_col, min_row, max_col, max_row) = range_to_tuple(formula.lstrip("="))
    source = workbook[sheet_name]
    return [source.cell(r, c).value for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]


def append_csv_rows(path: Path, rows: list[dict[str, str]]) -> None:
    """Add rows under the template's header, with its own separator, as a spreadsheet program would."""
    header_line = path.read_text(encoding="utf-8").splitlines()[0]
    separator = ";" if ";" in header_line else ","
    header = header_line.split(separator)
    with path.open("a", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=header, delimiter=separator)
        for row in rows:
            writer.writerow(row)


def fill_tables(folder: Path) -> None:
    """One candidate, two screeners' rows, one interview: the least a study needs."""
    append_csv_rows(
        folder / "candidates.csv",
        [
            {
                "practice_id": "P01",
                "name": "Narrativ gruppe for børn",
                "provider": "Børnehuset Nord",
                "provider_type": "kommune",
                "municipality": "Aarhus",
                "target_group": "børn 0-12 år",
                "purpose": "forebyggende; behandlende",
            }
        ],
    )
    append_csv_rows(
        folder / "screening.csv",
        [
            {"practice_id": "P01", "screener_id": "S1", "criterion": "målgruppe", "decision": "inkluder"},
            {"practice_id": "P01", "screener_id": "S2", "criterion": "målgruppe", "decision": "include"},
        ],
    )
    append_csv_rows(
        folder / "interviews.csv",
        [
            {
                "interview_id": "I01",
                "practice_id": "P01",
                "informant_id": "P01-L",
                "informant_role": "leder",
                "date": "2024-03-05",
            }
        ],
    )


def fill_workbook(folder: Path, choices: dict[str, str], default: str, screen: str, coders: list[str]) -> None:
    """Fill codings.xlsx as a coder would: the block once per coder (copied down for the second)."""
    path = folder / "codings.xlsx"
    workbook = load_workbook(path)
    sheet = workbook["codings"]
    header = header_row(sheet)
    col = columns(sheet, header)
    block = data_rows(sheet, header)
    template = [[sheet.cell(r, c).value for c in range(1, sheet.max_column + 1)] for r in block]
    for copy, coder in enumerate(coders):
        for offset, values in enumerate(template):
            row = block[0] + copy * len(block) + offset
            for c, value in enumerate(values, start=1):
                sheet.cell(row, c, value)
            item = sheet.cell(row, col["item_id"]).value
            sheet.cell(row, col["interview_id"], "I01")
            sheet.cell(row, col["coder_id"], coder)
            answer = screen if item == SCREEN_ITEM else choices.get(item, default)
            sheet.cell(row, col["response"], answer)
        sheet.cell(block[0] + copy * len(block), col["note"], "Lederen nævner en håndbog; æøå bevares")
    workbook.save(path)


# --- the folder -------------------------------------------------------------------------------------


def test_new_study_writes_every_file_with_the_documented_keys_and_headers(tmp_path):
    folder = new_study(tmp_path / "studie", title="Kortlægning af børneindsatser")

    assert folder == tmp_path / "studie"
    assert {p.name for p in folder.iterdir()} == FILES

    # study.yml has exactly the keys of the example in docs/study-format.md, each with a comment.
    doc = (PROJECT_ROOT / "docs" / "study-format.md").read_text(encoding="utf-8")
    documented = yaml.safe_load(re.search(r"## study.yml\s+```yaml\n(.*?)```", doc, re.S).group(1))
    text = (folder / "study.yml").read_text(encoding="utf-8")
    written = yaml.safe_load(text)
    # ... and every key the reader knows (a new key must reach the template and the docs)
    assert set(written) == set(documented) == set(CONFIG_KEYS)
    assert written == {
        "title": "Kortlægning af børneindsatser",
        "language": "da",
        "instrument": "bundled",
        "seed": 2017,
        "synthetic": False,
        "notes": "",
        "parameters": {},
        "show_notes": False,
        "redact": [],
        "show_quotes": False,
        "rounds": [],
    }
    lines = text.splitlines()
    for key in documented:
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
        assert lines[at - 1].startswith("#"), f"{key} has no comment above it"
    config = read_config(folder)
    assert (config.title, config.language, config.seed) == ("Kortlægning af børneindsatser", "da", 2017)

    # Header-only CSVs in TABLES order, UTF-8, read by the study reader as empty tables.
    for name in ("candidates", "screening", "interviews", "delimitations"):
        path = folder / f"{name}.csv"
        path.read_bytes().decode("utf-8")  # raises if not UTF-8
        raw = read_table(path, name, TABLES[name].required)
        assert list(raw.frame.columns) == list(TABLES[name].columns)
        assert raw.frame.empty
    # Written out by hand from docs/study-format.md, to catch TABLES and the doc drifting apart.
    assert (folder / "interviews.csv").read_text(encoding="utf-8").strip() == (
        "interview_id;practice_id;informant_id;informant_role;date;duration_minutes"
    )

    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "docs/study-format.md" in readme and "Kortlægning af børneindsatser" in readme
    assert "pseudonymer" in readme


def test_placeholder_title_is_a_valid_title(tmp_path):
    folder = new_study(tmp_path / "s")
    title = read_config(folder).title
    assert title and "titel" in title.lower()


def test_a_title_with_yaml_syntax_in_it_survives(tmp_path):
    tricky = 'Kortlægning: "børn" # 1\nanden linje'
    folder = new_study(tmp_path / "s", title=tricky)
    assert read_config(folder).title == tricky.strip()


# --- the coding workbook ----------------------------------------------------------------------------


def test_workbook_rows_follow_the_instrument_and_every_response_has_a_dropdown(tmp_path):
    folder = new_study(tmp_path / "s")
    workbook = load_workbook(folder / "codings.xlsx")
    sheet = workbook["codings"]
    header = header_row(sheet)
    assert header > 1, "a title block sits above the header"
    col = columns(sheet, header)
    for name in TABLES["codings"].columns + ("element", "question"):
        assert name in col, name
    assert sheet.freeze_panes == f"A{header + 1}"
    assert sheet.column_dimensions[sheet.cell(header, col["question"]).column_letter].width >= 40

    rows = data_rows(sheet, header)
    instrument = load_instrument()
    item_ids = [sheet.cell(r, col["item_id"]).value for r in rows]
    assert item_ids == [item.id for e in instrument.elements for item in e.items] + [SCREEN_ITEM]
    assert len(item_ids) == 31  # 30 scored items (2–4 per element, counted in the YAML) + the screen item
    first = rows[0]
    assert sheet.cell(first, col["element"]).value == "1. Teori og viden"
    assert (
        sheet.cell(first, col["question"]).value
        == "Kan I beskrive den teori eller forståelse, som indsatsen bygger på?"
    )
    for r in rows:
        assert sheet.cell(r, col["interview_id"]).value is None
        assert sheet.cell(r, col["response"]).value is None

    letter = sheet.cell(header, col["response"]).column_letter
    for r, item in zip(rows, item_ids, strict=True):
        labels = dropdown_for(workbook, sheet, f"{letter}{r}")
        if item == SCREEN_ITEM:
            assert labels == SCREEN_DA + MISSING_DA
        else:
            assert labels == SCALE_DA + MISSING_DA
    # No validation strays onto other columns.
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            assert cell_range.min_col == cell_range.max_col == col["response"]

    # The lists live on their own, hidden sheet.
    lists = [ws for ws in workbook.worksheets if ws.title not in ("codings",) and ws.sheet_state == "hidden"]
    assert len(lists) == 1


def test_instructions_sheet_says_what_a_coder_must_do(tmp_path):
    workbook = load_workbook(new_study(tmp_path / "s") / "codings.xlsx")
    assert workbook.sheetnames[0] == "codings"
    text = "\n".join(str(c.value) for row in workbook["Vejledning"].iter_rows() for c in row if c.value)
    for needle in (
        "interview_id",
        "coder_id",
        "rullelisten",
        "kopi",
        "kopierer",
        "Ved ikke",
        "Ikke relevant",
        "Ikke besvaret",
        "pseudonym",
    ):
        assert needle in text, needle


def test_header_is_found_by_the_reader_and_only_rows_a_coder_began_are_checked(tmp_path):
    folder = new_study(tmp_path / "s")
    raw = read_table(folder / "codings.xlsx", "codings", TABLES["codings"].required)
    workbook = load_workbook(folder / "codings.xlsx")
    header = header_row(workbook["codings"])
    assert raw.frame.index[0] == header + 1
    assert len(raw.frame) == 31
    # Rows nobody has typed in are not codings yet (a study still screening has only those, issue 18) ...
    assert [p for p in validate_study(folder) if p.file == "codings.xlsx"] == []
    # ... but a row a coder has begun is checked in full.
    workbook["codings"].cell(row=header + 1, column=1, value="INT01")
    workbook.save(folder / "codings.xlsx")
    problems = [(p.row, p.column) for p in validate_study(folder) if p.file == "codings.xlsx"]
    assert problems == [(header + 1, "coder_id"), (header + 1, "interview_id"), (header + 1, "response")]


def test_untouched_tables_other_than_codings_are_clean(tmp_path):
    folder = new_study(tmp_path / "s")
    assert [str(p) for p in validate_study(folder) if p.file != "codings.xlsx"] == []


# --- round trip: filled in as a coder would, then validated and loaded ------------------------------


def test_filled_in_danish_study_validates_and_loads(tmp_path):
    folder = new_study(tmp_path / "s", title="Kortlægning af børneindsatser")
    fill_tables(folder)
    choices = {
        "teori_1": "Slet ikke",
        "teori_2": "I mindre grad",
        "teori_3": "I nogen grad",
        "virkning_1": "I høj grad",
        "virkning_2": "Ved ikke",
        "beskrivelse_1": "Ikke relevant",
        "beskrivelse_2": "Ikke besvaret",
    }
    fill_workbook(folder, choices, default="I nogen grad", screen="Nej", coders=["K1", "K2"])
    study_yml = folder / "study.yml"  # the coder's note is read once the study opts in to notes
    study_yml.write_text(
        study_yml.read_text(encoding="utf-8").replace("show_notes: false", "show_notes: true"), encoding="utf-8"
    )

    assert validate_study(folder) == []
    study = Study.load(folder)
    assert study.config.title == "Kortlægning af børneindsatser"
    assert len(study.codings) == 2 * 31
    got = study.codings[study.codings["coder_id"] == "K1"].set_index("item_id")
    # Expected from the labels chosen above: scale labels 1–4 in order; missing labels → their ids.
    expected = {
        "teori_1": (1, None),
        "teori_2": (2, None),
        "teori_3": (3, None),
        "virkning_1": (4, None),
        "virkning_2": (None, "ved_ikke"),
        "beskrivelse_1": (None, "ikke_relevant"),
        "beskrivelse_2": (None, "ikke_besvaret"),
        "maal_1": (3, None),  # the default "I nogen grad"
    }
    for item, (value, missing) in expected.items():
        row = got.loc[item]
        assert pd.isna(row["value"]) if value is None else row["value"] == value, item
        assert pd.isna(row["missing_code"]) if missing is None else row["missing_code"] == missing, item
    assert got.loc[SCREEN_ITEM, "screen_answer"] == "nej"
    assert pd.isna(got.loc[SCREEN_ITEM, "value"])
    assert (got["delimitation_id"] == "main").all()
    assert got.loc["teori_1", "note"] == "Lederen nævner en håndbog; æøå bevares"
    assert study.interviews.loc[0, "informant_id"] == "P01-L"
    assert list(study.screening["decision"]) == ["include", "include"]


def test_filled_in_english_study_validates_and_loads(tmp_path):
    folder = new_study(tmp_path / "s", language="en", title="Mapping of child services")
    assert yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))["language"] == "en"
    assert (folder / "screening.csv").read_text(encoding="utf-8").strip() == (
        "practice_id,screener_id,criterion,decision,reason,note,reconciled_decision"
    )
    workbook = load_workbook(folder / "codings.xlsx")
    sheet = workbook["codings"]
    header = header_row(sheet)
    col = columns(sheet, header)
    letter = sheet.cell(header, col["response"]).column_letter
    rows = data_rows(sheet, header)
    assert sheet.cell(rows[0], col["element"]).value == "1. Theory and knowledge"
    assert dropdown_for(workbook, sheet, f"{letter}{rows[0]}") == SCALE_EN + MISSING_EN
    assert dropdown_for(workbook, sheet, f"{letter}{rows[-1]}") == SCREEN_EN + MISSING_EN
    assert "Instructions" in workbook.sheetnames

    fill_tables(folder)
    fill_workbook(
        folder,
        {"teori_1": "To a great extent", "teori_2": "Don't know", "teori_3": "Not applicable"},
        default="To a small extent",
        screen="Yes",
        coders=["K1"],
    )
    assert validate_study(folder) == []
    got = Study.load(folder).codings.set_index("item_id")
    assert got.loc["teori_1", "value"] == 4
    assert got.loc["teori_2", "missing_code"] == "ved_ikke"
    assert got.loc["teori_3", "missing_code"] == "ikke_relevant"
    assert got.loc["virkning_1", "value"] == 2
    assert got.loc[SCREEN_ITEM, "screen_answer"] == "ja"


def test_a_user_instrument_is_copied_and_drives_the_dropdowns(tmp_path):
    source = tmp_path / "officiel.yml"
    source.write_text(
        BUNDLED_INSTRUMENT.read_text(encoding="utf-8").replace('da: "I høj grad"', 'da: "I meget høj grad"'),
        encoding="utf-8",
    )
    folder = new_study(tmp_path / "s", instrument_path=source)
    assert yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))["instrument"] == "instrument.yml"
    assert (folder / "instrument.yml").read_bytes() == source.read_bytes()
    workbook = load_workbook(folder / "codings.xlsx")
    sheet = workbook["codings"]
    header = header_row(sheet)
    letter = sheet.cell(header, columns(sheet, header)["response"]).column_letter
    labels = dropdown_for(workbook, sheet, f"{letter}{header + 1}")
    assert labels == ["Slet ikke", "I mindre grad", "I nogen grad", "I meget høj grad"] + MISSING_DA

    fill_tables(folder)
    fill_workbook(folder, {"teori_1": "I meget høj grad"}, default="Ved ikke", screen="Ja", coders=["K1"])
    assert validate_study(folder) == []
    assert Study.load(folder).codings.set_index("item_id").loc["teori_1", "value"] == 4


# --- no formula cells from data (issue 23) --------------------------------------------------------------

#: Texts a spreadsheet would evaluate (OWASP "CSV injection"): each is to stay the characters typed.
FORMULAS = ['=HYPERLINK("http://x","klik")', "=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(A1:A2)", "\tindrykket", "\r=1"]


def test_instrument_texts_that_look_like_formulas_are_written_as_text(tmp_path):
    data = yaml.safe_load(BUNDLED_INSTRUMENT.read_text(encoding="utf-8"))
    typed = FORMULAS[:5]  # the instrument's loader strips a leading tab or CR from a text
    items = [item for element in data["elements"] for item in element["items"]][: len(typed)]
    for item, formula in zip(items, typed, strict=True):
        item["da"] = formula
    data["note"]["da"] = FORMULAS[1]
    source = tmp_path / "farlig.yml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    folder = new_study(tmp_path / "s", instrument_path=source, title="@titel")
    # The file's own XML: a formula is an <f> element in a sheet; none may be there.
    with zipfile.ZipFile(folder / "codings.xlsx") as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any(re.search(rb"<f[ >]", xml) for xml in sheets)
    workbook = load_workbook(folder / "codings.xlsx")  # formulas as written, not their cached results
    sheet = workbook["codings"]
    header = header_row(sheet)
    question = columns(sheet, header)["question"]
    shown = [sheet.cell(header + 1 + i, question).value for i in range(len(typed))]
    assert shown == typed  # the characters, read back unchanged
    assert sheet.cell(3, 1).value == FORMULAS[1] and sheet.cell(3, 1).data_type == "s"
    assert all(cell.data_type != "f" for ws in workbook.worksheets for row in ws.iter_rows() for cell in row)


def test_csv_cells_that_look_like_formulas_get_a_quote():
    import pandas as pd

    from lovende_research.io import csv_safe_frame

    frame = pd.DataFrame({"note": FORMULAS + ["-3", "almindelig"], "n": range(len(FORMULAS) + 2)})
    buffer = io.StringIO()
    csv_safe_frame(frame).to_csv(buffer, index=False, lineterminator="\r\n")  # CRLF: a CR in a cell is then quoted
    cells = [row[0] for row in csv.reader(io.StringIO(buffer.getvalue(), newline=""))][1:]
    # OWASP's advice for CSV: a leading apostrophe; a number such as -3 is no formula and stays as it is
    assert cells == ["'" + f for f in FORMULAS] + ["-3", "almindelig"]


# --- refusals ---------------------------------------------------------------------------------------


def test_refuses_a_folder_that_is_not_empty_and_touches_nothing(tmp_path):
    folder = tmp_path / "eksisterende"
    folder.mkdir()
    (folder / "noter.txt").write_text("mine noter", encoding="utf-8")
    with pytest.raises(StudyFolderNotEmptyError, match="ikke tom") as caught:
        new_study(folder)
    assert isinstance(caught.value, LovendeError)
    assert "noter.txt" in str(caught.value)
    assert [p.name for p in folder.iterdir()] == ["noter.txt"]
    assert (folder / "noter.txt").read_text(encoding="utf-8") == "mine noter"

    a_file = tmp_path / "fil.txt"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(StudyFolderNotEmptyError, match="ikke en mappe"):
        new_study(a_file)
    assert a_file.read_text(encoding="utf-8") == "x"


def test_an_existing_empty_folder_is_fine(tmp_path):
    folder = tmp_path / "tom"
    folder.mkdir()
    new_study(folder)
    assert {p.name for p in folder.iterdir()} == FILES


def test_refuses_an_unknown_language_and_a_bad_seed_without_writing(tmp_path):
    # (A new study under data/raw/ is allowed, as the README says: tests/test_study_readme.py.)
    with pytest.raises(LovendeError) as caught:
        new_study(tmp_path / "s", language="de")
    assert str(caught.value) == "ukendt sprog 'de'; forventet: da eller en"
    assert in_language(caught.value.args[0], "en") == "unknown language 'de'; expected: da or en"
    assert not (tmp_path / "s").exists()
    with pytest.raises(LovendeError) as caught:
        new_study(tmp_path / "s", seed=-1)
    assert str(caught.value) == "seed -1 er ikke et ikke-negativt heltal"
    assert in_language(caught.value.args[0], "en") == "seed -1 is not a non-negative whole number"
    assert not (tmp_path / "s").exists()
