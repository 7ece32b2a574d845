"""The kernel manager the stage notebooks run under: local sockets, and a shutdown that interrupts nothing.

A normal ``lovende run`` printed two alarming lines that said nothing about the study:

- ``Kernel is running over TCP without encryption`` is ipykernel's warning (``kernelapp.init_sockets``)
  for a kernel on TCP without CurveZMQ keys. Our kernels only ever talk to the process that started them
  on the same machine, so they use ZeroMQ's ``ipc`` transport: Unix sockets in a private temporary
  folder of each kernel's own (``mkdtemp``, readable by this user only; jupyter_client's default would put
  them as ``kernel-ipc-1``… in the working folder, where two runs would share names), removed with the
  kernel. Nothing is sent over a network port, and the warning has nothing to warn about.
- ``KeyboardInterrupt caught in kernel`` came from jupyter_client's ``shutdown_kernel``, which first sends
  the kernel SIGINT (``_async_interrupt_kernel``) and only then asks it to shut down. papermill shuts the
  kernel down after the last cell, when nothing runs that could be interrupted; a SIGINT that lands while
  the kernel is still answering a message is caught and logged as an error. So a shutdown here asks the
  kernel to stop and does not interrupt it first. An interrupt asked for at any other time (nbclient's
  cell timeout) is sent as before, and Ctrl+C in a terminal reaches the kernels through the process group
  as it always did.
"""

from __future__ import annotations

import os
import shutil
import tempfile

from jupyter_client.manager import AsyncKernelManager
from traitlets import default


class QuietKernelManager(AsyncKernelManager):
    """:class:`AsyncKernelManager` on the ``ipc`` transport, shut down without a SIGINT first."""

    @default("transport")
    def _transport_default(self) -> str:
        return "tcp" if os.name == "nt" else "ipc"  # Windows has no Unix sockets for ZeroMQ's ipc

    @default("ip")
    def _ip_default(self) -> str:
        if self.transport != "ipc":
            return super()._ip_default()
        return os.path.join(tempfile.mkdtemp(prefix="lovende-kernel-"), "kernel")

    def cleanup_ipc_files(self) -> None:
        """Remove the sockets, and the private folder that held them."""
        super().cleanup_ipc_files()
        if self.transport == "ipc" and os.path.basename(os.path.dirname(self.ip)).startswith("lovende-kernel-"):
            shutil.rmtree(os.path.dirname(self.ip), ignore_errors=True)

    async def _async_interrupt_kernel(self) -> None:
        if self.shutting_down:
            return  # the kernel is told to shut down next; there is nothing running to interrupt
        await super()._async_interrupt_kernel()


#: How papermill (through nbclient) is told to use it: ``execute_notebook(..., kernel_manager_class=…)``.
KERNEL_MANAGER = f"{QuietKernelManager.__module__}.{QuietKernelManager.__qualname__}"
