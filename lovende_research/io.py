"""Writing outputs atomically: a reader never sees a half-written table, figure or report.

Everything is written to a temporary file in the target's own folder and then moved into place with
:func:`os.replace`, which is atomic on one file system. Raw study folders are never a target: callers
write under ``data/processed/`` and ``reports/`` only, and :func:`refuse_raw` guards that.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from lovende_research.config import RAW_DIR
from lovende_research.errors import LovendeError


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def refuse_raw(target: Path) -> None:
    """Raise if ``target`` lies under ``data/raw/``: raw data is what researchers typed, never ours to write."""
    resolved = target.resolve()
    if resolved == RAW_DIR.resolve() or RAW_DIR.resolve() in resolved.parents:
        raise LovendeError(f"{target}: data/raw/ er skrivebeskyttet for programmet; skriv under data/processed/ eller reports/")


def file_in(folder: Path, name: str) -> Path:
    """``folder / name``, refusing a ``name`` that would put the file anywhere but directly in ``folder``.

    Names built from data (a practice's page) are checked when the study is validated; this is the last
    guard where the file is written.
    """
    target = folder / name
    if Path(name).name != name or name in {"", ".", ".."} or target.resolve().parent != folder.resolve():
        raise LovendeError(f"{name!r}: ikke et filnavn i {folder}; forventet et navn uden mappeskilletegn")
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
