"""Empty-study templates: what ``lovende new-study DIR`` writes for a researcher to fill in.

A mapping goes wrong most often before any statistic runs: a column typed under the wrong name, a
coder who writes "3 (nogenlunde)" where the scale says "I nogen grad", a blank cell that nobody can
tell apart from "ved ikke". The templates therefore carry the contract of ``docs/study-format.md``
into the files themselves: the CSV headers come from :data:`lovende_research.schemas.TABLES`, the
coding workbook is generated from the instrument, and its ``response`` cells only accept the
instrument's own labels through an Excel dropdown, so what a coder picks is what
:func:`lovende_research.study.validate_study` accepts.

The folder is new: :func:`new_study` refuses a folder that already holds anything, and writes each
file through :func:`lovende_research.io.create_new_files`, which never replaces a file. That is why it
may write under ``data/raw/``, where the README puts a researcher's study: it creates one there, and
can never change one that exists.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> scratch = tempfile.TemporaryDirectory()
>>> folder = new_study(Path(scratch.name) / "min_kortlaegning", title="Kortlægning af børneindsatser")
>>> sorted(p.name for p in folder.iterdir())  # doctest: +NORMALIZE_WHITESPACE
['README.md', 'candidates.csv', 'codings.xlsx', 'delimitations.csv', 'interviews.csv',
 'screening.csv', 'study.yml']
>>> (folder / "interviews.csv").read_text(encoding="utf-8").strip()
'interview_id;practice_id;informant_id;informant_role;date;duration_minutes'
>>> scratch.cleanup()
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lovende_research.coding_lists import PHRASES as LIST_PHRASES
from lovende_research.coding_lists import CodingRow, add_answer_dropdowns, add_answer_lists, coding_rows
from lovende_research.errors import LovendeError, Text
from lovende_research.i18n import check_language, phrase
from lovende_research.instrument import Instrument, load_instrument
from lovende_research.io import create_new_files, text_cells
from lovende_research.schemas import CONSENSUS_CODERS, MAIN_DELIMITATION, TABLES
from lovende_research.template_texts import INSTRUCTIONS, INSTRUMENT_ROW, README, STUDY_YML

#: The seed written into a new ``study.yml``. Any non-negative integer will do; what matters is that
#: it is fixed before the first random step (selection for interview) and never changed afterwards.
DEFAULT_SEED = 2017

#: The sheet the coding workbook's table sits on (the reader prefers a sheet named like the table).
CODINGS_SHEET = "codings"
#: Spreadsheet row of the codings header: a title block sits above it. The reader in
#: :mod:`lovende_research.tables` looks for the header in the first 30 rows.
HEADER_ROW = 6
#: File name a user-supplied instrument is copied to, so ``study.yml`` can name it relative to the folder.
INSTRUMENT_COPY = "instrument.yml"

#: Columns of the coding sheet, in order. ``element`` and ``question`` are for the coder's eyes only
#: (the loader keeps unknown columns and ignores them); every column of ``TABLES["codings"]`` is here,
#: which ``tests/test_templates.py`` checks.
CODING_COLUMNS: tuple[str, ...] = (
    "interview_id",
    "coder_id",
    "item_id",
    "element",
    "question",
    "response",
    "note",
    "delimitation_id",
)
_COLUMN_WIDTHS = {
    "interview_id": 14,
    "coder_id": 12,
    "item_id": 16,
    "element": 30,
    "question": 70,
    "response": 22,
    "note": 40,
    "delimitation_id": 16,
}

# Rows written below, per language: (dansk, english).
PHRASES = {
    "title_placeholder": ("Skriv studiets titel her", "Write the study's title here"),
    "instructions_sheet": ("Vejledning", "Instructions"),
    "sheet_title": ("Kodeskema – {title}", "Coding sheet – {title}"),
    "sheet_title_plain": ("Kodeskema", "Coding sheet"),
    "sheet_instrument": (
        "Spørgeskema: {instrument} (version {version})",
        "Questionnaire: {instrument} (version {version})",
    ),
    "sheet_short": (
        "Udfyld interview_id og coder_id i hver række, og vælg et svar i rullelisten i kolonnen response. "
        "Se arket '{sheet}'. Kun pseudonymer – aldrig rigtige navne.",
        "Fill interview_id and coder_id on every row and pick an answer from the dropdown in the response "
        "column. See the sheet '{sheet}'. Pseudonyms only – never real names.",
    ),
}

#: CSV separator per language: Danish Excel splits ``;`` files into columns (and writes decimal
#: commas), English Excel ``,`` files. The reader in :mod:`lovende_research.tables` sniffs either.
_CSV_SEPARATOR = {"da": ";", "en": ","}


class StudyFolderNotEmptyError(LovendeError):
    """``new-study`` was pointed at something that already holds files; nothing was written or touched."""

    def __init__(self, target: Path, entries: list[str]):
        self.target, self.entries = target, entries
        if not target.is_dir():
            what = ("findes allerede og er ikke en mappe", "exists already and is not a folder")
        else:
            shown = ", ".join(entries[:5]) + (", …" if len(entries) > 5 else "")
            what = (
                f"findes allerede og er ikke tom ({len(entries)} element{'er' if len(entries) != 1 else ''}: {shown})",
                f"exists already and is not empty ({len(entries)} entr{'ies' if len(entries) != 1 else 'y'}: {shown})",
            )
        super().__init__(
            Text(
                f"{target}: {what[0]}; new-study skriver kun i en ny eller tom mappe og rører ikke eksisterende filer. Vælg en ny mappe.",
                f"{target}: {what[1]}; new-study writes only into a new or empty folder and touches no existing file. Choose a new folder.",
            )
        )


def new_study(
    target: Path,
    *,
    language: str = "da",
    instrument_path: Path | None = None,
    title: str | None = None,
    seed: int = DEFAULT_SEED,
) -> Path:
    """Write an empty study folder at ``target`` with every template a researcher fills in.

    The folder gets ``study.yml``, header-only ``candidates.csv``, ``screening.csv``,
    ``interviews.csv`` and ``delimitations.csv``, the coding workbook ``codings.xlsx`` generated from
    the instrument, and a ``README.md``. With ``instrument_path`` the instrument is validated, copied
    into the folder as ``instrument.yml`` and named in ``study.yml``, so the study carries its own
    questionnaire; otherwise the bundled working version is used.

    Parameters
    ----------
    target : Path
        The new study folder, anywhere (``data/raw/`` included). It may exist only as an empty folder.
    language : str
        ``"da"`` or ``"en"``: the language of reports, the workbook's texts and answer labels, the README.
    instrument_path : Path or None
        An instrument YAML to use instead of the bundled one.
    title : str or None
        The study's title; ``None`` writes a placeholder to be replaced.
    seed : int
        The seed written into ``study.yml`` (a non-negative integer).

    Returns
    -------
    Path
        ``target``.

    Raises
    ------
    StudyFolderNotEmptyError
        If ``target`` exists and is not an empty folder.
    LovendeError
        For an unknown language, a bad instrument or a negative seed.
    """
    target = Path(target)
    check_language(language)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise LovendeError(
            Text(f"seed {seed!r} er ikke et ikke-negativt heltal", f"seed {seed!r} is not a non-negative whole number")
        )
    instrument = load_instrument(instrument_path)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        entries = sorted(p.name for p in target.iterdir()) if target.is_dir() else []
        raise StudyFolderNotEmptyError(target, entries)
    shown_title = title.strip() if title and title.strip() else phrase(PHRASES, "title_placeholder", language)
    instrument_name = "bundled" if instrument_path is None else INSTRUMENT_COPY

    files: dict[str, bytes] = {
        "study.yml": study_yml(shown_title, language, instrument_name, seed).encode("utf-8"),
        **{
            f"{name}.csv": csv_header(name, language).encode("utf-8")
            for name, spec in TABLES.items()
            if name != "codings" and not spec.screening_decision
        },
        "codings.xlsx": coding_workbook_bytes(instrument, language, title.strip() if title else ""),
        "README.md": readme(shown_title, language, instrument_path).encode("utf-8"),
    }
    if instrument_path is not None:
        files[INSTRUMENT_COPY] = Path(instrument_path).read_bytes()

    try:
        create_new_files(target, files)
    except FileExistsError as exc:
        entries = sorted(p.name for p in target.iterdir()) if target.is_dir() else []
        raise StudyFolderNotEmptyError(target, entries) from exc
    return target


def study_yml(title: str, language: str, instrument: str, seed: int) -> str:
    """The commented ``study.yml``; values are JSON-quoted, which YAML reads as double-quoted strings."""
    return STUDY_YML[check_language(language)].format(
        title=json.dumps(title, ensure_ascii=False),
        language=language,
        instrument=instrument if instrument == "bundled" else json.dumps(instrument, ensure_ascii=False),
        seed=int(seed),
    )


def csv_header(table: str, language: str = "da") -> str:
    """The header row of ``table``'s CSV template: its required then optional columns, as in ``TABLES``.

    Examples
    --------
    >>> csv_header("screening", "en")
    'practice_id,screener_id,criterion,decision,reason,note,reconciled_decision\\r\\n'
    """
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=_CSV_SEPARATOR[check_language(language)]).writerow(TABLES[table].columns)
    return buffer.getvalue()


def readme(title: str, language: str, instrument_path: Path | None = None) -> str:
    """The folder's short README in ``language``."""
    row = (
        ""
        if instrument_path is None
        else INSTRUMENT_ROW[language].format(name=INSTRUMENT_COPY, source=f"`{Path(instrument_path).name}`")
    )
    return README[check_language(language)].format(title=title, instrument_row=row)


def coding_workbook(instrument: Instrument, language: str = "da", title: str = "") -> Workbook:
    """The coding workbook: sheet ``codings`` with dropdown-validated responses, instructions, answer lists."""
    check_language(language)
    rows = coding_rows(instrument, language)
    instructions_name = phrase(PHRASES, "instructions_sheet", language)

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = CODINGS_SHEET

    # Title block above the header.
    heading = (
        phrase(PHRASES, "sheet_title", language, title=title)
        if title
        else phrase(PHRASES, "sheet_title_plain", language)
    )
    sheet.cell(1, 1, heading).font = Font(bold=True, size=14)
    sheet.cell(
        2,
        1,
        phrase(
            PHRASES, "sheet_instrument", language, instrument=instrument.title(language), version=instrument.version
        ),
    )
    if instrument.note(language):
        sheet.cell(3, 1, instrument.note(language)).font = Font(italic=True)
    sheet.cell(4, 1, phrase(PHRASES, "sheet_short", language, sheet=instructions_name))

    header_fill = PatternFill("solid", fgColor="DDE6F0")
    for column, name in enumerate(CODING_COLUMNS, start=1):
        cell = sheet.cell(HEADER_ROW, column, name)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        sheet.column_dimensions[cell.column_letter].width = _COLUMN_WIDTHS[name]
    position = {name: i for i, name in enumerate(CODING_COLUMNS, start=1)}
    grey = Font(color="555555")
    for offset, row in enumerate(rows, start=1):
        number = HEADER_ROW + offset
        sheet.cell(number, position["item_id"], row.item_id)
        sheet.cell(number, position["element"], row.element).font = grey
        question = sheet.cell(number, position["question"], row.question)
        question.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1).coordinate

    lists = add_answer_lists(workbook, instrument, language)
    response_letter = get_column_letter(position["response"])
    add_answer_dropdowns(
        sheet,
        response_letter,
        [(HEADER_ROW + i, row.screen) for i, row in enumerate(rows, start=1)],
        lists,
        instrument,
        language,
    )

    _instructions_sheet(
        workbook.create_sheet(instructions_name, index=1),
        instrument,
        language,
        rows,
        phrase(LIST_PHRASES, "lists_sheet", language),
    )
    workbook.active = 0
    return text_cells(workbook)  # an item text or note from the instrument never becomes a formula


def _instructions_sheet(
    sheet: Worksheet, instrument: Instrument, language: str, rows: list[CodingRow], lists_name: str
) -> None:
    """One paragraph per row, wrapped in a wide column: readable in Excel and LibreOffice alike."""
    missing = [m.label(language) for m in instrument.missing_codes]
    quoted = [f"'{label}'" for label in missing]
    joiner = " eller " if language == "da" else " or "
    fields = {
        "rows": len(rows),
        "first": HEADER_ROW + 1,
        "last": HEADER_ROW + len(rows),
        "scale": " < ".join(f"{p.label(language)} ({p.code})" for p in instrument.scale),
        "missing": (", ".join(quoted[:-1]) + joiner + quoted[-1]) if len(quoted) > 1 else "".join(quoted),
        "dont_know": missing[0] if missing else "",
        "screen_id": instrument.screen_item.id,
        "screen_answers": "/".join(label(language) for _, label in instrument.screen_item.answers),
        "consensus": CONSENSUS_CODERS[0] if language == "da" else CONSENSUS_CODERS[1],
        "main": MAIN_DELIMITATION,
        "lists": lists_name,
        "instrument": instrument.title(language),
        "version": instrument.version,
        "note": instrument.note(language),
    }
    sheet.column_dimensions["A"].width = 110
    for number, paragraph in enumerate(INSTRUCTIONS[language], start=1):
        cell = sheet.cell(number, 1, paragraph.format(**fields).strip())
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if number == 1:
            cell.font = Font(bold=True, size=14)


def coding_workbook_bytes(instrument: Instrument, language: str = "da", title: str = "") -> bytes:
    """:func:`coding_workbook` saved to ``.xlsx`` bytes, ready for an atomic write."""
    buffer = io.BytesIO()
    coding_workbook(instrument, language, title).save(buffer)
    return buffer.getvalue()
