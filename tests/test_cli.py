"""The commands as a user runs them: exit codes, and data/raw/ left exactly as it was."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from lovende_research.config import EXAMPLE_STUDY, RAW_DIR
from lovende_research.errors import LovendeError
from lovende_research.io import atomic_write_text


def _checksums(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _lovende(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lovende_research.cli", *args], capture_output=True, text=True, check=False
    )


def test_commands_never_write_raw_data(tmp_path: Path) -> None:
    before = _checksums(RAW_DIR)
    assert len(before) >= 6
    validated = _lovende("validate", str(EXAMPLE_STUDY))
    assert validated.returncode == 0, validated.stderr
    ran = _lovende(
        "run", str(EXAMPLE_STUDY), "--out", str(tmp_path / "reports"), "--processed", str(tmp_path / "processed")
    )
    assert ran.returncode == 0, ran.stderr
    assert (tmp_path / "reports" / "example" / "index.html").is_file()
    assert _checksums(RAW_DIR) == before


def test_code_refuses_to_write_under_raw() -> None:
    with pytest.raises(LovendeError, match="skrivebeskyttet"):
        atomic_write_text(EXAMPLE_STUDY / "study.yml", "title: overskrevet\n")


def test_validate_exit_code_on_a_broken_study(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "study.yml").write_text("title: [\n", encoding="utf-8")
    result = _lovende("validate", str(broken))
    assert result.returncode == 1
    assert "study.yml" in result.stderr and "ikke gyldig YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_lab_opens_the_notebooks_on_the_project_kernel() -> None:
    from lovende_research.config import KERNEL_NAME, NOTEBOOKS_DIR
    from lovende_research.lab import lab_command
    from lovende_research.pipeline import ensure_kernel

    ensure_kernel()  # registered by the Makefile's set-up, inside this environment
    command = lab_command(port=8899, no_browser=True)
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert (
        f"--notebook-dir={NOTEBOOKS_DIR}" in command
        and f"--MappingKernelManager.default_kernel_name={KERNEL_NAME}" in command
    )
    shown = subprocess.run([*command[:3], "--version"], capture_output=True, text=True, check=False)
    assert shown.returncode == 0 and shown.stdout.strip()[0].isdigit()


def test_teach_passes_its_options_to_the_handout_maker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The handouts themselves are made and checked in test_teaching.py; here only the command's wiring."""
    from lovende_research import teaching
    from lovende_research.cli import main

    calls = []
    monkeypatch.setattr(
        teaching, "make_handouts", lambda out, **options: calls.append((out, options)) or out / "index.html"
    )
    assert main(["teach", "--groups", "4", "--seed", "11", "--out", str(tmp_path), "--lang", "en", "--jobs", "2"]) == 0
    assert calls == [(tmp_path, {"groups": 4, "seed": 11, "language": "en", "jobs": 2})]


def _study_in(tmp_path: Path, language: str) -> Path:
    study = tmp_path / f"studie-{language}"
    study.mkdir()
    (study / "study.yml").write_text(f"language: {language}\n", encoding="utf-8")
    return study


#: What each command prints when it is done, in Danish and English: the command's arguments (``{study}``
#: a study folder declaring the language, for the commands without ``--lang``), the heavy call replaced by
#: a stand-in (module, function, its result), and the lines expected.
DONE_LINES = [
    (
        ["simulate", "ud", "--seed", "5", "--lang", "{language}"],
        ("lovende_research.simulate", "simulate_study", Path("ud")),
        ("simuleret studie (example, seed 5): ud", "simulated study (example, seed 5): ud"),
    ),
    (
        ["simulate", "ud", "--rounds", "2", "--seed", "5", "--lang", "{language}"],
        ("lovende_research.rounds.simulation", "write_rounds", [Path("ud/runde-1"), Path("ud/runde-2")]),
        (
            "simulerede runder (ændring 0.3, seed 5): ud/runde-1, ud/runde-2",
            "simulated rounds (change 0.3, seed 5): ud/runde-1, ud/runde-2",
        ),
    ),
    (
        ["codebook", "{study}"],
        ("lovende_research.qda.commands", "study_codebook", Path("bog.qdc")),
        ("kodebog (REFI-QDA qdc): bog.qdc", "codebook (REFI-QDA qdc): bog.qdc"),
    ),
    (
        ["pdf", "{study}", "--lang", "{language}"],
        ("lovende_research.pdf_export", "write_pdfs", [Path("r/a.pdf"), Path("r/b.pdf")]),
        ("2 PDF-filer skrevet i r", "2 PDF files written in r"),
    ),
    (
        ["teach", "--groups", "1", "--out", "hold", "--lang", "{language}"],
        ("lovende_research.teaching", "make_handouts", Path("hold/index.html")),
        ("lærerens oversigt: hold/index.html", "the teacher's overview: hold/index.html"),
    ),
    (
        ["compare", "r1", "r2", "--lang", "{language}"],
        ("lovende_research.rounds.comparison", "compare_rounds", Path("udvikling.html")),
        ("udvikling: udvikling.html", "development: udvikling.html"),
    ),
]


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize(
    "arguments, stand_in, lines", DONE_LINES, ids=lambda case: str(case[0]) if isinstance(case, list) else ""
)
def test_each_command_says_what_it_wrote_in_the_readers_language(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    language: str,
    arguments: list[str],
    stand_in: tuple[str, str, object],
    lines: tuple[str, str],
) -> None:
    import importlib

    from lovende_research.cli import main

    module, function, result = stand_in
    monkeypatch.setattr(importlib.import_module(module), function, lambda *_args, **_kw: result)
    study = _study_in(tmp_path, language)
    assert main([a.format(language=language, study=study) for a in arguments]) == 0
    assert capsys.readouterr().out.strip() == lines[language == "en"]


@pytest.mark.parametrize("language", ["da", "en"])
def test_import_qdpx_reports_what_it_read_in_the_studys_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, language: str
) -> None:
    import pandas as pd

    from lovende_research.cli import main
    from lovende_research.qda import commands

    result = commands.ImportResult(
        codings_file=Path("k.csv"),
        quotes_file=Path("c.csv"),
        n_codings=12,
        n_quotes=3,
        foreign_codes=pd.DataFrame({"code": ["egen"], "n_codings": [2]}),
        origin="",
    )
    monkeypatch.setattr(commands, "import_project", lambda *_args: result)
    assert main(["import-qdpx", "p.qdpx", str(_study_in(tmp_path, language))]) == 0
    expected = {
        "da": [
            "p.qdpx (ukendt program): 12 kodninger, 3 citater",
            "  kodninger: k.csv",
            "  citater: c.csv",
            "  2 kodninger med 1 koder uden for instrumentet (ikke brugt):",
            "    - egen: 2",
        ],
        "en": [
            "p.qdpx (unknown program): 12 codings, 3 quotes",
            "  codings: k.csv",
            "  quotes: c.csv",
            "  2 codings with 1 codes outside the instrument (not used):",
            "    - egen: 2",
        ],
    }
    assert capsys.readouterr().out.splitlines() == expected[language]
