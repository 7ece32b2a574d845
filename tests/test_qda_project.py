"""Coded REFI-QDA projects read as codings: files shaped as QualCoder, MAXQDA, ATLAS.ti and NVivo write them.

No tool's real export is bundled (their licences and the informants' texts keep them out); each fixture
is built here in the shape its tool writes, and the comment above it says where each habit was seen.
The elements and attributes follow ``Project.xsd`` (REFI-QDA Project Exchange 1.0, namespace
``urn:QDA-XML:project:1.0``): ``Users/User@guid``, ``CodeBook/Codes/Code``, ``Sources/TextSource`` with
``PlainTextContent`` or ``plainTextPath``, ``PlainTextSelection@startPosition/@endPosition/@creatingUser``
holding ``Coding@guid`` with one ``CodeRef@targetGUID``; ``Cases/Case`` with ``VariableValue`` and ``SourceRef``.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from lovende_research.errors import InputError
from lovende_research.instrument import load_instrument
from lovende_research.qda import read_project
from lovende_research.qda.codebook import code_guid

INSTRUMENT = load_instrument()
TRANSCRIPT = (
    "Interviewer: Hvilken teori bygger I på?\n"
    "Informant: Vi bygger på mentaliseringsteori og læser nyt hvert år.\n\n"
    "Interviewer: Mål?\n"
    "Informant: Hver borger har tre mål.\n"
)
THEORY = (51, 106)  # "Vi bygger på mentaliseringsteori og læser nyt hvert år." (characters of TRANSCRIPT)
GOALS = (137, 161)  # "Hver borger har tre mål."


def _u(seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, seed))


def _zip(qde: str, sources: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", qde)
        for name, text in sources.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _write(tmp_path: Path, data: bytes, name: str = "projekt.qdpx") -> Path:
    (tmp_path / name).write_bytes(data)
    return tmp_path / name


def qualcoder_project() -> bytes:
    # QualCoder (src/qualcoder/refi.py, export_project/project_xml/text_selection_xml): default namespace
    # with xsd/xsi declarations, origin = the app's version, lower-case uuid4 GUIDs made fresh at export (so
    # codes are known by name, not by the codebook's GUID), User with name only, the folder "sources" in
    # lower case, plainTextPath internal://<file>.txt, the selected text in the selection's name attribute,
    # creatingUser on the selection and on the Coding; source names are file names ("INT001.txt").
    user, theory, goals, src = _u("qc-user"), _u("qc-theory"), _u("qc-goals"), _u("qc-src")
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
name="kortlaegning.qda" origin="QualCoder 3.6" creatingUserGUID="{_u("qc-creator")}" \
creationDateTime="2026-03-01T10:00:00Z" xmlns="urn:QDA-XML:project:1.0">
<Users><User guid="{user}" name="K1" /></Users>
<CodeBook><Codes>
<Code guid="{_u("qc-cat")}" name="1. Teori og viden" isCodable="false">\
<Code guid="{theory}" name="teori_1: 4 I høj grad" isCodable="true" color="#777777" /></Code>
<Code guid="{goals}" name="maal_1: 3 I nogen grad" isCodable="true" color="#777777" />
</Codes></CodeBook>
<Sources>
<TextSource plainTextPath="internal://{src}.txt" creatingUser="{user}" creationDateTime="2026-03-01T10:00:00Z" guid="{src}" name="INT001.txt">
<PlainTextSelection guid="{_u("qc-s1")}" startPosition="{THEORY[0]}" endPosition="{THEORY[1]}" \
name="{TRANSCRIPT[THEORY[0] : THEORY[1]]}" creatingUser="{user}" creationDateTime="2026-03-01T10:05:00Z">
<Coding guid="{_u("qc-c1")}" creatingUser="{user}" ><CodeRef targetGUID="{theory}" /></Coding></PlainTextSelection>
<PlainTextSelection guid="{_u("qc-s2")}" startPosition="{GOALS[0]}" endPosition="{GOALS[1]}" name="x" \
creatingUser="{user}" creationDateTime="2026-03-01T10:06:00Z">
<Coding guid="{_u("qc-c2")}" creatingUser="{user}" ><CodeRef targetGUID="{goals}" /></Coding></PlainTextSelection>
</TextSource></Sources>
<Description />
</Project>"""
    return _zip(qde, {f"sources/{src}.txt": TRANSCRIPT})


def maxqda_project() -> bytes:
    # MAXQDA: GUIDs in upper case (the MAXQDA-style examples in QualCoder's refi.py importer docstrings,
    # e.g. creatingUser="5D2B49D0-9562-…"), the codebook's GUIDs kept when a .qdc was imported, the folder
    # "Sources" as the standard spells it, codes renamed by the team (only the GUID still says what they
    # are), plain text only (QualCoder's exporter: "emit only plainTextPath, exactly as MAXQDA does"),
    # creatingUser on the selection only; two coders on one source.
    k1, k2, src = _u("mx-k1").upper(), _u("mx-k2").upper(), _u("mx-src").upper()
    theory4, theory3 = code_guid(INSTRUMENT, "teori_1=4").upper(), code_guid(INSTRUMENT, "teori_1=3").upper()
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
origin="MAXQDA 2022 (Release 22.7.0)" name="Kortlægning">
<Users><User guid="{k1}" name="K1"/><User guid="{k2}" name="K2"/></Users>
<CodeBook><Codes><Code guid="{theory4}" name="I høj grad" isCodable="true"/>\
<Code guid="{theory3}" name="I nogen grad" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="{src}" name="INT002" plainTextPath="internal://{src}.txt" creatingUser="{k1}">
<PlainTextSelection guid="{_u("mx-s1").upper()}" startPosition="{THEORY[0]}" endPosition="{THEORY[1]}" \
creatingUser="{k1}"><Coding guid="{_u("mx-c1").upper()}"><CodeRef targetGUID="{theory4}"/></Coding></PlainTextSelection>
<PlainTextSelection guid="{_u("mx-s2").upper()}" startPosition="{THEORY[0]}" endPosition="{THEORY[1] - 10}" \
creatingUser="{k2}"><Coding guid="{_u("mx-c2").upper()}"><CodeRef targetGUID="{theory3}"/></Coding></PlainTextSelection>
</TextSource></Sources></Project>"""
    return _zip(qde, {f"Sources/{src}.txt": TRANSCRIPT})


def atlasti_project() -> bytes:
    # ATLAS.ti: not seen in a real export here; the habits the issue names are put together in one file:
    # a namespace prefix instead of a default namespace (legal XML the schema accepts), GUIDs in braces
    # (the schema's GUIDType allows "{…}"), the text inside the file as PlainTextContent, and a coding of
    # the whole source on the TextSource itself; the code renamed, so only its GUID in braces identifies it.
    # The user's pseudonym is its id attribute (UserType@id).
    user, src = "{" + _u("at-user") + "}", "{" + _u("at-src") + "}"
    code = "{" + code_guid(INSTRUMENT, "teori_1=ved_ikke") + "}"
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<qda:Project xmlns:qda="urn:QDA-XML:project:1.0" origin="ATLAS.ti 23.2.1" name="kortlaegning">
<qda:Users><qda:User guid="{user}" id="K3" name="Kodet af K3"/></qda:Users>
<qda:CodeBook><qda:Codes><qda:Code guid="{code}" name="Ved ikke" isCodable="true"/></qda:Codes></qda:CodeBook>
<qda:Sources><qda:TextSource guid="{src}" name="INT003"><qda:PlainTextContent>{TRANSCRIPT}</qda:PlainTextContent>
<qda:Coding guid="{{{_u("at-c1")}}}" creatingUser="{user}"><qda:CodeRef targetGUID="{code}"/></qda:Coding>
</qda:TextSource></qda:Sources></qda:Project>"""
    return _zip(qde, {})


def nvivo_project() -> bytes:
    # NVivo: sources belong to cases with attribute values (QualCoder's importer reads Case/VariableValue/
    # SourceRef for them, "Cases:…" variable names), a team's own nodes beside the codebook's codes, and
    # annotations as Notes linked to selections (QualCoder: "using now for Nvivo to link Note … to
    # PlainTextSelection"). The source's name is a title, not the interview id: the case variable says it.
    user, src, var, note = _u("nv-user"), _u("nv-src"), _u("nv-var"), _u("nv-note")
    theme, goals = _u("nv-theme"), code_guid(INSTRUMENT, "maal_1=2")
    sel = _u("nv-s1")
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Kortlægning" origin="NVivo 14.23.2">
<Users><User guid="{user}" name="K1"/></Users>
<CodeBook><Codes><Code guid="{goals}" name="maal_1: 2 I mindre grad" isCodable="true"/>\
<Code guid="{theme}" name="Tema: relationer" isCodable="true"/></Codes></CodeBook>
<Variables><Variable guid="{var}" name="Cases:interview_id" typeOfVariable="Text"/></Variables>
<Cases><Case guid="{_u("nv-case")}" name="Leder, bosted"><VariableValue><VariableRef targetGUID="{var}"/><TextValue>\
INT004</TextValue></VariableValue><SourceRef targetGUID="{src}"/></Case></Cases>
<Sources><TextSource guid="{src}" name="Interview med lederen" plainTextPath="internal://{src}.txt">
<PlainTextSelection guid="{sel}" startPosition="{GOALS[0]}" endPosition="{GOALS[1]}" creatingUser="{user}">
<Coding guid="{_u("nv-c1")}" creatingUser="{user}"><CodeRef targetGUID="{goals}"/></Coding>
<Coding guid="{_u("nv-c2")}" creatingUser="{user}"><CodeRef targetGUID="{theme}"/></Coding></PlainTextSelection>
<PlainTextSelection guid="{_u("nv-s2")}" startPosition="0" endPosition="11" creatingUser="{user}">\
<Coding guid="{_u("nv-c3")}" creatingUser="{user}"><CodeRef targetGUID="{theme}"/></Coding></PlainTextSelection>
</TextSource></Sources>
<Notes><Note guid="{note}" name="Annotation" plainTextPath="internal://{note}.txt"/></Notes>
<Links><Link guid="{_u("nv-link")}" originGUID="{note}" targetGUID="{sel}"/></Links>
</Project>"""
    return _zip(qde, {f"Sources/{src}.txt": TRANSCRIPT, f"Sources/{note}.txt": "en note"})


def _maxqda_with(old: str, new: str) -> bytes:
    archive = zipfile.ZipFile(io.BytesIO(maxqda_project()))
    qde = archive.read("project.qde").decode()
    assert old in qde
    return _zip(
        qde.replace(old, new),
        {name: archive.read(name).decode() for name in archive.namelist() if name != "project.qde"},
    )


def _codings(frame: pd.DataFrame) -> list[tuple[str, ...]]:
    return sorted(
        tuple(r)
        for r in frame[["interview_id", "coder_id", "item_id", "response", "delimitation_id"]].itertuples(index=False)
    )


def test_qualcoder_export_matched_by_code_names(tmp_path: Path) -> None:
    project = read_project(_write(tmp_path, qualcoder_project()), INSTRUMENT)
    assert project.origin == "QualCoder 3.6"
    assert _codings(project.codings) == [("INT001", "K1", "maal_1", "3", ""), ("INT001", "K1", "teori_1", "4", "")]
    theory = project.quotes[project.quotes["item_id"] == "teori_1"].iloc[0]
    # the segment's text is the transcript's characters startPosition..endPosition
    assert (theory["text"], theory["start"], theory["end"], theory["element_id"]) == (
        "Vi bygger på mentaliseringsteori og læser nyt hvert år.",
        51,
        106,
        "teori",
    )
    assert project.foreign_codes.empty


def test_maxqda_export_with_upper_case_guids_and_two_coders(tmp_path: Path) -> None:
    project = read_project(_write(tmp_path, maxqda_project()), INSTRUMENT)
    assert _codings(project.codings) == [("INT002", "K1", "teori_1", "4", ""), ("INT002", "K2", "teori_1", "3", "")]


def test_atlasti_shaped_export_with_prefix_braces_and_a_whole_source_coding(tmp_path: Path) -> None:
    project = read_project(_write(tmp_path, atlasti_project()), INSTRUMENT)
    assert _codings(project.codings) == [("INT003", "K3", "teori_1", "ved_ikke", "")]
    assert tuple(project.quotes.iloc[0][["start", "end"]]) == (0, len(TRANSCRIPT))


def test_nvivo_shaped_export_maps_sources_by_case_variable_and_counts_foreign_codes(tmp_path: Path) -> None:
    project = read_project(_write(tmp_path, nvivo_project()), INSTRUMENT)
    assert _codings(project.codings) == [("INT004", "K1", "maal_1", "2", "")]
    assert project.foreign_codes.to_dict("records") == [{"code": "Tema: relationer", "n_codings": 2}]


def test_two_answers_to_one_item_by_one_coder_name_both_positions(tmp_path: Path) -> None:
    one_coder = _maxqda_with(
        f'creatingUser="{_u("mx-k2").upper()}"><Coding', f'creatingUser="{_u("mx-k1").upper()}"><Coding'
    )
    with pytest.raises(InputError) as caught:
        read_project(_write(tmp_path, one_coder), INSTRUMENT)
    message = str(caught.value)
    assert "projekt.qdpx" in message and "teori_1" in message and "INT002" in message
    assert f"tegn {THEORY[0]}–{THEORY[1]}" in message and f"tegn {THEORY[0]}–{THEORY[1] - 10}" in message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"PK\x03\x04 not really a zip", "zip"),
        (_zip("<Project", {}), "ikke gyldig XML"),
        (_zip('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>', {}), "rodelementet"),
        (
            _zip(
                '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><Project name="x">&b;</Project>',
                {},
            ),
            "entiteter",
        ),
        (b"", "zip"),
    ],
    ids=["broken-zip", "broken-xml", "a-codebook", "entity-expansion", "empty"],
)
def test_malformed_archives_are_errors_naming_the_file(tmp_path: Path, data: bytes, expected: str) -> None:
    with pytest.raises(InputError, match=expected) as caught:
        read_project(_write(tmp_path, data), INSTRUMENT)
    assert caught.value.problems[0].file == "projekt.qdpx"


def test_an_archive_without_project_qde_is_named(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("andet.xml", "<Project/>")
    with pytest.raises(InputError, match="ingen project.qde"):
        read_project(_write(tmp_path, buffer.getvalue()), INSTRUMENT)


def test_a_coding_without_a_known_user_is_an_error(tmp_path: Path) -> None:
    unknown = _maxqda_with('<User guid="' + _u("mx-k2").upper() + '" name="K2"/>', "")
    with pytest.raises(InputError, match="ingen kendt bruger"):
        read_project(_write(tmp_path, unknown), INSTRUMENT)


def test_a_source_file_missing_from_the_archive_is_named(tmp_path: Path) -> None:
    qde = zipfile.ZipFile(io.BytesIO(maxqda_project())).read("project.qde").decode()
    with pytest.raises(InputError, match="som arkivet ikke har"):
        read_project(_write(tmp_path, _zip(qde, {})), INSTRUMENT)


def test_a_selection_without_a_whole_number_position_is_named(tmp_path: Path) -> None:
    broken = _maxqda_with(
        f'startPosition="{THEORY[0]}" endPosition="{THEORY[1] - 10}"', f'startPosition="{THEORY[0]}" endPosition="slut"'
    )
    with pytest.raises(InputError, match="endPosition='slut'"):
        read_project(_write(tmp_path, broken), INSTRUMENT)


def test_a_user_named_like_a_person_is_refused(tmp_path: Path) -> None:
    # NVivo and MAXQDA name a user by the name the coder logs in with; a study holds pseudonyms
    named = _maxqda_with('name="K2"/>', 'name="Mette Hansen"/>')
    with pytest.raises(InputError, match="'Mette Hansen' ligner et navn"):
        read_project(_write(tmp_path, named), INSTRUMENT)


def _with_member(project: bytes, name: str, data: bytes) -> bytes:
    """``project`` with one more member, deflated as real tools store it."""
    buffer = io.BytesIO(project)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def test_a_source_declaring_more_than_the_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A zip bomb in small: the limit lowered to 1 MiB stands in for 64 MiB, and 2 MiB of zeros deflate to
    # about 2 kB. The transcript the project points to is replaced by it; the error names it before anything
    # is unpacked.
    monkeypatch.setattr("lovende_research.qda.archive.MAX_SOURCE_BYTES", 1 << 20)
    src = zipfile.ZipFile(io.BytesIO(maxqda_project())).read("project.qde").decode()
    target = next(n for n in zipfile.ZipFile(io.BytesIO(maxqda_project())).namelist() if n.startswith("Sources/"))
    bomb = _with_member(_zip(src, {}), target, bytes(2 << 20))
    assert len(bomb) < 1 << 14
    with pytest.raises(InputError, match=rf"{target} fylder 2\.097\.152 byte udpakket") as caught:
        read_project(_write(tmp_path, bomb), INSTRUMENT)
    assert caught.value.problems[0].file == "projekt.qdpx"
    assert "zip-bombe" in str(caught.value.problems[0].expected)


def test_a_project_qde_declaring_more_than_the_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The limit lowered to 1 kB stands in for 1 GiB: the MAXQDA fixture's project.qde is several kB.
    monkeypatch.setattr("lovende_research.qda.archive.MAX_PROJECT_BYTES", 1024)
    with pytest.raises(InputError, match="project.qde fylder"):
        read_project(_write(tmp_path, maxqda_project()), INSTRUMENT)


def test_archive_members_the_project_does_not_point_to_are_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A recording kept beside the transcripts (MAXQDA and NVivo can embed media) is larger than a text
    # source may be (1 MiB standing in for 64 MiB), but no plainTextPath names it, so it is never unpacked
    # and the codings read as before.
    monkeypatch.setattr("lovende_research.qda.archive.MAX_SOURCE_BYTES", 1 << 20)
    plain = read_project(_write(tmp_path, maxqda_project()), INSTRUMENT).codings
    with_media = _with_member(maxqda_project(), "Sources/interview.mp4", bytes(2 << 20))
    assert _codings(read_project(_write(tmp_path, with_media, "medie.qdpx"), INSTRUMENT).codings) == _codings(plain)
