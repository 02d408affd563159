"""The official SDK's keyword forms, end to end against the local engine (sync and async)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from runloop_sdk import AsyncRunloopSDK, Devbox, PollingConfig, RunloopSDK


@pytest.fixture(scope="module")
def engine_sdk(engine: object) -> Iterator[RunloopSDK]:
    with RunloopSDK(bearer_token=engine.token, base_url=engine.base_url) as sdk:  # type: ignore[attr-defined]
        yield sdk


@pytest.fixture(scope="module")
def box(engine_sdk: RunloopSDK) -> Iterator[Devbox]:
    official_polling = PollingConfig(interval_seconds=0.2, timeout_seconds=60)
    devbox = engine_sdk.devbox.create(name="parity", polling_config=official_polling)
    yield devbox
    devbox.close()


def test_file_keywords_of_the_official_sdk(box: Devbox, tmp_path: Path) -> None:
    box.file.write(file_path="notes/a.txt", contents="hello")
    assert box.file.read(file_path="notes/a.txt") == "hello"
    assert box.file.download("notes/a.txt") == b"hello"  # no destination: the bytes
    assert box.file.download(path="notes/a.txt", timeout=30) == b"hello"
    box.file.upload(path="notes/b.bin", file=b"\x00\x01")
    local = tmp_path / "c.bin"
    local.write_bytes(b"xyz" * 1000)
    box.file.upload(path="notes/c.bin", file=local)
    assert box.file.download("notes/c.bin", tmp_path / "back.bin").read_bytes() == b"xyz" * 1000
    assert box.file.read_bytes("notes/b.bin") == b"\x00\x01"
    with pytest.raises(TypeError, match="not both"):
        box.file.read("x", file_path="y")
    with pytest.raises(TypeError, match="missing argument"):
        box.file.read()


def test_commands_and_executions_under_official_names(box: Devbox) -> None:
    result = box.cmd.exec(
        "echo hi", polling_config=PollingConfig(interval_seconds=0.1), extra_headers={"x-a": "1"}
    )
    assert result.result.stdout == "hi\n" and result.result is result.raw
    run = box.cmd.exec_async("cat", attach_stdin=True, timeout=30)
    run.send_std_in("piped\n")
    run.close_std_in()
    assert run.result(polling_config=PollingConfig(timeout_seconds=30)).stdout() == "piped\n"
    assert box.get_tunnel() is None and box.get_tunnel_url(8080) is None


def test_devbox_lifecycle_and_listing(engine_sdk: RunloopSDK, box: Devbox) -> None:
    listed = engine_sdk.devbox.list(status="running", limit=50)
    assert box.id in [d.id for d in listed] and len(listed) >= 1
    assert len(engine_sdk.devbox.list(limit=1)) == 1
    view = box.get_info(timeout=10)
    assert view.status == "running"


def test_storage_objects_with_official_keywords(engine_sdk: RunloopSDK, tmp_path: Path) -> None:
    source = tmp_path / "data.txt"
    source.write_text("payload")
    obj = engine_sdk.storage_object.upload_from_file(file_path=source, ttl=timedelta(hours=1))
    assert obj.download_as_text(duration_seconds=60) == "payload"
    folder = tmp_path / "tree"
    (folder / "keep").mkdir(parents=True)
    (folder / "keep" / "a.txt").write_text("a")
    (folder / "skip.log").write_text("b")
    packed = engine_sdk.storage_object.upload_from_dir(
        dir_path=folder, ignore=lambda info: None if info.name.endswith(".log") else info
    )
    assert packed.get_info().state == "READ_ONLY"
    manual = engine_sdk.storage_object.create(name="manual.txt", content_type="text")
    assert manual.upload_url is not None
    manual.upload_content("by hand")
    assert manual.complete().state == "READ_ONLY"
    assert manual.download_as_bytes() == b"by hand"
    assert manual.get_download_url().download_url.startswith("http")
    assert manual.as_build_context() == {"object_id": manual.id, "type": "object"}


def test_secrets_by_name_or_object(engine_sdk: RunloopSDK) -> None:
    secret = engine_sdk.secret.create("PARITY_TOKEN", "one")
    engine_sdk.secret.update(secret, "two")
    engine_sdk.secret.update("PARITY_TOKEN", "three")
    assert "PARITY_TOKEN" in [s.name for s in engine_sdk.secret.list()]
    assert engine_sdk.secret.delete("PARITY_TOKEN").name == "PARITY_TOKEN"


async def test_async_forms(engine: object) -> None:
    async with AsyncRunloopSDK(bearer_token=engine.token, base_url=engine.base_url) as sdk:  # type: ignore[attr-defined]
        devbox = await sdk.devbox.create(polling_config=PollingConfig(interval_seconds=0.2))
        try:
            await devbox.file.write(file_path="x.txt", contents="async")
            assert await devbox.file.download(path="x.txt") == b"async"
            listed = await sdk.devbox.list(status="running")
            assert devbox.id in [d.id for d in listed]
            assert devbox.id in [d.id async for d in sdk.devbox.list(status="running")]
        finally:
            await devbox.close()
        await sdk.aclose()
