"""The SPSS reader (``spss.py``) on small ``.sav`` files pyreadstat writes in the test, and its value labels.

``read_sav`` keeps user-missing values as the numbers the file holds, with the labels and the declared
ranges beside them; ``labelled_responses`` turns a labelled answer into the instrument's own label. The
expected cells are the values each test writes, as text (``3.0`` is ``"3"``), row 1 the first record
(SPSS's Data View numbers its cases from 1; a ``.sav`` has no header row). The bundled instrument's
missing codes are 7 (ved ikke), 8 (ikke relevant) and 9 (ikke besvaret).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from lovende_research.errors import InputError
from lovende_research.instrument import load_instrument
from lovende_research.schemas import ResponseCodes
from lovende_research.spss import labelled_responses, read_sav
from lovende_research.tables import RawTable, frame_of, read_table

INSTRUMENT = load_instrument()
#: Every spelling of an answer a ``.sav`` may label, as the study loader gives them (scale and screen).
CODES = ResponseCodes.from_instrument(INSTRUMENT, spss=True)
KNOWN = set(CODES.scored) | set(CODES.screen)
EXPECTED_DA = "en af 7 (Ved ikke), 8 (Ikke relevant), 9 (Ikke besvaret)"
EXPECTED_EN = "one of 7 (Don't know), 8 (Not applicable), 9 (Not answered)"


def test_read_sav_keeps_user_missing_values_labels_and_ranges(tmp_path: Path) -> None:
    """Pins down ``read_sav``: names normalised (the labels' and ranges' too), numbers as typed, an empty
    number ``""``, user-missing 7 kept as 7 (read the default way it would be empty), labels stripped and
    keyed by the cell's text, a range as (low, high) and a discrete missing value as (v, v)."""
    frame = pd.DataFrame(
        {
            "Interview_ID": ["I1", "I2", "I3"],
            "Response": [3.0, 7.0, float("nan")],
            "sikker_1": [1.0, 2.0, 98.0],
        }
    )
    path = tmp_path / "codings.sav"
    pyreadstat.write_sav(
        frame,
        str(path),
        variable_value_labels={"Response": {3.0: " I nogen grad ", 7.0: "Ved ikke"}, "sikker_1": {1.0: "Ja"}},
        missing_ranges={"Response": [{"lo": 7.0, "hi": 9.0}], "sikker_1": [97.0, 98.0]},
    )
    raw = read_sav(path, "codings")
    assert raw.name == "codings" and raw.path == path and raw.is_spss
    assert raw.frame.columns.tolist() == ["interview_id", "response", "sikker_1"]
    assert raw.frame.index.tolist() == [1, 2, 3] and raw.frame.index.name == "row"
    assert raw.frame.to_numpy().tolist() == [["I1", "3", "1"], ["I2", "7", "2"], ["I3", "", "98"]]
    assert raw.value_labels == {"response": {"3": "I nogen grad", "7": "Ved ikke"}, "sikker_1": {"1": "Ja"}}
    assert raw.missing_ranges == {"response": [(7.0, 9.0)], "sikker_1": [(97.0, 97.0), (98.0, 98.0)]}
    assert all(isinstance(v, float) for ranges in raw.missing_ranges.values() for pair in ranges for v in pair)


def test_read_sav_without_labels_or_missing_values(tmp_path: Path) -> None:
    path = tmp_path / "codings.sav"
    pyreadstat.write_sav(pd.DataFrame({"interview_id": ["I1"], "response": [4.0]}), str(path))
    raw = read_table(path, "codings", ("interview_id",))  # read_table hands a .sav to read_sav
    assert raw.frame.to_numpy().tolist() == [["I1", "4"]]
    assert raw.value_labels == {} and raw.missing_ranges == {}


def test_a_file_that_is_not_spss_under_a_sav_name(tmp_path: Path) -> None:
    path = tmp_path / "codings.sav"
    path.write_bytes(b"interview_id;response\nI1;3\n")
    with pytest.raises(InputError) as raised:
        read_sav(path, "codings")
    [problem] = raised.value.problems
    assert problem.file == "codings.sav" and problem.row is None
    assert problem.render("da").startswith("codings.sav: kan ikke læses som SPSS-fil (")
    assert problem.render("da").endswith("); forventet: en .sav-fil")
    assert problem.render("en").startswith("codings.sav: cannot be read as an SPSS file (")
    assert problem.render("en").endswith("); expected: a .sav file")


def _raw(
    columns: dict[str, list[str]],
    labels: dict[str, dict[str, str]] | None = None,
    ranges: dict[str, list[tuple[float, float]]] | None = None,
    suffix: str = ".sav",
) -> RawTable:
    """A table as ``read_sav`` returns it (rows 1, 2, …), built by hand."""
    names = list(columns)
    rows = [(i, [columns[c][i - 1] for c in names]) for i in range(1, len(columns[names[0]]) + 1)]
    return RawTable(
        "codings",
        Path(f"codings{suffix}"),
        frame_of(names, rows),
        value_labels=labels or {},
        missing_ranges=ranges or {},
    )


def test_a_label_the_instrument_knows_replaces_the_number() -> None:
    """Pins down the replacement: 3 labelled "I nogen grad" and 7 labelled "Don't know" (the instrument's
    spellings, any case) become their labels; 5 labelled "Weird" (no answer of the instrument) and the
    unlabelled 2 stay numbers; a column not named stays as it is, and so does the input table."""
    raw = _raw(
        {"response": ["3", "7", "5", "2"], "note": ["3", "3", "3", "3"]},
        labels={"response": {"3": "I NOGEN grad", "7": "Don't know", "5": "Weird"}, "note": {"3": "I nogen grad"}},
    )
    out, problems = labelled_responses(raw, INSTRUMENT, KNOWN, ["response", "not_there"])
    assert out.frame["response"].tolist() == ["I NOGEN grad", "Don't know", "5", "2"]
    assert out.frame["note"].tolist() == ["3", "3", "3", "3"]
    assert out.frame.index.tolist() == [1, 2, 3, 4] and problems == []
    assert raw.frame["response"].tolist() == ["3", "7", "5", "2"]
    assert out.value_labels == raw.value_labels and out.path == raw.path


def test_a_table_that_is_not_spss_is_returned_as_it_is() -> None:
    """Labels and missing ranges mean something only in a ``.sav``; a CSV's numbers are left alone."""
    raw = _raw(
        {"response": ["98"]},
        labels={"response": {"98": "Ved ikke"}},
        ranges={"response": [(97.0, 99.0)]},
        suffix=".csv",
    )
    out, problems = labelled_responses(raw, INSTRUMENT, KNOWN, ["response"])
    assert out is raw and problems == []


def test_user_missing_values_the_instrument_knows_and_the_ones_it_cannot_name() -> None:
    """Pins down which declared values are problems. Declared 7–9 (both ends included) and 97, 98: 7 and 9
    are the instrument's spss numbers, 97 is labelled "Ved ikke" (a label it knows), so none of them is a
    problem; 98 labelled "Vil ikke svare" and the unlabelled 99 and 8.5 (inside 7–9, not a code) are; 6 and
    3 are not declared, so they are no problem even though nothing names 6."""
    raw = _raw(
        {"response": ["7", "9", "97", "98", "6", "99", "3", "8.5"]},
        labels={"response": {"97": "Ved ikke", "98": "Vil ikke svare"}},
        ranges={"response": [(7.0, 9.0), (97.0, 98.0), (99.0, 99.0)]},
    )
    out, problems = labelled_responses(raw, INSTRUMENT, KNOWN, ["response"])
    assert out.frame["response"].tolist() == ["7", "9", "Ved ikke", "98", "6", "99", "3", "8.5"]
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [
        ("codings.sav", 4, "response", "98 (Vil ikke svare)"),
        ("codings.sav", 6, "response", "99"),
        ("codings.sav", 8, "response", "8.5"),
    ]
    assert problems[0].render("da") == (
        "codings.sav, række 4, kolonne 'response': SPSS-filen erklærer værdien som manglende, men spørgeskemaet "
        f"har ingen manglende-kode med det nummer eller den etiket (fandt '98 (Vil ikke svare)'); forventet: {EXPECTED_DA}"
    )
    assert problems[1].render("en") == (
        "codings.sav, row 6, column 'response': the SPSS file declares the value missing, but the questionnaire "
        f"has no missing code with that number or label (found '99'); expected: {EXPECTED_EN}"
    )


def test_problems_of_several_item_columns_come_in_row_then_column_order() -> None:
    """A wide table's item columns, handled in the order given (``teori_2`` first), give their problems
    sorted by row, then by column, as the other checks report them."""
    raw = _raw(
        {"teori_1": ["1", "98", "98"], "teori_2": ["98", "98", "2"]},
        ranges={"teori_1": [(98.0, 98.0)], "teori_2": [(98.0, 98.0)]},
    )
    _, problems = labelled_responses(raw, INSTRUMENT, KNOWN, ["teori_2", "teori_1"])
    assert [(p.row, p.column) for p in problems] == [(1, "teori_2"), (2, "teori_1"), (2, "teori_2"), (3, "teori_1")]


def test_an_instrument_without_spss_numbers_names_no_missing_value() -> None:
    """A missing code without an ``spss`` number is left out of what a declared value may be, and out of
    the message: here the instrument's codes without their numbers, so 7 is a problem."""
    bare = replace(
        INSTRUMENT,
        missing_codes=tuple(replace(m, spss=None) for m in INSTRUMENT.missing_codes[:2]) + INSTRUMENT.missing_codes[2:],
    )
    raw = _raw({"response": ["7", "9"]}, ranges={"response": [(7.0, 9.0)]})
    _, problems = labelled_responses(raw, bare, KNOWN, ["response"])
    assert [(p.row, p.value) for p in problems] == [(1, "7")]
    assert problems[0].render("da").endswith("; forventet: en af 9 (Ikke besvaret)")
    assert problems[0].render("en").endswith("; expected: one of 9 (Not answered)")


def test_text_and_empty_cells_beside_a_declared_range_are_no_problem() -> None:
    """An SPSS text variable (a tool that stores the answers as words) and an empty number (``""``) are not
    numbers, so they fall in no declared range: left as they are, no problem, no error."""
    raw = _raw({"response": ["Ved ikke", "", "3", "8"]}, ranges={"response": [(7.0, 9.0)]})
    out, problems = labelled_responses(raw, INSTRUMENT, KNOWN, ["response"])
    assert out.frame["response"].tolist() == ["Ved ikke", "", "3", "8"] and problems == []
