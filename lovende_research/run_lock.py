"""One run at a time: a lock on a study's output folders, so two ``lovende run`` never write into them at once.

Two runs of one study into the same folders both exited 0 and left a mixture of their outputs. The lock
is an exclusive ``flock`` on a small file in each output folder, held for the whole run. The operating
system releases it when the holding process ends in any way (a SIGKILL included), so a crashed run
never leaves a stale lock behind; the file itself stays and names the last holder. A second run is
refused with a message naming the process that holds the lock, or waits for it (``--wait``).

POSIX only (``fcntl``), like the rest of the runner's process handling.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from lovende_research.errors import LovendeError, Text

#: The lock file in each locked folder (hidden, kept between runs).
LOCK_FILE = ".lovende-run.lock"


class RunLocked(LovendeError):
    """Another run holds the lock on an output folder; names that process."""

    def __init__(self, folder: Path, holder: dict[str, Any]):
        self.folder, self.holder = folder, holder
        who = describe_holder(holder)
        super().__init__(
            Text(
                f"{folder} bruges allerede af en anden kørsel: {who}; vent på den, eller kør med --wait",
                f"{folder} is in use by another run: {who.en}; wait for it, or run with --wait",
            )
        )


def describe_holder(holder: dict[str, Any]) -> Text:
    """The holding process as a reader can find it: pid, machine, start time and command.

    >>> describe_holder({"pid": 4242, "host": "pc1", "started": "2026-12-01T10:00:00+00:00", "command": "lovende run s"})
    'proces 4242 på pc1, startet 2026-12-01T10:00:00+00:00 (lovende run s)'
    >>> describe_holder({}).en
    'a process that has not written its name yet'
    """
    if not holder.get("pid"):
        return Text("en proces, der endnu ikke har skrevet sit navn", "a process that has not written its name yet")
    pid, host, started, command = (holder.get(key, "?") for key in ("pid", "host", "started", "command"))
    return Text(
        f"proces {pid} på {host}, startet {started} ({command})",
        f"process {pid} on {host}, started {started} ({command})",
    )


def read_holder(folder: Path) -> dict[str, Any]:
    """What the lock file in ``folder`` says about its (last) holder; ``{}`` when it says nothing readable."""
    try:
        data = json.loads((folder / LOCK_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@contextmanager
def run_lock(
    folders: Sequence[Path], *, wait: bool = False, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the lock on every folder in ``folders`` (created if missing) while the block runs.

    Without ``wait`` a folder another run holds raises :class:`RunLocked`; with it, ``on_wait`` is told
    whom the run waits for and the lock is taken as soon as that run ends. Folders are locked in a fixed
    order (sorted resolved paths), so two runs waiting for each other cannot deadlock.
    """
    handles: list[IO[str]] = []
    try:
        for folder in sorted({Path(f).resolve() for f in folders}):
            handles.append(_acquire(folder, wait, on_wait))
        yield
    finally:
        for handle in reversed(handles):
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()


def _acquire(folder: Path, wait: bool, on_wait: Callable[[str], None] | None) -> IO[str]:
    folder.mkdir(parents=True, exist_ok=True)
    handle = open(folder / LOCK_FILE, "a+", encoding="utf-8")  # held open for the run
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = read_holder(folder)
            if not wait:
                raise RunLocked(folder, holder) from None
            if on_wait is not None:
                who = describe_holder(holder)
                on_wait(Text(f"venter på {who}, som bruger {folder}", f"waiting for {who.en}, which is using {folder}"))
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "command": " ".join(sys.argv) or "python",
        }
        handle.write(json.dumps(holder, ensure_ascii=False) + "\n")
        handle.flush()
    except BaseException:
        handle.close()
        raise
    return handle
