"""``study.yml``: the study's settings, checked key by key, and the names it asks to mask.

Kept apart from :mod:`lovende_research.study` (the tables) because every key is a promise to the
researcher: an unknown key is an error naming the closest known one, never ignored, and ``redact:``
masks a listed text wherever it occurs, in the settings here and in every table (:func:`masked`).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lovende_research.errors import InputError, Problem, Text, closest_key
from lovende_research.tables import RawTable

STUDY_FILE = "study.yml"
LANGUAGES = ("da", "en")


@dataclass(frozen=True)
class StudyConfig:
    """The contents of ``study.yml``."""

    title: str
    language: str = "da"
    instrument: str = "bundled"
    seed: int = 0
    synthetic: bool = False
    notes: str = ""
    #: Notebook parameters for ``lovende run``: ``{stage: {name: value}}`` or ``{name: value}``.
    parameters: dict[str, Any] = field(default_factory=dict)
    #: Free-text notes (:data:`~lovende_research.personal_data.NOTE_COLUMNS`) are read only when the study opts in.
    show_notes: bool = False
    #: Texts masked wherever they occur in the study's files (names that slipped in), each as ``[skjult N]``.
    redact: tuple[str, ...] = ()
    #: Earlier rounds of the same mapping, as folders relative to this study's (``lovende compare``).
    rounds: tuple[str, ...] = ()
    #: Coded segments of a REFI-QDA project are shown as quotes on the practice pages only when the study opts in.
    show_quotes: bool = False


#: The keys ``study.yml`` may hold. Any other is an error naming the closest: a misspelt ``sed:`` must
#: not leave the seed silently at its default.
CONFIG_KEYS: tuple[str, ...] = (
    "title",
    "language",
    "instrument",
    "seed",
    "synthetic",
    "notes",
    "parameters",
    "show_notes",
    "redact",
    "rounds",
    "show_quotes",
)


def declared_language(study_dir: Path) -> str | None:
    """The ``language:`` ``study.yml`` names, if it names a known one, even where another key is wrong:
    the problems with the file are then reported in the study's own language.
    """
    try:
        raw = yaml.safe_load((study_dir / STUDY_FILE).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    language = raw.get("language") if isinstance(raw, dict) else None
    return language if language in LANGUAGES else None


def _flag(raw: dict[str, Any], key: str, problems: list[Problem]) -> Any:
    """A true/false key of ``study.yml`` (false when absent); any other value is a problem naming the key."""
    value = raw.get(key, False)
    if not isinstance(value, bool):
        problems.append(
            Problem(
                STUDY_FILE,
                Text(f"{key} er ikke true/false", f"{key} is not true/false"),
                expected=Text("true eller false", "true or false"),
                column=key,
                value=value,
            )
        )
    return value


def read_config(study_dir: Path) -> StudyConfig:
    """Parse and check ``study.yml``; every problem names the file, and the line where YAML gives one."""
    path = study_dir / STUDY_FILE
    if not path.is_file():
        raise InputError.single(
            STUDY_FILE,
            Text("filen findes ikke", "the file does not exist"),
            expected=Text(f"{STUDY_FILE} i {study_dir}", f"{STUDY_FILE} in {study_dir}"),
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise InputError.single(
            STUDY_FILE,
            Text(f"er ikke gyldig YAML: {reason}", f"is not valid YAML: {reason}"),
            expected=Text("nøgle: værdi pr. linje", "key: value, one a line"),
            row=row,
        ) from None
    except UnicodeDecodeError:
        raise InputError.single(
            STUDY_FILE,
            Text("er ikke gemt som UTF-8", "is not saved as UTF-8"),
            expected=Text("en UTF-8-tekstfil", "a UTF-8 text file"),
        ) from None
    if not isinstance(raw, dict):
        raise InputError.single(
            STUDY_FILE,
            Text("indeholder ingen nøgler", "holds no keys"),
            expected="title, language, instrument, seed, notes",
        )
    problems = [
        Problem(
            STUDY_FILE,
            Text(f"ukendt nøgle '{key}'", f"unknown key '{key}'"),
            expected=closest_key(str(key), CONFIG_KEYS),
            row=_key_line(path, key),
            column=str(key),
        )
        for key in raw
        if key not in CONFIG_KEYS
    ]
    title: Any = raw.get("title")  # any YAML value until checked below
    if not isinstance(title, str) or not title.strip():
        problems.append(
            Problem(
                STUDY_FILE,
                Text("mangler en titel", "lacks a title"),
                expected=Text("title: en tekst", "title: a text"),
                column="title",
                value=title,
            )
        )
    language = raw.get("language", "da")
    if language not in LANGUAGES:
        problems.append(
            Problem(
                STUDY_FILE,
                Text("ukendt sprog", "unknown language"),
                expected=Text("da eller en", "da or en"),
                column="language",
                value=language,
            )
        )
    seed = raw.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        problems.append(
            Problem(
                STUDY_FILE,
                Text("seed er ikke et ikke-negativt heltal", "seed is not a non-negative integer"),
                expected=Text("fx seed: 2017", "e.g. seed: 2017"),
                column="seed",
                value=seed,
            )
        )
    instrument = raw.get("instrument", "bundled")
    if not isinstance(instrument, str):
        problems.append(
            Problem(
                STUDY_FILE,
                Text("instrument er ikke en tekst", "instrument is not a text"),
                expected=Text("bundled eller en sti til en YAML-fil", "bundled or a path to a YAML file"),
                column="instrument",
                value=instrument,
            )
        )
    synthetic, show_notes, show_quotes = (
        _flag(raw, key, problems) for key in ("synthetic", "show_notes", "show_quotes")
    )
    redact = raw.get("redact") or []
    if not isinstance(redact, list) or not all(isinstance(t, str) and t.strip() for t in redact):
        problems.append(
            Problem(
                STUDY_FILE,
                Text("redact er ikke en liste af tekster", "redact is not a list of texts"),
                expected='fx redact: ["Birgit Sørensen", "Hansen"]',
                column="redact",
                value=redact,
            )
        )
    rounds = raw.get("rounds") or []
    if not isinstance(rounds, list) or not all(isinstance(r, str) and r.strip() for r in rounds):
        problems.append(
            Problem(
                STUDY_FILE,
                Text("rounds er ikke en liste af mapper", "rounds is not a list of folders"),
                expected=Text('fx rounds: ["../kortlaegning-2025"]', 'e.g. rounds: ["../kortlaegning-2025"]'),
                column="rounds",
                value=rounds,
            )
        )
    parameters = raw.get("parameters") or {}
    if not isinstance(parameters, dict):
        problems.append(
            Problem(
                STUDY_FILE,
                Text("parameters er ikke en mapping", "parameters is not a mapping"),
                expected="parameters: {screening: {n_select: 14}}",
                column="parameters",
                value=parameters,
            )
        )
    if problems:
        raise InputError(problems)
    terms = tuple(t.strip() for t in redact)
    return StudyConfig(
        title=mask(title.strip(), terms),
        language=language,
        instrument=instrument,
        seed=seed,
        synthetic=synthetic,
        notes=mask(str(raw.get("notes") or ""), terms),
        parameters=parameters,
        show_notes=show_notes,
        redact=terms,
        rounds=tuple(r.strip() for r in rounds),
        show_quotes=show_quotes,
    )


def _masks(terms: tuple[str, ...]) -> list[tuple[re.Pattern[str], str]]:
    """Each term as a case-blind pattern with its mask ``[skjult N]``, N its place in the list."""
    return [
        (re.compile(re.escape(term), re.IGNORECASE), f"[skjult {number}]") for number, term in enumerate(terms, start=1)
    ]


def mask(text: str, terms: tuple[str, ...]) -> str:
    """``text`` with each of ``terms`` (any case) replaced by its mask.

    Distinct terms get distinct masks, so two masked informant ids stay two informants.

    >>> mask("Interview med Birgit Sørensen og BIRGIT SØRENSEN", ("Birgit Sørensen",))
    'Interview med [skjult 1] og [skjult 1]'
    """
    for pattern, label in _masks(terms):
        text = pattern.sub(label, text)
    return text


def masked(raw: RawTable, terms: tuple[str, ...]) -> RawTable:
    """``raw`` with :func:`mask` applied to every cell, column by column (before validation, so masked
    ids are checked as such)."""
    if not terms:
        return raw
    frame = raw.frame.copy()
    for column in frame.columns:
        text = frame[column].astype(str)
        for pattern, label in _masks(terms):
            text = text.str.replace(pattern, label, regex=True)
        frame[column] = text
    return dataclasses.replace(raw, frame=frame)


def _key_line(path: Path, key: object) -> int | None:
    """The line of ``study.yml`` where top-level ``key`` is written, for the problem's row."""
    node = yaml.compose(path.read_text(encoding="utf-8-sig"))
    for name, _value in getattr(node, "value", []):
        if getattr(name, "value", None) == str(key):
            return name.start_mark.line + 1
    return None
