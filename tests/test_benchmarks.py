"""The benchmark script runs on a tiny scale and writes the JSON it promises. Timings are never asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from lovende_research.config import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "benchmarks" / "run_benchmarks.py"


def test_tiny_benchmark_writes_results_with_every_measure(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--skip", "example", "--skip", "end_to_end", "--national-fraction", "0.002",
         "--fractions", "0.5,1", "--n-boot", "20", "--agreement-boot", "50", "--repeats", "1", "--out", str(out)],
        capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    results = json.loads(out.read_text(encoding="utf-8"))
    assert set(results) >= {"machine", "targets", "settings", "example", "national", "agreement", "verdicts"}
    assert results["example"] is None and results["settings"]["skipped"] == ["example", "end_to_end"]

    national = results["national"]
    assert [run["fraction"] for run in national["runs"]] == [0.001, 0.002]
    for run in national["runs"]:
        assert set(run["seconds"]) == {"validate", "load", "screening", "scoring", "agreement", "bias"}
        assert run["problems"] == 0  # the simulated study is valid
        assert run["coding_rows"] > 0 and run["peak_gib"] > 0
    assert national["runs"][0]["coding_rows"] < national["runs"][1]["coding_rows"]
    assert set(national["exponents"]) == {"validate", "load", "screening", "scoring", "agreement", "bias", "total"}

    # The same data through our alpha and the krippendorff package (an independent implementation)
    # must give the same point estimate; only then is the time ratio between them meaningful.
    agreement = results["agreement"]
    assert abs(agreement["national"]["alpha"] - agreement["national"]["krippendorff_alpha"]) < 1e-9
    example = agreement["example"]
    assert example["n_boot"] == 50 and example["ci_low"] <= example["alpha"] <= example["ci_high"]
    assert set(results["verdicts"]) == {
        "example_ratio",
        "national_total",
        "national_peak",
        "national_linear",
        "alpha_bootstrap",
        "alpha_vs_krippendorff",
    }
    assert results["verdicts"]["example_ratio"] is None
    assert "## National scale" in completed.stdout


def test_growth_exponent_recovers_a_known_power() -> None:
    growth_exponent = _benchmark_module().growth_exponent
    # time = 3 * size**2 exactly: the log-log slope is 2 (hand computation: log(3·100²/3·10²)/log(10) = 2).
    assert abs(growth_exponent([10, 100, 1000], [3 * 10**2, 3 * 100**2, 3 * 1000**2]) - 2.0) < 1e-9
    assert growth_exponent([10], [1.0]) is None


def _benchmark_module():
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import run_benchmarks
    finally:
        sys.path.remove(str(SCRIPT.parent))
    return run_benchmarks


def test_floor_imports_follow_the_notebook_into_the_project(tmp_path: Path) -> None:
    """A stage's floor notebook imports the third-party modules the stage imports, also through the project."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("import not_a_module"),
        nbformat.v4.new_code_cell(
            "import json\nfrom scipy import stats\nfrom IPython.display import Markdown\nfrom lovende_research import bias\n"
        ),
    ]
    path = tmp_path / "stage.ipynb"
    nbformat.write(notebook, path)
    everything = {
        "scipy.stats",
        "IPython.display",
        "pandas",
        "numpy",
        "pandera.pandas",
        "json",
        "not_a_module",
        "statsmodels.regression.mixed_linear_model",
    }
    imports = _benchmark_module().dependency_imports(path, everything)
    assert {"scipy.stats", "IPython.display"} <= set(imports)  # a submodule, and the module an attribute comes from
    assert {"pandas", "numpy", "pandera.pandas"} <= set(
        imports
    )  # module level in the bias package, study.py and schemas.py
    assert "statsmodels.regression.mixed_linear_model" in imports  # inside bias.role_effects's function body
    assert "openpyxl" not in imports  # named inside the Excel reader (tables.py), not loaded for a CSV study
    assert "json" not in imports and not any(name.startswith("lovende_research") for name in imports)
    assert "not_a_module" not in imports  # markdown is not code
    # What the kernel did not load is not the floor's, wherever its import statement sits.
    assert "statsmodels.regression.mixed_linear_model" not in _benchmark_module().dependency_imports(
        path, everything - {"statsmodels.regression.mixed_linear_model"}
    )


def test_imported_names_sees_every_import_statement() -> None:
    """Module level, inside functions, class bodies and ``if TYPE_CHECKING`` alike: whether the statement
    ran is the census's question (``loaded``), not the parser's."""
    import ast

    source = """
import numpy as np
from scipy import stats
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    import pandas
def fit():
    import statsmodels.formula.api as smf
class Model:
    from matplotlib import pyplot
"""
    names = _benchmark_module()._imported_names(ast.parse(source))
    assert sorted(names) == sorted(
        ["numpy", "scipy.stats", "typing", "pandas", "statsmodels.formula.api", "matplotlib.pyplot"]
    )


def test_census_cell_writes_the_kernels_modules(tmp_path: Path) -> None:
    import json as json_module

    target = tmp_path / "bias.json"
    exec(_benchmark_module()._CENSUS_CELL.format(path=str(target)), {})
    written = json_module.loads(target.read_text(encoding="utf-8"))
    assert written == sorted(written) and {"sys", "json", "lovende_research"} <= set(written)
