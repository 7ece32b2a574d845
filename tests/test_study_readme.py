"""The README's "Your own study" steps, run verbatim as a new researcher types them.

The commands are read from ``README.md`` itself, so the test follows the README when it changes. They
run from the root of a copy of the project's layout in ``tmp_path`` (the package copied, so its
``data/raw/`` is the copy's, and the project's ``.venv`` linked in), which lets the README's own path
``data/raw/min-kortlaegning`` be used as written without touching the working tree's ``data/raw/``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lovende_research.config import EXAMPLE_STUDY, PROJECT_ROOT

#: The tables a researcher fills in at step 2; the test fills them from the bundled example study.
FILLED_IN = ("candidates.csv", "screening.csv", "selected.csv", "interviews.csv", "codings.csv", "delimitations.csv")


def readme_commands() -> list[str]:
    """The ``.venv/bin/lovende …`` commands of the README's "Your own study" section, in order."""
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Your own study", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"`(\.venv/bin/lovende [^`]+)`", section)


@pytest.fixture()
def project_copy(tmp_path: Path) -> Path:
    """A project root in ``tmp_path``: a copy of the package and the project's environment linked in."""
    shutil.copytree(
        PROJECT_ROOT / "lovende_research", tmp_path / "lovende_research", ignore=shutil.ignore_patterns("__pycache__")
    )
    (tmp_path / "notebooks").symlink_to(PROJECT_ROOT / "notebooks")
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    return tmp_path


def _run(command: str, root: Path) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH puts the copied package ahead of the editable install, so its paths are the copy's.
    env = {**os.environ, "PYTHONPATH": str(root), "MPLBACKEND": "agg"}
    return subprocess.run(shlex.split(command), cwd=root, env=env, capture_output=True, text=True, timeout=900)


def test_the_readme_names_the_steps_this_test_runs():
    commands = readme_commands()
    assert [shlex.split(c)[1] for c in commands] == ["new-study", "validate", "run"]
    assert {shlex.split(c)[2] for c in commands} == {"data/raw/min-kortlaegning"}


def test_readme_steps_work_verbatim(project_copy: Path):
    new_study, validate, run = readme_commands()
    study = project_copy / "data" / "raw" / "min-kortlaegning"

    made = _run(new_study, project_copy)
    assert made.returncode == 0, made.stderr
    assert (study / "study.yml").is_file() and (study / "codings.xlsx").is_file()

    # Step 1 again: an existing study is never written into.
    before = {p.name: p.read_bytes() for p in study.iterdir()}
    again = _run(new_study, project_copy)
    assert again.returncode == 1 and "ikke tom" in again.stderr and "Traceback" not in again.stderr
    assert {p.name: p.read_bytes() for p in study.iterdir()} == before

    # Step 2: the researcher fills in the tables (here: the example study's), and, as the example did,
    # names its own interview sample (selected.csv, selection_rule: list) in study.yml.
    (study / "codings.xlsx").unlink()
    for name in FILLED_IN:
        shutil.copyfile(EXAMPLE_STUDY / name, study / name)
    settings = (study / "study.yml").read_text(encoding="utf-8")
    (study / "study.yml").write_text(
        settings.replace("parameters: {}", "parameters: {screening: {selection_rule: list}}"), encoding="utf-8"
    )

    checked = _run(validate, project_copy)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "ingen problemer" in checked.stdout

    ran = _run(run, project_copy)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert (project_copy / "reports" / "min-kortlaegning" / "index.html").is_file()
