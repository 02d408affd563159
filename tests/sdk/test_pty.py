"""Terminal sessions against a small websockets server run by the test (the protocol the local engine serves)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from websockets.asyncio.server import ServerConnection as AsyncServerConnection
from websockets.asyncio.server import serve as async_serve
from websockets.sync.server import ServerConnection, serve

from runloop_sdk import AsyncRunloopSDK, RunloopSDK

from ._fake import FakeRunloop


async def echo_terminal(connection: AsyncServerConnection) -> None:
    assert connection.request is not None
    assert connection.request.headers["Authorization"] == "Bearer test-token"
    session = connection.request.path.rsplit("/", 1)[-1]
    await connection.send(f"[{session}]$ ".encode())
    async for message in connection:
        await connection.send(b"echo:" + (message if isinstance(message, bytes) else message.encode()))


async def test_async_pty_session(async_sdk: AsyncRunloopSDK, fake: FakeRunloop) -> None:
    async with async_serve(echo_terminal, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        fake.pty_url = f"ws://127.0.0.1:{port}/pty"
        devbox = async_sdk.devbox.from_id("dbx_1")
        session = await devbox.pty.connect("main", cols=80, rows=24)
        assert session.view is not None and session.view.created
        assert fake.requests[-1].url.params["cols"] == "80"
        assert await session.receive() == b"[main]$ "
        await session.send("ls\n")
        assert await session.receive() == b"echo:ls\n"
        await session.resize(120, 40)
        await session.signal("SIGINT")
        await session.reconnect()
        assert await session.receive() == b"[main]$ "
        await session.send(b"\x03")
        assert await session.receive() == b"echo:\x03"
        await session.close()
        assert [c["action"] for c in fake.pty_controls] == ["resize", "signal", "close"]
        assert fake.pty_controls[0] == {"session": "main", "action": "resize", "cols": 120, "rows": 40}
        assert fake.requests[-1].url.params["devbox_id"] == "dbx_1"  # controls name their devbox too
        with pytest.raises(RuntimeError, match="not connected"):
            await session.send("x")


def sync_echo_terminal(connection: ServerConnection) -> None:
    session = connection.request.path.rsplit("/", 1)[-1] if connection.request else "?"
    connection.send(f"[{session}]$ ".encode())
    for message in connection:
        connection.send(b"echo:" + (message if isinstance(message, bytes) else message.encode()))


@pytest.fixture
def sync_server() -> Iterator[int]:
    with serve(sync_echo_terminal, "127.0.0.1", 0) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield server.socket.getsockname()[1]
        server.shutdown()
        thread.join(5)


def test_sync_pty_session(sdk: RunloopSDK, fake: FakeRunloop, sync_server: int) -> None:
    fake.pty_url = f"ws://127.0.0.1:{sync_server}/pty"
    with sdk.devbox.from_id("dbx_1").pty.connect("work") as session:
        assert session.receive() == b"[work]$ "
        session.send("pwd\n")
        assert session.receive() == b"echo:pwd\n"
    assert fake.pty_controls[-1]["action"] == "close"
