"""Every notebook is paired with its jupytext script, in sync, on the project kernel, with a plain parameters cell.

The ``.ipynb`` is what papermill runs and the ``.py`` is what reviewers diff, so the two must say the
same. Per-notebook execution tests live beside the module each notebook calls (test_screening.py, …).
"""

from __future__ import annotations

import ast
from pathlib import Path

import jupytext
import nbformat
import pytest

from lovende_research.config import KERNEL_NAME, NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.rglob("*.ipynb"))
# The tutorial's one-language notebooks are generated from 00_tutorial.py, not paired and not bilingual;
# tests/test_tutorial_languages.py keeps them in step with their source.
PAIRED = [p for p in NOTEBOOKS if "generated_from" not in nbformat.read(p, as_version=4).metadata.get("lovende", {})]


def _cells(notebook: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source.strip()) for cell in notebook.cells]


@pytest.mark.parametrize("path", PAIRED, ids=lambda p: p.name)
def test_paired_script_is_in_sync(path: Path) -> None:
    script = path.with_suffix(".py")
    assert script.is_file(), f"{path.name} has no paired jupytext script {script.name}"
    assert _cells(jupytext.read(script)) == _cells(nbformat.read(path, as_version=4)), f"run: jupytext --sync {script}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernel_and_parameters_cell(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    assert notebook.metadata["kernelspec"]["name"] == KERNEL_NAME
    tagged = [c for c in notebook.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    for line in tagged[0].source.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        # plain literals with a help comment, so an override never leaves a derived value stale
        assert "#" in line, f"{path.name}: parameter line without a '# help' comment: {line!r}"
        statement = ast.parse(line.split("#")[0]).body[0]
        assert isinstance(statement, ast.Assign), line
        ast.literal_eval(statement.value)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_saved_without_outputs(path: Path) -> None:
    """Outputs belong in executed copies under data/processed/ and reports/, not in the repository."""
    notebook = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")


@pytest.mark.parametrize("path", PAIRED, ids=lambda p: p.name)
def test_prose_is_danish_then_english(path: Path) -> None:
    """Every markdown cell is written twice, a ``da`` cell directly followed by its ``en`` counterpart.

    The rendered report keeps only its own language (report.render_notebook drops the other tag), so an
    untagged cell would appear on both pages and a lone cell would leave one page without that prose.
    """
    notebook = nbformat.read(path, as_version=4)
    markdown = [(i, c) for i, c in enumerate(notebook.cells) if c.cell_type == "markdown"]
    assert markdown, f"{path.name} has no prose"
    languages = {}
    for index, cell in markdown:
        tags = [t for t in cell.get("metadata", {}).get("tags", []) if t in ("da", "en")]
        assert len(tags) == 1, f"{path.name} cell {index}: markdown needs exactly one of the tags da/en, has {tags}"
        languages[index] = tags[0]
    for index, language in languages.items():
        if language == "da":
            assert languages.get(index + 1) == "en", (
                f"{path.name} cell {index}: a da cell must be followed directly by its en cell"
            )
            danish, english = notebook.cells[index].source.strip(), notebook.cells[index + 1].source.strip()
            assert danish != english, f"{path.name} cells {index}/{index + 1}: the en cell is a copy of the da cell"
        else:
            assert languages.get(index - 1) == "da", (
                f"{path.name} cell {index}: an en cell must follow directly after its da cell"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_errors_speak_the_notebooks_language_before_anything_can_fail(path: Path) -> None:
    """The first statement after a notebook's imports is ``print_errors_in(language)`` (the tutorial checks
    the language itself just before), so whatever its kernel refuses reaches the reader, through
    ``lovende run``'s "notebook failed" or on the page in Jupyter, in the notebook's language."""
    notebook = nbformat.read(path, as_version=4)
    first = next(
        cell
        for cell in notebook.cells
        if cell.cell_type == "code" and "parameters" not in cell.get("metadata", {}).get("tags", [])
    )
    statements = [s for s in ast.parse(first.source).body if not isinstance(s, (ast.Import, ast.ImportFrom))]
    calls = [ast.unparse(s) for s in statements[:2]]
    assert "print_errors_in(language)" in calls[: 2 if calls[0] == "check_language(language)" else 1], calls
