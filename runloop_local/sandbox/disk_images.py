"""Sparse ext4 images loop-mounted on the host (the engine runs as root): make, mount, unmount,
and sweep what a crashed engine left.

Each image's loop device is set up with autoclear (and direct I/O where it can be, see
:mod:`.loop_devices`), so unmounting an image frees its device as well; only a device whose
mount never happened (a crash between the two) is left, and :func:`sweep` detaches those.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
from pathlib import Path

from .disk_rules import mkfs_command, stale_devices
from .loop_devices import open_loop_device
from .mounts import mounts_under, unmount

__all__ = ["attach", "detach", "is_mounted", "probe", "sweep"]

_TIMEOUT = 60

logger = logging.getLogger(__name__)


def probe() -> str | None:
    """Whether images can be loop-mounted here; None when they can, else why not."""
    if os.geteuid() != 0:
        return "the engine does not run as root"
    if not os.path.exists("/dev/loop-control"):
        return "the kernel offers no loop devices (/dev/loop-control is missing)"
    for tool in ("mkfs.ext4", "mount", "losetup"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (e2fsprogs, util-linux)"
    return None


def _run(argv: list[str], pass_fds: tuple[int, ...] = ()) -> None:
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=_TIMEOUT, check=False, pass_fds=pass_fds
    )
    if done.returncode != 0:
        why = (done.stderr or done.stdout).strip() or f"exit status {done.returncode}"
        raise OSError(f"{argv[0]} failed: {why}")


def is_mounted(target: Path) -> bool:
    """Whether something is mounted exactly at ``target``."""
    return target in mounts_under(target)


def attach(image: Path, target: Path, size: int) -> bool:
    """Mounts ``image`` at ``target``, first making it (``size`` bytes, sparse) if it does not exist.

    Files already in ``target`` when a new image is made (a devbox made before disk images, or
    a snapshot's home put there before the first boot) are moved into the image.

    Returns:
        Whether the image was made now.

    Raises:
        OSError: The image could not be made or mounted, or the files did not fit (nothing is
            left mounted, and a new image is removed again).
    """
    if is_mounted(target):
        return False
    fresh = not image.exists()
    target.mkdir(parents=True, exist_ok=True)
    if fresh:
        image.parent.mkdir(parents=True, exist_ok=True)
        staging = image.with_name(f".{image.name}.new")
        try:
            with open(staging, "wb") as file:
                file.truncate(size)
            _run([*mkfs_command(staging)])
            os.replace(staging, image)  # a crash never leaves a half-made image under its name
        except BaseException:
            staging.unlink(missing_ok=True)
            raise
    # A handle on the folder as it is before the mount: its files stay reachable through it.
    below = os.open(target, os.O_PATH | os.O_DIRECTORY)
    try:
        _mount(image, target)
        try:
            if fresh:
                _move_in(below, target)
        except BaseException:
            unmount(target)
            image.unlink(missing_ok=True)
            raise
    finally:
        os.close(below)
    return fresh


def _move_in(below: int, target: Path) -> None:
    """Copies the files under the mount point into the mounted image, then removes them there."""
    hidden = Path(f"/proc/self/fd/{below}")
    names = os.listdir(hidden)
    if not names:
        return
    # cp inherits the handle under the same number, so the /proc/self/fd path means the same.
    _run(["cp", "-a", "--", *[str(hidden / name) for name in names], str(target)], pass_fds=(below,))
    for name in names:
        path = hidden / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def _mount(image: Path, target: Path) -> None:
    # noinit_itable: the kernel would zero the inode tables in the background (64 MiB of
    # writes for 4 GiB, slowing the next boots down); a sparse file reads zeros already.
    options = "noatime,noinit_itable"
    try:
        device, held = open_loop_device(image)
    except OSError as exc:
        logger.debug("mounting %s through mount -o loop (buffered): %s", image, exc)
        _run(["mount", "-t", "ext4", "-o", f"loop,{options}", str(image), str(target)])
        return
    try:
        _run(["mount", "-t", "ext4", "-o", options, device, str(target)])
    finally:
        os.close(held)  # the mount holds the device now; autoclear frees it at the unmount


def detach(target: Path) -> None:
    """Unmounts whatever is mounted at or below ``target`` (its loop device goes with it)."""
    unmount(target)


def _loop_backing() -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in Path("/sys/block").glob("loop*"):
        with contextlib.suppress(OSError):
            found[f"/dev/{entry.name}"] = (entry / "loop" / "backing_file").read_text().strip()
    return found


def _mounted_sources() -> set[str]:
    sources: set[str] = set()
    with contextlib.suppress(OSError), open("/proc/self/mountinfo") as info:
        for line in info:
            after = line.split(" - ", 1)[-1].split()
            if len(after) >= 2:
                sources.add(after[1])
    return sources


def sweep(mounts: Path, disks: Path) -> int:
    """Unmounts everything under ``mounts`` and detaches loop devices of images in ``disks`` that
    no mount uses (what a crashed engine left); returns how many mounts and devices it removed."""
    left = mounts_under(mounts)
    unmount(mounts)
    stale = stale_devices(_loop_backing(), disks, _mounted_sources())
    for device in stale:
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            _run(["losetup", "-d", device])
    return len(left) + len(stale)
