"""Rounds as data: matching practices, instrument versions and item mappings, the ``rounds:`` key."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lovende_research.errors import InputError
from lovende_research.instrument import load_instrument
from lovende_research.rounds import RoundsError, load_rounds, read_item_mapping, round_folders
from lovende_research.rounds.simulation import RoundsSpec, write_rounds


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
