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
