"""The package's error classes: one parameter error for every stage, built from its fields, printed in the
language the process was given, and whole after crossing a process."""

from __future__ import annotations

import importlib
import math
import pickle
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import lovende_research
from lovende_research import bias, scoring
from lovende_research.agreement import AgreementError
from lovende_research.errors import (
    ArgumentError,
    InputError,
    InstrumentError,
    LovendeError,
    Problem,
    Text,
    in_language,
    print_errors_in,
)
from lovende_research.pipeline import StageFailed
from lovende_research.run_lock import RunLocked
from lovende_research.scoring.parameters import _check_share
from lovende_research.screening import SelectionError, UnresolvedConflictsError
from lovende_research.stage_commits import MixedRunsError
from lovende_research.templates import StudyFolderNotEmptyError


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


@pytest.fixture
def errors_in_danish_again() -> Iterator[None]:
    """The language errors print in is a setting of the process: put back after each test that changes it."""
    yield
    print_errors_in("da")


def test_errors_print_in_the_language_the_process_was_given(errors_in_danish_again: None) -> None:
    """Pins down ``print_errors_in``: ``str(error)`` gives the chosen language of a message in both, the
    message as it is when it knows one language only, and a default of Danish."""
    both = ArgumentError("ci", 1.5, Text("et tal mellem 0 og 1", "a number between 0 and 1"))
    assert str(both) == "ci: 1.5 kan ikke bruges; forventet: et tal mellem 0 og 1"
    print_errors_in("en")
    assert str(both) == "ci: 1.5 cannot be used; expected: a number between 0 and 1"
    assert str(LovendeError("kun dansk")) == "kun dansk"
    assert str(InputError.single("a.csv", Text("tom", "empty"))) == "1 problem in the input:\n  - a.csv: empty"
    assert str(LovendeError("to", "dele")) == "('to', 'dele')"  # more than a message: Python's own text
    print_errors_in("da")
    assert str(both).startswith("ci: 1.5 kan ikke bruges")


def test_print_errors_in_refuses_a_language_it_has_no_words_for(errors_in_danish_again: None) -> None:
    with pytest.raises(ArgumentError) as caught:
        print_errors_in("sv")
    assert str(caught.value) == "language: 'sv' kan ikke bruges; forventet: da eller en"
    assert str(ArgumentError("x", 1, Text("a", "b"))).endswith("forventet: a")  # the setting did not change


def _every_error_class() -> set[type[LovendeError]]:
    for module in pkgutil.walk_packages(lovende_research.__path__, "lovende_research."):
        importlib.import_module(module.name)
    found: set[type[LovendeError]] = set()
    waiting = [LovendeError]
    while waiting:
        for sub in waiting.pop().__subclasses__():
            if sub.__module__.startswith("lovende_research.") and sub not in found:
                found.add(sub)
                waiting.append(sub)
    return found


#: One error of each class that takes fields (its own ``__init__``), as the package raises it.
WITH_FIELDS: list[LovendeError] = [
    ArgumentError("ci", 1.5, Text("et tal mellem 0 og 1", "a number between 0 and 1")),
    InputError([Problem("codings.csv", Text("tomt felt", "empty cell"), "1-4", row=3, column="response")]),
    InstrumentError("v2.yml", "scale", Text("har huller", "has gaps")),
    AgreementError("tabellen er tom", "the table is empty"),
    StageFailed("01_screening.ipynb", 4, "ValueError: x", Path("failed.ipynb")),
    UnresolvedConflictsError([("P1", "k1"), ("P1", "k2")]),
    SelectionError("n_select er for stor", ["P1"]),
    StudyFolderNotEmptyError(Path("."), ["a.csv"]),
    RunLocked(Path("out"), {"pid": 42, "host": "pc1"}),
    MixedRunsError(["scores er fra en anden kørsel"]),
]


def test_every_error_with_fields_is_in_the_pickling_table() -> None:
    """A new error class with fields of its own must be added to WITH_FIELDS (and so be pickled below)."""
    own_init = {cls for cls in _every_error_class() if "__init__" in vars(cls)}
    assert own_init == {type(error) for error in WITH_FIELDS}


@pytest.mark.parametrize("error", WITH_FIELDS, ids=lambda error: type(error).__name__)
def test_an_error_crosses_a_process_with_its_message_and_fields(error: LovendeError) -> None:
    """Pins down ``LovendeError.__reduce__``: an error raised in a worker process (``--jobs``, the teaching
    handouts) arrives as the same class with the same message in both languages and the same fields; the
    default pickling calls the class with its message, which a class that takes fields cannot take."""
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error) and in_language(copy.args[0], "en") == in_language(error.args[0], "en")
    assert vars(copy) == vars(error)
