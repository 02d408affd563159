"""The raw clients' HTTP/1.1 connections: a request's head goes out with its body, in one write; cookies kept."""

from __future__ import annotations

import asyncio
import socket
import ssl

import httpcore
import httpx

from runloop_api import AsyncRunloopAPI
from runloop_api._async.transport import JOIN_LIMIT, MAX_READ, AsyncPooledTransport, _LeanStream


class _RecordingStream(httpcore.AsyncNetworkStream):
    """A connection that keeps what was written, each write apart, and answers from ``answer``."""

    def __init__(self, answer: bytes = b"") -> None:
        self.writes: list[bytes] = []
        self.answer = answer
        self.sock, self.peer = socket.socketpair()
        self.asked: list[int] = []

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.asked.append(max_bytes)
        chunk, self.answer = self.answer[:max_bytes], self.answer[max_bytes:]
        return chunk

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.writes.append(buffer)

    async def aclose(self) -> None:
        self.sock.close()
        self.peer.close()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        return self

    def get_extra_info(self, info: str) -> object:
        return self.sock if info == "socket" else None


def test_a_request_head_and_its_body_go_in_one_write_and_a_bodyless_head_at_the_read() -> None:
    async def run() -> list[bytes]:
        inner = _RecordingStream(b"HTTP/1.1 200 OK\r\n\r\n")
        stream = _LeanStream(inner)
        await stream.write(b"POST / HTTP/1.1\r\n\r\n")
        await stream.write(b'{"a": 1}')
        await stream.write(b"")
        assert await stream.read(100) == b"HTTP/1.1 200 OK\r\n\r\n"
        await stream.write(b"GET / HTTP/1.1\r\n\r\n")
        assert inner.writes[-1:] != [b"GET / HTTP/1.1\r\n\r\n"], "the head is held until the read"
        await stream.read(100)
        await stream.aclose()
        return inner.writes

    assert asyncio.run(run()) == [b'POST / HTTP/1.1\r\n\r\n{"a": 1}', b"GET / HTTP/1.1\r\n\r\n"]


def test_a_large_first_body_write_is_not_copied_to_join_the_head() -> None:
    big = b"x" * (JOIN_LIMIT + 1)

    async def run() -> list[bytes]:
        inner = _RecordingStream()
        stream = _LeanStream(inner)
        await stream.write(b"PUT / HTTP/1.1\r\n\r\n")
        await stream.write(big)
        await stream.write(b"tail")
        await stream.aclose()
        return inner.writes

    assert asyncio.run(run()) == [b"PUT / HTTP/1.1\r\n\r\n", big, b"tail"]


def test_an_idle_connection_is_readable_once_its_peer_closed_it() -> None:
    inner = _RecordingStream()
    stream = _LeanStream(inner)
    assert stream.get_extra_info("socket") is inner.sock
    assert stream.get_extra_info("is_readable") is False
    inner.peer.close()
    assert stream.get_extra_info("is_readable") is True
    inner.sock.close()


def test_the_pooled_transport_sends_posts_through_a_real_server() -> None:
    """Head and body joined still make a request a server reads whole, over several reuses."""
    received: list[bytes] = []

    async def run() -> None:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while not reader.at_eof():
                    head = await reader.readuntil(b"\r\n\r\n")
                    fields = dict(line.lower().split(b": ", 1) for line in head.split(b"\r\n")[1:] if line)
                    received.append(await reader.readexactly(int(fields[b"content-length"])))
                    writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
                    await writer.drain()
            except asyncio.IncompleteReadError:
                pass  # the client closed its connection
            finally:
                writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with httpx.AsyncClient(transport=AsyncPooledTransport(max_connections=4)) as client:
            for body in (b"first", b"second" * 1000, b"x" * (JOIN_LIMIT * 2)):
                response = await client.post(f"http://127.0.0.1:{port}/", content=body)
                assert response.text == "ok"
        server.close()
        await server.wait_closed()

    asyncio.run(run())
    assert received == [b"first", b"second" * 1000, b"x" * (JOIN_LIMIT * 2)]


def test_the_raw_clients_keep_the_cookies_an_answer_sets_and_only_those() -> None:
    answers = [
        b"HTTP/1.1 200 OK\r\nset-cookie: session=abc; Path=/\r\ncontent-length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
    ]

    async def run() -> dict[str, str]:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                for answer in answers:
                    await reader.readuntil(b"\r\n\r\n")
                    writer.write(answer)
                    await writer.drain()
                await reader.read()
            finally:
                writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with AsyncRunloopAPI(base_url=f"http://127.0.0.1:{port}", bearer_token="k") as api:
            for _ in answers:
                await api.http_client.get(f"http://127.0.0.1:{port}/")
            cookies = dict(api.http_client.cookies)
        server.close()
        await server.wait_closed()
        return cookies

    assert asyncio.run(run()) == {"session": "abc"}


def test_reads_grow_while_an_answer_arrives_in_bulk_and_shrink_when_it_stops() -> None:
    async def run() -> tuple[list[int], bytes]:
        inner = _RecordingStream(b"x" * (3 * MAX_READ + 100))
        stream = _LeanStream(inner)
        got = b""
        while chunk := await stream.read(65536):
            got += chunk
        inner.answer = b"small"
        got += await stream.read(65536)
        await stream.aclose()
        return inner.asked, got

    asked, got = asyncio.run(run())
    assert got == b"x" * (3 * MAX_READ + 100) + b"small", "every byte, in order"
    # 64 KiB first (a small answer never asks for more); after any read of 64 KiB or more,
    # MAX_READ; the empty read at the end sends the next ("small") back to 64 KiB.
    assert asked == [65536, MAX_READ, MAX_READ, MAX_READ, MAX_READ, 65536]
