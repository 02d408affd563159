"""Helper programs the engine runs on the host (``cp``, ``git``, ``mmdebstrap``): they end with it.

A child process outlives a parent that is killed (``kill -9``, the OOM killer): a disk copy would
go on writing into a staging folder the next engine is sweeping. Run through ``setpriv
--pdeathsig KILL``, the kernel kills the helper when the engine dies (as bubblewrap's
``--die-with-parent`` does for sandboxes).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence

__all__ = ["SETPRIV", "dies_with_engine"]

SETPRIV = shutil.which("setpriv")
"""util-linux's ``setpriv`` (None where it is missing: helpers then run as they are)."""


def dies_with_engine(argv: Sequence[str], setpriv: str | None = SETPRIV) -> list[str]:
    """The command line that runs ``argv`` so that it is killed (SIGKILL) when the engine dies.

    The death signal is tied to the thread that starts the process: start it from the engine's
    event loop (``asyncio.create_subprocess_exec``), which lives as long as the engine.

    Args:
        argv: The program and its arguments.
        setpriv: The ``setpriv`` executable; None runs ``argv`` unchanged.

    Returns:
        The argument list to execute.
    """
    if setpriv is None:
        return list(argv)
    return [setpriv, "--pdeathsig", "KILL", "--", *argv]
