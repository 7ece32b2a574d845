"""A REFI-QDA project (``.qdpx``) written from a study's codings, with transcripts made from templates.

For the round trip (``lovende simulate --qdpx``) and for teaching: every interview × delimitation becomes
a text source whose transcript asks each coded item and gives an answer from :data:`ANSWER_TEMPLATES`;
each coder's response to an item is a ``PlainTextSelection`` over that answer, coded with the
instrument's code for it (the codebook's GUIDs, :mod:`.codebook`). Reading the project back with
:func:`~lovende_research.qda.project.read_project` gives the study's codings again. The transcripts are
placeholders, not interviews: nothing in them is evidence. Every GUID is a UUID 5 of fixed text, and the
archive's entries carry a fixed date, so the same study gives the same bytes.
"""

from __future__ import annotations

import io
import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pandas as pd

from lovende_research.instrument import Instrument
from lovende_research.io import atomic_write_bytes
from lovende_research.qda.codebook import GUID_NAMESPACE, ORIGIN, PROJECT_NS, code_guid, codes_element, instrument_codes
from lovende_research.schemas import MAIN_DELIMITATION

#: The informant's answer in a template transcript, by the item's place in the interview (da, en).
ANSWER_TEMPLATES: tuple[tuple[str, str], ...] = (
    (
        "Det har vi talt meget om i personalegruppen, og jeg kan give et par eksempler.",
        "We have talked a lot about that among the staff, and I can give a few examples.",
    ),
    (
        "Det er noget, vi arbejder med, men ikke altid på samme måde.",
        "That is something we work on, though not always in the same way.",
    ),
    (
        "Det er svært at svare kort på; det afhænger af borgeren.",
        "That is hard to answer briefly; it depends on the citizen.",
    ),
    (
        "Ja, det står i vores beskrivelse af indsatsen, og vi følger den.",
        "Yes, it is in our description of the practice, and we follow it.",
    ),
)
_FIXED_DATE = (2026, 1, 1, 0, 0, 0)


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, "|".join(("project", *parts))))


def responses(codings: pd.DataFrame, instrument: Instrument) -> pd.Series:
    """Each coding's answer as the codebook names it: the scale code, the missing code's id or the screen answer."""
    value = codings["value"].astype("string")
    screen = codings["screen_answer"].astype("string")
    answer = value.where(codings["item_id"] != instrument.screen_item.id, screen)
    return answer.fillna(codings["missing_code"].astype("string")).astype(str)


def project_bytes(codings: pd.DataFrame, instrument: Instrument, name: str, language: str = "da") -> bytes:
    """The ``.qdpx`` archive for typed ``codings`` (as :attr:`Study.codings`): ``project.qde`` and ``Sources/``."""
    ET.register_namespace("", PROJECT_NS)
    q = f"{{{PROJECT_NS}}}"
    frame = codings.assign(
        answer=responses(codings, instrument), delimitation_id=codings["delimitation_id"].replace("", MAIN_DELIMITATION)
    )
    project = ET.Element(f"{q}Project", {"name": name, "origin": f"{ORIGIN} ({instrument.version})"})
    users = ET.SubElement(project, f"{q}Users")
    for coder in sorted(frame["coder_id"].unique()):
        ET.SubElement(users, f"{q}User", {"guid": _guid("user", coder), "id": coder, "name": coder})
    ET.SubElement(project, f"{q}CodeBook").append(codes_element(instrument_codes(instrument, language), PROJECT_NS))
    variables = ET.SubElement(project, f"{q}Variables")
    for variable in ("interview_id", "delimitation_id"):
        ET.SubElement(
            variables, f"{q}Variable", {"guid": _guid("variable", variable), "name": variable, "typeOfVariable": "Text"}
        )
    cases, sources = ET.SubElement(project, f"{q}Cases"), ET.SubElement(project, f"{q}Sources")
    files: dict[str, bytes] = {}
    order = {item_id: k for k, item_id in enumerate((*instrument.item_ids, instrument.screen_item.id))}
    for (interview, delimitation), group in frame.groupby(["interview_id", "delimitation_id"], sort=True):
        source_guid = _guid("source", interview, delimitation)
        case = ET.SubElement(
            cases, f"{q}Case", {"guid": _guid("case", interview, delimitation), "name": f"{interview} {delimitation}"}
        )
        for variable, value in (("interview_id", interview), ("delimitation_id", delimitation)):
            entry = ET.SubElement(case, f"{q}VariableValue")
            ET.SubElement(entry, f"{q}VariableRef", {"targetGUID": _guid("variable", variable)})
            ET.SubElement(entry, f"{q}TextValue").text = value
        ET.SubElement(case, f"{q}SourceRef", {"targetGUID": source_guid})
        text, spans = "", {}
        for place, item_id in enumerate(sorted(group["item_id"].unique(), key=order.__getitem__)):
            question = (
                instrument.screen_item.text(language)
                if item_id == instrument.screen_item.id
                else instrument.item(item_id).text(language)
            )
            text += f"Interviewer: {question}\nInformant: "
            answer = ANSWER_TEMPLATES[place % len(ANSWER_TEMPLATES)][language == "en"]
            spans[item_id] = (len(text), len(text) + len(answer))
            text += answer + "\n\n"
        file_name = f"{source_guid}.txt"
        files[f"Sources/{file_name}"] = text.encode("utf-8")
        source = ET.SubElement(
            sources,
            f"{q}TextSource",
            {"guid": source_guid, "name": interview, "plainTextPath": f"internal://{file_name}"},
        )
        for coding in group.sort_values(
            ["item_id", "coder_id"], key=lambda c: c.map(order) if c.name == "item_id" else c
        ).itertuples():
            start, end = spans[coding.item_id]
            user = _guid("user", coding.coder_id)
            key = (interview, delimitation, coding.coder_id, coding.item_id)
            selection = ET.SubElement(
                source,
                f"{q}PlainTextSelection",
                {
                    "guid": _guid("selection", *key),
                    "startPosition": str(start),
                    "endPosition": str(end),
                    "creatingUser": user,
                },
            )
            coded = ET.SubElement(selection, f"{q}Coding", {"guid": _guid("coding", *key), "creatingUser": user})
            ET.SubElement(
                coded, f"{q}CodeRef", {"targetGUID": code_guid(instrument, f"{coding.item_id}={coding.answer}")}
            )
    ET.indent(project)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in (
            ("project.qde", ET.tostring(project, encoding="utf-8", xml_declaration=True)),
            *sorted(files.items()),
        ):
            archive.writestr(zipfile.ZipInfo(member, _FIXED_DATE), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def write_project(codings: pd.DataFrame, instrument: Instrument, target: Path, name: str, language: str = "da") -> Path:
    """Write :func:`project_bytes` to ``target`` atomically (never under ``data/raw/``); return the path."""
    return atomic_write_bytes(Path(target), project_bytes(codings, instrument, name, language))


def write_study_project(study_dir: Path, language: str | None = None) -> Path:
    """Write the study's codings as ``<study_dir>/qda/<study>.qdpx`` (outside the tables the study reads)."""
    from lovende_research.study import Study

    study = Study.load(study_dir)
    target = Path(study_dir) / "qda" / f"{study.name}.qdpx"
    return write_project(study.codings, study.instrument, target, study.config.title, language or study.config.language)
