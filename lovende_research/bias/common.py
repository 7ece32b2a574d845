"""What every bias check shares: its error and parameter checks (those of the scoring chain)."""

from __future__ import annotations

from typing import Iterable

import pandas as pd

from lovende_research.errors import ArgumentError, Text
from lovende_research.scoring.parameters import _check_share

__all__ = ["TOP_N", "BiasError", "_check_share", "_require"]

#: The top of the ranking every bias check watches (a top place that rests on one informant or coder, or
#: on the mix of roles asked, is flagged): the default of each check that takes a ``top_n``.
TOP_N = 5

#: The bias checks' parameter error: :class:`~lovende_research.errors.ArgumentError`, the class the
#: scoring chain exports as ``ScoringError``.
BiasError = ArgumentError


def _require(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise BiasError(
            name,
            sorted(frame.columns),
            Text(f"en tabel med kolonnerne {', '.join(missing)}", f"a table with the columns {', '.join(missing)}"),
        )
