"""Shared fixtures: the example study, and executing a notebook with papermill the way the runner does."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import nbformat
import pytest

from lovende_research.config import EXAMPLE_STUDY, KERNEL_NAME, NOTEBOOKS_DIR
from tests.plain_ids import plain_id

if TYPE_CHECKING:
    from lovende_research.pipeline import RunResult


def pytest_make_parametrize_id(config: pytest.Config, val: object, argname: str) -> str | None:
    """A text parameter's id in plain ASCII (``tests/plain_ids.py`` says why); pytest's own id otherwise."""
    return plain_id(val) if isinstance(val, str) and not val.isascii() else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test id pytest had to escape (a non-ASCII character written ``\\xe6``) stops the collection:
    mutmut could not run such a test, and counted every mutant it reaches as killed."""
    escaped = [item.nodeid for item in items if re.search(r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})", item.nodeid)]
    if escaped:
        raise pytest.UsageError(
            "test ids must be plain ASCII (tests/plain_ids.py: plain_id): " + ", ".join(escaped[:10])
        )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "may_skip(reason): this test may skip on a normal run, for the reason given; any other skip is a failure",
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A skip is a failure unless the test is marked ``may_skip(reason=...)``.

    A module-level ``importorskip`` or a missing cross-check package would otherwise turn a broken
    import or an absent test dependency into one quiet "s" in a long line of dots. Skips collected at
    module level (a whole file skipped) are failed by :func:`pytest_collectreport` below.
    """
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail") and item.get_closest_marker("may_skip") is None:
        report.outcome = "failed"
        report.longrepr = f"skipped without a may_skip marker (no quiet skips in this suite): {report.longrepr}"


@pytest.hookimpl(tryfirst=True)
def pytest_collectreport(report: pytest.CollectReport) -> None:
    """A whole file skipped at collection (``pytest.importorskip`` at module level) is a failure too."""
    if report.skipped:
        report.outcome = "failed"
        report.longrepr = f"a module was skipped at collection (no quiet skips in this suite): {report.longrepr}"


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
