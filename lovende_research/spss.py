"""SPSS ``.sav`` files as survey tools write them: user-missing values, missing ranges and value labels.

A survey tool (SurveyXact, Qualtrics, SPSS itself) stores an answer as a number with a value label
("2 = I mindre grad", "1 = Ja") and declares the codes for "don't know" or "not answered" as
*user-missing*, often as a range (7 through 9). Read the default way, pyreadstat turns user-missing
values into empty cells, so every "ved ikke" would be reported as a blank. This reader keeps them
(``user_missing=True``) and keeps the labels and the declared ranges beside the cells, and
:func:`labelled_responses` turns a labelled number into the instrument's own answer:

* a value whose label is a spelling of an answer of the instrument (a scale or screen label, a
  missing code's label, in Danish or English) becomes that label, so the file's own labels decide;
* a value the file declares user-missing and the instrument knows by its ``spss`` number (7, 8, 9 in
  the bundled instrument) is left as that number, which :class:`~lovende_research.schemas.ResponseCodes`
  reads as the missing code for ``.sav`` files;
* a user-missing value that neither names is one problem naming the row and what the instrument has.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Sequence

import pandas as pd

from lovende_research.errors import InputError, Problem, Text
from lovende_research.instrument import Instrument
from lovende_research.schemas import fold
from lovende_research.tables import RawTable, cell_text, frame_of, normalise_column


def read_sav(path: Path, table: str) -> RawTable:
    """``path`` as text cells with user-missing values kept, plus its value labels and missing ranges."""
    import pyreadstat

    try:
        data, meta = pyreadstat.read_sav(str(path), user_missing=True)
    except Exception as exc:  # pyreadstat raises its own error types for damaged files
        raise InputError.single(
            path.name,
            Text(f"kan ikke læses som SPSS-fil ({exc})", f"cannot be read as an SPSS file ({exc})"),
            expected=Text("en .sav-fil", "a .sav file"),
        ) from None
    header = [normalise_column(c) for c in data.columns]
    body = [(i, [cell_text(v) for v in record]) for i, record in enumerate(data.itertuples(index=False), start=1)]
    labels = {
        normalise_column(column): {cell_text(value): str(label).strip() for value, label in value_labels.items()}
        for column, value_labels in (meta.variable_value_labels or {}).items()
    }
    ranges = {
        normalise_column(column): [(float(r["lo"]), float(r["hi"])) for r in declared]  # type: ignore[index]  # pyreadstat types an entry as a value or a range; missing_ranges holds ranges only
        for column, declared in (meta.missing_ranges or {}).items()
    }
    return RawTable(table, path, frame_of(header, body), value_labels=labels, missing_ranges=ranges)


def labelled_responses(
    raw: RawTable, instrument: Instrument, known: set[str], columns: Sequence[str]
) -> tuple[RawTable, list[Problem]]:
    """``raw`` with each labelled answer replaced by its label where the label is an answer in ``known``.

    Parameters
    ----------
    raw : RawTable
        A table read by :func:`read_sav` (others are returned unchanged).
    instrument : Instrument
        The study's instrument: its missing codes' ``spss`` numbers are the user-missing values it knows.
    known : set of str
        Every folded spelling of an answer (:class:`~lovende_research.schemas.ResponseCodes`' keys).
    columns : sequence of str
        The columns holding answers: ``response``, or the item columns of a wide layout.

    Returns
    -------
    (RawTable, list of Problem)
        The table, and one problem per user-missing value that is neither a known label nor a missing
        code's ``spss`` number.
    """
    if not raw.is_spss:
        return raw, []
    frame = raw.frame.copy()
    problems: list[Problem] = []
    for column in columns:
        if column in frame.columns:
            frame[column], found = _labelled_column(raw, column, instrument, known)
            problems.extend(found)
    return replace(raw, frame=frame), sorted(problems, key=lambda p: (p.row or 0, p.column or ""))


def _labelled_column(
    raw: RawTable, column: str, instrument: Instrument, known: set[str]
) -> tuple[pd.Series, list[Problem]]:
    labels = raw.value_labels.get(column, {})
    folded_labels = (
        dict(zip(labels, fold(pd.Series(list(labels.values()), dtype=object)), strict=True)) if labels else {}
    )
    usable = {value: labels[value] for value, folded in folded_labels.items() if folded in known}
    cells = raw.frame[column].astype(str)
    spss_codes = {float(m.spss) for m in instrument.missing_codes if m.spss is not None}
    numbers = pd.to_numeric(cells, errors="coerce")
    declared = pd.Series(False, index=cells.index)
    for low, high in raw.missing_ranges.get(column, ()):
        declared |= numbers.between(low, high)
    unknown = declared & ~cells.isin(list(usable)) & ~numbers.isin(spss_codes)
    expected = Text(
        "en af " + ", ".join(f"{m.spss} ({m.label.da})" for m in instrument.missing_codes if m.spss is not None),
        "one of " + ", ".join(f"{m.spss} ({m.label.en})" for m in instrument.missing_codes if m.spss is not None),
    )
    problems = [
        Problem(
            raw.file,
            Text(
                "SPSS-filen erklærer værdien som manglende, men spørgeskemaet har ingen manglende-kode med det nummer eller den etiket",
                "the SPSS file declares the value missing, but the questionnaire has no missing code with that number or label",
            ),
            expected=expected,
            row=int(row),
            column=column,
            value=f"{value} ({labels[value]})" if value in labels else value,
        )
        for row, value in cells[unknown].items()
    ]
    return cells.map(lambda value: usable.get(value, value)), problems
