"""The tutorial one language at a time (lovende_research.tutorial_languages): 00_tutorial_da/_en.ipynb.

The expected notebooks are made here from the tutorial's source by the rule the module states (drop the
other language's cells, set ``language``); what the test checks independently of that rule is read from the
source's own tags and cells.
"""

from __future__ import annotations

import nbformat
import papermill
import pytest

from lovende_research.errors import in_language
from lovende_research.tutorial_languages import (
    LANGUAGE_NOTEBOOKS,
    LANGUAGES,
    TUTORIAL,
    TutorialSourceError,
    language_notebook,
    language_notebook_text,
)


def _tags(cell: nbformat.NotebookNode) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


@pytest.mark.parametrize("language", LANGUAGES)
def test_language_notebooks_are_in_sync_with_the_tutorial(language: str) -> None:
    path = LANGUAGE_NOTEBOOKS[language]
    assert path.read_text(encoding="utf-8") == language_notebook_text(TUTORIAL, language), (
        f"{path.name} is out of date: run jupytext --sync notebooks/00_tutorial.py; python -m lovende_research.tutorial_languages"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_shows_its_own_language_only_and_every_cell_of_it(language: str) -> None:
    other = "en" if language == "da" else "da"
    source = nbformat.read(TUTORIAL, as_version=4)
    notebook = nbformat.read(LANGUAGE_NOTEBOOKS[language], as_version=4)
    assert not any(other in _tags(c) for c in notebook.cells)
    # every prose cell of its language, in the source's order, and all the shared code cells
    assert [c.id for c in notebook.cells] == [c.id for c in source.cells if other not in _tags(c)]
    prose = [c for c in notebook.cells if c.cell_type == "markdown"]
    assert prose and all(language in _tags(c) for c in prose)
    assert sum("exercise" in _tags(c) and c.cell_type == "markdown" for c in notebook.cells) == 3
    # the parameters' default is the notebook's own language (what JupyterLab runs without papermill)
    assert papermill.inspect_notebook(str(LANGUAGE_NOTEBOOKS[language]))["language"]["default"] == f'"{language}"'
    # not paired: JupyterLab with jupytext would otherwise write a script beside it on save
    assert "jupytext" not in notebook.metadata


def test_the_exercises_can_be_done_in_either_language() -> None:
    """The code (exercises, solutions, answers) is the same in both; only prose and the language differ."""
    da, en = (nbformat.read(LANGUAGE_NOTEBOOKS[code], as_version=4) for code in LANGUAGES)
    code = [
        [(c.source, sorted(_tags(c))) for c in nb.cells if c.cell_type == "code" and "parameters" not in _tags(c)]
        for nb in (da, en)
    ]
    assert code[0] == code[1] and len(code[0]) > 10


@pytest.mark.parametrize(
    "parameters",
    [[], ["seed = 1"], ['language = "da"', 'language = "en"']],
    ids=["no parameters cell", "no language line", "two parameters cells"],
)
def test_a_source_without_one_language_parameter_is_refused_in_both_languages(parameters: list[str]) -> None:
    source = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Tutorial")]
        + [nbformat.v4.new_code_cell(text, metadata={"tags": ["parameters"]}) for text in parameters]
    )
    with pytest.raises(TutorialSourceError) as caught:
        language_notebook(source, "da", "kilde.py")
    assert str(caught.value) == "kilde.py: forventede én celle med tag 'parameters' og en linje 'language = ...'"
    assert in_language(caught.value.args[0], "en") == (
        "kilde.py: expected one cell tagged 'parameters' and a line 'language = ...'"
    )
