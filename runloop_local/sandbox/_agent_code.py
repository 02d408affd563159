"""The agent's modules compiled once per interpreter, so that a sandbox's start compiles nothing.

``python agent.py`` compiles the script at every start (about 10 ms for the agent, 8 ms more for
the ``sudo`` server of a writable root): the sandbox's interpreter gets the bytecode instead.
Python runs a ``.pyc`` given as the script, and imports a ``.pyc`` that has no source beside it.
The bytecode is made by the sandbox's own interpreter (its version decides the format), with
unchecked hashes: the files are bound into the sandbox fresh at each start, so their times mean
nothing.
"""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
import threading
from pathlib import Path

from . import _agent, _agent_pty, _agent_sudo, _wire

__all__ = ["AGENT_DIR", "AgentCode", "agent_code"]

logger = logging.getLogger("runloop_local")

AGENT_DIR = "/run/runloop"
"""Where the agent's files are in a bubblewrap sandbox."""

_MODULES = {"agent": _agent, "_wire": _wire, "_agent_pty": _agent_pty, "_agent_sudo": _agent_sudo}

_COMPILE = """
import py_compile, sys
for source, target, shown in zip(*[iter(sys.argv[1:])] * 3):
    py_compile.compile(source, cfile=target, dfile=shown, doraise=True,
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
"""


class AgentCode:
    """The agent's files for one interpreter: sandbox path -> content, and the script to run."""

    def __init__(self, files: dict[str, bytes], script: str) -> None:
        self.files = files
        self.script = script


_cache: dict[tuple[str, int], AgentCode] = {}
_lock = threading.Lock()


def agent_code(python: str) -> AgentCode:
    """The agent's files for ``python``: bytecode where it compiles them, else the sources.

    Made once per interpreter (and its modification time) in the engine's life: the first call
    takes about as long as one start of the interpreter; later ones nothing.
    """
    try:
        key = (python, os.stat(python).st_mtime_ns)
    except OSError:
        key = (python, 0)
    with _lock:
        found = _cache.get(key)
        if found is None:
            found = _cache[key] = _compile(python)
        return found


def _sources() -> AgentCode:
    files = {f"{AGENT_DIR}/{name}.py": Path(m.__file__ or "").read_bytes() for name, m in _MODULES.items()}
    return AgentCode(files, f"{AGENT_DIR}/agent.py")


def _compile(python: str) -> AgentCode:
    with tempfile.TemporaryDirectory(prefix="runloop-agent-") as folder:
        args: list[str] = []
        for name, module in _MODULES.items():
            args += [module.__file__ or "", os.path.join(folder, f"{name}.pyc"), f"{AGENT_DIR}/{name}.py"]
        try:
            subprocess.run(
                [python, "-I", "-S", "-c", _COMPILE, *args],
                check=True,
                capture_output=True,
                timeout=60,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            # Still works, only slower: each start compiles the sources.
            logger.warning("cannot compile the sandbox agent with %s, shipping its sources: %s", python, exc)
            return _sources()
        files = {f"{AGENT_DIR}/{name}.pyc": Path(folder, f"{name}.pyc").read_bytes() for name in _MODULES}
    return AgentCode(files, f"{AGENT_DIR}/agent.pyc")
