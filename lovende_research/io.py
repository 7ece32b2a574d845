"""Writing outputs atomically: a reader never sees a half-written table, figure or report.

Everything is written to a temporary file in the target's own folder and then moved into place with
:func:`os.replace`, which is atomic on one file system. The project's raw folder ``data/raw/`` (every
study folder in it) is never a target: callers write under ``data/processed/`` and ``reports/``, and
:func:`refuse_raw` refuses any path that resolves under ``data/raw/``, however it is spelt (relative,
through ``..`` or a symbolic link). A study kept outside the project is read from where it lies and
written to ``data/processed/`` like any other; only the project's own raw folder is guarded here. The one
exception is a *new* study folder (:func:`create_new_files`), which replaces nothing.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from lovende_research.config import RAW_DIR
from lovende_research.errors import LovendeError, Text

if TYPE_CHECKING:
    from openpyxl import Workbook

#: What makes a spreadsheet program read a typed or imported cell as a formula ("CSV injection", OWASP):
#: a text from data that begins so is written as text, never as something Excel or LibreOffice evaluates.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def refuse_raw(target: Path) -> None:
    """Raise if ``target`` resolves under ``data/raw/``: raw data is what researchers typed, never ours to write.

    The path is resolved first, so ``data/raw/…`` relative to the working folder, ``data/processed/../raw``
    and a symbolic link into ``data/raw/`` are all refused; folders are compared whole, so
    ``data/raw_backup/`` is not.
    """
    resolved = target.resolve()
    if resolved == RAW_DIR.resolve() or RAW_DIR.resolve() in resolved.parents:
        raise LovendeError(
            Text(
                f"{target}: data/raw/ er skrivebeskyttet for programmet; skriv under data/processed/ eller reports/",
                f"{target}: data/raw/ is read-only to the program; write under data/processed/ or reports/",
            )
        )


def file_in(folder: Path, name: str) -> Path:
    """``folder / name``, refusing a ``name`` that would put the file anywhere but directly in ``folder``.

    Names built from data (a practice's page) are checked when the study is validated; this is the last
    guard where the file is written.
    """
    target = folder / name
    if Path(name).name != name or name in {"", ".", ".."} or target.resolve().parent != folder.resolve():
        raise LovendeError(
            Text(
                f"{name!r}: ikke et filnavn i {folder}; forventet et navn uden mappeskilletegn",
                f"{name!r}: not a file name in {folder}; expected a name without folder separators",
            )
        )
    return target


def atomic_write_bytes(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` via a temporary file in the same folder, then rename into place."""
    refuse_raw(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp makes files owner-only; outputs are for sharing
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def create_new_files(folder: Path, files: dict[str, bytes]) -> Path:
    """Write ``files`` into ``folder``, a folder that is new or empty, never replacing anything.

    This is the one write allowed under ``data/raw/``: it makes a *new* study for a researcher to fill
    in (``lovende new-study``), and it cannot touch one that exists. Each file is written aside and then
    hard-linked into place, which fails if the name exists, so a file that appears meanwhile is kept and
    the call stops. On any failure the files this call made are removed again, and the folder too if
    this call made it.

    Raises
    ------
    FileExistsError
        If a file of ``files`` appeared in ``folder`` while writing (nothing of it is replaced).
    """
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for name, data in files.items():
            target = file_in(folder, name)
            handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                os.chmod(temporary, 0o666 & ~_UMASK)
                os.link(temporary, target)
            finally:
                Path(temporary).unlink(missing_ok=True)
            written.append(target)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        if created and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
        raise
    return folder


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_text(value: object) -> object:
    """A cell for a CSV file: text that a spreadsheet would evaluate gets a leading ``'``, as OWASP advises.

    Numbers (``-3``, ``+4.5``) are left as they are: a spreadsheet reads them as numbers, not formulas.

    >>> [csv_text(v) for v in ["=1+2", "@SUM(A1)", "-3", "P03-L", 7]]
    ["'=1+2", "'@SUM(A1)", '-3', 'P03-L', 7]
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


def csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with :func:`csv_text` applied to every text cell, column by column (fast on a million rows)."""
    safe = frame.copy()
    for name in safe.columns:
        column = safe[name]
        if column.dtype != object and not pd.api.types.is_string_dtype(column):
            continue
        text = column.astype(str)
        risky = text.str.startswith(FORMULA_STARTS)
        if risky.any():
            numeric = pd.to_numeric(text.where(risky), errors="coerce").notna()
            safe.loc[risky & ~numeric, name] = "'" + text[risky & ~numeric]
    return safe


def text_cells(workbook: "Workbook") -> "Workbook":
    """Every text cell of ``workbook`` that begins like a formula made a text cell (and returned).

    openpyxl stores a string that begins with ``=`` as a live formula; typed as text, with the cell's
    quote prefix set (what Excel sets when a user types ``'=…``), it is shown and kept as the characters,
    and the cell's value reads back unchanged.
    """
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
                    cell.quotePrefix = True
    return workbook


def atomic_write_text(target: Path, text: str) -> Path:
    return atomic_write_bytes(target, text.encode("utf-8"))


def write_json(target: Path, data: Any) -> Path:
    """JSON with sorted keys and a final newline, so reruns give identical bytes."""
    return atomic_write_text(target, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n")


def write_parquet(frame: pd.DataFrame, target: Path) -> Path:
    """A frame as Parquet, written atomically; the index is dropped unless it carries information."""
    import io

    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=not isinstance(frame.index, pd.RangeIndex), engine="pyarrow")
    return atomic_write_bytes(target, buffer.getvalue())
