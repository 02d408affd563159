"""An in-memory Runloop API behind ``httpx.MockTransport``, with failure injection.

It keeps just enough state for the object layer: devboxes that take a few polls to start,
executions whose output is streamed as server-sent events, snapshots, blueprints, computers,
objects, secrets and network policies. ``fail()`` scripts error answers and ``drop_streams``
cuts event streams mid-way.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

BASE_URL = "http://fake.runloop.test"
Handler = Callable[["FakeRunloop", httpx.Request, "re.Match[str]"], httpx.Response]


def ok(body: Any, status: int = 200) -> httpx.Response:
    """A JSON answer."""
    return httpx.Response(status, json=body)


@dataclass
class Command:
    """What a fake command prints and how long it runs (in status polls)."""

    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0
    polls: int = 0


@dataclass
class Execution:
    id: str
    devbox_id: str
    command: Command
    polls_left: int
    status: str = "running"
    exit_status: int | None = None
    stdin: list[str] = field(default_factory=list)

    def finish(self, exit_status: int | None = None) -> None:
        if self.status != "completed":
            self.status = "completed"
            self.exit_status = self.command.exit_code if exit_status is None else exit_status


class DroppingStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that sends some bytes and then loses the connection."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def __iter__(self) -> Iterator[bytes]:
        yield self._data
        raise httpx.ReadError("connection reset by peer")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._data
        raise httpx.ReadError("connection reset by peer")


def interpret(command: str) -> Command:
    """A tiny shell: ``echo``, ``seq N``, ``exit N``, ``err TEXT``; anything else prints nothing."""
    if command.startswith("echo "):
        return Command(stdout=command[5:] + "\n")
    if command.startswith("seq "):
        count = int(command.split()[1])
        return Command(stdout="".join(f"{i}\n" for i in range(1, count + 1)))
    if command.startswith("exit "):
        return Command(exit_code=int(command.split()[1]))
    if command.startswith("err "):
        return Command(stderr=command[4:] + "\n", exit_code=1)
    return Command()


class FakeRunloop:
    """The fake server; call it with a request (it is the MockTransport handler)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.devboxes: dict[str, dict[str, Any]] = {}
        self.start_polls: dict[str, int] = {}
        self.executions: dict[str, Execution] = {}
        self.commands: dict[str, Command] = {}
        self.by_command_id: dict[str, Execution] = {}
        self.snapshots: dict[str, dict[str, Any]] = {}
        self.blueprints: dict[str, dict[str, Any]] = {}
        self.objects: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, bytes] = {}
        self.secrets: dict[str, dict[str, Any]] = {}
        self.policies: dict[str, dict[str, Any]] = {}
        self.pty_controls: list[dict[str, Any]] = []
        self.pty_url = "ws://127.0.0.1:1/pty"
        self.boot_polls = 1
        self.boot_failure: str | None = None
        self.long_poll_408 = True
        self.execute_408 = False
        self.last_n = 100
        self.chunk_size = 4096
        self.drop_streams = 0
        self.page_size = 2
        self._ids = itertools.count(1)
        self._failures: list[tuple[re.Pattern[str], httpx.Response | BaseException, int]] = []

    # -- plumbing -----------------------------------------------------------------------------

    def fail(self, pattern: str, answer: httpx.Response | BaseException | int, times: int = 1) -> None:
        """Answers the next ``times`` requests matching ``"METHOD /path"`` with ``answer``."""
        response = ok({"message": "injected"}, answer) if isinstance(answer, int) else answer
        self._failures.append((re.compile(pattern), response, times))

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids)}"

    def paths(self) -> list[str]:
        """``METHOD path`` of every request so far."""
        return [f"{r.method} {r.url.path}" for r in self.requests]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = f"{request.method} {request.url.path}"
        for index, (pattern, answer, times) in enumerate(self._failures):
            if pattern.fullmatch(key):
                if times <= 1:
                    del self._failures[index]
                else:
                    self._failures[index] = (pattern, answer, times - 1)
                if isinstance(answer, BaseException):
                    raise answer
                return answer
        for method, pattern, handler in ROUTES:
            match = pattern.fullmatch(request.url.path)
            if match and method == request.method:
                return handler(self, request, match)
        return ok({"message": f"no fake route for {key}"}, 404)

    # -- devboxes -----------------------------------------------------------------------------

    def devbox_view(self, devbox_id: str) -> dict[str, Any]:
        return self.devboxes[devbox_id]

    def advance_devbox(self, devbox_id: str) -> None:
        box = self.devboxes[devbox_id]
        if box["status"] != "provisioning":
            return
        self.start_polls[devbox_id] -= 1
        if self.start_polls[devbox_id] <= 0:
            if self.boot_failure:
                box["status"], box["failure_reason"] = "failure", self.boot_failure
            else:
                box["status"] = "running"

    # -- executions ---------------------------------------------------------------------------

    def start_execution(self, devbox_id: str, command: str, execution_id: str | None = None) -> Execution:
        spec = self.commands.get(command) or interpret(command)
        execution = Execution(execution_id or self.new_id("exe"), devbox_id, spec, spec.polls)
        self.executions[execution.id] = execution
        if spec.polls == 0:
            execution.finish()
        return execution

    def execution_view(self, execution: Execution) -> dict[str, Any]:
        view: dict[str, Any] = {
            "execution_id": execution.id,
            "devbox_id": execution.devbox_id,
            "status": execution.status,
            "exit_status": execution.exit_status,
        }
        if execution.status == "completed":
            for name in ("stdout", "stderr"):
                text: str = getattr(execution.command, name)
                lines = text.splitlines(keepends=True)
                view[name] = "".join(lines[-self.last_n :])
                view[f"{name}_truncated"] = False
        return view

    def advance_execution(self, execution: Execution) -> None:
        if execution.status == "completed":
            return
        execution.polls_left -= 1
        if execution.polls_left <= 0:
            execution.finish()

    def sse(self, execution: Execution, name: str, offset: int) -> httpx.Response:
        execution.finish()  # streaming drives a fake command to its end
        data = getattr(execution.command, name).encode()
        events = []
        position = offset
        while position < len(data):
            chunk = data[position : position + self.chunk_size]
            position += len(chunk)
            events.append(f"data: {json.dumps({'output': chunk.decode(), 'offset': position})}\n\n")
        body = "".join(events).encode()
        headers = {"content-type": "text/event-stream"}
        if self.drop_streams and len(events) > 1:
            self.drop_streams -= 1
            half = "".join(events[: len(events) // 2]).encode()
            return httpx.Response(200, headers=headers, stream=DroppingStream(half))
        return httpx.Response(200, headers=headers, content=body)


def _body(request: httpx.Request) -> dict[str, Any]:
    return json.loads(request.content or b"{}") if request.content else {}


def _page(items: list[dict[str, Any]], key: str, request: httpx.Request, size: int) -> httpx.Response:
    after = request.url.params.get("starting_after")
    start = 0
    if after:
        start = next(i for i, item in enumerate(items) if item["id"] == after) + 1
    chunk = items[start : start + size]
    return ok({key: chunk, "has_more": start + size < len(items), "total_count": len(items)})


ROUTES: list[tuple[str, re.Pattern[str], Handler]] = []


def route(method: str, path: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ROUTES.append((method, re.compile(path), handler))
        return handler

    return register


from . import _fake_routes  # noqa: E402,F401  (registers the routes)
