"""Routes of devboxes: create, list, retrieve, update, lifecycle, long-poll, metadata, logs, usage."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from runloop_api.types import (
    DevboxCreateParameters,
    DevboxResourceUsageView,
    DevboxUpdateParameters,
    DevboxViewStatus,
    DevboxWaitForStatusRequest,
    EmptyRecord,
)

from ..blueprints.service import BlueprintService
from ..db.clock import now_ms
from ..http.errors import ApiError, bad_request
from ..http.requests import (
    DEVBOX_REQUIRED_NULLABLE,
    Routes,
    app_state,
    dump,
    idempotent,
    json_body,
    literal_values,
    metadata_routes,
    query_bool,
    query_int,
    respond,
    wait_request,
)
from ..snapshots.service import SnapshotService
from .records import DevboxRecord
from .rules import active_seconds
from .service import DevboxService

__all__ = ["ROUTES", "DEVBOX_WAIT_MAX_SECONDS", "CREATE_AND_AWAIT_SECONDS"]


def service(request: Request) -> DevboxService:
    """The devbox service of the app."""
    return app_state(request, "service", DevboxService)


DEVBOX_WAIT_MAX_SECONDS = 30
"""Longest hold of ``wait_for_status`` (the spec's limit)."""

CREATE_AND_AWAIT_SECONDS = 25
"""Longest hold of ``create_and_await_running`` before it answers with the current status."""

_STATUSES = literal_values(DevboxViewStatus)


async def list_devboxes(request: Request) -> Response:
    status = request.query_params.get("status") or None
    if status is not None and status not in _STATUSES:
        raise bad_request(f"invalid query parameter `status` {status!r}: expected one of {sorted(_STATUSES)}")
    limit = query_int(request, "limit", 20, low=1, high=5000)
    after = request.query_params.get("starting_after") or None
    svc = service(request)
    if after is not None and svc.store.get_devbox(after) is None:
        raise bad_request(f"invalid query parameter `starting_after`: no devbox {after!r}")
    page, has_more, total = svc.store.list_devboxes(status=status, limit=limit, starting_after=after)
    body: dict[str, Any] = {
        "devboxes": [dump(r.view(), DEVBOX_REQUIRED_NULLABLE) for r in page],
        "has_more": has_more,
    }
    if query_bool(request, "include_total_count"):
        body["total_count"] = total
    return JSONResponse(body)


async def _create(request: Request, params: DevboxCreateParameters) -> DevboxRecord:
    """Creates a devbox from a blueprint, from a snapshot, or from the base image."""
    if params.blueprint_id or params.blueprint_name:
        return await app_state(request, "blueprints", BlueprintService).create_devbox(params)
    return await app_state(request, "snapshots", SnapshotService).create_devbox(params)


async def create(request: Request) -> Response:
    params = await json_body(request, DevboxCreateParameters, optional=True)
    id = await idempotent(request, "createDevbox", lambda: _create_id(request, params))
    return respond(service(request).get(id).view())


async def create_and_await_running(request: Request) -> Response:
    params = await json_body(request, DevboxCreateParameters, optional=True)
    svc = service(request)
    id = await idempotent(request, "createDevbox", lambda: _create_id(request, params))
    done = await svc.wait_for_status(id, ["running", "failure", "shutdown"], CREATE_AND_AWAIT_SECONDS)
    return respond((done or svc.get(id)).view())


async def _create_id(request: Request, params: DevboxCreateParameters) -> str:
    return (await _create(request, params)).id


async def retrieve(request: Request) -> Response:
    return respond(service(request).get(request.path_params["id"]).view())


async def update(request: Request) -> Response:
    params = await json_body(request, DevboxUpdateParameters, optional=True)
    return respond(service(request).update(request.path_params["id"], params).view())


async def shutdown(request: Request) -> Response:
    rec = await service(request).shutdown(request.path_params["id"])
    return respond(rec.view())


async def suspend(request: Request) -> Response:
    rec = await service(request).suspend(request.path_params["id"])
    return respond(rec.view())


async def resume(request: Request) -> Response:
    rec = await service(request).resume(request.path_params["id"])
    return respond(rec.view())


async def keep_alive(request: Request) -> Response:
    service(request).keep_alive(request.path_params["id"])
    return respond(EmptyRecord())


async def wait_for_status(request: Request) -> Response:
    body = await json_body(request, DevboxWaitForStatusRequest)
    statuses, timeout = wait_request(
        body.statuses, body.timeout_seconds, DevboxViewStatus, DEVBOX_WAIT_MAX_SECONDS
    )
    svc = service(request)
    id = request.path_params["id"]
    rec = await svc.wait_for_status(id, statuses, timeout)
    if rec is None:
        current = svc.get(id).status
        if current in ("shutdown", "failure"):
            raise ApiError(408, f"devbox {id} is {current} and will never reach {list(body.statuses)}")
        raise ApiError(408, f"devbox {id} did not reach {list(body.statuses)} in time; it is {current}")
    return respond(rec.view())


metadata_keys, metadata_values = metadata_routes(lambda r: service(r).store)


_LOG_READERS: list[ThreadPoolExecutor] = []


def _lower_priority() -> None:
    """Runs this thread at a lower CPU priority: on a busy machine, a long log's listing yields
    the CPU to the engine's event loop (SQLite holds no GIL meanwhile, so nothing waits on it)."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOG_READER_NICE)


def _log_reader() -> ThreadPoolExecutor:
    """The threads that list devbox logs (made on first use)."""
    if not _LOG_READERS:
        _LOG_READERS.append(
            ThreadPoolExecutor(2, thread_name_prefix="runloop-logs", initializer=_lower_priority)
        )
    return _LOG_READERS[0]


async def logs(request: Request) -> Response:
    svc = service(request)
    rec = svc.get(request.path_params["id"])
    execution_id = request.query_params.get("execution_id") or None
    shell = request.query_params.get("shell_name") or None
    # In a worker thread on a reader connection, the body built by SQLite in one piece: a
    # devbox's log may hold millions of lines, and listing them must not hold up the commands
    # its devbox is running meanwhile (nor hold the GIL line by line while they wait).
    loop = asyncio.get_running_loop()
    body = await loop.run_in_executor(_log_reader(), svc.store.log_body, rec.id, execution_id, shell)
    return Response(body, media_type="application/json")


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


LOG_READER_NICE = 10
"""How much lower the log listing threads' CPU priority is (``nice``)."""

ROUTES: Routes = [
    ("GET", "/v1/devboxes", list_devboxes),
    ("POST", "/v1/devboxes", create),
    ("POST", "/v1/devboxes/create_and_await_running", create_and_await_running),
    ("GET", "/v1/devboxes/metadata/keys", metadata_keys),
    ("GET", "/v1/devboxes/metadata/keys/{key}/values", metadata_values),
    ("GET", "/v1/devboxes/{id}", retrieve),
    ("POST", "/v1/devboxes/{id}", update),
    ("POST", "/v1/devboxes/{id}/shutdown", shutdown),
    ("POST", "/v1/devboxes/{id}/suspend", suspend),
    ("POST", "/v1/devboxes/{id}/resume", resume),
    ("POST", "/v1/devboxes/{id}/keep_alive", keep_alive),
    ("POST", "/v1/devboxes/{id}/wait_for_status", wait_for_status),
    ("GET", "/v1/devboxes/{id}/logs", logs),
    ("GET", "/v1/devboxes/{id}/usage", usage),
]
