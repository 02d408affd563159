"""Per-devbox disk caps: a sparse ext4 image per devbox with a writable root.

The image, ``<data dir>/disks/<id>.img`` (the size's disk GiB), is loop-mounted on the host at
the devbox's folder ``<data dir>/devboxes/<id>``, so its root's upper and work folders (every
write: home, ``/tmp``, packages) live on it and a write past the size fails with ``ENOSPC``
inside the devbox. It is made and mounted at the first boot and stays mounted while the devbox
is suspended or failed (a snapshot reads its upper folder), is unmounted when the engine stops
and mounted again at the next start, and is unmounted and deleted at shutdown. Mounts and loop
devices a crashed engine left are removed at start.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterable
from pathlib import Path

from ..sandbox import disk_images
from .records import DevboxRecord
from .sizes import DEFAULT_SIZE, GIB, SIZES, Size, size_of

__all__ = ["DISKS_FOLDER", "DiskPolicy", "disk_bytes", "image_path"]

log = logging.getLogger("runloop_local")

DISKS_FOLDER = "disks"
"""Under the data dir: the images (outside ``devboxes/``, so no image lies under its own mount)."""
NO_ROOT = "the devbox has no writable root"


def image_path(data_dir: Path, devbox_id: str) -> Path:
    """The image file of a devbox."""
    return data_dir / DISKS_FOLDER / f"{devbox_id}.img"


def disk_bytes(size: Size) -> int:
    """The disk size of a devbox: its size's, or the default size's for a custom size without
    ``custom_disk_size`` (as a devbox that asks for no size gets ``SMALL``)."""
    gib = size.disk_gib if size.disk_gib is not None else SIZES[DEFAULT_SIZE].disk_gib
    assert gib is not None
    return gib * GIB


class DiskPolicy:
    """The disk images of one engine's devboxes.

    Args:
        data_dir: The engine's data dir (absolute).
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.devboxes = data_dir / "devboxes"
        self.disks = data_dir / DISKS_FOLDER
        self.unavailable: str | None = disk_images.probe()
        """None when devboxes with a writable root get a disk image; else why not."""
        # A shutdown during a boot's attach must not leave the image mounted after its removal.
        self._lock = threading.Lock()
        self._removed: set[str] = set()

    def unenforced(self, rec: DevboxRecord) -> str | None:
        """Why a devbox's disk size is not enforced (None: it is)."""
        return self.unavailable or (None if rec.rootfs else NO_ROOT)

    def start(self, kept: Iterable[str], *, writable_roots: bool) -> None:
        """Removes mounts and loop devices a crashed engine left, then mounts the images of the
        devboxes whose files are kept (``kept``: their ids), so their folders hold their files.

        Args:
            kept: Ids of the devboxes whose files are kept.
            writable_roots: Whether this engine's devboxes get writable roots (an image holds one).
        """
        if self.unavailable is None and not writable_roots:
            self.unavailable = NO_ROOT
        if self.unavailable is not None:
            log.info("devbox disk sizes are not enforced (%s)", self.unavailable)
            return
        removed = disk_images.sweep(self.devboxes, self.disks)
        if removed:
            log.info("removed %d mounts and loop devices left by a previous engine", removed)
        for devbox_id in kept:
            image = image_path(self.data_dir, devbox_id)
            if image.exists():
                try:
                    disk_images.attach(image, self.devboxes / devbox_id, 0)
                except OSError as exc:  # its boot tries again and fails with the reason
                    log.warning("cannot mount the disk of devbox %s: %s", devbox_id, exc)

    def attach(self, rec: DevboxRecord) -> None:
        """Makes (at the first boot) and mounts a devbox's image, if it gets one (blocking).

        Raises:
            OSError: It could not be made or mounted.
        """
        if self.unenforced(rec) is not None:
            return
        size = disk_bytes(size_of(rec.launch_parameters))
        with self._lock:
            if rec.id in self._removed:
                raise OSError(f"devbox {rec.id} was shut down")
            disk_images.attach(image_path(self.data_dir, rec.id), self.devboxes / rec.id, size)

    def remove(self, devbox_id: str) -> None:
        """Unmounts a shut-down devbox's folder (and all below it) and deletes its image (blocking);
        its folder is then the host's and may be deleted."""
        with self._lock:
            self._removed.add(devbox_id)
            disk_images.detach(self.devboxes / devbox_id)
            with contextlib.suppress(FileNotFoundError):
                image_path(self.data_dir, devbox_id).unlink()

    def close(self) -> None:
        """Unmounts every devbox folder (the images stay for the next start)."""
        if self.unavailable is None:
            disk_images.detach(self.devboxes)
