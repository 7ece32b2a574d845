"""The consensus meeting's round trip: coder conflicts out as a worksheet, agreed codes back in.

Notebook 02 lists the items where coders differ (:func:`lovende_research.scoring.coder_conflicts`), and
the meeting decides one code for each. Typing those decisions as rows of coder ``konsensus`` by hand is
where ids get mistyped, so :func:`write_consensus_sheet` (``lovende workbooks DIR --consensus``) writes
the open conflicts as one sheet, one row per interview × item, with each coder's answer beside the
question and a dropdown of the item's answers in the column ``consensus``. Filled in, the sheet is read
back as codings of coder ``konsensus`` (:data:`~lovende_research.schemas.CONSENSUS_CODERS`), which win
over the coders' own codes in :func:`~lovende_research.scoring.reconcile_coders`:

* laid in the study's ``codings/`` folder beside the coders' workbooks, it is read with them
  (:mod:`lovende_research.codings_folder`);
* for a study whose codings are one file, :func:`consensus_codings` gives the agreed codes as rows of
  the long table, to be appended to that file.

Rows left without an agreed code are not read: those items stay conflicts, decided by the stage's
``reconcile_rule``.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

from lovende_research.coder_workbooks import new_targets, output_folder
from lovende_research.coding_lists import add_answer_dropdowns, add_answer_lists
from lovende_research.config import PROCESSED_DIR
from lovende_research.errors import InputError, LovendeError, Text
from lovende_research.i18n import check_language, phrase
from lovende_research.instrument import Instrument
from lovende_research.io import atomic_write_bytes, text_cells
from lovende_research.schemas import CONSENSUS_CODERS, MAIN_DELIMITATION
from lovende_research.tables import HEADER_SEARCH_ROWS, Origin, cell_text, normalise_column

#: The column the meeting's code is typed in; its presence beside ``item_id`` marks a consensus sheet.
AGREED = "consensus"
HEADER_ROW = 4
_LEAD = ("interview_id", "practice_id", "informant_role", "delimitation_id", "item_id", "question")

PHRASES = {
    "sheet": ("konsensus", "consensus"),
    "file": ("konsensus.xlsx", "consensus.xlsx"),
    "title": ("Konsensusmøde – uenigheder mellem koderne", "Consensus meeting – disagreements between coders"),
    "short": (
        "Vælg den aftalte kode i kolonnen consensus for hver række; rækker uden aftalt kode forbliver uenigheder. "
        "Læg den udfyldte fil i studiets mappe codings/ (eller tilføj consensus_codings(fil) til kodningsfilen).",
        "Pick the agreed code in the column consensus on each row; rows left without one stay disagreements. Put "
        "the filled file in the study's folder codings/ (or append consensus_codings(file) to the codings file).",
    ),
    "no_conflicts": (
        "{study}: koderne er ikke uenige om noget spørgsmål, som mangler en konsensuskode",
        "{study}: the coders disagree on no item that lacks a consensus code",
    ),
}


def _answer_label(instrument: Instrument, language: str) -> dict[str, str]:
    """Each normalised answer (``3``, ``ved_ikke``, ``ja``) → the label the coder picked."""
    labels = {str(p.code): p.label(language) for p in instrument.scale}
    labels.update({m.id: m.label(language) for m in instrument.missing_codes})
    labels.update({code: label(language) for code, label in instrument.screen_item.answers})
    return labels


def consensus_workbook(conflicts: pd.DataFrame, instrument: Instrument, language: str = "da") -> Workbook:
    """The sheet for the meeting: one row per conflict of ``conflicts`` (:func:`coder_conflicts`, with
    interviews), each coder's answer as its label, and a dropdown of the item's answers in ``consensus``."""
    check_language(language)
    n_coders = sum(1 for c in conflicts.columns if c.startswith("coder_"))
    columns = [*_LEAD, *(f"{part}_{k}" for k in range(1, n_coders + 1) for part in ("coder", "answer")), AGREED, "note"]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = phrase(PHRASES, "sheet", language)
    lists = add_answer_lists(workbook, instrument, language)
    sheet.cell(1, 1, phrase(PHRASES, "title", language)).font = Font(bold=True, size=14)
    sheet.cell(2, 1, phrase(PHRASES, "short", language)).font = Font(italic=True)
    fill = PatternFill("solid", fgColor="DDE6F0")
    for number, name in enumerate(columns, start=1):
        cell = sheet.cell(HEADER_ROW, number, name)
        cell.font, cell.fill = Font(bold=True), fill
        sheet.column_dimensions[cell.column_letter].width = 60 if name == "question" else 16
    labels = _answer_label(instrument, language)
    open_cell = Protection(locked=False)
    agreed_at, screen = columns.index(AGREED) + 1, instrument.screen_item.id
    for number, record in enumerate(conflicts.to_dict("records"), start=HEADER_ROW + 1):
        for position, name in enumerate(columns, start=1):
            value = record.get(name)
            text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
            sheet.cell(number, position, labels.get(text, text) if name.startswith("answer_") else text)
        sheet.cell(number, columns.index("question") + 1).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(number, agreed_at).protection = open_cell
        sheet.cell(number, agreed_at + 1).protection = open_cell
    letter = get_column_letter(agreed_at)
    rows = [
        (number, record["item_id"] == screen)
        for number, record in enumerate(conflicts.to_dict("records"), start=HEADER_ROW + 1)
    ]
    add_answer_dropdowns(sheet, letter, rows, lists, instrument, language)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.protection.sheet = True  # no password: it keeps the listed conflicts from slips, not from the meeting
    return text_cells(workbook)


def write_consensus_sheet(
    study_dir: Path, out: Path | None = None, processed_base: Path = PROCESSED_DIR, language: str | None = None
) -> Path:
    """Write the open coder conflicts of the study in ``study_dir`` as the consensus meeting's sheet.

    Parameters
    ----------
    study_dir : Path
        A study that validates, codings included.
    out : Path or None
        The folder to write ``konsensus.xlsx`` (``consensus.xlsx`` in English) to; by default
        ``<processed_base>/<study>/kodeark/``. Never inside a study folder.
    processed_base : Path
        ``data/processed/`` unless given.
    language : str or None
        The sheet's language; by default the study's.

    Returns
    -------
    Path
        The sheet written.
    """
    from lovende_research.scoring import coder_conflicts
    from lovende_research.study import Study

    study = Study.load(study_dir)
    language = check_language(language or study.config.language)
    conflicts = coder_conflicts(study.codings, study.instrument, study.interviews, delimitation=None, language=language)
    conflicts = conflicts[~conflicts["resolved"].astype(bool)]
    if conflicts.empty:
        raise LovendeError(phrase(PHRASES, "no_conflicts", language, study=study_dir))
    folder = output_folder(study, out, processed_base, language)
    buffer = io.BytesIO()
    consensus_workbook(conflicts, study.instrument, language).save(buffer)
    return atomic_write_bytes(new_targets(folder, [phrase(PHRASES, "file", language)], language)[0], buffer.getvalue())


def is_consensus_header(names: list[str]) -> bool:
    """Whether a header row (normalised names) is the consensus sheet's."""
    return {"interview_id", "item_id", AGREED} <= set(names)


def consensus_rows(
    rows: list[list[str]], header: int, names: list[str], file: str, sheet: str
) -> list[tuple[list[str], Origin]]:
    """The agreed codes of a filled consensus sheet (``rows`` as text, ``header`` its index) as long
    codings of coder ``konsensus`` (interview, coder, item, response, note, delimitation), with where each was typed."""
    position = {
        name: names.index(name)
        for name in ("interview_id", "item_id", "delimitation_id", AGREED, "note")
        if name in names
    }
    found = []
    for number, cells in enumerate(rows[header + 1 :], start=header + 2):
        cells = cells + [""] * (len(names) - len(cells))
        agreed = cells[position[AGREED]]
        if not agreed or not cells[position["item_id"]]:
            continue
        delimitation = cells[position["delimitation_id"]] if "delimitation_id" in position else ""
        note = cells[position["note"]] if "note" in position else ""
        where = Origin(number, cells={"response": (number, AGREED)}, file=file, sheet=sheet)
        found.append(([cells[position["interview_id"]], CONSENSUS_CODERS[0], cells[position["item_id"]], agreed, note,
                       "" if delimitation == MAIN_DELIMITATION else delimitation], where))  # fmt: skip
    return found


def consensus_codings(path: Path) -> pd.DataFrame:
    """The agreed codes of a filled consensus sheet as rows of the long codings table.

    For a study whose codings are one file (``codings.csv``, ``.xlsx`` or ``.sav``): append these rows
    to it. Columns: ``interview_id``, ``coder_id`` (``konsensus``), ``item_id``, ``response`` (the label
    picked, which the study reads like the code), ``note``, ``delimitation_id`` (empty for the main one).
    """
    from lovende_research.codings_folder import COLUMNS

    path = Path(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or mislabelled file
        raise InputError.single(
            path.name,
            Text(
                f"kan ikke læses som Excel-fil ({type(exc).__name__})",
                f"cannot be read as an Excel file ({type(exc).__name__})",
            ),
        ) from None
    try:
        for sheet in workbook.worksheets:
            rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
                names = [normalise_column(c) for c in cells]
                if is_consensus_header(names):
                    found = consensus_rows(rows, index, names, path.name, sheet.title)
                    return pd.DataFrame([cells for cells, _ in found], columns=list(COLUMNS), dtype=object)
    finally:
        workbook.close()
    raise InputError.single(path.name, Text("intet ark er konsensusmødets ark", "no sheet is the consensus meeting's sheet"),
                            expected=Text("arket fra lovende workbooks --consensus", "the sheet from lovende workbooks --consensus"))  # fmt: skip
