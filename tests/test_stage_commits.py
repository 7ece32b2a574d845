"""Whole-stage commits (issue 23): a stage folder under its real name is always complete and from one run.

The kill test runs the real runner (``lovende_research.pipeline.run_study``) in its own process group on
stand-in stage notebooks that write many files slowly, kills the group with SIGKILL at ten moments
spread over a run's length, and checks after each kill that every stage folder under its real name
holds exactly the files its run record lists, with their checksums; the next run, started on whatever
the kill left, must end as a clean run does.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lovende_research.errors import in_language
from lovende_research.pipeline import STAGE_FOLDERS, run_study
from lovende_research.stage_commits import (
    RUN_RECORD,
    MixedRunsError,
    check_one_run,
    file_checksums,
    mixed_runs,
    remove_leftovers,
)
from tests.test_pipeline import _notebook
from tests.test_study import make_study

#: Each stand-in stage reads the stage before it and writes FILES files into its own folder, slowly.
FILES = 8
STAGE_BODY = (
    "import time\nfrom pathlib import Path\n"
    "out = Path(processed_dir) / Path(study_dir).name / {folder!r}\n"
    "before = Path(processed_dir) / Path(study_dir).name / {earlier!r}\n"
    "seen = (before / 'f0.txt').read_text() if {earlier!r} else 'start'\n"
    "for i in range({files}):\n"
    "    (out / f'f{{i}}.txt').write_text(f'{folder} {{i}} seed {{seed}} after [{{seen}}]')\n"
    "    time.sleep(0.04)\n"
)
RUNNER = (
    "import sys\nfrom pathlib import Path\nfrom lovende_research.pipeline import run_study\n"
    "run_study(sys.argv[1], notebooks_dir=Path(sys.argv[2]), processed_base=Path(sys.argv[3]), reports_base=Path(sys.argv[4]), progress=False)\n"
)


def _stand_in_notebooks(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for (notebook, name), earlier in zip(
        (("01_screening", "screening"), ("02_interview_coding", "scores"), ("03_subjectivity_bias", "bias")),
        ("", "screening", "scores"),
        strict=True,
    ):
        _notebook(folder / f"{notebook}.ipynb", STAGE_BODY.format(folder=name, earlier=earlier, files=FILES))
    return folder


def _start(study: Path, notebooks: Path, root: Path) -> subprocess.Popen[bytes]:
    """The runner in a process group of its own, as a shell starts ``lovende run``; its errors go to ``root/stderr.txt``."""
    command = [sys.executable, "-c", RUNNER, str(study), str(notebooks), str(root / "processed"), str(root / "reports")]
    root.mkdir(parents=True, exist_ok=True)
    with (root / "stderr.txt").open("wb") as errors:
        return subprocess.Popen(
            command,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env={**os.environ, "MPLBACKEND": "agg"},
        )


def _assert_complete(processed: Path) -> list[str]:
    """Every stage folder under its real name holds exactly what its run record lists; return their run ids."""
    ids = []
    for name in STAGE_FOLDERS:
        folder = processed / name
        if not folder.exists():
            continue
        record_file = folder / RUN_RECORD
        assert record_file.is_file(), (
            f"{name}: under its real name without a run record: {sorted(p.name for p in folder.iterdir())}"
        )
        record = json.loads(record_file.read_text(encoding="utf-8"))
        assert file_checksums(folder) == record["files"], f"{name}: files differ from its run record"
        assert len(record["files"]) == FILES and {p.read_text().split()[0] for p in folder.glob("f*.txt")} == {name}
        ids.append(record["run_id"])
    return ids


def _contents(processed: Path) -> dict[str, str]:
    return {
        f"{name}/{p.name}": p.read_text() for name in STAGE_FOLDERS for p in sorted((processed / name).glob("f*.txt"))
    }


def test_killed_runs_leave_only_complete_stage_folders_and_the_rerun_equals_a_clean_run(tmp_path: Path) -> None:
    study = make_study(tmp_path / "raw" / "lille")
    notebooks = _stand_in_notebooks(tmp_path / "notebooks")
    clean = tmp_path / "clean"
    began = time.monotonic()
    reference = _start(study, notebooks, clean)
    assert reference.wait(timeout=300) == 0, (clean / "stderr.txt").read_text()
    length = time.monotonic() - began
    expected = _contents(clean / "processed" / "lille")
    assert len(expected) == FILES * len(STAGE_FOLDERS)

    killed = tmp_path / "killed"
    processed = killed / "processed" / "lille"
    mid_stage = 0
    for k in range(10):  # ten moments spread over a run's length, each on what the last kill left
        process = _start(study, notebooks, killed)
        time.sleep(length * (k + 0.5) / 10)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        if processed.is_dir():
            _assert_complete(processed)
            mid_stage += any(p.name.startswith(".run-") for p in processed.iterdir())
    # Some kills land before the first stage (validation, kernel start) or after the last (pages); the
    # test means something only if several came while a stage was writing (about half, on an idle machine).
    assert mid_stage >= 3, f"only {mid_stage} of 10 kills came while a stage was writing"
    time.sleep(2)  # a killed run's kernels exit within a second of it (ipykernel polls its parent)
    rerun = _start(study, notebooks, killed)
    assert rerun.wait(timeout=300) == 0, (killed / "stderr.txt").read_text()
    assert _contents(processed) == expected
    ids = _assert_complete(processed)
    assert len(ids) == len(STAGE_FOLDERS) and len(set(ids)) == 1  # every stage committed by the rerun …
    assert mixed_runs(processed, STAGE_FOLDERS) == []  # … from one chain of runs
    assert not [
        p.name for p in processed.iterdir() if p.name.startswith((".run-", ".screening.", ".scores.", ".bias."))
    ]


def _commit_stage(tmp_path: Path, folders: list[str]) -> Path:
    """A study processed by stand-in stages (the ones in ``folders``) through the real runner."""
    study = make_study(tmp_path / "raw" / "lille")
    notebooks = _stand_in_notebooks(tmp_path / "notebooks")
    keys = {"screening": "screening", "scores": "scoring", "bias": "bias"}
    run_study(
        study,
        notebooks_dir=notebooks,
        processed_base=tmp_path / "processed",
        reports_base=tmp_path / "reports",
        progress=False,
        only=[keys[f] for f in folders],
    )
    return tmp_path / "processed" / "lille"


def test_a_stage_rerun_alone_makes_the_later_stages_a_mixture_the_report_refuses(tmp_path: Path) -> None:
    processed = _commit_stage(tmp_path, ["screening", "scores", "bias"])
    assert mixed_runs(processed, STAGE_FOLDERS) == []
    # rerun only the scoring, then the report: bias was computed from the scores of the first run
    study = tmp_path / "raw" / "lille"
    notebooks = tmp_path / "notebooks"
    _notebook(notebooks / "04_report.ipynb", "print('syntese')")
    with pytest.raises(
        MixedRunsError, match=r"bias \(kørsel .*\) er beregnet på scores fra kørsel .*, men scores er nu fra kørsel"
    ):
        run_study(
            study,
            notebooks_dir=notebooks,
            processed_base=tmp_path / "processed",
            reports_base=tmp_path / "reports",
            progress=False,
            only=["scoring", "report"],
        )
    assert not (processed / "notebooks" / "04_report.ipynb").exists()  # the report did not run
    run_study(
        study,
        notebooks_dir=notebooks,
        processed_base=tmp_path / "processed",
        reports_base=tmp_path / "reports",
        progress=False,
        only=["report"],
        allow_mixed_runs=True,
    )
    assert (processed / "notebooks" / "04_report.ipynb").is_file()  # … unless told to


def test_leftovers_are_removed_and_a_kept_previous_folder_is_put_back(tmp_path: Path) -> None:
    processed = tmp_path / "lille"
    (processed / ".run-x-scores" / "lille" / "scores").mkdir(parents=True)
    (processed / ".screening.previous").mkdir()  # a kill between the two renames: no screening folder
    (processed / ".screening.previous" / "f0.txt").write_text("gammel")
    (processed / "bias").mkdir()
    (processed / ".bias.previous").mkdir()  # a kill after the second rename
    done = remove_leftovers(processed, STAGE_FOLDERS)
    assert (processed / "screening" / "f0.txt").read_text() == "gammel"
    assert sorted(p.name for p in processed.iterdir()) == ["bias", "screening"]
    assert len(done) == 3


def test_a_mixture_is_refused_word_for_word_in_both_languages(tmp_path: Path) -> None:
    """Pins down the refusal as ``lovende run --lang en`` prints it: each folder that does not fit (computed
    from another run of an earlier stage, or without a run record), then what to do."""
    for folder, record in {
        "screening": {"run_id": "r2", "inputs": {}},
        "scores": {"run_id": "r1", "inputs": {"screening": "r1"}},
    }.items():
        (tmp_path / folder).mkdir()
        (tmp_path / folder / RUN_RECORD).write_text(json.dumps(record), encoding="utf-8")
    (tmp_path / "bias").mkdir()  # no run record
    with pytest.raises(MixedRunsError) as caught:
        check_one_run(tmp_path, ["screening", "scores", "bias"])
    assert str(caught.value).splitlines() == [
        "trinenes resultater stammer fra kørsler, der ikke passer sammen:",
        "  - scores (kørsel r1) er beregnet på screening fra kørsel r1, men screening er nu fra kørsel r2",
        "  - bias har ingen kørselspost (run.json)",
        "  kør de berørte trin igen (fx uden --only), eller kombinér dem bevidst med --allow-mixed-runs",
    ]
    assert in_language(caught.value.args[0], "en").splitlines() == [
        "the stages' results come from runs that do not fit together:",
        "  - scores (run r1) was computed from screening of run r1, but screening is now from run r2",
        "  - bias has no run record (run.json)",
        "  run the stages concerned again (e.g. without --only), or combine them on purpose with --allow-mixed-runs",
    ]
