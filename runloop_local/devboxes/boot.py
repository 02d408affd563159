"""Booting a devbox: its folders and file mounts, its sandbox, its launch commands, its entrypoint.

A boot that finds its devbox shut down meanwhile (a status change it may no longer make) stops
its sandbox and gives up, so shutdown never races a half-started devbox into running.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from ..db.clock import now_ms
from ..executions.live import LiveDevbox
from ..executions.rules import KILLED_EXIT_STATUS
from ..executions.service import ExecutionService
from ..files.rules import Folders, folders_of
from ..files.service import write_file_mounts
from ..http.errors import ApiError
from ..network.devbox_network import DevboxNetwork, NetworkUnavailable
from ..network_policies.service import NetworkPolicyService
from ..objects.service import ObjectService
from ..sandbox.contract import Isolation, ResourceLimits, RootFs, Sandbox, SandboxError, SandboxSpec
from ..secrets.service import SecretService
from .disks import DiskPolicy
from .limits import LimitsPolicy
from .mounts import MountError, apply_mounts, install_commands
from .ports import DevboxHost
from .records import DevboxRecord

__all__ = [
    "BootHost",
    "devbox_user",
    "StartSandbox",
    "boot",
    "default_start_sandbox",
    "run_setup_command",
    "sandbox_spec",
]

log = logging.getLogger("runloop_local")

StartSandbox = Callable[[SandboxSpec], Awaitable[Sandbox]]


class BootHost(DevboxHost, Protocol):
    """What booting needs of the devbox service."""

    @property
    def isolation(self) -> Isolation:
        """How sandboxes are isolated."""
        ...

    @property
    def start_sandbox(self) -> StartSandbox | None:
        """Starts a sandbox (None: the sandbox package's own)."""
        ...

    @property
    def execs(self) -> ExecutionService:
        """The executions service (the entrypoint is an execution)."""
        ...

    def root_of(self, rec: DevboxRecord) -> RootFs | None:
        """The writable root of a devbox (None: it has none).

        Raises:
            RuntimeError: It has one, but this engine cannot mount it.
        """
        ...

    def folders(self, rec: DevboxRecord) -> Folders:
        """The host folders of a devbox's ``/home/user`` and ``/tmp``."""
        ...

    @property
    def objects(self) -> ObjectService:
        """The storage objects object mounts come from."""
        ...

    @property
    def secrets(self) -> SecretService:
        """The secrets devboxes get as environment variables."""
        ...

    @property
    def limits(self) -> LimitsPolicy:
        """The resource limits of devboxes' sandboxes."""
        ...

    @property
    def network_policies(self) -> NetworkPolicyService:
        """The network policies devboxes start with."""
        ...

    @property
    def disks(self) -> DiskPolicy:
        """The disk images of devboxes with a writable root."""
        ...


SETUP_LOG_LINES = 1000
"""Most output lines of one launch command kept in the devbox's log."""


def default_start_sandbox() -> StartSandbox:
    """``runloop_local.sandbox.start_sandbox``.

    Raises:
        SandboxError: The sandbox package has none.
    """
    from .. import sandbox

    start: StartSandbox | None = getattr(sandbox, "start_sandbox", None)
    if start is None:
        raise SandboxError("runloop_local.sandbox has no start_sandbox yet")
    return start


def devbox_user(rec: DevboxRecord) -> tuple[str, int]:
    """A devbox's user name and uid (``launch_parameters.user_parameters``; ``user``, 1000 by default)."""
    user: Mapping[str, Any] = rec.launch_parameters.get("user_parameters") or {}
    return user.get("username", "user"), int(user.get("uid", 1000))


def sandbox_spec(
    rec: DevboxRecord,
    root: Path,
    isolation: Isolation,
    rootfs: RootFs | None = None,
    secrets: Mapping[str, str] | None = None,
    limits: ResourceLimits | None = None,
    network: DevboxNetwork | None = None,
) -> SandboxSpec:
    """The sandbox a devbox record asks for (its user from ``launch_parameters.user_parameters``;
    ``secrets``: the values of its secrets, by environment variable; ``limits``: of its size;
    ``network``: its namespace and the proxy variables its policy needs)."""
    username, uid = devbox_user(rec)
    return SandboxSpec(
        devbox_id=rec.id,
        root=root,
        env={
            **rec.image_env,
            **(network.env if network else {}),
            **rec.environment_variables,
            **(secrets or {}),
        },
        username=username,
        uid=uid,
        isolation=isolation,
        rootfs=rootfs,
        workdir=rec.workdir,
        limits=limits,
        netns=network.netns if network else None,
    )


def prepare_folders(root: Path, file_mounts: Mapping[str, str]) -> None:
    """Creates a devbox's ``home`` and ``tmp`` folders and writes its file mounts (no writable root).

    Raises:
        ApiError: 400 for a mount path outside the devbox, or a file that cannot be written.
        OSError: A folder could not be made.
    """
    for folder in ("home", "tmp"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    write_file_mounts(folders_of(root), file_mounts)


async def boot(service: BootHost, live: LiveDevbox, *, resume: bool) -> None:
    """Starts a new (or resumed) devbox's sandbox and takes it to running, or to failure."""
    rec = service.get(live.id)
    mounts = {} if resume else rec.file_mounts
    try:
        rootfs = service.root_of(rec)
        try:  # before the root: its upper and work folders live on the image
            await asyncio.to_thread(service.disks.attach, rec)
        except OSError as exc:
            raise SandboxError(f"cannot mount the devbox's disk: {exc}") from exc
        if rootfs is None:
            prepare_folders(live.root, mounts)
        start = service.start_sandbox or default_start_sandbox()
        try:
            secrets = service.secrets.values(rec.secrets)
        except KeyError as exc:
            raise SandboxError(f"cannot start: {exc.args[0]}") from None
        limits, notice = service.limits.for_record(rec, service.disks.unenforced(rec))
        service.log(rec.id, notice, level="info" if service.limits.unenforced is None else "warn")
        live.network = await open_network(service, rec)
        spec = sandbox_spec(rec, live.root, service.isolation, rootfs, secrets, limits, live.network)
        live.sandbox = await start(spec)
        if rootfs is not None:  # written through the mounted root, as the devbox sees it
            write_file_mounts(service.folders(rec), mounts)
        if not resume:
            await apply_mounts(rec.mounts, service.folders(rec), service.objects)
    except (SandboxError, OSError, ApiError, RuntimeError, MountError, NetworkUnavailable) as exc:
        if live.sandbox is not None or live.network is not None:
            await service.stop_live(live)
        log.warning("devbox %s failed to start: %s", rec.id, exc)
        what = "a mount failed" if isinstance(exc, MountError) else "the sandbox could not start"
        service.log(rec.id, f"{what}: {exc}", level="error")
        service.advance(rec.id, "failure", failure_reason="execution_failed")
        service.live.pop(rec.id, None)
        return
    # A resume passes initializing too; its launch commands are not run again.
    ok = service.advance(rec.id, "initializing")
    ok = ok and (resume or await _run_launch_commands(service, live, rec))
    ok = ok and service.advance(rec.id, "running", keep_alive_since_ms=now_ms())
    if not ok:
        await service.stop_live(live)
        return
    live.touch()
    if rec.entrypoint:
        try:
            await service.execs.start(rec.id, rec.entrypoint, source="entrypoint")
        except ApiError as exc:
            service.log(rec.id, f"the entrypoint could not start: {exc.message}", level="error")


async def open_network(service: BootHost, rec: DevboxRecord) -> DevboxNetwork | None:
    """The network of a devbox with a policy (read at each start: an update applies at the next).

    Raises:
        NetworkUnavailable: The policy was deleted, or cannot be enforced here.
    """
    policy_id = rec.launch_parameters.get("network_policy_id")
    if not policy_id:
        return None
    try:
        egress = service.network_policies.egress_of(policy_id)
    except KeyError as exc:
        raise NetworkUnavailable(f"cannot start: {exc.args[0]}") from None
    network = await DevboxNetwork.open(egress, service.network_policies.capabilities)
    if network.netns is None:  # allow-all: the host's network, nothing to hold
        return None
    return network


async def _run_launch_commands(service: BootHost, live: LiveDevbox, rec: DevboxRecord) -> bool:
    for command in [*install_commands(rec.mounts), *(rec.launch_parameters.get("launch_commands") or [])]:
        code = await run_setup_command(service, live, command)
        current = service.store.get_devbox(rec.id)
        if current is None or current.status != "initializing":
            return False
        if code != 0:
            service.log(rec.id, f"launch command failed with exit status {code}: {command}", level="error")
            service.advance(rec.id, "failure", failure_reason="execution_failed")
            return False
    return True


async def run_setup_command(service: BootHost, live: LiveDevbox, command: str) -> int:
    """Runs one launch command to its end, logging its output; returns its exit status."""
    out = bytearray()
    sandbox = live.sandbox
    if sandbox is None:
        return KILLED_EXIT_STATUS
    try:
        handle = await sandbox.exec(command, on_stdout=out.extend, on_stderr=out.extend)
        code = await handle.wait()
    except SandboxError as exc:
        out += str(exc).encode()
        code = KILLED_EXIT_STATUS
    for line in out.decode("utf-8", "replace").splitlines()[-SETUP_LOG_LINES:]:
        service.log(live.id, line, source="setup_commands", cmd=command)
    service.log(live.id, f"exited with status {code}", source="setup_commands", cmd=command, exit_code=code)
    return code
