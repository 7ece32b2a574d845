"""``lovende lab`` as a college runs it (lovende_research.lab): as root, on the port asked for, stopped by SIGTERM.

The live test starts the real command on a free port, with a token of its own and Jupyter's runtime and config
folders in ``tmp_path`` (so nothing of the machine's own Jupyter set-up takes part), asks the server's REST API
for the project kernel, starts a kernel, sends SIGTERM to the command's pid and checks that nothing is left.
Every wait is bounded; whatever happens, the command's process group is killed at the end.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from lovende_research.cli import main
from lovende_research.config import KERNEL_NAME
from lovende_research.errors import LovendeError, in_language
from lovende_research.lab import lab_command

START_SECONDS = 120.0
STOP_SECONDS = 60.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _port_is_free(port: int) -> bool:
    """A new server could listen on ``port``: SO_REUSEADDR, as servers set it, so the connections the test
    itself made (left in TIME_WAIT) do not count, only a socket still listening."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _api(port: int, token: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=None if body is None else json.dumps(body).encode("utf-8"),
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read().decode("utf-8"))


def _kernel_processes(kernel_id: str) -> list[psutil.Process]:
    """Processes whose command line names the kernel's connection file (``kernel-<id>.json``)."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if any(kernel_id in part for part in process.info["cmdline"] or []):
            found.append(process)
    return found


def _wait_until(condition, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"{what} within {seconds:.0f} s")


def test_lab_command_allows_root_only_for_root() -> None:
    as_root = lab_command(port=9001, no_browser=True, user_id=0)
    as_user = lab_command(port=9001, no_browser=False, user_id=1000)
    assert "--allow-root" in as_root and "--allow-root" not in as_user
    assert "--no-browser" in as_root and "--no-browser" not in as_user
    # a taken port is an error, not a silent move to the next one
    assert "--port=9001" in as_root and "--ServerApp.port_retries=0" in as_root


@pytest.mark.parametrize("port", [0, 70000, True])
def test_lab_command_refuses_a_port_outside_the_range(port: int) -> None:
    with pytest.raises(LovendeError) as caught:
        lab_command(port=port)
    assert str(caught.value) == f"--port skal være et heltal mellem 1 og 65535, fandt {port!r}"
    assert (
        in_language(caught.value.args[0], "en") == f"--port must be a whole number between 1 and 65535, found {port!r}"
    )


def test_lab_prints_its_refusal_in_the_language_asked_for(capsys: pytest.CaptureFixture[str]) -> None:
    """Refused before any server starts: the port is checked before JupyterLab is run."""
    assert main(["lab", "--port", "0", "--no-browser", "--lang", "en"]) == 1
    assert "--port must be a whole number between 1 and 65535, found 0" in capsys.readouterr().err
    assert main(["lab", "--port", "0", "--no-browser"]) == 1
    assert "--port skal være et heltal mellem 1 og 65535, fandt 0" in capsys.readouterr().err


def test_lab_serves_the_project_kernel_and_sigterm_stops_server_and_kernels(tmp_path: Path) -> None:
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_TOKEN": token,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    log = (tmp_path / "lab.log").open("wb")
    lab = subprocess.Popen(
        [sys.executable, "-m", "lovende_research.cli", "lab", "--port", str(port), "--no-browser"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    kernel_id = None
    try:

        def serving() -> bool:
            assert lab.poll() is None, (tmp_path / "lab.log").read_text(encoding="utf-8", errors="replace")[-2000:]
            try:
                _api(port, token, "/api/status")
            except OSError:
                return False
            return True

        # uid 0 here is the case of the issue: without --allow-root JupyterLab exits at once
        _wait_until(serving, START_SECONDS, f"JupyterLab answering on port {port} (uid {os.geteuid()})")
        specs = _api(port, token, "/api/kernelspecs")
        assert KERNEL_NAME in specs["kernelspecs"] and specs["default"] == KERNEL_NAME
        kernel_id = _api(port, token, "/api/kernels", {"name": KERNEL_NAME})["id"]
        _wait_until(lambda: bool(_kernel_processes(kernel_id)), START_SECONDS, "the kernel process started")

        os.kill(lab.pid, signal.SIGTERM)
        # JupyterLab's clean stop on SIGTERM exits 0, and lovende lab hands its code on (open_lab's Returns)
        assert lab.wait(timeout=STOP_SECONDS) == 0
        _wait_until(lambda: _port_is_free(port), STOP_SECONDS, f"port {port} free after SIGTERM")
        _wait_until(lambda: not _kernel_processes(kernel_id), STOP_SECONDS, "no kernel process left after SIGTERM")
    finally:
        # the command's group, even when the command itself is gone: a broken stop leaves its server there
        try:
            os.killpg(lab.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        lab.wait(timeout=STOP_SECONDS)
        if kernel_id is not None:
            for process in _kernel_processes(kernel_id):
                process.kill()
        log.close()
