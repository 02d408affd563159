"""A writable root on the host: its folders, its overlays, and the files the devbox needs in it."""

from __future__ import annotations

import os
from pathlib import Path

from ._bwrap import HOME, hostname_of
from ._rootfs_plan import mount_plan, upper_folders
from .contract import RootFs, SandboxError, SandboxSpec
from .etc_users import with_group, with_user, without_host_people
from .mounts import mount_overlay, unmount

__all__ = ["mount_root", "unmount_root"]


def _existing(rootfs: RootFs) -> set[Path]:
    found = set()
    for base in (*rootfs.layers, rootfs.mask):
        for name in rootfs.host_dirs:
            if (base / name).is_dir():
                found.add(base / name)
    return found


def mount_root(spec: SandboxSpec) -> Path:
    """Mounts the devbox's root at ``spec.rootfs.merged`` and writes its users and hosts files.

    Returns:
        The mount point.

    Raises:
        SandboxError: A folder could not be made or an overlay mounted (nothing stays mounted).
    """
    rootfs = spec.rootfs
    assert rootfs is not None
    unmount(rootfs.merged)  # left by an engine that was killed
    try:
        for folder in upper_folders(rootfs):
            folder.mkdir(parents=True, exist_ok=True)
        for mount in mount_plan(rootfs, _existing(rootfs)):
            mount_overlay(mount)
        if spec.accounts:
            _prepare(rootfs, spec)
    except (OSError, SandboxError) as exc:
        unmount(rootfs.merged)
        raise SandboxError(f"cannot mount the root of devbox {spec.devbox_id}: {exc}") from exc
    return rootfs.merged


def unmount_root(spec: SandboxSpec) -> None:
    """Unmounts the devbox's root (its files stay in the upper folder)."""
    if spec.rootfs is not None:
        unmount(spec.rootfs.merged)


def _prepare(rootfs: RootFs, spec: SandboxSpec) -> None:
    """Home, ``/tmp``, the user's accounts and the hosts files, through the mounted root."""
    merged = rootfs.merged
    home = merged / HOME.lstrip("/")
    if not home.is_dir():
        home.mkdir(parents=True)
        os.chown(home, spec.uid, spec.uid)
    tmp = merged / "tmp"
    tmp.mkdir(exist_ok=True)
    os.chmod(tmp, 0o1777)
    etc = merged / "etc"
    etc.mkdir(exist_ok=True)
    for name in ("passwd", "group"):
        path = etc / name
        text = path.read_text() if path.exists() else ""
        host = _from_host(rootfs, f"etc/{name}")
        if spec.uid == 0:  # root has its entries: only the host's people are left out
            new = without_host_people(text) if host else text
        elif name == "passwd":
            new = with_user(text, spec.username, spec.uid, HOME, from_host=host)
        else:
            new = with_group(text, spec.username, spec.uid, from_host=host)
        if new != text:
            _write(path, new)
    hostname = hostname_of(spec)
    _write(etc / "hostname", hostname + "\n")
    _write(
        etc / "hosts",
        f"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t{hostname}\n",
    )


def _from_host(rootfs: RootFs, rel: str) -> bool:
    """Whether a file of the root is the host's own (neither the devbox nor an image layer has it)."""
    return not any(os.path.lexists(base / rel) for base in (rootfs.upper, *rootfs.layers))


def _write(path: Path, text: str) -> None:
    """Replaces a file whole (a devbox never sees half of it)."""
    staging = path.with_name(f".{path.name}.runloop")
    staging.write_text(text)
    os.chmod(staging, 0o644)
    os.replace(staging, path)
