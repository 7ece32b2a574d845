"""``lovende lab``: JupyterLab on ``notebooks/`` with the project kernel, as colleges and containers run it.

Three things a plain ``jupyter lab`` call gets wrong there, and this module does instead:

* **As root.** Containers and college JupyterHub images often run as user id 0, where JupyterLab refuses to
  start unless told ``--allow-root``; :func:`lab_command` passes it exactly then.
* **The port asked for.** JupyterLab quietly moves to the next free port when the one asked for is taken;
  ``--ServerApp.port_retries=0`` makes it stop with a clear message instead, so ``--port`` means that port.
* **Stopping stops everything.** The server runs in its own process group, and :func:`open_lab` forwards
  SIGTERM, SIGINT and SIGHUP to it as SIGTERM, which JupyterLab answers by shutting its kernels down. The
  kernels run in sessions of their own (jupyter_client starts them so), so they are remembered when the
  signal arrives and any still alive after the server has stopped are ended too: a stopped ``lovende lab``
  leaves neither its port nor a kernel behind.

Examples
--------
>>> command = lab_command(port=8899, no_browser=True, user_id=0)
>>> "--allow-root" in command, "--no-browser" in command, "--port=8899" in command
(True, True, True)
>>> "--allow-root" in lab_command(user_id=1000)
False
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from lovende_research.config import KERNEL_NAME, NOTEBOOKS_DIR
from lovende_research.errors import LovendeError, Text

if TYPE_CHECKING:
    import psutil

#: How long the server gets to shut its kernels down after the stop signal before it is killed.
STOP_GRACE_SECONDS = 20.0
#: The signals that stop ``lovende lab``: ``kill``, Ctrl+C in a terminal, and a closed terminal.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class LabError(LovendeError):
    """``lovende lab`` was asked for something it cannot do (a port outside 1–65535)."""


def lab_command(
    port: int = 8888, no_browser: bool = False, *, user_id: int | None = None, notebook_dir: Path = NOTEBOOKS_DIR
) -> list[str]:
    """The JupyterLab command: this environment's Python, ``notebook_dir``, the project kernel as default.

    ``user_id`` defaults to the effective user id of this process; 0 (root) adds ``--allow-root``.
    """
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise LabError(
            Text(
                f"--port skal være et heltal mellem 1 og 65535, fandt {port!r}",
                f"--port must be a whole number between 1 and 65535, found {port!r}",
            )
        )
    uid = os.geteuid() if user_id is None else user_id
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--notebook-dir={notebook_dir}",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--MappingKernelManager.default_kernel_name={KERNEL_NAME}",
    ]
    return command + (["--no-browser"] if no_browser else []) + (["--allow-root"] if uid == 0 else [])


def _descendants(pid: int) -> list[psutil.Process]:
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _stop(server: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM to the server's process group, SIGKILL after ``grace`` seconds, then end any kernel left."""
    import psutil

    kernels = _descendants(server.pid)
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        server.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    _, alive = psutil.wait_procs(kernels, timeout=grace / 4)
    for process in alive:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=grace / 4)


def open_lab(port: int = 8888, no_browser: bool = False, *, grace: float = STOP_GRACE_SECONDS) -> int:
    """Run JupyterLab until it exits or this process is told to stop; return the server's exit code.

    Parameters
    ----------
    port : int
        The port to serve on; taken means an error, not another port.
    no_browser : bool
        Do not open a browser (servers, containers, tests).
    grace : float
        Seconds the server gets to shut its kernels down after a stop signal.

    Returns
    -------
    int
        JupyterLab's exit code (0 after a stop signal it handled).
    """
    from lovende_research.pipeline import ensure_kernel

    ensure_kernel()
    command = lab_command(port, no_browser)
    server = subprocess.Popen(command, start_new_session=True)
    stopping: list[int] = []

    def forward(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)

    previous = {signum: signal.signal(signum, forward) for signum in STOP_SIGNALS}
    try:
        while server.poll() is None and not stopping:
            try:
                server.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                continue
    finally:
        if server.poll() is None:
            _stop(server, grace)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return int(server.returncode)
