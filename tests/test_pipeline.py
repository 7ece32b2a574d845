"""The runner: parameters in order and checked, failures reported with their cell, nothing half-written."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from lovende_research.errors import in_language
from lovende_research.pipeline import KernelMissingError, ParameterError, StageFailed, ensure_kernel, run_study
from tests.test_study import make_study


def _notebook(
    path: Path,
    body: str,
    parameters: str = 'study_dir = ""  # the study\nprocessed_dir = ""  # outputs\nlanguage = "da"  # da/en\nseed = 0  # seed\nlabel = "x"  # text\n',
) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "lovende-research",
        "display_name": "Python (lovende-research)",
        "language": "python",
    }
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    danish, english = (
        nbformat.v4.new_markdown_cell("# Overskrift på dansk"),
        nbformat.v4.new_markdown_cell("# Heading in English"),
    )
    danish.metadata["tags"], english.metadata["tags"] = ["da"], ["en"]
    notebook.cells = [cell, danish, english, nbformat.v4.new_code_cell(body)]
    nbformat.write(notebook, path)
    return path


@pytest.fixture
def workspace(tmp_path: Path) -> dict[str, Path]:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    return {
        "study": make_study(tmp_path / "raw" / "lille"),
        "notebooks": notebooks,
        "processed": tmp_path / "processed",
        "reports": tmp_path / "reports",
    }


def _run(ws: dict[str, Path], **kwargs):
    return run_study(
        ws["study"],
        notebooks_dir=ws["notebooks"],
        processed_base=ws["processed"],
        reports_base=ws["reports"],
        progress=False,
        **kwargs,
    )


def test_runs_stages_in_order_with_layered_parameters(workspace: dict[str, Path]) -> None:
    body = (
        "from pathlib import Path\nimport json\n"
        "out = Path(processed_dir) / Path(study_dir).name / '{folder}'\n"  # a stage writes only into its own folder
        "(out / 'seen_{name}.json').write_text(json.dumps({{'language': language, 'seed': seed, 'label': label}}))\n"
        "print('sikkerhedsnet: tal 42')"
    )
    _notebook(workspace["notebooks"] / "01_screening.ipynb", body.format(name="screening", folder="screening"))
    _notebook(workspace["notebooks"] / "02_interview_coding.ipynb", body.format(name="scoring", folder="scores"))
    params = workspace["study"].parent / "params.yml"
    params.write_text("label: fælles\nscoring:\n  label: kun-scoring\n", encoding="utf-8")
    result = _run(workspace, params_file=params, language="en")
    out = workspace["processed"] / "lille"
    # defaults ← study.yml (seed 7) ← params file (plain, then stage block) ← flag (--lang en)
    assert json.loads((out / "screening" / "seen_screening.json").read_text()) == {
        "language": "en",
        "seed": 7,
        "label": "fælles",
    }
    assert json.loads((out / "scores" / "seen_scoring.json").read_text()) == {
        "language": "en",
        "seed": 7,
        "label": "kun-scoring",
    }
    reports = workspace["reports"] / "lille"
    assert [p.html for p in result.pages] == ["01_screening.html", "02_interview_coding.html"]
    page = (reports / "01_screening.html").read_text(encoding="utf-8")
    assert "sikkerhedsnet: tal 42" in page  # outputs are shown …
    assert "json.dumps" not in page  # … inputs are hidden for reviewers
    assert not re.search(r'(src|href)="https?://', page)  # nothing fetched from the network
    assert "Heading in English" in page and "Overskrift på dansk" not in page  # prose in the report's language
    assert "<title>Screening of candidate practices · Lille teststudie</title>" in page
    assert '<html lang="en">' in page and 'href="index.html"' in page
    assert (reports / "notebooks" / "01_screening.ipynb").is_file()
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert 'href="01_screening.html"' in index and 'href="notebooks/02_interview_coding.ipynb"' in index
    provenance = json.loads((out / "provenance.json").read_text())
    assert set(provenance["checksums"]) == {
        "study.yml",
        "candidates.csv",
        "screening.csv",
        "interviews.csv",
        "codings.csv",
    }
    assert provenance["checksums"]["codings.csv"] in index
    assert provenance["parameters"]["scoring"]["label"] == "kun-scoring"
    assert provenance["packages"]["pandas"] and provenance["instrument_version"] in index
    assert not list(out.rglob(".*.running.ipynb"))
    danish = _run(workspace, language="da").pages[0]
    assert '<html lang="da">' in (reports / danish.html).read_text(encoding="utf-8")


def test_unknown_or_mistyped_parameter_is_an_error(workspace: dict[str, Path]) -> None:
    _notebook(workspace["notebooks"] / "01_screening.ipynb", "pass")
    params = workspace["study"].parent / "params.yml"
    params.write_text("lable: stavefejl\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="ingen notebook har parameteren 'lable'"):
        _run(workspace, params_file=params)
    params.write_text("screening:\n  n_select: 3\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="har ingen parameter 'n_select'"):
        _run(workspace, params_file=params)
    params.write_text("label: no\n", encoding="utf-8")  # YAML reads an unquoted no as False
    with pytest.raises(ParameterError, match="skal være str, fik False.*anførselstegn"):
        _run(workspace, params_file=params)


def test_failing_cell_is_reported_and_earlier_outputs_stay(workspace: dict[str, Path]) -> None:
    write = (
        "from pathlib import Path\nout = Path(processed_dir) / Path(study_dir).name / 'screening'\n"
        "out.mkdir(parents=True, exist_ok=True)\n(out / 'a.txt').write_text(label)\n"
    )
    _notebook(workspace["notebooks"] / "01_screening.ipynb", write + "(out / 'b.txt').write_text(label)")
    _run(workspace)
    executed = workspace["processed"] / "lille" / "notebooks" / "01_screening.ipynb"
    tables = workspace["processed"] / "lille" / "screening"
    before = executed.read_bytes()
    # the second run writes a.txt anew, then fails before b.txt: the stage's outputs must not mix runs
    _notebook(
        workspace["notebooks"] / "01_screening.ipynb",
        write.replace("label)", "'ny')") + "raise ValueError('kodningerne mangler')",
    )
    with pytest.raises(StageFailed) as caught:
        _run(workspace)
    failure = caught.value
    assert (
        failure.notebook == "01_screening.ipynb" and failure.cell == 4
    )  # parameters, two markdown cells, then the failing cell
    assert "ValueError: kodningerne mangler" in str(failure)
    # an English study's user reads the runner's part of the message in English (the kernel's own text as raised)
    assert in_language(failure.args[0], "en").startswith(
        "notebook 01_screening.ipynb failed in cell 4 (counted from the notebook's first cell): ValueError: kodningerne mangler"
    )
    assert failure.partial.is_file() and str(failure.partial) in str(failure)
    assert executed.read_bytes() == before  # the last good output was not replaced by a half-run
    assert {p.name: p.read_text() for p in tables.iterdir() if p.name != "run.json"} == {"a.txt": "x", "b.txt": "x"}
    assert (workspace["processed"] / "lille" / "failed" / "screening" / "a.txt").read_text() == "ny"
    assert not (workspace["processed"] / "lille" / ".screening.previous").exists()
    assert not list((workspace["processed"] / "lille").rglob(".*.running.ipynb"))


def test_a_refusal_inside_the_kernel_reaches_the_reader_in_the_runs_language(workspace: dict[str, Path]) -> None:
    """The kernel's own error text is in the run's language once the notebook calls ``print_errors_in``
    with its ``language`` parameter (as every stage notebook does first): the runner only sees that text."""
    body = (
        "from lovende_research.errors import LovendeError, Text, print_errors_in\n"
        "print_errors_in(language)\n"
        "raise LovendeError(Text('n_select er for stor', 'n_select is too large'))"
    )
    _notebook(workspace["notebooks"] / "01_screening.ipynb", body)
    for language, kernel_text in (("en", "n_select is too large"), ("da", "n_select er for stor")):
        with pytest.raises(StageFailed) as caught:
            _run(workspace, language=language)
        assert caught.value.exception == f"LovendeError: {kernel_text}"


def test_without_notebooks_the_run_still_validates_and_writes_an_index(workspace: dict[str, Path]) -> None:
    result = _run(workspace)
    assert result.pages == ()
    index = result.index.read_text(encoding="utf-8")
    assert "Lille teststudie" in index and "Ingen analysetrin er kørt endnu" in index


def test_invalid_study_stops_before_any_notebook(workspace: dict[str, Path]) -> None:
    _notebook(workspace["notebooks"] / "01_screening.ipynb", "print('ok')")
    shutil.copy(workspace["study"] / "codings.csv", workspace["study"] / "codings.xlsx")
    with pytest.raises(Exception, match="findes i flere filer"):
        _run(workspace)
    assert not (workspace["processed"] / "lille" / "notebooks").exists()


def test_stage_kernels_take_the_study_the_runner_validated(workspace: dict[str, Path]) -> None:
    """The kernel's Study.load must not validate the folder again: here validating would fail the cell."""
    body = (
        "import lovende_research.study as study_module\n"
        "def _no(folder, stage=None):\n    raise AssertionError('validated again in the kernel')\n"
        "study_module._read_and_check = _no\n"
        "study = study_module.Study.load(study_dir)\n"
        "print('kodninger:', len(study.codings))"
    )
    _notebook(workspace["notebooks"] / "01_screening.ipynb", body)
    _notebook(workspace["notebooks"] / "02_interview_coding.ipynb", body)
    _run(workspace)
    out = workspace["processed"] / "lille"
    executed = nbformat.read(out / "notebooks" / "02_interview_coding.ipynb", as_version=4)
    assert "kodninger: 5" in executed.cells[-1].outputs[0]["text"]
    assert not (out / ".validated-study.pickle").exists()  # kept only while the stages run
    assert "LOVENDE_VALIDATED_STUDY" not in os.environ
    # once a table changes between runner and kernel, the kernel validates (and this body then fails)
    _notebook(
        workspace["notebooks"] / "01_screening.ipynb",
        "from pathlib import Path\nPath(study_dir, 'codings.csv').write_text(Path(study_dir, 'codings.csv').read_text() + 'I2,K1,teori_2,2,\\n')",
    )
    with pytest.raises(StageFailed, match="validated again in the kernel"):
        _run(workspace)


def test_practice_pages_are_written_while_the_report_stage_runs(workspace: dict[str, Path]) -> None:
    """The practice pages need only the scoring tables (and the bias flags): the report stage's kernel
    finds them written, and the index links them, without waiting for the report stage to end first."""
    scoring = (
        "from pathlib import Path\n"
        "from lovende_research.scoring import score_study\n"
        "from lovende_research.study import Study\n"
        "study = Study.load(study_dir)\n"
        "score_study(study, n_boot=20, seed=seed).write(Path(processed_dir) / study.name / 'scores')"
    )
    pages = workspace["reports"] / "lille" / "praksis"
    report = (
        "import time\nfrom pathlib import Path\n"
        f"pages = Path({str(pages)!r})\n"
        "deadline = time.monotonic() + 60\n"
        "while not sorted(pages.glob('*.html')) and time.monotonic() < deadline:\n    time.sleep(0.1)\n"
        "print('praksissider:', ' '.join(p.stem for p in sorted(pages.glob('*.html'))))"
    )
    _notebook(workspace["notebooks"] / "02_interview_coding.ipynb", scoring)
    _notebook(workspace["notebooks"] / "04_report.ipynb", report)
    result = _run(workspace)
    executed = nbformat.read(workspace["processed"] / "lille" / "notebooks" / "04_report.ipynb", as_version=4)
    shown = executed.cells[-1].outputs[0]["text"].split()
    assert shown[0] == "praksissider:" and shown[1:]  # written before the report stage's last cell ended
    index = result.index.read_text(encoding="utf-8")
    assert all(f'href="praksis/{practice}.html"' in index for practice in shown[1:])


def test_a_missing_kernel_says_how_to_register_it_in_both_languages() -> None:
    with pytest.raises(KernelMissingError) as caught:
        ensure_kernel("lovende-no-such-kernel")
    assert str(caught.value) == (
        "Jupyter-kernen 'lovende-no-such-kernel' er ikke registreret; kør 'make setup' (eller 'make run')"
    )
    assert in_language(caught.value.args[0], "en") == (
        "the Jupyter kernel 'lovende-no-such-kernel' is not registered; run 'make setup' (or 'make run')"
    )
