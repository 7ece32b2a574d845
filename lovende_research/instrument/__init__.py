"""The questionnaire (måleredskab) as data: elements, items, answer scale, missing codes, weights.

The official item wordings, scale and weights are not public in a form we hold (see
``../shared/domain.md``), so the instrument is a YAML file that :func:`load_instrument` validates. The
bundled ``arbejdsversion.yml`` is our own working operationalisation; a user can point a study at the
official questionnaire in the same format and every stage follows it.

Examples
--------
>>> inst = load_instrument()
>>> len(inst.elements), inst.scale_codes
(11, (1, 2, 3, 4))
>>> inst.element("maal").name("en")
'Goals'
>>> round(inst.scale_value(3), 3)
0.667
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml

from lovende_research.errors import InstrumentError, closest_key
from lovende_research.errors import Text as Message

BUNDLED_INSTRUMENT: Path = Path(__file__).with_name("arbejdsversion.yml")

#: The typology's 11 elements in Socialstyrelsen's numbering. An instrument may word its items as it
#: likes, but its elements are these: a score for an element outside the typology means nothing.
TYPOLOGY_ELEMENTS: tuple[str, ...] = (
    "teori",
    "virkning",
    "beskrivelse",
    "maal",
    "overfoerbarhed",
    "oekonomi",
    "refleksion",
    "relationer",
    "individuel",
    "monitorering",
    "opfoelgning",
)

LANGUAGES: tuple[str, ...] = ("da", "en")


@dataclass(frozen=True)
class Text:
    """A text in Danish and English."""

    da: str
    en: str

    def __call__(self, language: str = "da") -> str:
        return self.en if language == "en" else self.da


@dataclass(frozen=True)
class Item:
    id: str
    element_id: str
    text: Text
    weight: float = 1.0


@dataclass(frozen=True)
class Element:
    id: str
    number: int
    names: Text
    definitions: Text
    items: tuple[Item, ...]

    def name(self, language: str = "da") -> str:
        return self.names(language)

    def definition(self, language: str = "da") -> str:
        return self.definitions(language)


@dataclass(frozen=True)
class ScalePoint:
    code: int
    label: Text


@dataclass(frozen=True)
class MissingCode:
    id: str
    label: Text
    spss: int | None = None


@dataclass(frozen=True)
class Category:
    id: str
    label: Text
    elements: tuple[str, ...]


@dataclass(frozen=True)
class ScreenItem:
    """The sikker-praksis screen question: answered with its own codes, never part of the lovende score."""

    id: str
    text: Text
    answers: tuple[tuple[str, Text], ...]

    @property
    def answer_codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.answers)


@dataclass(frozen=True)
class Instrument:
    """A validated questionnaire. Build it with :func:`load_instrument`, not by hand."""

    version: str
    official: bool
    title: Text
    note: Text
    scale: tuple[ScalePoint, ...]
    missing_codes: tuple[MissingCode, ...]
    categories: tuple[Category, ...]
    categories_verified: bool
    elements: tuple[Element, ...]
    screen_item: ScreenItem
    path: Path

    @property
    def scale_codes(self) -> tuple[int, ...]:
        return tuple(p.code for p in self.scale)

    @property
    def missing_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.missing_codes)

    @property
    def items(self) -> tuple[Item, ...]:
        """Every scored item, in element order (the screen item is not among them)."""
        return tuple(item for element in self.elements for item in element.items)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @property
    def element_position(self) -> dict[str, int]:
        """Each element's place in the instrument (0 for element 1): the order tables and figures list them in."""
        return {element.id: k for k, element in enumerate(self.elements)}

    def element(self, element_id: str) -> Element:
        for element in self.elements:
            if element.id == element_id:
                return element
        raise KeyError(element_id)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def scale_value(self, code: int) -> float:
        """The code rescaled to 0–1, so element scores read the same whatever the scale's length."""
        low, high = self.scale_codes[0], self.scale_codes[-1]
        return (code - low) / (high - low)


#: Where a problem of the whole file is, in a message.
_FILE = Message("filen", "the file")


def load_instrument(path: str | Path | None = None) -> Instrument:
    """Load and validate an instrument file; ``None`` loads the bundled working version.

    Every structural problem raises :class:`~lovende_research.errors.InstrumentError` naming the file
    and the place in it: an element outside the typology or missing from it, a duplicate id, a scale
    with gaps or duplicate codes, a weight that is not a positive number, a missing language.
    """
    file = Path(path) if path is not None else BUNDLED_INSTRUMENT
    try:
        raw = _parse_yaml(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InstrumentError(file, _FILE, Message("findes ikke", "does not exist")) from None
    except yaml.YAMLError as exc:
        raise InstrumentError(
            file, _FILE, Message(f"er ikke gyldig YAML ({exc})", f"is not valid YAML ({exc})")
        ) from None
    if not isinstance(raw, Mapping):
        raise InstrumentError(
            file,
            _FILE,
            Message("indeholder ingen nøgler", "holds no keys"),
            Message("en YAML-mapping med version, scale, elements …", "a YAML mapping with version, scale, elements …"),
        )
    return _Parser(file).instrument(raw)


def _parse_yaml(text: str) -> Any:
    """``yaml.safe_load`` through libyaml's C parser when pyyaml has it: every stage reads the instrument,
    ~2 ms instead of ~25 ms. Text the C parser rejects is parsed again in Python, whose error message
    quotes the offending line."""
    c_loader = getattr(yaml, "CSafeLoader", None)
    if c_loader is not None:
        try:
            return yaml.load(text, Loader=c_loader)  # CSafeLoader builds the same plain types as safe_load
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


#: The keys each mapping of an instrument file may hold; any other is a typo (``wieght``), an error
#: naming the closest of these rather than a silently ignored line.
KEYS: dict[str, tuple[str, ...]] = {
    "top": ("version", "official", "title", "note", "scale", "missing_codes", "categories", "elements", "screen_item"),
    "text": ("da", "en"),
    "scale": ("code", "da", "en"),
    "missing_codes": ("id", "da", "en", "spss"),
    "categories": ("verified", "groups"),
    "group": ("id", "da", "en", "elements"),
    "element": ("id", "number", "da", "en", "items"),
    "element_text": ("name", "definition"),
    "item": ("id", "da", "en", "weight"),
    "screen_item": ("id", "da", "en", "answers"),
    "answer": ("code", "da", "en"),
}


class _Parser:
    """Turns the YAML mapping into an :class:`Instrument`, naming the place of every problem."""

    def __init__(self, file: Path):
        self.file = file

    def fail(self, where: str, problem: str, expected: str = "") -> InstrumentError:
        return InstrumentError(self.file, where, problem, expected)

    def known(self, mapping: Any, kind: str, where: str) -> None:
        """Every key of ``mapping`` is one of ``KEYS[kind]``; the first that is not names the closest."""
        if not isinstance(mapping, Mapping):
            return
        for key in mapping:
            if key not in KEYS[kind]:
                raise self.fail(
                    f"{where}.{key}" if where != "top" else str(key),
                    Message(f"ukendt nøgle '{key}'", f"unknown key '{key}'"),
                    closest_key(str(key), KEYS[kind]),
                )

    def get(self, mapping: Any, key: str, where: str) -> Any:
        if not isinstance(mapping, Mapping):
            raise self.fail(
                where,
                Message("er ikke en mapping", "is not a mapping"),
                Message("nøgle: værdi-par", "key: value pairs"),
            )
        if key not in mapping or mapping[key] is None:
            raise self.fail(where, Message(f"mangler '{key}'", f"lacks '{key}'"))
        return mapping[key]

    def text(self, mapping: Any, where: str, field: str | None = None) -> Text:
        """A da/en pair, either ``{da: …, en: …}`` or ``{da: {field: …}, en: {field: …}}``."""
        values = []
        for language in LANGUAGES:
            value = self.get(mapping, language, where)
            if field is not None:
                value = self.get(value, field, f"{where}.{language}")
            if not isinstance(value, str) or not value.strip():
                raise self.fail(
                    f"{where}.{language}",
                    Message("er tom eller ikke tekst", "is empty or not text"),
                    Message("en tekst", "a text"),
                )
            values.append(value.strip())
        return Text(*values)

    def instrument(self, raw: Mapping[str, Any]) -> Instrument:
        self.known(raw, "top", "top")
        for name in ("title", "note"):
            self.known(raw.get(name), "text", name)
        version = self.get(raw, "version", "top")
        elements = self.elements(self.get(raw, "elements", "top"))
        categories_raw = raw.get("categories") or {"verified": False, "groups": []}
        screen_item = self.screen_item(self.get(raw, "screen_item", "top"))
        if screen_item.id in {item.id for element in elements for item in element.items}:
            raise self.fail(
                "screen_item.id",
                Message(
                    f"'{screen_item.id}' er også et almindeligt spørgsmåls id",
                    f"'{screen_item.id}' is also an ordinary item's id",
                ),
                Message("et eget id", "an id of its own"),
            )
        return Instrument(
            version=str(version),
            official=bool(raw.get("official", False)),
            title=self.text(self.get(raw, "title", "top"), "title"),
            note=self.text(raw["note"], "note") if raw.get("note") else Text("", ""),
            scale=self.scale(self.get(raw, "scale", "top")),
            missing_codes=self.missing_codes(self.get(raw, "missing_codes", "top")),
            categories=self.categories(categories_raw, {e.id for e in elements}),
            categories_verified=bool(categories_raw.get("verified", False)),
            elements=elements,
            screen_item=screen_item,
            path=self.file,
        )

    def scale(self, raw: Any) -> tuple[ScalePoint, ...]:
        if not isinstance(raw, list) or len(raw) < 2:
            raise self.fail(
                "scale",
                Message(
                    "skal være en liste med mindst to svarkategorier",
                    "must be a list of at least two response categories",
                ),
            )
        points = []
        for i, entry in enumerate(raw):
            self.known(entry, "scale", f"scale[{i}]")
            code = self.get(entry, "code", f"scale[{i}]")
            if not isinstance(code, int) or isinstance(code, bool):
                raise self.fail(
                    f"scale[{i}].code",
                    Message(f"{code!r} er ikke et heltal", f"{code!r} is not a whole number"),
                    Message("heltallige koder, fx 1–4", "whole-number codes, e.g. 1–4"),
                )
            points.append(ScalePoint(code, self.text(entry, f"scale[{i}]")))
        codes = [p.code for p in points]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise self.fail(
                "scale",
                Message(f"koden {duplicates} står mere end én gang", f"the code {duplicates} occurs more than once"),
                Message("hver kode én gang", "each code once"),
            )
        ordered = sorted(codes)
        if ordered != list(range(ordered[0], ordered[0] + len(ordered))):
            raise self.fail(
                "scale",
                Message(f"koderne {ordered} har huller", f"the codes {ordered} have gaps"),
                Message("fortløbende heltal, fx 1, 2, 3, 4", "consecutive whole numbers, e.g. 1, 2, 3, 4"),
            )
        labels = [p.label.da for p in points]
        if len(set(labels)) != len(labels):
            raise self.fail(
                "scale",
                Message(
                    "to svarkategorier har samme danske tekst", "two response categories have the same Danish text"
                ),
                Message("forskellige tekster", "different texts"),
            )
        return tuple(sorted(points, key=lambda p: p.code))

    def missing_codes(self, raw: Any) -> tuple[MissingCode, ...]:
        if not isinstance(raw, list):
            raise self.fail(
                "missing_codes",
                Message("skal være en liste", "must be a list"),
                Message("fx ved_ikke, ikke_relevant, ikke_besvaret", "e.g. ved_ikke, ikke_relevant, ikke_besvaret"),
            )
        codes = []
        for i, entry in enumerate(raw):
            self.known(entry, "missing_codes", f"missing_codes[{i}]")
            code_id = str(self.get(entry, "id", f"missing_codes[{i}]"))
            spss = entry.get("spss")
            if spss is not None and (not isinstance(spss, int) or isinstance(spss, bool)):
                raise self.fail(
                    f"missing_codes[{i}].spss",
                    Message(f"{spss!r} er ikke et heltal", f"{spss!r} is not a whole number"),
                    Message("en heltallig SPSS-kode", "a whole-number SPSS code"),
                )
            codes.append(MissingCode(code_id, self.text(entry, f"missing_codes[{i}]"), spss))
        self.unique([m.id for m in codes], "missing_codes", "id")
        return tuple(codes)

    def categories(self, raw: Any, element_ids: set[str]) -> tuple[Category, ...]:
        groups = []
        self.known(raw, "categories", "categories")
        for i, entry in enumerate(raw.get("groups") or []):
            where = f"categories.groups[{i}]"
            self.known(entry, "group", where)
            members = tuple(str(e) for e in self.get(entry, "elements", where))
            for member in members:
                if member not in element_ids:
                    raise self.fail(
                        f"{where}.elements",
                        Message(f"ukendt element '{member}'", f"unknown element '{member}'"),
                        ", ".join(TYPOLOGY_ELEMENTS),
                    )
            groups.append(Category(str(self.get(entry, "id", where)), self.text(entry, where), members))
        return tuple(groups)

    def elements(self, raw: Any) -> tuple[Element, ...]:
        if not isinstance(raw, list):
            raise self.fail("elements", Message("skal være en liste", "must be a list"))
        elements: list[Element] = []
        for i, entry in enumerate(raw):
            where = f"elements[{i}]"
            self.known(entry, "element", where)
            for language in LANGUAGES:
                self.known(
                    entry.get(language) if isinstance(entry, Mapping) else None, "element_text", f"{where}.{language}"
                )
            element_id = str(self.get(entry, "id", where))
            if element_id not in TYPOLOGY_ELEMENTS:
                raise self.fail(
                    f"{where}.id",
                    Message(f"ukendt element '{element_id}'", f"unknown element '{element_id}'"),
                    ", ".join(TYPOLOGY_ELEMENTS),
                )
            number = self.get(entry, "number", where)
            expected_number = TYPOLOGY_ELEMENTS.index(element_id) + 1
            if number != expected_number:
                raise self.fail(
                    f"{where}.number",
                    Message(
                        f"elementet '{element_id}' har nummer {number!r}",
                        f"the element '{element_id}' has number {number!r}",
                    ),
                    str(expected_number),
                )
            items_raw = self.get(entry, "items", where)
            if not isinstance(items_raw, list) or not items_raw:
                raise self.fail(
                    f"{where}.items",
                    Message("elementet har ingen spørgsmål", "the element has no items"),
                    Message("mindst ét spørgsmål", "at least one item"),
                )
            items = tuple(self.item(item, element_id, f"{where}.items[{j}]") for j, item in enumerate(items_raw))
            elements.append(
                Element(
                    element_id,
                    number,
                    self.text(entry, where, "name"),
                    self.text(entry, where, "definition"),
                    items,
                )
            )
        self.unique([e.id for e in elements], "elements", "id")
        missing = [e for e in TYPOLOGY_ELEMENTS if e not in {x.id for x in elements}]
        if missing:
            raise self.fail(
                "elements",
                Message(f"mangler elementerne {', '.join(missing)}", f"lacks the elements {', '.join(missing)}"),
                Message("alle 11 elementer i typologien", "all 11 elements of the typology"),
            )
        self.unique([item.id for e in elements for item in e.items], "elements[*].items", "id")
        return tuple(sorted(elements, key=lambda e: e.number))

    def item(self, raw: Any, element_id: str, where: str) -> Item:
        self.known(raw, "item", where)
        item_id = str(self.get(raw, "id", where))
        weight = raw.get("weight", 1.0)
        if (
            isinstance(weight, bool)
            or not isinstance(weight, (int, float))
            or not math.isfinite(weight)
            or not weight > 0
        ):
            raise self.fail(
                f"{where}.weight",
                Message(
                    f"vægten {weight!r} for '{item_id}' er ikke et positivt tal",
                    f"the weight {weight!r} of '{item_id}' is not a positive number",
                ),
                Message("et endeligt tal > 0 (ikke .inf eller .nan)", "a finite number > 0 (not .inf or .nan)"),
            )
        return Item(item_id, element_id, self.text(raw, where), float(weight))

    def screen_item(self, raw: Any) -> ScreenItem:
        self.known(raw, "screen_item", "screen_item")
        answers_raw = self.get(raw, "answers", "screen_item")
        for i, answer in enumerate(answers_raw if isinstance(answers_raw, list) else []):
            self.known(answer, "answer", f"screen_item.answers[{i}]")
        answers = tuple(
            (str(self.get(a, "code", f"screen_item.answers[{i}]")), self.text(a, f"screen_item.answers[{i}]"))
            for i, a in enumerate(answers_raw)
        )
        if "ja" not in {code for code, _ in answers}:
            raise self.fail(
                "screen_item.answers",
                Message("mangler svaret 'ja'", "lacks the answer 'ja'"),
                Message("mindst svarene ja og nej", "at least the answers ja and nej"),
            )
        self.unique([code for code, _ in answers], "screen_item.answers", "code")
        return ScreenItem(str(self.get(raw, "id", "screen_item")), self.text(raw, "screen_item"), answers)

    def unique(self, values: list[str], where: str, field: str) -> None:
        seen: set[str] = set()
        for value in values:
            if value in seen:
                raise self.fail(
                    where,
                    Message(f"{field} '{value}' står mere end én gang", f"{field} '{value}' occurs more than once"),
                    Message(f"hvert {field} én gang", f"each {field} once"),
                )
            seen.add(value)
