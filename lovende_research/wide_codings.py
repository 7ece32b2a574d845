"""Codings in the wide layout survey tools export: one row per interview × coder, one column per item.

A survey tool or a coder's own spreadsheet lays the codings out as ``interview_id``, ``coder_id`` and
one column per item of the instrument (``teori_1``, ``teori_2``, …, and the screen item), each cell an
answer. The study's tables are long (one row per interview × coder × item, see ``docs/study-format.md``),
so a wide table is turned long here, before it is validated, and each long row remembers the
spreadsheet row and item column it came from (:attr:`~lovende_research.tables.RawTable.origin`): a
problem is then reported in the cell the user sees, not in a ``response`` column the file does not have.

A table is wide when it has ``interview_id`` and ``coder_id`` and at least one item column, but no
``item_id`` or ``response``. ``delimitation_id`` and ``note``, when present, hold for every item of
their row.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from lovende_research.errors import Problem
from lovende_research.instrument import Instrument
from lovende_research.tables import Origin, RawTable

#: Columns that say which interview and coder a wide row is.
WIDE_KEYS: tuple[str, ...] = ("interview_id", "coder_id")
#: Columns of a wide row that hold for all of its items.
_SHARED = ("delimitation_id", "note")


def item_columns(raw: RawTable, instrument: Instrument) -> list[str]:
    """The item columns of ``raw`` if it is a wide codings table, else ``[]``."""
    columns = list(raw.frame.columns)
    if not set(WIDE_KEYS) <= set(columns) or {"item_id", "response"} & set(columns):
        return []
    items = (*instrument.item_ids, instrument.screen_item.id)
    return [item for item in items if item in columns]


def long_codings(raw: RawTable, items: list[str]) -> RawTable:
    """A wide codings table (``items`` its item columns) as the long table, with each row's origin.

    Examples
    --------
    >>> from pathlib import Path
    >>> wide = pd.DataFrame({"interview_id": ["I1"], "coder_id": ["K1"], "teori_1": ["3"], "teori_2": ["Ved ikke"]}, index=[2])
    >>> long = long_codings(RawTable("codings", Path("codings.csv"), wide), ["teori_1", "teori_2"])
    >>> long.frame[["item_id", "response"]].values.tolist()
    [['teori_1', '3'], ['teori_2', 'Ved ikke']]
    >>> long.origin[2]
    Origin(row=2, cells={'response': (2, 'teori_2'), 'item_id': (2, 'teori_2')}, file=None, sheet=None)
    """
    wide = raw.frame
    shared = [c for c in (*WIDE_KEYS, *_SHARED) if c in wide.columns]
    records: list[list[str]] = []
    origin: dict[int, Origin] = {}
    for row, cells in zip(wide.index, wide.to_dict("records"), strict=True):
        for item in items:
            records.append([str(cells[c]) for c in shared] + [item, str(cells[item])])
            origin[len(records)] = Origin(int(row), {"response": (int(row), item), "item_id": (int(row), item)})
    frame = pd.DataFrame(
        records, columns=[*shared, "item_id", "response"], index=pd.Index(list(origin), name="row"), dtype=object
    )
    return replace(raw, frame=frame, origin=origin)


def located(problems: list[Problem], raw: RawTable) -> list[Problem]:
    """``problems`` found in the long form of a table read in another layout (wide, or a folder of
    workbooks), moved to the file, sheet, row and column the user sees."""
    if not raw.origin:
        return problems
    moved = []
    for problem in problems:
        origin = raw.origin.get(problem.row) if problem.row is not None else None
        if origin is not None:
            row, column = origin.cells.get(problem.column or "", (origin.row, problem.column))
            problem = replace(problem, row=row, column=column, file=origin.file or problem.file, sheet=origin.sheet)
        moved.append(problem)
    return moved
