"""The contract between the engine and the runtime that runs devbox processes.

The engine (HTTP API, records, lifecycle) only talks to a sandbox through these types; the
runtime (bubblewrap launcher and the in-sandbox agent) implements them in this package and
exports ``start_sandbox`` from ``runloop_local.sandbox``.

Filesystem layout the runtime mounts, so the engine can serve file operations from the host:

- without ``spec.rootfs``: ``spec.root / "home"`` is the devbox's ``/home/user`` (created if
  missing, kept across restarts), ``spec.root / "tmp"`` its ``/tmp``; everything else the devbox
  sees is the host system, read-only, without the engine's data directory, other devboxes'
  folders, or the users' home folders of the host;
- with ``spec.rootfs`` (an engine running as root): the devbox's ``/`` is an overlay of read-only
  image layers and the host system's folders under one writable upper folder of its own,
  mounted at ``rootfs.merged`` on the host while the sandbox runs (so ``merged/home/user`` is
  the devbox's home as it sees it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

__all__ = [
    "ResourceLimits",
    "RootFs",
    "SandboxSpec",
    "ExecHandle",
    "Sandbox",
    "SandboxError",
    "Isolation",
    "OutputCallback",
    "PtyHandle",
    "PtySandbox",
    "PausableSandbox",
]

Isolation = Literal["auto", "bwrap", "none"]
OutputCallback = Callable[[bytes], None]


class SandboxError(Exception):
    """The sandbox could not be started or used; the message says what to change."""


@dataclass(frozen=True)
class RootFs:
    """A writable root filesystem: image layers, the host system's folders, and an upper folder.

    The devbox's ``/`` is an overlay whose lower layers are ``layers`` (top first) over
    ``skeleton`` (the host system's top level: empty folders and its symlinks), and whose upper
    folder is ``upper``. Each of ``host_dirs`` (``usr``, ``etc``, ...) is an overlay of its own
    at ``/<name>``: the layers' ``<name>`` folders over ``mask/<name>`` (whiteouts hiding what
    other users of the host may not read) over the host's ``/<name>``, with ``upper/<name>``
    as its upper folder. A whole-disk snapshot is a copy of ``upper``.
    """

    upper: Path
    """The devbox's writes (kept across suspend, resume and restarts)."""
    work: Path
    """Overlay work folders (one per mount), on the same file system as ``upper``."""
    merged: Path
    """Where the root is mounted on the host while the sandbox runs."""
    skeleton: Path
    mask: Path
    host_dirs: tuple[str, ...]
    layers: tuple[Path, ...] = ()
    """Read-only image layers, top first (each a whole tree, as ``upper`` is)."""


@dataclass(frozen=True)
class ResourceLimits:
    """What a devbox's processes may use together (enforced by cgroups where the engine can).

    Without cgroups (an engine that is not root) only ``memory_bytes`` is applied, and only per
    process (``RLIMIT_DATA``); ``cpu_cores`` and ``pids`` are then not enforced.
    """

    cpu_cores: float
    """At most this many cores' worth of CPU time per period (a quota, not a reservation)."""
    memory_bytes: int
    """Memory of all its processes together; over it the kernel kills one (exit status 137)."""
    pids: int
    """Processes and threads at most (a fork bomb stops here)."""
    scope: str = "runloop-local"
    """The folder, under the engine's own cgroup, holding this engine's devboxes' cgroups."""


@dataclass(frozen=True)
class SandboxSpec:
    """What a devbox's sandbox is made of."""

    devbox_id: str
    root: Path
    """Host folder of this devbox: ``home/`` and ``tmp/`` live under it."""
    env: Mapping[str, str] = field(default_factory=dict)
    """Environment variables of every command (on top of HOME, USER, PATH, ...)."""
    username: str = "user"
    uid: int = 1000
    hostname: str | None = None
    """Defaults to the devbox id."""
    isolation: Isolation = "auto"
    """``auto``: bubblewrap when installed, else plain processes (with one loud warning);
    ``bwrap``: fail with an install hint when bubblewrap is missing; ``none``: plain processes."""
    rootfs: RootFs | None = None
    """A writable root (needs bubblewrap and root on the host); None: the host system read-only."""
    workdir: str | None = None
    """Where commands start (with a writable root; default ``/home/user``)."""
    accounts: bool = True
    """With a writable root: add the user to ``/etc/passwd`` and ``/etc/group``, make its home and
    write ``/etc/hosts``; False leaves the root's files alone (image builds)."""
    limits: ResourceLimits | None = None
    """CPU, memory and process limits of the whole sandbox (None: none)."""
    netns: str | None = None
    """A network namespace to run in (``/proc/<pid>/ns/net``, made and owned by the engine, so
    root in the devbox cannot change its filter); None: the host's network. Needs bubblewrap."""


class ExecHandle(Protocol):
    """One running command."""

    @property
    def pid(self) -> int:
        """The command's process id (in the sandbox's pid namespace when isolated)."""
        ...

    async def wait(self) -> int:
        """Waits for the command to end and returns its exit code (128 + N when killed by signal N).

        Returns only after every byte of its output has been handed to the output callbacks.
        """
        ...

    def add_exit_callback(self, callback: Callable[[int], None]) -> None:
        """Calls ``callback(exit code)`` on the event loop once the command has ended.

        As with :meth:`wait`, every byte of its output has been handed to the output
        callbacks by then.
        """
        ...

    async def write_stdin(self, data: bytes) -> None:
        """Writes to the command's standard input."""
        ...

    async def close_stdin(self) -> None:
        """Closes the command's standard input (EOF)."""
        ...

    async def kill(self, *, process_group: bool = True) -> None:
        """Kills the command (SIGKILL); with ``process_group`` also every process it started."""
        ...

    async def signal(self, signum: int, *, process_group: bool = True) -> None:
        """Sends signal ``signum`` to the command; with ``process_group`` to its whole group.

        The command's process group is the one a terminal would signal on Ctrl-C (``SIGINT``).
        Nothing happens once the command has ended.
        """
        ...


class Sandbox(Protocol):
    """A running devbox: one long-lived sandbox whose first process is a small agent."""

    @property
    def isolation(self) -> Literal["bwrap", "none"]:
        """How this sandbox is isolated."""
        ...

    @property
    def alive(self) -> bool:
        """False once the sandbox has stopped (or died)."""
        ...

    async def exec(
        self,
        command: str,
        *,
        on_stdout: OutputCallback,
        on_stderr: OutputCallback,
        cwd: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> ExecHandle:
        """Starts ``command`` with ``bash -c`` inside the sandbox as the devbox user.

        Output bytes are handed to the callbacks in order, on the event loop, as they arrive.
        Processes the command leaves in the background keep running after it ends.
        """
        ...

    async def stop(self) -> None:
        """Ends every process of the sandbox. Files under ``root`` are kept."""
        ...


class PtyHandle(Protocol):
    """An interactive ``bash`` on a pseudo-terminal in a sandbox."""

    @property
    def pid(self) -> int:
        """The shell's process id (in the sandbox's pid namespace when isolated)."""
        ...

    async def wait(self) -> int:
        """Waits for the shell to end and returns its exit code, after all it printed was delivered."""
        ...

    async def write(self, data: bytes) -> None:
        """Types ``data`` into the terminal."""
        ...

    async def resize(self, cols: int, rows: int) -> None:
        """Sets the terminal's size (``TIOCSWINSZ``; its foreground process group gets SIGWINCH)."""
        ...

    async def signal(self, signum: int) -> None:
        """Sends signal ``signum`` to the terminal's foreground process group."""
        ...

    async def close(self, *, force: bool = False) -> None:
        """Hangs up: SIGHUP to the shell and the foreground group (SIGKILL with ``force``)."""
        ...


@runtime_checkable
class PtySandbox(Sandbox, Protocol):
    """A sandbox that can also open terminals (an optional part of the contract)."""

    async def open_pty(
        self,
        *,
        cols: int,
        rows: int,
        on_output: OutputCallback,
        env: Mapping[str, str] | None = None,
        command: str | None = None,
    ) -> PtyHandle:
        """Starts ``bash -i`` as the devbox user in its home, on a new pseudo-terminal of ``cols`` x ``rows``.

        With ``command``, ``bash -c command`` instead (what ``ssh -t host command`` runs); the
        terminal ends when it does.

        The slave is the shell's controlling terminal (its own session). What the terminal
        prints is handed to ``on_output`` in order, on the event loop. ``env`` is added to the
        sandbox's base environment (``TERM`` is the caller's to set).

        Raises:
            SandboxError: The sandbox has stopped or the shell could not start.
        """
        ...


@runtime_checkable
class PausableSandbox(Sandbox, Protocol):
    """A sandbox whose processes can be paused (an optional part of the contract)."""

    def paused(self) -> AbstractAsyncContextManager[None]:
        """Stops every process of the sandbox (SIGSTOP) for the block, and continues them after.

        Processes that were stopped before stay stopped; a disk copied meanwhile is consistent.
        """
        ...
