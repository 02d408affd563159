"""End to end against the embedded local engine with the async SDK."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from runloop_sdk import AsyncRunloopSDK, PollingTimeoutError


async def test_quickstart_and_context_manager_on_error(local_async_sdk: AsyncRunloopSDK) -> None:
    with pytest.raises(LookupError):
        async with await local_async_sdk.devbox.create(name="async-e2e") as devbox:
            result = await devbox.cmd.exec("echo hi; exit 4")
            assert (result.exit_code, await result.stdout()) == (4, "hi\n")
            raise LookupError("body")
    assert (await devbox.get_info()).status == "shutdown"


async def test_fan_out_streaming_stdin_kill_files(local_async_sdk: AsyncRunloopSDK, tmp_path: Path) -> None:
    boxes = await asyncio.gather(*(local_async_sdk.devbox.create(name=f"fan-{i}") for i in range(3)))
    try:
        results = await asyncio.gather(*(box.cmd.exec(f"echo {i}") for i, box in enumerate(boxes)))
        assert [await r.stdout() for r in results] == ["0\n", "1\n", "2\n"]
        devbox = boxes[0]

        lines: list[str] = []
        result = await devbox.cmd.exec("seq 10000", stdout=lines.append)
        assert lines == [str(i) for i in range(1, 10_001)] and result.success

        cat = await devbox.cmd.exec_async("cat", attach_stdin=True)
        await cat.send_stdin("ping\n")
        await cat.close_stdin()
        assert await (await cat.result(timeout=20)).stdout() == "ping\n"

        sleeper = await devbox.cmd.exec_async("sleep 300")
        await sleeper.kill()
        assert (await sleeper.result(timeout=20)).exit_code not in (0, None)

        blob = bytes(range(256)) * 100
        await devbox.file.write("b.bin", blob)
        assert await devbox.file.read_bytes("b.bin") == blob
        await devbox.file.write("t.txt", "text\n")
        assert await devbox.file.read("t.txt") == "text\n"

        with pytest.raises(PollingTimeoutError):
            await devbox.cmd.exec("sleep 30", timeout=1)
    finally:
        await asyncio.gather(*(box.shutdown() for box in boxes))


async def test_snapshot_disk_then_create_devbox(local_async_sdk: AsyncRunloopSDK) -> None:
    async with await local_async_sdk.devbox.create(name="async-snap") as devbox:
        await devbox.file.write("state.txt", "snapshotted\n")
        snapshot = await devbox.snapshot_disk(name="async-sdk")
        await devbox.file.write("state.txt", "changed\n")
        async with await snapshot.create_devbox(name="async-fork") as fork:
            assert await fork.file.read("state.txt") == "snapshotted\n"
            assert await (await fork.cmd.exec("cat state.txt")).stdout() == "snapshotted\n"
        assert [s.id async for s in local_async_sdk.snapshot.list(devbox_id=devbox.id)] == [snapshot.id]
        await snapshot.delete()
        assert (await snapshot.get_info()).status == "deleted"
