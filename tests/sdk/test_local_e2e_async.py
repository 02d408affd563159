"""End to end against the embedded local engine with the async SDK."""

from __future__ import annotations

import asyncio
import io
import os
import tarfile
from pathlib import Path

import httpx
import pytest

from runloop_sdk import AsyncPtySession, AsyncRunloopSDK, NotFoundError, PollingTimeoutError


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


async def test_storage_objects_upload_download_delete(
    local_async_sdk: AsyncRunloopSDK, tmp_path: Path
) -> None:
    sdk = local_async_sdk
    text = await sdk.storage_object.upload_from_text("async text\n", name="async.txt")
    assert (await text.get_info()).state == "READ_ONLY"
    assert await text.download_as_text() == "async text\n"

    blob = os.urandom(2 * 1024 * 1024 + 3)
    data = await sdk.storage_object.upload_from_bytes(blob, name="async.bin", metadata={"suite": "async"})
    assert await data.download_as_bytes() == blob
    async with httpx.AsyncClient() as plain:  # a presigned URL: no API key needed
        assert (await plain.get(await data.download_url(duration_seconds=30))).content == blob

    source = tmp_path / "source.bin"
    source.write_bytes(os.urandom(3 * 1024 * 1024))
    from_file = await sdk.storage_object.upload_from_file(source, name="async-file.bin")
    assert (await from_file.get_info()).size_bytes == source.stat().st_size
    assert await from_file.download_as_bytes() == source.read_bytes()

    folder = tmp_path / "tree"
    folder.mkdir()
    (folder / "x.txt").write_text("x\n")
    archive = await sdk.storage_object.upload_from_dir(folder, name="tree.tgz")
    with tarfile.open(fileobj=io.BytesIO(await archive.download_as_bytes()), mode="r:gz") as tar:
        assert tar.getnames() == ["x.txt"]

    assert [o.id async for o in sdk.storage_object.list(name="async.bin")] == [data.id]
    for obj in (text, data, from_file, archive):
        await obj.delete()
        assert (await obj.get_info()).state == "DELETED"  # the record stays, as on the service
        with pytest.raises(NotFoundError):
            await obj.download_as_bytes()


async def test_pty_session_async(local_async_sdk: AsyncRunloopSDK) -> None:
    async def read_until(session: AsyncPtySession, needle: bytes) -> None:
        async def read() -> None:
            screen = bytearray()
            while needle not in screen:
                screen += await session.receive()

        await asyncio.wait_for(read(), 15)

    async with await local_async_sdk.devbox.create(name="async-pty") as devbox:
        async with await devbox.pty.connect("work", cols=90, rows=20) as session:
            assert session.view is not None and session.view.created
            await session.send(b'cd /tmp; echo "<$(stty size)>"\r')
            await read_until(session, b"<20 90>")
            await session.reconnect()  # same shell, by name
            assert session.view.attached and not session.view.created
            await session.resize(120, 40)
            await session.send('echo "<$(stty size)> <$PWD>"\r')
            await read_until(session, b"<40 120> </tmp>")
            await session.send("sleep 30\r")
            await asyncio.sleep(0.5)
            await session.signal("SIGINT")
            await session.send('echo "<$?>"\r')
            await read_until(session, b"<130>")
        with pytest.raises(NotFoundError):  # closed on exit
            await local_async_sdk.api.pty.control(
                "work", action="close", extra_query={"devbox_id": devbox.id}
            )


async def test_named_shells_async(local_async_sdk: AsyncRunloopSDK) -> None:
    async with await local_async_sdk.devbox.create(name="shells-async") as devbox:
        shell = devbox.shell("main")
        await shell.exec("cd /tmp && export N=7")
        assert await (await shell.exec("pwd; echo $N")).stdout() == "/tmp\n7\n"
