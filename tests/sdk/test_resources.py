"""Snapshots, blueprints, computers, storage objects, secrets and network policies.

Through the fake API (snapshots also run end to end in test_local_e2e*.py; the local engine
answers 501 for the others for now).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from runloop_api import APIConnectionError
from runloop_sdk import (
    AsyncRunloopSDK,
    BuildFailedError,
    PollingConfig,
    PollingTimeoutError,
    RunloopSDK,
    SnapshotFailedError,
)

from ._fake import FakeRunloop


async def test_snapshot_disk_waits_and_forks(async_sdk: AsyncRunloopSDK, fake: FakeRunloop) -> None:
    fake.boot_polls = 0
    devbox = await async_sdk.devbox.create()
    snapshot = await devbox.snapshot_disk(name="base", metadata={"k": "v"})
    info = await snapshot.get_info()
    assert info.status == "complete" and info.snapshot is not None and info.snapshot.name == "base"
    fork = await snapshot.create_devbox(name="fork")
    assert fake.devboxes[fork.id]["snapshot_id"] == snapshot.id
    await snapshot.update(name="renamed")
    assert fake.snapshots[snapshot.id]["view"]["name"] == "renamed"
    assert [s.id async for s in async_sdk.snapshot.list()] == [snapshot.id]
    await snapshot.delete()
    assert snapshot.id not in fake.snapshots


async def test_snapshot_failure_raises_with_message(async_sdk: AsyncRunloopSDK, fake: FakeRunloop) -> None:
    fake.boot_polls = 0
    devbox = await async_sdk.devbox.create()
    snapshot = await devbox.snapshot_disk_async()
    fake.snapshots[snapshot.id]["status"] = "error"
    with pytest.raises(SnapshotFailedError, match="disk full"):
        await snapshot.await_completed()


async def test_snapshot_wait_times_out_with_last_state(async_sdk: AsyncRunloopSDK, fake: FakeRunloop) -> None:
    fake.boot_polls = 0
    snapshot = await (await async_sdk.devbox.create()).snapshot_disk_async()
    fake.snapshots[snapshot.id]["polls"] = 1000
    with pytest.raises(PollingTimeoutError) as caught:
        await snapshot.await_completed(polling=PollingConfig(interval=0, max_attempts=2))
    assert caught.value.last_state.status == "in_progress"


async def test_blueprint_build_and_devbox(async_sdk: AsyncRunloopSDK, fake: FakeRunloop) -> None:
    fake.boot_polls = 0
    blueprint = await async_sdk.blueprint.create(name="py", dockerfile="FROM ubuntu:22.04")
    assert (await blueprint.get_info()).status == "build_complete"
    assert [entry.message for entry in await blueprint.logs()][:1] == ["step 1"]
    devbox = await blueprint.create_devbox(name="from-bp")
    assert fake.devboxes[devbox.id]["blueprint_id"] == blueprint.id
    assert [b.id async for b in async_sdk.blueprint.list()] == [blueprint.id]
    await blueprint.delete()


async def test_blueprint_failure_raises_with_log_tail(async_sdk: AsyncRunloopSDK) -> None:
    with pytest.raises(BuildFailedError) as caught:
        await async_sdk.blueprint.create(name="bad", dockerfile="FROM FAIL")
    assert caught.value.failure_reason == "build_failed"
    assert caught.value.log_tail[-1] == "E: package not found"
    assert "E: package not found" in str(caught.value)


async def test_blueprint_live_log_stream(async_sdk: AsyncRunloopSDK) -> None:
    blueprint = await async_sdk.blueprint.create_async(name="py", dockerfile="FROM ubuntu:22.04")
    messages = [entry.message async for entry in blueprint.stream_logs(interval=0)]
    assert messages == [f"step {i}" for i in range(1, len(messages) + 1)] and len(messages) >= 2


async def test_computer(async_sdk: AsyncRunloopSDK, fake: FakeRunloop, tmp_path: Path) -> None:
    fake.boot_polls = 2
    computer = await async_sdk.computer.create(display_width=1024, display_height=768)
    assert (await computer.devbox.get_info()).status == "running"
    assert await computer.live_screen_url() == f"https://screen.test/{computer.id}"
    await computer.keyboard("type", "hello")
    await computer.mouse("left_click", x=10, y=20)
    click = fake.requests[-1]
    assert b'"coordinate":{"x":10,"y":20}' in click.content
    png = await computer.screenshot(tmp_path / "screen.png")
    assert png.startswith(b"\x89PNG") and (tmp_path / "screen.png").read_bytes() == png
    assert await computer.cursor_position() == (12, 34)


async def test_storage_objects(async_sdk: AsyncRunloopSDK, fake: FakeRunloop, tmp_path: Path) -> None:
    text = await async_sdk.storage_object.upload_from_text("hello", name="greeting.txt")
    assert (await text.get_info()).state == "READ_ONLY"
    assert await text.download_as_text() == "hello"
    put = next(r for r in fake.requests if r.method == "PUT")
    assert put.headers["x-amz-acl"] == "private" and put.headers["content-length"] == "5"
    blob = await async_sdk.storage_object.upload_from_bytes(b"\x00\x01", name="b.bin")
    assert await blob.download_as_bytes() == b"\x00\x01"
    source = tmp_path / "data.bin"
    source.write_bytes(b"x" * 3_000_000)
    from_file = await async_sdk.storage_object.upload_from_file(source)
    assert fake.uploads[from_file.id] == b"x" * 3_000_000
    folder = tmp_path / "project"
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "main.py").write_text("print('hi')\n")
    archive = await async_sdk.storage_object.upload_from_dir(folder)
    assert (
        fake.objects[archive.id]["content_type"] == "tgz"
        and fake.objects[archive.id]["name"] == "project.tar.gz"
    )
    assert fake.uploads[archive.id][:2] == b"\x1f\x8b"
    assert len([o async for o in async_sdk.storage_object.list()]) == 4
    await text.delete()
    assert text.id not in fake.objects


@pytest.fixture
def no_retry_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries of the raw layer go at once (the failures are scripted, no server needs time)."""
    import runloop_api._async._client_base as async_base
    import runloop_api._sync._client_base as sync_base
    import runloop_sdk._async.files as async_files
    import runloop_sdk._sync.files as sync_files

    for module in (async_base, sync_base, async_files, sync_files):
        monkeypatch.setattr(module, "retry_delay", lambda error, attempt: 0.0)


async def test_object_transfers_survive_broken_connections(
    async_sdk: AsyncRunloopSDK, fake: FakeRunloop, tmp_path: Path, no_retry_wait: None
) -> None:
    source = tmp_path / "data.bin"
    source.write_bytes(b"y" * 200_000)
    fake.fail(r"PUT /put/obj_\d+", httpx.ReadError("reset after the bytes went out"), times=2)
    obj = await async_sdk.storage_object.upload_from_file(source)
    assert fake.uploads[obj.id] == source.read_bytes()  # the file was read again for each attempt
    fake.fail(r"GET /get/obj_\d+", httpx.RemoteProtocolError("cut"), times=2)
    assert await obj.download_as_bytes() == source.read_bytes()


def test_an_object_download_that_keeps_breaking_raises_a_typed_error(
    sdk: RunloopSDK, fake: FakeRunloop, no_retry_wait: None
) -> None:
    obj = sdk.storage_object.upload_from_text("text", name="t.txt")
    fake.fail(r"GET /get/obj_\d+", httpx.ReadError("reset"), times=10)
    with pytest.raises(APIConnectionError, match="reset"):
        obj.download_as_text()
    fake.fail(r"PUT /put/obj_\d+", httpx.ConnectError("refused"), times=10)
    with pytest.raises(APIConnectionError, match="refused"):
        sdk.storage_object.upload_from_bytes(b"b", name="b.bin")


class _CutBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that breaks off after its first bytes, as a cut connection does."""

    def __iter__(self) -> Iterator[bytes]:
        yield b"partial"
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"partial"
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")


async def test_a_download_cut_in_its_body_is_sent_again(
    async_sdk: AsyncRunloopSDK, fake: FakeRunloop, tmp_path: Path, no_retry_wait: None
) -> None:
    devbox = await async_sdk.devbox.create()
    await devbox.file.write("data.bin", b"whole file" * 1000)
    for _ in range(2):  # a response is read once: one each
        fake.fail(r"POST /v1/devboxes/\w+/download_file", httpx.Response(200, stream=_CutBody()))
    target = await devbox.file.download("data.bin", tmp_path / "copy.bin")
    assert target.read_bytes() == b"whole file" * 1000
    fake.fail(r"POST /v1/devboxes/\w+/download_file", httpx.Response(200, stream=_CutBody()))
    assert await devbox.file.read_bytes("data.bin") == b"whole file" * 1000


def test_a_download_that_keeps_breaking_raises_a_typed_error(
    sdk: RunloopSDK, fake: FakeRunloop, no_retry_wait: None
) -> None:
    devbox = sdk.devbox.create()
    devbox.file.write("data.bin", b"x")
    for _ in range(3):  # max_retries 2: three attempts
        fake.fail(r"POST /v1/devboxes/\w+/download_file", httpx.Response(200, stream=_CutBody()))
    with pytest.raises(APIConnectionError, match="broke off"):
        devbox.file.read_bytes("data.bin")
    assert devbox.file.read_bytes("data.bin") == b"x"


def test_an_object_delete_whose_answer_was_lost_is_not_sent_twice(
    sdk: RunloopSDK, fake: FakeRunloop, no_retry_wait: None
) -> None:
    done = sdk.storage_object.upload_from_text("a", name="a.txt")
    fake.objects[done.id]["state"] = "DELETED"  # the server deleted it; the answer is lost on the way
    fake.fail(r"POST /v1/objects/\w+/delete", httpx.RemoteProtocolError("cut"))
    done.delete()
    assert fake.paths().count(f"POST /v1/objects/{done.id}/delete") == 1
    pending = sdk.storage_object.upload_from_text("b", name="b.txt")
    fake.fail(r"POST /v1/objects/\w+/delete", httpx.ReadError("reset"))  # the delete never arrived
    pending.delete()
    assert pending.id not in fake.objects
    assert fake.paths().count(f"POST /v1/objects/{pending.id}/delete") == 2


async def test_secrets(async_sdk: AsyncRunloopSDK, fake: FakeRunloop) -> None:
    secret = await async_sdk.secret.create("TOKEN", "s3cret")
    assert secret.name == "TOKEN"
    assert [s.name for s in await async_sdk.secret.list()] == ["TOKEN"]


def test_sync_snapshot_blueprint_objects(sdk: RunloopSDK, fake: FakeRunloop) -> None:
    fake.boot_polls = 0
    devbox = sdk.devbox.create()
    snapshot = devbox.snapshot_disk(name="s")
    assert snapshot.get_info().status == "complete"
    assert sdk.devbox.create_from_snapshot(snapshot.id).id in fake.devboxes
    with pytest.raises(BuildFailedError):
        sdk.blueprint.create(name="bad", dockerfile="FAIL")
    blueprint = sdk.blueprint.create(name="ok", dockerfile="FROM x")
    assert sdk.devbox.create_from_blueprint_id(blueprint.id).id in fake.devboxes
    assert sdk.devbox.create_from_blueprint_name("ok").id in fake.devboxes
    obj = sdk.storage_object.upload_from_text("hey", name="t")
    assert obj.download_as_text() == "hey"
    assert sdk.computer.create().cursor_position() == (12, 34)


async def test_network_policies_and_secret_objects(async_sdk: AsyncRunloopSDK, fake: FakeRunloop) -> None:
    policy = await async_sdk.network_policy.create(name="pypi", allowed_hostnames=["pypi.org"])
    assert (await policy.get_info()).egress.allowed_hostnames == ["pypi.org"]
    assert (await policy.update(name="pypi-only")).name == "pypi-only"
    assert [p.id async for p in async_sdk.network_policy.list()] == [policy.id]
    await policy.delete()
    assert fake.policies == {}
    secret = await async_sdk.secret.create("API", "v")
    assert (await async_sdk.secret.from_name("API").get_info()).name == "API"
    await secret.delete()
    assert fake.secrets == {}
