"""A coded REFI-QDA project (``.qdpx`` or ``.qde``) read as the study's codings and quotes.

How the project maps onto the study (also in ``docs/qda.md``):

- **a source is an interview**: a text source's case variable ``interview_id`` (a ``Case`` holding the
  source through ``SourceRef``, or a ``VariableValue`` of the source itself) names its interview; without
  one, the source's ``name`` is the interview id, less a file extension (``INT001.txt`` → ``INT001``).
  A variable ``delimitation_id`` says which delimitation the interview was coded under (default: main);
- **a user is a coder**: the user's ``id`` attribute, else its ``name``, is the coder id (a pseudonym,
  as everywhere in a study);
- **a coding of one of the instrument's codes is a response**: the code is found by its GUID (in any
  letter case, with or without braces, as :mod:`.codebook` wrote it) or else by its name (``teori_1: 3 …``);
  one response per interview × coder × item, however many segments carry it. Two different answers to
  one item by one coder in one interview are an error naming both segments' positions;
- **other codes** (a team's own themes) are counted in :attr:`CodedProject.foreign_codes`, not an error.

Positions are the ``startPosition``/``endPosition`` of a ``PlainTextSelection``: characters (Unicode code
points) of the source's plain text, which is the ``PlainTextContent`` or the file ``plainTextPath`` names
(``internal://x.txt`` is ``Sources/x.txt`` in the archive; QualCoder writes the folder as ``sources``).

The file is opened by :mod:`.archive`, which refuses zip bombs and entity declarations before anything
is parsed. Every error names the file and says what was expected, in Danish and English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from xml.etree.ElementTree import Element

import pandas as pd

from lovende_research.errors import InputError, Problem, Text
from lovende_research.instrument import Instrument
from lovende_research.personal_data import looks_like_pseudonym
from lovende_research.qda.archive import descendants, local_name, open_project, source_member
from lovende_research.qda.codebook import instrument_codes
from lovende_research.schemas import MAIN_DELIMITATION
from lovende_research.tables import RawTable, frame_of

PROJECT_SUFFIXES: tuple[str, ...] = (".qdpx", ".qde")
CODING_COLUMNS: tuple[str, ...] = ("interview_id", "coder_id", "item_id", "response", "delimitation_id", "note")
QUOTE_COLUMNS: tuple[str, ...] = (
    "interview_id",
    "delimitation_id",
    "coder_id",
    "item_id",
    "element_id",
    "response",
    "source",
    "start",
    "end",
    "text",
)
_CODE_NAME = re.compile(r"^\s*([^\s:]+)\s*:\s*(\S+)")
#: The file extension a tool leaves in a source's name (``INT001.txt``, ``INT001.DOCX``): not the interview's.
_FILE_EXTENSION = re.compile(r"\.(txt|docx|rtf|odt|pdf)$", re.IGNORECASE)
_POSITION = re.compile(r"\s*[0-9]+\s*")


@dataclass(frozen=True)
class CodedProject:
    """What a project held: ``codings`` (:data:`CODING_COLUMNS`, text), ``quotes`` (:data:`QUOTE_COLUMNS`,
    one row per coded segment) and ``foreign_codes`` (``code``, ``n_codings``: codes not the instrument's)."""

    path: Path
    origin: str
    codings: pd.DataFrame
    quotes: pd.DataFrame
    foreign_codes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"code": [], "n_codings": []}))


def _children(element: Element, name: str) -> Iterator[Element]:
    return (child for child in element if local_name(child.tag) == name)


def normal_guid(value: str | None) -> str:
    """A GUID as compared here: lower case, no braces (MAXQDA writes upper case, some tools ``{…}``).

    >>> normal_guid("{5B2FC63A-8AF4-44CB-960C-AEFDCED908D6}")
    '5b2fc63a-8af4-44cb-960c-aefdced908d6'
    """
    return (value or "").strip().strip("{}").lower()


class _Reader:
    """One pass over a parsed project: users, codes, cases, then every coded selection of every text source."""

    def __init__(self, path: Path, root: Element, files: dict[str, bytes], instrument: Instrument):
        self.path, self.root, self.files, self.instrument = path, root, files, instrument
        self.users = {
            normal_guid(u.get("guid")): (u.get("id") or u.get("name") or "").strip() for u in descendants(root, "User")
        }
        self.users.pop("", None)  # a <User> without guid (the schema requires one) is no coding's creatingUser
        self.code_names = {normal_guid(c.get("guid")): c.get("name") or "" for c in descendants(root, "Code")}
        codes = [c for c in instrument_codes(instrument) if c.codable]
        self.by_guid = {normal_guid(c.guid): (c.item_id, c.response) for c in codes}
        self.by_name = {(c.item_id, c.response.casefold()): (c.item_id, c.response) for c in codes}
        self.element_of = {item.id: item.element_id for item in instrument.items} | {instrument.screen_item.id: ""}
        self.variable_names = {
            normal_guid(v.get("guid")): (v.get("name") or "").strip().lower() for v in descendants(root, "Variable")
        }
        self.case_values: dict[str, dict[str, str]] = {}
        for case in descendants(root, "Case"):
            values = self._values(case)
            for ref in _children(case, "SourceRef"):
                self.case_values.setdefault(normal_guid(ref.get("targetGUID")), {}).update(values)

    def fail(self, problem: Text, expected: Text) -> InputError:
        return InputError.single(self.path.name, problem, expected=expected)

    def _values(self, element: Element) -> dict[str, str]:
        values = {}
        for value in _children(element, "VariableValue"):
            ref = next(_children(value, "VariableRef"), None)
            name = self.variable_names.get(normal_guid(ref.get("targetGUID") if ref is not None else None))
            text = next((v.text for v in value if local_name(v.tag).endswith("Value") and v.text is not None), "")
            if name:
                values[name.split(":")[-1].strip()] = text.strip()  # QualCoder writes "Cases:interview_id"
        return values

    def position(self, selection: Element, attribute: str, source: str) -> int:
        """A selection's ``startPosition``/``endPosition`` (required, xsd:integer), or an error naming it."""
        value = selection.get(attribute)
        if value is None or not _POSITION.fullmatch(value):  # not str.isdigit: "²" is a digit to it
            raise self.fail(
                Text(
                    f"et tekststykke i '{source}' har {attribute}={value!r}",
                    f"a selection in '{source}' has {attribute}={value!r}",
                ),
                Text(
                    "et ikke-negativt heltal (tegn i kildens tekst)",
                    "a non-negative integer (characters of the source's text)",
                ),
            )
        return int(value)

    def response_of(self, guid: str) -> tuple[str, str] | None:
        """The (item, answer) a code stands for, by GUID, else by a name ``item: answer …``; None: not the instrument's."""
        if guid in self.by_guid:
            return self.by_guid[guid]
        match = _CODE_NAME.match(self.code_names.get(guid, ""))
        return self.by_name.get((match.group(1), match.group(2).casefold())) if match else None

    def text_of(self, source: Element) -> str:
        content = next(_children(source, "PlainTextContent"), None)
        if content is not None:
            return content.text or ""
        member = source_member(source)
        if member is None:
            return ""  # an external or absolute path: the segments' own names stand in for their text
        target, data = source.get("plainTextPath"), self.files.get(member)
        if data is None:
            raise self.fail(
                Text(
                    f"kilden '{source.get('name')}' peger på {target}, som arkivet ikke har",
                    f"the source '{source.get('name')}' points to {target}, which the archive does not hold",
                ),
                Text("filen i arkivets Sources/", "the file in the archive's Sources/"),
            )
        try:
            return data.decode("utf-8-sig")  # positions count characters of the text as stored, line endings included
        except UnicodeDecodeError:
            raise self.fail(
                Text(
                    f"kilden '{source.get('name')}' ({target}) er ikke UTF-8-tekst",
                    f"the source '{source.get('name')}' ({target}) is not UTF-8 text",
                ),
                Text(
                    "ren tekst i UTF-8, som standarden foreskriver", "plain text in UTF-8, as the standard prescribes"
                ),
            ) from None

    def rows(self) -> tuple[list[dict[str, object]], dict[str, int]]:
        rows: list[dict[str, object]] = []
        foreign: dict[str, int] = {}
        for source in descendants(self.root, "TextSource"):
            guid = normal_guid(source.get("guid"))
            name = (source.get("name") or "").strip()
            values = self.case_values.get(guid, {}) | self._values(source)
            interview = values.get("interview_id") or _FILE_EXTENSION.sub("", name)
            delimitation = values.get("delimitation_id") or MAIN_DELIMITATION
            text = self.text_of(source)
            selections = [
                (s, self.position(s, "startPosition", name), self.position(s, "endPosition", name))
                for s in _children(source, "PlainTextSelection")
            ]
            selections += [(source, 0, len(text))]  # codings of the whole source sit on the source itself
            for selection, start, end in selections:
                for coding in _children(selection, "Coding"):
                    ref = next(_children(coding, "CodeRef"), None)
                    code = normal_guid(ref.get("targetGUID") if ref is not None else None)
                    answer = self.response_of(code)
                    if answer is None:
                        label = self.code_names.get(code) or code
                        foreign[label] = foreign.get(label, 0) + 1
                        continue
                    user = normal_guid(coding.get("creatingUser") or selection.get("creatingUser"))
                    coder = self.users.get(user)
                    if not coder:
                        raise self.fail(
                            Text(
                                f"kodningen i '{name}' ved tegn {start}–{end} har ingen kendt bruger "
                                f"({user or 'ingen creatingUser'})",
                                f"the coding in '{name}' at characters {start}–{end} has no known user "
                                f"({user or 'no creatingUser'})",
                            ),
                            Text(
                                "en <User> med id eller navn (koderens pseudonym)",
                                "a <User> with an id or a name (the coder's pseudonym)",
                            ),
                        )
                    quote = text[start:end] if text else (selection.get("name") or "")
                    rows.append(
                        {
                            "interview_id": interview,
                            "delimitation_id": delimitation,
                            "coder_id": coder,
                            "item_id": answer[0],
                            "element_id": self.element_of[answer[0]],
                            "response": answer[1],
                            "source": name,
                            "start": start,
                            "end": end,
                            "text": quote.strip(),
                        }
                    )
        return rows, foreign


def _conflicts(path: Path, quotes: pd.DataFrame) -> list[Problem]:
    """Two different answers to one item by one coder in one interview: each names the segments' positions.

    Listed by interview, delimitation, coder and item, so the same project always reports in the same order."""
    problems = []
    keys = ["interview_id", "delimitation_id", "coder_id", "item_id"]
    for (interview, _, coder, item), group in quotes.groupby(keys, sort=True):
        if group["response"].nunique() > 1:
            segments = list(group.drop_duplicates(["response", "source", "start", "end"]).itertuples())
            da = "; ".join(f"svar {r.response} i '{r.source}' tegn {r.start}–{r.end}" for r in segments)
            en = "; ".join(f"answer {r.response} in '{r.source}' characters {r.start}–{r.end}" for r in segments)
            problems.append(
                Problem(
                    path.name,
                    Text(
                        f"koder {coder} har givet spørgsmål {item} i interview {interview} flere svar: {da}",
                        f"coder {coder} gave item {item} in interview {interview} more than one answer: {en}",
                    ),
                    expected=Text(
                        "ét svar pr. interview × koder × spørgsmål", "one answer per interview × coder × item"
                    ),
                )
            )
    return problems


def _named_coders(path: Path, quotes: pd.DataFrame) -> list[Problem]:
    """Coders whose id reads like a person's name: QDA tools often name a user by its real name, and a study
    holds pseudonyms (:func:`~lovende_research.personal_data.looks_like_pseudonym`)."""
    coders = pd.Series(sorted(quotes["coder_id"].unique()))
    return [
        Problem(
            path.name,
            Text(f"brugeren '{coder}' ligner et navn på en person", f"the user '{coder}' looks like a person's name"),
            expected=Text(
                "et pseudonym som brugerens id eller navn i QDA-programmet (fx K1)",
                "a pseudonym as the user's id or name in the QDA program (e.g. K1)",
            ),
        )
        for coder in coders[~looks_like_pseudonym(coders)]
    ]


def read_project(path: str | Path, instrument: Instrument) -> CodedProject:
    """Read a coded ``.qdpx`` (or a ``project.qde`` beside its ``Sources/``) against ``instrument``.

    Raises :class:`~lovende_research.errors.InputError` naming the file for an archive or XML that cannot
    be read, a coding without a known user, or two answers to one item by one coder in one interview.
    """
    file = Path(path)
    if not file.is_file():
        raise InputError.single(
            str(file),
            Text("filen findes ikke", "the file does not exist"),
            expected=Text("en .qdpx- eller .qde-fil", "a .qdpx or .qde file"),
        )
    root, files = open_project(file)
    reader = _Reader(file, root, files, instrument)
    rows, foreign = reader.rows()
    quotes = pd.DataFrame(rows, columns=list(QUOTE_COLUMNS)).astype({"start": "int64", "end": "int64"})
    problems = _conflicts(file, quotes) + _named_coders(file, quotes)
    if problems:
        raise InputError(problems)
    codings = quotes.drop_duplicates(["interview_id", "delimitation_id", "coder_id", "item_id"]).assign(note="")
    codings = codings.assign(delimitation_id=codings["delimitation_id"].replace(MAIN_DELIMITATION, ""))[
        list(CODING_COLUMNS)
    ].reset_index(drop=True)
    foreign_codes = pd.DataFrame(sorted(foreign.items()), columns=["code", "n_codings"])
    return CodedProject(file, root.get("origin") or "", codings.astype(str), quotes, foreign_codes)


def project_table(path: Path, instrument: Instrument) -> RawTable:
    """The project's codings as the study's ``codings`` table (text cells; row *n* is the *n*-th coding, from 2
    as below a spreadsheet's header), for :meth:`~lovende_research.study.Study.load`."""
    codings = read_project(path, instrument).codings
    return RawTable(
        "codings",
        path,
        frame_of(
            list(CODING_COLUMNS),
            [(row + 2, list(values)) for row, values in enumerate(codings.itertuples(index=False))],
        ),
    )
