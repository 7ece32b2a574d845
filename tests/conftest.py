"""Shared fixtures: the example study, and executing a notebook with papermill the way the runner does."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import nbformat
import pytest

from lovende_research.config import EXAMPLE_STUDY, KERNEL_NAME, NOTEBOOKS_DIR

if TYPE_CHECKING:
    from lovende_research.pipeline import RunResult


@pytest.fixture(scope="session")
def example_study() -> Path:
    """The bundled synthetic example study (read-only)."""
    return EXAMPLE_STUDY


@pytest.fixture(scope="session")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> "RunResult":
    """The whole mapping run once on the example study into a temporary folder (shared by the report tests)."""
    from lovende_research.pipeline import run_study

    root = tmp_path_factory.mktemp("example_run")
    os.environ["MPLBACKEND"] = "agg"
    return run_study(EXAMPLE_STUDY, processed_base=root / "processed", reports_base=root / "reports", progress=False)


@pytest.fixture
def run_notebook(tmp_path: Path) -> Callable[..., nbformat.NotebookNode]:
    """Execute ``notebooks/<name>.ipynb`` with papermill into ``tmp_path`` and return the executed notebook.

    Fixed project kernel, no progress bar, Agg backend, absolute paths in the parameters. The call fails
    if any cell raised; tests then assert on what the notebook wrote.
    """
    import papermill

    def run(name: str, **parameters: Any) -> nbformat.NotebookNode:
        os.environ["MPLBACKEND"] = "agg"
        output = tmp_path / f"{name}.executed.ipynb"
        papermill.execute_notebook(
            str(NOTEBOOKS_DIR / f"{name}.ipynb"),
            str(output),
            parameters={k: str(v) if isinstance(v, Path) else v for k, v in parameters.items()},
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            cwd=str(NOTEBOOKS_DIR),
        )
        notebook = nbformat.read(output, as_version=4)
        errors = [o for cell in notebook.cells for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, f"{name}: error outputs {errors}"
        return notebook

    return run
