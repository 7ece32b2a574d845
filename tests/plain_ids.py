"""Test ids in plain ASCII: mutmut hands pytest the ids it collected, and one with a non-ASCII character
(which pytest writes escaped, ``\\xe6``) did not select its test there, so pytest failed and mutmut counted
every mutant that test reaches as killed (docs/mutation.md)."""

from __future__ import annotations

import unicodedata

#: Danish letters (and the multiplication sign of "subject × rater") that have no ASCII decomposition.
_SPELLED = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa", "×": "x"})


def plain_id(text: str) -> str:
    """``text`` as an ASCII test id: Danish letters spelt out, accents dropped, any other character ``?``.

    >>> plain_id("samme unit × rater er bedømt én gang")
    'samme unit x rater er bedoemt en gang'
    """
    spelt = unicodedata.normalize("NFKD", text.translate(_SPELLED))
    return "".join(c for c in spelt if not unicodedata.combining(c)).encode("ascii", "replace").decode("ascii")
