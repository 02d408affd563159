"""1 GiB uploads and downloads stream through with flat memory, sync and async."""

from __future__ import annotations

import tracemalloc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx

from runloop_api import AsyncRunloopAPI, RunloopAPI

from ._spec import BASE_URL

GIB = 1 << 30
MEMORY_LIMIT = 16 << 20  # peaks measured at 0.2 MiB (upload) and 4 MiB (download)
HEAD = b"first bytes of the file"
TAIL = b"last bytes of the file"


class DrainingServer(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Reads the request body chunk by chunk, keeping only its size, head and tail."""

    def __init__(self) -> None:
        self.received = 0
        self.head = b""
        self.tail = b""
        self.content_length: int | None = None

    def _take(self, chunk: bytes) -> None:
        if len(self.head) < 4096:
            self.head += chunk[:4096]
        self.tail = (self.tail + chunk)[-4096:]
        self.received += len(chunk)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.content_length = int(request.headers["content-length"])
        return httpx.Response(200, json={}, request=request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        for chunk in request.stream:
            self._take(chunk)
        return self._answer(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        async for chunk in request.stream:
            self._take(chunk)
        return self._answer(request)


class GeneratedBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body of ``size`` bytes made on the fly: 1 MiB blocks, each starting with its index."""

    def __init__(self, size: int) -> None:
        self.size = size

    def blocks(self) -> Iterator[bytes]:
        block = 1 << 20
        for index in range(self.size // block):
            yield index.to_bytes(8, "big") + b"\xab" * (block - 8)

    def __iter__(self) -> Iterator[bytes]:
        yield from self.blocks()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.blocks():
            yield chunk


class DownloadServer(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Answers a download with a generated body of ``size`` bytes."""

    def __init__(self, size: int) -> None:
        self.size = size

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._answer(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self._answer(request)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1/devboxes/dbx_1/download_file"
        headers = {"content-type": "application/octet-stream", "content-length": str(self.size)}
        return httpx.Response(200, stream=GeneratedBody(self.size), headers=headers, request=request)


def sparse_gib(tmp_path: Path) -> Path:
    """A 1 GiB file that takes almost no disk: a head, a hole, and a tail."""
    path = tmp_path / "big.bin"
    with path.open("wb") as out:
        out.write(HEAD)
        out.seek(GIB - len(TAIL))
        out.write(TAIL)
    return path


def peak_growth_begin() -> None:
    tracemalloc.start()
    tracemalloc.reset_peak()


def peak_growth_end() -> int:
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def check_upload(server: DrainingServer) -> None:
    assert server.content_length == server.received
    assert GIB < server.received < GIB + 1024
    assert b'name="path"\r\n\r\n/home/user/big.bin\r\n' in server.head
    assert b'name="file"; filename="big.bin"' in server.head
    assert HEAD in server.head
    assert TAIL + b"\r\n--" in server.tail


def test_upload_1gib_from_a_path_with_flat_memory(tmp_path: Path) -> None:
    source = sparse_gib(tmp_path)
    server = DrainingServer()
    with RunloopAPI(bearer_token="t", base_url=BASE_URL, http_client=httpx.Client(transport=server)) as api:
        peak_growth_begin()
        api.devboxes.upload_file("dbx_1", path="/home/user/big.bin", file=source)
        peak = peak_growth_end()
    check_upload(server)
    assert peak < MEMORY_LIMIT, f"upload peaked at {peak >> 20} MiB"


async def test_upload_1gib_from_a_file_object_async(tmp_path: Path) -> None:
    source = sparse_gib(tmp_path)
    server = DrainingServer()
    http = httpx.AsyncClient(transport=server)
    async with AsyncRunloopAPI(bearer_token="t", base_url=BASE_URL, http_client=http) as api:
        with source.open("rb") as handle:
            peak_growth_begin()
            await api.devboxes.upload_file("dbx_1", path="/home/user/big.bin", file=handle)
            peak = peak_growth_end()
    check_upload(server)
    assert peak < MEMORY_LIMIT, f"upload peaked at {peak >> 20} MiB"


def test_download_1gib_to_a_file_with_flat_memory(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    http = httpx.Client(transport=DownloadServer(GIB))
    with RunloopAPI(bearer_token="t", base_url=BASE_URL, http_client=http) as api:
        peak_growth_begin()
        download = api.devboxes.download_file("dbx_1", path="/big.bin")
        assert download.content_length == GIB
        written = download.write_to_file(target)
        peak = peak_growth_end()
    assert written == target
    assert target.stat().st_size == GIB
    assert not (tmp_path / "out.bin.part").exists()
    with target.open("rb") as result:
        result.seek(GIB - (1 << 20))
        assert result.read(8) == (1023).to_bytes(8, "big")
    target.unlink()
    assert peak < MEMORY_LIMIT, f"download peaked at {peak >> 20} MiB"


async def test_download_1gib_as_chunks_async() -> None:
    http = httpx.AsyncClient(transport=DownloadServer(GIB))
    async with AsyncRunloopAPI(bearer_token="t", base_url=BASE_URL, http_client=http) as api:
        peak_growth_begin()
        download = await api.devboxes.download_file("dbx_1", path="/big.bin")
        total, blocks = 0, 0
        async for chunk in download.iter_bytes():
            if total % (1 << 20) == 0:
                assert chunk[:8] == blocks.to_bytes(8, "big")
                blocks += 1
            total += len(chunk)
        peak = peak_growth_end()
    assert total == GIB
    assert blocks == 1024
    assert peak < MEMORY_LIMIT, f"download peaked at {peak >> 20} MiB"
