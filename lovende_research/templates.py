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
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from lovende_research.errors import LovendeError
from lovende_research.i18n import check_language, phrase
from lovende_research.instrument import Instrument, load_instrument
from lovende_research.io import create_new_files, text_cells
from lovende_research.schemas import CONSENSUS_CODERS, MAIN_DELIMITATION, TABLES

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
    "lists_sheet": ("Svarlister", "Answer lists"),
    "instructions_sheet": ("Vejledning", "Instructions"),
    "lists_scored": ("Svar på spørgsmål", "Answers to items"),
    "lists_screen": ("Svar på screeningsspørgsmål", "Answers to the screen item"),
    "screen_element": ("Sikker praksis (screening, indgår ikke i scoren)", "Proven practice (screen, not scored)"),
    "sheet_title": ("Kodeskema – {title}", "Coding sheet – {title}"),
    "sheet_title_plain": ("Kodeskema", "Coding sheet"),
    "sheet_instrument": ("Spørgeskema: {instrument} (version {version})", "Questionnaire: {instrument} (version {version})"),
    "sheet_short": (
        "Udfyld interview_id og coder_id i hver række, og vælg et svar i rullelisten i kolonnen response. "
        "Se arket '{sheet}'. Kun pseudonymer – aldrig rigtige navne.",
        "Fill interview_id and coder_id on every row and pick an answer from the dropdown in the response "
        "column. See the sheet '{sheet}'. Pseudonyms only – never real names.",
    ),
    "error_title": ("Ugyldigt svar", "Invalid answer"),
    "error_scored": ("Vælg et svar fra listen: {labels}.", "Pick an answer from the list: {labels}."),
    "prompt_title": ("Svar", "Answer"),
    "prompt": ("Vælg fra listen; brug '{missing}' hellere end at lade feltet stå tomt.", "Pick from the list; use '{missing}' rather than leaving it blank."),
}

# The instructions sheet, one paragraph per row. ``{…}`` fields are filled from the instrument.
INSTRUCTIONS: dict[str, tuple[str, ...]] = {
    "da": (
        "Vejledning til kodeskemaet",
        "Hvert spørgsmål i spørgeskemaet har én række på arket 'codings'. En koder scorer hvert spørgsmål ud fra "
        "interviewet: hvad siger informanten, og hvad viser materialet?",
        "1. Én blok pr. koder pr. interview. Enten udfylder hver koder sin egen kopi af denne projektmappe pr. "
        "interview, og rækkerne samles bagefter på ét ark i codings.xlsx; eller man kopierer hele blokken af "
        "rækker ({rows} rækker: række {first}–{last}) ned under sig selv én gang pr. interview og koder. "
        "Studiet læser ét kodeark: arket 'codings' i codings.xlsx.",
        "2. Skriv interview_id (som i interviews.csv) og coder_id (koderens pseudonym, fx K1) i hver eneste række.",
        "3. Vælg svaret i rullelisten i kolonnen response. Skalaen er: {scale}.",
        "4. Lad aldrig et svar stå tomt. Brug {missing}: et tomt felt kan ikke skelnes fra et glemt, og "
        "'{dont_know}' tælles aldrig som 0 – scoren viser i stedet, hvor mange spørgsmål der er besvaret.",
        "5. Spørgsmålet {screen_id} om sikker praksis besvares med {screen_answers} (eller en af "
        "manglende-koderne). Det indgår ikke i scoren for lovende praksis, men markerer praksisser, hvis "
        "evidens en fagperson bør se på.",
        "6. Kun pseudonymer. Skriv aldrig navne på informanter, borgere eller medarbejdere – heller ikke i note.",
        "7. Når koderne er blevet enige, kan den fælles kode skrives med coder_id '{consensus}'; den vinder over "
        "koderens egne.",
        "8. delimitation_id lades tom for praksissens hovedafgrænsning ('{main}'). Koder I under en alternativ "
        "afgrænsning, skrives dens id fra delimitations.csv.",
        "9. Ret ikke i kolonnerne item_id, element og question, flyt ikke overskriftsrækken, og omdøb ikke arket "
        "'codings'. Arket '{lists}' (skjult) rummer rullelisternes svar; ret heller ikke i det.",
        "Spørgeskemaet: {instrument} (version {version}). {note}",
        "Kontrollér studiet med: lovende validate <mappe>. Formatet er beskrevet i docs/study-format.md i lovende-research.",
    ),
    "en": (
        "Instructions for the coding sheet",
        "Every questionnaire item has one row on the sheet 'codings'. A coder scores every item from the "
        "interview: what does the informant say, and what does the material show?",
        "1. One block per coder per interview. Either each coder fills in their own copy of this workbook per "
        "interview and the rows are then gathered on one sheet in codings.xlsx, or the whole block of rows "
        "({rows} rows: rows {first}–{last}) is copied down below itself once per interview and coder. The "
        "study reads one coding sheet: the sheet 'codings' in codings.xlsx.",
        "2. Fill in interview_id (as in interviews.csv) and coder_id (the coder's pseudonym, e.g. K1) on every row.",
        "3. Pick the answer from the dropdown in the response column. The scale is: {scale}.",
        "4. Never leave an answer blank. Use {missing}: a blank cell cannot be told apart from a forgotten one, "
        "and '{dont_know}' is never scored as 0 – the score reports how many items were answered instead.",
        "5. The proven-practice item {screen_id} is answered {screen_answers} (or one of the missing codes). It "
        "is not part of the promising-practice score, but flags practices whose evidence an expert should review.",
        "6. Pseudonyms only. Never write names of informants, citizens or staff – not in note either.",
        "7. When the coders have agreed, the agreed code can be written with coder_id '{consensus}'; it wins over "
        "the coders' own.",
        "8. Leave delimitation_id empty for the practice's main delimitation ('{main}'). When coding under an "
        "alternative delimitation, write its id from delimitations.csv.",
        "9. Do not edit the columns item_id, element and question, do not move the header row, and do not "
        "rename the sheet 'codings'. The (hidden) sheet '{lists}' holds the dropdowns' answers; leave it as it is.",
        "The questionnaire: {instrument} (version {version}). {note}",
        "Check the study with: lovende validate <folder>. The format is described in docs/study-format.md in lovende-research.",
    ),
}

STUDY_YML: dict[str, str] = {
    "da": """\
# Studiets opsætning, skrevet af `lovende new-study`.
# Hver nøgle er beskrevet i docs/study-format.md i lovende-research.

# Studiets titel, vist i hver rapport (påkrævet).
title: {title}

# Rapporternes sprog: da eller en.
language: {language}

# Spørgeskemaet: 'bundled' (arbejdsversionen, der følger med lovende-research; ikke det officielle
# måleredskab) eller en sti til en instrument-YAML, relativt til denne mappe.
instrument: {instrument}

# Studiets seed til alle tilfældige trin (udvælgelse til interview, bootstrap).
# Fastlæg det før første udvælgelse, og ret det ikke bagefter.
seed: {seed}

# true kun for simulerede data; rapporterne siger det så på hver side.
synthetic: false

# Fri tekst, vist i metodebilaget.
notes: ""

# Notebook-parametre til `lovende run`, pr. trin, fx  screening: {{n_select: 14}}
parameters: {{}}

# true: fritekstnoter (screenings- og kodernoter, beskrivelser) læses med og kan stå på siderne.
# Som standard udelades de, for et navn skrives let ind i en note.
show_notes: false

# Tekster (fx navne), der skjules overalt i studiets filer, som [skjult 1], [skjult 2], …
redact: []
""",
    "en": """\
# The study's settings, written by `lovende new-study`.
# Every key is described in docs/study-format.md in lovende-research.

# The study's title, shown in every report (required).
title: {title}

# The language of reports: da or en.
language: {language}

# The questionnaire: 'bundled' (lovende-research's own working version, not the official measuring
# tool) or a path to an instrument YAML, relative to this folder.
instrument: {instrument}

# The study's seed for every random step (selection for interview, bootstrap).
# Fix it before the first selection and do not change it afterwards.
seed: {seed}

# true only for simulated data; reports then say so on every page.
synthetic: false

# Free text, shown in the methods appendix.
notes: ""

# Notebook parameters for `lovende run`, per stage, e.g.  screening: {{n_select: 14}}
parameters: {{}}

# true: free-text notes (screening and coder notes, descriptions) are read and may appear on pages.
# By default they are left out, since a name is easily typed into a note.
show_notes: false

# Texts (names, say) masked wherever they occur in the study's files, as [skjult 1], [skjult 2], …
redact: []
""",
}

README: dict[str, str] = {
    "da": """\
# {title}

En studiemappe til en kortlægning af lovende praksis med lovende-research. Filerne er tomme skabeloner;
udfyld dem, og kontrollér mappen med `lovende validate <mappe>`. Hver fil og kolonne er beskrevet i
`docs/study-format.md` i lovende-research.

| fil | indhold |
|---|---|
| `study.yml` | studiets titel, sprog, spørgeskema, seed og noter |
| `candidates.csv` | kataloget over kandidatpraksisser: én række pr. praksis |
| `screening.csv` | to screeneres uafhængige vurderinger: én række pr. praksis × screener × kriterium |
| `interviews.csv` | hvem der er interviewet om hvilken praksis – **kun pseudonymer** |
| `codings.xlsx` | kodeskemaet: én række pr. interview × koder × spørgsmål; se arket 'Vejledning' |
| `delimitations.csv` | valgfri: alternative afgrænsninger af en praksis (slet filen, hvis I ikke bruger den) |
{instrument_row}
CSV-filerne er UTF-8 og semikolonseparerede, som dansk Excel gemmer dem; decimalkomma er tilladt.
Tabellerne må også gemmes som `.xlsx` (fx `candidates.xlsx`), men kun én fil pr. tabel.

Efter oprettelsen skriver programmet aldrig i denne mappe: resultater lægges under `data/processed/` og `reports/`.
""",
    "en": """\
# {title}

A study folder for a mapping of promising practice with lovende-research. The files are empty
templates; fill them in and check the folder with `lovende validate <folder>`. Every file and column is
described in `docs/study-format.md` in lovende-research.

| file | contents |
|---|---|
| `study.yml` | the study's title, language, questionnaire, seed and notes |
| `candidates.csv` | the catalogue of candidate practices: one row per practice |
| `screening.csv` | two screeners' independent decisions: one row per practice × screener × criterion |
| `interviews.csv` | who was interviewed about which practice – **pseudonyms only** |
| `codings.xlsx` | the coding sheet: one row per interview × coder × item; see the sheet 'Instructions' |
| `delimitations.csv` | optional: alternative delimitations of a practice (delete it if unused) |
{instrument_row}
The CSV files are UTF-8 and comma separated. A table may also be saved as `.xlsx` (e.g.
`candidates.xlsx`), but only one file per table.

Once created, the folder is never written to by the software: results go under `data/processed/` and `reports/`.
""",
}
_INSTRUMENT_ROW = {
    "da": "| `{name}` | spørgeskemaet, kopieret fra {source} |\n",
    "en": "| `{name}` | the questionnaire, copied from {source} |\n",
}

#: CSV separator per language: Danish Excel splits ``;`` files into columns (and writes decimal
#: commas), English Excel ``,`` files. The reader in :mod:`lovende_research.tables` sniffs either.
_CSV_SEPARATOR = {"da": ";", "en": ","}


class StudyFolderNotEmptyError(LovendeError):
    """``new-study`` was pointed at something that already holds files; nothing was written or touched."""

    def __init__(self, target: Path, entries: list[str]):
        self.target, self.entries = target, entries
        if not target.is_dir():
            what = "findes allerede og er ikke en mappe"
        else:
            shown = ", ".join(entries[:5]) + (", …" if len(entries) > 5 else "")
            what = f"findes allerede og er ikke tom ({len(entries)} element{'er' if len(entries) != 1 else ''}: {shown})"
        super().__init__(
            f"{target}: {what}; new-study skriver kun i en ny eller tom mappe og rører ikke eksisterende filer. "
            "Vælg en ny mappe."
        )


@dataclass(frozen=True)
class _Row:
    """One row of the coding block: an item, the text shown beside it, and which answer list it takes."""

    item_id: str
    element: str
    question: str
    screen: bool


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
        raise LovendeError(f"seed {seed!r} er ikke et ikke-negativt heltal")
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
    row = "" if instrument_path is None else _INSTRUMENT_ROW[language].format(name=INSTRUMENT_COPY, source=f"`{Path(instrument_path).name}`")
    return README[check_language(language)].format(title=title, instrument_row=row)


def answer_labels(instrument: Instrument, language: str = "da") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The dropdown lists: scale labels then missing-code labels, and screen answers then missing-code labels.

    Examples
    --------
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


def coding_rows(instrument: Instrument, language: str = "da") -> list[_Row]:
    """Every item in element order, then the sikker-praksis screen item: the block a coder fills in once."""
    rows = [
        _Row(item.id, f"{element.number}. {element.name(language)}", item.text(language), screen=False)
        for element in instrument.elements
        for item in element.items
    ]
    screen = instrument.screen_item
    rows.append(_Row(screen.id, phrase(PHRASES, "screen_element", language), screen.text(language), screen=True))
    return rows


def coding_workbook(instrument: Instrument, language: str = "da", title: str = "") -> Workbook:
    """The coding workbook: sheet ``codings`` with dropdown-validated responses, instructions, answer lists.

    The answer lists sit on their own hidden sheet and the validations reference those ranges rather
    than inline strings: Excel caps an inline list at 255 characters and splits it at commas, and a
    label may hold either.
    """
    check_language(language)
    rows = coding_rows(instrument, language)
    scored_labels, screen_labels = answer_labels(instrument, language)
    lists_name = phrase(PHRASES, "lists_sheet", language)
    instructions_name = phrase(PHRASES, "instructions_sheet", language)

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = CODINGS_SHEET

    # Title block above the header.
    heading = phrase(PHRASES, "sheet_title", language, title=title) if title else phrase(PHRASES, "sheet_title_plain", language)
    sheet.cell(1, 1, heading).font = Font(bold=True, size=14)
    sheet.cell(2, 1, phrase(PHRASES, "sheet_instrument", language, instrument=instrument.title(language), version=instrument.version))
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

    # Answer lists on their own sheet; the validations point at them.
    lists = workbook.create_sheet(lists_name)
    lists.cell(1, 1, phrase(PHRASES, "lists_scored", language)).font = Font(bold=True)
    lists.cell(1, 2, phrase(PHRASES, "lists_screen", language)).font = Font(bold=True)
    for i, label in enumerate(scored_labels, start=2):
        lists.cell(i, 1, label)
    for i, label in enumerate(screen_labels, start=2):
        lists.cell(i, 2, label)
    lists.column_dimensions["A"].width = lists.column_dimensions["B"].width = 32
    lists.sheet_state = "hidden"
    # No leading '=' in a validation formula: the file format stores formulas without it.
    quoted = quote_sheetname(lists_name)
    scored_range = f"{quoted}!$A$2:$A${len(scored_labels) + 1}"
    screen_range = f"{quoted}!$B$2:$B${len(screen_labels) + 1}"

    missing_label = instrument.missing_codes[0].label(language) if instrument.missing_codes else ""
    response_letter = get_column_letter(position["response"])
    # Excel caps a validation's error text at 225 characters and its prompt at 255.
    for labels, formula, screen in ((scored_labels, scored_range, False), (screen_labels, screen_range, True)):
        numbers = [HEADER_ROW + i for i, row in enumerate(rows, start=1) if row.screen == screen]
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
        for first, last in _runs(numbers):
            validation.add(f"{response_letter}{first}:{response_letter}{last}")
        sheet.add_data_validation(validation)

    _instructions_sheet(workbook.create_sheet(instructions_name, index=1), instrument, language, rows, lists_name)
    workbook.active = 0
    return text_cells(workbook)  # an item text or note from the instrument never becomes a formula


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Consecutive row numbers as (first, last) runs, so a validation covers ranges, not single cells.

    >>> _runs([7, 8, 9, 12])
    [(7, 9), (12, 12)]
    """
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and runs[-1][1] == number - 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs


def _instructions_sheet(sheet: Worksheet, instrument: Instrument, language: str, rows: list[_Row], lists_name: str) -> None:
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
