"""The study's instrument as a REFI-QDA codebook (``.qdc``), with GUIDs that survive a re-export.

One code group per element (not codable), under it one code per item (not codable, its text as the
description) and under that one codable code per answer: each scale point and each missing code. The
sikker-praksis screen question gets a group of its own with its answers. Every GUID is a UUID version 5
of the instrument's file name, its version and the code's key (``teori_1=3``), so exporting the same
instrument again gives the same GUIDs, and a project coded with an earlier export still imports.

The rules of ``Codebook.xsd`` this follows (REFI-QDA Codebook Exchange 1.0): the root ``CodeBook`` in
the namespace ``urn:QDA-XML:codebook:1.0`` holds one ``Codes`` with at least one ``Code``; a ``Code``
has the required attributes ``guid`` (GUIDType), ``name`` and ``isCodable`` (xsd:boolean), an optional
``color`` (``#RRGGBB``), and holds an optional ``Description`` before its child ``Code`` elements.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from lovende_research.instrument import Instrument
from lovende_research.io import atomic_write_bytes

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
ORIGIN = "lovende-research"
#: The namespace of every code's UUID 5; fixed forever, or a re-export would no longer match.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/lovende-research/refi-qda-codes")
#: Colours of the code groups (the schema's RGBType); a QDA tool shows them, nothing reads them back.
_GROUP_COLOUR = "#4C72B0"
_SCREEN_COLOUR = "#C44E52"


@dataclass(frozen=True)
class InstrumentCode:
    """One code of the codebook: ``item_id``/``response`` are empty for a group or an item's code."""

    key: str
    guid: str
    name: str
    description: str
    codable: bool
    parent: str | None
    item_id: str = ""
    response: str = ""


def code_guid(instrument: Instrument, key: str) -> str:
    """The code's GUID: UUID 5 of the instrument's file name, version and the code's key.

    >>> from lovende_research.instrument import load_instrument
    >>> inst = load_instrument()
    >>> code_guid(inst, "teori_1=3") == code_guid(load_instrument(), "teori_1=3")
    True
    """
    return str(uuid.uuid5(GUID_NAMESPACE, f"{instrument.path.stem}|{instrument.version}|{key}"))


def instrument_codes(instrument: Instrument, language: str = "da") -> list[InstrumentCode]:
    """Every code of the instrument's codebook, parents before their children, in the instrument's order.

    >>> from lovende_research.instrument import load_instrument
    >>> codes = instrument_codes(load_instrument())
    >>> [c.name for c in codes[:3]]
    ['1. Teori og viden', 'teori_1', 'teori_1: 1 Slet ikke']
    >>> sum(c.codable for c in codes) == len(load_instrument().items) * 7 + 2 + 3
    True
    """
    codes: list[InstrumentCode] = []

    def add(
        key: str, name: str, description: str, codable: bool, parent: str | None, item_id: str = "", response: str = ""
    ) -> None:
        codes.append(
            InstrumentCode(key, code_guid(instrument, key), name, description, codable, parent, item_id, response)
        )

    answers = [(str(p.code), p.label(language)) for p in instrument.scale] + [
        (m.id, m.label(language)) for m in instrument.missing_codes
    ]
    for element in instrument.elements:
        group = f"element:{element.id}"
        add(group, f"{element.number}. {element.name(language)}", element.definition(language), False, None)
        for item in element.items:
            add(f"item:{item.id}", item.id, item.text(language), False, group)
            for response, label in answers:
                add(
                    f"{item.id}={response}",
                    f"{item.id}: {response} {label}",
                    f"{label}: {item.text(language)}",
                    True,
                    f"item:{item.id}",
                    item.id,
                    response,
                )
    screen = instrument.screen_item
    add(f"item:{screen.id}", screen.id, screen.text(language), False, None)
    screen_answers = [(code, label(language)) for code, label in screen.answers] + [
        (m.id, m.label(language)) for m in instrument.missing_codes
    ]
    for response, label in screen_answers:
        add(
            f"{screen.id}={response}",
            f"{screen.id}: {response} {label}",
            f"{label}: {screen.text(language)}",
            True,
            f"item:{screen.id}",
            screen.id,
            response,
        )
    return codes


def codes_element(codes: list[InstrumentCode], namespace: str) -> ET.Element:
    """The ``<Codes>`` tree in ``namespace`` (the codebook's, or the project's for a ``.qde``)."""
    root = ET.Element(f"{{{namespace}}}Codes")
    made: dict[str, ET.Element] = {}
    for code in codes:
        parent = made[code.parent] if code.parent is not None else root
        attributes = {"guid": code.guid, "name": code.name, "isCodable": "true" if code.codable else "false"}
        if code.parent is None:
            attributes["color"] = _SCREEN_COLOUR if code.key.startswith("item:") else _GROUP_COLOUR
        element = ET.SubElement(parent, f"{{{namespace}}}Code", attributes)
        ET.SubElement(element, f"{{{namespace}}}Description").text = code.description
        made[code.key] = element
    return root


def codebook_xml(instrument: Instrument, language: str = "da") -> bytes:
    """The codebook as UTF-8 XML bytes (``CodeBook`` root, default namespace, an XML declaration)."""
    ET.register_namespace("", CODEBOOK_NS)
    book = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": f"{ORIGIN} ({instrument.version})"})
    book.append(codes_element(instrument_codes(instrument, language), CODEBOOK_NS))
    ET.indent(book)
    return ET.tostring(book, encoding="utf-8", xml_declaration=True)


def write_codebook(instrument: Instrument, target: Path, language: str = "da") -> Path:
    """Write the codebook to ``target`` atomically (never under ``data/raw/``); return the path."""
    return atomic_write_bytes(Path(target), codebook_xml(instrument, language))
