"""Rounds as data: matching practices, instrument versions and item mappings, the ``rounds:`` key."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

from lovende_research.errors import InputError, in_language
from lovende_research.instrument import Text as Wording
from lovende_research.instrument import load_instrument
from lovende_research.rounds import RoundsError, load_rounds, loading, read_item_mapping, round_folders
from lovende_research.rounds.loading import ItemMapping, _mapped_codings
from lovende_research.rounds.simulation import RoundsSpec, write_rounds
from tests.plain_ids import plain_id


@pytest.fixture
def rounds(tmp_path: Path) -> list[Path]:
    return write_rounds(tmp_path / "r", RoundsSpec(n_practices=4, change=0.2), seed=11)


def _drop_practice(folder: Path, practice: str) -> None:
    interviews = pd.read_csv(folder / "interviews.csv", dtype=str)
    gone = set(interviews.loc[interviews["practice_id"] == practice, "interview_id"])
    interviews[interviews["practice_id"] != practice].to_csv(folder / "interviews.csv", index=False)
    codings = pd.read_csv(folder / "codings.csv", dtype=str, keep_default_na=False)
    codings[~codings["interview_id"].isin(gone)].to_csv(folder / "codings.csv", index=False)


def _other_version(folder: Path, version: str, rename: tuple[str, str] | None = None) -> None:
    """Give ``folder`` its own copy of the bundled instrument under another version (and one item renamed)."""
    text = load_instrument().path.read_text(encoding="utf-8")
    text = text.replace('version: "lovende-research arbejdsversion 0.1 (2026-11)"', f'version: "{version}"')
    if rename:
        text = text.replace(f"- id: {rename[0]}\n", f"- id: {rename[1]}\n")
        codings = pd.read_csv(folder / "codings.csv", dtype=str, keep_default_na=False)
        codings["item_id"] = codings["item_id"].replace(rename[0], rename[1])
        codings.to_csv(folder / "codings.csv", index=False)
    (folder / "instrument.yml").write_text(text, encoding="utf-8")
    study = (
        (folder / "study.yml").read_text(encoding="utf-8").replace("instrument: bundled", "instrument: instrument.yml")
    )
    (folder / "study.yml").write_text(study, encoding="utf-8")


def test_practices_are_matched_by_id_and_the_ones_in_one_round_listed(rounds: list[Path]) -> None:
    _drop_practice(rounds[0], "Q002")
    _drop_practice(rounds[1], "Q004")
    found = load_rounds(rounds)
    assert found.labels == ("runde-1", "runde-2")
    assert found.matched == ("Q001", "Q003")
    assert found.only_in == {"runde-1": ("Q004",), "runde-2": ("Q002",)}
    assert found.unmatched_table().values.tolist() == [["runde-1", "Q004"], ["runde-2", "Q002"]]


def test_the_rounds_key_names_the_earlier_rounds_relative_to_the_study(rounds: list[Path]) -> None:
    assert [p.resolve() for p in round_folders(rounds[1])] == [p.resolve() for p in rounds]
    (rounds[1] / "study.yml").write_text(
        (rounds[1] / "study.yml").read_text(encoding="utf-8").replace("../runde-1", "../runde-0"), encoding="utf-8"
    )
    with pytest.raises(InputError) as raised:
        round_folders(rounds[1])
    [problem] = raised.value.problems
    assert (problem.file, problem.column, problem.value) == ("study.yml", "rounds", "../runde-0")


def test_a_rounds_key_that_is_not_a_list_is_an_error_naming_it(rounds: list[Path]) -> None:
    study = rounds[1] / "study.yml"
    study.write_text(study.read_text(encoding="utf-8").split("rounds:")[0] + "rounds: 7\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        round_folders(rounds[1])
    assert [p.column for p in raised.value.problems] == ["rounds"]


def test_different_instrument_versions_without_a_mapping_is_an_error_naming_both(rounds: list[Path]) -> None:
    _other_version(rounds[0], "pilot 0.0")
    with pytest.raises(RoundsError) as raised:
        load_rounds(rounds)
    message = str(raised.value)
    assert "'pilot 0.0'" in message and "'lovende-research arbejdsversion 0.1 (2026-11)'" in message
    assert "runde-1" in message and "runde-2" in message


def test_a_declared_mapping_renames_the_earlier_items_to_the_later_ones(rounds: list[Path], tmp_path: Path) -> None:
    before = pd.read_csv(rounds[0] / "codings.csv", dtype=str, keep_default_na=False)
    _other_version(rounds[0], "pilot 0.0", rename=("teori_1", "teori_gammel"))
    mapping = tmp_path / "mapping.yml"
    mapping.write_text(
        "from_version: pilot 0.0\nto_version: lovende-research arbejdsversion 0.1 (2026-11)\n"
        "items:\n  teori_gammel: teori_1\n  oekonomi_2: null\n",
        encoding="utf-8",
    )
    found = load_rounds(rounds, mapping)
    codings = found.studies[0].codings
    assert "teori_gammel" not in set(codings["item_id"]) and "oekonomi_2" not in set(codings["item_id"])
    assert (codings["item_id"] == "teori_1").sum() == (before["item_id"] == "teori_1").sum()
    # every other item kept its rows: only oekonomi_2's are gone
    assert len(codings) == len(before) - (before["item_id"] == "oekonomi_2").sum()
    assert found.studies[0].instrument.version == found.instrument.version


def test_a_mapping_for_other_versions_is_an_error_naming_them(rounds: list[Path], tmp_path: Path) -> None:
    _other_version(rounds[0], "pilot 0.0")
    mapping = tmp_path / "mapping.yml"
    mapping.write_text("from_version: pilot 9\nto_version: v2\nitems: {teori_1: teori_1}\n", encoding="utf-8")
    with pytest.raises(RoundsError, match="'pilot 9' → 'v2'.*'pilot 0.0'"):
        load_rounds(rounds, mapping)


def test_a_mapping_file_with_a_misspelt_key_names_it(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yml"
    mapping.write_text("from_version: a\nto_version: b\nitem: {x: y}\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_item_mapping(mapping)
    assert sorted(p.column for p in raised.value.problems) == ["item", "items"]


def test_one_round_or_the_same_folder_twice_is_refused(rounds: list[Path]) -> None:
    with pytest.raises(RoundsError, match="mindst to runder"):
        load_rounds(rounds[:1])
    with pytest.raises(RoundsError, match="to gange"):
        load_rounds([rounds[0], rounds[0]])


# ------------------------------------------------------------------------- every refusal, in both languages

TOOL = dataclasses.replace(load_instrument(), title=Wording("Redskabet", "The tool"), version="v2")
VERSIONS = (
    "runde-1 har 'Redskabet' version 'v1', runde-2 har 'Redskabet' version 'v2'",
    "runde-1 has 'The tool' version 'v1', runde-2 has 'The tool' version 'v2'",
)


def _earlier(**changes: object) -> Any:
    """Round 1 as :func:`_mapped_codings` reads it (name, instrument, codings), its instrument at ``v1``."""
    return SimpleNamespace(name="runde-1", instrument=dataclasses.replace(TOOL, version="v1", **changes), codings=None)


#: (the refusal, its message in Danish, the same in English)
VERSION_REFUSALS: list[tuple[Callable[[], object], str, str]] = [
    (
        lambda: _mapped_codings(_earlier(), TOOL, None, "runde-2"),
        f"runderne er kodet med forskellige instrumenter: {VERSIONS[0]}; forventet: samme titel og version, "
        "eller en spørgsmålsmapping (--mapping, se docs/rounds.md)",
        f"the rounds are coded with different instruments: {VERSIONS[1]}; expected: the same title and version, "
        "or an item mapping (--mapping, see docs/rounds.md)",
    ),
    (
        lambda: _mapped_codings(_earlier(), TOOL, ItemMapping("v0", "v2", {}), "runde-2"),
        f"mappingen gælder 'v0' → 'v2', men {VERSIONS[0]}",
        f"the mapping is for 'v0' → 'v2', but {VERSIONS[1]}",
    ),
    (
        lambda: _mapped_codings(_earlier(scale=TOOL.scale[:3]), TOOL, ItemMapping("v1", "v2", {}), "runde-2"),
        f"svarskalaerne er forskellige ((1, 2, 3) og (1, 2, 3, 4)): {VERSIONS[0]}",
        f"the answer scales differ ((1, 2, 3) and (1, 2, 3, 4)): {VERSIONS[1]}",
    ),
    (
        # teori_x is no item of v1, teori_y none of v2 (teori_1 is one of both)
        lambda: _mapped_codings(
            _earlier(), TOOL, ItemMapping("v1", "v2", {"teori_x": "teori_1", "teori_2": "teori_y"}), "runde-2"
        ),
        f"mappingen nævner spørgsmål, som instrumenterne ikke har: teori_x, teori_y ({VERSIONS[0]})",
        f"the mapping names items the instruments do not have: teori_x, teori_y ({VERSIONS[1]})",
    ),
    (
        lambda: load_rounds([Path("a")]),
        "en sammenligning kræver mindst to runder, fandt 1; forventet: lovende compare RUNDE1 RUNDE2",
        "a comparison needs at least two rounds, found 1; expected: lovende compare ROUND1 ROUND2",
    ),
    (
        lambda: load_rounds([Path("a"), Path("a")]),
        "samme mappe er angivet to gange: a, a",
        "the same folder is given twice: a, a",
    ),
    (
        lambda: load_rounds([Path("x/r"), Path("y/r")]),
        "runderne skal ligge i mapper med forskellige navne (navnet er rundens etiket): x/r, y/r",
        "the rounds must lie in folders with different names (the name is the round's label): x/r, y/r",
    ),
]


@pytest.mark.parametrize(
    "call, danish, english", VERSION_REFUSALS, ids=[plain_id(english[:40]) for _, _, english in VERSION_REFUSALS]
)
def test_each_refusal_names_the_rounds_in_danish_and_in_english(
    call: Callable[[], object], danish: str, english: str
) -> None:
    with pytest.raises(RoundsError) as raised:
        call()
    assert str(raised.value) == danish
    assert in_language(raised.value.args[0], "en") == english


def test_rounds_without_a_practice_in_common_are_refused_in_both_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    def interviewed(path: Path) -> SimpleNamespace:  # each round interviewed a practice of its own
        return SimpleNamespace(name=path.name, instrument=TOOL, interviews=pd.DataFrame({"practice_id": [path.name]}))

    monkeypatch.setattr(loading.Study, "load", interviewed)
    with pytest.raises(RoundsError) as raised:
        load_rounds([Path("r1"), Path("r2")])
    assert str(raised.value) == (
        "runderne har ingen interviewet praksis tilfælles (praksisser matches på practice_id): r1, r2"
    )
    assert in_language(raised.value.args[0], "en") == (
        "the rounds have no interviewed practice in common (practices are matched on practice_id): r1, r2"
    )


#: (the mapping file's text, its problems in Danish, the same in English); ``{path}`` is the file.
MAPPING_PROBLEMS: list[tuple[str, list[str], list[str]]] = [
    (
        "- a\n",
        ["{path}: indeholder ingen nøgler; forventet: from_version, to_version, items"],
        ["{path}: holds no keys; expected: from_version, to_version, items"],
    ),
    (
        "from_version: a\nto_version: b\nitem: {x: y}\n",
        [
            "{path}, kolonne 'item': ukendt nøgle 'item'; forventet: from_version, to_version, items",
            "{path}, kolonne 'items': items er ikke en mapping fra gammelt til nyt spørgsmåls-id; "
            "forventet: items: {{teori_1: teori_1a, oekonomi_3: null}}",
        ],
        [
            "{path}, column 'item': unknown key 'item'; expected: from_version, to_version, items",
            "{path}, column 'items': items is not a mapping from old to new item id; "
            "expected: items: {{teori_1: teori_1a, oekonomi_3: null}}",
        ],
    ),
    (
        "to_version: b\nitems: {x: z, y: z}\n",
        [
            "{path}, kolonne 'from_version': from_version mangler; forventet: instrumentets version som tekst",
            "{path}, kolonne 'items': to gamle spørgsmål peger på samme nye; forventet: hvert nyt id højst én gang",
        ],
        [
            "{path}, column 'from_version': from_version is missing; expected: the instrument's version as text",
            "{path}, column 'items': two old items point to the same new one; expected: each new id at most once",
        ],
    ),
]


@pytest.mark.parametrize("text, danish, english", MAPPING_PROBLEMS, ids=["list", "misspelt", "missing"])
def test_each_problem_of_a_mapping_file_in_danish_and_in_english(
    text: str, danish: list[str], english: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "mapping.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_item_mapping(path)
    assert [p.render("da") for p in raised.value.problems] == [line.format(path=path) for line in danish]
    assert [p.render("en") for p in raised.value.problems] == [line.format(path=path) for line in english]


def test_an_unreadable_mapping_file_and_a_missing_round_in_both_languages(tmp_path: Path) -> None:
    absent = tmp_path / "absent.yml"
    with pytest.raises(InputError) as raised:
        read_item_mapping(absent)
    [problem] = raised.value.problems
    why = f"[Errno 2] No such file or directory: '{absent}'"  # the operating system's words, as they come
    assert (
        problem.render("da")
        == f"{absent}: kan ikke læses som YAML: {why}; forventet: from_version, to_version og items"
    )
    assert (
        problem.render("en") == f"{absent}: cannot be read as YAML: {why}; expected: from_version, to_version and items"
    )
    (tmp_path / "study.yml").write_text("title: x\nrounds: [../runde-0]\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        round_folders(tmp_path)
    [problem] = raised.value.problems
    assert problem.render("da") == (
        "study.yml, kolonne 'rounds': runden '../runde-0' findes ikke (fandt '../runde-0'); "
        "forventet: en studiemappe, angivet i forhold til studiets egen mappe"
    )
    assert problem.render("en") == (
        "study.yml, column 'rounds': the round '../runde-0' does not exist (found '../runde-0'); "
        "expected: a study folder, given relative to the study's own folder"
    )


#: (the spec's changes, the message in Danish, in English)
SPEC_REFUSALS: list[tuple[dict[str, Any], str, str]] = [
    (
        {"n_coders": 1},
        "ugyldig rundesimulering: mindst 2 runder, 2 praksisser, 1 informant pr. praksis og 2 kodere",
        "invalid rounds simulation: at least 2 rounds, 2 practices, 1 informant per practice and 2 coders",
    ),
    (
        {"changed_elements": 12},
        "ugyldig rundesimulering: changed_elements skal ligge mellem 0 og 11",
        "invalid rounds simulation: changed_elements must lie between 0 and 11",
    ),
    (
        {"dont_know": 1.0},
        "ugyldig rundesimulering: turnover og dont_know skal ligge mellem 0 og 1",
        "invalid rounds simulation: turnover and dont_know must lie between 0 and 1",
    ),
    (
        {"change": 0.5, "turnover": -0.1},  # two problems, in the order checked
        "ugyldig rundesimulering: turnover og dont_know skal ligge mellem 0 og 1; "
        "change skal ligge mellem -0,45 og 0,45 (på 0–1-skalaen)",
        "invalid rounds simulation: turnover and dont_know must lie between 0 and 1; "
        "change must lie between -0.45 and 0.45 (on the 0–1 scale)",
    ),
]


@pytest.mark.parametrize("changes, danish, english", SPEC_REFUSALS, ids=["counts", "elements", "shares", "two"])
def test_each_refusal_of_a_rounds_spec_in_danish_and_in_english(
    changes: dict[str, Any], danish: str, english: str
) -> None:
    with pytest.raises(RoundsError) as raised:
        RoundsSpec(**changes)
    assert str(raised.value) == danish
    assert in_language(raised.value.args[0], "en") == english


def test_writing_rounds_refuses_a_full_folder_and_a_bad_seed_in_both_languages(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("", encoding="utf-8")
    with pytest.raises(RoundsError) as raised:
        write_rounds(tmp_path, RoundsSpec(), seed=1)
    assert str(raised.value) == f"{tmp_path}: mappen er ikke tom; forventet: en ny eller tom mappe"
    assert (
        in_language(raised.value.args[0], "en")
        == f"{tmp_path}: the folder is not empty; expected: a new or empty folder"
    )
    with pytest.raises(RoundsError) as raised:
        write_rounds(tmp_path / "new", RoundsSpec(), seed=-3)
    assert str(raised.value) == "seed skal være et ikke-negativt heltal, fandt -3"
    assert in_language(raised.value.args[0], "en") == "seed must be a non-negative whole number, found -3"
