"""Danish-first labels and phrases, English on request.

Each module keeps its own phrase table (``{key: (dansk, english)}``) beside the code that uses it;
:func:`phrase` is the one lookup, so a missing key or language fails loudly instead of printing a key.

Examples
--------
>>> PHRASES = {"selected": ("Udvalgt til interview", "Selected for interview")}
>>> phrase(PHRASES, "selected", "en")
'Selected for interview'
"""

from __future__ import annotations

import math
from typing import Mapping

from lovende_research.errors import LovendeError, Text

LANGUAGES: tuple[str, ...] = ("da", "en")

PhraseTable = Mapping[str, tuple[str, str]]


def check_language(language: str) -> str:
    """Return ``language`` if it is one we write reports in, else raise a clear error."""
    if language not in LANGUAGES:
        raise LovendeError(
            Text(
                f"ukendt sprog {language!r}; forventet: da eller en",
                f"unknown language {language!r}; expected: da or en",
            )
        )
    return language


def phrase(table: PhraseTable, key: str, language: str = "da", **values: object) -> str:
    """The phrase for ``key`` in ``language``, with ``{name}`` fields filled from ``values``."""
    danish, english = table[key]
    text = english if check_language(language) == "en" else danish
    return text.format(**values) if values else text


def number(value: object, language: str, digits: int = 2, *, signed: bool = False) -> str:
    """A decimal number as a Danish (``0,75``) or English (``0.75``) reader writes it; ``–`` when missing.

    The one number formatter of every page, table note and figure label, so a Danish page never mixes
    ``0.75`` with ``0,75``. ``signed`` writes an explicit sign (``+0,12`` / ``-0,12``) for offsets and
    differences; a value that rounds to zero gets ``+``, and without ``signed`` no sign (never ``-0,00``).

    >>> number(0.7512, "da"), number(0.7512, "en"), number(float("nan"), "da"), number(None, "en")
    ('0,75', '0.75', '–', '–')
    >>> number(-0.004, "da", signed=True), number(0.123, "en", signed=True), number(3, "da", 0)
    ('+0,00', '+0.12', '3')
    >>> number(-0.004, "da"), number(-0.006, "en")
    ('0,00', '-0.01')
    """
    try:
        x = float(value)  # type: ignore[arg-type]
    except TypeError:  # None, pandas' NA
        return "–"
    if not math.isfinite(x):
        return "–"
    text = f"{abs(x):.{digits}f}"
    if x < 0 and float(text) != 0:
        text = "-" + text
    elif signed:
        text = "+" + text
    return text.replace(".", ",") if check_language(language) == "da" else text


def percent(value: float, language: str) -> str:
    """A share as a whole percentage: ``90 %`` in Danish (a space before the sign), ``90%`` in English.

    >>> percent(0.904, "da"), percent(0.904, "en")
    ('90 %', '90%')
    """
    text = f"{float(value):.0%}"
    return text.replace("%", " %") if check_language(language) == "da" else text
