"""The overlay mounts of a writable root, as data: pure functions of a ``RootFs``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .contract import RootFs, SandboxError

__all__ = ["OVERLAY_OPTIONS", "OverlayMount", "mount_plan", "upper_folders"]

OVERLAY_OPTIONS = "redirect_dir=off,index=off,metacopy=off,xino=off"
"""Plain overlays: an upper folder copied elsewhere works as a lower layer there (no redirects,
no index of inode numbers, no metadata-only copies)."""
MAX_OPTIONS = 4000
"""The kernel takes at most a page of mount options."""


@dataclass(frozen=True)
class OverlayMount:
    """One overlay: where, and of which folders."""

    target: Path
    lowers: tuple[Path, ...]
    """Top first."""
    upper: Path
    work: Path

    def options(self) -> str:
        """The ``mount -t overlay -o`` options."""
        lowers = ":".join(str(path) for path in self.lowers)
        for path in (*self.lowers, self.upper, self.work):
            if any(c in str(path) for c in ":,\\"):
                raise SandboxError(f"cannot mount an overlay of {path}: ':', ',' or '\\' in the path")
        return f"lowerdir={lowers},upperdir={self.upper},workdir={self.work},{OVERLAY_OPTIONS}"


def upper_folders(rootfs: RootFs) -> list[Path]:
    """Folders that must exist before mounting: the upper and work folders of every mount."""
    folders = [rootfs.upper, rootfs.work / "_root", rootfs.merged]
    for name in rootfs.host_dirs:
        folders += [rootfs.upper / name, rootfs.work / name]
    return folders


def mount_plan(rootfs: RootFs, existing: set[Path]) -> list[OverlayMount]:
    """The overlays of a root, in mount order (the root first, then one per host folder).

    Args:
        rootfs: The root.
        existing: Which ``layer / name`` folders exist (a layer that has no ``usr`` folder is
            left out of the ``/usr`` overlay's lower layers).

    Returns:
        The mounts.

    Raises:
        SandboxError: The options do not fit in a page (too many layers or too long paths).
    """
    mounts = [
        OverlayMount(rootfs.merged, (*rootfs.layers, rootfs.skeleton), rootfs.upper, rootfs.work / "_root")
    ]
    for name in rootfs.host_dirs:
        lowers = [layer / name for layer in rootfs.layers if layer / name in existing]
        if rootfs.mask / name in existing:
            lowers.append(rootfs.mask / name)
        lowers.append(Path("/") / name)
        mounts.append(
            OverlayMount(rootfs.merged / name, tuple(lowers), rootfs.upper / name, rootfs.work / name)
        )
    for mount in mounts:
        if len(mount.options()) > MAX_OPTIONS:
            raise SandboxError(
                f"the root of the devbox has too many layers ({len(rootfs.layers)}) to mount: "
                "build a blueprint that squashes them"
            )
    return mounts
