"""Unit tests of the shared, I/O-free code of the object layer."""

from __future__ import annotations

import asyncio
import tarfile
import threading
import time
import uuid
from pathlib import Path

import pytest

from runloop_api._base.ids import uuid7
from runloop_api.types import BlueprintView, DevboxSnapshotAsyncStatusView, DevboxView
from runloop_sdk import DevboxFailedError, PollingConfig, PollingTimeoutError, SnapshotFailedError
from runloop_sdk._base.archive import pack_dir, read_chunks, upload_headers
from runloop_sdk._base.output import LineSplitter, OutputLine, count_lines, needs_full_output, tail_lines
from runloop_sdk._base.polling import PollClock, long_poll_hold, next_wait, should_stop
from runloop_sdk._base.states import blueprint_outcome, devbox_reached, snapshot_completed
from runloop_sdk._base.tasks import AsyncTaskGroup, CallbackLock, TaskGroup
from runloop_sdk._base.urls import parse_cursor_position, tunnel_url, websocket_url


def test_splitter_handles_split_lines_and_offsets() -> None:
    splitter = LineSplitter()
    assert splitter.feed("ab", 2) == []
    assert splitter.feed("c\nd", 5) == [OutputLine("abc", 4)]
    assert splitter.feed("\r\né\n", 10) == [OutputLine("d", 7), OutputLine("é", 10)]
    assert splitter.feed("tail") == []
    assert splitter.flush() == [OutputLine("tail", 14)]
    assert splitter.flush() == []


def test_splitter_trusts_server_offsets() -> None:
    splitter = LineSplitter(start_offset=100)
    assert splitter.feed("x\ny", 104) == [OutputLine("x", 103)]  # "y" starts where the server says
    assert splitter.feed("\n") == [OutputLine("y", 105)]


def test_splitter_texts_are_the_lines_of_feed_and_keep_the_same_resume_point() -> None:
    output = "ab\r\né ü\n\nx\ry\n€€€\n" * 3 + "tail"
    encoded = output.encode()
    for cut in range(1, len(output)):
        for trust_server in (False, True):
            lines, texts = LineSplitter(7), LineSplitter(7)
            got, want = [], []
            for piece in (output[:cut], output[cut:]):
                end = 7 + len(output[: output.index(piece) + len(piece)].encode()) if trust_server else None
                want += [line.text for line in lines.feed(piece, end)]
                got += texts.feed_texts(piece, end)
            assert got == want == output.replace("\r\n", "\n").split("\n")[:-1], (cut, trust_server)
            assert texts.flush() == lines.flush() == [OutputLine("tail", 7 + len(encoded))]


def test_tails_and_counts() -> None:
    assert count_lines("") == 0 and count_lines("a") == 1 and count_lines("a\nb\n") == 2
    assert tail_lines("a\nb\nc\n", 2) == "b\nc\n"
    assert tail_lines("a\nb\nc", 2) == "b\nc"
    assert tail_lines("a\nb\n", 5) == "a\nb\n"
    assert tail_lines("a\n", 0) == "" and tail_lines("a\n", None) == "a\n"


def test_needs_full_output() -> None:
    assert not needs_full_output("a\n", False, None)
    assert needs_full_output("a\n", True, None)
    assert needs_full_output("x\n" * 100, False, None)  # as many lines as the cap: maybe cut
    assert not needs_full_output("x\n" * 100, True, 10)  # the tail asked for is there
    assert needs_full_output(None, True, 3)


def test_polling_decisions() -> None:
    config = PollingConfig(interval=1.0, max_attempts=3, timeout=10.0)
    clock = PollClock(started=0.0, attempts=1, attempt_started=0.0, attempt_finished=0.25)
    assert next_wait(config, clock, 0.25) == 0.75
    clock.attempt_finished = 5.0
    assert next_wait(config, clock, 5.0) == 0.0  # a long-poll already waited
    assert next_wait(config, PollClock(started=0.0, attempt_finished=0.0), 9.8) == pytest.approx(0.2)
    assert long_poll_hold(config, clock, 2.5) == 8
    assert long_poll_hold(config, clock, 9.99) == 1
    assert long_poll_hold(PollingConfig(timeout=None), clock, 0) == 25
    assert not should_stop(config, clock, 1.0)
    assert should_stop(config, clock, 10.0)
    clock.attempts = 3
    assert should_stop(config, clock, 1.0)
    with pytest.raises(ValueError):
        PollingConfig(interval=-1)
    with pytest.raises(ValueError):
        PollingConfig(max_attempts=0)
    assert config.with_timeout(None).timeout is None


def _devbox(status: str, reason: str | None = None) -> DevboxView:
    return DevboxView.model_validate(
        {
            "id": "dbx_1",
            "status": status,
            "failure_reason": reason,
            "capabilities": [],
            "create_time_ms": 1,
            "launch_parameters": {},
            "metadata": {},
            "state_transitions": [],
        }
    )


def test_state_decisions() -> None:
    assert devbox_reached(_devbox("running"), ["running"])
    assert not devbox_reached(_devbox("provisioning"), ["running"])
    assert devbox_reached(_devbox("shutdown"), ["shutdown"])
    with pytest.raises(DevboxFailedError, match="out_of_disk"):
        devbox_reached(_devbox("failure", "out_of_disk"), ["running"])
    snap = DevboxSnapshotAsyncStatusView.model_validate({"status": "error", "error_message": "boom"})
    with pytest.raises(SnapshotFailedError, match="boom"):
        snapshot_completed(snap, "snp_1")
    bp = {"id": "b", "create_time_ms": 1, "name": "n", "parameters": {"name": "n"}, "state": "created"}
    assert blueprint_outcome(BlueprintView.model_validate({**bp, "status": "building"})) == "building"
    assert blueprint_outcome(BlueprintView.model_validate({**bp, "status": "failed"})) == "failed"
    assert blueprint_outcome(BlueprintView.model_validate({**bp, "status": "build_complete"})) == "built"


def test_timeout_error_message_says_what_to_change() -> None:
    error = PollingTimeoutError(
        "devbox x to be running", last_state=_devbox("provisioning"), attempts=2, elapsed=3
    )
    assert "'provisioning'" in str(error) and "PollingConfig" in str(error)


def test_uuid7() -> None:
    value = uuid.UUID(uuid7(now_ms=1_700_000_000_000, random_bytes=bytes(10)))
    assert value.version == 7 and value.variant == uuid.RFC_4122
    assert value.int >> 80 == 1_700_000_000_000
    assert uuid7() != uuid7()


def test_urls_and_parsing() -> None:
    assert tunnel_url("https://api.runloop.ai", "key", 80) == "https://80-key.tunnel.runloop.ai"
    with pytest.raises(ValueError):
        tunnel_url("https://api.runloop.ai", "key", 0)
    assert parse_cursor_position("X=5,Y=-7") == (5, -7)
    with pytest.raises(ValueError):
        parse_cursor_position("nothing")


def test_websocket_url_resolves_server_relative_paths() -> None:
    assert websocket_url("https://api.runloop.ai", "/pty/main?d=1") == "wss://api.runloop.ai/pty/main?d=1"
    assert websocket_url("http://127.0.0.1:8733/", "/pty/x") == "ws://127.0.0.1:8733/pty/x"
    assert websocket_url("https://api.runloop.ai", "wss://other.host/pty/x") == "wss://other.host/pty/x"
    with pytest.raises(ValueError, match="websocket"):
        websocket_url("https://api.runloop.ai", "ftp://nope/pty")


def test_archive_helpers(tmp_path: Path) -> None:
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "sub" / "f.txt").write_text("x")
    archive = pack_dir(tmp_path / "d")
    with tarfile.open(archive) as tar:
        assert sorted(tar.getnames()) == ["sub", "sub/f.txt"]
    archive.unlink()
    with pytest.raises(NotADirectoryError):
        pack_dir(tmp_path / "missing")
    (tmp_path / "big").write_bytes(b"a" * 10)
    assert list(read_chunks(tmp_path / "big", chunk_size=4)) == [b"aaaa", b"aaaa", b"aa"]
    same = upload_headers("http://h:1/x", "http://h:1", "tok", {"a": "b"}, 3)
    assert same == {"a": "b", "Content-Length": "3", "Authorization": "Bearer tok"}
    assert "Authorization" not in upload_headers("https://s3/x", "http://h:1", "tok", None, 3)


async def test_async_task_group_fails_fast() -> None:
    group = AsyncTaskGroup()

    async def slow() -> int:
        await asyncio.sleep(10)
        return 1

    async def broken() -> None:
        raise KeyError("x")

    group.start(slow)
    group.start(broken)
    started = time.monotonic()
    with pytest.raises(KeyError):
        await group.wait()
    assert time.monotonic() - started < 5 and group.cancelled

    ok = AsyncTaskGroup()

    async def value() -> int:
        return 7

    handle = ok.start(value)
    await ok.wait()
    assert handle.result() == 7


def test_thread_task_group_fails_fast() -> None:
    release = threading.Event()
    group = TaskGroup()
    group.start(release.wait, 10)

    def broken() -> None:
        raise KeyError("x")

    group.start(broken)
    with pytest.raises(KeyError):
        group.wait()
    with pytest.raises(KeyError):
        group.wait()
    release.set()
    ok = TaskGroup()
    handle = ok.start(lambda: 5)
    ok.wait()
    assert handle.result() == 5
    with CallbackLock():
        pass
