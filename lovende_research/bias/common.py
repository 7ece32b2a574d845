"""What every bias check shares: its error, parameter checks."""

from __future__ import annotations

from typing import Iterable

import pandas as pd

from lovende_research.errors import LovendeError


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
