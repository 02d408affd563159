"""The official client (runloop-api-client from PyPI) drives the engine unchanged."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from runloop_api_client import Runloop, RunloopSDK

from runloop_local import LocalEngine


def test_official_client_create_exec_files_shutdown(engine: LocalEngine) -> None:
    with Runloop(bearer_token=engine.token, base_url=engine.base_url, max_retries=0) as client:
        devbox = client.devboxes.create_and_await_running(name="official")
        assert devbox.status == "running"
        result = client.devboxes.execute_and_await_completion(devbox.id, command="echo hi; echo oops >&2")
        assert (result.status, result.exit_status, result.stdout, result.stderr) == (
            "completed",
            0,
            "hi\n",
            "oops\n",
        )
        run = client.devboxes.execute_async(devbox.id, command="seq 1 3")
        chunks = client.devboxes.executions.stream_stdout_updates(run.execution_id, devbox_id=devbox.id)
        assert "".join(chunk.output for chunk in chunks) == "1\n2\n3\n"
        client.devboxes.write_file_contents(
            devbox.id, file_path="hello.txt", contents="from the official client"
        )
        assert (
            client.devboxes.read_file_contents(devbox.id, file_path="hello.txt") == "from the official client"
        )
        listed = client.devboxes.list(limit=100)
        assert devbox.id in {d.id for d in listed.devboxes}
        done = client.devboxes.shutdown(devbox.id)
        assert (done.status, done.shutdown_reason) == ("shutdown", "api_shutdown")


def test_official_client_snapshot_disk_and_create_from_it(engine: LocalEngine) -> None:
    with Runloop(bearer_token=engine.token, base_url=engine.base_url, max_retries=0) as client:
        devbox = client.devboxes.create_and_await_running(name="official-snap")
        client.devboxes.write_file_contents(devbox.id, file_path="state.txt", contents="snapshotted")
        snapshot = client.devboxes.snapshot_disk(devbox.id, name="official", metadata={"by": "official"})
        assert (snapshot.name, snapshot.metadata, snapshot.source_devbox_id) == (
            "official",
            {"by": "official"},
            devbox.id,
        )
        client.devboxes.write_file_contents(devbox.id, file_path="state.txt", contents="changed")
        fork = client.devboxes.create_and_await_running(snapshot_id=snapshot.id)
        assert client.devboxes.read_file_contents(fork.id, file_path="state.txt") == "snapshotted"

        started = client.devboxes.snapshot_disk_async(devbox.id)
        done = client.devboxes.disk_snapshots.await_completed(started.id)
        assert done.status == "complete"
        listed = client.devboxes.disk_snapshots.list(devbox_id=devbox.id)
        assert [s.id for s in listed.snapshots] == [started.id, snapshot.id]
        assert client.devboxes.disk_snapshots.update(snapshot.id, name="renamed").name == "renamed"
        client.devboxes.disk_snapshots.delete(snapshot.id)
        assert client.devboxes.disk_snapshots.query_status(snapshot.id).status == "deleted"
        for id in (devbox.id, fork.id):
            client.devboxes.shutdown(id)


def test_official_client_object_upload_complete_download(engine: LocalEngine) -> None:
    data = bytes(range(256)) * 4096  # 1 MiB, every byte value
    with Runloop(bearer_token=engine.token, base_url=engine.base_url, max_retries=0) as client:
        created = client.objects.create(
            name="official.bin", content_type="binary", metadata={"by": "official"}
        )
        assert created.state == "UPLOADING" and created.upload_url
        # As with the service's presigned URLs: a plain PUT, without the API key.
        assert httpx.put(created.upload_url, content=data).status_code == 200
        done = client.objects.complete(created.id)
        assert (done.state, done.size_bytes, done.metadata) == ("READ_ONLY", len(data), {"by": "official"})
        assert client.objects.retrieve(created.id).state == "READ_ONLY"
        assert created.id in {o.id for o in client.objects.list(name="official").objects}
        url = client.objects.download(created.id, duration_seconds=60).download_url
        assert httpx.get(url).content == data
        assert client.objects.list_public().objects == []
        deleted = client.objects.delete(created.id)
        assert deleted.state == "DELETED"
        assert httpx.get(url).status_code == 404


@pytest.mark.bwrap
def test_official_object_sdk_blueprint_workflow(engine: LocalEngine, tmp_path: Path) -> None:
    if engine.writable_roots is not None:
        pytest.skip(f"no writable roots on this machine: {engine.writable_roots}")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text("print('from the context')\n")
    sdk = RunloopSDK(bearer_token=engine.token, base_url=engine.base_url, max_retries=0)
    context = sdk.storage_object.upload_from_dir(tmp_path / "app", name="ctx")
    blueprint = sdk.blueprint.create(
        name="official-bp",
        dockerfile="FROM ubuntu:22.04\nWORKDIR /app\nCOPY . .\nRUN python3 main.py > out.txt\n",
        build_context={"type": "object", "object_id": context.id},
    )
    info = blueprint.get_info()
    assert (info.status, info.name) == ("build_complete", "official-bp")
    assert any(line.message == "Step 3/3: RUN python3 main.py > out.txt" for line in blueprint.logs().logs)
    devbox = blueprint.create_devbox(name="from-official-bp")
    assert devbox.cmd.exec("cat out.txt").stdout() == "from the context\n"
    assert blueprint.id in [b.id for b in sdk.blueprint.list(name="official-bp")]
    devbox.shutdown()
    blueprint.delete()
    assert blueprint.get_info().state == "deleted"


def test_official_client_resume_async_then_await_running(engine: LocalEngine) -> None:
    with Runloop(bearer_token=engine.token, base_url=engine.base_url, max_retries=0) as client:
        devbox = client.devboxes.create_and_await_running(name="official-resume")
        client.devboxes.write_file_contents(devbox.id, file_path="kept.txt", contents="kept")
        client.devboxes.suspend(devbox.id)
        client.devboxes.await_suspended(devbox.id)
        client.devboxes.resume(devbox.id)
        assert client.devboxes.retrieve(devbox.id).status in ("provisioning", "running")
        assert client.devboxes.await_running(devbox.id).status == "running"
        assert client.devboxes.read_file_contents(devbox.id, file_path="kept.txt") == "kept"
        client.devboxes.shutdown(devbox.id)
