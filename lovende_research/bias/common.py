"""What every bias check shares: its error and parameter checks (those of the scoring chain) and how numbers are written in prose."""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from lovende_research.errors import ArgumentError
from lovende_research.i18n import number
from lovende_research.scoring.parameters import _check_share

__all__ = ["BiasError", "_check_share", "_num", "_require", "_signed"]

#: The bias checks' parameter error: :class:`~lovende_research.errors.ArgumentError`, the class the
#: scoring chain exports as ``ScoringError``.
BiasError = ArgumentError


def _require(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise BiasError(name, sorted(frame.columns), f"en tabel med kolonnerne {', '.join(missing)}")


def _num(value: float, language: str, digits: int = 2) -> str:
    """A decimal as the reader writes it (``0,87`` in Danish, ``0.87`` in English); a dash when missing."""
    value = float(value)
    return number(value, language, digits) if np.isfinite(value) else "–"


def _signed(value: float, language: str, digits: int = 2) -> str:
    """Like :func:`_num` with an explicit sign (``+0,12`` / ``-0,12``): offsets and differences read as such."""
    value = float(value)
    if not np.isfinite(value):
        return "–"
    text = number(abs(value), language, digits)
    return ("-" if value < 0 and float(text.replace(",", ".")) != 0 else "+") + text
