"""The raw clients reuse their connections under concurrency (no new TCP connection per request)."""

from __future__ import annotations

import asyncio
import threading
import uuid

import httpx

from runloop_api import AsyncRunloopAPI, RunloopAPI
from runloop_api.types import DevboxView
from runloop_local import LocalEngine

ROUNDS = 6


def _connection(response: httpx.Response) -> object:
    # The connection's stream object, held on to: loopback may reuse a closed connection's port.
    stream: object = response.extensions["network_stream"]
    return stream


def test_async_client_reuses_its_connections_with_64_requests_at_once(
    engine: LocalEngine, devbox: DevboxView
) -> None:
    connections: set[object] = set()
    answered = 0

    async def run() -> None:
        nonlocal answered
        async with AsyncRunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api:

            async def note(response: httpx.Response) -> None:
                connections.add(_connection(response))

            api.http_client.event_hooks = {"request": [], "response": [note]}

            async def caller() -> None:
                nonlocal answered
                for _ in range(ROUNDS):
                    view = await api.devboxes.execute(
                        devbox.id, command="echo hi", command_id=uuid.uuid4().hex
                    )
                    assert (view.exit_status, view.stdout) == (0, "hi\n")
                    answered += 1

            await asyncio.gather(*(caller() for _ in range(64)))

    asyncio.run(run())
    assert answered == 64 * ROUNDS
    # httpx's own pool (20 kept) opened a new connection for each of these requests.
    assert len(connections) <= 64, f"{len(connections)} connections for {answered} requests, 64 at once"


def test_sync_client_reuses_its_connections_with_32_threads(engine: LocalEngine, devbox: DevboxView) -> None:
    connections: set[object] = set()
    answered: list[int] = []
    start = threading.Barrier(32)
    with RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api:
        api.http_client.event_hooks = {"request": [], "response": [lambda r: connections.add(_connection(r))]}

        def caller() -> None:
            start.wait()
            for _ in range(ROUNDS):
                view = api.devboxes.execute(devbox.id, command="echo hi", command_id=uuid.uuid4().hex)
                assert (view.exit_status, view.stdout) == (0, "hi\n")
                answered.append(1)

        threads = [threading.Thread(target=caller) for _ in range(32)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert len(answered) == 32 * ROUNDS
    assert len(connections) <= 32, f"{len(connections)} connections for {len(answered)} requests, 32 at once"
