"""What every bias check shares: its error, parameter checks and how numbers are written in prose."""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from lovende_research.errors import LovendeError
from lovende_research.i18n import number


class BiasError(LovendeError):
    """A bias-check parameter or input frame that cannot be used; the message says what was expected."""

    def __init__(self, parameter: str, value: object, expected: str):
        self.parameter, self.value, self.expected = parameter, value, expected
        super().__init__(f"{parameter}: {value!r} kan ikke bruges; forventet: {expected}")


def _check_share(parameter: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise BiasError(parameter, value, "et tal mellem 0 og 1")


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
