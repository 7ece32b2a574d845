"""Personal data in a study: which columns and ids may hold names of people, and which texts are notes.

Studies hold pseudonyms (``P03-L``), never names; interviews are about real people, and pages are
mailed. A column named like a person is refused where people are interviewed and coded, an informant id
that reads like a name is refused everywhere, and :func:`name_warnings` points ``lovende validate`` at
names that look like they slipped into notes or other tables. Free-text notes are left out of a study
unless it opts in (``show_notes: true``, :data:`NOTE_COLUMNS`).
"""

from __future__ import annotations

import re

import pandas as pd

from lovende_research.errors import Problem, Text
from lovende_research.tables import RawTable

#: Column names that would hold real names. Interviews are about real people; studies hold pseudonyms.
NAME_COLUMNS: frozenset[str] = frozenset(
    {
        "navn",
        "name",
        "fornavn",
        "efternavn",
        "fulde_navn",
        "fuldt_navn",
        "full_name",
        "first_name",
        "last_name",
        "surname",
        "informant_name",
        "informant_navn",
        "informantnavn",
        "informant_fulde_navn",
        "coder_name",
        "koder_navn",
        "kodernavn",
        "interviewee",
        "person",
        "personnavn",
        "kontaktperson",
        "kontakt",
        "contact",
        "contact_person",
        "contact_name",
    }
)
#: Words in a column name that suggest it holds people (warned about in every table).
PERSON_COLUMN_WORDS: tuple[str, ...] = ("navn", "name", "kontakt", "contact", "person")
#: "Sørensen, Birgit": a surname, a comma, a first name.
_LAST_FIRST = re.compile(
    r"^[A-ZÆØÅ][a-zæøåéèüö]+(?:-[A-ZÆØÅ][a-zæøåéèüö]+)?, [A-ZÆØÅ][a-zæøåéèüö]+(?: [A-ZÆØÅ][a-zæøåéèüö]+)*$"
)
#: A first and last name inside free text: two or three capitalised words in a row.
_NAME_IN_TEXT = re.compile(
    r"\b[A-ZÆØÅ][a-zæøåéèüö]+(?:-[A-ZÆØÅ][a-zæøåéèüö]+)?(?: [A-ZÆØÅ][a-zæøåéèüö]+){1,2}\b|\b[A-ZÆØÅ][a-zæøåéèüö]+, [A-ZÆØÅ][a-zæøåéèüö]+\b"
)
#: Free text typed during screening, coding and delimiting, where a name easily slips in: read only
#: when ``study.yml`` says ``show_notes: true`` (see :class:`~lovende_research.study_config.StudyConfig`).
NOTE_COLUMNS: dict[str, tuple[str, ...]] = {
    "candidates": ("description",),
    "screening": ("note",),
    "codings": ("note",),
    "delimitations": ("description",),
    "duplicates": ("note",),
}
_ROLE_WORDS = {"informant", "leder", "medarbejder", "partner", "samarbejdspartner", "koder", "coder", "person"}
_PERSONAL_NAME = re.compile(
    r"^[A-ZÆØÅ][a-zæøåéèüö]+(?:-[A-ZÆØÅ][a-zæøåéèüö]+)?(?: [A-ZÆØÅ][a-zæøåéèüö]+(?:-[A-ZÆØÅ][a-zæøåéèüö]+)?)+$"
)


def looks_like_pseudonym(values: pd.Series) -> pd.Series:
    """False where an id reads like a first and last name ('Mette Hansen'), not a code ('P03-L')."""
    text = values.astype(str).str.strip()

    def personal(value: str) -> bool:
        looks = bool(_PERSONAL_NAME.match(value)) or bool(_LAST_FIRST.match(value))
        return looks and not ({w.strip(",").lower() for w in value.split()} & _ROLE_WORDS)

    return ~text.map(personal).astype(bool)


def name_warnings(raw: RawTable, known_columns: tuple[str, ...]) -> list[Problem]:
    """Likely names of people where a study should hold none: for ``lovende validate`` to warn about.

    Columns named like a person (``kontaktperson``, ``navn``) in any table, and ids or notes that read
    like a first and last name or "Last, First". Warnings, not errors: organisations' names look the
    same ("Red Barnet"), so the researcher decides, and can mask a real one with ``redact:`` in study.yml.
    ``known_columns`` are the table's own columns (``name`` in candidates is a practice's name).
    """
    warnings = []
    for name in raw.frame.columns:
        if name not in known_columns and any(word in name for word in PERSON_COLUMN_WORDS):
            warnings.append(
                Problem(
                    raw.file,
                    Text("kolonnen ser ud til at rumme navne på personer", "the column seems to hold names of people"),
                    expected=Text("fjern den, eller brug pseudonymer", "remove it, or use pseudonyms"),
                    column=name,
                )
            )
    checked = [
        c
        for c in ("informant_id", "coder_id", "screener_id", *NOTE_COLUMNS.get(raw.name, ()), "reason")
        if c in raw.frame.columns
    ]
    for column in checked:
        # the first name-like match per cell, found for the whole column at once (a million codings)
        found = raw.frame[column].astype(str).str.extract(f"({_NAME_IN_TEXT.pattern})", expand=False).dropna()
        for row, name in found.items():
            if not {w.strip(",").lower() for w in name.split()} & _ROLE_WORDS:
                warnings.append(
                    Problem(
                        raw.file,
                        Text(f"ligner et navn på en person: {name!r}", f"looks like a person's name: {name!r}"),
                        expected=Text(
                            "et pseudonym, eller skjul navnet med redact: i study.yml",
                            "a pseudonym, or mask the name with redact: in study.yml",
                        ),
                        row=int(row),
                        column=column,
                    )
                )
    return warnings
