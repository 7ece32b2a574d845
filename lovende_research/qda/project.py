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

The XML is parsed with :mod:`defusedxml`, which refuses entity declarations: a project is a file from
outside, and an entity that expands a billion times or reads a local file must not get as far as the parser.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterator
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET
import pandas as pd

from lovende_research.errors import InputError, Problem
from lovende_research.instrument import Instrument
from lovende_research.personal_data import looks_like_pseudonym
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


@dataclass(frozen=True)
class CodedProject:
    """What a project held: ``codings`` (:data:`CODING_COLUMNS`, text), ``quotes`` (:data:`QUOTE_COLUMNS`,
    one row per coded segment) and ``foreign_codes`` (``code``, ``n_codings``: codes not the instrument's)."""

    path: Path
    origin: str
    codings: pd.DataFrame
    quotes: pd.DataFrame
    foreign_codes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"code": [], "n_codings": []}))


def _local(tag: object) -> str:
    """An element's name without its namespace: tools write ``urn:QDA-XML:project:1.0``, older ones ``…:0.4``,
    some with a prefix (``qda:Project``); the names are the standard's either way."""
    return str(tag).rsplit("}", 1)[-1]


def _children(element: Element, name: str) -> Iterator[Element]:
    return (child for child in element if _local(child.tag) == name)


def _descendants(element: Element, name: str) -> Iterator[Element]:
    return (child for child in element.iter() if _local(child.tag) == name)


def normal_guid(value: str | None) -> str:
    """A GUID as compared here: lower case, no braces (MAXQDA writes upper case, some tools ``{…}``).

    >>> normal_guid("{5B2FC63A-8AF4-44CB-960C-AEFDCED908D6}")
    '5b2fc63a-8af4-44cb-960c-aefdced908d6'
    """
    return (value or "").strip().strip("{}").lower()


#: The largest ``project.qde`` and text source read, in bytes as the archive declares them uncompressed.
#: A project is a file from outside: a few kilobytes of zip can declare gigabytes of zeros (a "zip bomb"),
#: and ``zipfile`` never returns more than a member's declared size, so refusing large declarations up front
#: bounds what is read. A national study's project with every transcript is far below these.
MAX_PROJECT_BYTES = 1 << 30
MAX_SOURCE_BYTES = 64 << 20


def _open_project(path: Path) -> tuple[Element, dict[str, bytes]]:
    """The parsed ``project.qde`` and the text sources it names (``sources/<name>``, lower case).

    Only the sources a ``plainTextPath="internal://…"`` names are read, so an archive's audio, video or
    PDF originals are never unpacked; a ``.qde`` alone reads them from its ``Sources/`` folder.
    """
    if path.suffix.lower() == ".qde":
        _check_size(path, "project.qde", path.stat().st_size, MAX_PROJECT_BYTES)
        root = _parse(path, path.read_bytes())
        folder = {p.relative_to(path.parent).as_posix().lower(): p for p in path.parent.rglob("*") if p.is_file()}
        return root, {name: _read_file(path, folder[name]) for name in _named_sources(root) if name in folder}
    try:
        with zipfile.ZipFile(path) as archive:
            members = {info.filename.lower(): info for info in archive.infolist() if not info.is_dir()}
            qde = [name for name in members if PurePosixPath(name).name == "project.qde"]
            if len(qde) != 1:
                raise InputError.single(
                    path.name,
                    "arkivet har ingen project.qde" if not qde else "arkivet har flere project.qde",
                    expected="et REFI-QDA-projekt (.qdpx) med project.qde øverst",
                )
            info = members[qde[0]]
            _check_size(path, info.filename, info.file_size, MAX_PROJECT_BYTES)
            root = _parse(path, archive.read(info))
            files = {}
            for name in _named_sources(root):
                if name in members:
                    info = members[name]
                    _check_size(path, info.filename, info.file_size, MAX_SOURCE_BYTES)
                    files[name] = archive.read(info)
            return root, files
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputError.single(
            path.name,
            f"er ikke et læsbart zip-arkiv ({exc})",
            expected="et REFI-QDA-projekt (.qdpx: zip med project.qde og Sources/)",
        ) from None


def _named_sources(root: Element) -> set[str]:
    """The archive names (``sources/<name>``, lower case) of the text sources the project points to."""
    targets = (source.get("plainTextPath") or "" for source in _descendants(root, "TextSource"))
    return {
        "sources/" + target.removeprefix("internal://").lstrip("/").lower()
        for target in targets
        if target.startswith("internal://")
    }


def _check_size(path: Path, member: str, size: int, limit: int) -> None:
    if size > limit:
        raise InputError.single(
            path.name,
            f"{member} fylder {size:,} byte udpakket".replace(",", "."),
            expected=f"højst {limit:,} byte (et større indhold læses ikke: det kan være en zip-bombe)".replace(
                ",", "."
            ),
        )


def _read_file(path: Path, file: Path) -> bytes:
    _check_size(path, file.name, file.stat().st_size, MAX_SOURCE_BYTES)
    return file.read_bytes()


def _parse(path: Path, data: bytes) -> Element:
    try:
        root = SafeET.fromstring(data)
    except ParseError as exc:
        raise InputError.single(
            path.name, f"project.qde er ikke gyldig XML: {exc}", expected="XML efter REFI-QDA Project.xsd"
        ) from None
    except defusedxml.DefusedXmlException as exc:
        raise InputError.single(
            path.name,
            f"project.qde indeholder entiteter eller DTD ({type(exc).__name__}), som ikke læses",
            expected="XML uden <!ENTITY>",
        ) from None
    if _local(root.tag) != "Project":
        raise InputError.single(
            path.name,
            f"rodelementet er <{_local(root.tag)}>",
            expected="<Project> i navnerummet urn:QDA-XML:project:1.0",
        )
    return root


class _Reader:
    """One pass over a parsed project: users, codes, cases, then every coded selection of every text source."""

    def __init__(self, path: Path, root: Element, files: dict[str, bytes], instrument: Instrument):
        self.path, self.root, self.files, self.instrument = path, root, files, instrument
        self.users = {
            normal_guid(u.get("guid")): (u.get("id") or u.get("name") or "").strip() for u in _descendants(root, "User")
        }
        self.code_names = {normal_guid(c.get("guid")): c.get("name") or "" for c in _descendants(root, "Code")}
        codes = [c for c in instrument_codes(instrument) if c.codable]
        self.by_guid = {normal_guid(c.guid): (c.item_id, c.response) for c in codes}
        self.by_name = {(c.item_id, c.response.casefold()): (c.item_id, c.response) for c in codes}
        self.element_of = {item.id: item.element_id for item in instrument.items} | {instrument.screen_item.id: ""}
        self.variable_names = {
            normal_guid(v.get("guid")): (v.get("name") or "").strip().lower() for v in _descendants(root, "Variable")
        }
        self.case_values: dict[str, dict[str, str]] = {}
        for case in _descendants(root, "Case"):
            values = self._values(case)
            for ref in _children(case, "SourceRef"):
                self.case_values.setdefault(normal_guid(ref.get("targetGUID")), {}).update(values)

    def fail(self, problem: str, expected: str = "") -> InputError:
        return InputError.single(self.path.name, problem, expected=expected)

    def _values(self, element: Element) -> dict[str, str]:
        values = {}
        for value in _children(element, "VariableValue"):
            ref = next(_children(value, "VariableRef"), None)
            name = self.variable_names.get(normal_guid(ref.get("targetGUID") if ref is not None else None), "")
            text = next((v.text for v in value if _local(v.tag).endswith("Value") and v.text is not None), "")
            if name:
                values[name.split(":")[-1].strip()] = str(text).strip()  # QualCoder writes "Cases:interview_id"
        return values

    def position(self, selection: Element, attribute: str, source: str) -> int:
        """A selection's ``startPosition``/``endPosition`` (required, xsd:integer), or an error naming it."""
        value = selection.get(attribute)
        if value is None or not value.strip().isdigit():
            raise self.fail(
                f"et tekststykke i '{source}' har {attribute}={value!r}",
                "et ikke-negativt heltal (tegn i kildens tekst)",
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
        target = source.get("plainTextPath") or ""
        if not target.startswith("internal://"):
            return ""  # an external or absolute path: the segments' own names stand in for their text
        name = target.removeprefix("internal://").lstrip("/").lower()
        data = self.files.get(f"sources/{name}")
        if data is None:
            raise self.fail(
                f"kilden '{source.get('name')}' peger på {target}, som arkivet ikke har", "filen i arkivets Sources/"
            )
        try:
            return data.decode("utf-8-sig")  # positions count characters of the text as stored, line endings included
        except UnicodeDecodeError:
            raise self.fail(
                f"kilden '{source.get('name')}' ({target}) er ikke UTF-8-tekst",
                "ren tekst i UTF-8, som standarden foreskriver",
            ) from None

    def rows(self) -> tuple[list[dict[str, object]], dict[str, int]]:
        rows: list[dict[str, object]] = []
        foreign: dict[str, int] = {}
        for source in _descendants(self.root, "TextSource"):
            guid = normal_guid(source.get("guid"))
            name = (source.get("name") or "").strip()
            values = self.case_values.get(guid, {}) | self._values(source)
            interview = values.get("interview_id") or re.sub(
                r"\.(txt|docx|rtf|odt|pdf)$", "", name, flags=re.IGNORECASE
            )
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
                    coder = self.users.get(user, "")
                    if not coder:
                        raise self.fail(
                            f"kodningen i '{name}' ved tegn {start}–{end} har ingen kendt bruger ({user or 'ingen creatingUser'})",
                            "en <User> med id eller navn (koderens pseudonym)",
                        )
                    quote = text[start:end] if text else (selection.get("name") or "")
                    rows.append(
                        {
                            "interview_id": interview,
                            "delimitation_id": delimitation,
                            "coder_id": coder,
                            "item_id": answer[0],
                            "element_id": self.element_of.get(answer[0], ""),
                            "response": answer[1],
                            "source": name,
                            "start": start,
                            "end": end,
                            "text": quote.strip(),
                        }
                    )
        return rows, foreign


def _conflicts(path: Path, quotes: pd.DataFrame) -> list[Problem]:
    """Two different answers to one item by one coder in one interview: each names the segments' positions."""
    problems = []
    keys = ["interview_id", "delimitation_id", "coder_id", "item_id"]
    for key, group in quotes.groupby(keys, sort=True):
        if group["response"].nunique() > 1:
            where = "; ".join(
                f"svar {r.response} i '{r.source}' tegn {r.start}–{r.end}"
                for r in group.drop_duplicates(["response", "source", "start", "end"]).itertuples()
            )
            problems.append(
                Problem(
                    path.name,
                    f"koder {key[2]} har givet spørgsmål {key[3]} i interview {key[0]} flere svar: {where}",
                    expected="ét svar pr. interview × koder × spørgsmål",
                )
            )
    return problems


def _named_coders(path: Path, quotes: pd.DataFrame) -> list[Problem]:
    """Coders whose id reads like a person's name: QDA tools often name a user by its real name, and a study
    holds pseudonyms (:func:`~lovende_research.personal_data.looks_like_pseudonym`)."""
    coders = pd.Series(sorted(quotes["coder_id"].unique()), dtype=object)
    return [
        Problem(
            path.name,
            f"brugeren '{coder}' ligner et navn på en person",
            expected="et pseudonym som brugerens id eller navn i QDA-programmet (fx K1)",
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
        raise InputError.single(str(file), "filen findes ikke", expected="en .qdpx- eller .qde-fil")
    root, files = _open_project(file)
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
    return CodedProject(
        file, root.get("origin") or "", codings.astype(str), quotes.reset_index(drop=True), foreign_codes
    )


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
