"""The runner's parameter type check (``pipeline.resolve_parameters``), one row per pair of types.

papermill would hand a notebook a YAML ``no`` as False or an unquoted ``007`` as 7 without a word, so the
runner compares each value with the type of the notebook's default literal. Each row below is a default
(as papermill's ``inspect_notebook`` reports it: the literal's source text) and a value, and says whether
the runner accepts it.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from lovende_research.errors import in_language
from lovende_research.pipeline import (
    STAGES,
    ParameterError,
    check_unused,
    notebook_defaults,
    read_params_file,
    resolve_parameters,
)

STAGE = STAGES[0]

# (default as written in the parameters cell, value given, accepted?)
TABLE: list[tuple[str, Any, bool]] = [
    ("3", True, False),  # int ← bool: a YAML "yes" is not a count, though bool is a subclass of int
    ("3", "3", False),  # int ← str
    ("3", 4, True),  # int ← int
    ("3", 2.5, False),  # int ← float: a count is not a fraction
    ("'da'", 7, False),  # str ← int: an unquoted 007 arrives as 7
    ("'da'", False, False),  # str ← bool: an unquoted no arrives as False
    ("'da'", "en", True),  # str ← str
    ("0.5", 1, True),  # float ← int: 1 for 1.0 is what a researcher means
    ("0.5", 0.25, True),  # float ← float
    ("0.5", True, False),  # float ← bool
    ("0.5", "0.25", False),  # float ← str
    ("True", 1, False),  # bool ← int
    ("True", False, True),  # bool ← bool
    ("True", "no", False),  # bool ← str
    ("None", "anything", True),  # no default type to hold the value to
    ("'da'", None, True),  # None: "use the notebook's default"
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
        wanted = type(ast.literal_eval(default)).__name__  # the default literal: "3" gives int
        assert f"skal være {wanted}, fik {value!r}" in message
        # The YAML quoting hint only where text was expected (a bare 007 or no is the usual cause).
        assert message.endswith(" (sæt tekst i anførselstegn i YAML, fx '007' eller 'no')") == (wanted == "str")
        assert message.endswith(f"fik {value!r}") == (wanted != "str")
        # The same in English, hint and all (``lovende run --lang en`` reports it so).
        hint = " (quote text in YAML, e.g. '007' or 'no')" if wanted == "str" else ""
        assert in_language(raised.value.args[0], "en") == (
            f"params.yml: the parameter 'x' in {STAGE.notebook} must be {wanted}, got {value!r}{hint}"
        )


def _declared(**defaults: str) -> dict[str, dict[str, str]]:
    return {
        name: {"name": name, "inferred_type_name": "None", "default": text, "help": ""}
        for name, text in defaults.items()
    }


def test_layers_apply_in_order_and_a_stage_block_wins_over_plain_keys() -> None:
    """Pins down the merge: later layers override earlier ones; within a layer the stage's own block
    overrides a plain key; a plain key this notebook does not declare is passed over (another stage's)."""
    other = STAGES[1].key
    declared = _declared(seed="1", label="'a'")
    layers = [
        ("study.yml", {"seed": 2, "label": "b", "elsewhere": 3}),
        ("params.yml", {"seed": 5, STAGE.key: {"seed": 7}, other: {"label": "not this stage"}}),
    ]
    assert resolve_parameters(STAGE, declared, layers) == {"seed": 7, "label": "b"}


def test_an_unknown_name_in_a_stage_block_is_an_error_naming_what_the_notebook_has() -> None:
    """Pins down that a typo inside ``{stage: {...}}`` stops the run, naming the file, the notebook, the
    name and the notebook's parameters."""
    with pytest.raises(ParameterError) as raised:
        resolve_parameters(STAGE, _declared(seed="1", label="'a'"), [("params.yml", {STAGE.key: {"sed": 3}})])
    message = str(raised.value)
    assert all(part in message for part in ("params.yml", STAGE.notebook, "'sed'", "seed, label"))
    assert in_language(raised.value.args[0], "en") == (
        f"params.yml: notebook {STAGE.notebook} has no parameter 'sed'; it has: seed, label"
    )


@pytest.mark.parametrize("block", [3, "seed: 7", [{"seed": 7}], False, 0], ids=repr)
def test_a_stage_block_that_is_not_a_mapping_is_an_error_naming_the_file_and_the_key(block: Any) -> None:
    """Pins down that ``scoring: 3`` (or a list, a text, a YAML ``no``, a 0) under a stage's key stops the
    run instead of being passed over, in both languages, naming the file, the key, what was found and that
    a mapping of parameter names was expected; falsy values included, so a ``no`` is not read as empty."""
    with pytest.raises(ParameterError) as raised:
        resolve_parameters(STAGE, _declared(seed="1"), [("params.yml", {"seed": 2, STAGE.key: block})])
    assert str(raised.value) == (
        f"params.yml: '{STAGE.key}' skal være en mapping af parameternavne til værdier, fik {block!r}"
    )
    assert in_language(raised.value.args[0], "en") == (
        f"params.yml: '{STAGE.key}' must be a mapping of parameter names to values, got {block!r}"
    )


def test_an_empty_stage_block_sets_nothing_and_another_stage_block_is_not_read() -> None:
    """Pins down that ``scoring:`` with nothing under it (YAML null) is an empty block, so the plain keys of
    the layer still apply, and that a broken block of another stage is left to that stage's run."""
    layers = [("params.yml", {"seed": 2, STAGE.key: None, STAGES[1].key: 3})]
    assert resolve_parameters(STAGE, _declared(seed="1"), layers) == {"seed": 2}


def test_check_unused_refuses_a_plain_key_no_notebook_declares() -> None:
    """Pins down the typo check across stages: a plain key known to some stage and a stage block pass,
    an unknown plain key is an error naming it and the known parameters, sorted."""
    declared_by_stage = {STAGE.key: _declared(seed="1"), STAGES[1].key: _declared(label="'a'")}
    check_unused([("params.yml", {"seed": 1, "label": "b", STAGE.key: {"x": 1}})], declared_by_stage)
    with pytest.raises(ParameterError) as raised:
        check_unused([("study.yml", {"seed": 1}), ("params.yml", {"seed": 2, "lable": "b"})], declared_by_stage)
    assert all(part in str(raised.value) for part in ("params.yml", "'lable'", "label, seed"))
    assert in_language(raised.value.args[0], "en") == (
        "params.yml: no notebook has the parameter 'lable'; known parameters: label, seed"
    )


def test_read_params_file(tmp_path: Path) -> None:
    """Pins down the parameter file: none or empty gives no parameters; a mapping is returned as read;
    broken YAML or a list is an error naming the file."""
    assert read_params_file(None) == {}
    (tmp_path / "empty.yml").write_text("", encoding="utf-8")
    assert read_params_file(tmp_path / "empty.yml") == {}
    (tmp_path / "ok.yml").write_text("seed: 3\nscoring:\n  label: '007'\n", encoding="utf-8")
    assert read_params_file(tmp_path / "ok.yml") == {"seed": 3, "scoring": {"label": "007"}}
    for name, text, words, words_en in (
        ("broken.yml", "seed: [\n", "kan ikke læses", ": cannot be read as YAML ("),
        ("list.yml", "- 1\n", "forventet en mapping", ": expected a mapping of parameter names to values"),
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
        with pytest.raises(ParameterError, match=words) as raised:
            read_params_file(tmp_path / name)
        assert name in str(raised.value)
        assert in_language(raised.value.args[0], "en").startswith(f"{tmp_path / name}{words_en}")
    with pytest.raises(ParameterError, match="kan ikke læses"):
        read_params_file(tmp_path / "missing.yml")


def test_notebook_defaults_are_the_literals_and_expressions_stay_text() -> None:
    """Pins down provenance's defaults: a literal is its value, an expression is kept as its text, and a
    parameter without a default is None."""
    declared = {**_declared(seed="2017", label="'da'", share="0.9", jobs="os.cpu_count()"), "bare": {"name": "bare"}}
    assert notebook_defaults(declared) == {
        "seed": 2017,
        "label": "da",
        "share": 0.9,
        "jobs": "os.cpu_count()",
        "bare": None,
    }
