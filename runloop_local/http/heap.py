"""The heap of a process that serves the engine: buffers of a MiB reused, not unmapped and faulted in again.

The engine passes bytes through in buffers of 64 KiB to 1 MiB (uploads, output streams). glibc
gives memory above its trim threshold (128 KiB to a few MiB, adjusted as it goes) back to the
system at each free, so the next buffer takes fresh pages again: 150-230 page faults a MB that
went through, and on a virtual machine fresh pages cost the host's faults as well (200 MB
uploads to a devbox ran at 580-700 MB/s with 1.3-1.5 ms of engine CPU a MB, and at about
1,000 MB/s with 0.8-0.9 ms once the heap kept its pages, ``bench/transfers.py``). At most
:data:`TRIM_THRESHOLD` of free heap is kept.

Only ``runloop-local serve`` tunes its heap (the process is the engine's); an engine embedded in
a program leaves that program's heap as it is. Settings given by environment variables
(``MALLOC_TRIM_THRESHOLD_``, ``MALLOC_MMAP_THRESHOLD_``, ``GLIBC_TUNABLES``) win.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Mapping

__all__ = ["MMAP_THRESHOLD", "TRIM_THRESHOLD", "heap_settings", "tune_heap"]

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
TRIM_THRESHOLD = 32 * 1024 * 1024
"""Free memory at the top of the heap kept for the next buffers, not given back."""
MMAP_THRESHOLD = 4 * 1024 * 1024
"""Allocations up to this size come from the heap (reused), larger ones are mapped for themselves."""

_SETTINGS = (
    (M_TRIM_THRESHOLD, TRIM_THRESHOLD, "MALLOC_TRIM_THRESHOLD_", "glibc.malloc.trim_threshold"),
    (M_MMAP_THRESHOLD, MMAP_THRESHOLD, "MALLOC_MMAP_THRESHOLD_", "glibc.malloc.mmap_threshold"),
)


def heap_settings(environ: Mapping[str, str]) -> list[tuple[int, int]]:
    """The ``mallopt`` settings to make: ``(parameter, value)``, but those the environment sets."""
    tunables = environ.get("GLIBC_TUNABLES", "")
    return [
        (parameter, value)
        for parameter, value, variable, tunable in _SETTINGS
        if variable not in environ and tunable not in tunables
    ]


def tune_heap(environ: Mapping[str, str] = os.environ) -> bool:
    """Makes this process's heap keep its large buffers (see the module's docstring).

    Returns:
        Whether every setting was made (False where the C library has no ``mallopt``, as musl).
    """
    # The process's own symbols, libc's among them: find_library("c") would run ldconfig.
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is None:
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return all(mallopt(parameter, value) == 1 for parameter, value in heap_settings(environ))
