"""Starting a sandbox: pick the isolation, launch bubblewrap (or the bare agent), wait for the agent."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from . import _agent, _sudo_client, _wire, cgroups
from ._agent_code import AGENT_DIR, agent_code
from ._bwrap import HOME, base_env, bwrap_args, etc_files, rootfs_bwrap_args
from ._rootfs import mount_root, unmount_root
from ._session import AgentSession
from ._validate import check_spec
from .contract import Isolation, ResourceLimits, Sandbox, SandboxError, SandboxSpec
from .host_scan import scan_host

__all__ = ["choose_isolation", "find_python", "start_sandbox"]

logger = logging.getLogger("runloop_local")

START_TIMEOUT = 20.0
_AGENT_FILE = Path(_agent.__file__)
SUDO_DIR = f"{AGENT_DIR}/bin"
"""With a writable root: the ``sudo`` client lives here, first on every command's PATH."""
_PYTHON_FLAGS = ["-I", "-S", "-B"]
"""Isolated (no environment variables, user site or script folder), no site, no bytecode written."""
_warned_unisolated = False


def choose_isolation(requested: Isolation, bwrap: str | None) -> Literal["bwrap", "none"]:
    """Decides how a sandbox is isolated.

    Args:
        requested: The spec's ``isolation``.
        bwrap: The bubblewrap executable, or None when it is not installed.

    Returns:
        ``"bwrap"`` or ``"none"``.

    Raises:
        SandboxError: bubblewrap was required but is missing.
    """
    if requested == "none":
        return "none"
    if bwrap is not None:
        return "bwrap"
    if requested == "bwrap":
        raise SandboxError(
            "isolation 'bwrap' needs bubblewrap, which is not installed: install it "
            "(`apt-get install bubblewrap`, `dnf install bubblewrap`) or use isolation 'auto' or 'none'"
        )
    return "none"


def find_python(isolated: bool) -> tuple[str, list[str]]:
    """Finds the Python that runs the agent.

    Args:
        isolated: Whether the agent runs in bubblewrap, where only system folders are visible.

    Returns:
        The interpreter, and host folders to make visible for it (outside ``/usr``).
    """
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if os.access(candidate, os.X_OK):
            return candidate, []
    executable = os.path.realpath(sys.executable)
    return executable, [sys.base_prefix] if isolated and not executable.startswith("/usr/") else []


def _warn_unisolated(spec: SandboxSpec) -> None:
    global _warned_unisolated
    if _warned_unisolated:
        return
    _warned_unisolated = True
    reason = "isolation 'none' was requested" if spec.isolation == "none" else "bubblewrap is not installed"
    logger.warning(
        "DEVBOXES ARE NOT SANDBOXED: %s, so devbox commands run as plain processes of this user, "
        "with access to everything this user can reach. Install bubblewrap (`apt-get install bubblewrap`) "
        "to isolate them.",
        reason,
    )


def _sudo_files(python: str) -> dict[str, bytes]:
    """The ``sudo`` client of a writable root (its server is a module of the agent's)."""
    client = Path(_sudo_client.__file__).read_bytes()
    return {f"{SUDO_DIR}/sudo": f"#!{python} -IS\n".encode() + client}


def _then(first: Callable[[], None] | None, second: Callable[[], None] | None) -> Callable[[], None] | None:
    """A hook calling ``first`` and then ``second`` (either may be None)."""
    if first is None or second is None:
        return first or second

    def both() -> None:
        try:
            first()
        finally:
            second()

    return both


def _memfd(name: str, content: bytes) -> int:
    fd = os.memfd_create(name, 0)
    os.write(fd, content)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


class _UsernsFds:
    """The pipes over which bubblewrap tells its child's pid and waits for the id mapping."""

    ID_MAP = "0 0 65536\n"
    """Ids 0 to 65535 of the devbox are the host's: root in the devbox can own files as any
    system user (apt's ``_apt``, say), and files of the host system keep their owners."""

    def __init__(self) -> None:
        self.info, self.child_info = os.pipe()
        self.child_block, self.block = os.pipe()

    def map_ids(self) -> None:
        """Reads the child's pid, writes its uid and gid maps, and lets it go on (blocking).

        Raises:
            ValueError: bubblewrap ended before telling its child's pid.
            OSError: The maps could not be written.
        """
        data = b""
        while not data.rstrip().endswith(b"}"):
            chunk = os.read(self.info, 4096)
            if not chunk:
                raise ValueError("bubblewrap ended before it made the sandbox's user namespace")
            data += chunk
        pid = int(json.loads(data)["child-pid"])
        for name in ("uid_map", "gid_map"):
            with open(f"/proc/{pid}/{name}", "w") as ids:
                ids.write(self.ID_MAP)
        os.write(self.block, b"1")

    def close(self) -> None:
        for fd in (self.info, self.block):
            with contextlib.suppress(OSError):
                os.close(fd)


def _limited(
    spec: SandboxSpec, args: list[str], limits: ResourceLimits
) -> tuple[list[str], cgroups.DevboxCgroups | None]:
    """``args`` started inside the devbox's new cgroups (or, without cgroups, under ``RLIMIT_DATA``).

    Raises:
        SandboxError: The cgroups could not be made.
    """
    found = cgroups.layout()
    if isinstance(found, str):
        return cgroups.wrap_command(args, [], limits.memory_bytes), None
    made = cgroups.DevboxCgroups.create(found, limits, spec.devbox_id)
    return cgroups.wrap_command(args, made.procs_files, None), made


async def start_sandbox(spec: SandboxSpec) -> Sandbox:
    """Starts a devbox's sandbox and waits until its agent accepts commands.

    Args:
        spec: What the sandbox is made of.

    Returns:
        The running sandbox.

    Raises:
        SandboxError: The sandbox could not start (the message says why).
    """
    check_spec(spec)
    bwrap = shutil.which("bwrap")
    isolation = choose_isolation(spec.isolation, bwrap)
    root = spec.root.resolve()
    try:
        for folder in () if spec.rootfs is not None else ("home", "tmp"):
            (root / folder).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SandboxError(
            f"cannot create the folders of devbox {spec.devbox_id} under {root}: {exc}"
        ) from exc
    if spec.netns is not None and isolation != "bwrap":
        raise SandboxError("a network namespace needs bubblewrap: install it (`apt-get install bubblewrap`)")
    if spec.rootfs is not None and isolation != "bwrap":
        raise SandboxError("a writable root needs bubblewrap: install it (`apt-get install bubblewrap`)")
    python, extra = find_python(isolation == "bwrap")
    if isolation == "none":
        _warn_unisolated(spec)
    home = HOME if isolation == "bwrap" else str(root / "home")
    session = AgentSession(isolation, spec.devbox_id, host_home=None if isolation == "bwrap" else home)
    fds: list[int] = []
    userns: _UsernsFds | None = None
    limited: cgroups.DevboxCgroups | None = None
    try:
        if isolation == "bwrap":
            assert bwrap is not None
            code = await asyncio.to_thread(agent_code, python)
            files = {**code.files, **(_sudo_files(python) if spec.rootfs is not None else etc_files(spec))}
            data_fds = {path: _memfd(path, content) for path, content in files.items()}
            fds = list(data_fds.values())
            agent = [python, *_PYTHON_FLAGS, code.script]
            if spec.rootfs is not None and spec.accounts and spec.uid != 0:
                agent += ["--drop-to", f"{spec.uid}:{spec.uid}:{spec.username}"]  # sudo stays root
            if spec.rootfs is not None:
                merged = await asyncio.to_thread(mount_root, spec)
                session.on_stopped = lambda: unmount_root(spec)
                userns = _UsernsFds()
                fds += [userns.child_info, userns.child_block]
                args = rootfs_bwrap_args(
                    spec,
                    scan_host(extra),
                    bwrap=bwrap,
                    merged=str(merged),
                    data_fds=data_fds,
                    userns_fds=(userns.child_info, userns.child_block),
                    command=agent,
                )
            else:
                args = bwrap_args(
                    spec, scan_host(extra), bwrap=bwrap, root=str(root), data_fds=data_fds, command=agent
                )
            if spec.netns is not None:  # bwrap then makes its namespaces inside that network
                args = ["nsenter", f"--net={spec.netns}", "--", *args]
            cwd, env = None, None
        else:
            args = [python, *_PYTHON_FLAGS, str(_AGENT_FILE)]
            cwd, env = home, {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        if spec.limits is not None:
            args, limited = _limited(spec, args, spec.limits)
            session.on_stopped = _then(session.on_stopped, limited.remove if limited else None)
        await asyncio.get_running_loop().subprocess_exec(
            lambda: session,
            *args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=fds,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
    except (OSError, SandboxError) as exc:
        if userns is not None:
            userns.close()
        unmount_root(spec)
        if limited is not None:
            limited.remove()
        if isinstance(exc, SandboxError):
            raise
        raise SandboxError(f"cannot start the sandbox of devbox {spec.devbox_id}: {exc}") from exc
    finally:
        for fd in fds:
            os.close(fd)
    if userns is not None:
        try:
            await asyncio.wait_for(asyncio.to_thread(userns.map_ids), START_TIMEOUT)
        except (OSError, ValueError, asyncio.TimeoutError) as exc:
            await session.stop()
            detail = session.stderr_tail or str(exc) or "no answer from bubblewrap"
            raise SandboxError(f"the sandbox of devbox {spec.devbox_id} did not start: {detail}") from exc
        finally:
            userns.close()
    # The agent adopts orphans ("s": subreaper) only without a pid namespace to end them.
    start_in = spec.workdir if spec.rootfs is not None and spec.workdir else home
    init = ["" if isolation == "bwrap" else "s", start_in]
    env = base_env(spec, home)
    if spec.rootfs is not None:
        env["PATH"] = f"{SUDO_DIR}:{env['PATH']}"
    init += [f"{key}={value}" for key, value in env.items()]
    try:
        session.send_nowait(_wire.INIT, 0, _wire.encode_fields(init))
        await asyncio.wait_for(asyncio.shield(session.ready), START_TIMEOUT)
    except (SandboxError, asyncio.TimeoutError) as exc:
        await session.stop()
        detail = session.stderr_tail or f"no answer from its agent within {START_TIMEOUT:.0f} s"
        raise SandboxError(f"the sandbox of devbox {spec.devbox_id} did not start: {detail}") from exc
    except BaseException:
        with contextlib.suppress(Exception):
            await session.stop()
        raise
    return session
