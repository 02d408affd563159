"""Where a devbox's cgroups go and what is written in them: pure functions of ``/proc`` texts.

cgroup v2 (one unified hierarchy) is used where it has the ``memory``, ``cpu`` and ``pids``
controllers; otherwise each controller's v1 hierarchy. A devbox's cgroups nest under the
engine's own cgroup (``<engine cgroup>/<scope>/<devbox id>``), so whatever limits the engine
itself lives under still hold for its devboxes, and the engine never moves a process that is
not a devbox's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .contract import ResourceLimits

__all__ = [
    "CONTROLLERS",
    "CPU_PERIOD_US",
    "Hierarchy",
    "Layout",
    "find_layout",
    "limit_files",
    "v2_dir",
]

CONTROLLERS = ("memory", "cpu", "pids")
"""The controllers a devbox's limits need."""
CPU_PERIOD_US = 100_000
"""The CFS period: a devbox of N cores may run N x 100 ms in every 100 ms."""


@dataclass(frozen=True)
class Hierarchy:
    """One cgroup hierarchy the engine's limits use."""

    controllers: tuple[str, ...]
    """The controllers of :data:`CONTROLLERS` it carries."""
    engine_dir: Path
    """The engine's own cgroup in it (the devboxes' cgroups nest under it)."""


@dataclass(frozen=True)
class Layout:
    """How limits are set on this machine."""

    version: Literal[1, 2]
    hierarchies: tuple[Hierarchy, ...]


def _mounts(mountinfo: str) -> list[tuple[str, str, str, set[str]]]:
    """``(fstype, mount root, mount point, super options)`` of each cgroup mount."""
    found = []
    for line in mountinfo.splitlines():
        left, sep, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if not sep or len(fields) < 5 or len(tail) < 3 or tail[0] not in ("cgroup", "cgroup2"):
            continue
        point = fields[4].replace("\\040", " ")
        found.append((tail[0], fields[3], point, set(tail[2].split(","))))
    return found


def _own_paths(proc_cgroup: str) -> dict[str, str]:
    """The process's cgroup path per v1 controller, and under ``""`` its v2 path."""
    paths: dict[str, str] = {}
    for line in proc_cgroup.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        for name in parts[1].split(",") if parts[1] else [""]:
            paths[name] = parts[2]
    return paths


def _join(point: str, root: str, own: str) -> Path:
    """The folder of cgroup ``own`` in a hierarchy mounted at ``point`` from its ``root``."""
    rel = own[len(root) :] if root != "/" and own.startswith(root) else own
    return Path(point) / rel.lstrip("/")


def v2_dir(mountinfo: str, proc_cgroup: str) -> Path | None:
    """The process's own cgroup v2 folder (None: no cgroup2 file system is mounted)."""
    v2 = next((m for m in _mounts(mountinfo) if m[0] == "cgroup2"), None)
    own = _own_paths(proc_cgroup)
    return None if v2 is None or "" not in own else _join(v2[2], v2[1], own[""])


def find_layout(mountinfo: str, proc_cgroup: str, v2_controllers: str | None) -> Layout | str:
    """Where the engine can put its devboxes' cgroups.

    Args:
        mountinfo: ``/proc/self/mountinfo``.
        proc_cgroup: ``/proc/self/cgroup``.
        v2_controllers: ``cgroup.controllers`` of the engine's own v2 cgroup (None: no v2 mount).

    Returns:
        The layout, or why there is none (a sentence naming what is missing).
    """
    mounts, own = _mounts(mountinfo), _own_paths(proc_cgroup)
    v2 = next((m for m in mounts if m[0] == "cgroup2"), None)
    if v2 is not None and v2_controllers is not None and "" in own:
        available = set(v2_controllers.split())
        if all(name in available for name in CONTROLLERS):
            return Layout(2, (Hierarchy(CONTROLLERS, _join(v2[2], v2[1], own[""])),))
    hierarchies: list[Hierarchy] = []
    for name in CONTROLLERS:
        mount = next((m for m in mounts if m[0] == "cgroup" and name in m[3]), None)
        if mount is None or name not in own:
            break
        carried = tuple(c for c in CONTROLLERS if c in mount[3])
        if not any(h.controllers == carried for h in hierarchies):
            hierarchies.append(Hierarchy(carried, _join(mount[2], mount[1], own[name])))
    else:
        return Layout(1, tuple(hierarchies))
    missing = [name for name in CONTROLLERS if not any(m[0] == "cgroup" and name in m[3] for m in mounts)]
    if v2 is None and len(missing) == len(CONTROLLERS):
        return "no cgroup file system is mounted"
    return f"the cgroup controllers {', '.join(missing or CONTROLLERS)} are not available"


def limit_files(
    version: Literal[1, 2], controllers: tuple[str, ...], limits: ResourceLimits
) -> dict[str, str]:
    """The files to write in a devbox's cgroup of one hierarchy, in order, and their values."""
    files: dict[str, str] = {}
    quota = max(1000, round(limits.cpu_cores * CPU_PERIOD_US))
    if version == 2:
        files["memory.max"] = str(limits.memory_bytes)
        files["memory.swap.max"] = "0"
        files["cpu.max"] = f"{quota} {CPU_PERIOD_US}"
        files["pids.max"] = str(limits.pids)
        return files
    if "memory" in controllers:
        files["memory.limit_in_bytes"] = str(limits.memory_bytes)
    if "cpu" in controllers:
        files["cpu.cfs_period_us"] = str(CPU_PERIOD_US)
        files["cpu.cfs_quota_us"] = str(quota)
    if "pids" in controllers:
        files["pids.max"] = str(limits.pids)
    return files
