"""Table contracts: which columns each study table has, what their cells may hold, and the keys between tables.

The contracts are pandera schemas over the text frames :mod:`lovende_research.tables` reads, validated
lazily so one run reports every bad cell; :func:`lovende_research.table_problems.problems_from_schema_errors`
turns pandera's failure cases into :class:`~lovende_research.errors.Problem` objects that name file,
spreadsheet row, column, value and what was expected. Checks that need the instrument or another table (item ids, responses,
foreign keys) are built per study by :func:`table_schema`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np
import pandas as pd
import pandera.pandas as pa

from lovende_research.errors import Text
from lovende_research.instrument import Instrument
from lovende_research.personal_data import looks_like_pseudonym

PURPOSES: tuple[str, ...] = ("forebyggende", "opsporende", "rådgivende", "behandlende")
PROVIDER_TYPES: tuple[str, ...] = ("kommune", "organisation")
ROLES: tuple[str, ...] = ("leder", "medarbejder", "samarbejdspartner", "andet")
#: Decision words as typed (Danish or English) → the stored code.
DECISIONS: dict[str, str] = {"include": "include", "inkluder": "include", "exclude": "exclude", "ekskluder": "exclude"}
#: Each code as typed, Danish or English, → the code stored (the Danish one), so an English study is
#: typed in English and still compares, groups and reports as one study (listed in docs/study-format.md).
ROLE_WORDS: dict[str, str] = {
    **{role: role for role in ROLES},
    "manager": "leder", "leader": "leder", "staff": "medarbejder", "employee": "medarbejder",
    "partner": "samarbejdspartner", "other": "andet",
}  # fmt: skip
PROVIDER_TYPE_WORDS: dict[str, str] = {
    **{kind: kind for kind in PROVIDER_TYPES},
    "municipality": "kommune",
    "organization": "organisation",
}
PURPOSE_WORDS: dict[str, str] = {
    **{purpose: purpose for purpose in PURPOSES},
    "preventive": "forebyggende", "detecting": "opsporende", "advisory": "rådgivende", "treatment": "behandlende",
}  # fmt: skip
#: Coder ids reserved for an agreed code that wins over the coders' own.
CONSENSUS_CODERS: tuple[str, ...] = ("konsensus", "consensus")
MAIN_DELIMITATION = "main"
PURPOSE_SEPARATORS = re.compile(r"\s*[,;/]\s*")
#: A practice id names its page (``praksis/<practice_id>.html``), so it is letters, digits, ``_``, ``-`` and
#: ``.``, starting with a letter or digit: no path separator, no ``..``, nothing a file system or a URL
#: reads specially. Other ids never become file names.
SAFE_ID = re.compile(r"^[^\W_][\w.-]{0,63}$")
SAFE_ID_EXPECTED = Text(
    "højst 64 bogstaver, cifre, '_', '-' eller '.', først et bogstav eller ciffer (fx P03)",
    "at most 64 letters, digits, '_', '-' or '.', first a letter or digit (e.g. P03)",
)


@dataclass(frozen=True)
class TableSpec:
    """A study table: its required and optional columns, and whether the study must have it."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    must_exist: bool = True
    refuse_name_columns: bool = False
    suffixes: tuple[str, ...] = (".csv", ".xlsx")
    #: A decision researchers record during screening; the file's mere presence has meaning (an empty
    #: ``duplicates.csv`` says "no duplicates confirmed"), so ``new-study`` writes no template for it.
    screening_decision: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "candidates",
            ("practice_id", "name", "provider", "provider_type", "municipality", "target_group", "purpose"),
            ("source", "description", "delimitation"),
        ),
        TableSpec(
            "screening",
            ("practice_id", "screener_id", "criterion", "decision"),
            ("reason", "note", "reconciled_decision"),
        ),
        TableSpec(
            "interviews",
            ("interview_id", "practice_id", "informant_id", "informant_role"),
            ("date", "duration_minutes"),
            refuse_name_columns=True,
        ),
        TableSpec(
            "codings",
            ("interview_id", "coder_id", "item_id", "response"),
            ("delimitation_id", "note"),
            refuse_name_columns=True,
            suffixes=(
                ".csv",
                ".xlsx",
                ".sav",
                ".qdpx",
                ".qde",
            ),  # .qdpx/.qde: a coded REFI-QDA project (lovende_research.qda)
        ),
        TableSpec(
            "delimitations",
            ("delimitation_id", "practice_id", "label"),
            ("description",),
            must_exist=False,
        ),
        TableSpec("duplicates", ("practice_id", "duplicate_of"), ("note",), must_exist=False, screening_decision=True),
        TableSpec("selected", ("practice_id",), must_exist=False, screening_decision=True),
    )
}


#: Below this many values :func:`fold` works on every value; above it, on the distinct values only.
_FOLD_DISTINCT_FROM = 1000


def fold(values: pd.Series) -> pd.Series:
    """Case- and space-folded text, so 'Ved ikke', 'ved_ikke' and ' VED IKKE ' compare equal.

    A codings table repeats a handful of answers over a million rows, so a long column is folded once
    per distinct value and the results are spread back (same values, dtype, index and name).
    """
    text = values.astype(str)
    if len(text) >= _FOLD_DISTINCT_FROM:
        codes, distinct = text.factorize()
        if 4 * len(distinct) < len(text):
            folded = _fold_text(pd.Series(distinct, dtype=text.dtype))
            return pd.Series(folded.array.take(codes, allow_fill=True), index=text.index, name=text.name)
    return _fold_text(text)


def _fold_text(text: pd.Series) -> pd.Series:
    return text.str.strip().str.casefold().str.replace(r"[\s_]+", " ", regex=True)


def parse_number(values: pd.Series, decimal_comma: bool) -> pd.Series:
    """Text → float; ``""`` → NaN; a Danish decimal comma is read as a point in semicolon files."""
    text = values.astype(str).str.strip()
    if decimal_comma:
        text = (
            text.str.replace(".", "", regex=False)
            .where(~text.str.contains(","), text)
            .str.replace(",", ".", regex=False)
        )
    return pd.to_numeric(text.replace("", None), errors="coerce")


@dataclass
class ResponseCodes:
    """Every way a response may be written, folded, mapped to (scale code or None, missing id or None, screen answer or None)."""

    scored: dict[str, tuple[int | None, str | None]] = field(default_factory=dict)
    screen: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    @classmethod
    def from_instrument(cls, instrument: Instrument, *, spss: bool = False) -> "ResponseCodes":
        """All spellings; the SPSS numeric missing codes (e.g. 9) only for ``.sav`` files, where a
        survey tool wrote them, so that a typed 9 in a spreadsheet is an error, not a silent 'ikke besvaret'."""
        codes = cls()
        missing = [
            (spelling, m.id)
            for m in instrument.missing_codes
            for spelling in (
                m.id,
                m.label.da,
                m.label.en,
                *((str(m.spss), f"{m.spss}.0") if spss and m.spss is not None else ()),
            )
        ]
        scored = [
            (spelling, point.code)
            for point in instrument.scale
            for spelling in (str(point.code), f"{point.code}.0", f"{point.code},0", point.label.da, point.label.en)
        ]
        screen = [
            (spelling, code)
            for code, label in instrument.screen_item.answers
            for spelling in (code, label.da, label.en)
        ]
        folded = _folded([spelling for spelling, _ in missing + scored + screen])
        missing_ids = {folded[spelling]: missing_id for spelling, missing_id in missing}
        codes.scored = {folded[spelling]: (code, None) for spelling, code in scored}
        codes.screen = {folded[spelling]: (code, None) for spelling, code in screen}
        for spelling, missing_id in missing_ids.items():
            codes.scored[spelling] = (None, missing_id)
            codes.screen[spelling] = (None, missing_id)
        return codes


def _folded(texts: list[str]) -> dict[str, str]:
    """Each text and its :func:`fold`, folded in one call: a pandas call per text cost ~1 ms, 40 times per table."""
    return dict(zip(texts, fold(pd.Series(texts)), strict=True)) if texts else {}


def _not_blank(values: pd.Series) -> pd.Series:
    return values.astype(str).str.strip() != ""


def _blank_or(test: Callable[[pd.Series], pd.Series]) -> Callable[[pd.Series], pd.Series]:
    def check(values: pd.Series) -> pd.Series:
        return ~_not_blank(values) | test(values).astype(bool)

    return check


def _in(allowed: Iterable[str]) -> Callable[[pd.Series], pd.Series]:
    folded_allowed = set(_folded(list(allowed)).values())
    return lambda values: fold(values).isin(folded_allowed)


def canonical(values: pd.Series, words: dict[str, str]) -> pd.Series:
    """Each value folded and mapped to its stored code (``<NA>`` for a word ``words`` does not know).

    >>> canonical(pd.Series(["Manager", " staff", "leder"]), ROLE_WORDS).tolist()
    ['leder', 'medarbejder', 'leder']
    """
    return fold(values).map(words)


def canonical_purposes(values: pd.Series) -> pd.Series:
    """Each purpose list as the stored codes joined by ``;`` (``preventive, behandlende`` → ``forebyggende;behandlende``)."""
    return (
        fold(values)
        .str.split(PURPOSE_SEPARATORS)
        .map(lambda parts: ";".join(PURPOSE_WORDS.get(p, p) for p in parts if p))
    )


def _purposes_ok(values: pd.Series) -> pd.Series:
    tokens = fold(values).str.split(PURPOSE_SEPARATORS)
    return tokens.map(lambda parts: bool(parts) and all(p in PURPOSE_WORDS for p in parts if p) and any(parts)).astype(
        bool
    )


def _safe_id(values: pd.Series) -> pd.Series:
    return values.astype(str).str.strip().str.fullmatch(SAFE_ID).astype(bool)


def _iso_date(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.where(_not_blank(values)), format="%Y-%m-%d", errors="coerce").notna()


#: Each check's expectation in both languages, by its Danish text: pandera keeps a check's ``error`` as a
#: plain string, so :func:`~lovende_research.table_problems.problems_from_schema_errors` looks the English up here.
_EXPECTED: dict[str, Text] = {}


def _check(test: Callable[[pd.Series], pd.Series], expected: Text) -> pa.Check:
    _EXPECTED[str(expected)] = expected
    return pa.Check(test, error=str(expected), element_wise=False)


REQUIRED_VALUE = Text("en værdi (feltet må ikke være tomt)", "a value (the cell must not be empty)")


def table_schema(
    spec: TableSpec,
    *,
    instrument: Instrument,
    practice_ids: set[str] | None = None,
    interview_ids: set[str] | None = None,
    delimitation_ids: set[str] | None = None,
    decimal_comma: bool = False,
    spss: bool = False,
) -> pa.DataFrameSchema:
    """The pandera contract for one table of one study; key checks are added where the other table is known."""
    columns: dict[str, pa.Column] = {}

    def column(name: str, *checks: pa.Check) -> None:
        required = name in spec.required
        base = [_check(_not_blank, REQUIRED_VALUE)] if required else []
        columns[name] = pa.Column(str, checks=base + list(checks), required=True, nullable=False)

    def key(ids: set[str] | None, table: str, name: str = "practice_id") -> list[pa.Check]:
        if ids is None:
            return []
        return [
            _check(
                _blank_or(lambda v: v.astype(str).str.strip().isin(ids)),
                Text(f"et {name} fra {table}", f"{'an' if name[0] in 'aeiou' else 'a'} {name} from {table}"),
            )
        ]

    unique: list[str] | None = None
    if spec.name == "candidates":
        column("practice_id", _check(_blank_or(_safe_id), SAFE_ID_EXPECTED))
        column(
            "provider_type",
            _check(
                _blank_or(_in(PROVIDER_TYPE_WORDS)),
                Text(
                    " eller ".join(PROVIDER_TYPES) + " (eller municipality/organization)",
                    "municipality or organization (or " + "/".join(PROVIDER_TYPES) + ")",
                ),
            ),
        )
        column(
            "purpose",
            _check(
                _blank_or(_purposes_ok),
                Text(
                    "et eller flere af " + ", ".join(PURPOSES) + " (eller preventive, detecting, advisory, treatment)",
                    "one or more of preventive, detecting, advisory, treatment (or " + ", ".join(PURPOSES) + ")",
                ),
            ),
        )
        unique = ["practice_id"]
    elif spec.name == "screening":
        column("practice_id", *key(practice_ids, "candidates"))
        decision = _check(
            _blank_or(_in(DECISIONS)),
            Text("include/inkluder eller exclude/ekskluder", "include/inkluder or exclude/ekskluder"),
        )
        column("decision", decision)
        column("reconciled_decision", decision)
        unique = ["practice_id", "screener_id", "criterion"]
    elif spec.name == "interviews":
        column("practice_id", *key(practice_ids, "candidates"))
        column(
            "informant_id",
            _check(
                _blank_or(looks_like_pseudonym),
                Text("et pseudonym (fx P03-L), ikke et rigtigt navn", "a pseudonym (e.g. P03-L), not a real name"),
            ),
        )
        column(
            "informant_role",
            _check(
                _blank_or(_in(ROLE_WORDS)),
                Text(
                    ", ".join(ROLES) + " (eller manager, staff, partner, other)",
                    "manager, staff, partner, other (or " + ", ".join(ROLES) + ")",
                ),
            ),
        )
        column("date", _check(_blank_or(_iso_date), Text("en dato som ÅÅÅÅ-MM-DD", "a date as YYYY-MM-DD")))
        comma = (" (decimalkomma er tilladt)", " (a decimal comma is allowed)") if decimal_comma else ("", "")
        number = Text("et endeligt tal (ikke inf eller nan)" + comma[0], "a finite number (not inf or nan)" + comma[1])
        column("duration_minutes", _check(_blank_or(lambda v: np.isfinite(parse_number(v, decimal_comma))), number))
        unique = ["interview_id"]
    elif spec.name == "codings":
        column("interview_id", *key(interview_ids, "interviews", "interview_id"))
        items = set(instrument.item_ids) | {instrument.screen_item.id}
        column(
            "item_id",
            _check(
                _blank_or(lambda v: v.astype(str).str.strip().isin(items)),
                Text("et spørgsmåls-id fra instrumentet (fx teori_1)", "an item id from the instrument (e.g. teori_1)"),
            ),
        )
        codes = ResponseCodes.from_instrument(instrument, spss=spss)
        low, high = instrument.scale_codes[0], instrument.scale_codes[-1]
        column(
            "response",
            _check(
                _blank_or(_response_fits(codes, instrument.screen_item.id)),
                Text(
                    f"en kode {low}–{high}, en svartekst fra skalaen eller en manglende-kode "
                    f"({', '.join(instrument.missing_ids)}); screeningsspørgsmålet {instrument.screen_item.id} "
                    f"tager {'/'.join(instrument.screen_item.answer_codes)}",
                    f"a code {low}–{high}, an answer text from the scale or a missing code "
                    f"({', '.join(instrument.missing_ids)}); the screen item {instrument.screen_item.id} "
                    f"takes {'/'.join(instrument.screen_item.answer_codes)}",
                ),
            ),
        )
        if delimitation_ids is not None:
            allowed = delimitation_ids | {MAIN_DELIMITATION}
            column(
                "delimitation_id",
                _check(
                    _blank_or(lambda v: v.astype(str).str.strip().isin(allowed)),
                    Text(
                        "et delimitation_id fra delimitations, eller tomt",
                        "a delimitation_id from delimitations, or empty",
                    ),
                ),
            )
        unique = ["interview_id", "coder_id", "item_id", "delimitation_id"]
    elif spec.name == "delimitations":
        column("practice_id", *key(practice_ids, "candidates"))
        unique = ["delimitation_id"]
    elif spec.name == "duplicates":
        column("practice_id", *key(practice_ids, "candidates"))
        column("duplicate_of", *key(practice_ids, "candidates"))
        unique = ["practice_id"]
    elif spec.name == "selected":
        column("practice_id", *key(practice_ids, "candidates"))
        unique = ["practice_id"]
    for name in spec.required:
        if name not in columns:
            column(name)
    return pa.DataFrameSchema(columns, unique=unique, report_duplicates="all", strict=False, coerce=False)


def _response_fits(codes: ResponseCodes, screen_item_id: str) -> Callable[[pd.Series], pd.Series]:
    """Any spelling of any answer; whether it suits its own item is :func:`response_item_mismatches`."""
    known = set(codes.scored) | set(codes.screen)
    return lambda values: fold(values).isin(known)
