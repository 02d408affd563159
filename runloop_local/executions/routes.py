"""Routes of executions: execute (optimistic, async, sync), retrieve, wait, kill, stdin, SSE streams."""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from runloop_api.types import (
    DevboxCreateExecutionParameters,
    DevboxExecutionDetailView,
    DevboxExecutionStatus,
    DevboxKillExecutionRequest,
    DevboxSendStdInRequest,
    DevboxSendStdInResult,
    DevboxStartExecutionParameters,
    DevboxWaitForCommandRequest,
    SignalType,
)

from ..devboxes.service import DevboxService
from ..http.errors import ApiError, bad_request
from ..http.requests import (
    INT32_MAX,
    Routes,
    app_state,
    check_enum,
    idempotent,
    json_body,
    query_value,
    respond,
    wait_request,
)
from .records import ExecutionRecord
from .rules import check_shell_name, chunk_event, parse_last_n, parse_offset

__all__ = ["EXEC_WAIT_MAX_SECONDS", "ROUTES"]


def service(request: Request) -> DevboxService:
    """The devbox service of the app."""
    return app_state(request, "service", DevboxService)


EXEC_WAIT_MAX_SECONDS = 25
"""Longest hold of ``execute`` (optimistic wait) and of an execution's ``wait_for_status``."""


def _shell(name: str | None) -> str | None:
    return None if name is None else check_shell_name(name)


async def execute(request: Request) -> Response:
    body = await json_body(request, DevboxStartExecutionParameters)
    last_n = parse_last_n(query_value(request, "last_n"))
    if not body.command_id:
        raise bad_request("invalid field `command_id`: it is empty")
    wait = body.optimistic_timeout if body.optimistic_timeout is not None else EXEC_WAIT_MAX_SECONDS
    if not 0 <= wait <= INT32_MAX:
        raise bad_request(f"invalid field `optimistic_timeout` {wait}: expected 0 to {INT32_MAX}")
    svc = service(request)
    rec, live = await svc.execs.run(
        request.path_params["id"],
        body.command,
        command_id=body.command_id,
        shell_name=_shell(body.shell_name),
        hold=min(wait, EXEC_WAIT_MAX_SECONDS),
    )
    return respond(svc.execs.view(rec, last_n, live))


async def execute_async(request: Request) -> Response:
    body = await json_body(request, DevboxCreateExecutionParameters)
    svc = service(request)
    devbox_id = request.path_params["id"]

    async def start() -> str:
        rec, _ = await svc.execs.run(devbox_id, body.command, hold=0, shell_name=_shell(body.shell_name))
        return rec.id

    # Once per x-request-id: a retry of a start whose answer was cut off answers the same execution.
    execution_id = await idempotent(request, "execAsyncCommand", start)
    return respond(svc.execs.view(svc.execs.record(devbox_id, execution_id), None))


async def execute_sync(request: Request) -> Response:
    body = await json_body(request, DevboxCreateExecutionParameters)
    svc = service(request)
    rec, _ = await svc.execs.run(
        request.path_params["id"], body.command, hold=None, shell_name=_shell(body.shell_name)
    )
    view = svc.execs.view(rec, None)
    return respond(
        DevboxExecutionDetailView(
            devbox_id=rec.devbox_id,
            exit_status=rec.exit_status if rec.exit_status is not None else -1,
            stdout=view.stdout or "",
            stderr=view.stderr or "",
        )
    )


def _record(request: Request) -> ExecutionRecord:
    return service(request).execs.record(
        request.path_params["devbox_id"], request.path_params["execution_id"]
    )


async def retrieve(request: Request) -> Response:
    last_n = parse_last_n(request.query_params.get("last_n"))
    rec = _record(request)
    return respond(service(request).execs.view(rec, last_n))


async def wait_for_status(request: Request) -> Response:
    body = await json_body(request, DevboxWaitForCommandRequest)
    last_n = parse_last_n(request.query_params.get("last_n"))
    statuses, timeout = wait_request(
        body.statuses, body.timeout_seconds, DevboxExecutionStatus, EXEC_WAIT_MAX_SECONDS
    )
    svc = service(request)
    rec = _record(request)
    reached = await svc.execs.wait(rec, statuses, timeout)
    if reached is None:
        raise ApiError(
            408, f"execution {rec.id} did not reach {list(body.statuses)} in time; it is {rec.status}"
        )
    return respond(svc.execs.view(reached, last_n))


async def kill(request: Request) -> Response:
    body = await json_body(request, DevboxKillExecutionRequest, optional=True)
    svc = service(request)
    rec = await svc.execs.kill(_record(request), process_group=bool(body.kill_process_group))
    return respond(svc.execs.view(rec, None))


async def send_std_in(request: Request) -> Response:
    body = await json_body(request, DevboxSendStdInRequest, optional=True)
    if body.signal is not None:
        check_enum("signal", [body.signal], SignalType)
    rec = _record(request)
    await service(request).execs.send_stdin(rec, body.text, body.signal)
    return respond(DevboxSendStdInResult(devbox_id=rec.devbox_id, execution_id=rec.id, success=True))


def _stream(name: str) -> Routes:
    async def endpoint(request: Request) -> Response:
        offset = parse_offset(request.query_params.get("offset"))
        rec = _record(request)
        chunks = service(request).execs.stream(rec, name, offset)

        async def events() -> AsyncIterator[bytes]:
            async for chunk in chunks:
                if chunk is None:
                    yield b": keep-alive\n\n"
                else:
                    yield chunk_event(*chunk)

        return StreamingResponse(
            events(), media_type="text/event-stream", headers={"cache-control": "no-cache"}
        )

    path = f"/v1/devboxes/{{devbox_id}}/executions/{{execution_id}}/stream_{name}_updates"
    return [("GET", path, endpoint)]


_EXEC = "/v1/devboxes/{devbox_id}/executions/{execution_id}"

ROUTES: Routes = [
    ("POST", "/v1/devboxes/{id}/execute", execute),
    ("POST", "/v1/devboxes/{id}/execute_async", execute_async),
    ("POST", "/v1/devboxes/{id}/execute_sync", execute_sync),
    ("GET", _EXEC, retrieve),
    ("POST", _EXEC + "/wait_for_status", wait_for_status),
    ("POST", _EXEC + "/kill", kill),
    ("POST", _EXEC + "/send_std_in", send_std_in),
    *_stream("stdout"),
    *_stream("stderr"),
]
