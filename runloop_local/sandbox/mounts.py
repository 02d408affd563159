"""Mounting and unmounting overlays on the host (the engine runs as root), through libc."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from pathlib import Path

from ._rootfs_plan import OverlayMount

__all__ = ["mount_overlay", "mounts_under", "probe_overlay", "unmount"]

_MNT_DETACH = 2
_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def mount_overlay(mount: OverlayMount) -> None:
    """Mounts one overlay.

    Raises:
        OSError: The kernel refused (the message names the target and the reason).
    """
    result = _libc.mount(b"overlay", os.fsencode(mount.target), b"overlay", 0, mount.options().encode())
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"mounting the overlay at {mount.target} failed: {os.strerror(errno)}")


def unmount(target: Path) -> None:
    """Detaches a mount and every mount below it (lazily: busy files do not stop it); gone is fine."""
    for path in sorted(mounts_under(target), key=lambda p: len(p.parts), reverse=True):
        _libc.umount2(os.fsencode(path), _MNT_DETACH)


def mounts_under(folder: Path) -> list[Path]:
    """The mount points at or below ``folder`` in this process's mount namespace."""
    found: list[Path] = []
    prefix = str(folder)
    try:
        with open("/proc/self/mountinfo") as info:
            for line in info:
                point = line.split()[4].replace("\\040", " ")
                if point == prefix or point.startswith(prefix + "/"):
                    found.append(Path(point))
    except OSError:
        return []
    return found


def probe_overlay(scratch: Path) -> str | None:
    """Whether overlays can be mounted here (root, a kernel with overlayfs, an upper folder on a
    file system that supports it); None when they can, else why not.

    Args:
        scratch: A folder on the file system that will hold the upper folders.
    """
    if os.geteuid() != 0:
        return "the engine does not run as root"
    if shutil.which("bwrap") is None:
        return "bubblewrap is not installed"
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix=".probe-") as tmp:
        base = Path(tmp)
        for name in ("lower", "upper", "work", "merged"):
            (base / name).mkdir()
        (base / "lower" / "file").write_text("lower")
        probe = OverlayMount(base / "merged", (base / "lower",), base / "upper", base / "work")
        try:
            mount_overlay(probe)
        except OSError as exc:
            return f"overlayfs cannot be mounted here: {exc.strerror}"
        try:
            (base / "merged" / "file").write_text("upper")
            if (base / "lower" / "file").read_text() != "lower":
                return "overlayfs wrote through to its lower layer"
        finally:
            unmount(base / "merged")
    return None
