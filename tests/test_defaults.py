"""Each default of the response-style check is written once: every function's default and notebook 03's
parameters cell are the constants of ``bias.styles``.

papermill needs plain literals in a parameters cell, so the notebook repeats the numbers; this test is
what keeps the copies equal.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil

import pytest

import lovende_research
from lovende_research.bias import CEILING_SHARE, STRAIGHTLINE_SHARE, STYLE_MARGIN
from lovende_research.config import NOTEBOOKS_DIR

DEFAULTS = {"straightline_share": STRAIGHTLINE_SHARE, "ceiling_share": CEILING_SHARE, "style_margin": STYLE_MARGIN}


def _functions_with_a_default() -> list[tuple[str, str, object]]:
    found = []
    for module_info in pkgutil.walk_packages(lovende_research.__path__, "lovende_research."):
        module = importlib.import_module(module_info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__:
                continue
            for parameter in inspect.signature(function).parameters.values():
                if parameter.name in DEFAULTS and parameter.default is not inspect.Parameter.empty:
                    found.append((f"{module.__name__}.{name}", parameter.name, parameter.default))
    return found


def test_every_function_defaults_to_the_one_constant() -> None:
    """Pins down one place per default: a function that takes a share without the constant (the
    response-style chart drew its line at 0.9 while the check flagged at 0.75) fails here."""
    found = _functions_with_a_default()
    assert {name for name, _, _ in found} >= {"lovende_research.bias.checks.run_bias_checks", "lovende_research.bias.styles.response_styles",
                                             "lovende_research.plots.bias.response_style_chart"}
    assert [(name, parameter, default) for name, parameter, default in found if default != DEFAULTS[parameter]] == []


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_notebook_parameters_cell_repeats_the_constant(name: str) -> None:
    """Pins down that notebook 03's literal equals the package's constant."""
    source = (NOTEBOOKS_DIR / "03_subjectivity_bias.py").read_text(encoding="utf-8")
    values = [ast.literal_eval(node.value) for node in ast.parse(source).body
              if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [name]]
    assert values == [DEFAULTS[name]]
