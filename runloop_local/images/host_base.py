"""The host system as the base of every root: a skeleton of its top level, and a mask layer.

Built anew under ``<data dir>/images/host`` at each engine start (nothing is mounted then), in a
staging folder renamed into place. The mask hides, with overlay whiteouts and opaque folders,
what other users of the host may not read: root in a devbox is root of its user namespace and
would otherwise read, say, the host's ``/etc/shadow``. It also holds the base image's
``/etc/passwd`` and ``/etc/group``: the host's system accounts, without the host's people, with
the devbox user ``user`` (uid 1000).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..sandbox.etc_users import with_group, with_user
from ..sandbox.host_scan import private_entries, top_level
from .rules import HOST_DIRS, SKELETON_DIRS, HostPlan, host_plan

__all__ = ["HostBase", "build_host_base"]

_OPAQUE_XATTR = "trusted.overlay.opaque"
DEVBOX_USER, DEVBOX_UID = "user", 1000
"""The account every devbox of the base image has (commands run as it unless told otherwise)."""


@dataclass(frozen=True)
class HostBase:
    """The host system's part of every root, on disk."""

    skeleton: Path
    mask: Path
    host_dirs: tuple[str, ...]


def build_host_base(folder: Path, data_dir: Path) -> HostBase:
    """Builds the skeleton and the mask of the host system under ``folder``.

    Raises:
        ValueError: The data dir lies inside a host folder roots are made of.
        OSError: The folders could not be written.
    """
    top = top_level(HOST_DIRS)
    files: list[str] = []
    dirs: list[str] = []
    for name in ("etc", "var"):
        if top.get(name, "") is None:
            found = private_entries("/" + name)
            files += found[0]
            dirs += found[1]
    plan = host_plan(top, files, dirs, str(data_dir.resolve()))
    staging = folder.with_name(folder.name + ".staging")
    shutil.rmtree(staging, ignore_errors=True)
    _write(staging, plan)
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    return HostBase(folder / "skeleton", folder / "mask", plan.overlays)


def _write(base: Path, plan: HostPlan) -> None:
    skeleton, mask = base / "skeleton", base / "mask"
    skeleton.mkdir(parents=True)
    mask.mkdir()
    for name, mode in SKELETON_DIRS.items():
        (skeleton / name).mkdir()
        os.chmod(skeleton / name, mode)
    for name in plan.overlays:
        (skeleton / name).mkdir()
        (mask / name).mkdir()
    for name, target in plan.symlinks.items():
        (skeleton / name).symlink_to(target)
    for rel in plan.whiteouts:
        path = mask / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        os.mknod(path, 0o600 | 0o020000, os.makedev(0, 0))  # a character device 0/0 is a whiteout
    if "etc" in plan.overlays:  # the base image's accounts: the system's, and the devbox user
        for name in ("passwd", "group"):
            host = Path("/etc") / name
            text = host.read_text() if host.is_file() else ""
            if name == "passwd":
                content = with_user(text, DEVBOX_USER, DEVBOX_UID, "/home/user", from_host=True)
            else:
                content = with_group(text, DEVBOX_USER, DEVBOX_UID, from_host=True)
            (mask / "etc" / name).write_text(content)
            os.chmod(mask / "etc" / name, 0o644)
    for rel in plan.opaque:
        path = mask / rel
        path.mkdir(parents=True, exist_ok=True)
        os.setxattr(path, _OPAQUE_XATTR, b"y")
