"""The REFI-QDA codebook written from the instrument, checked against the rules of ``Codebook.xsd``.

The consortium's schema files are not copied into the project; the rules below are written from the
schema's text (REFI-QDA Codebook Exchange, ``Codebook.xsd`` version 1.0, targetNamespace
``urn:QDA-XML:codebook:1.0``, as published at https://www.qdasoftware.org and reproduced in the REFI-QDA
1.5 specification). :func:`schema_problems` checks a document against them and is itself tested on
broken documents, so a rule that checks nothing would show.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lovende_research.cli import main
from lovende_research.config import EXAMPLE_STUDY, RAW_DIR
from lovende_research.errors import LovendeError
from lovende_research.instrument import load_instrument
from lovende_research.qda.codebook import code_guid, codebook_xml, instrument_codes, write_codebook

NS = "urn:QDA-XML:codebook:1.0"
# Codebook.xsd, simpleType GUIDType: xsd:token restricted to 8-4-4-4-12 hex digits, optionally in braces.
GUID = re.compile(
    r"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\})$"
)
# Codebook.xsd, simpleType RGBType: '#' and 6 or 3 hex digits.
RGB = re.compile(r"^#(?:[A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$")
# XML Schema part 2, 3.2.2 boolean: the lexical space is {true, false, 1, 0}.
BOOLEAN = {"true", "false", "1", "0"}


def schema_problems(root: ET.Element) -> list[str]:
    """Every breach of Codebook.xsd's rules in ``root``, as text (empty: the document follows them)."""
    problems = []
    # "This element MUST be conveyed as the root element": CodeBook in the schema's namespace.
    if root.tag != f"{{{NS}}}CodeBook":
        problems.append(f"root is {root.tag}")
    # CodeBookType: attribute origin (optional string), sequence Codes (exactly one), then Sets (optional).
    if set(root.attrib) - {"origin"}:
        problems.append(f"CodeBook attributes {sorted(root.attrib)}")
    children = [child.tag for child in root]
    if children not in ([f"{{{NS}}}Codes"], [f"{{{NS}}}Codes", f"{{{NS}}}Sets"]):
        problems.append(f"CodeBook children {children}")
    guids: list[str] = []

    def code(element: ET.Element, where: str) -> None:
        # CodeType: guid (GUIDType, required), name (string, required), isCodable (boolean, required), color (RGBType).
        attributes = element.attrib
        for required in ("guid", "name", "isCodable"):
            if required not in attributes:
                problems.append(f"{where}: no {required}")
        if set(attributes) - {"guid", "name", "isCodable", "color"}:
            problems.append(f"{where}: attributes {sorted(attributes)}")
        if "guid" in attributes and not GUID.match(attributes["guid"]):
            problems.append(f"{where}: guid {attributes['guid']!r}")
        if attributes.get("isCodable", "true") not in BOOLEAN:
            problems.append(f"{where}: isCodable {attributes['isCodable']!r}")
        if "color" in attributes and not RGB.match(attributes["color"]):
            problems.append(f"{where}: color {attributes['color']!r}")
        guids.append(attributes.get("guid", "").strip("{}").lower())
        # sequence: Description (0..1) first, then Code (0..n); nothing else.
        tags = [child.tag for child in element]
        descriptions = tags.count(f"{{{NS}}}Description")
        if descriptions > 1 or (descriptions == 1 and tags[0] != f"{{{NS}}}Description"):
            problems.append(f"{where}: Description not once and first")
        if set(tags) - {f"{{{NS}}}Description", f"{{{NS}}}Code"}:
            problems.append(f"{where}: children {sorted(set(tags))}")
        for k, child in enumerate(element.findall(f"{{{NS}}}Code")):
            code(child, f"{where}/{k}")

    codes = root.find(f"{{{NS}}}Codes")
    if codes is not None:
        # CodesType: Code with maxOccurs unbounded and minOccurs 1 (the default).
        if not codes.findall(f"{{{NS}}}Code") or set(c.tag for c in codes) != {f"{{{NS}}}Code"}:
            problems.append("Codes holds no Code or something else")
        for k, child in enumerate(codes):
            code(child, str(k))
    # The standard's references (CodeRef targetGUID) need every GUID to name one code.
    if len(set(guids)) != len(guids):
        problems.append("duplicate GUIDs")
    return problems


@pytest.fixture(scope="module")
def codebook() -> ET.Element:
    return ET.fromstring(codebook_xml(load_instrument()))


def test_the_codebook_follows_the_schema_rules(codebook: ET.Element) -> None:
    assert schema_problems(codebook) == []


@pytest.mark.parametrize(
    "breakage",
    [
        lambda r: r.find(f"{{{NS}}}Codes")[0].attrib.pop("guid"),
        lambda r: r.find(f"{{{NS}}}Codes")[0].set("guid", "teori"),
        lambda r: r.find(f"{{{NS}}}Codes")[0].set("isCodable", "yes"),
        lambda r: r.find(f"{{{NS}}}Codes")[0].set("color", "blue"),
        lambda r: r.find(f"{{{NS}}}Codes")[0].append(ET.Element(f"{{{NS}}}Description")),
        lambda r: r.find(f"{{{NS}}}Codes")[1].set("guid", r.find(f"{{{NS}}}Codes")[0].get("guid").upper()),
        lambda r: setattr(r, "tag", "{urn:QDA-XML:project:1.0}CodeBook"),
    ],
    ids=["no-guid", "bad-guid", "bad-boolean", "bad-colour", "description-last", "duplicate-guid", "wrong-namespace"],
)
def test_the_rule_checker_finds_each_breach(breakage, codebook: ET.Element) -> None:
    broken = ET.fromstring(ET.tostring(codebook))
    breakage(broken)
    assert schema_problems(broken) != []


def test_one_group_per_element_one_code_per_item_and_answer(codebook: ET.Element) -> None:
    instrument = load_instrument()
    groups = codebook.find(f"{{{NS}}}Codes").findall(f"{{{NS}}}Code")
    # 11 element groups and one for the sikker-praksis screen question, none of them codable
    assert [g.get("name") for g in groups[:11]] == [f"{e.number}. {e.name('da')}" for e in instrument.elements]
    assert len(groups) == 12 and {g.get("isCodable") for g in groups} == {"false"}
    answers = len(instrument.scale) + len(instrument.missing_codes)  # 4 scale points + 3 missing codes
    for group, element in zip(groups[:11], instrument.elements, strict=True):
        items = group.findall(f"{{{NS}}}Code")
        assert [i.get("name") for i in items] == [item.id for item in element.items]
        for item_code, item in zip(items, element.items, strict=True):
            assert item_code.get("isCodable") == "false"
            assert item_code.find(f"{{{NS}}}Description").text == item.text("da")
            leaves = item_code.findall(f"{{{NS}}}Code")
            assert len(leaves) == answers and {c.get("isCodable") for c in leaves} == {"true"}
            assert [c.get("name") for c in leaves[-3:]] == [
                f"{item.id}: ved_ikke Ved ikke",
                f"{item.id}: ikke_relevant Ikke relevant",
                f"{item.id}: ikke_besvaret Ikke besvaret",
            ]
            assert not any(leaf.findall(f"{{{NS}}}Code") for leaf in leaves)  # answers are leaves


def test_descriptions_are_in_the_studys_language() -> None:
    english = ET.fromstring(codebook_xml(load_instrument(), "en"))
    first_item = english.find(f"{{{NS}}}Codes")[0][1]
    assert first_item.find(f"{{{NS}}}Description").text == load_instrument().items[0].text("en")
    assert english.find(f"{{{NS}}}Codes")[0].get("name") == "1. Theory and knowledge"


def test_guids_are_stable_across_exports_and_differ_between_versions(tmp_path: Path) -> None:
    instrument = load_instrument()
    assert codebook_xml(instrument) == codebook_xml(load_instrument())
    # a GUID depends on the code and on the instrument's version: another version is another code book
    assert code_guid(instrument, "teori_1=3") != code_guid(instrument, "teori_1=2")
    text = (
        (Path(instrument.path))
        .read_text(encoding="utf-8")
        .replace('version: "lovende-research arbejdsversion 0.1 (2026-11)"', 'version: "0.2"')
    )
    other = tmp_path / "arbejdsversion.yml"
    other.write_text(text, encoding="utf-8")
    assert code_guid(load_instrument(other), "teori_1=3") != code_guid(instrument, "teori_1=3")
    # UUID version 5 (RFC 4122 4.3): the version nibble is 5
    assert {c.guid[14] for c in instrument_codes(instrument)} == {"5"}


def test_written_atomically_and_never_under_raw(tmp_path: Path) -> None:
    target = write_codebook(load_instrument(), tmp_path / "kodebog.qdc")
    assert schema_problems(ET.fromstring(target.read_bytes())) == []
    with pytest.raises(LovendeError, match="data/raw"):
        write_codebook(load_instrument(), RAW_DIR / "example" / "kodebog.qdc")


def test_codebook_command_writes_the_studys_codebook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["codebook", str(EXAMPLE_STUDY), "--format", "qdc", "--processed", str(tmp_path)]) == 0
    written = tmp_path / "example" / "qda" / "example-codebook.qdc"
    assert str(written) in capsys.readouterr().out
    assert schema_problems(ET.fromstring(written.read_bytes())) == []
