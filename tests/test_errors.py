"""The package's error classes: one parameter error for every stage, built from its fields."""

from __future__ import annotations

import math

import pytest

from lovende_research import bias, scoring
from lovende_research.errors import ArgumentError, InputError, LovendeError, Problem
from lovende_research.scoring.parameters import _check_share


def test_scoring_and_bias_raise_one_parameter_error() -> None:
    """Pins down the merge: ``ScoringError`` and ``BiasError`` are one class, a ``LovendeError``, whose
    message is built from the parameter, the value and what was expected."""
    assert scoring.ScoringError is bias.BiasError is ArgumentError
    error = ArgumentError("alpha_level", 1.5, "et tal mellem 0 og 1")
    assert isinstance(error, LovendeError)
    assert (error.parameter, error.value, error.expected) == ("alpha_level", 1.5, "et tal mellem 0 og 1")
    assert str(error) == "alpha_level: 1.5 kan ikke bruges; forventet: et tal mellem 0 og 1"


@pytest.mark.parametrize("value", [True, False, "0.5", -0.01, 1.01, math.nan, None])
def test_check_share_refuses_what_is_not_a_number_in_the_unit_interval(value: object) -> None:
    """Pins down the one share check: bools (an int to Python), text, None, NaN and values outside [0, 1]."""
    with pytest.raises(ArgumentError) as raised:
        _check_share("share", value)  # type: ignore[arg-type]
    assert str(raised.value) == f"share: {value!r} kan ikke bruges; forventet: et tal mellem 0 og 1"
    assert raised.value.parameter == "share" and (raised.value.value is value or raised.value.value == value)


@pytest.mark.parametrize("value", [0, 1, 0.0, 1.0, 0.5])
def test_check_share_takes_both_ends(value: float) -> None:
    """Pins down that the ends 0 and 1 are shares (as ints and as floats)."""
    _check_share("share", value)


def test_input_error_lists_every_problem_with_its_place() -> None:
    """Pins down the message of a user-file error: count, then each problem with file, row, column,
    value and expected, in Danish."""
    error = InputError(
        [
            Problem("codings.csv", "ukendt kode", "1-4", row=3, column="response", value="5"),
            Problem("study.yml", "mangler"),
        ]
    )
    assert str(error).splitlines() == [
        "2 problemer i input:",
        "  - codings.csv, række 3, kolonne 'response': ukendt kode (fandt '5'); forventet: 1-4",
        "  - study.yml: mangler",
    ]
    assert str(InputError.single("a.csv", "tom")) == "1 problem i input:\n  - a.csv: tom"
