"""A REFI-QDA project file opened safely: its ``project.qde`` parsed and the text sources it names read.

A project is a file from outside, so two things are refused before they can do harm: a member that
declares more bytes unpacked than a project or a transcript can need (a "zip bomb": a few kilobytes that
unpack to gigabytes), and XML with entity declarations (an entity that expands a billion times or reads a
local file), which :mod:`defusedxml` refuses before the parser sees it. Every error names the file, in
both languages (:class:`~lovende_research.errors.Text`). What the project *means* is read in :mod:`.project`.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath
from typing import Iterator
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from lovende_research.errors import InputError, Text

#: The largest ``project.qde`` and text source read, in bytes as the archive declares them uncompressed.
#: ``zipfile`` never returns more than a member's declared size, so refusing large declarations up front
#: bounds what is read. A national study's project with every transcript is far below these.
MAX_PROJECT_BYTES = 1 << 30
MAX_SOURCE_BYTES = 64 << 20
#: What a ``.qdpx`` must be, said when it is not.
_A_QDPX = Text(
    "et REFI-QDA-projekt (.qdpx: zip med project.qde og Sources/)",
    "a REFI-QDA project (.qdpx: a zip of project.qde and Sources/)",
)


def local_name(tag: object) -> str:
    """An element's name without its namespace: tools write ``urn:QDA-XML:project:1.0``, older ones ``…:0.4``,
    some with a prefix (``qda:Project``); the names are the standard's either way.

    >>> local_name("{urn:QDA-XML:project:1.0}TextSource"), local_name("Project")
    ('TextSource', 'Project')
    """
    return str(tag).rpartition("}")[2]


def descendants(element: Element, name: str) -> Iterator[Element]:
    """Every element named ``name`` (in any namespace) at or below ``element``, in document order."""
    return (child for child in element.iter() if local_name(child.tag) == name)


def open_project(path: Path) -> tuple[Element, dict[str, bytes]]:
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
                    Text("arkivet har ingen project.qde", "the archive has no project.qde")
                    if not qde
                    else Text("arkivet har flere project.qde", "the archive has more than one project.qde"),
                    expected=_A_QDPX,
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
            Text(f"er ikke et læsbart zip-arkiv ({exc})", f"is not a readable zip archive ({exc})"),
            expected=_A_QDPX,
        ) from None


def source_member(source: Element) -> str | None:
    """The archive name (``sources/<name>``, lower case) of the file a text source's ``plainTextPath`` names,
    or None for a source without one or with an external path (``file:///…``, ``C:\\…``), which is not read.

    ``internal://x.txt`` is ``Sources/x.txt`` (QualCoder writes ``sources``); a ``/`` after ``internal://`` is dropped.
    """
    target = source.get("plainTextPath")
    if target is None or not target.startswith("internal://"):
        return None
    return "sources/" + target.removeprefix("internal://").lstrip("/").lower()


def _named_sources(root: Element) -> set[str]:
    """The archive names of the text sources the project points to."""
    return {name for source in descendants(root, "TextSource") if (name := source_member(source)) is not None}


def _check_size(path: Path, member: str, size: int, limit: int) -> None:
    """Refuse ``member`` of ``path`` if it declares more than ``limit`` bytes (a Danish reader writes 1.024)."""
    if size > limit:
        raise InputError.single(
            path.name,
            Text(
                f"{member} fylder {size:,} byte udpakket".replace(",", "."),
                f"{member} takes {size:,} bytes unpacked",
            ),
            expected=Text(
                f"højst {limit:,} byte (et større indhold læses ikke: det kan være en zip-bombe)".replace(",", "."),
                f"at most {limit:,} bytes (larger contents are not read: they may be a zip bomb)",
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
            path.name,
            Text(f"project.qde er ikke gyldig XML: {exc}", f"project.qde is not well-formed XML: {exc}"),
            expected=Text("XML efter REFI-QDA Project.xsd", "XML following REFI-QDA Project.xsd"),
        ) from None
    except defusedxml.DefusedXmlException as exc:
        kind = type(exc).__name__
        raise InputError.single(
            path.name,
            Text(
                f"project.qde indeholder entiteter eller DTD ({kind}), som ikke læses",
                f"project.qde holds entities or a DTD ({kind}), which are not read",
            ),
            expected=Text("XML uden <!ENTITY>", "XML without <!ENTITY>"),
        ) from None
    if local_name(root.tag) != "Project":
        raise InputError.single(
            path.name,
            Text(f"rodelementet er <{local_name(root.tag)}>", f"the root element is <{local_name(root.tag)}>"),
            expected=Text(
                "<Project> i navnerummet urn:QDA-XML:project:1.0", "<Project> in the namespace urn:QDA-XML:project:1.0"
            ),
        )
    return root
