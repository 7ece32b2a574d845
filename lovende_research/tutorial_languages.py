"""One language at a time in JupyterLab: the tutorial's Danish and English notebooks, made from its one source.

``notebooks/00_tutorial.py`` (paired with ``00_tutorial.ipynb``) holds both languages, each prose cell tagged
``da`` or ``en``: one source to review and keep right, and what ``lovende teach`` runs (its handouts keep only
their own language's cells). Opened as it is in JupyterLab, though, it shows the Danish and the English cells
mixed together, and JupyterLab has no way of hiding cells by tag. So a student or teacher opens
``notebooks/00_tutorial_da.ipynb`` or ``00_tutorial_en.ipynb`` instead: the same cells with the other
language's prose left out and ``language`` set in the parameters cell. The code cells are the same in both,
so every exercise can be done in either language.

The two are generated, never edited by hand: after changing the tutorial, run ``jupytext --sync
notebooks/00_tutorial.py`` and then ``python -m lovende_research.tutorial_languages``. A test fails when
they have drifted from the source. They carry no jupytext pairing (JupyterLab would otherwise write a
paired script on save) and record their source in ``metadata.lovende``.

Examples
--------
>>> import nbformat
>>> source = nbformat.v4.new_notebook(cells=[
...     nbformat.v4.new_markdown_cell("# Øvelse", metadata={"tags": ["da"]}),
...     nbformat.v4.new_markdown_cell("# Tutorial", metadata={"tags": ["en"]}),
...     nbformat.v4.new_code_cell('language = "da"  # da or en', metadata={"tags": ["parameters"]}),
... ])
>>> english = language_notebook(source, "en")
>>> [cell.source.splitlines()[0] for cell in english.cells]
['# Tutorial', 'language = "en"  # the language of this notebook (00_tutorial_da.ipynb is in Danish)']
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat

from lovende_research.config import NOTEBOOKS_DIR
from lovende_research.errors import LovendeError, Text
from lovende_research.i18n import check_language
from lovende_research.io import atomic_write_text

#: The bilingual source (the ``.ipynb`` of the pair, which is what papermill and nbformat read).
TUTORIAL: Path = NOTEBOOKS_DIR / "00_tutorial.ipynb"
LANGUAGES = ("da", "en")
LANGUAGE_NOTEBOOKS: dict[str, Path] = {code: NOTEBOOKS_DIR / f"00_tutorial_{code}.ipynb" for code in LANGUAGES}
_LANGUAGE_NAMES = {"da": "Danish", "en": "English"}
_LANGUAGE_LINE = re.compile(r"^language = .*$", re.M)


class TutorialSourceError(LovendeError):
    """The tutorial's source lacks what the language notebooks are made from."""


def language_notebook(
    source: nbformat.NotebookNode, language: str, source_name: str = "00_tutorial.py"
) -> nbformat.NotebookNode:
    """``source`` with only ``language``'s prose (cells tagged with the other language left out), outputs
    cleared, ``language`` set in the parameters cell, and no jupytext pairing."""
    check_language(language)
    other = next(code for code in LANGUAGES if code != language)
    notebook = copy.deepcopy(source)
    notebook.cells = [cell for cell in notebook.cells if other not in cell.get("metadata", {}).get("tags", [])]
    parameters = [cell for cell in notebook.cells if "parameters" in cell.get("metadata", {}).get("tags", [])]
    if len(parameters) != 1 or not _LANGUAGE_LINE.search(parameters[0].source):
        raise TutorialSourceError(
            Text(
                f"{source_name}: forventede én celle med tag 'parameters' og en linje 'language = ...'",
                f"{source_name}: expected one cell tagged 'parameters' and a line 'language = ...'",
            )
        )
    help_text = f"the language of this notebook ({LANGUAGE_NOTEBOOKS[other].name} is in {_LANGUAGE_NAMES[other]})"
    parameters[0].source = _LANGUAGE_LINE.sub(f'language = "{language}"  # {help_text}', parameters[0].source, count=1)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    notebook.metadata.pop("jupytext", None)
    notebook.metadata["lovende"] = {"generated_from": source_name, "language": language}
    return notebook


def language_notebook_text(source_path: Path, language: str) -> str:
    """What ``LANGUAGE_NOTEBOOKS[language]`` must hold, made from the paired ``source_path`` (``.ipynb``)."""
    source = nbformat.read(source_path, as_version=4)
    return nbformat.writes(language_notebook(source, language, source_path.with_suffix(".py").name)) + "\n"


def write_language_notebooks(source_path: Path | None = None) -> list[Path]:
    """(Re)write ``00_tutorial_da.ipynb`` and ``00_tutorial_en.ipynb`` from the tutorial; return their paths."""
    source = TUTORIAL if source_path is None else Path(source_path)
    return [atomic_write_text(path, language_notebook_text(source, code)) for code, path in LANGUAGE_NOTEBOOKS.items()]


if __name__ == "__main__":
    for written in write_language_notebooks():
        print(written)
