"""What every coding sheet shares: the instrument's rows, and dropdowns that accept only its answers.

The template workbook of ``lovende new-study`` (:mod:`lovende_research.templates`), the per-coder
workbooks of ``lovende workbooks`` (:mod:`lovende_research.coder_workbooks`) and the consensus sheet
(:mod:`lovende_research.consensus_sheet`) all let a coder pick an answer from a list. The lists are the
instrument's own labels, so what a coder picks is what :func:`lovende_research.study.validate_study`
accepts; they sit on a hidden sheet and the validations reference those ranges rather than inline
strings, since Excel caps an inline list at 255 characters and splits it at commas, and a label may
hold either.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from lovende_research.i18n import phrase
from lovende_research.instrument import Instrument

PHRASES = {
    "lists_sheet": ("Svarlister", "Answer lists"),
    "lists_scored": ("Svar på spørgsmål", "Answers to items"),
    "lists_screen": ("Svar på screeningsspørgsmål", "Answers to the screen item"),
    "screen_element": ("Sikker praksis (screening, indgår ikke i scoren)", "Proven practice (screen, not scored)"),
    "error_title": ("Ugyldigt svar", "Invalid answer"),
    "error_scored": ("Vælg et svar fra listen: {labels}.", "Pick an answer from the list: {labels}."),
    "prompt_title": ("Svar", "Answer"),
    "prompt": (
        "Vælg fra listen; brug '{missing}' hellere end at lade feltet stå tomt.",
        "Pick from the list; use '{missing}' rather than leaving it blank.",
    ),
}


@dataclass(frozen=True)
class CodingRow:
    """One row of a coding block: an item, the text shown beside it, and which answer list it takes."""

    item_id: str
    element: str
    question: str
    screen: bool


@dataclass(frozen=True)
class AnswerLists:
    """The hidden answer-list sheet's name, its ranges as validation formulas, and the labels they hold."""

    sheet: str
    scored_range: str
    screen_range: str
    scored_labels: tuple[str, ...]
    screen_labels: tuple[str, ...]


def answer_labels(instrument: Instrument, language: str = "da") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The dropdown lists: scale labels then missing-code labels, and screen answers then missing-code labels.

    Examples
    --------
    >>> from lovende_research.instrument import load_instrument
    >>> scored, screen = answer_labels(load_instrument(), "da")
    >>> scored
    ('Slet ikke', 'I mindre grad', 'I nogen grad', 'I høj grad', 'Ved ikke', 'Ikke relevant', 'Ikke besvaret')
    >>> screen
    ('Ja', 'Nej', 'Ved ikke', 'Ikke relevant', 'Ikke besvaret')
    """
    missing = tuple(m.label(language) for m in instrument.missing_codes)
    scored = tuple(p.label(language) for p in instrument.scale) + missing
    screen = tuple(label(language) for _, label in instrument.screen_item.answers) + missing
    return scored, screen


def coding_rows(instrument: Instrument, language: str = "da") -> list[CodingRow]:
    """Every item in element order, then the sikker-praksis screen item: the block a coder fills in once."""
    rows = [
        CodingRow(item.id, f"{element.number}. {element.name(language)}", item.text(language), screen=False)
        for element in instrument.elements
        for item in element.items
    ]
    screen = instrument.screen_item
    rows.append(CodingRow(screen.id, phrase(PHRASES, "screen_element", language), screen.text(language), screen=True))
    return rows


def add_answer_lists(workbook: Workbook, instrument: Instrument, language: str) -> AnswerLists:
    """A hidden sheet with the scored and the screen answers, for the dropdowns to reference."""
    scored_labels, screen_labels = answer_labels(instrument, language)
    name = phrase(PHRASES, "lists_sheet", language)
    lists = workbook.create_sheet(name)
    lists.cell(1, 1, phrase(PHRASES, "lists_scored", language)).font = Font(bold=True)
    lists.cell(1, 2, phrase(PHRASES, "lists_screen", language)).font = Font(bold=True)
    for i, label in enumerate(scored_labels, start=2):
        lists.cell(i, 1, label)
    for i, label in enumerate(screen_labels, start=2):
        lists.cell(i, 2, label)
    lists.column_dimensions["A"].width = lists.column_dimensions["B"].width = 32
    lists.sheet_state = "hidden"
    # No leading '=' in a validation formula: the file format stores formulas without it.
    quoted = quote_sheetname(name)
    return AnswerLists(
        sheet=name,
        scored_range=f"{quoted}!$A$2:$A${len(scored_labels) + 1}",
        screen_range=f"{quoted}!$B$2:$B${len(screen_labels) + 1}",
        scored_labels=scored_labels,
        screen_labels=screen_labels,
    )


def add_answer_dropdowns(
    sheet: Worksheet,
    column_letter: str,
    rows: list[tuple[int, bool]],
    lists: AnswerLists,
    instrument: Instrument,
    language: str,
) -> None:
    """Dropdowns in ``column_letter`` of ``sheet``: ``rows`` are (row number, is the screen item)."""
    missing_label = instrument.missing_codes[0].label(language) if instrument.missing_codes else ""
    # Excel caps a validation's error text at 225 characters and its prompt at 255.
    for labels, formula, screen in (
        (lists.scored_labels, lists.scored_range, False),
        (lists.screen_labels, lists.screen_range, True),
    ):
        numbers = [number for number, is_screen in rows if is_screen == screen]
        if not numbers:
            continue
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle=phrase(PHRASES, "error_title", language),
            error=phrase(PHRASES, "error_scored", language, labels=" / ".join(labels))[:225],
            showInputMessage=True,
            promptTitle=phrase(PHRASES, "prompt_title", language),
            prompt=phrase(PHRASES, "prompt", language, missing=missing_label)[:255],
        )
        for first, last in runs(numbers):
            validation.add(f"{column_letter}{first}:{column_letter}{last}")
        sheet.add_data_validation(validation)


def runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Consecutive row numbers as (first, last) runs, so a validation covers ranges, not single cells.

    >>> runs([7, 8, 9, 12])
    [(7, 9), (12, 12)]
    """
    found: list[tuple[int, int]] = []
    for number in sorted(numbers):
        if found and found[-1][1] == number - 1:
            found[-1] = (found[-1][0], number)
        else:
            found.append((number, number))
    return found
