"""Reading a study's tables from CSV, XLSX or SPSS files into text frames indexed by spreadsheet row.

Every reader returns the cells as text (``""`` for an empty cell) with the frame's index set to the row
number the user sees in a spreadsheet program, so a later check can say "row 14" and the user finds it.
Typing happens after validation (see :mod:`lovende_research.schemas`): reading everything as text is
what lets one run report every bad cell instead of stopping at the first one pandas cannot parse.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from lovende_research.errors import InputError, Problem, Text

TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".xlsx", ".sav")
#: How far down a sheet to look for the header row, past a title block.
HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class Origin:
    """Where a row of a table read in another layout was typed, so a problem names the cell the user sees.

    ``cells`` maps a column of the long table to the (row, column) it was typed in when that is not
    ``row`` and the column itself: a wide file's item column, the key block of a coder's workbook.
    ``file`` and ``sheet`` name the workbook and sheet when a table is read from a folder of them.
    """

    row: int
    cells: dict[str, tuple[int, str]] = field(default_factory=dict)
    file: str | None = None
    sheet: str | None = None


@dataclass(frozen=True)
class RawTable:
    """A table as read: text cells, index = spreadsheet row, plus how it was read."""

    name: str
    path: Path
    frame: pd.DataFrame
    decimal_comma: bool = False
    #: SPSS only: per column, each labelled value (as its cell text) and its value label.
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    #: SPSS only: per column, the values and ranges the file declares user-missing, as (low, high).
    missing_ranges: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    #: A table read in another layout (wide codings, a folder of coders' workbooks): per row of ``frame``,
    #: where the user typed it, so a problem names the cell the user sees.
    origin: dict[int, Origin] = field(default_factory=dict)

    @property
    def is_spss(self) -> bool:
        """SPSS exports carry numeric missing codes (7, 8, 9) that only count as such in them."""
        return self.path.suffix.lower() == ".sav"

    @property
    def file(self) -> str:
        return self.path.name


def normalise_column(name: object) -> str:
    """Column names match without regard to case and surrounding white space."""
    return str(name).strip().lower().replace(" ", "_") if name is not None else ""


def find_table_file(study_dir: Path, table: str, suffixes: Sequence[str] = TABLE_SUFFIXES) -> Path | None:
    """The one file holding ``table`` in ``study_dir``, or ``None``; two candidates are an error."""
    found = [study_dir / f"{table}{suffix}" for suffix in suffixes if (study_dir / f"{table}{suffix}").is_file()]
    if len(found) > 1:
        raise InputError.single(
            found[0].name,
            Text(
                f"tabellen '{table}' findes i flere filer: {', '.join(p.name for p in found)}",
                f"the table '{table}' is in several files: {', '.join(p.name for p in found)}",
            ),
            expected=Text("præcis én fil pr. tabel", "exactly one file per table"),
        )
    return found[0] if found else None


def read_table(path: Path, table: str, required: Iterable[str]) -> RawTable:
    """Read ``path`` as the study table ``table``; ``required`` columns locate the header in a sheet."""
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise InputError.single(
            path.name,
            Text("filen er tom", "the file is empty"),
            expected=Text(
                "en overskriftsrække med kolonnerne " + ", ".join(required),
                "a header row with the columns " + ", ".join(required),
            ),
        )
    if suffix == ".csv":
        raw = _read_csv(path, table)
    elif suffix == ".xlsx":
        raw = _read_xlsx(path, table, list(required))
    elif suffix == ".sav":
        from lovende_research.spss import read_sav

        raw = read_sav(path, table)
    else:
        raise InputError.single(
            path.name,
            Text(f"ukendt filtype '{suffix}'", f"unknown file type '{suffix}'"),
            expected=", ".join(TABLE_SUFFIXES),
        )
    return replace(raw, frame=nfc_frame(raw.frame))


def nfc_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell and column name in Unicode NFC, so an ``å`` typed as a + combining ring (NFD, as macOS
    writes file names and some input methods type) is the same id as the precomposed ``å``.

    Normalised once per distinct value: ids and answers repeat over a million rows.

    >>> nfc_frame(pd.DataFrame({"id": ["\u00c5rhus", "A\u030arhus"]}))["id"].tolist() == ["\u00c5rhus", "\u00c5rhus"]
    True
    """
    normalised = frame.copy()
    normalised.columns = [unicodedata.normalize("NFC", str(c)) for c in frame.columns]
    for position in range(normalised.shape[1]):
        column = normalised.iloc[:, position].astype(str)
        codes, distinct = pd.factorize(column)
        if all(value.isascii() for value in distinct):
            continue
        fixed = np.array([unicodedata.normalize("NFC", value) for value in distinct] + [""], dtype=object)
        normalised.iloc[:, position] = fixed[codes]
    return normalised


_CSV_UTF8 = Text("en CSV-tekstfil i UTF-8", "a CSV text file in UTF-8")
_CLOSE_QUOTE = Text(
    'luk feltet med " eller skriv "" for et anførselstegn i teksten',
    'close the field with " or write "" for a quote inside the text',
)

#: How files that are not text begin, so that an image or a workbook saved under a ``.csv`` name is named
#: for what it is rather than read as garbage.
_BINARY_SIGNATURES: dict[bytes, Text] = {
    b"\x89PNG": Text("et PNG-billede", "a PNG image"),
    b"\xff\xd8\xff": Text("et JPEG-billede", "a JPEG image"),
    b"%PDF": Text("en PDF-fil", "a PDF file"),
    b"PK\x03\x04": Text(
        "en zip-fil (fx et Excel-regneark: omdøb den til .xlsx)",
        "a zip file (an Excel workbook, say: rename it to .xlsx)",
    ),
    b"\xd0\xcf\x11\xe0": Text(
        "et gammelt Office-dokument (fx .xls: gem som .xlsx eller CSV)",
        "an old Office document (.xls, say: save it as .xlsx or CSV)",
    ),
    b"$FL2": Text("en SPSS-fil (omdøb den til .sav)", "an SPSS file (rename it to .sav)"),
}


def _decode(path: Path) -> str:
    """UTF-8 (with or without BOM) first; a file that is not UTF-8 is read as Windows-1252/Latin-1.

    Danish spreadsheets saved as 'CSV' by Excel on Windows are Windows-1252, a superset of Latin-1 for
    æøå; a byte Windows-1252 leaves undefined falls back to Latin-1 so nothing is lost. Text with a
    UTF-16 byte-order mark (Excel's "Unicode text") is read as UTF-16. A file that is not text at all
    (a known binary signature, or NUL characters) is a problem naming the file, not a reader's traceback.
    NUL is looked for in the decoded text, so a UTF-16 file (whose text is half NUL bytes) or one behind a
    UTF-8 mark holding one is refused as an 8-bit one is.
    """
    text = _decoded(path, path.read_bytes())
    if "\x00" in text:
        raise InputError.single(
            path.name,
            Text(
                "filen er ikke en CSV-tekstfil (den indeholder binære data)",
                "the file is not a CSV text file (it holds binary data)",
            ),
            expected=Text("en CSV-tekstfil i UTF-8 eller Windows-1252", "a CSV text file in UTF-8 or Windows-1252"),
        )
    return text


def _decoded(path: Path, data: bytes) -> str:
    """``data`` decoded as :func:`_decode` says, or a problem for a byte-order mark it belies or a binary file."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError.single(
                path.name,
                Text(
                    f"filen har et UTF-8-mærke, men byte {exc.start + 3} er ikke UTF-8",
                    f"the file has a UTF-8 mark, but byte {exc.start + 3} is not UTF-8",
                ),
                expected=_CSV_UTF8,
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError.single(
                path.name,
                Text(
                    "filen har et UTF-16-mærke, men er ikke gyldig UTF-16",
                    "the file has a UTF-16 mark, but is not valid UTF-16",
                ),
                expected=_CSV_UTF8,
            ) from None
    for signature, kind in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise InputError.single(
                path.name,
                Text(
                    f"filen er ikke en CSV-tekstfil, men ser ud til at være {kind}",
                    f"the file is not a CSV text file but looks like {kind.en}",
                ),
                expected=Text("en CSV-tekstfil", "a CSV text file"),
            )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _sniff_delimiter(header_line: str) -> str:
    """The separator that splits the header most: ``;`` in Danish Excel exports, ``,`` or tab elsewhere."""
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ","


def _first_line(text: str) -> str:
    """``_lines(text)[0]`` without splitting a million-line file to get it."""
    size = 4096
    while True:
        lines = _lines(text[:size])
        if len(lines) > 1 or size >= len(text):
            return lines[0]
        size *= 4


def _read_csv(path: Path, table: str) -> RawTable:
    text = _decode(path)
    if not text.strip():  # the same as "no line holds anything but white space": line breaks are white space
        raise InputError.single(
            path.name,
            Text("filen er tom", "the file is empty"),
            expected=Text("en overskriftsrække og mindst én datarække", "a header row and at least one data row"),
        )
    delimiter = _sniff_delimiter(_first_line(text))
    fast = _read_csv_fast(text, delimiter)
    if fast is not None:
        return RawTable(table, path, fast, decimal_comma=delimiter == ";")
    return _read_csv_rows(path, table, text, delimiter)


def _read_csv_fast(text: str, delimiter: str) -> pd.DataFrame | None:
    """The table read by pandas' C parser, or ``None`` when the file needs the row-by-row reader.

    Row by row in Python, a national codings file (over a million rows) took ten seconds to read. The C
    parser gives the same frame for every file whose rows are no wider than its header; a wider row
    (which the row-by-row reader reports, or accepts when the extra cells are blank) makes the parser
    fail, and so do files with bare carriage returns as line breaks: those take the row-by-row path, so
    the row numbers, the padding of short rows and every message stay exactly as they were. So does a
    file with a line break inside a cell, which may be a quote left open.
    """
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return None
    header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    width = len(header)
    if width == 0:
        return None
    try:
        cells = pd.read_csv(
            io.StringIO(text), sep=delimiter, header=None, names=range(width), index_col=False, dtype=object,
            na_filter=False, keep_default_na=False, skip_blank_lines=False, engine="c", quotechar='"', doublequote=True,
        )  # fmt: skip
    except (pd.errors.ParserError, ValueError):
        return None
    if len(cells) == 0 or [str(c) for c in cells.iloc[0]] != header:
        return None
    body = cells.iloc[1:]
    columns: list[np.ndarray] = []
    blank = np.ones(len(body), dtype=bool)
    for column in body.columns:
        # Stripped once per distinct value: ids, items and answers repeat over a million rows.
        codes, distinct = pd.factorize(body[column].to_numpy(dtype=object))
        if any("\n" in value or "\r" in value for value in distinct):
            return None  # a cell with a line break: perhaps a quote left open, which the row reader finds
        distinct = np.array([value.strip() for value in distinct] + [""], dtype=object)
        blank &= (distinct == "")[codes]
        columns.append(distinct[codes])
    names = [normalise_column(c) for c in header]
    if blank.all():
        return frame_of(names, [])
    keep = ~blank
    numbers = np.arange(2, len(body) + 2)[keep]
    frame = pd.DataFrame(
        {j: values[keep] for j, values in enumerate(columns)},
        index=pd.Index(numbers.tolist(), name="row"),
        dtype=object,
    )
    frame.columns = names
    return frame


def _read_csv_rows(path: Path, table: str, text: str, delimiter: str) -> RawTable:
    """The row-by-row reader: reports rows wider than the header, pads short ones, skips blank ones."""
    records, lines = _csv_records(path, text, delimiter)
    header = [normalise_column(c) for c in records[0]]
    width = len(header)
    problems = _unclosed_quotes(path, records, lines, width, delimiter)
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if number in {p.row for p in problems}:
            continue
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > width and any(cell.strip() for cell in record[width:]):
            problems.append(
                Problem(
                    path.name,
                    Text(
                        f"rækken har {len(record)} felter, overskriften {width}",
                        f"the row has {len(record)} fields, the header {width}",
                    ),
                    expected=Text(
                        f"{width} felter adskilt af '{delimiter}'", f"{width} fields separated by '{delimiter}'"
                    ),
                    row=number,
                )
            )
            continue
        rows.append((number, [cell.strip() for cell in record[:width]] + [""] * (width - len(record))))
    if problems:
        raise InputError(problems)
    frame = frame_of(header, rows)
    return RawTable(table, path, frame, decimal_comma=delimiter == ";")


def _csv_records(path: Path, text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """Every record of the file and the line each begins on; a quote left open at the end is a problem there.

    The stream is opened with ``newline=""`` so that bare carriage returns (old Mac files) end lines too.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    lines: list[int] = []
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return records, lines
        except csv.Error as exc:
            # Read alone and leniently, the line where the record opens ends in the field the quote opened.
            # The reader has read that line, so the text has it.
            opening = _lines(text)[start - 1]
            column = len(next(csv.reader([opening], delimiter=delimiter), [""])) - 1
            header = records[0] if records else []
            raise InputError.single(
                path.name,
                Text(
                    f'et felt med anførselstegn (") er ikke lukket korrekt; det åbner på linje {start} ({exc})',
                    f'a quoted field (") is not closed properly; it opens on line {start} ({exc})',
                ),
                expected=_CLOSE_QUOTE,
                row=len(records) + 1,
                column=normalise_column(header[column]) if 0 <= column < len(header) else None,
            ) from None
        records.append(record)
        lines.append(start)


_LINE_END = re.compile("\r\n|\r|\n")


def _lines(text: str) -> list[str]:
    """``text`` cut where the csv reader ends a line (``\\r\\n``, ``\\n`` or a bare ``\\r``), so line numbers
    and columns agree with it; ``str.splitlines`` also cuts at characters a cell may hold (``\\u2028`` from
    text pasted off a web page, ``\\x85``, a form feed), which put the column and the line count off.

    >>> _lines("a\\u2028b;c\\r\\nd\\re")
    ['a\\u2028b;c', 'd', 'e']
    """
    return _LINE_END.split(text)


def _unclosed_quotes(
    path: Path, records: list[list[str]], lines: list[int], width: int, delimiter: str
) -> list[Problem]:
    """Records in which one cell swallowed further rows: a quote opened and closed only lines later.

    A cell may hold line breaks, but one whose later lines carry as many separators as a row has (or
    more) is read as a quote left open, reported on the row and line where it opens, instead of a
    table silently cut to a few rows.
    """
    problems = []
    for number, (record, line) in enumerate(zip(records[1:], lines[1:], strict=True), start=2):
        for column, cell in enumerate(record):
            later = _lines(cell)[1:]
            if width > 1 and any(part.count(delimiter) >= max(width - 1, 2) for part in later):
                problems.append(
                    Problem(
                        path.name,
                        Text(
                            f'et anførselstegn (") åbner et felt på linje {line}, som først lukkes {len(later)} '
                            "linjer senere, så rækkerne imellem forsvinder",
                            f'a quote (") opens a field on line {line} that closes only {len(later)} lines later, so the rows between vanish',
                        ),
                        expected=_CLOSE_QUOTE,
                        row=number,
                        column=normalise_column(records[0][column]) if column < len(records[0]) else None,
                    )
                )
                break
    return problems


def cell_text(value: object) -> str:
    """One spreadsheet cell as the text a user typed: ``3.0`` from Excel's float store reads ``3``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(path: Path, table: str, required: list[str]) -> RawTable:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or mislabelled file
        raise InputError.single(
            path.name,
            Text(
                f"kan ikke læses som Excel-fil ({type(exc).__name__}: {exc})",
                f"cannot be read as an Excel file ({type(exc).__name__}: {exc})",
            ),
            expected=Text("en .xlsx-fil", "an .xlsx file"),
        ) from None
    try:
        found: list[tuple[str, int, list[str], list[tuple[int, list[str]]]]] = []
        for sheet in workbook.worksheets:
            rows = [
                (i, [cell_text(v) for v in row]) for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)
            ]
            for number, cells in rows[:HEADER_SEARCH_ROWS]:
                names = [normalise_column(c) for c in cells]
                if all(column in names for column in required):
                    found.append((sheet.title, number, names, [(n, c) for n, c in rows if n > number]))
                    break
    finally:
        workbook.close()
    if not found:
        raise InputError.single(
            path.name,
            Text(
                f"intet ark har en overskriftsrække med kolonnerne {', '.join(required)} (ark: {', '.join(workbook.sheetnames)})",
                f"no sheet has a header row with the columns {', '.join(required)} (sheets: {', '.join(workbook.sheetnames)})",
            ),
            expected=Text(
                f"overskriften i de første {HEADER_SEARCH_ROWS} rækker af ét ark",
                f"the header in the first {HEADER_SEARCH_ROWS} rows of one sheet",
            ),
        )
    if len(found) > 1:
        named = [f for f in found if f[0].strip().lower() == table]
        if len(named) != 1:
            raise InputError.single(
                path.name,
                Text(
                    f"flere ark ligner tabellen '{table}': {', '.join(f[0] for f in found)}",
                    f"several sheets look like the table '{table}': {', '.join(f[0] for f in found)}",
                ),
                expected=Text(
                    f"ét ark med tabellen, eller et ark med navnet '{table}'",
                    f"one sheet with the table, or a sheet named '{table}'",
                ),
            )
        found = named
    _, _, names, rows = found[0]
    width = max((i + 1 for i, name in enumerate(names) if name), default=0)
    header = names[:width]
    body = [(n, (cells + [""] * width)[:width]) for n, cells in rows if any(c for c in cells[:width])]
    return RawTable(table, path, frame_of(header, body))


def frame_of(header: list[str], rows: list[tuple[int, list[str]]]) -> pd.DataFrame:
    frame = pd.DataFrame([cells for _, cells in rows], columns=header, index=[n for n, _ in rows], dtype=object)
    frame.index.name = "row"
    return frame
