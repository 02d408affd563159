"""The devbox service: devbox records and operations, on the engine's event loop.

Status changes always go through :meth:`DevboxService.advance`, which re-reads the record and
checks the change with :mod:`.rules`. Booting is :mod:`.boot`'s job, timers are
:mod:`.reaper`'s, executions :mod:`..executions.service`'s.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
from collections.abc import Awaitable, Mapping, Sequence
from pathlib import Path
from typing import Any

from runloop_api.types import DevboxCreateParameters, DevboxUpdateParameters, LaunchParameters

from ..agents.service import AgentService
from ..db.clock import now_ms
from ..db.data_dir_lock import DataDirLock
from ..db.ids import new_id
from ..executions.live import LiveDevbox, LiveExecution
from ..executions.service import ExecutionService
from ..files.rules import Folders, folders_of
from ..http.errors import ApiError, bad_request
from ..images.service import ImageService
from ..network.devbox_network import probe_capabilities
from ..network_policies.service import NetworkPolicyService
from ..objects.service import ObjectService
from ..sandbox.contract import Isolation, RootFs
from ..sandbox.mounts import unmount
from ..scorers.service import ScorerService
from ..scoring.runner import ScoringRunner
from ..secrets.rules import check_env_map
from ..secrets.service import SecretService
from ..tunnels.rules import new_tunnel
from .boot import StartSandbox, boot, devbox_user
from .create_rules import UNSUPPORTED_CREATE_FIELDS, check_create_params, check_launch_parameters
from .disks import DiskPolicy
from .limits import LimitsPolicy
from .reaper import Reaper
from .records import DevboxRecord
from .rules import ACTIVE_STATUSES, TERMINAL_STATUSES, recovered_status
from .status import DevboxRecords
from .store import Store

__all__ = ["DevboxService", "StartSandbox"]

log = logging.getLogger("runloop_local")


class DevboxService(DevboxRecords):
    """Devbox records, their sandboxes and the operations on them.

    Args:
        data_dir: Where the database and the devboxes' folders live.
        isolation: How sandboxes are isolated (``auto``, ``bwrap``, ``none``).
        start_sandbox: Starts a sandbox; defaults to ``runloop_local.sandbox.start_sandbox``.
        reaper_interval: Seconds between checks of keep-alive and idle timers.
        writable_roots: Whether devboxes get a writable root where the engine can mount one.
    """

    def __init__(
        self,
        data_dir: Path,
        isolation: Isolation = "auto",
        *,
        start_sandbox: StartSandbox | None = None,
        reaper_interval: float = 0.25,
        writable_roots: bool = True,
    ) -> None:
        # Absolute: overlay mounts and their unmounts must not depend on the working folder
        # (a relative data dir left the writable-root probe's overlay mounted).
        data_dir = Path(data_dir).resolve()
        self.data_dir = data_dir
        self._lock = DataDirLock(data_dir)
        try:
            super().__init__(Store(data_dir / "engine.sqlite3"))
        except BaseException:
            self._lock.release()
            raise
        self.isolation: Isolation = isolation
        self.images = ImageService(data_dir, writable_roots=writable_roots and isolation != "none")
        self.images.add_referrer(self._layers_in_use)
        self.secrets = SecretService(data_dir)
        self.scorers = ScorerService(data_dir)
        self.scoring = ScoringRunner(self, self.scorers)
        """Runs scoring contracts and functions in running devboxes (scenario runs score with it)."""
        self.limits = LimitsPolicy(data_dir)
        self.disks = DiskPolicy(data_dir)
        self.objects = ObjectService(data_dir)
        self.agents = AgentService(data_dir, self.objects)
        sandboxed = isolation != "none" and shutil.which("bwrap") is not None
        self.network_policies = NetworkPolicyService(data_dir, probe_capabilities(sandboxed))
        self.network_policies.add_referrer(self._policies_in_use)
        self.live: dict[str, LiveDevbox] = {}
        self.start_sandbox = start_sandbox
        self.reaper = Reaper(self, reaper_interval)
        self._closing = False
        self._tasks: set[asyncio.Task[None]] = set()
        self.execs = ExecutionService(self)

    # -- start and stop -------------------------------------------------------------------------

    async def start(self) -> None:
        """Recovers records left by a previous engine process and starts the reaper."""
        self.images.start()
        self.limits.start()
        self.recover()
        kept = self.store.devboxes_with_status(frozenset({"suspended", "failure"}))
        roots = self.images.base is not None
        await asyncio.to_thread(lambda: self.disks.start([rec.id for rec in kept], writable_roots=roots))
        self.reaper.start()

    def recover(self) -> None:
        """Reports devboxes and executions whose processes ended with the previous engine truthfully.

        A live devbox becomes ``suspended`` (files intact; ``resume`` starts it again); an
        execution still running is completed with exit status 137 (killed).
        """
        now = now_ms()
        for rec in self.store.devboxes_with_status(ACTIVE_STATUSES):
            target = recovered_status(rec.status)
            if target is None:
                continue
            self._write_status(rec, target, now)
            self.log(rec.id, "engine restarted: the devbox's processes ended; it is suspended", level="warn")
        self.execs.recover(now)

    async def close(self) -> None:
        """Ends every devbox process; running devboxes are recorded as suspended."""
        self._closing = True
        await self.reaper.stop()
        for live in list(self.live.values()):
            rec = self.store.get_devbox(live.id)
            if rec is not None and rec.status in ACTIVE_STATUSES:
                self._write_status(rec, "suspended", now_ms())
                self.log(rec.id, "engine stopped: the devbox is suspended", level="warn")
            await self.stop_live(live)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.execs.close_all(None)
        self.store.close()
        self.secrets.close()
        self.scorers.close()
        self.agents.close()
        self.limits.close()
        self.network_policies.close()
        await asyncio.to_thread(self.disks.close)
        self._lock.release()

    def _write_status(self, rec: DevboxRecord, new: str, now: int, **fields: Any) -> None:
        super()._write_status(rec, new, now, **fields)
        if new == "running":
            self.reaper.watch(rec.id)  # its timers run from now

    @property
    def running_executions(self) -> Mapping[str, LiveExecution]:
        """The executions running now, by id."""
        return self.execs.running

    # -- live devboxes --------------------------------------------------------------------------------

    def require_running(self, id: str, action: str) -> tuple[DevboxRecord, LiveDevbox]:
        """The record and live state of a running devbox.

        Raises:
            ApiError: 404 unknown id; 400 when the devbox is not running.
        """
        rec = self.get(id)
        live = self.live.get(id)
        if rec.status != "running" or live is None or live.sandbox is None:
            hint = " (resume it first)" if rec.status == "suspended" else ""
            raise bad_request(f"cannot {action}: devbox {id} is {rec.status}, not running{hint}")
        return rec, live

    def running_live(self, id: str, action: str) -> LiveDevbox:
        """The live state of a running devbox, without a database read when the status is known.

        Raises:
            ApiError: 404 unknown id; 400 when the devbox is not running.
        """
        live = self.live.get(id)
        if live is not None and live.sandbox is not None and self._known_status.get(id) == "running":
            return live
        return self.require_running(id, action)[1]

    def root_of(self, rec: DevboxRecord) -> RootFs | None:
        """The writable root of a devbox (None: it has none).

        Raises:
            RuntimeError: It has one, but this engine cannot mount it (say, no longer root).
        """
        if not rec.rootfs:
            return None
        return self.images.root_of(self.data_dir / "devboxes" / rec.id, rec.layers, host_base=rec.host_base)

    def netns_pid(self, id: str) -> int | None:
        """The process holding a running devbox's network namespace, for ``network.reach``.

        Returns:
            Its pid, or None when the devbox shares the host's network.

        Raises:
            ApiError: 404 unknown; 400 not running.
        """
        return self.running_live(id, "reach a port of").netns_pid

    def _policies_in_use(self) -> set[str]:
        """The network policies of devboxes that have not ended."""
        statuses = frozenset(ACTIVE_STATUSES | {"suspended"})
        found = (
            rec.launch_parameters.get("network_policy_id")
            for rec in self.store.devboxes_with_status(statuses)
        )
        return {id for id in found if id}

    def _layers_in_use(self) -> set[str]:
        """Layers of devboxes whose files are kept (every status but shutdown)."""
        kept = frozenset(ACTIVE_STATUSES | {"suspended", "failure"})
        return {layer for rec in self.store.devboxes_with_status(kept) for layer in rec.layers}

    def folders(self, rec: DevboxRecord) -> Folders:
        """The host folders of a devbox's ``/home/user`` and ``/tmp`` (through its mounted root)."""
        root = self.data_dir / "devboxes" / rec.id
        if not rec.rootfs:
            return folders_of(root)
        return folders_of(root, merged=root / "merged", owner=devbox_user(rec)[1])

    # -- operations -----------------------------------------------------------------------------

    async def create(
        self,
        params: DevboxCreateParameters,
        *,
        layers: Sequence[str] = (),
        blueprint_id: str | None = None,
        image_env: dict[str, str] | None = None,
        workdir: str | None = None,
        host_base: bool = True,
    ) -> DevboxRecord:
        """Records a new devbox and starts booting it; returns at once (status provisioning).

        Args:
            params: The request.
            layers: Image layers its root stands on, top first (from a snapshot or a blueprint).
            blueprint_id: The blueprint it is made from.
            image_env: Its image's environment (under ``environment_variables``).
            workdir: Where its commands start (its image's WORKDIR).
            host_base: Whether ``layers`` stand on the host system.

        Raises:
            ApiError: 400 for invalid fields, 501 for fields the local engine does not support.
        """
        check_create_params(params, UNSUPPORTED_CREATE_FIELDS)
        lp = params.launch_parameters
        if lp is not None and lp.custom_disk_size is not None and self.disks.unavailable is not None:
            # A disk size the engine cannot keep is refused rather than ignored (the disk part
            # of a preset size is logged as not enforced instead).
            raise ApiError(
                501,
                "`launch_parameters.custom_disk_size`: the local engine cannot cap a devbox's disk "
                f"here ({self.disks.unavailable}); leave it out",
            )
        secrets = dict(params.secrets or {})
        check_env_map(secrets)
        self.secrets.check_exist(secrets)
        mounts = [mount.model_dump(mode="json", exclude_none=True) for mount in params.mounts or []]
        for n, mount in enumerate(mounts):
            if mount["type"] == "object_mount":
                obj = self.objects.get(mount["object_id"])
                if obj.state != "READ_ONLY":
                    raise bad_request(
                        f"invalid field `mounts[{n}].object_id`: object {obj.id} is {obj.state}: complete its upload first"
                    )
            elif mount["type"] == "agent_mount":  # the agent as it is now, whatever becomes of it
                mounts[n] = self.agents.resolve_mount(mount, f"mounts[{n}]")
        if lp is not None and lp.network_policy_id:
            self.network_policies.check_usable(lp.network_policy_id, "launch_parameters.network_policy_id")
        now = now_ms()
        rec = DevboxRecord(
            id=new_id("dbx"),
            create_time_ms=now,
            name=params.name,
            metadata=dict(params.metadata or {}),
            launch_parameters=lp.model_dump(mode="json", exclude_none=True) if lp else {},
            entrypoint=params.entrypoint,
            environment_variables=dict(params.environment_variables or {}),
            file_mounts=dict(params.file_mounts or {}),
            state_transitions=[{"status": "provisioning", "transition_time_ms": now}],
            keep_alive_since_ms=now,
            rootfs=self.images.base is not None,
            layers=list(layers),
            blueprint_id=blueprint_id,
            image_env=dict(image_env or {}),
            workdir=workdir,
            host_base=host_base,
            secrets=secrets,
            mounts=mounts,
            tunnel=None if params.tunnel is None else new_tunnel(params.tunnel, now_ms=now),
        )
        self.store.put_devbox(rec)
        live = LiveDevbox(rec.id, self.data_dir / "devboxes" / rec.id)
        self.live[rec.id] = live
        self._spawn(boot(self, live, resume=False))
        return rec

    def _spawn(self, coro: Awaitable[None]) -> None:
        async def run() -> None:
            await coro

        task = asyncio.create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop_live(self, live: LiveDevbox) -> None:
        """Ends a devbox's processes and closes its executions."""
        self.live.pop(live.id, None)
        self.store.forget_peeked(live.id)
        sandbox, live.sandbox = live.sandbox, None
        if sandbox is not None:
            try:
                await sandbox.stop()
            except Exception as exc:
                log.warning("stopping the sandbox of %s failed: %s", live.id, exc)
        network, live.network = live.network, None
        if network is not None:  # after the sandbox: nothing of the devbox is left in the namespace
            await network.close()
        await self.execs.close_all(live)

    async def shutdown(self, id: str, reason: str = "api_shutdown") -> DevboxRecord:
        """Shuts a devbox down (idempotent for a devbox that already ended).

        Its processes end and its files are deleted, as on the service (a failed devbox keeps
        its files, for a look at what went wrong).
        """
        rec = self.get(id)
        if rec.status in TERMINAL_STATUSES:
            return rec
        self._write_status(rec, "shutdown", now_ms(), shutdown_reason=reason)
        self.log(id, f"shutdown ({reason})")
        live = self.live.get(id)
        if live is not None:
            await self.stop_live(live)
        self._spawn(self._remove_files(self.data_dir / "devboxes" / id))
        return self.get(id)

    async def _remove_files(self, root: Path) -> None:
        """Deletes a shut-down devbox's folder (its root and disk unmounted first, its disk image
        deleted), then layers no one uses."""
        await asyncio.to_thread(unmount, root / "merged")
        await asyncio.to_thread(self.disks.remove, root.name)
        if root.exists():
            await asyncio.to_thread(shutil.rmtree, root, ignore_errors=True)
        await self.images.collect_garbage()

    async def suspend(self, id: str, reason: str | None = None) -> DevboxRecord:
        """Suspends a running devbox: its processes end, its files stay."""
        rec, live = self.require_running(id, "suspend")
        self._write_status(rec, "suspending", now_ms())
        await self.stop_live(live)
        self.advance(id, "suspended")
        self.log(id, "suspended" + (f" ({reason})" if reason else ""))
        return self.get(id)

    async def resume(self, id: str) -> DevboxRecord:
        """Resumes a suspended devbox in a fresh sandbox on its files (launch commands are not rerun)."""
        rec = self.get(id)
        if rec.status != "suspended":
            raise bad_request(f"cannot resume: devbox {id} is {rec.status}, not suspended")
        self._write_status(rec, "provisioning", now_ms())
        live = LiveDevbox(rec.id, self.data_dir / "devboxes" / rec.id)
        self.live[rec.id] = live
        self._spawn(boot(self, live, resume=True))
        return self.get(id)

    @staticmethod
    def check_launch_parameters(params: LaunchParameters) -> None:
        """Raises 400 for launch parameters a devbox could not start with (blueprints check theirs
        at build time, so a build never records what its devboxes would refuse)."""
        check_launch_parameters(params)

    def update(self, id: str, params: DevboxUpdateParameters) -> DevboxRecord:
        """Replaces a devbox's name and/or metadata."""
        rec = self.get(id)
        if params.name is not None:
            rec.name = params.name
        if params.metadata is not None:
            rec.metadata = dict(params.metadata)
        self.store.put_devbox(rec)
        return rec

    def keep_alive(self, id: str) -> None:
        """Restarts the keep-alive and idle timers of a running devbox."""
        rec, live = self.require_running(id, "keep alive")
        rec.keep_alive_since_ms = now_ms()
        self.store.put_devbox(rec)
        live.touch()

    async def reap_once(self) -> None:
        """Flushes pending output and applies keep-alive and idle timers once."""
        await self.reaper.reap_once()

    def entrypoint_exited(self, devbox_id: str) -> None:
        """Called when a devbox's entrypoint ends: the devbox shuts down (entrypoint_exit)."""
        rec = self.store.get_devbox(devbox_id)
        live = self.live.get(devbox_id)
        if self._closing or rec is None or rec.status != "running" or live is None:
            return
        self._spawn(self._shutdown_quietly(devbox_id, "entrypoint_exit"))

    async def _shutdown_quietly(self, id: str, reason: str) -> None:
        with contextlib.suppress(ApiError):
            await self.shutdown(id, reason)
