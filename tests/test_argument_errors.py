"""Arguments a user can get wrong outside the statistics (the independent simulator's model, a page table's
length) stop with :class:`~lovende_research.errors.ArgumentError`, a ``LovendeError`` naming the argument,
the value and what was expected, as the scoring and bias checks' parameters do; not a bare ``ValueError``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lovende_research import people_tables as pt
from lovende_research.errors import ArgumentError, LovendeError, in_language
from lovende_research.validity import IndependentSpec, write_independent_study


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"n_practices": 1}, "IndependentSpec.n_practices: 1 kan ikke bruges; forventet: et heltal på mindst 2"),
        (
            {"informants_per_practice": 0},
            "IndependentSpec.informants_per_practice: 0 kan ikke bruges; forventet: et heltal på mindst 1",
        ),
        ({"n_coders": 1}, "IndependentSpec.n_coders: 1 kan ikke bruges; forventet: et heltal på mindst 2"),
        (
            {"n_practices": 4, "n_extreme": 5},
            "IndependentSpec.n_extreme: 5 kan ikke bruges; forventet: et heltal mellem 0 og n_practices (4)",
        ),
        (
            {"n_practices": 4, "n_extreme": -1},
            "IndependentSpec.n_extreme: -1 kan ikke bruges; forventet: et heltal mellem 0 og n_practices (4)",
        ),
    ],
    ids=["practices", "informants", "coders", "extreme-above", "extreme-below"],
)
def test_an_independent_spec_out_of_range_names_the_field_the_value_and_the_bound(
    changes: dict[str, int], message: str
) -> None:
    """Pins down each bound of the simulator's model alone: 2 practices, 1 informant each, 2 coders (each
    interview is coded twice), and 0 ≤ n_extreme ≤ n_practices."""
    with pytest.raises(ArgumentError) as raised:
        IndependentSpec(**changes)
    assert isinstance(raised.value, LovendeError)
    assert str(raised.value) == message
    assert raised.value.parameter == message.split(":")[0]  # the field, for a caller that reads it
    english = in_language(raised.value.args[0], "en")  # what `lovende --lang en` prints
    assert english.startswith(message.split(" kan ")[0] + " cannot be used; expected: a whole number ")


def test_an_independent_spec_at_its_bounds_is_accepted() -> None:
    """Pins down that the bounds themselves are allowed (``<`` not ``<=``): 2 practices, 1 informant, 2
    coders, and n_extreme equal to 0 and to n_practices."""
    for spec in (
        IndependentSpec(n_practices=2, informants_per_practice=1, n_coders=2, n_extreme=2),
        IndependentSpec(n_practices=2, n_extreme=0),
    ):
        assert spec.n_practices == 2


def test_a_study_is_not_written_into_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    """Pins down the refusal before anything is drawn: a folder holding a file is named in the error, and
    the file in it is left alone."""
    (tmp_path / "old.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(ArgumentError) as raised:
        write_independent_study(tmp_path, IndependentSpec(n_practices=2), seed=1)
    assert str(raised.value) == (
        f"out_dir: {str(tmp_path)!r} kan ikke bruges; forventet: en mappe der ikke findes endnu, eller en tom mappe"
    )
    assert in_language(raised.value.args[0], "en").endswith(
        "expected: a folder that does not exist yet, or an empty folder"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["old.txt"]


@pytest.mark.parametrize("max_rows", [0, -3])
def test_a_page_table_of_fewer_than_one_row_is_an_argument_error(max_rows: int) -> None:
    """Pins down ``table_html``'s ``max_rows`` check (1 row is the least a cut table can show)."""
    with pytest.raises(ArgumentError) as raised:
        pt.table_html(pd.DataFrame({"n": [1, 2]}), "da", max_rows=max_rows)
    assert str(raised.value) == f"max_rows: {max_rows} kan ikke bruges; forventet: et heltal på mindst 1"
    assert (
        in_language(raised.value.args[0], "en")
        == f"max_rows: {max_rows} cannot be used; expected: a whole number of at least 1"
    )
    assert "<table" in pt.table_html(pd.DataFrame({"n": [1, 2]}), "da", max_rows=1)


def test_the_scoring_checks_give_their_english_too() -> None:
    """Pins down that the one share check and the one choice check of scoring and bias carry an English
    text (what `lovende --lang en` prints for `lovende plan` or `lovende compare`), word for word."""
    from lovende_research.scoring.parameters import _check_choice, _check_share

    with pytest.raises(ArgumentError) as raised:
        _check_share("ci", 1.5)
    assert in_language(raised.value.args[0], "en") == "ci: 1.5 cannot be used; expected: a number from 0 to 1"
    with pytest.raises(ArgumentError) as raised:
        _check_choice("aggregation", "mode", ("mean", "median"))
    assert str(raised.value) == "aggregation: 'mode' kan ikke bruges; forventet: mean eller median"
    assert in_language(raised.value.args[0], "en") == "aggregation: 'mode' cannot be used; expected: mean or median"


def test_the_bias_checks_give_their_english_too() -> None:
    """Pins down the English of the bias checks' own refusals, word for word beside the Danish."""
    from lovende_research.bias.verdicts import verdict

    with pytest.raises(ArgumentError) as raised:
        verdict("roller", "en")
    assert in_language(raised.value.args[0], "en") == (
        "check: 'roller' cannot be used; expected: icc, roles, fair, styles, stability, delimitation or coders"
    )
