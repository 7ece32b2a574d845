"""The REFI-QDA reader piece by piece, on small projects written here by hand (each test one rule).

``tests/test_qda_project.py`` reads whole files shaped as the four tools write them; this file pins the
rules one at a time: what each error message says (file, place, what was expected, in both languages),
the zip-bomb guard at its boundary (the limits monkeypatched down to bytes, not gigabytes), an unpacked
``project.qde`` beside its ``Sources/``, case variables, codings of whole sources, and the codings table
``Study.load`` gets. Element and attribute names are those of ``Project.xsd`` (REFI-QDA 1.0).
"""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from lovende_research.errors import InputError, Problem
from lovende_research.instrument import load_instrument
from lovende_research.qda import archive
from lovende_research.qda.codebook import code_guid
from lovende_research.qda.project import CODING_COLUMNS, QUOTE_COLUMNS, normal_guid, project_table, read_project

INSTRUMENT = load_instrument()
TEXT = "Vi bygger på teori. Hver borger har mål."
THEORY = (0, 19)  # "Vi bygger på teori." is TEXT[0:19]: 2 + 1 + 6 + 1 + 2 + 1 + 6 = 19 characters
GOALS = (20, 40)  # "Hver borger har mål." is TEXT[20:40], the rest after one space (len(TEXT) == 40)
K1, K2 = "5d2b49d0-0000-4000-8000-000000000001", "5d2b49d0-0000-4000-8000-000000000002"


def _u(seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, seed))


def _code(key: str, name: str | None = None) -> str:
    """An instrument code as the codebook export wrote it (its GUID), named ``name`` or by its key."""
    return f'<Code guid="{code_guid(INSTRUMENT, key)}" name="{name or key}" isCodable="true"/>'


def _coding(key_or_guid: str, user: str | None = K1) -> str:
    """A coding of an instrument code (``teori_1=4``) or of any GUID, by ``user`` (None: no creatingUser)."""
    guid = code_guid(INSTRUMENT, key_or_guid) if "=" in key_or_guid else key_or_guid
    creator = f' creatingUser="{user}"' if user is not None else ""
    return f'<Coding guid="{_u(key_or_guid + str(user))}"{creator}><CodeRef targetGUID="{guid}"/></Coding>'


def _selection(span: tuple[int, int], *codings: str, name: str | None = None) -> str:
    label = f' name="{name}"' if name is not None else ""
    return (
        f'<PlainTextSelection guid="{_u(str(span) + "".join(codings))}" startPosition="{span[0]}" '
        f'endPosition="{span[1]}"{label}>{"".join(codings)}</PlainTextSelection>'
    )


def _source(name: str | None, *inner: str, text: str | None = TEXT, path: str | None = None, guid: str = "") -> str:
    """A TextSource with its text inside (``PlainTextContent``) or, with ``path``, at ``plainTextPath``."""
    attributes = f' guid="{guid or _u(str(name) + str(path))}"'
    attributes += f' name="{name}"' if name is not None else ""
    attributes += f' plainTextPath="{path}"' if path is not None else ""
    content = f"<PlainTextContent>{text}</PlainTextContent>" if path is None and text is not None else ""
    return f"<TextSource{attributes}>{content}{''.join(inner)}</TextSource>"


def _project(
    *sources: str,
    codes: str = "",
    users: str = f'<User guid="{K1}" id="K1"/><User guid="{K2}" name="K2"/>',
    extra: str = "",
    origin: str | None = "Testværktøj 1.0",
    namespace: str = ' xmlns="urn:QDA-XML:project:1.0"',
) -> str:
    origin_attribute = f' origin="{origin}"' if origin is not None else ""
    return (
        f'<?xml version="1.0" encoding="utf-8"?><Project{namespace} name="p"{origin_attribute}>'
        f"<Users>{users}</Users><CodeBook><Codes>{codes}</Codes></CodeBook>{extra}"
        f"<Sources>{''.join(sources)}</Sources></Project>"
    )


def _qdpx(tmp_path: Path, qde: str | None, members: dict[str, bytes | str] | None = None, name: str = "p.qdpx") -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        if qde is not None:
            zipped.writestr("project.qde", qde)
        for member, data in (members or {}).items():
            zipped.writestr(member, data)
    (tmp_path / name).write_bytes(buffer.getvalue())
    return tmp_path / name


def _read(tmp_path: Path, qde: str, members: dict[str, bytes | str] | None = None) -> pd.DataFrame:
    return read_project(_qdpx(tmp_path, qde, members), INSTRUMENT).quotes


def _problem(tmp_path: Path, qde: str | None, members: dict[str, bytes | str] | None = None) -> Problem:
    with pytest.raises(InputError) as caught:
        read_project(_qdpx(tmp_path, qde, members), INSTRUMENT)
    assert len(caught.value.problems) == 1
    return caught.value.problems[0]


def _both(problem: Problem) -> tuple[str, str]:
    return problem.render("da"), problem.render("en")


THEORY_4 = _selection(THEORY, _coding("teori_1=4"))


# ---- the file: archive, unpacked folder, XML ---------------------------------------------------------


def test_local_name_drops_the_namespace_whatever_it_is() -> None:
    assert archive.local_name("{urn:QDA-XML:project:1.0}TextSource") == "TextSource"
    assert archive.local_name("{urn:QDA-XML:project:0.4}Project") == "Project"
    assert archive.local_name("Project") == "Project"


def test_a_project_without_a_namespace_is_read(tmp_path: Path) -> None:
    # XML written by hand or by an older exporter may leave the namespace out; the names are the standard's
    quotes = _read(tmp_path, _project(_source("INT001", THEORY_4), namespace=""))
    assert quotes[["interview_id", "item_id", "response"]].values.tolist() == [["INT001", "teori_1", "4"]]


@pytest.mark.parametrize("name", ["codings.qde", "PROJEKT.QDE"])
def test_an_unpacked_project_qde_reads_its_sources_folder(tmp_path: Path, name: str) -> None:
    # The study folder holds codings.qde and, beside it, Sources/ as the archive held it (any letter case)
    (tmp_path / name).write_text(_project(_source("INT001", THEORY_4, path="internal://abc.txt")), encoding="utf-8")
    (tmp_path / "Sources").mkdir()
    (tmp_path / "Sources" / "abc.txt").write_text(TEXT, encoding="utf-8")
    project = read_project(tmp_path / name, INSTRUMENT)
    assert project.quotes["text"].tolist() == ["Vi bygger på teori."]
    assert project.origin == "Testværktøj 1.0" and project.path == tmp_path / name


def _unpacked(tmp_path: Path) -> Path:
    (tmp_path / "codings.qde").write_text(_project(_source("INT001", THEORY_4, path="internal://abc.txt")), "utf-8")
    (tmp_path / "Sources").mkdir()
    (tmp_path / "Sources" / "abc.txt").write_text(TEXT, encoding="utf-8")
    return tmp_path / "codings.qde"


def test_an_unpacked_project_qde_that_does_not_parse_is_named(tmp_path: Path) -> None:
    (tmp_path / "codings.qde").write_text("<Project", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_project(tmp_path / "codings.qde", INSTRUMENT)
    assert caught.value.problems[0].file == "codings.qde"
    assert caught.value.problems[0].render("en").startswith("codings.qde: project.qde is not well-formed XML: ")


def test_an_unpacked_project_qde_over_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    qde = _unpacked(tmp_path)
    size = qde.stat().st_size
    monkeypatch.setattr(archive, "MAX_PROJECT_BYTES", size)  # exactly the limit: read
    assert len(read_project(qde, INSTRUMENT).quotes) == 1
    monkeypatch.setattr(archive, "MAX_PROJECT_BYTES", size - 1)
    with pytest.raises(InputError) as caught:
        read_project(qde, INSTRUMENT)
    problem = caught.value.problems[0]
    assert problem.file == "codings.qde"
    # thousands written with '.' in Danish and ',' in English; size is below 10,000 (a one-source project)
    da_size, en_size = f"{size:,}".replace(",", "."), f"{size:,}"
    assert problem.render("da").startswith(f"codings.qde: project.qde fylder {da_size} byte udpakket")
    assert problem.render("en").startswith(f"codings.qde: project.qde takes {en_size} bytes unpacked")


def test_an_unpacked_source_over_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    qde = _unpacked(tmp_path)
    # 40 characters, each 'å' (of "på" and "mål") two bytes in UTF-8: 42 bytes
    monkeypatch.setattr(archive, "MAX_SOURCE_BYTES", 42)
    assert len(read_project(qde, INSTRUMENT).quotes) == 1
    monkeypatch.setattr(archive, "MAX_SOURCE_BYTES", 41)
    with pytest.raises(InputError) as caught:
        read_project(qde, INSTRUMENT)
    assert caught.value.problems[0].file == "codings.qde"
    assert caught.value.problems[0].render("en").startswith("codings.qde: abc.txt takes 42 bytes unpacked")


def test_an_archived_source_over_the_limit_is_named_with_its_size_and_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2,000 bytes against a limit of 1,999 (a stand-in for 64 MiB): the member is named before it is read
    qde = _project(_source("INT001", path="internal://abc.txt"))
    monkeypatch.setattr(archive, "MAX_SOURCE_BYTES", 2000)
    assert _read(tmp_path, qde, {"Sources/abc.txt": "x" * 2000}).empty  # exactly the limit: read
    monkeypatch.setattr(archive, "MAX_SOURCE_BYTES", 1999)
    da, en = _both(_problem(tmp_path, qde, {"Sources/abc.txt": "x" * 2000}))
    assert da == (
        "p.qdpx: Sources/abc.txt fylder 2.000 byte udpakket; forventet: "
        "højst 1.999 byte (et større indhold læses ikke: det kan være en zip-bombe)"
    )
    assert en == (
        "p.qdpx: Sources/abc.txt takes 2,000 bytes unpacked; expected: "
        "at most 1,999 bytes (larger contents are not read: they may be a zip bomb)"
    )


def test_the_limits_are_those_documented() -> None:
    # docs/qda.md: "a project.qde over 1 GiB or a text source over 64 MiB"
    assert (archive.MAX_PROJECT_BYTES, archive.MAX_SOURCE_BYTES) == (1024**3, 64 * 1024**2)


def test_an_archive_with_two_project_qde_is_refused(tmp_path: Path) -> None:
    da, en = _both(_problem(tmp_path, _project(), {"kopi/project.qde": _project()}))
    assert da == (
        "p.qdpx: arkivet har flere project.qde; forventet: et REFI-QDA-projekt (.qdpx: zip med project.qde og Sources/)"
    )
    assert en == (
        "p.qdpx: the archive has more than one project.qde; "
        "expected: a REFI-QDA project (.qdpx: a zip of project.qde and Sources/)"
    )


def test_an_archive_without_project_qde_is_refused(tmp_path: Path) -> None:
    da, en = _both(_problem(tmp_path, None, {"andet.xml": "<Project/>"}))
    assert da.startswith("p.qdpx: arkivet har ingen project.qde; forventet: et REFI-QDA-projekt (.qdpx: zip med")
    assert en.startswith("p.qdpx: the archive has no project.qde; expected: a REFI-QDA project (.qdpx: a zip of")


def test_a_file_that_is_no_zip_is_refused(tmp_path: Path) -> None:
    (tmp_path / "p.qdpx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError) as caught:
        read_project(tmp_path / "p.qdpx", INSTRUMENT)
    da, en = _both(caught.value.problems[0])
    assert da.startswith("p.qdpx: er ikke et læsbart zip-arkiv (") and da.endswith(
        "; forventet: et REFI-QDA-projekt (.qdpx: zip med project.qde og Sources/)"
    )
    assert en.startswith("p.qdpx: is not a readable zip archive (") and en.endswith(
        "; expected: a REFI-QDA project (.qdpx: a zip of project.qde and Sources/)"
    )


def test_a_missing_file_is_named_with_its_path(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_project(tmp_path / "mangler.qdpx", INSTRUMENT)
    problem = caught.value.problems[0]
    assert problem.file == str(tmp_path / "mangler.qdpx")
    assert _both(problem) == (
        f"{tmp_path / 'mangler.qdpx'}: filen findes ikke; forventet: en .qdpx- eller .qde-fil",
        f"{tmp_path / 'mangler.qdpx'}: the file does not exist; expected: a .qdpx or .qde file",
    )


def test_xml_that_does_not_parse_is_named(tmp_path: Path) -> None:
    da, en = _both(_problem(tmp_path, "<Project"))
    assert da.startswith("p.qdpx: project.qde er ikke gyldig XML: ") and da.endswith(
        "; forventet: XML efter REFI-QDA Project.xsd"
    )
    assert en.startswith("p.qdpx: project.qde is not well-formed XML: ") and en.endswith(
        "; expected: XML following REFI-QDA Project.xsd"
    )


def test_entity_declarations_are_refused_with_what_defusedxml_found(tmp_path: Path) -> None:
    # defusedxml raises EntitiesForbidden for an <!ENTITY> declaration (defusedxml.common)
    qde = '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaa">]><Project name="x">&a;</Project>'
    assert _both(_problem(tmp_path, qde)) == (
        "p.qdpx: project.qde indeholder entiteter eller DTD (EntitiesForbidden), som ikke læses; "
        "forventet: XML uden <!ENTITY>",
        "p.qdpx: project.qde holds entities or a DTD (EntitiesForbidden), which are not read; "
        "expected: XML without <!ENTITY>",
    )


def test_a_root_other_than_project_is_named(tmp_path: Path) -> None:
    assert _both(_problem(tmp_path, '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>')) == (
        "p.qdpx: rodelementet er <CodeBook>; forventet: <Project> i navnerummet urn:QDA-XML:project:1.0",
        "p.qdpx: the root element is <CodeBook>; expected: <Project> in the namespace urn:QDA-XML:project:1.0",
    )


def test_plain_text_path_with_a_slash_after_internal_is_the_archive_member(tmp_path: Path) -> None:
    # "internal:///XY-7.txt" is Sources/XY-7.txt: the '/' is dropped, the name's own letters kept (an 'X'
    # is not a slash, and the member's name is compared in lower case)
    qde = _project(_source("INT001", THEORY_4, path="internal:///XY-7.txt"))
    assert _read(tmp_path, qde, {"Sources/XY-7.txt": TEXT})["text"].tolist() == ["Vi bygger på teori."]


def test_a_source_at_an_external_path_is_quoted_by_its_selections_names(tmp_path: Path) -> None:
    # An absolute path is not in the archive and is not read; a selection's name (QualCoder writes the
    # selected text there) stands in for the text, and a selection without one gives an empty quote
    qde = _project(
        _source(
            "INT001",
            _selection(THEORY, _coding("teori_1=4"), name="Vi bygger på teori."),
            _selection(GOALS, _coding("maal_1=3")),
            path="file:///C:/transkripter/INT001.txt",
        )
    )
    quotes = _read(tmp_path, qde).set_index("item_id")
    assert (quotes.loc["teori_1", "text"], quotes.loc["maal_1", "text"]) == ("Vi bygger på teori.", "")
    assert (quotes.loc["teori_1", "start"], quotes.loc["teori_1", "end"]) == THEORY


def test_an_empty_plain_text_content_is_no_text(tmp_path: Path) -> None:
    qde = _project(_source("INT001", _selection((0, 9), _coding("teori_1=4"), name="Vi bygger"), text=""))
    assert _read(tmp_path, qde)["text"].tolist() == ["Vi bygger"]


def test_a_source_file_missing_from_the_archive_is_named(tmp_path: Path) -> None:
    qde = _project(_source("Interview 1", path="internal://abc.txt"))
    assert _both(_problem(tmp_path, qde)) == (
        "p.qdpx: kilden 'Interview 1' peger på internal://abc.txt, som arkivet ikke har; "
        "forventet: filen i arkivets Sources/",
        "p.qdpx: the source 'Interview 1' points to internal://abc.txt, which the archive does not hold; "
        "expected: the file in the archive's Sources/",
    )


def test_a_source_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    qde = _project(_source("Interview 1", path="internal://abc.txt"))
    assert _both(_problem(tmp_path, qde, {"Sources/abc.txt": "Vi bygger på".encode("latin-1")})) == (
        "p.qdpx: kilden 'Interview 1' (internal://abc.txt) er ikke UTF-8-tekst; "
        "forventet: ren tekst i UTF-8, som standarden foreskriver",
        "p.qdpx: the source 'Interview 1' (internal://abc.txt) is not UTF-8 text; "
        "expected: plain text in UTF-8, as the standard prescribes",
    )


# ---- sources, users and codes --------------------------------------------------------------------------


def test_normal_guid_is_lower_case_without_braces() -> None:
    assert normal_guid(" {5B2FC63A-8AF4-44CB-960C-AEFDCED908D6} ") == "5b2fc63a-8af4-44cb-960c-aefdced908d6"
    assert normal_guid(None) == ""


@pytest.mark.parametrize(
    ("name", "interview"),
    [("INT001.txt", "INT001"), ("INT002.DOCX", "INT002"), ("INT003.odt", "INT003"), ("INT004.v2", "INT004.v2")],
)
def test_a_source_named_as_a_file_is_its_interview_less_the_extension(
    tmp_path: Path, name: str, interview: str
) -> None:
    assert _read(tmp_path, _project(_source(name, THEORY_4)))["interview_id"].tolist() == [interview]


def _variables(*names: str) -> str:
    return "<Variables>" + "".join(f'<Variable guid="{_u(n)}" name="{n}"/>' for n in names) + "</Variables>"


def _value(variable: str, value: str | None, ref: str | None = None) -> str:
    """A VariableValue of ``variable``; ``value`` None: no value element; ``ref`` replaces the VariableRef."""
    reference = ref if ref is not None else f'<VariableRef targetGUID="{_u(variable)}"/>'
    return f"<VariableValue>{reference}{f'<TextValue>{value}</TextValue>' if value is not None else ''}</VariableValue>"


def test_variables_of_the_source_itself_name_interview_and_delimitation(tmp_path: Path) -> None:
    # a variable named plainly "interview_id" (no "Cases:" prefix) and one "delimitation_id"
    qde = _project(
        _source("Lederen", _value("interview_id", "INT007"), _value("delimitation_id", "alt1"), THEORY_4),
        extra=_variables("interview_id", "delimitation_id"),
    )
    project = read_project(_qdpx(tmp_path, qde), INSTRUMENT)
    assert project.codings[["interview_id", "delimitation_id"]].values.tolist() == [["INT007", "alt1"]]
    assert project.quotes["delimitation_id"].tolist() == ["alt1"]


def test_a_variable_value_is_its_value_element_not_the_reference(tmp_path: Path) -> None:
    # A VariableRef written with an end tag and a line break inside has text too; only the *Value element
    # holds the value
    ref = f'<VariableRef targetGUID="{_u("Cases:interview_id")}">\n</VariableRef>'
    qde = _project(
        _source("Lederen", _value("Cases:interview_id", "INT008", ref=ref), THEORY_4),
        extra=_variables("Cases:interview_id"),
    )
    assert _read(tmp_path, qde)["interview_id"].tolist() == ["INT008"]


@pytest.mark.parametrize(
    "value",
    [
        _value("interview_id", None),  # no value element
        _value("interview_id", ""),  # an empty one
        _value("interview_id", "INT009", ref=""),  # no VariableRef: whose value is it?
        _value("interview_id", "INT009", ref=f'<VariableRef targetGUID="{_u("ukendt")}"/>'),  # no such Variable
    ],
    ids=["no-value", "empty-value", "no-ref", "unknown-variable"],
)
def test_a_variable_value_without_a_value_or_a_variable_leaves_the_source_name(tmp_path: Path, value: str) -> None:
    qde = _project(_source("INT001.txt", value, THEORY_4), extra=_variables("interview_id"))
    assert _read(tmp_path, qde)["interview_id"].tolist() == ["INT001"]


def test_a_source_without_a_name_is_known_by_its_case(tmp_path: Path) -> None:
    src = _u("unnamed")
    case = f'<Cases><Case guid="{_u("case")}">{_value("interview_id", "INT010")}<SourceRef targetGUID="{src}"/></Case></Cases>'
    qde = _project(_source(None, THEORY_4, guid=src), extra=_variables("interview_id") + case)
    quotes = _read(tmp_path, qde)
    assert quotes[["interview_id", "source"]].values.tolist() == [["INT010", ""]]


def test_the_screen_question_belongs_to_no_element(tmp_path: Path) -> None:
    qde = _project(_source("INT001", THEORY_4, _selection(GOALS, _coding("sikker_1=ja"))))
    quotes = _read(tmp_path, qde).set_index("item_id")
    assert quotes["element_id"].to_dict() == {"teori_1": "teori", "sikker_1": ""}


def test_foreign_codes_are_counted_by_name_else_by_guid_and_do_not_hide_the_next_coding(tmp_path: Path) -> None:
    # One selection holds a team's theme first and then an instrument code; a theme without a name is
    # counted under its GUID; a Coding without its CodeRef (the schema requires one) under ''
    theme, unnamed = _u("theme"), _u("unnamed-theme")
    no_ref = f'<Coding guid="{_u("no-ref")}" creatingUser="{K1}"></Coding>'
    qde = _project(
        _source("INT001", _selection(THEORY, _coding(theme), _coding("teori_1=4"), _coding(unnamed), no_ref)),
        codes=f'<Code guid="{theme}" name="Tema: relationer" isCodable="true"/><Code guid="{unnamed}" isCodable="true"/>',
    )
    project = read_project(_qdpx(tmp_path, qde), INSTRUMENT)
    assert project.codings[["item_id", "response"]].values.tolist() == [["teori_1", "4"]]
    assert project.foreign_codes.to_dict("records") == [
        {"code": "", "n_codings": 1},
        {"code": "Tema: relationer", "n_codings": 1},
        {"code": unnamed, "n_codings": 1},
    ]


def test_a_project_with_only_foreign_codes_has_no_codings(tmp_path: Path) -> None:
    theme = _u("theme")
    qde = _project(_source("INT001", _selection(THEORY, _coding(theme))), codes=f'<Code guid="{theme}" name="Tema"/>')
    project = read_project(_qdpx(tmp_path, qde), INSTRUMENT)
    assert list(project.codings.columns) == list(CODING_COLUMNS) and project.codings.empty
    assert list(project.quotes.columns) == list(QUOTE_COLUMNS) and project.quotes.empty
    assert project.foreign_codes.to_dict("records") == [{"code": "Tema", "n_codings": 1}]


def test_segments_with_the_same_answer_are_one_coding_and_a_quote_each(tmp_path: Path) -> None:
    # K1 codes teori_1 = 4 twice and maal_1 = 3 once; K2 codes teori_1 = 4 once: three codings, four quotes
    qde = _project(
        _source(
            "INT001",
            _selection(THEORY, _coding("teori_1=4"), _coding("teori_1=4", K2)),
            _selection((0, 9), _coding("teori_1=4")),
            _selection(GOALS, _coding("maal_1=3")),
        ),
        origin=None,
    )
    project = read_project(_qdpx(tmp_path, qde), INSTRUMENT)
    assert project.origin == "" and project.path == tmp_path / "p.qdpx"
    assert list(project.codings.columns) == list(CODING_COLUMNS)
    assert project.codings.index.tolist() == [0, 1, 2]
    assert sorted(project.codings[["coder_id", "item_id", "response", "note"]].values.tolist()) == [
        ["K1", "maal_1", "3", ""],
        ["K1", "teori_1", "4", ""],
        ["K2", "teori_1", "4", ""],
    ]
    assert list(project.quotes.columns) == list(QUOTE_COLUMNS) and project.quotes.index.tolist() == [0, 1, 2, 3]
    k1_theory = project.quotes[(project.quotes["coder_id"] == "K1") & (project.quotes["item_id"] == "teori_1")]
    assert sorted(k1_theory["text"]) == ["Vi bygger", "Vi bygger på teori."]


def test_the_codings_table_numbers_rows_from_two(tmp_path: Path) -> None:
    # as below a spreadsheet's header row: the first coding is row 2 of the codings table
    qde = _project(_source("INT001", THEORY_4, _selection(GOALS, _coding("maal_1=3"))))
    table = project_table(_qdpx(tmp_path, qde), INSTRUMENT)
    assert (table.name, table.path) == ("codings", tmp_path / "p.qdpx")
    assert table.frame.index.tolist() == [2, 3] and list(table.frame.columns) == list(CODING_COLUMNS)
    assert table.frame.values.tolist() == [
        ["INT001", "K1", "teori_1", "4", "", ""],
        ["INT001", "K1", "maal_1", "3", "", ""],
    ]


# ---- errors of codings -------------------------------------------------------------------------------


@pytest.mark.parametrize("attribute", ["startPosition", "endPosition"])
@pytest.mark.parametrize("value", ["²", "-3", "slut"])
def test_a_position_that_is_no_whole_number_is_named(tmp_path: Path, attribute: str, value: str) -> None:
    # "²" is a digit to str.isdigit, but int("²") fails: it must be an error, not a traceback
    selection = THEORY_4.replace(f'{attribute}="{THEORY[attribute == "endPosition"]}"', f'{attribute}="{value}"')
    assert selection != THEORY_4
    assert _both(_problem(tmp_path, _project(_source("INT001", selection)))) == (
        f"p.qdpx: et tekststykke i 'INT001' har {attribute}='{value}'; "
        "forventet: et ikke-negativt heltal (tegn i kildens tekst)",
        f"p.qdpx: a selection in 'INT001' has {attribute}='{value}'; "
        "expected: a non-negative integer (characters of the source's text)",
    )


def test_a_coding_by_an_unknown_user_names_the_user(tmp_path: Path) -> None:
    qde = _project(_source("INT001", _selection(THEORY, _coding("teori_1=4", "{ABC-9}"))))
    assert _both(_problem(tmp_path, qde)) == (
        "p.qdpx: kodningen i 'INT001' ved tegn 0–19 har ingen kendt bruger (abc-9); "
        "forventet: en <User> med id eller navn (koderens pseudonym)",
        "p.qdpx: the coding in 'INT001' at characters 0–19 has no known user (abc-9); "
        "expected: a <User> with an id or a name (the coder's pseudonym)",
    )


def test_a_coding_without_creating_user_is_not_given_to_a_user_without_guid(tmp_path: Path) -> None:
    # Both have the empty GUID once normalised; they used to match, and the coding went to that user
    qde = _project(_source("INT001", _selection(THEORY, _coding("teori_1=4", None))), users='<User id="K1"/>')
    da, en = _both(_problem(tmp_path, qde))
    assert "har ingen kendt bruger (ingen creatingUser)" in da and "has no known user (no creatingUser)" in en


def test_a_user_with_neither_id_nor_name_is_no_coder(tmp_path: Path) -> None:
    qde = _project(_source("INT001", THEORY_4), users=f'<User guid="{K1}"/>')
    assert f"har ingen kendt bruger ({K1})" in _problem(tmp_path, qde).render("da")


def test_two_answers_are_reported_by_interview_with_each_segment_once(tmp_path: Path) -> None:
    # INT009 comes first in the file, INT001 first in the report. INT001 has two sources of that name (a
    # transcript imported twice, the second with its text in capitals), each coded 4 at 0–19: one segment
    # as the message names it (source, positions), so it is listed once.
    qde = _project(
        _source("INT009", THEORY_4, _selection(GOALS, _coding("teori_1=3"))),
        _source("INT001", THEORY_4, guid=_u("first")),
        _source("INT001", THEORY_4, _selection(GOALS, _coding("teori_1=ved_ikke")), text=TEXT.upper(), guid=_u("2nd")),
    )
    with pytest.raises(InputError) as caught:
        read_project(_qdpx(tmp_path, qde), INSTRUMENT)
    assert [p.file for p in caught.value.problems] == ["p.qdpx", "p.qdpx"]
    assert [p.render("da") for p in caught.value.problems] == [
        "p.qdpx: koder K1 har givet spørgsmål teori_1 i interview INT001 flere svar: svar 4 i 'INT001' tegn 0–19; "
        "svar ved_ikke i 'INT001' tegn 20–40; forventet: ét svar pr. interview × koder × spørgsmål",
        "p.qdpx: koder K1 har givet spørgsmål teori_1 i interview INT009 flere svar: svar 4 i 'INT009' tegn 0–19; "
        "svar 3 i 'INT009' tegn 20–40; forventet: ét svar pr. interview × koder × spørgsmål",
    ]
    assert caught.value.problems[1].render("en") == (
        "p.qdpx: coder K1 gave item teori_1 in interview INT009 more than one answer: answer 4 in 'INT009' "
        "characters 0–19; answer 3 in 'INT009' characters 20–40; expected: one answer per interview × coder × item"
    )


def test_a_user_named_like_a_person_is_named_in_both_languages(tmp_path: Path) -> None:
    qde = _project(_source("INT001", THEORY_4), users=f'<User guid="{K1}" name="Mette Hansen"/>')
    assert _both(_problem(tmp_path, qde)) == (
        "p.qdpx: brugeren 'Mette Hansen' ligner et navn på en person; "
        "forventet: et pseudonym som brugerens id eller navn i QDA-programmet (fx K1)",
        "p.qdpx: the user 'Mette Hansen' looks like a person's name; "
        "expected: a pseudonym as the user's id or name in the QDA program (e.g. K1)",
    )
