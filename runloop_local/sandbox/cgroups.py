"""A devbox's cgroups: made before its sandbox starts, removed when it ends, swept at engine start.

Every process of a sandbox is in its cgroups from its first instruction: bubblewrap is started
through a tiny ``sh`` that writes its own pid into each ``cgroup.procs`` and then ``exec``s
bubblewrap, so the agent, every command and every ``sudo``'d one are born inside. Without
cgroups (an engine that is not root, or a kernel without the controllers) the same ``sh`` sets
``RLIMIT_DATA`` instead: memory per process only, no CPU or process limit.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import logging
import os
import signal
import time
from pathlib import Path

from .cgroup_rules import CONTROLLERS, Layout, find_layout, limit_files, v2_dir
from .contract import ResourceLimits, SandboxError

__all__ = ["DevboxCgroups", "close_scope", "layout", "remove_tree", "sweep", "wrap_command"]

logger = logging.getLogger("runloop_local")

_OPTIONAL = {"memory.swap.max"}
"""Files a kernel may lack (no swap accounting): written where they exist."""
_WRAPPER = (
    'limit=$1; shift; for f do [ "$f" = -- ] && break; echo $$ >"$f" || exit 125; shift; done; '
    'shift; [ "$limit" = - ] || ulimit -d "$limit" || exit 125; exec "$@"'
)


@functools.cache
def layout() -> Layout | str:
    """Where this engine puts cgroups, or why it cannot (read once per process)."""
    try:
        mountinfo = Path("/proc/self/mountinfo").read_text()
        own = Path("/proc/self/cgroup").read_text()
    except OSError as exc:
        return f"cannot read the process's cgroups: {exc}"
    v2_controllers = None
    folder = v2_dir(mountinfo, own)
    if folder is not None:
        with contextlib.suppress(OSError):
            v2_controllers = (folder / "cgroup.controllers").read_text()
    found = find_layout(mountinfo, own, v2_controllers)
    if isinstance(found, str):
        return found
    for hierarchy in found.hierarchies:
        if not os.access(hierarchy.engine_dir, os.W_OK):
            return f"the engine may not make cgroups under {hierarchy.engine_dir} (it is not root)"
    return found


def _scope_dirs(found: Layout, scope: str) -> list[tuple[tuple[str, ...], Path]]:
    return [(h.controllers, h.engine_dir / scope) for h in found.hierarchies]


def _enable_v2(found: Layout, scope_dir: Path) -> None:
    """Hands the controllers down to the scope's children (cgroup v2 only)."""
    wanted = " ".join(f"+{name}" for name in CONTROLLERS)
    for folder in (scope_dir.parent, scope_dir):
        try:
            (folder / "cgroup.subtree_control").write_text(wanted)
        except OSError as exc:
            if exc.errno == errno.EBUSY:
                raise SandboxError(
                    f"cannot enable cgroup controllers under {folder}: it holds processes (cgroup v2 "
                    "lets only leaf cgroups hold them); start the engine in a cgroup of its own"
                ) from exc
            raise SandboxError(f"cannot enable cgroup controllers under {folder}: {exc}") from exc


class DevboxCgroups:
    """The cgroups of one sandbox (one per hierarchy), with its limits written in."""

    def __init__(self, dirs: list[Path]) -> None:
        self.dirs = dirs

    @classmethod
    def create(cls, found: Layout, limits: ResourceLimits, name: str) -> DevboxCgroups:
        """Makes the cgroups of sandbox ``name`` (replacing any left by a previous run).

        Raises:
            SandboxError: A cgroup could not be made or a limit written (none is left behind).
        """
        made = cls([])
        try:
            for controllers, scope_dir in _scope_dirs(found, limits.scope):
                scope_dir.mkdir(exist_ok=True)
                if found.version == 2:
                    _enable_v2(found, scope_dir)
                folder = scope_dir / name
                remove_tree(folder)
                folder.mkdir()
                made.dirs.append(folder)
                for file, value in limit_files(found.version, controllers, limits).items():
                    if file in _OPTIONAL and not (folder / file).exists():
                        continue
                    (folder / file).write_text(value)
        except OSError as exc:
            made.remove()
            raise SandboxError(f"cannot set the resource limits of {name}: {exc}") from exc
        except SandboxError:
            made.remove()
            raise
        return made

    @property
    def procs_files(self) -> list[str]:
        """The ``cgroup.procs`` file of each of its cgroups."""
        return [str(folder / "cgroup.procs") for folder in self.dirs]

    def remove(self) -> None:
        """Kills what is left in the cgroups and removes them (a failure is logged, swept later)."""
        for folder in self.dirs:
            remove_tree(folder)
        self.dirs = []


def _kill_all(folder: Path) -> None:
    with contextlib.suppress(OSError):
        for pid in (folder / "cgroup.procs").read_text().split():
            with contextlib.suppress(OSError):
                os.kill(int(pid), signal.SIGKILL)


def remove_tree(folder: Path, wait: float = 1.0) -> bool:
    """Removes a cgroup and its children, killing the processes left in them.

    Returns:
        Whether it is gone (a process that takes longer than ``wait`` seconds to die keeps it).
    """
    if not folder.is_dir():
        return True
    for child in [p for p in folder.iterdir() if p.is_dir()]:
        remove_tree(child, wait)
    deadline = time.monotonic() + wait
    while True:
        try:
            folder.rmdir()
            return True
        except FileNotFoundError:
            return True
        except OSError as exc:
            if exc.errno != errno.EBUSY or time.monotonic() > deadline:
                logger.warning("cannot remove the cgroup %s: %s", folder, exc)
                return False
        _kill_all(folder)
        time.sleep(0.005)


def sweep(found: Layout | str, scope: str) -> int:
    """Removes the cgroups a previous engine of this scope left (a crash); returns how many."""
    if isinstance(found, str):
        return 0
    removed = 0
    for _, scope_dir in _scope_dirs(found, scope):
        if scope_dir.is_dir():
            removed += sum(1 for p in scope_dir.iterdir() if p.is_dir() and remove_tree(p))
    return removed


def close_scope(found: Layout | str, scope: str) -> None:
    """Removes the engine's scope folders once its devboxes' cgroups are gone (engine stop)."""
    if isinstance(found, str):
        return
    for _, scope_dir in _scope_dirs(found, scope):
        with contextlib.suppress(OSError):
            scope_dir.rmdir()


def wrap_command(command: list[str], procs_files: list[str], data_limit_bytes: int | None) -> list[str]:
    """``command`` started inside the cgroups of ``procs_files`` (and under ``RLIMIT_DATA``).

    The wrapper exits 125 when it cannot join a cgroup or set the limit.
    """
    limit = "-" if data_limit_bytes is None else str(max(1, data_limit_bytes // 1024))
    return ["/bin/sh", "-c", _WRAPPER, "runloop-limits", limit, *procs_files, "--", *command]
