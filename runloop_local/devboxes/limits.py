"""Which limits a devbox's sandbox gets, and what the engine says it cannot enforce."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from ..sandbox import cgroups
from ..sandbox.contract import ResourceLimits
from .disks import disk_bytes
from .records import DevboxRecord
from .sizes import GIB, Size, size_of

__all__ = ["LimitsPolicy", "limits_notice"]

log = logging.getLogger("runloop_local")


def limits_notice(size: Size, unenforced: str | None, version: int | None, disk: str | None) -> str:
    """The devbox log line saying what its size means here and what is not enforced.

    Args:
        size: The devbox's size.
        unenforced: Why CPU, memory and processes are not limited by cgroups (None: they are).
        version: The cgroup version, where they are.
        disk: Why its disk size is not enforced (None: it has a disk image of that size).
    """
    gib = disk_bytes(size) // GIB
    capped = f", {gib} GiB disk (ext4 image)" if disk is None else ""
    loose = [] if disk is None else [f"{gib} GiB disk ({disk})"]
    if unenforced is None:
        text = f"resource limits {size.describe()} (cgroup v{version}){capped}"
    else:
        text = (
            f"resource size {size.describe()}: only memory is limited, per process ({size.memory_gib} "
            f"GiB RLIMIT_DATA){capped}"
        )
        loose.insert(0, f"{size.cpu_cores:g} vCPU, {size.pids} processes ({unenforced})")
    return text + (f"; not enforced: {', '.join(loose)}" if loose else "")


class LimitsPolicy:
    """The limits of one engine's devboxes (its cgroups live under a scope named by its data dir).

    Args:
        data_dir: The engine's data dir (two engines never share a scope, so neither sweeps the
            other's cgroups).
    """

    def __init__(self, data_dir: Path) -> None:
        digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:12]
        self.scope = f"runloop-local-{digest}"
        found = cgroups.layout()
        self.unenforced: str | None = found if isinstance(found, str) else None
        """None when CPU, memory and processes are limited per devbox; else why not."""
        self.version = None if isinstance(found, str) else found.version

    def start(self) -> None:
        """Sweeps cgroups a crashed engine of this data dir left and says what is not enforced."""
        found = cgroups.layout()
        swept = cgroups.sweep(found, self.scope)
        if swept:
            log.info("removed %d cgroups left by a previous engine", swept)
        if self.unenforced is not None:
            log.warning(
                "devbox CPU, memory and process limits are not enforced (%s): memory is limited per "
                "process only (RLIMIT_DATA)",
                self.unenforced,
            )
        else:
            log.info("devbox limits: cgroup v%s for CPU, memory and processes", self.version)

    def close(self) -> None:
        """Removes the scope's folders (each devbox's cgroups went with its sandbox)."""
        found = cgroups.layout()
        cgroups.sweep(found, self.scope)
        cgroups.close_scope(found, self.scope)

    def for_record(self, rec: DevboxRecord, disk: str | None) -> tuple[ResourceLimits, str]:
        """The limits of a devbox's sandbox, and the log line saying what they are (``disk``: why
        its disk size is not enforced, None when it has a disk image)."""
        size = size_of(rec.launch_parameters)
        limits = ResourceLimits(size.cpu_cores, size.memory_bytes, size.pids, scope=self.scope)
        return limits, limits_notice(size, self.unenforced, self.version, disk)
