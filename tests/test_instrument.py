"""The instrument loader: the bundled questionnaire is complete, and a broken one says what is wrong."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from lovende_research.errors import InstrumentError, in_language
from lovende_research.instrument import BUNDLED_INSTRUMENT, TYPOLOGY_ELEMENTS, load_instrument


@pytest.fixture(scope="module")
def bundled_raw() -> dict[str, Any]:
    return yaml.safe_load(BUNDLED_INSTRUMENT.read_text(encoding="utf-8"))


def test_bundled_instrument_has_the_typology() -> None:
    inst = load_instrument()
    # domain.md: 11 elements in Socialstyrelsen's numbering, with these Danish names.
    assert [e.id for e in inst.elements] == list(TYPOLOGY_ELEMENTS)
    assert [e.number for e in inst.elements] == list(range(1, 12))
    assert inst.element("refleksion").name("da") == "Faglig refleksion"
    assert inst.element("individuel").name("en") == "Individual tailoring"
    assert all(2 <= len(e.items) <= 4 for e in inst.elements)
    assert all(e.definition("da") and e.definition("en") for e in inst.elements)
    assert inst.scale_codes == (1, 2, 3, 4)
    assert [m.id for m in inst.missing_codes] == ["ved_ikke", "ikke_relevant", "ikke_besvaret"]
    assert not set(inst.missing_ids) & {str(c) for c in inst.scale_codes}
    assert inst.categories_verified is False
    assert sorted(m for c in inst.categories for m in c.elements) == sorted(TYPOLOGY_ELEMENTS)
    assert inst.screen_item.id == "sikker_1" and inst.screen_item.id not in inst.item_ids
    assert set(inst.screen_item.answer_codes) == {"ja", "nej"}
    assert inst.version and not inst.official


def test_scale_values_span_zero_to_one() -> None:
    inst = load_instrument()
    assert [inst.scale_value(c) for c in inst.scale_codes] == pytest.approx([0, 1 / 3, 2 / 3, 1])


def _write(tmp_path: Path, raw: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> Path:
    broken = copy.deepcopy(raw)
    change(broken)
    path = tmp_path / "instrument.yml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    return path


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(raw: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = raw
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value

    return change


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (_set("elements.0.id", "kvalitet"), "elements[0].id", "ukendt element 'kvalitet'"),
        (_set("elements.1.items.0.id", "teori_1"), "elements[*].items", "id 'teori_1' står mere end én gang"),
        (_set("scale.2.code", 5), "scale", "har huller"),
        (_set("scale.2.code", 2), "scale", "koden [2] står mere end én gang"),
        (_set("elements.3.items.0.weight", 0), "elements[3].items[0].weight", "ikke et positivt tal"),
        (_set("elements.3.items.0.weight", -1.5), "elements[3].items[0].weight", "ikke et positivt tal"),
        (_set("elements.3.items.0.weight", "høj"), "elements[3].items[0].weight", "ikke et positivt tal"),
        (
            _set("categories.groups.0.elements", ["teori", "effekt"]),
            "categories.groups[0].elements",
            "ukendt element 'effekt'",
        ),
        (_set("elements.4.number", 9), "elements[4].number", "har nummer 9"),
        (_set("elements.2.en", {"name": "Description"}), "elements[2].en", "mangler 'definition'"),
        (_set("missing_codes.1.id", "ved_ikke"), "missing_codes", "id 'ved_ikke' står mere end én gang"),
        (lambda raw: raw["elements"].pop(), "elements", "mangler elementerne opfoelgning"),
        (lambda raw: raw.pop("version"), "top", "mangler 'version'"),
        (_set("scale.0.code", "en"), "scale[0].code", "ikke et heltal"),
        # issue 23: a non-finite weight gave NaN element scores, and a misspelt key was ignored
        (_set("elements.3.items.0.weight", float("inf")), "elements[3].items[0].weight", "ikke et positivt tal"),
        (_set("elements.3.items.0.weight", float("nan")), "elements[3].items[0].weight", "ikke et positivt tal"),
        (_set("elements.3.items.0.wieght", 2), "elements[3].items[0].wieght", "forventet: 'weight'"),
        (_set("versoin", "2"), "versoin", "forventet: 'version'"),
        (_set("elements.0.da.defintion", "x"), "elements[0].da.defintion", "forventet: 'definition'"),
    ],
)
def test_broken_instrument_names_the_place(
    tmp_path: Path, bundled_raw: dict[str, Any], change, where: str, message: str
) -> None:
    path = _write(tmp_path, bundled_raw, change)
    with pytest.raises(InstrumentError) as caught:
        load_instrument(path)
    assert caught.value.file == str(path)
    assert caught.value.where == where
    assert message in str(caught.value)


#: Words of the Danish messages that must not reach an English reader of an instrument error.
DANISH = re.compile(r"\b(forventet|mangler|ukendt|står|heltal|vægten|nøgle|filen|ikke|er)\b")


@pytest.mark.parametrize(
    ("change", "english"),
    [
        (_set("elements.0.id", "kvalitet"), "elements[0].id: unknown element 'kvalitet'; expected: teori, "),
        (
            _set("elements.1.items.0.id", "teori_1"),
            "elements[*].items: id 'teori_1' occurs more than once; expected: each id once",
        ),
        (_set("scale.2.code", 5), "scale: the codes [1, 2, 4, 5] have gaps; expected: consecutive whole numbers"),
        (_set("scale.2.code", 2), "scale: the code [2] occurs more than once; expected: each code once"),
        (
            _set("elements.3.items.0.weight", "høj"),
            "the weight 'høj' of 'maal_1' is not a positive number; expected: a finite",
        ),
        (_set("elements.4.number", 9), "elements[4].number: the element 'overfoerbarhed' has number 9; expected: 5"),
        (_set("elements.2.en", {"name": "Description"}), "elements[2].en: lacks 'definition'"),
        (lambda raw: raw["elements"].pop(), "elements: lacks the elements opfoelgning; expected: all 11 elements"),
        (_set("scale.0.code", "en"), "scale[0].code: 'en' is not a whole number; expected: whole-number codes"),
        (_set("versoin", "2"), "versoin: unknown key 'versoin'; expected: 'version' (known keys: "),
        (
            _set("screen_item.answers", [{"code": "nej", "da": "Nej", "en": "No"}]),
            "lacks the answer 'ja'; expected: at least",
        ),
        (_set("missing_codes", "ved_ikke"), "missing_codes: must be a list; expected: e.g. ved_ikke"),
        (
            _set("scale", [{"code": 1, "da": "x", "en": "x"}]),
            "scale: must be a list of at least two response categories",
        ),
    ],
)
def test_a_broken_instrument_is_named_in_english_too(
    tmp_path: Path, bundled_raw: dict[str, Any], change, english: str
) -> None:
    # The message is written in both languages; `lovende --lang en` prints the English one (issue 22: every
    # message to users in the user's language). The Danish stays the str() of the error, as before.
    path = _write(tmp_path, bundled_raw, change)
    with pytest.raises(InstrumentError) as caught:
        load_instrument(path)
    message = in_language(caught.value.args[0], "en")
    assert message.startswith(f"{path}, ") and english in message
    assert not DANISH.search(message.removeprefix(str(path)))
    assert str(caught.value) != message


def test_a_weighted_copy_loads(tmp_path: Path, bundled_raw: dict[str, Any]) -> None:
    path = _write(tmp_path, bundled_raw, _set("elements.0.items.1.weight", 2))
    assert load_instrument(path).item("teori_2").weight == 2.0


def test_fast_parser_reads_the_instrument_as_safe_load_does() -> None:
    from lovende_research.instrument import _parse_yaml

    text = BUNDLED_INSTRUMENT.read_text(encoding="utf-8")
    assert _parse_yaml(text) == yaml.safe_load(text)


def test_invalid_yaml_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yml"
    path.write_text("version: [unclosed\n", encoding="utf-8")
    with pytest.raises(InstrumentError, match="ikke gyldig YAML") as caught:
        load_instrument(path)
    assert "version: [unclosed" in str(caught.value)  # the Python parser's message, quoting the line
    assert in_language(caught.value.args[0], "en").endswith(
        ", the file: is not valid YAML (" + str(caught.value).split("(", 1)[1]
    )
    with pytest.raises(InstrumentError, match="findes ikke") as caught:
        load_instrument(tmp_path / "absent.yml")
    assert in_language(caught.value.args[0], "en") == f"{tmp_path / 'absent.yml'}, the file: does not exist"


def test_validate_prints_a_broken_instrument_in_the_studys_language(
    tmp_path: Path, bundled_raw: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    # The path of the whole chain a user meets: study.yml names its own instrument, which has a gap in
    # its scale; `lovende validate` prints one line in English for an English study, in Danish with --lang da.
    from lovende_research.cli import main
    from tests.test_study import make_study

    study = make_study(tmp_path / "s")
    _write(study, bundled_raw, _set("scale.2.code", 5)).rename(study / "v2.yml")
    (study / "study.yml").write_text("title: T\nlanguage: en\nseed: 7\ninstrument: v2.yml\n", encoding="utf-8")
    assert main(["validate", str(study)]) == 1
    english = capsys.readouterr().err
    assert "column 'instrument': the instrument cannot be used: " in english
    assert "v2.yml, scale: the codes [1, 2, 4, 5] have gaps; expected: consecutive whole numbers" in english
    assert not DANISH.search(english.replace(str(study), ""))
    assert main(["validate", str(study), "--lang", "da"]) == 1
    assert "scale: koderne [1, 2, 4, 5] har huller; forventet: fortløbende heltal" in capsys.readouterr().err
