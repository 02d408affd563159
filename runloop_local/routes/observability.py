"""Routes of devbox logs and resource usage."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from runloop_api.types import DevboxLogsListView, DevboxResourceUsageView

from ..lifecycle import active_seconds
from ..live import now_ms
from ._common import RouteTable, respond, service

__all__ = ["ROUTES"]


async def logs(request: Request) -> Response:
    svc = service(request)
    rec = svc.get(request.path_params["id"])
    execution_id = request.query_params.get("execution_id") or None
    entries = svc.store.logs(rec.id, execution_id)
    return respond(DevboxLogsListView.model_validate({"logs": entries}))


async def usage(request: Request) -> Response:
    rec = service(request).get(request.path_params["id"])
    end = rec.end_time_ms if rec.end_time_ms is not None else now_ms()
    active = active_seconds(rec.state_transitions, end)
    # The local engine sets no resource limits; usage is reported for one vCPU, 1 GB of memory and disk.
    view = DevboxResourceUsageView(
        id=rec.id,
        status=rec.status,
        start_time_ms=rec.create_time_ms,
        end_time_ms=rec.end_time_ms,
        total_active_seconds=active,
        total_elapsed_seconds=max(0, end - rec.create_time_ms) // 1000,
        vcpu_seconds=active,
        memory_gb_seconds=active,
        disk_gb_seconds=max(0, end - rec.create_time_ms) // 1000,
    )
    return respond(view)


ROUTES: RouteTable = [
    ("GET", "/v1/devboxes/{id}/logs", logs),
    ("GET", "/v1/devboxes/{id}/usage", usage),
]
