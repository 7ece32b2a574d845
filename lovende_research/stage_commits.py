"""Whole-stage commits: a stage's outputs appear under their real name all at once, from one run.

A stage notebook writes many files into ``<processed>/<study>/<stage>/``. Killed halfway, it used to
leave a folder under its real name with some files new and some missing. Now the runner gives the
notebook a *staging* ``processed_dir``: a hidden folder ``<processed>/<study>/.run-<run id>-<stage>/``
whose ``<study>/`` holds the stage's own, empty output folder and a link to everything else of the study
(the earlier stages' folders it reads). When the notebook has run through, the runner writes the stage's
run record (``run.json``: the run id, the run ids of the earlier stages it read, the SHA-256 of every
file) into the staged folder and renames it into place; the previous complete folder is kept, as
``.<stage>.previous``, until the new one stands under the real name. A run killed at any moment leaves
under the real name either the old complete folder or the new one. :func:`remove_leftovers`, called by
the next run, deletes staging folders and puts a kept previous folder back where a kill came between
the two renames.

Stages run at different times read each other's outputs; :func:`mixed_runs` finds a stage computed from
another run's outputs than the ones now in place (``bias`` from ``scores`` that were recomputed since),
which the report refuses to combine unless told to.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lovende_research.errors import LovendeError, Text, in_language
from lovende_research.io import write_json

#: The run record in every committed stage folder.
RUN_RECORD = "run.json"
STAGING_PREFIX = ".run-"
PREVIOUS_SUFFIX = ".previous"


class MixedRunsError(LovendeError):
    """Stage folders that come from runs which do not fit together; names each mismatch."""

    def __init__(self, problems: list[Text]):
        self.problems = problems

        def listed(language: str) -> str:
            return "\n".join(f"  - {in_language(p, language)}" for p in problems)

        super().__init__(
            Text(
                f"trinenes resultater stammer fra kørsler, der ikke passer sammen:\n{listed('da')}\n"
                "  kør de berørte trin igen (fx uden --only), eller kombinér dem bevidst med --allow-mixed-runs",
                f"the stages' results come from runs that do not fit together:\n{listed('en')}\n"
                "  run the stages concerned again (e.g. without --only), or combine them on purpose with --allow-mixed-runs",
            )
        )


def new_run_id(started: dt.datetime) -> str:
    """A run's id: its start time, process id and a few random hex digits (an identifier, not data).

    >>> new_run_id(dt.datetime(2026, 12, 1, 10, 0, 0))[:16]
    '20261201T100000-'
    """
    return f"{started:%Y%m%dT%H%M%S}-{os.getpid()}-{secrets.token_hex(3)}"


@dataclass(frozen=True)
class Staging:
    """Where a stage writes while it runs: ``processed_dir`` for the notebook, and its own output folder."""

    root: Path
    processed_dir: Path
    outputs: Path


def open_staging(processed: Path, folder: str, run_id: str) -> Staging:
    """A fresh staging folder for the stage writing ``processed / folder`` (``processed`` is the study's)."""
    root = processed / f"{STAGING_PREFIX}{run_id}-{folder}"
    study = root / processed.name
    study.mkdir(parents=True)
    for entry in sorted(processed.iterdir()):
        if not entry.name.startswith(".") and entry.name != folder:
            (study / entry.name).symlink_to(entry.resolve(), target_is_directory=entry.is_dir())
    (study / folder).mkdir()
    return Staging(root, root, study / folder)


def run_id_of(folder: Path) -> str | None:
    """The run id in ``folder``'s run record, or ``None`` when it has none (or an unreadable one)."""
    try:
        record = json.loads((folder / RUN_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record.get("run_id") if isinstance(record, dict) else None


def file_checksums(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` but its run record, by path relative to it."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.relative_to(folder).as_posix() != RUN_RECORD
    }


def commit(processed: Path, folder: str, staging: Staging, run_id: str, stage_key: str, earlier: Sequence[str]) -> Path:
    """Write the run record into the staged folder and rename it into place as ``processed / folder``.

    ``earlier`` are the folders of the stages before this one: the record names the run each came from,
    as this stage read it.
    """
    record: dict[str, Any] = {
        "run_id": run_id,
        "stage": stage_key,
        "inputs": {name: run_id_of(processed / name) for name in earlier if (processed / name).is_dir()},
        "files": file_checksums(staging.outputs),
    }
    write_json(staging.outputs / RUN_RECORD, record)
    real = processed / folder
    previous = processed / f".{folder}{PREVIOUS_SUFFIX}"
    shutil.rmtree(previous, ignore_errors=True)
    if real.exists():
        os.replace(real, previous)  # the last complete folder, kept until the new one is in place
    os.replace(staging.outputs, real)
    shutil.rmtree(previous, ignore_errors=True)
    shutil.rmtree(staging.root, ignore_errors=True)
    return real


def set_aside(processed: Path, folder: str, staging: Staging) -> Path:
    """A failed stage's partial outputs go to ``processed/failed/<folder>``; the real folder is untouched."""
    half = processed / "failed" / folder
    half.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(half, ignore_errors=True)
    os.replace(staging.outputs, half)
    shutil.rmtree(staging.root, ignore_errors=True)
    return half


def remove_leftovers(processed: Path, folders: Sequence[str]) -> list[str]:
    """Clear what a killed run left: staging folders, kept previous folders, running notebooks.

    A previous folder whose real folder is missing (a kill between the two renames of :func:`commit`)
    is put back under the real name: it is the last complete one. Returns what was removed or restored,
    for the run's log. Call it only while holding the run lock.
    """
    done: list[str] = []
    if not processed.is_dir():
        return done
    for folder in folders:
        previous, real = processed / f".{folder}{PREVIOUS_SUFFIX}", processed / folder
        if previous.is_dir() and not real.exists():
            os.replace(previous, real)
            done.append(f"{previous.name} lagt tilbage som {folder}")
        elif previous.exists():
            shutil.rmtree(previous, ignore_errors=True)
            done.append(f"{previous.name} fjernet")
    for entry in sorted(processed.glob(f"{STAGING_PREFIX}*")):
        # Renamed first: a killed run's kernel outlives it by up to a second (ipykernel polls its parent)
        # and writes by path; under another name its writes fail instead of racing the removal.
        trash = entry.with_name(f"{entry.name}.removed") if not entry.name.endswith(".removed") else entry
        try:
            os.replace(entry, trash)
        except OSError:
            trash = entry
        shutil.rmtree(trash, ignore_errors=True)
        done.append(f"{entry.name} fjernet")
    for entry in sorted((processed / "notebooks").glob(".*.running.ipynb")):
        entry.unlink(missing_ok=True)
        done.append(f"notebooks/{entry.name} fjernet")
    return done


def mixed_runs(processed: Path, folders: Sequence[str]) -> list[Text]:
    """Every stage folder that was computed from another run of an earlier stage than the one in place.

    ``folders`` are the stages' output folders in pipeline order. A folder without a run record (written
    before runs had ids, or by hand) cannot be shown to fit and is named too.
    """
    return [problem for _, problem in _mismatches(processed, folders)]


def stale_folders(processed: Path, folders: Sequence[str]) -> set[str]:
    """The names of the folders :func:`mixed_runs` finds fault with: outputs that do not fit those before them."""
    return {name for name, _ in _mismatches(processed, folders)}


def _mismatches(processed: Path, folders: Sequence[str]) -> list[tuple[str, Text]]:
    problems: list[tuple[str, Text]] = []
    present = [name for name in folders if (processed / name).is_dir()]
    ids = {name: run_id_of(processed / name) for name in present}
    for position, name in enumerate(present):
        if ids[name] is None:
            problems.append(
                (name, Text(f"{name} har ingen kørselspost ({RUN_RECORD})", f"{name} has no run record ({RUN_RECORD})"))
            )
            continue
        inputs = json.loads((processed / name / RUN_RECORD).read_text(encoding="utf-8")).get("inputs", {})
        for earlier in present[:position]:
            if inputs.get(earlier) != ids[earlier]:
                used = inputs.get(earlier)
                problems.append(
                    (
                        name,
                        Text(
                            f"{name} (kørsel {ids[name]}) er beregnet på {earlier} fra kørsel "
                            f"{used or '(ingen)'}, men {earlier} er nu fra kørsel {ids[earlier]}",
                            f"{name} (run {ids[name]}) was computed from {earlier} of run "
                            f"{used or '(none)'}, but {earlier} is now from run {ids[earlier]}",
                        ),
                    )
                )
    return problems


def check_one_run(processed: Path, folders: Sequence[str]) -> None:
    """Raise :class:`MixedRunsError` when :func:`mixed_runs` finds anything."""
    problems = mixed_runs(processed, folders)
    if problems:
        raise MixedRunsError(problems)
