"""Pure decisions about images: the host system's share of a root, and what of it stays hidden."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

__all__ = ["HOST_DIRS", "SKELETON_DIRS", "HostPlan", "host_plan"]

HOST_DIRS = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc", "opt", "var")
"""Host folders a devbox's root is made of (those that exist; a symlink stays a symlink)."""
SKELETON_DIRS: Mapping[str, int] = {
    "home": 0o755,
    "root": 0o700,
    "tmp": 0o1777,
    "run": 0o755,
    "srv": 0o755,
    "mnt": 0o755,
    "media": 0o755,
    "proc": 0o555,
    "dev": 0o755,
    "sys": 0o555,
}
"""Empty top-level folders of every root (the devbox fills them; ``/proc``, ``/dev`` and ``/run``
are mounted fresh in the sandbox)."""
OPAQUE = ("var/tmp", "var/mail", "var/spool", "var/crash")
"""Host folders shown empty: scratch and mail of the host's users are none of a devbox's business."""


@dataclass(frozen=True)
class HostPlan:
    """The host system's part of every root."""

    overlays: tuple[str, ...]
    """Top-level host folders mounted as overlays of their own (``usr``, ``etc``, ...)."""
    symlinks: Mapping[str, str]
    """Top-level symlinks of the host kept as they are (``bin -> usr/bin``)."""
    whiteouts: tuple[str, ...]
    """Host files hidden (paths relative to ``/``)."""
    opaque: tuple[str, ...]
    """Host folders shown empty (relative to ``/``)."""


def host_plan(
    top: Mapping[str, str | None],
    private_files: Sequence[str],
    private_dirs: Sequence[str],
    data_dir: str,
) -> HostPlan:
    """Decides what of the host a root shows.

    Args:
        top: Host entries among ``HOST_DIRS`` that exist: name -> symlink target, or None for a folder.
        private_files: Absolute paths of host files other users may not read (hidden).
        private_dirs: Absolute paths of host folders other users may not list (shown empty).
        data_dir: The engine's data folder (absolute, resolved).

    Returns:
        The plan.

    Raises:
        ValueError: The data folder lies inside a host folder a root shows: its layers would be
            lower and upper folders of one overlay (the kernel refuses), and devboxes would see it.
    """
    overlays = tuple(name for name in HOST_DIRS if name in top and top[name] is None)
    data = PurePosixPath(data_dir)
    for name in overlays:
        if PurePosixPath("/" + name) in (data, *data.parents):
            raise ValueError(
                f"the data dir {data_dir} is inside /{name}, which every devbox's root is made of: "
                "put the data dir elsewhere (for example under /root or /srv)"
            )
    symlinks = {name: target for name, target in top.items() if target is not None}
    shown = tuple("/" + name + "/" for name in overlays)
    whiteouts = tuple(path.lstrip("/") for path in private_files if path.startswith(shown))
    opaque = [path.lstrip("/") for path in private_dirs if path.startswith(shown)]
    opaque += [path for path in OPAQUE if path.split("/")[0] in overlays]
    return HostPlan(overlays, symlinks, whiteouts, tuple(sorted(set(opaque))))
