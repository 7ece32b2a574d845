"""Each default of the scoring and bias thresholds is written once, as a constant: every function's
default and every stage notebook's parameters cell equal it.

papermill needs plain literals in a parameters cell, so the notebooks repeat the numbers; this test is
what keeps the copies equal.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil

import pytest

import lovende_research
from lovende_research.bias import CEILING_SHARE, STRAIGHTLINE_SHARE, STYLE_MARGIN, TOP_N
from lovende_research.bias.delimitation import DELIMITATION_THRESHOLD
from lovende_research.bias.styles import MIN_ITEMS, SCREEN_EVIDENCE
from lovende_research.config import NOTEBOOKS_DIR
from lovende_research.scoring.parameters import COVERAGE_THRESHOLD

DEFAULTS = {
    "straightline_share": STRAIGHTLINE_SHARE,
    "ceiling_share": CEILING_SHARE,
    "style_margin": STYLE_MARGIN,
    "min_items": MIN_ITEMS,
    "screen_evidence": SCREEN_EVIDENCE,
    "delimitation_threshold": DELIMITATION_THRESHOLD,
    "coverage_threshold": COVERAGE_THRESHOLD,
    "min_element_share": COVERAGE_THRESHOLD,  # the index's share of elements: the same coverage rule
    "top_n": TOP_N,
}


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
    """Pins down one place per default: a function whose default is not the constant (the response-style
    chart drew its line at 0.9 while the check flagged at 0.75) fails here."""
    found = _functions_with_a_default()
    assert {name for name, _, _ in found} >= {
        "lovende_research.bias.checks.run_bias_checks",
        "lovende_research.bias.styles.response_styles",
        "lovende_research.plots.bias.response_style_chart",
        "lovende_research.bias.flags.practice_flags",
        "lovende_research.bias.stability.stability_summary",
        "lovende_research.bias.fair.fair_profiles",
    }
    assert [(name, parameter, default) for name, parameter, default in found if default != DEFAULTS[parameter]] == []


@pytest.mark.parametrize("notebook", ["02_interview_coding", "03_subjectivity_bias"])
def test_notebook_parameters_cells_repeat_the_constants(notebook: str) -> None:
    """Pins down that a stage notebook's literal for a threshold equals the package's constant."""
    source = (NOTEBOOKS_DIR / f"{notebook}.py").read_text(encoding="utf-8")
    literals = {
        target.id: ast.literal_eval(node.value)
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id in DEFAULTS
    }
    assert literals, notebook
    assert literals == {name: DEFAULTS[name] for name in literals}
