"""Blueprints: records, builds (one at a time, others queued), logs, and devboxes made from them.

A build plans the Dockerfile (``plan.py``), resolves its base (another blueprint by name, or the
engine's base image: this machine's system, with a log line saying so for any other FROM), then
runs the plan (``builder.py``). A build that fails is ``failed`` with a reason and its log says
why; one in progress when the engine stops is reported ``failed`` on the next start. The engine's
base image is a public blueprint of its own (``list_public``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from runloop_api.types import BlueprintBuildParameters, DevboxCreateParameters

from ..db.clock import now_ms
from ..db.ids import new_id
from ..devboxes.records import DevboxRecord
from ..devboxes.service import DevboxService
from ..http.errors import ApiError, bad_request
from ..images.debian import debian_suite
from ..objects.service import ObjectService
from ..sandbox.mounts import mounts_under, unmount
from .builder import Builder, BuildError
from .context import ContextError, unpack
from .dockerfile import DockerfileError
from .plan import Plan, plan_build
from .records import BlueprintRecord, BlueprintStore
from .rules import check_build_request, preview

__all__ = ["BASE_BLUEPRINT_ID", "BlueprintService"]

log = logging.getLogger("runloop_local")

BASE_BLUEPRINT_ID = "bpt_local_base"
BASE_NAME = "runloop-local-base"
_STOPPED = "the engine stopped before the build completed"
_BUILDING = frozenset({"queued", "provisioning", "building"})


class BlueprintService:
    """Blueprints of the devboxes of ``devboxes``; build contexts come from ``objects``."""

    def __init__(self, devboxes: DevboxService, objects: ObjectService) -> None:
        self.devboxes = devboxes
        self.objects = objects
        self.folder = devboxes.data_dir / "builds"
        self._store: BlueprintStore | None = None
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._slot = asyncio.Semaphore(1)
        devboxes.images.add_referrer(self._layers_in_use)

    @property
    def store(self) -> BlueprintStore:
        """The blueprint records.

        Raises:
            RuntimeError: Before :meth:`start`.
        """
        if self._store is None:
            raise RuntimeError("the blueprint service is not started")
        return self._store

    def start(self) -> None:
        """Opens the records; fails builds a previous engine left in progress; sweeps build folders."""
        self._store = BlueprintStore(self.devboxes.data_dir / "engine.sqlite3")
        for rec in self.store.all():
            if rec.status in _BUILDING:
                self._finish_failed(rec, "build_failed", _STOPPED)
        _remove_build_folder(self.folder)
        if self.store.get(BASE_BLUEPRINT_ID) is None:
            self.store.put(
                BlueprintRecord(
                    id=BASE_BLUEPRINT_ID,
                    create_time_ms=now_ms(),
                    name=BASE_NAME,
                    parameters={"name": BASE_NAME},
                    status="build_complete",
                    build_finish_time_ms=now_ms(),
                    public=True,
                )
            )

    async def close(self) -> None:
        """Stops builds in progress (they are recorded as failed) and closes the records."""
        for task in list(self._tasks.values()):
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- builds ---------------------------------------------------------------------------------

    def create(self, params: BlueprintBuildParameters) -> BlueprintRecord:
        """Records a blueprint and starts its build (queued behind the builds before it).

        Raises:
            ApiError: 400 for bad fields, 404 for an unknown base blueprint, 501 where the engine
                cannot build (no writable roots here) or for a field it cannot honour.
        """
        self._check(params)
        if self.devboxes.images.base is None:
            raise ApiError(
                501,
                f"createBlueprint needs writable roots, which this engine lacks: {self.devboxes.images.unavailable}",
            )
        base = self._base_of(params)
        rec = BlueprintRecord(
            id=new_id("bpt"),
            create_time_ms=now_ms(),
            name=params.name,
            parameters=params.model_dump(mode="json", exclude_none=True),
            metadata=dict(params.metadata or {}),
            base_blueprint_id=base.id if base is not None and not base.public else None,
        )
        self.store.put(rec)
        task = asyncio.create_task(self._build(rec.id, params, base))
        self._tasks[rec.id] = task
        task.add_done_callback(lambda _: self._tasks.pop(rec.id, None))
        return rec

    def _base_of(self, params: BlueprintBuildParameters) -> BlueprintRecord | None:
        if params.base_blueprint_id:
            return self.usable(params.base_blueprint_id, field="base_blueprint_id")
        if params.base_blueprint_name:
            return self.newest(params.base_blueprint_name, field="base_blueprint_name")
        return None

    async def _build(self, id: str, params: BlueprintBuildParameters, base: BlueprintRecord | None) -> None:
        rec = self.get(id)
        folder = self.folder / id
        made: set[str] = set()  # pinned against collection until the build's record says so

        def keep(layers: list[str]) -> None:
            made.update(layers)
            self._keep(rec, layers)

        try:
            async with self._slot:
                self._status(rec, "provisioning")
                plan, base_layers, base_key, host_base = await self._plan(rec, params, base)
                made.update(base_layers)
                context = await self._context(params, folder)
                self._status(rec, "building")
                builder = Builder(
                    self.devboxes.images,
                    self.store,
                    folder,
                    lambda level, message: self._log(id, level, message),
                    keep,
                    host_base,
                )
                layers = await builder.build(plan, base_layers, base_key, context)
        except (DockerfileError, ContextError) as exc:
            self._finish_failed(rec, "build_failed", str(exc))
        except BuildError as exc:
            self._finish_failed(rec, exc.reason, str(exc))
        except asyncio.CancelledError:
            self._finish_failed(rec, "build_failed", _STOPPED)
            raise
        except Exception as exc:  # a build must end failed, never stay "building"
            log.exception("the build of blueprint %s failed", id)
            self._finish_failed(rec, "build_failed", f"the engine failed: {exc!r}")
        else:
            rec.layers, rec.status, rec.build_finish_time_ms = layers, "build_complete", now_ms()
            rec.host_base = host_base
            rec.config = plan.config.to_json() if base is None else self._inherit(base, plan)
            self.store.put(rec)
            self._log(id, "info", f"build complete: {len(layers)} layers")
        finally:
            await asyncio.to_thread(_remove_build_folder, folder)
            self.devboxes.images.layers.unpin(made)
            if rec.status == "failed":
                await self.devboxes.images.collect_garbage()

    async def _plan(
        self, rec: BlueprintRecord, params: BlueprintBuildParameters, base: BlueprintRecord | None
    ) -> tuple[Plan, list[str], str, bool]:
        """The plan, and what it stands on: base layers (top first), their chain key, and whether
        they stand on the host system."""
        build_args = dict(params.build_args or {})
        plan = plan_build(
            params.dockerfile,
            build_args=build_args,
            file_mounts=dict(params.file_mounts or {}),
            setup_commands=list(params.system_setup_commands or []),
        )
        for note in plan.notes:
            self._log(rec.id, "warn", note)
        if base is not None and plan.base is not None:
            self._log(
                rec.id, "info", f"FROM {plan.base} is replaced by the base blueprint {base.name} ({base.id})"
            )
        elif plan.base is not None:
            base = self.store.newest_built(plan.base)
        if base is not None and not base.public:
            self._log(rec.id, "info", f"building on blueprint {base.name} ({base.id})")
            return plan, list(base.layers), "blueprint:" + ",".join(base.layers), base.host_base
        if plan.base == "scratch":
            return plan, [], "scratch", False
        suite = debian_suite(plan.base) if plan.base else None
        if suite is not None:
            why = self.devboxes.images.debian.unavailable()
            if why is None:
                layer, key = await self._debian_layer(rec.id, suite)
                return plan, [layer], key, False
            self._log(rec.id, "warn", f"FROM {plan.base}: no Debian base can be built here ({why})")
        if plan.base is not None:
            self._log(
                rec.id,
                "warn",
                f"FROM {plan.base}: the local engine builds on its base image (this machine's system) "
                "and pulls no images; name a blueprint, debian:<suite> or scratch",
            )
        return plan, [], "host:" + _host_identity(), True

    async def _debian_layer(self, id: str, suite: str) -> tuple[str, str]:
        """The layer of a Debian base in this data dir (copied from the machine's cache once)."""
        tree = await self.devboxes.images.debian.ensure(suite, lambda line: self._log(id, "info", line))
        key = f"debian:{suite}:{(tree / 'etc' / 'os-release').stat().st_mtime_ns}"
        layer = self.store.cached_layer(key)
        if layer is None or not self.devboxes.images.layers.path(layer).is_dir():
            self._log(id, "info", f"copying the Debian {suite} base into this engine's layers")
            layer = await self.devboxes.images.layers.capture(tree)
            self.store.cache_layer(key, layer)
        self._log(
            id, "info", f"FROM debian: a Debian {suite} base (minbase, with ca-certificates and python3)"
        )
        return layer, key

    def _inherit(self, base: BlueprintRecord, plan: Plan) -> dict[str, Any]:
        merged = base.image_config()
        own = plan.config
        merged.env = {**merged.env, **own.env}
        merged.labels = {**merged.labels, **own.labels}
        merged.exposed_ports = [*merged.exposed_ports, *own.exposed_ports]
        for name in ("workdir", "user", "cmd", "entrypoint"):
            if getattr(own, name) is not None:
                setattr(merged, name, getattr(own, name))
        return merged.to_json()

    async def _context(self, params: BlueprintBuildParameters, folder: Path) -> Path | None:
        if params.build_context is None:
            return None
        try:
            _, archive = self.objects.open_download(params.build_context.object_id)
        except ApiError as exc:
            raise ContextError(f"build_context: {exc.message}") from None
        with archive:
            left_out = await asyncio.to_thread(unpack, archive, folder / "context")
        if left_out:
            self._log(folder.name, "info", f".dockerignore left {left_out} paths of the build context out")
        return folder / "context"

    def _status(self, rec: BlueprintRecord, status: str) -> None:
        rec.status = status
        self.store.put(rec)

    def _keep(self, rec: BlueprintRecord, layers: list[str]) -> None:
        rec.layers = list(layers)
        self.store.put(rec)

    def _finish_failed(self, rec: BlueprintRecord, reason: str, message: str) -> None:
        rec.status, rec.failure_reason, rec.layers = "failed", reason, []
        rec.build_finish_time_ms = now_ms()
        self.store.put(rec)
        self._log(rec.id, "error", message)

    def _log(self, id: str, level: str, message: str) -> None:
        try:
            self.store.add_log(id, now_ms(), level, message)
        except sqlite3.Error as exc:  # a full disk: the build goes on (and fails as out_of_disk)
            log.warning("blueprint %s: a build log line was lost (%s): %s", id, exc, message)

    def _layers_in_use(self) -> set[str]:
        return {
            layer
            for rec in self.store.all()
            if rec.state != "deleted" and rec.status != "failed"
            for layer in rec.layers
        }

    # -- records --------------------------------------------------------------------------------

    def get(self, id: str) -> BlueprintRecord:
        """A blueprint (also a deleted one).

        Raises:
            ApiError: 404 for an unknown id.
        """
        rec = self.store.get(id)
        if rec is None:
            raise ApiError(404, f"blueprint {id!r} not found")
        return rec

    def usable(self, id: str, *, field: str) -> BlueprintRecord:
        """A blueprint devboxes and builds can stand on.

        Raises:
            ApiError: 404 unknown or deleted; 400 not built (yet).
        """
        rec = self.store.get(id)
        if rec is None or rec.state == "deleted":
            raise ApiError(404, f"invalid `{field}`: blueprint {id!r} not found")
        if rec.status != "build_complete":
            why = (
                f"its build {rec.status}"
                if rec.status == "failed"
                else f"it is {rec.status}; wait for its build"
            )
            raise bad_request(f"invalid `{field}`: blueprint {id} cannot be used: {why}")
        return rec

    def newest(self, name: str, *, field: str) -> BlueprintRecord:
        """The newest built blueprint of a name.

        Raises:
            ApiError: 404 when no blueprint of that name has a completed build.
        """
        rec = self.store.newest_built(name)
        if rec is None:
            raise ApiError(404, f"invalid `{field}`: no blueprint named {name!r} has a completed build")
        return rec

    async def delete(self, id: str) -> None:
        """Deletes a blueprint (its layers go once no devbox or snapshot uses them).

        Raises:
            ApiError: 404 unknown or deleted; 400 for the public base image; 409 while building.
        """
        rec = self.get(id)
        if rec.state == "deleted":
            raise ApiError(404, f"blueprint {id!r} not found: it was deleted")
        if rec.public:
            raise bad_request(f"blueprint {id} is the engine's public base image; it cannot be deleted")
        if rec.status in _BUILDING:
            raise ApiError(
                409, f"cannot delete blueprint {id}: it is {rec.status}; wait until its build ends"
            )
        rec.state = "deleted"
        self.store.put(rec)
        await self.devboxes.images.collect_garbage()

    def _check(self, params: BlueprintBuildParameters) -> None:
        check_build_request(params)
        if params.launch_parameters is not None:
            self.devboxes.check_launch_parameters(params.launch_parameters)

    def preview(self, params: BlueprintBuildParameters) -> str:
        """The Dockerfile a create with ``params`` would build.

        Raises:
            ApiError: As :meth:`create`'s checks.
        """
        self._check(params)
        base = self._base_of(params)
        return preview(params, base.name if base is not None else BASE_NAME)

    # -- devboxes -------------------------------------------------------------------------------

    async def create_devbox(self, params: DevboxCreateParameters) -> DevboxRecord:
        """Creates a devbox from ``blueprint_id`` or the newest built blueprint ``blueprint_name``.

        The blueprint's launch parameters are the devbox's defaults; its image's environment and
        working folder apply to every command.

        Raises:
            ApiError: 400 both given, or the blueprint is not built; 404 unknown.
        """
        if params.blueprint_id and params.blueprint_name:
            raise bad_request("give `blueprint_id` or `blueprint_name`, not both")
        if params.snapshot_id:
            raise bad_request("give `snapshot_id` or a blueprint, not both")
        if params.blueprint_id:
            bp = self.usable(params.blueprint_id, field="blueprint_id")
        else:
            assert params.blueprint_name is not None
            bp = self.newest(params.blueprint_name, field="blueprint_name")
        launch = dict(bp.parameters.get("launch_parameters") or {})
        if params.launch_parameters is not None:
            launch.update(params.launch_parameters.model_dump(mode="json", exclude_none=True))
        rest = params.model_copy(update={"blueprint_id": None, "blueprint_name": None})
        if launch:
            rest = rest.model_copy(
                update={
                    "launch_parameters": type(params)
                    .model_validate({"launch_parameters": launch})
                    .launch_parameters
                }
            )
        config = bp.image_config()
        return await self.devboxes.create(
            rest,
            layers=bp.layers,
            blueprint_id=None if bp.public else bp.id,
            image_env=config.env,
            workdir=config.workdir,
            host_base=bp.host_base,
        )


def _host_identity() -> str:
    """Changes when the host's packages change (cached layers built on the old system are not reused)."""
    hasher = hashlib.sha256()
    with contextlib.suppress(OSError):
        hasher.update(Path("/var/lib/dpkg/status").read_bytes())
    return hasher.hexdigest()


def _remove_build_folder(folder: Path) -> None:
    """Removes a build's scratch folder, unmounting first any root a cut-off step left mounted."""
    for mount in mounts_under(folder):
        unmount(mount)
    shutil.rmtree(folder, ignore_errors=True)
