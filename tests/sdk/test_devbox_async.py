"""The async devbox object through the fake API: lifecycle, waits, context manager, files, net."""

from __future__ import annotations

import httpx
import pytest

from runloop_sdk import (
    APIConnectionError,
    AsyncRunloopSDK,
    DevboxFailedError,
    PollingConfig,
    PollingTimeoutError,
)

from ._fake import FakeRunloop


async def test_create_waits_through_408_long_polls(async_sdk: AsyncRunloopSDK, fake: FakeRunloop) -> None:
    fake.boot_polls = 3
    devbox = await async_sdk.devbox.create(name="demo")
    assert (await devbox.get_info()).status == "running"
    waits = [p for p in fake.paths() if p.endswith("/wait_for_status")]
    assert len(waits) == 3  # two answered 408 (then a GET of the current view), one reached running


async def test_create_failure_raises_with_reason(async_sdk: AsyncRunloopSDK, fake: FakeRunloop) -> None:
    fake.boot_failure = "out_of_memory"
    with pytest.raises(DevboxFailedError) as caught:
        await async_sdk.devbox.create()
    assert caught.value.failure_reason == "out_of_memory"
    assert "out_of_memory" in str(caught.value)


async def test_create_timeout_carries_last_state_and_shuts_down(
    async_sdk: AsyncRunloopSDK, fake: FakeRunloop
) -> None:
    fake.boot_polls = 1000
    with pytest.raises(PollingTimeoutError) as caught:
        await async_sdk.devbox.create(polling=PollingConfig(interval=0, max_attempts=3))
    assert caught.value.last_state.status == "provisioning"
    assert caught.value.attempts == 3
    assert fake.paths()[-1].endswith("/shutdown")  # no devbox left running unseen


async def test_context_manager_shuts_down_and_keeps_body_error(
    async_sdk: AsyncRunloopSDK, fake: FakeRunloop
) -> None:
    with pytest.raises(ValueError, match="body failed"):
        async with await async_sdk.devbox.create() as devbox:
            raise ValueError("body failed")
    assert fake.devboxes[devbox.id]["status"] == "shutdown"


async def test_context_manager_shutdown_failure_does_not_mask_body_error(
    async_sdk: AsyncRunloopSDK, fake: FakeRunloop
) -> None:
    fake.fail(r"POST /v1/devboxes/.*/shutdown", 400)
    with pytest.raises(ValueError, match="body failed") as caught:
        async with await async_sdk.devbox.create():
            raise ValueError("body failed")
    assert any("shutting down devbox" in note for note in getattr(caught.value, "__notes__", []))


async def test_context_manager_shutdown_failure_raises_when_body_succeeded(
    async_sdk: AsyncRunloopSDK, fake: FakeRunloop
) -> None:
    fake.fail(r"POST /v1/devboxes/.*/shutdown", 400)
    with pytest.raises(Exception, match="400"):
        async with await async_sdk.devbox.create():
            pass


async def test_list_walks_every_page_lazily(async_sdk: AsyncRunloopSDK, fake: FakeRunloop) -> None:
    fake.boot_polls = 0
    created = [(await async_sdk.devbox.create()).id for _ in range(5)]
    before = len(fake.requests)
    listing = aiter(async_sdk.devbox.list())
    first = await anext(listing)
    assert len(fake.requests) == before + 1  # only the first page so far
    rest = [box.id async for box in listing]
    assert [first.id, *rest] == created
    assert len(fake.requests) == before + 3  # pages of 2


async def test_5xx_burst_is_retried(async_sdk: AsyncRunloopSDK, fake: FakeRunloop) -> None:
    fake.boot_polls = 0
    devbox = await async_sdk.devbox.create()
    fake.fail(r"GET /v1/devboxes/dbx_.*", 503, times=2)
    assert (await devbox.get_info()).status == "running"


async def test_suspend_resume_keep_alive_update(async_sdk: AsyncRunloopSDK, fake: FakeRunloop) -> None:
    fake.boot_polls = 0
    devbox = await async_sdk.devbox.create()
    assert (await devbox.suspend()).status == "suspended"
    assert (await devbox.resume()).status == "running"
    await devbox.keep_alive()
    assert "POST /v1/devboxes/dbx_1/keep_alive" in fake.paths()


async def test_files_text_and_binary(async_sdk: AsyncRunloopSDK, fake: FakeRunloop, tmp_path: object) -> None:
    from pathlib import Path

    tmp = Path(str(tmp_path))
    fake.boot_polls = 0
    devbox = await async_sdk.devbox.create()
    await devbox.file.write("notes.txt", "héllo\n")
    assert await devbox.file.read("notes.txt") == "héllo\n"
    blob = bytes(range(256)) * 10
    await devbox.file.write("blob.bin", blob)
    assert await devbox.file.read_bytes("blob.bin") == blob
    source = tmp / "src.bin"
    source.write_bytes(blob[::-1])
    await devbox.file.upload("up.bin", source)
    target = await devbox.file.download("up.bin", tmp / "down.bin")
    assert target.read_bytes() == blob[::-1]


async def test_tunnel_url(async_sdk: AsyncRunloopSDK, fake: FakeRunloop) -> None:
    fake.boot_polls = 0
    devbox = await async_sdk.devbox.create()
    assert await devbox.net.tunnel_url(8080) is None
    await devbox.net.enable_tunnel()
    assert await devbox.net.tunnel_url(8080) == "https://8080-k3y.tunnel.fake.runloop.test"


async def test_connection_refused_surfaces_as_connection_error(
    async_sdk: AsyncRunloopSDK, fake: FakeRunloop
) -> None:
    fake.fail(r"GET /v1/devboxes/dbx_9", httpx.ConnectError("refused"), times=10)
    with pytest.raises(APIConnectionError):
        await async_sdk.devbox.from_id("dbx_9").get_info()
