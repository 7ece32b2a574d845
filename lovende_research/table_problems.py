"""Problems in a study table beyond its column checks, and pandera's failures as problems.

:mod:`lovende_research.schemas` says what a table's cells may hold; this module turns what is wrong into
:class:`~lovende_research.errors.Problem` objects naming file, spreadsheet row, column, value and what
was expected, in Danish and English: a column missing or named twice, a column of real names, pandera's
failure cases (:func:`problems_from_schema_errors`), and the checks that look at several cells of a row
or several rows at once (an answer that does not suit its item, contradictory screening decisions).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from lovende_research.errors import Problem, Text
from lovende_research.instrument import Instrument
from lovende_research.personal_data import NAME_COLUMNS
from lovende_research.schemas import _EXPECTED, DECISIONS, ResponseCodes, TableSpec, _not_blank, fold
from lovende_research.tables import Origin, RawTable


def response_item_mismatches(
    frame: pd.DataFrame, instrument: Instrument, file: str, *, spss: bool = False
) -> list[Problem]:
    """A response must suit its item: ``ja`` is no answer to a scored item, nor ``3`` to the screen item."""
    codes = ResponseCodes.from_instrument(instrument, spss=spss)
    screen_id = instrument.screen_item.id
    folded = fold(frame["response"])
    is_screen = frame["item_id"].astype(str).str.strip() == screen_id
    bad = (is_screen & folded.isin(set(codes.scored) - set(codes.screen))) | (
        ~is_screen & folded.isin(set(codes.screen) - set(codes.scored))
    )
    problems = []
    for row in frame.index[bad]:
        item = frame.at[row, "item_id"]
        if item == screen_id:
            answers = "/".join(instrument.screen_item.answer_codes)
            expected = Text(
                f"{answers} eller en manglende-kode for {screen_id}", f"{answers} or a missing code for {screen_id}"
            )
        else:
            scale = f"{instrument.scale_codes[0]}–{instrument.scale_codes[-1]}"
            expected = Text(
                f"en kode {scale} eller en manglende-kode for {item}", f"a code {scale} or a missing code for {item}"
            )
        problems.append(
            Problem(
                file,
                Text("svaret passer ikke til spørgsmålet", "the answer does not suit the item"),
                expected=expected,
                row=int(row),
                column="response",
                value=frame.at[row, "response"],
            )
        )
    return problems


def duplicate_decision_problems(frame: pd.DataFrame, file: str) -> list[Problem]:
    """Decisions that contradict each other: a practice as its own duplicate, or kept and removed at once."""
    practice = frame["practice_id"].astype(str).str.strip()
    kept = frame["duplicate_of"].astype(str).str.strip()
    problems = []
    for row in frame.index[practice == kept]:
        problems.append(
            Problem(
                file,
                Text("en praksis kan ikke være dublet af sig selv", "a practice cannot be its own duplicate"),
                expected=Text("to forskellige practice_id", "two different practice_id"),
                row=int(row),
                column="duplicate_of",
                value=kept[row],
            )
        )
    for row in frame.index[(practice != kept) & kept.isin(set(practice))]:
        problems.append(
            Problem(
                file,
                Text(
                    "praksissen, der beholdes, er selv markeret som dublet",
                    "the practice kept is itself marked as a duplicate",
                ),
                expected=Text(
                    "duplicate_of skal pege på en praksis, der beholdes",
                    "duplicate_of must point to a practice that is kept",
                ),
                row=int(row),
                column="duplicate_of",
                value=kept[row],
            )
        )
    return problems


def reconciled_conflict_problems(frame: pd.DataFrame, file: str) -> list[Problem]:
    """Consensus decisions that contradict each other: one practice × criterion reconciled both ways.

    The consensus meeting decides once per practice and criterion; where two rows of it give different
    ``reconciled_decision`` values, each such row is a problem naming the other rows.
    """
    if "reconciled_decision" not in frame.columns:
        return []
    decided = frame[_not_blank(frame["reconciled_decision"])]
    code = fold(decided["reconciled_decision"]).map(DECISIONS)
    keys = [decided["practice_id"].astype(str).str.strip(), decided["criterion"].astype(str).str.strip()]
    distinct = code.groupby(keys).transform("nunique")
    problems = []
    for row in decided.index[distinct > 1]:
        same = decided.index[(keys[0] == keys[0][row]) & (keys[1] == keys[1][row]) & (decided.index != row)]
        problems.append(
            Problem(
                file,
                Text(
                    f"konsensusbeslutningen for {keys[0][row]} × {keys[1][row]} modsiger række {', '.join(map(str, same))}",
                    f"the consensus decision for {keys[0][row]} × {keys[1][row]} contradicts row {', '.join(map(str, same))}",
                ),
                expected=Text(
                    "samme reconciled_decision i alle rækker for en praksis og et kriterium",
                    "the same reconciled_decision on every row of a practice and criterion",
                ),
                row=int(row),
                column="reconciled_decision",
                value=decided.at[row, "reconciled_decision"],
            )
        )
    return problems


def validate_raw_table(raw: RawTable, schema: pa.DataFrameSchema, spec: TableSpec) -> list[Problem]:
    """Every problem in one table: name columns, duplicate headers, then the pandera contract."""
    problems: list[Problem] = []
    frame = raw.frame
    duplicated = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1 and c})
    for name in duplicated:
        problems.append(
            Problem(
                raw.file,
                Text("kolonnen står mere end én gang i overskriften", "the column is in the header more than once"),
                expected=Text("hver kolonne én gang", "each column once"),
                column=name,
            )
        )
    if duplicated:
        return problems
    if spec.refuse_name_columns:
        for name in frame.columns:
            if name in NAME_COLUMNS:
                problems.append(
                    Problem(
                        raw.file,
                        Text(
                            "kolonnen ser ud til at rumme rigtige navne; studier må kun indeholde pseudonymer",
                            "the column seems to hold real names; studies may hold pseudonyms only",
                        ),
                        expected=Text(
                            "fjern kolonnen og brug pseudonymer i informant_id (fx P03-L)",
                            "remove the column and use pseudonyms in informant_id (e.g. P03-L)",
                        ),
                        column=name,
                    )
                )
    missing = [c for c in spec.required if c not in frame.columns]
    for name in missing:
        problems.append(
            Problem(
                raw.file,
                Text(f"mangler den påkrævede kolonne '{name}'", f"lacks the required column '{name}'"),
                expected=Text("kolonnerne " + ", ".join(spec.required), "the columns " + ", ".join(spec.required)),
                column=name,
            )
        )
    if missing:
        return problems
    padded = frame.copy()
    for name in spec.optional:
        if name not in padded.columns:
            padded[name] = ""
    padded[list(spec.columns)] = padded[list(spec.columns)].astype(str)
    try:
        schema.validate(padded, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems.extend(problems_from_schema_errors(exc.failure_cases, raw.file, padded, raw.origin))
    return problems


@dataclass(frozen=True)
class _Both:
    da: str
    en: str


def _other_rows(rows: list[int], origin: dict[int, Origin]) -> _Both:
    """The rows a duplicate also stands in, as the user finds them: ``række 3, 5``, or, for a table read
    from a folder of workbooks, each with its workbook and sheet.

    >>> _other_rows([3, 5], {}).en
    'row 3, 5'
    >>> _other_rows([2], {2: Origin(12, file="codings/K1.xlsx", sheet="I1")}).da
    "codings/K1.xlsx, ark 'I1', række 12"
    """
    if not any(r in origin for r in rows):
        return _Both(f"række {', '.join(map(str, rows))}", f"row {', '.join(map(str, rows))}")
    places = [origin.get(r, Origin(r)) for r in rows]

    def one(o: Origin, sheet: str, row: str) -> str:
        return ", ".join(
            part for part in (o.file, f"{sheet} '{o.sheet}'" if o.sheet else None, f"{row} {o.row}") if part
        )

    return _Both("; ".join(one(o, "ark", "række") for o in places), "; ".join(one(o, "sheet", "row") for o in places))


def problems_from_schema_errors(
    failures: pd.DataFrame, file: str, frame: pd.DataFrame, origin: dict[int, Origin] | None = None
) -> list[Problem]:
    """pandera failure cases → one :class:`Problem` per bad cell (per duplicated row for key columns).

    ``origin`` (a table read in another layout) says where the other rows of a duplicate were typed.
    """
    problems: list[Problem] = []
    unique_rows = failures[failures["check"] == "multiple_fields_uniqueness"]
    if not unique_rows.empty:
        key_columns = list(dict.fromkeys(unique_rows["column"]))
        rows = sorted({int(r) for r in unique_rows["index"]})
        groups: dict[tuple[str, ...], list[int]] = {}
        for row in rows:
            groups.setdefault(tuple(frame.at[row, c].strip() for c in key_columns), []).append(row)
        for values, group_rows in groups.items():
            for row in group_rows:
                others = [r for r in group_rows if r != row]
                also = _other_rows(others, origin or {})
                problems.append(
                    Problem(
                        file,
                        Text(
                            f"samme {' × '.join(key_columns)} står mere end én gang (også {also.da})",
                            f"the same {' × '.join(key_columns)} is there more than once (also {also.en})",
                        ),
                        expected=Text("hver kombination én gang", "each combination once"),
                        row=row,
                        column=", ".join(key_columns),
                        value=" / ".join(values),
                    )
                )
    cells = failures[failures["schema_context"] == "Column"]
    for record in cells.to_dict("records"):
        problems.append(
            Problem(
                file,
                Text("ugyldig værdi", "invalid value")
                if str(record["failure_case"]).strip()
                else Text("tomt felt", "empty cell"),
                expected=_EXPECTED.get(str(record["check"]), str(record["check"])),
                row=int(record["index"]) if record["index"] is not None else None,
                column=str(record["column"]),
                value=record["failure_case"],
            )
        )
    return sorted(problems, key=lambda p: (p.row or 0, p.column or ""))
