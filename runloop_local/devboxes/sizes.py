"""Devbox sizes (``launch_parameters.resource_size_request``) and the limits they mean. Pure.

The service's documented sizes (vCPU, memory GiB, disk GiB); without a request a devbox is
``SMALL``, as on the service. ``CUSTOM_SIZE`` takes ``custom_cpu_cores`` (0.5, 1 or a multiple
of 2, at most 16) and ``custom_gb_memory`` (1 or a multiple of 2, at most 64), and optionally
``custom_disk_size`` (a multiple of 2 from 2 to 64). Processes are not part of the service's
sizes: the engine allows 1,024 per core (512 for half a core), enough for builds and browsers and few
enough that a fork bomb stops long before the machine does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..http.errors import bad_request

__all__ = ["DEFAULT_SIZE", "SIZES", "Size", "check_size", "size_of"]

GIB = 1024**3


@dataclass(frozen=True)
class Size:
    """What a devbox may use."""

    name: str
    cpu_cores: float
    memory_gib: int
    disk_gib: int | None
    """None: a custom size that set no disk."""

    @property
    def memory_bytes(self) -> int:
        return self.memory_gib * GIB

    @property
    def pids(self) -> int:
        """Processes and threads at most."""
        return max(512, round(1024 * self.cpu_cores))

    def describe(self) -> str:
        """``1 vCPU, 2 GiB memory, 1024 processes``, for logs."""
        cores = f"{self.cpu_cores:g} vCPU"
        return f"{self.name}: {cores}, {self.memory_gib} GiB memory, {self.pids} processes"


SIZES: dict[str, Size] = {
    "X_SMALL": Size("X_SMALL", 0.5, 1, 4),
    "SMALL": Size("SMALL", 1, 2, 4),
    "MEDIUM": Size("MEDIUM", 2, 4, 8),
    "LARGE": Size("LARGE", 2, 8, 16),
    "X_LARGE": Size("X_LARGE", 4, 16, 16),
    "XX_LARGE": Size("XX_LARGE", 8, 32, 16),
}
DEFAULT_SIZE = "SMALL"
_CUSTOM = ("custom_cpu_cores", "custom_gb_memory", "custom_disk_size")


def check_size(lp: Mapping[str, Any], field: str = "launch_parameters") -> None:
    """Raises 400 naming the first size field of launch parameters ``lp`` that is not valid.

    Args:
        lp: The launch parameters (JSON).
        field: Where they are in the request, for the messages.

    Raises:
        ApiError: 400 for a custom value off the service's steps, custom values without
            ``CUSTOM_SIZE`` (or ``CUSTOM_SIZE`` without cores and memory).
    """

    def _field(name: str) -> str:
        return f"{field}.{name}"

    request = lp.get("resource_size_request")
    given = [name for name in _CUSTOM if lp.get(name) is not None]
    if request != "CUSTOM_SIZE":
        if given:
            raise bad_request(
                f"invalid field `{_field(given[0])}`: custom sizes need "
                f"`{field}.resource_size_request` CUSTOM_SIZE"
            )
        return
    for name in ("custom_cpu_cores", "custom_gb_memory"):
        if lp.get(name) is None:
            raise bad_request(
                f"missing field `{_field(name)}`: CUSTOM_SIZE needs custom_cpu_cores and custom_gb_memory"
            )
    cores, memory = float(lp["custom_cpu_cores"]), float(lp["custom_gb_memory"])
    disk = lp.get("custom_disk_size")
    if not (cores in (0.5, 1) or (cores.is_integer() and cores % 2 == 0 and 2 <= cores <= 16)):
        raise bad_request(
            f"invalid field `{_field('custom_cpu_cores')}` {cores:g}: expected 0.5, 1 or a multiple of 2 up to 16"
        )
    if not (memory == 1 or (memory % 2 == 0 and 2 <= memory <= 64)):
        raise bad_request(
            f"invalid field `{_field('custom_gb_memory')}` {memory:g}: expected 1 or a multiple of 2 up to 64"
        )
    if disk is not None and not (float(disk) % 2 == 0 and 2 <= disk <= 64):
        raise bad_request(
            f"invalid field `{_field('custom_disk_size')}` {disk}: expected a multiple of 2 from 2 to 64"
        )


def size_of(lp: Mapping[str, Any]) -> Size:
    """The size launch parameters ``lp`` ask for (checked by :func:`check_size` beforehand)."""
    request = lp.get("resource_size_request") or DEFAULT_SIZE
    if request != "CUSTOM_SIZE":
        return SIZES[request]
    disk = lp.get("custom_disk_size")
    return Size(
        "CUSTOM_SIZE",
        float(lp["custom_cpu_cores"]),
        int(lp["custom_gb_memory"]),
        None if disk is None else int(disk),
    )
