"""Disk snapshots: taking them from devboxes, and starting new devboxes from them.

A devbox with a writable root is snapshotted whole: its upper folder (every write, deletions
as whiteouts, owners and modes) is copied, with its processes paused, into a new image layer;
the snapshot is that layer over the layers the devbox stood on, and a devbox made from it
stands on them with an empty upper folder of its own (no copy). Layers stay while any
snapshot or devbox uses them. A devbox without one (an engine that cannot mount overlays) is
snapshotted as a copy of its ``/home/user`` into ``<data dir>/snapshots/<id>/home``.

Copies go to a staging folder renamed into place once complete, so there is never a half
snapshot: a failed copy leaves no files and the record says ``error`` with the reason. Records
are in the engine's SQLite database; a snapshot that was in progress when the engine stopped is
reported ``error`` on the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from pathlib import Path

from runloop_api.types import DevboxCreateParameters, DevboxSnapshotRequest

from ..db.clock import now_ms
from ..db.ids import new_id
from ..devboxes.create_rules import UNSUPPORTED_CREATE_FIELDS, check_create_params
from ..devboxes.records import DevboxRecord
from ..devboxes.service import DevboxService
from ..http.errors import ApiError, bad_request
from ..images.tree_copy import CopyError, chown_tree, copy_tree, remove_tree, tree_size
from ..sandbox.contract import PausableSandbox
from .records import MetadataFilter, SnapshotRecord, SnapshotStore
from .rules import SNAPSHOTTABLE_STATUSES, check_snapshot_request, check_snapshottable, check_usable

__all__ = ["SnapshotService"]

log = logging.getLogger("runloop_local")

_CLOSE_WAIT_SECONDS = 10.0
_STOPPED = "the engine stopped before the snapshot completed"


class SnapshotService:
    """Disk snapshots of the devboxes of ``devboxes``.

    Args:
        devboxes: The devbox service (its data dir and devbox records).
    """

    def __init__(self, devboxes: DevboxService) -> None:
        self.devboxes = devboxes
        self.folder = devboxes.data_dir / "snapshots"
        self._store: SnapshotStore | None = None
        devboxes.images.add_referrer(self._layers_in_use)
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._closing = False

    @property
    def store(self) -> SnapshotStore:
        """The snapshot records.

        Raises:
            RuntimeError: Before :meth:`start`.
        """
        if self._store is None:
            raise RuntimeError("the snapshot service is not started")
        return self._store

    # -- start and stop -------------------------------------------------------------------------

    def start(self) -> None:
        """Opens the records; reports snapshots a previous engine left in progress as failed.

        Also removes files no complete snapshot owns (staging copies, half-deleted snapshots);
        a failed snapshot's layer goes with the engine's first layer collection.
        """
        self._store = SnapshotStore(self.devboxes.data_dir / "engine.sqlite3")
        for rec in self.store.with_status("in_progress"):
            self._fail(rec, _STOPPED)
        remove_tree(self.folder / ".staging")
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                owner = self.store.get(path.name)
                if owner is None or owner.status != "complete":
                    remove_tree(path)

    async def close(self) -> None:
        """Lets snapshots in progress finish (a few seconds at most), fails the rest, closes."""
        self._closing = True
        tasks = list(self._tasks.values())
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=_CLOSE_WAIT_SECONDS)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- taking snapshots -----------------------------------------------------------------------

    async def snapshot(self, devbox_id: str, body: DevboxSnapshotRequest, *, wait: bool) -> SnapshotRecord:
        """Starts a snapshot of a devbox's disk; with ``wait``, returns once it is complete.

        Raises:
            ApiError: 404 unknown devbox; 400 for a devbox not running or suspended, for invalid
                fields, or (with ``wait``) when the copy failed.
        """
        check_snapshot_request(body)
        devbox = self.devboxes.get(devbox_id)
        check_snapshottable(devbox_id, devbox.status)
        if self._closing:
            raise ApiError(503, "the engine is stopping; take the snapshot after it restarts")
        rec = SnapshotRecord(
            id=new_id("snp"),
            create_time_ms=now_ms(),
            source_devbox_id=devbox_id,
            name=body.name,
            commit_message=body.commit_message,
            metadata=dict(body.metadata or {}),
            source_blueprint_id=devbox.blueprint_id,
            image_env=dict(devbox.image_env),
            workdir=devbox.workdir,
            host_base=devbox.host_base,
        )
        self.store.put(rec)
        take = self._take_root(rec, devbox) if devbox.rootfs else self._take(rec, self._devbox_home(devbox))
        task = asyncio.create_task(take)
        self._tasks[rec.id] = task
        task.add_done_callback(lambda _: self._tasks.pop(rec.id, None))
        if not wait:
            return rec
        await asyncio.shield(task)  # a client that hangs up does not stop the copy
        done = self.store.get(rec.id) or rec
        if done.status != "complete":
            raise bad_request(f"the snapshot {rec.id} of devbox {devbox_id} failed: {done.error_message}")
        return done

    def _devbox_home(self, devbox: DevboxRecord) -> Path:
        return self.devboxes.data_dir / "devboxes" / devbox.id / "home"

    async def _take(self, rec: SnapshotRecord, source: Path) -> None:
        staging = self._staging_path()
        try:
            staging.mkdir()
            await copy_tree(source, staging / "home")
            size = await asyncio.to_thread(tree_size, staging / "home")
            self._check_still_wanted(rec)
            staging.rename(self.folder / rec.id)  # atomic: the snapshot appears whole or not at all
        except (CopyError, OSError) as exc:
            await asyncio.to_thread(remove_tree, staging)
            log.warning("snapshot %s of devbox %s failed: %s", rec.id, rec.source_devbox_id, exc)
            self._fail(rec, f"copying the devbox's files failed: {exc}")
            return
        except asyncio.CancelledError:
            await asyncio.to_thread(remove_tree, staging)
            self._fail(rec, _STOPPED)
            raise
        rec.status, rec.size_bytes = "complete", size
        self.store.put(rec)

    async def _take_root(self, rec: SnapshotRecord, devbox: DevboxRecord) -> None:
        upper = self.devboxes.data_dir / "devboxes" / devbox.id / "upper"
        try:
            live = self.devboxes.live.get(devbox.id)
            sandbox = live.sandbox if live is not None else None
            paused = sandbox.paused() if isinstance(sandbox, PausableSandbox) else contextlib.nullcontext()
            async with paused:  # a consistent disk: no process writes while it is copied
                layer = await self.devboxes.images.layers.capture(upper)
            rec.layers = [layer, *devbox.layers]
            self.store.put(rec)
            self.devboxes.images.layers.unpin([layer])  # the record holds it now
            size = await asyncio.to_thread(tree_size, self.devboxes.images.layers.path(layer))
            self._check_still_wanted(rec)
        except (CopyError, OSError) as exc:
            log.warning("snapshot %s of devbox %s failed: %s", rec.id, devbox.id, exc)
            self._fail(rec, f"copying the devbox's disk failed: {exc}")
            await self.devboxes.images.collect_garbage()
            return
        except asyncio.CancelledError:
            self._fail(rec, _STOPPED)
            raise
        rec.status, rec.size_bytes = "complete", size
        self.store.put(rec)

    def _check_still_wanted(self, rec: SnapshotRecord) -> None:
        """After a copy: the snapshot was not deleted meanwhile, nor its devbox shut down (a
        shutdown deletes the devbox's files, so a copy that raced it may have missed some).

        Raises:
            CopyError: Either happened.
        """
        current = self.store.get(rec.id)
        if current is None or current.status != "in_progress":
            raise CopyError("the snapshot was deleted while it was being taken")
        devbox = self.devboxes.store.get_devbox(rec.source_devbox_id)
        if devbox is None or devbox.status not in SNAPSHOTTABLE_STATUSES:
            status = devbox.status if devbox else "gone"
            raise CopyError(f"the devbox became {status} while its files were being copied")

    def _layers_in_use(self) -> set[str]:
        """Layers of the snapshots that are complete (or being taken)."""
        return {
            layer
            for status in ("complete", "in_progress")
            for rec in self.store.with_status(status)
            for layer in rec.layers
        }

    def _fail(self, rec: SnapshotRecord, message: str) -> None:
        """Records a failed snapshot; it holds no layer (the collector takes the one it made)."""
        rec.status, rec.error_message, rec.layers = "error", message, []
        self.store.put(rec)

    def _staging_path(self) -> Path:
        staging = self.folder / ".staging"
        staging.mkdir(parents=True, exist_ok=True)
        return staging / secrets.token_hex(8)

    # -- records --------------------------------------------------------------------------------

    def get(self, id: str) -> SnapshotRecord:
        """The record of a snapshot (also a deleted one).

        Raises:
            ApiError: 404 for an unknown id.
        """
        rec = self.store.get(id)
        if rec is None:
            raise ApiError(404, f"snapshot {id!r} not found")
        return rec

    def update(self, id: str, body: DevboxSnapshotRequest) -> SnapshotRecord:
        """Replaces the name, commit message and/or the whole metadata of a snapshot.

        Raises:
            ApiError: 404 for an unknown or deleted snapshot; 400 for invalid fields.
        """
        check_snapshot_request(body)
        rec = self.get(id)
        if rec.status == "deleted":
            raise ApiError(404, f"snapshot {id!r} not found: it was deleted")
        if body.name is not None:
            rec.name = body.name
        if body.commit_message is not None:
            rec.commit_message = body.commit_message
        if body.metadata is not None:
            rec.metadata = dict(body.metadata)
        self.store.put(rec)
        return rec

    async def delete(self, id: str) -> None:
        """Deletes a snapshot and its files (devboxes created from it keep their own copies).

        Raises:
            ApiError: 404 for an unknown or deleted snapshot; 409 while it is in progress.
        """
        rec = self.get(id)
        if rec.status == "deleted":
            raise ApiError(404, f"snapshot {id!r} not found: it was deleted")
        if rec.status == "in_progress":
            raise ApiError(409, f"cannot delete snapshot {id}: it is in progress; wait until it completes")
        rec.status = "deleted"
        self.store.put(rec)
        await self.devboxes.images.collect_garbage()
        files = self.folder / id
        if files.exists():
            # Out of the way at once; removed in the background (or on the next start).
            trash = self._staging_path()
            files.rename(trash)
            await asyncio.to_thread(remove_tree, trash)

    def page(
        self,
        *,
        devbox_id: str | None,
        metadata: list[MetadataFilter],
        limit: int,
        starting_after: str | None,
        blueprint_id: str | None = None,
    ) -> tuple[list[SnapshotRecord], bool, int]:
        """One page of snapshots (not deleted), newest first; see :meth:`SnapshotStore.page`.

        Raises:
            ApiError: 400 for an unknown ``starting_after``.
        """
        if starting_after is not None and self.store.get(starting_after) is None:
            raise bad_request(f"invalid query parameter `starting_after`: no snapshot {starting_after!r}")
        return self.store.page(
            devbox_id=devbox_id,
            metadata=metadata,
            limit=limit,
            starting_after=starting_after,
            blueprint_id=blueprint_id,
        )

    # -- devboxes from snapshots ----------------------------------------------------------------

    async def create_devbox(self, params: DevboxCreateParameters) -> DevboxRecord:
        """Creates a devbox, with the files of ``params.snapshot_id`` when given.

        The snapshot is copied before the devbox is recorded, so a failed copy records nothing.

        Raises:
            ApiError: 400/501 for invalid or unsupported fields; 404 unknown snapshot; 400 for a
                snapshot not complete, or whose files could not be copied.
        """
        snapshot_id = params.snapshot_id
        if snapshot_id is None:
            return await self.devboxes.create(params)
        rest = params.model_copy(update={"snapshot_id": None})
        check_create_params(rest, UNSUPPORTED_CREATE_FIELDS)
        snapshot = check_usable(self.store.get(snapshot_id), snapshot_id, action="create a devbox from it")
        if snapshot.layers:
            if self.devboxes.images.base is None:
                raise bad_request(
                    f"cannot create a devbox from snapshot {snapshot_id}: it is a whole disk, and this "
                    f"engine cannot mount one ({self.devboxes.images.unavailable})"
                )
            return await self.devboxes.create(
                rest,
                layers=snapshot.layers,
                blueprint_id=snapshot.source_blueprint_id,
                image_env=snapshot.image_env,
                workdir=snapshot.workdir,
                host_base=snapshot.host_base,
            )
        staging = self._staging_path()
        try:
            await copy_tree(self.folder / snapshot_id / "home", staging)
        except (CopyError, OSError) as exc:
            await asyncio.to_thread(remove_tree, staging)
            check_usable(self.store.get(snapshot_id), snapshot_id, action="create a devbox from it")
            raise bad_request(f"cannot create a devbox from snapshot {snapshot_id}: {exc}") from None
        except BaseException:
            await asyncio.to_thread(remove_tree, staging)
            raise
        try:
            # A delete during the copy may have removed files before cp reached them.
            check_usable(self.store.get(snapshot_id), snapshot_id, action="create a devbox from it")
            rec = await self.devboxes.create(rest)
            # No await between create() and here: the boot task create() spawned has not run
            # yet, so it finds the snapshot's files as the devbox's home.
            root = self.devboxes.data_dir / "devboxes" / rec.id
            home = root / "upper" / "home" / "user" if rec.rootfs else root / "home"
            home.parent.mkdir(parents=True, exist_ok=True)
            staging.rename(home)
            if rec.rootfs:  # a home-only snapshot under a writable root: the files are the user's
                owner = self.devboxes.folders(rec).owner
                assert owner is not None
                chown_tree(home, owner)
        except BaseException:
            remove_tree(staging)
            raise
        return rec
