"""The engine's HTTP routes, one module per area of the API."""

from __future__ import annotations

from . import devboxes, executions, files, objects, observability, pty, snapshots
from ._common import RouteTable

__all__ = ["IMPLEMENTED"]

IMPLEMENTED: RouteTable = [
    *devboxes.ROUTES,
    *executions.ROUTES,
    *files.ROUTES,
    *observability.ROUTES,
    *snapshots.ROUTES,
    *objects.ROUTES,
    *pty.ROUTES,
]
"""Every implemented operation: (method, spec path, endpoint)."""
