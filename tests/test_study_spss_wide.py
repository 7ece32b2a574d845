"""Codings as survey tools write them: SPSS user-missing values and labels, the wide layout, NFC ids.

Every ``.sav`` here is written by pyreadstat (ReadStat, the library SPSS files are read and written with
outside SPSS) with value labels and user-missing values or ranges declared, as a survey tool exports
them. The expected codings are worked out by hand from the file each test writes.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from lovende_research.study import Study, validate_study
from tests.test_study import CODINGS, INTERVIEWS, make_study, write_csv

#: The small study's codings (tests/test_study.py) as an SPSS survey tool stores them: every answer a
#: number, the scale 1–4 and the missing codes 7–9 labelled, 7–9 declared user-missing, the screen
#: item's yes/no as 1/2 with labels.
SAV_CODINGS = pd.DataFrame(
    {
        "interview_id": ["I1", "I1", "I1", "I1", "I2"],
        "coder_id": ["K1", "K1", "K2", "K1", "K1"],
        "item_id": ["teori_1", "teori_2", "teori_1", "teori_3", "teori_1"],
        "response": [3.0, 7.0, 4.0, 9.0, 2.0],
    }
)
SCALE_LABELS_DA = {
    1.0: "Slet ikke",
    2.0: "I mindre grad",
    3.0: "I nogen grad",
    4.0: "I høj grad",
    7.0: "Ved ikke",
    8.0: "Ikke relevant",
    9.0: "Ikke besvaret",
}
SCALE_LABELS_EN = {
    1.0: "Not at all",
    2.0: "To a small extent",
    3.0: "To some extent",
    4.0: "To a great extent",
    7.0: "Don't know",
    8.0: "Not applicable",
    9.0: "Not answered",
}


def _sav_study(tmp_path: Path, frame: pd.DataFrame, **spss: object) -> Path:
    study = make_study(tmp_path / "s", codings=None)
    pyreadstat.write_sav(frame, str(study / "codings.sav"), **spss)
    return study


@pytest.mark.parametrize("labels", [SCALE_LABELS_DA, SCALE_LABELS_EN], ids=["da", "en"])
def test_sav_with_user_missing_range_and_labels(tmp_path: Path, labels: dict[float, str]) -> None:
    # 7 (ved ikke) and 9 (ikke besvaret) are declared missing as the range 7–9, as SPSS exports do.
    study = _sav_study(
        tmp_path,
        SAV_CODINGS,
        variable_value_labels={"response": labels},
        missing_ranges={"response": [{"lo": 7.0, "hi": 9.0}]},
    )
    assert validate_study(study) == []
    codings = Study.load(study).codings
    # By hand from SAV_CODINGS: 3, ved_ikke, 4, ikke_besvaret, 2.
    assert codings["value"].tolist() == [3, pd.NA, 4, pd.NA, 2]
    assert codings["missing_code"].tolist() == [pd.NA, "ved_ikke", pd.NA, "ikke_besvaret", pd.NA]


def test_sav_labels_decide_when_the_numbers_differ_from_the_instrument(tmp_path: Path) -> None:
    # A tool that numbers the missing answers 97/98/99 (declared missing one by one): the labels name them.
    frame = SAV_CODINGS.assign(response=[3.0, 97.0, 4.0, 99.0, 2.0])
    labels = {3.0: "I nogen grad", 4.0: "I høj grad", 2.0: "I mindre grad", 97.0: "Ved ikke", 99.0: "Ikke besvaret"}
    study = _sav_study(
        tmp_path, frame, variable_value_labels={"response": labels}, missing_ranges={"response": [97.0, 99.0]}
    )
    assert validate_study(study) == []
    assert Study.load(study).codings["missing_code"].tolist() == [pd.NA, "ved_ikke", pd.NA, "ikke_besvaret", pd.NA]


def test_sav_user_missing_value_the_instrument_cannot_name(tmp_path: Path) -> None:
    frame = SAV_CODINGS.assign(response=[3.0, 98.0, 4.0, 2.0, 2.0])
    study = _sav_study(
        tmp_path,
        frame,
        variable_value_labels={"response": {98.0: "Vil ikke svare"}},
        missing_ranges={"response": [{"lo": 97.0, "hi": 99.0}]},
    )
    problems = validate_study(study)
    ours = [p for p in problems if "erklærer" in p.problem]
    # Row 2 of the data (the second record; pyreadstat's first record is row 1).
    assert [(p.file, p.row, p.column, p.value) for p in ours] == [("codings.sav", 2, "response", "98 (Vil ikke svare)")]


def test_sav_screen_item_yes_no_labels(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "interview_id": ["I1", "I1"],
            "coder_id": ["K1", "K2"],
            "item_id": ["sikker_1", "sikker_1"],
            "response": [1.0, 2.0],
        }
    )
    study = _sav_study(tmp_path, frame, variable_value_labels={"response": {1.0: "Ja", 2.0: "Nej"}})
    assert validate_study(study) == []
    assert Study.load(study).codings["screen_answer"].tolist() == ["ja", "nej"]


# --- the wide layout ------------------------------------------------------------------------------------

#: The small study's codings laid out wide: one row per interview × coder, one column per item.
WIDE: list[list[object]] = [
    ["interview_id", "coder_id", "teori_1", "teori_2", "sikker_1"],
    ["I1", "K1", "3", "Ved ikke", "nej"],
    ["I1", "K2", "I høj grad", "2", "ja"],
    ["I2", "K1", "4", "1", "nej"],
]
#: By hand from WIDE: (interview, coder, item) → (value, missing code, screen answer).
WIDE_LONG = {
    ("I1", "K1", "teori_1"): (3, None, None), ("I1", "K1", "teori_2"): (None, "ved_ikke", None), ("I1", "K1", "sikker_1"): (None, None, "nej"),
    ("I1", "K2", "teori_1"): (4, None, None), ("I1", "K2", "teori_2"): (2, None, None), ("I1", "K2", "sikker_1"): (None, None, "ja"),
    ("I2", "K1", "teori_1"): (4, None, None), ("I2", "K1", "teori_2"): (1, None, None), ("I2", "K1", "sikker_1"): (None, None, "nej"),
}  # fmt: skip


def _long(study: Path) -> dict[tuple[str, str, str], tuple[object, object, object]]:
    codings = Study.load(study).codings
    none = lambda v: None if pd.isna(v) else v  # noqa: E731
    return {
        (r.interview_id, r.coder_id, r.item_id): (none(r.value), none(r.missing_code), none(r.screen_answer))
        for r in codings.itertuples()
    }


def _wide_file(study: Path, kind: str, rows: list[list[object]]) -> None:
    if kind == "csv":
        write_csv(study / "codings.csv", rows, delimiter=";")
    elif kind == "xlsx":
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["Kodeskema"])  # a title block above the header, as coders' sheets have
        sheet.append([])
        for row in rows:
            sheet.append(row)
        workbook.save(study / "codings.xlsx")
    else:
        frame = pd.DataFrame(rows[1:], columns=rows[0])
        numbers = {"Ved ikke": 7.0, "I høj grad": 4.0, "nej": 2.0, "ja": 1.0}
        for item in ("teori_1", "teori_2", "sikker_1"):
            frame[item] = [numbers.get(v, None) or float(v) for v in frame[item]]
        pyreadstat.write_sav(
            frame, str(study / "codings.sav"),
            variable_value_labels={"teori_2": {7.0: "Ved ikke"}, "sikker_1": {1.0: "Ja", 2.0: "Nej"}},
            missing_ranges={"teori_2": [{"lo": 7.0, "hi": 9.0}]},
        )  # fmt: skip


@pytest.mark.parametrize("kind", ["csv", "xlsx", "sav"])
def test_wide_codings_are_read_as_the_long_table(tmp_path: Path, kind: str) -> None:
    study = make_study(tmp_path / "s", codings=None)
    _wide_file(study, kind, WIDE)
    assert validate_study(study) == []
    assert _long(study) == WIDE_LONG


def test_a_bad_cell_of_a_wide_sheet_is_named_by_its_row_and_item_column(tmp_path: Path) -> None:
    rows = [list(r) for r in WIDE]
    rows[2][3] = "måske"  # I1 × K2, teori_2: spreadsheet row 3
    study = make_study(tmp_path / "s", codings=None)
    _wide_file(study, "csv", rows)
    problems = validate_study(study)
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [("codings.csv", 3, "teori_2", "måske")]


# --- Unicode normalisation ------------------------------------------------------------------------------


def test_an_id_typed_in_nfd_matches_the_same_id_in_nfc(tmp_path: Path) -> None:
    # "Å" as A + combining ring (NFD, as macOS keyboards and file names write it) in codings only.
    nfc, nfd = "IÅ1", unicodedata.normalize("NFD", "IÅ1")
    assert nfc != nfd
    interviews = [list(r) for r in INTERVIEWS] + [[nfc, "P1", "P1-S", "samarbejdspartner", "2017-03-03"]]
    codings = [list(r) for r in CODINGS] + [[nfd, "K1", "teori_1", "2", ""]]
    study = make_study(tmp_path / "s", interviews=interviews, codings=codings)
    assert validate_study(study) == []
    assert nfc in set(Study.load(study).codings["interview_id"])
