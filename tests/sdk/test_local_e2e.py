"""End to end against the embedded local engine: real devboxes, real processes (sync SDK)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from runloop_sdk import (
    BuildFailedError,
    Devbox,
    NotFoundError,
    OutputLine,
    PollingTimeoutError,
    PtySession,
    RunloopSDK,
)


@pytest.fixture
def devbox(local_sdk: RunloopSDK) -> Iterator[Devbox]:
    box = local_sdk.devbox.create(name="e2e")
    yield box
    box.shutdown()


def test_quickstart_workflow(local_sdk: RunloopSDK) -> None:
    with local_sdk.devbox.create(name="quickstart") as devbox:
        assert devbox.get_info().status == "running"
        result = devbox.cmd.exec("echo 'Hello, World!'")
        assert result.exit_code == 0 and result.stdout() == "Hello, World!\n"
        server = devbox.cmd.exec_async("sleep 60")
        assert server.get_state().status == "running"
        server.kill()
        assert server.result(timeout=10).exit_code != 0
    assert local_sdk.devbox.from_id(devbox.id).get_info().status == "shutdown"


def test_context_manager_when_the_body_raises(local_sdk: RunloopSDK) -> None:
    with pytest.raises(ZeroDivisionError), local_sdk.devbox.create() as devbox:
        devbox.cmd.exec("true")
        _ = 1 / 0
    assert devbox.get_info().status == "shutdown"


def test_exit_codes_and_output(devbox: Devbox) -> None:
    result = devbox.cmd.exec("echo out; echo err >&2; exit 7")
    assert (result.exit_code, result.success, result.failed) == (7, False, True)
    assert result.stdout() == "out\n"
    assert result.stderr() == "err\n"
    assert devbox.cmd.exec("true").success


def test_full_output_beyond_the_views_tail(devbox: Devbox) -> None:
    result = devbox.cmd.exec("seq 5000")
    assert result.stdout().splitlines() == [str(i) for i in range(1, 5001)]
    assert result.stdout(num_lines=1) == "5000\n"


def test_streaming_callbacks_10000_lines_none_lost(devbox: Devbox) -> None:
    out: list[str] = []
    err: list[str] = []
    both: list[str] = []
    command = "for i in $(seq 10000); do echo $i; echo e$i >&2; done"
    result = devbox.cmd.exec(command, stdout=out.append, stderr=err.append, output=both.append)
    assert result.exit_code == 0
    assert out == [str(i) for i in range(1, 10_001)]
    assert err == [f"e{i}" for i in range(1, 10_001)]
    assert [line for line in both if not line.startswith("e")] == out
    assert [line for line in both if line.startswith("e")] == err


def test_callback_exception_surfaces(devbox: Devbox) -> None:
    def broken(line: str) -> None:
        raise RuntimeError(f"cannot handle {line}")

    with pytest.raises(RuntimeError, match="cannot handle 1"):
        devbox.cmd.exec("seq 3", stdout=broken)


def test_exec_async_stdin_and_kill(devbox: Devbox) -> None:
    cat = devbox.cmd.exec_async("cat", attach_stdin=True)
    cat.send_stdin("first\n")
    cat.send_stdin("second\n")
    cat.close_stdin()
    result = cat.result(timeout=20)
    assert result.exit_code == 0 and result.stdout() == "first\nsecond\n"
    sleeper = devbox.cmd.exec_async("sleep 300")
    sleeper.kill()
    assert sleeper.result(timeout=20).exit_code not in (0, None)


def test_line_iterator_resumes_from_saved_offset(devbox: Devbox) -> None:
    execution = devbox.cmd.exec_async("seq 100")
    seen: list[OutputLine] = []
    for line in execution.stdout_lines():
        seen.append(line)
        if line.text == "40":
            break
    rest = [line.text for line in execution.stdout_lines(offset=seen[-1].offset)]
    assert [line.text for line in seen] + rest == [str(i) for i in range(1, 101)]


def test_file_round_trip_text_and_binary(devbox: Devbox, tmp_path: Path) -> None:
    devbox.file.write("notes/hello.txt", "héllo wörld\n")
    assert devbox.file.read("notes/hello.txt") == "héllo wörld\n"
    blob = bytes(range(256)) * 4096  # 1 MiB with every byte value
    devbox.file.write("blob.bin", blob)
    assert devbox.file.read_bytes("blob.bin") == blob
    source = tmp_path / "up.bin"
    source.write_bytes(blob[::-1])
    devbox.file.upload("up.bin", source)
    assert devbox.cmd.exec("wc -c < up.bin").stdout().strip() == str(len(blob))
    assert devbox.file.download("up.bin", tmp_path / "down.bin").read_bytes() == blob[::-1]


def test_polling_timeouts_carry_the_last_state(devbox: Devbox) -> None:
    with pytest.raises(PollingTimeoutError) as caught:
        devbox.cmd.exec("sleep 30", timeout=1)
    assert caught.value.last_state is not None and caught.value.last_state.status == "running"
    execution = devbox.cmd.exec_async("sleep 30")
    with pytest.raises(PollingTimeoutError):
        execution.result(timeout=0.5)
    execution.kill()


def test_echo_is_one_round_trip(engine: object, devbox: Devbox) -> None:
    sent: list[str] = []
    http = httpx.Client(event_hooks={"request": [lambda request: sent.append(request.url.path)]})
    with RunloopSDK(
        bearer_token=engine.token,  # type: ignore[attr-defined]
        base_url=engine.base_url,  # type: ignore[attr-defined]
        http_client=http,
    ) as sdk:
        result = sdk.devbox.from_id(devbox.id).cmd.exec("echo hi")
        assert result.stdout() == "hi\n"
    http.close()
    assert sent == [f"/v1/devboxes/{devbox.id}/execute"]


def test_lifecycle_logs_usage_update_and_list(local_sdk: RunloopSDK, devbox: Devbox) -> None:
    devbox.cmd.exec("echo logged")
    assert any(entry.cmd == "echo logged" for entry in devbox.logs())
    assert devbox.usage().id == devbox.id
    assert devbox.update(name="renamed", metadata={"team": "sdk"}).name == "renamed"
    devbox.keep_alive()
    assert devbox.suspend().status == "suspended"
    assert devbox.resume().status == "running"
    assert devbox.cmd.exec("echo back").stdout() == "back\n"
    assert devbox.id in [box.id for box in local_sdk.devbox.list(page_size=1)]


def test_local_starts_and_stops_the_engine() -> None:
    with RunloopSDK.local() as sdk:
        assert sdk.engine is not None
        base_url = sdk.engine.base_url
        with sdk.devbox.create() as devbox:
            assert devbox.cmd.exec("echo local").stdout() == "local\n"
    with pytest.raises(httpx.ConnectError):
        httpx.get(base_url + "/v1/devboxes", timeout=2)


def test_snapshot_disk_then_create_devbox(local_sdk: RunloopSDK, devbox: Devbox) -> None:
    devbox.file.write("state.txt", "before the snapshot\n")
    snapshot = devbox.snapshot_disk(name="sdk-e2e", metadata={"suite": "sdk"})  # waits until complete
    info = snapshot.get_info()
    assert info.status == "complete" and info.snapshot is not None and info.snapshot.name == "sdk-e2e"
    devbox.file.write("state.txt", "after the snapshot\n")
    with snapshot.create_devbox(name="sdk-fork") as fork:
        assert fork.file.read("state.txt") == "before the snapshot\n"
        assert fork.cmd.exec("cat state.txt").stdout() == "before the snapshot\n"
    assert devbox.file.read("state.txt") == "after the snapshot\n"
    assert snapshot.update(name="renamed").name == "renamed"
    assert snapshot.id in [s.id for s in local_sdk.snapshot.list(devbox_id=devbox.id)]
    later = devbox.snapshot_disk_async()
    assert later.await_completed().status == "complete"
    with local_sdk.devbox.create_from_snapshot(later.id) as second:
        assert second.file.read("state.txt") == "after the snapshot\n"
    snapshot.delete()
    later.delete()
    assert snapshot.get_info().status == "deleted"


def test_storage_objects_upload_download_delete(local_sdk: RunloopSDK, tmp_path: Path) -> None:
    text = local_sdk.storage_object.upload_from_text(
        "héllo, objects\n", name="greeting.txt", metadata={"k": "v"}
    )
    info = text.get_info()
    assert (info.state, info.content_type, info.size_bytes, info.metadata) == (
        "READ_ONLY",
        "text",
        len("héllo, objects\n".encode()),
        {"k": "v"},
    )
    assert text.download_as_text() == "héllo, objects\n"

    blob = os.urandom(2 * 1024 * 1024 + 1)
    data = local_sdk.storage_object.upload_from_bytes(blob, name="blob.bin")
    assert data.download_as_bytes() == blob
    url = data.download_url(duration_seconds=60)
    assert httpx.get(url).content == blob  # a presigned URL: no API key needed

    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(3 * 1024 * 1024) + bytes(range(256)))
    from_file = local_sdk.storage_object.upload_from_file(big)  # streamed from disk
    assert from_file.get_info().name == "big.bin"
    assert from_file.download_as_bytes() == big.read_bytes()

    folder = tmp_path / "folder"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("a\n")
    (folder / "sub" / "b.bin").write_bytes(b"\x00\xff" * 1000)
    archive = local_sdk.storage_object.upload_from_dir(folder)
    assert (archive.get_info().name, archive.get_info().content_type) == ("folder.tar.gz", "tgz")
    with tarfile.open(fileobj=io.BytesIO(archive.download_as_bytes()), mode="r:gz") as tar:
        assert sorted(tar.getnames()) == ["a.txt", "sub", "sub/b.bin"]
        member = tar.extractfile("sub/b.bin")
        assert member is not None and member.read() == b"\x00\xff" * 1000

    listed = [o.id for o in local_sdk.storage_object.list(name="blob.bin")]
    assert data.id in listed and text.id not in listed
    assert local_sdk.storage_object.from_id(text.id).download_as_text() == "héllo, objects\n"
    for obj in (text, data, from_file, archive):
        obj.delete()
        assert obj.get_info().state == "DELETED"  # the record stays, as on the service
        with pytest.raises(NotFoundError):
            obj.download_as_bytes()
    assert httpx.get(url).status_code == 404


def _read_until(session: PtySession, needle: bytes, screen: bytearray) -> None:
    deadline = time.monotonic() + 15
    while needle not in screen:
        assert time.monotonic() < deadline, f"{needle!r} never came; the screen: {bytes(screen)!r}"
        screen += session.receive()


def test_pty_session_typing_reattach_resize_interrupt_close(local_sdk: RunloopSDK, devbox: Devbox) -> None:
    session = devbox.pty.connect("main", cols=100, rows=30)
    assert session.view is not None and (session.view.created, session.view.attached) == (True, False)
    screen = bytearray()
    session.send("echo hi-$((1+1)); cd /tmp\r")
    _read_until(session, b"hi-2", screen)
    session.send("sleep 0.5; echo away-$((40+2))\r")
    session.detach()  # the shell goes on; what it prints meanwhile is kept
    time.sleep(1)
    again = devbox.pty.connect("main")
    assert again.view is not None and (again.view.created, again.view.attached) == (False, True)
    screen = bytearray()
    _read_until(again, b"away-42", screen)
    again.resize(132, 43)
    again.send('echo "<$(stty size)> <$PWD>"\r')
    _read_until(again, b"<43 132> </tmp>", screen)
    again.send("sleep 30\r")
    time.sleep(0.5)
    again.signal("SIGINT")
    again.send('echo "<$?>"\r')
    _read_until(again, b"<130>", screen)

    # Another devbox with a session of the same name: controls reach the right one.
    with local_sdk.devbox.create(name="e2e-pty-other") as other, other.pty.connect("main") as second:
        second.resize(50, 10)
        again.send('echo "<$(stty size)>"\r')
        _read_until(again, b"<43 132>", screen)
    again.close()
    assert devbox.pty.connect("main").view.created  # type: ignore[union-attr]  # a fresh shell


@pytest.mark.bwrap
def test_blueprint_build_devboxes_and_a_failed_build(local_sdk: RunloopSDK, engine: Any) -> None:
    if engine.writable_roots is not None:
        pytest.skip(f"no writable roots on this machine: {engine.writable_roots}")
    blueprint = local_sdk.blueprint.create(
        name="sdk-bp", dockerfile="FROM ubuntu:22.04\nENV FLAVOUR=mint\nRUN echo baked > /opt/baked\n"
    )
    assert blueprint.get_info().status == "build_complete"
    assert "Step 1/1: RUN echo baked > /opt/baked" in [line.message for line in blueprint.logs()]
    with blueprint.create_devbox(name="from-sdk-bp") as devbox:
        assert devbox.cmd.exec("cat /opt/baked; echo $FLAVOUR").stdout() == "baked\nmint\n"
    with local_sdk.devbox.create_from_blueprint_name("sdk-bp") as by_name:
        assert by_name.get_info().blueprint_id == blueprint.id
    with local_sdk.devbox.create_from_blueprint_id(blueprint.id) as by_id:
        assert by_id.cmd.exec("cat /opt/baked").stdout() == "baked\n"

    started = local_sdk.blueprint.create_async(
        name="sdk-broken", system_setup_commands=["echo line one; echo the reason >&2; exit 7"]
    )
    streamed = [line.message for line in started.stream_logs()]
    assert "the reason" in streamed
    with pytest.raises(BuildFailedError) as failed:
        started.await_build_complete()
    assert failed.value.failure_reason == "build_failed"
    assert "the reason" in failed.value.log_tail
    assert "failed with exit status 7" in str(failed.value)
    blueprint.delete()


def test_named_shells_keep_folder_and_variables(local_sdk: RunloopSDK, devbox: Devbox) -> None:
    shell = devbox.shell("work")
    assert shell.exec("mkdir -p /tmp/proj && cd /tmp/proj && export MODE=dev").exit_code == 0
    assert shell.exec("pwd; echo $MODE").stdout() == "/tmp/proj\ndev\n"
    background = shell.exec_async("sleep 0.3; echo bg")
    queued = shell.exec_async("echo next")  # waits for the one before it
    assert queued.result().stdout() == "next\n" and background.result().stdout() == "bg\n"
    assert devbox.cmd.exec("pwd").stdout() == "/home/user\n"  # the plain interface has no shell
    assert devbox.shell("other").exec("echo [$MODE]").stdout() == "[]\n"


def test_secrets_reach_devboxes(local_sdk: RunloopSDK) -> None:
    secret = local_sdk.secret.create("SDK_SECRET_E2E", "from-the-sdk")
    try:
        assert secret.get_info().name == "SDK_SECRET_E2E"
        assert "SDK_SECRET_E2E" in [s.name for s in local_sdk.secret.list()]
        with local_sdk.devbox.create(secrets={"TOKEN": "SDK_SECRET_E2E"}) as devbox:
            assert devbox.cmd.exec("echo $TOKEN").stdout() == "from-the-sdk\n"
        secret.update("rotated")
    finally:
        secret.delete()
    with pytest.raises(NotFoundError):
        local_sdk.secret.from_name("SDK_SECRET_E2E").get_info()


_PEAK_RSS = """
import os, sys
from runloop_sdk import RunloopSDK
size = int(sys.argv[4])
with RunloopSDK(base_url=sys.argv[1], bearer_token=sys.argv[2]) as sdk:
    devbox = sdk.devbox.from_id(sys.argv[3])
    devbox.cmd.exec("true")
    with open("/proc/self/statm") as statm:
        before = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    text = devbox.cmd.exec(f"yes $(printf %099d 0) | head -c {size}").stdout()
    with open("/proc/self/status") as status:  # ru_maxrss would count the parent's, from the fork
        peak = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))
    assert len(text) == size and text.count("0" * 99 + "\\n") == size // 100
    print((peak - before) / size)
"""


def test_a_full_result_is_held_once_in_client_memory(engine: Any, devbox: Devbox) -> None:
    # The whole output read back for result.stdout() (beyond the view's tail): its peak memory
    # was about 2.3x the output (the chunks and their join); it is now the output once.
    size = 50_000_000
    args = [sys.executable, "-c", _PEAK_RSS, engine.base_url, engine.token, devbox.id, str(size)]
    done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) < 1.5, done.stdout
