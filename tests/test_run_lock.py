"""One run at a time (issue 23): a second ``lovende run`` of a study is refused, naming the running process,
or waits for it with ``--wait``; a killed holder leaves no stale lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from lovende_research.errors import in_language
from lovende_research.pipeline import run_study
from lovende_research.run_lock import LOCK_FILE, RunLocked, describe_holder, read_holder, run_lock
from tests.test_pipeline import _notebook
from tests.test_study import make_study

#: A first run whose only stage takes a while: long enough for the second run to meet it.
SLOW = (
    "import time\nfrom pathlib import Path\ntime.sleep(4)\n"
    "(Path(processed_dir) / Path(study_dir).name / 'screening' / 'done.txt').write_text('1')\n"
)
RUNNER = (
    "import sys\nfrom pathlib import Path\nfrom lovende_research.pipeline import run_study\n"
    "run_study(sys.argv[1], notebooks_dir=Path(sys.argv[2]), processed_base=Path(sys.argv[3]), reports_base=Path(sys.argv[4]), progress=False)\n"
)


def _first_run(tmp_path: Path) -> tuple[subprocess.Popen[bytes], dict[str, Path]]:
    ws = {
        "study": make_study(tmp_path / "raw" / "lille"),
        "notebooks": tmp_path / "notebooks",
        "processed": tmp_path / "processed",
        "reports": tmp_path / "reports",
    }
    ws["notebooks"].mkdir()
    _notebook(ws["notebooks"] / "01_screening.ipynb", SLOW)
    command = [
        sys.executable,
        "-c",
        RUNNER,
        str(ws["study"]),
        str(ws["notebooks"]),
        str(ws["processed"]),
        str(ws["reports"]),
    ]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while read_holder(ws["processed"] / "lille").get("pid") != process.pid:  # until the first run holds the lock
        assert time.monotonic() < deadline and process.poll() is None, "the first run never took the lock"
        time.sleep(0.05)
    return process, ws


def _second(ws: dict[str, Path], **kwargs):
    return run_study(
        ws["study"],
        notebooks_dir=ws["notebooks"],
        processed_base=ws["processed"],
        reports_base=ws["reports"],
        progress=False,
        **kwargs,
    )


def test_second_run_is_refused_naming_the_running_process(tmp_path: Path) -> None:
    first, ws = _first_run(tmp_path)
    try:
        with pytest.raises(RunLocked) as caught:
            _second(ws)
        assert f"proces {first.pid}" in str(caught.value) and "--wait" in str(caught.value)
        assert not (ws["processed"] / "lille" / "screening").exists()  # the second run wrote nothing
    finally:
        assert first.wait(timeout=120) == 0
    assert (ws["processed"] / "lille" / "screening" / "done.txt").read_text() == "1"


def test_second_run_waits_with_wait(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, ws = _first_run(tmp_path)
    result = _second(ws, wait=True)
    assert first.poll() == 0  # it ran to its end before the second took over
    assert f"venter på proces {first.pid}" in capsys.readouterr().out
    assert result.index.is_file()


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    first, ws = _first_run(tmp_path)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=60)
    assert (ws["processed"] / "lille" / LOCK_FILE).is_file()  # the file stays, naming its last holder …
    assert _second(ws).index.is_file()  # … and the lock went with the process


def test_locks_are_taken_in_one_order(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    with run_lock([b, a, a]):
        with pytest.raises(RunLocked):
            with run_lock([a]):
                pass
    with run_lock([a]):  # released on leaving
        pass


def test_the_refusal_names_the_holder_in_both_languages() -> None:
    """Pins down the message word for word: the holder (pid, machine, start, command, or that it has not
    written its name yet) in Danish and English, as ``lovende --lang en`` prints it."""
    holder = {"pid": 4242, "host": "pc1", "started": "2026-12-01T10:00:00+00:00", "command": "lovende run s"}
    error = RunLocked(Path("out"), holder)
    assert str(error) == (
        "out bruges allerede af en anden kørsel: proces 4242 på pc1, startet 2026-12-01T10:00:00+00:00 "
        "(lovende run s); vent på den, eller kør med --wait"
    )
    assert in_language(error.args[0], "en") == (
        "out is in use by another run: process 4242 on pc1, started 2026-12-01T10:00:00+00:00 "
        "(lovende run s); wait for it, or run with --wait"
    )
    assert in_language(describe_holder({}), "en") == "a process that has not written its name yet"


def test_a_wait_is_announced_in_both_languages(tmp_path: Path) -> None:
    """A second lock with ``wait`` is told whom it waits for, in both languages (the runner prints the run's)."""
    heard: list[str] = []
    with run_lock([tmp_path]):
        holder = read_holder(tmp_path)

        def wait_for_it() -> None:
            with run_lock([tmp_path], wait=True, on_wait=heard.append):
                pass

        waiting = threading.Thread(target=wait_for_it)
        waiting.start()
        for _ in range(200):
            if heard:
                break
            time.sleep(0.01)
    waiting.join(timeout=10)
    assert not waiting.is_alive()  # it took the lock once the first was let go
    pid, host, started, command = (holder[key] for key in ("pid", "host", "started", "command"))
    assert heard == [f"venter på proces {pid} på {host}, startet {started} ({command}), som bruger {tmp_path}"]
    assert in_language(heard[0], "en") == (
        f"waiting for process {pid} on {host}, started {started} ({command}), which is using {tmp_path}"
    )
