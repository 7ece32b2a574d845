"""Coding workbooks per coder: one workbook per coder, one sheet per interview (``lovende workbooks``).

The template workbook of ``new-study`` holds one block of items, so a coder copied it by hand for
every interview (620 rows for 20 interviews) and typed the interview and coder ids on every row. Here
each coder gets a workbook of their own with one sheet per interview in ``interviews`` (and one per
alternative delimitation of its practice in ``delimitations``), the sheet pre-filled with what the
coder must not get wrong: the interview, the coder, the practice, the informant's role and the
delimitation (its id, empty for the main one, and its text), then the instrument's items
with a dropdown of the scale and the missing codes in the answer column. The fixed cells are protected
(without a password: the protection guards against slips, not against the coder), so only the answers
and notes can be typed, and a progress cell counts the items answered.

Put the filled workbooks in a folder ``codings/`` of the study; :mod:`lovende_research.codings_folder`
reads it as the codings table. The workbooks are written outside the study (by default under
``data/processed/<study>/kodeark/``), each file atomically, and never into a study folder.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection

from lovende_research.coding_lists import AnswerLists, add_answer_dropdowns, add_answer_lists, coding_rows
from lovende_research.config import PROCESSED_DIR
from lovende_research.errors import LovendeError, in_language
from lovende_research.i18n import check_language, phrase
from lovende_research.instrument import Instrument
from lovende_research.io import atomic_write_bytes, text_cells
from lovende_research.schemas import CONSENSUS_CODERS, SAFE_ID, SAFE_ID_EXPECTED

if TYPE_CHECKING:
    from lovende_research.study import Study  # imported where used: study imports the readers, a cycle

#: The key block at the top of every interview sheet: the name in column A, the value in column B.
#: The reader finds a coding sheet by these names, so they are the table's column names, not labels.
#: ``delimitation_id`` is empty on the sheet of the practice's main delimitation.
KEY_ROWS: dict[str, int] = {
    "interview_id": 3,
    "coder_id": 4,
    "practice_id": 5,
    "informant_role": 6,
    "delimitation_id": 7,
    "delimitation": 8,
}
#: Where the progress cell sits (column B of this row), counting the answers typed below.
PROGRESS_ROW = 9
#: The header row of the items; the items follow directly under it.
HEADER_ROW = 11
#: Columns of the item block, in order; only ``response`` and ``note`` are open for typing.
ITEM_COLUMNS: tuple[str, ...] = ("item_id", "element", "question", "response", "note")
_WIDTHS = {"A": 18, "B": 30, "C": 70, "D": 22, "E": 40}
#: The folder the workbooks go to under ``data/processed/<study>/`` unless ``out`` is given.
DEFAULT_FOLDER = "kodeark"
#: Excel refuses these in a sheet name and caps it at 31 characters.
_SHEET_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")

PHRASES = {
    "title": (
        "Kodeark – interview {interview} – koder {coder}",
        "Coding sheet – interview {interview} – coder {coder}",
    ),
    "short": (
        "Vælg et svar i rullelisten i kolonnen response for hvert spørgsmål; brug en manglende-kode hellere end "
        "at lade feltet stå tomt. Kun pseudonymer – aldrig rigtige navne, heller ikke i note.",
        "Pick an answer from the dropdown in the response column for every item; use a missing code rather than "
        "leaving it blank. Pseudonyms only – never real names, not in note either.",
    ),
    "progress": ("besvaret", "answered"),
    "of": ("af {n} spørgsmål", "of {n} items"),
    "file": ("kodeark_{coder}.xlsx", "codings_{coder}.xlsx"),
    "no_coders": ("angiv mindst én koder, fx --coders K1,K2", "name at least one coder, e.g. --coders K1,K2"),
    "bad_coder": (
        "koder-id {coder!r} kan ikke bruges: forventet {expected}",
        "coder id {coder!r} cannot be used: expected {expected}",
    ),
    "consensus_coder": (
        "{coder!r} er reserveret til konsensuskoder (lovende workbooks --consensus skriver arket til konsensusmødet)",
        "{coder!r} is reserved for consensus codes (lovende workbooks --consensus writes the consensus meeting's sheet)",
    ),
    "no_interviews": (
        "{study}: interviews har ingen interview at lave kodeark til",
        "{study}: interviews holds no interview to make coding sheets for",
    ),
    "taken": (
        "{folder}: {files} findes allerede (måske i gang med at blive udfyldt); intet er skrevet. Flyt filerne, eller vælg en anden --out",
        "{folder}: {files} exist already (perhaps being filled in); nothing was written. Move the files, or choose another --out",
    ),
    "inside_study": (
        "{out}: ligger i studiemappen {study}; kodearkene skrives uden for den (kopiér de udfyldte til {study}/codings/)",
        "{out}: lies inside the study folder {study}; the workbooks are written outside it (copy the filled ones to {study}/codings/)",
    ),
}


def coder_ids(text: str | Sequence[str], language: str = "da") -> list[str]:
    """The coders of ``--coders K1,K2``, checked: ids that can name a file, none reserved for consensus.

    >>> coder_ids("K1, K2")
    ['K1', 'K2']
    """
    coders = [c.strip() for c in (text.split(",") if isinstance(text, str) else text) if c.strip()]
    if not coders:
        raise LovendeError(phrase(PHRASES, "no_coders", language))
    for coder in coders:
        if not SAFE_ID.fullmatch(coder):
            raise LovendeError(
                phrase(PHRASES, "bad_coder", language, coder=coder, expected=in_language(SAFE_ID_EXPECTED, language))
            )
        if coder.casefold() in CONSENSUS_CODERS:
            raise LovendeError(phrase(PHRASES, "consensus_coder", language, coder=coder))
    return list(dict.fromkeys(coders))


def sheet_titles(interview_ids: Sequence[str]) -> list[str]:
    """A sheet name per interview: the id, made a name Excel accepts (unique, at most 31 characters).

    The reader takes the interview from the sheet's key block, not from its name, so a shortened name
    loses nothing.

    >>> sheet_titles(["I01", "a/b", "x" * 40, "X" * 40])
    ['I01', 'a_b', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXX~2']
    """
    used: set[str] = set()
    titles = []
    for interview in interview_ids:
        base = _SHEET_FORBIDDEN.sub("_", interview).strip("'") or "interview"
        title, n = base[:31], 1
        while title.casefold() in used:
            n += 1
            title = f"{base[: 31 - len(str(n)) - 1]}~{n}"
        used.add(title.casefold())
        titles.append(title)
    return titles


def coder_workbook(coder: str, interviews: pd.DataFrame, instrument: Instrument, language: str = "da") -> Workbook:
    """One coder's workbook: a protected, pre-filled sheet per row of ``interviews``.

    ``interviews`` (:func:`interviews_for_workbooks`) has a row per sheet: ``interview_id``,
    ``practice_id``, ``informant_role``, ``delimitation_id`` (empty for the main delimitation) and
    ``delimitation`` (its text).
    """
    check_language(language)
    workbook = Workbook()
    first = workbook.active
    assert first is not None  # a new Workbook always has one sheet
    workbook.remove(first)
    lists = add_answer_lists(workbook, instrument, language)
    rows = coding_rows(instrument, language)
    names = (
        interviews["interview_id"].astype(str)
        + (" " + interviews["delimitation_id"].astype(str)).where(interviews["delimitation_id"] != "", "")
    ).tolist()
    for title, record in zip(sheet_titles(names), interviews.to_dict("records"), strict=True):
        _interview_sheet(workbook, title, coder, record, instrument, language, lists)
    workbook.move_sheet(lists.sheet, offset=len(workbook.sheetnames))  # the hidden lists last, the interviews first
    text_cells(workbook)  # an id, role or delimitation from the study never becomes a formula
    last = HEADER_ROW + len(rows)
    for sheet in workbook.worksheets[:-1]:
        # Added after text_cells, which would make the formula text: the one formula of the workbook.
        sheet.cell(PROGRESS_ROW, 2, f"=COUNTA(D{HEADER_ROW + 1}:D{last})")
    workbook.active = 0
    return workbook


def _interview_sheet(
    workbook: Workbook, title: str, coder: str, record: dict, instrument: Instrument, language: str, lists: AnswerLists
) -> None:
    sheet = workbook.create_sheet(title)
    rows = coding_rows(instrument, language)
    sheet.cell(1, 1, phrase(PHRASES, "title", language, interview=record["interview_id"], coder=coder)).font = Font(
        bold=True, size=14
    )
    sheet.cell(2, 1, phrase(PHRASES, "short", language)).font = Font(italic=True)
    values = {**record, "coder_id": coder}
    for name, number in KEY_ROWS.items():
        sheet.cell(number, 1, name).font = Font(bold=True)
        value = sheet.cell(number, 2, str(values.get(name, "") or ""))
        value.alignment = Alignment(wrap_text=name == "delimitation", vertical="top")
    sheet.cell(PROGRESS_ROW, 1, phrase(PHRASES, "progress", language)).font = Font(bold=True)
    sheet.cell(PROGRESS_ROW, 3, phrase(PHRASES, "of", language, n=len(rows)))

    fill = PatternFill("solid", fgColor="DDE6F0")
    for column, name in enumerate(ITEM_COLUMNS, start=1):
        cell = sheet.cell(HEADER_ROW, column, name)
        cell.font, cell.fill = Font(bold=True), fill
    grey, open_cell = Font(color="555555"), Protection(locked=False)
    for number, row in enumerate(rows, start=HEADER_ROW + 1):
        sheet.cell(number, 1, row.item_id)
        sheet.cell(number, 2, row.element).font = grey
        sheet.cell(number, 3, row.question).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(number, 4).protection = open_cell
        sheet.cell(number, 5).protection = open_cell
    for letter, width in _WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    add_answer_dropdowns(
        sheet, "D", [(HEADER_ROW + i, row.screen) for i, row in enumerate(rows, start=1)], lists, instrument, language
    )
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.protection.sheet = True  # no password: it keeps the fixed cells from slips, not from the coder


def interviews_for_workbooks(study: Study) -> pd.DataFrame:
    """A row per sheet: each interview under its practice's main delimitation (its text from
    ``candidates``), then under each alternative delimitation of the practice in ``delimitations``."""
    main = study.interviews[["interview_id", "practice_id", "informant_role"]].copy()
    main["delimitation_id"] = ""
    main["delimitation"] = main["practice_id"].map(study.candidates.set_index("practice_id")["delimitation"]).fillna("")
    if study.delimitations is None or study.delimitations.empty:
        return main
    alternatives = study.delimitations.assign(
        delimitation=study.delimitations["label"]
        + (": " + study.delimitations["description"]).where(study.delimitations["description"] != "", "")
    )[["practice_id", "delimitation_id", "delimitation"]]
    other = study.interviews[["interview_id", "practice_id", "informant_role"]].merge(alternatives, on="practice_id")
    order = {interview: n for n, interview in enumerate(study.interviews["interview_id"])}
    frame = pd.concat([main, other], ignore_index=True)
    frame = frame.assign(_order=frame["interview_id"].map(order), _alternative=frame["delimitation_id"] != "")
    return (
        frame.sort_values(["_order", "_alternative", "delimitation_id"], kind="stable")
        .drop(columns=["_order", "_alternative"])
        .reset_index(drop=True)
    )


def output_folder(study: Study, out: Path | None, processed_base: Path, language: str) -> Path:
    """Where a study's workbooks go: ``out``, or ``<processed_base>/<study>/kodeark/``; never into the study."""
    folder = Path(out) if out is not None else processed_base / study.name / DEFAULT_FOLDER
    inside = folder.resolve()
    if inside == study.path or study.path in inside.parents:
        raise LovendeError(phrase(PHRASES, "inside_study", language, out=folder, study=study.path))
    return folder


def new_targets(folder: Path, names: list[str], language: str) -> list[Path]:
    """``folder / name`` for each name, refusing all of them if any exists: a coder may already be typing
    into a workbook written before, and a second run must not wipe out their answers."""
    targets = [folder / name for name in names]
    taken = [target.name for target in targets if target.exists()]
    if taken:
        raise LovendeError(phrase(PHRASES, "taken", language, folder=folder, files=", ".join(taken)))
    return targets


def write_coder_workbooks(
    study_dir: Path,
    coders: str | Sequence[str],
    out: Path | None = None,
    processed_base: Path = PROCESSED_DIR,
    language: str | None = None,
) -> list[Path]:
    """Write one workbook per coder for the study in ``study_dir``; return their paths.

    Parameters
    ----------
    study_dir : Path
        The study; its interviews must validate (codings are not read).
    coders : str or sequence of str
        Coder ids, ``"K1,K2"`` as on the command line.
    out : Path or None
        The folder to write to; by default ``<processed_base>/<study>/kodeark/``. Never inside a study folder.
    processed_base : Path
        ``data/processed/`` unless given.
    language : str or None
        The sheets' language; by default the study's.

    Returns
    -------
    list of Path
        One ``kodeark_<coder>.xlsx`` (``codings_<coder>.xlsx`` in English) per coder, in the order given.
    """
    from lovende_research.study import Study

    study = Study.load(study_dir, stage="workbooks")
    language = check_language(language or study.config.language)
    names = coder_ids(coders, language)
    if study.interviews.empty:
        raise LovendeError(phrase(PHRASES, "no_interviews", language, study=study_dir))
    folder = output_folder(study, out, processed_base, language)
    targets = new_targets(folder, [phrase(PHRASES, "file", language, coder=coder) for coder in names], language)
    interviews = interviews_for_workbooks(study)
    written = []
    for coder, target in zip(names, targets, strict=True):
        buffer = io.BytesIO()
        coder_workbook(coder, interviews, study.instrument, language).save(buffer)
        written.append(atomic_write_bytes(target, buffer.getvalue()))
    return written
