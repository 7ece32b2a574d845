"""A folder ``codings/`` of coders' workbooks, read as the study's codings table.

``lovende workbooks`` writes one workbook per coder with one sheet per interview
(:mod:`lovende_research.coder_workbooks`); the coders fill them in, in Excel or LibreOffice, and put
them in the study's ``codings/`` folder. This reader takes every sheet that has the key block
(``interview_id`` and ``coder_id`` in column A) and the item header (``item_id`` and ``response``), and
turns each item row into a row of the long codings table, whose interview and coder come from the
sheet's key block. Other sheets (the hidden answer lists) are passed over. Each row remembers its
workbook, sheet and spreadsheet row (:class:`~lovende_research.tables.Origin`), so every problem found
later names the file *and* the sheet, the row and the column the coder sees.

A sheet in which no item is answered yet is one problem (the sheet is not coded yet), not a blank
per item; a sheet with some answers is checked in full, so a forgotten item is a blank cell at its row.
The filled sheet of a consensus meeting (:mod:`lovende_research.consensus_sheet`) may lie in the same
folder; its agreed codes are read as codings of coder ``konsensus``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lovende_research.errors import InputError, Problem, Text
from lovende_research.tables import HEADER_SEARCH_ROWS, Origin, RawTable, cell_text, normalise_column

#: The folder of a study that holds the workbooks.
FOLDER = "codings"
#: The long table's columns, as this reader fills them.
COLUMNS: tuple[str, ...] = ("interview_id", "coder_id", "item_id", "response", "note", "delimitation_id")
_KEYS = ("interview_id", "coder_id")


def workbook_files(folder: Path) -> list[Path]:
    """The workbooks of ``folder``, in name order; lock files that Excel (``~$…``) and LibreOffice
    (``.~lock.…#``) leave beside an open file, and other hidden files, are not workbooks."""
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))


def read_codings_folder(folder: Path) -> tuple[RawTable, list[Problem]]:
    """Every coding sheet of every workbook in ``folder`` as one long codings table, and the problems
    that belong to no single cell (a file that is no workbook, a sheet not coded yet, no sheet at all)."""
    from openpyxl import load_workbook

    from lovende_research.consensus_sheet import consensus_rows, is_consensus_header

    label = f"{FOLDER}/"
    records: list[list[str]] = []
    origin: dict[int, Origin] = {}
    problems: list[Problem] = []
    files = workbook_files(folder)
    for path in files:
        name = f"{FOLDER}/{path.name}"
        if path.suffix.lower() != ".xlsx":
            problems.append(
                Problem(
                    name,
                    Text("filen er ikke en Excel-projektmappe", "the file is not an Excel workbook"),
                    expected=Text("kun .xlsx-filer i codings/", "only .xlsx files in codings/"),
                )
            )
            continue
        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged or mislabelled file
            problems.append(
                Problem(
                    name,
                    Text(
                        f"kan ikke læses som Excel-fil ({type(exc).__name__})",
                        f"cannot be read as an Excel file ({type(exc).__name__})",
                    ),
                    expected=Text("en .xlsx-fil", "an .xlsx file"),
                )
            )
            continue
        try:
            coded_sheets = 0
            for sheet in workbook.worksheets:
                rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
                header = _header_row(rows)
                if header is None:
                    continue
                names = [normalise_column(c) for c in rows[header]]
                if is_consensus_header(names):
                    found = consensus_rows(rows, header, names, name, sheet.title)
                else:
                    found, sheet_problems = _coder_rows(rows, header, names, name, sheet.title)
                    problems.extend(sheet_problems)
                coded_sheets += 1
                for cells, where in found:
                    records.append(cells)
                    origin[len(records)] = where
        finally:
            workbook.close()
        if not coded_sheets:
            problems.append(
                Problem(
                    name,
                    Text("ingen ark i projektmappen er et kodeark", "no sheet of the workbook is a coding sheet"),
                    expected=Text(
                        "ark lavet med lovende workbooks (interview_id og coder_id øverst, item_id og response over spørgsmålene)",
                        "sheets made by lovende workbooks (interview_id and coder_id at the top, item_id and response above the items)",
                    ),
                )
            )
    if not files:
        problems.append(
            Problem(
                label,
                Text("mappen er tom", "the folder is empty"),
                expected=Text(
                    "kodernes projektmapper (lovende workbooks)", "the coders' workbooks (lovende workbooks)"
                ),
            )
        )
    frame = pd.DataFrame(records, columns=list(COLUMNS), index=pd.Index(list(origin), name="row"), dtype=object)
    return RawTable("codings", folder, frame, origin=origin), problems


def _header_row(rows: list[list[str]]) -> int | None:
    """The index of the first row among the first ones naming ``item_id`` (the item block's header)."""
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if "item_id" in {normalise_column(c) for c in cells}:
            return index
    return None


def _coder_rows(
    rows: list[list[str]], header: int, names: list[str], file: str, sheet: str
) -> tuple[list[tuple[list[str], Origin]], list[Problem]]:
    """One coder's sheet of one interview: its item rows as long codings, each with where it was typed."""
    keys = {
        normalise_column(cells[0]): (index + 1, cells[1] if len(cells) > 1 else "")
        for index, cells in enumerate(rows[:header])
        if cells
    }
    missing = [key for key in _KEYS if key not in keys]
    missing += [column for column in ("item_id", "response") if column not in names]
    if missing:
        return [], [
            Problem(
                file,
                Text(f"arket mangler {', '.join(missing)}", f"the sheet lacks {', '.join(missing)}"),
                sheet=sheet,
                expected=Text(
                    "et kodeark lavet med lovende workbooks, med dets faste celler urørte",
                    "a coding sheet made by lovende workbooks, its fixed cells untouched",
                ),
            )
        ]
    position = {column: names.index(column) for column in ("item_id", "response", "note") if column in names}
    found = []
    for number, cells in enumerate(rows[header + 1 :], start=header + 2):
        cells = cells + [""] * (len(names) - len(cells))
        item = cells[position["item_id"]]
        if not item:
            continue
        response = cells[position["response"]]
        note = cells[position["note"]] if "note" in position else ""
        where = Origin(
            number,
            cells={key: (keys[key][0], key) for key in (*_KEYS, "delimitation_id") if key in keys},
            file=file,
            sheet=sheet,
        )
        delimitation = keys["delimitation_id"][1] if "delimitation_id" in keys else ""
        found.append(([keys["interview_id"][1], keys["coder_id"][1], item, response, note, delimitation], where))
    if found and not any(cells[3] for cells, _ in found):
        return [], [
            Problem(
                file,
                Text(
                    f"arket er ikke udfyldt endnu (0 af {len(found)} spørgsmål besvaret)",
                    f"the sheet is not filled in yet (0 of {len(found)} items answered)",
                ),
                sheet=sheet,
                column="response",
                expected=Text(
                    "et svar på hvert spørgsmål, eller fjern arket", "an answer to every item, or remove the sheet"
                ),
            )
        ]
    return found, []


def has_codings_folder(study_dir: Path) -> bool:
    """Whether the study keeps its codings as a folder of workbooks."""
    return (study_dir / FOLDER).is_dir()


def codings_folder_conflict(file: Path) -> InputError:
    """``codings/`` beside a ``codings.*`` file: one table in two places."""
    return InputError.single(
        file.name,
        Text(
            f"tabellen 'codings' findes både som {file.name} og som mappen {FOLDER}/",
            f"the table 'codings' is both {file.name} and the folder {FOLDER}/",
        ),
        expected=Text("præcis én af dem", "exactly one of them"),
    )
