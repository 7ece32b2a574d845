"""The runner's parameter type check (``pipeline.resolve_parameters``), one row per pair of types.

papermill would hand a notebook a YAML ``no`` as False or an unquoted ``007`` as 7 without a word, so the
runner compares each value with the type of the notebook's default literal. Each row below is a default
(as papermill's ``inspect_notebook`` reports it: the literal's source text) and a value, and says whether
the runner accepts it.
"""

from __future__ import annotations

from typing import Any

import pytest

from lovende_research.pipeline import STAGES, ParameterError, resolve_parameters

STAGE = STAGES[0]

# (default as written in the parameters cell, value given, accepted?)
TABLE: list[tuple[str, Any, bool]] = [
    ("3", True, False),        # int ← bool: a YAML "yes" is not a count, though bool is a subclass of int
    ("3", "3", False),         # int ← str
    ("3", 4, True),            # int ← int
    ("3", 2.5, False),         # int ← float: a count is not a fraction
    ("'da'", 7, False),        # str ← int: an unquoted 007 arrives as 7
    ("'da'", False, False),    # str ← bool: an unquoted no arrives as False
    ("'da'", "en", True),      # str ← str
    ("0.5", 1, True),          # float ← int: 1 for 1.0 is what a researcher means
    ("0.5", 0.25, True),       # float ← float
    ("0.5", True, False),      # float ← bool
    ("0.5", "0.25", False),    # float ← str
    ("True", 1, False),        # bool ← int
    ("True", False, True),     # bool ← bool
    ("True", "no", False),     # bool ← str
    ("None", "anything", True),  # no default type to hold the value to
    ("'da'", None, True),      # None: "use the notebook's default"
    ("os.cpu_count()", 4, True),  # an expression, not a literal: papermill cannot type it either
]


@pytest.mark.parametrize(("default", "value", "accepted"), TABLE, ids=[f"{d}<-{v!r}" for d, v, _ in TABLE])
def test_parameter_type_table(default: str, value: Any, accepted: bool) -> None:
    """Pins down both halves of the check: the value must be an instance of the default's type (int and
    float both for a float), and a bool must meet a bool (neither an int nor a float takes one, and a bool
    default takes nothing else)."""
    declared = {"x": {"name": "x", "inferred_type_name": "None", "default": default, "help": ""}}
    layers = [("params.yml", {"x": value})]
    if accepted:
        assert resolve_parameters(STAGE, declared, layers) == {"x": value}
    else:
        with pytest.raises(ParameterError) as raised:
            resolve_parameters(STAGE, declared, layers)
        message = str(raised.value)
        assert "params.yml" in message and "'x'" in message and repr(value) in message and STAGE.notebook in message
