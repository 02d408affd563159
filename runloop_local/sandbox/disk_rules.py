"""Loop-mounted ext4 images, as data: how to make one, which loop devices are stale. Pure."""

from __future__ import annotations

from pathlib import Path

__all__ = ["mkfs_command", "stale_devices"]


def mkfs_command(image: Path) -> list[str]:
    """Makes an ext4 file system in ``image`` (a sparse file of the disk's size) in about 10 ms.

    ``lazy_itable_init``/``lazy_journal_init``: the inode tables and journal are not zeroed (a
    fresh sparse file reads zeros anyway); ``-m 0``: no blocks reserved for root, since a
    devbox's root is the host's uid 0 and the size is the devbox's whole disk either way;
    ``nodiscard``: nothing to discard in a new sparse file.
    """
    return [
        "mkfs.ext4",
        "-q",
        "-F",
        "-m",
        "0",
        "-E",
        "lazy_itable_init=1,lazy_journal_init=1,nodiscard",
        str(image),
    ]


def stale_devices(backing: dict[str, str], disks: Path, mounted: set[str]) -> list[str]:
    """Loop devices of this data dir's images that no mount uses (left by a crashed engine).

    Args:
        backing: Each loop device (``/dev/loop3``) and its backing file as the kernel shows it
            (a deleted file ends with `` (deleted)``).
        disks: The data dir's images folder.
        mounted: Devices that are mounted somewhere.

    Returns:
        The devices to detach.
    """
    prefix = str(disks) + "/"
    return sorted(
        device
        for device, path in backing.items()
        if path.removesuffix(" (deleted)").startswith(prefix) and device not in mounted
    )
