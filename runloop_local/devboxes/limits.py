"""Which limits a devbox's sandbox gets, and what the engine says it cannot enforce."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from ..sandbox import cgroups
from ..sandbox.contract import ResourceLimits
from .records import DevboxRecord
from .sizes import Size, size_of

__all__ = ["LimitsPolicy", "limits_notice"]

log = logging.getLogger("runloop_local")


def limits_notice(size: Size, unenforced: str | None, version: int | None) -> str:
    """The devbox log line saying what its size means here and what is not enforced."""
    disk = "no disk size" if size.disk_gib is None else f"{size.disk_gib} GiB disk"
    if unenforced is None:
        return (
            f"resource limits {size.describe()} (cgroup v{version}); not enforced: {disk} "
            "(the engine has no per-devbox disk cap)"
        )
    return (
        f"resource size {size.describe()}: only memory is limited, per process ({size.memory_gib} "
        f"GiB RLIMIT_DATA); not enforced: {size.cpu_cores:g} vCPU, {size.pids} processes, {disk} "
        f"({unenforced})"
    )


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
                "process only (RLIMIT_DATA); no devbox has a disk cap",
                self.unenforced,
            )
        else:
            log.info("devbox limits: cgroup v%s for CPU, memory and processes; no disk cap", self.version)

    def close(self) -> None:
        """Removes the scope's folders (each devbox's cgroups went with its sandbox)."""
        found = cgroups.layout()
        cgroups.sweep(found, self.scope)
        cgroups.close_scope(found, self.scope)

    def for_record(self, rec: DevboxRecord) -> tuple[ResourceLimits, str]:
        """The limits of a devbox's sandbox, and the log line saying what they are."""
        size = size_of(rec.launch_parameters)
        limits = ResourceLimits(size.cpu_cores, size.memory_bytes, size.pids, scope=self.scope)
        return limits, limits_notice(size, self.unenforced, self.version)
