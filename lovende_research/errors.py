"""One exception root for the package, with subclasses that carry structured fields.

Messages are built from the fields, so a problem found in a user's spreadsheet always names the file,
the row as the user sees it, the column, the bad value and what was expected.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence


class LovendeError(Exception):
    """Root of every error the package raises on purpose."""


class ArgumentError(LovendeError):
    """An argument of a statistic that cannot be used: names the parameter, the value and what was expected.

    One class for every stage's parameter checks (scoring and bias call it ``ScoringError`` and
    ``BiasError``, the same class under the names their modules have always exported): a stage gets a
    class of its own only where it carries other fields.
    """

    def __init__(self, parameter: str, value: object, expected: str):
        self.parameter, self.value, self.expected = parameter, value, expected
        super().__init__(f"{parameter}: {value!r} kan ikke bruges; forventet: {expected}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    ``row`` is the row number a user sees in a spreadsheet program (the header's row counts), or
    ``None`` when the problem concerns the file or a whole column.
    """

    file: str
    problem: str
    expected: str = ""
    row: int | None = None
    column: str | None = None
    value: object = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", række {self.row}"
        if self.column is not None:
            where += f", kolonne '{self.column}'"
        text = f"{where}: {self.problem}"
        if self.value is not None and self.value != "":
            text += f" (fandt {self.value!r})"
        if self.expected:
            text += f"; forventet: {self.expected}"
        return text


class InputError(LovendeError):
    """One or more problems in input files; ``problems`` holds every one found, not only the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'er' if count != 1 else ''} i input:"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))

    @classmethod
    def single(cls, file: str | Path, problem: str, **fields: Any) -> "InputError":
        """Shortcut for the common case of one problem."""
        return cls([Problem(file=str(file), problem=problem, **fields)])


class InstrumentError(LovendeError):
    """An instrument (questionnaire) file that cannot be used; names the file and the place in it."""

    def __init__(self, file: str | Path, where: str, problem: str, expected: str = ""):
        self.file, self.where, self.problem, self.expected = str(file), where, problem, expected
        message = f"{self.file}, {where}: {problem}"
        if expected:
            message += f"; forventet: {expected}"
        super().__init__(message)


def closest_key(key: str, known: Sequence[str]) -> str:
    """What a mistyped key was meant to be, for a problem's ``expected``: the closest known key, then all.

    >>> closest_key("sed", ["title", "seed", "language"])
    "'seed' (kendte nøgler: title, seed, language)"
    >>> closest_key("xyz", ["title", "seed"])
    'en af de kendte nøgler: title, seed'
    """
    close = difflib.get_close_matches(key.strip().lower(), known, n=1, cutoff=0.5)
    listed = ", ".join(known)
    return f"'{close[0]}' (kendte nøgler: {listed})" if close else f"en af de kendte nøgler: {listed}"
