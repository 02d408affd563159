"""Unit tests of the pure decisions behind executions, boots and the reaper."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pytest

from runloop_local.boot import prepare_folders, sandbox_spec
from runloop_local.errors import ApiError
from runloop_local.executions import stdin_actions, stream_chunk, view_start, wait_is_over
from runloop_local.reaper import Timers, timers_of
from runloop_local.records import DevboxRecord
from runloop_local.routes._common import wait_request


@pytest.mark.parametrize(
    ("text", "signal", "expected"),
    [
        ("hi", None, ["write"]),
        ("hi", "EOF", ["write", "close"]),
        (None, "EOF", ["close"]),
        ("", "EOF", ["close"]),
        ("x", "INTERRUPT", ["write", "interrupt"]),
        (None, "INTERRUPT", ["interrupt"]),
    ],
)
def test_stdin_actions(text: str | None, signal: str | None, expected: list[str]) -> None:
    assert stdin_actions(text, signal) == expected


def test_stdin_actions_need_text_or_signal() -> None:
    with pytest.raises(ApiError, match="`text` or `signal`"):
        stdin_actions(None, None)


@pytest.mark.parametrize(
    ("status", "statuses", "over"),
    [
        ("running", ["running"], True),
        ("queued", ["running"], True),  # never seen queued again: running or later
        ("completed", ["running"], False),
        ("running", ["completed"], False),
        ("completed", ["completed"], True),
    ],
)
def test_wait_is_over(status: str, statuses: list[str], over: bool) -> None:
    assert wait_is_over(status, statuses) is over


def test_stream_chunk_holds_back_a_split_character_while_running() -> None:
    euro = "€".encode()
    assert stream_chunk(b"a" + euro[:2], done=False, limit=64) == b"a"
    assert stream_chunk(b"a" + euro[:2], done=True, limit=64) == b"a" + euro[:2]
    assert stream_chunk(b"a" + euro[:2], done=True, limit=3) == b"a"  # cut by the limit: more follows
    assert stream_chunk(b"a" + euro, done=False, limit=64) == b"a" + euro


def test_view_start_drops_a_partial_leading_character_only_when_cut() -> None:
    euro = "€".encode()
    assert view_start(euro[1:] + b"x", cut=True) == (b"x", True)
    assert view_start(euro + b"x", cut=True) == (euro + b"x", True)
    assert view_start(euro[1:] + b"x", cut=False) == (euro[1:] + b"x", False)


def test_timers_of_reads_after_idle_at_both_places() -> None:
    assert timers_of({}) == Timers(None, None, None)
    direct = {"keep_alive_time_seconds": 60, "after_idle": {"idle_time_seconds": 5, "on_idle": "suspend"}}
    assert timers_of(direct) == Timers(60, 5, "suspend")
    nested = {"lifecycle": {"after_idle": {"idle_time_seconds": 7, "on_idle": "shutdown"}}}
    assert timers_of(nested) == Timers(None, 7, "shutdown")


def test_sandbox_spec_takes_the_user_from_launch_parameters(tmp_path: Path) -> None:
    rec = DevboxRecord(id="dbx_1", create_time_ms=0, environment_variables={"A": "1"})
    spec = sandbox_spec(rec, tmp_path, "none")
    assert (spec.username, spec.uid, spec.isolation, dict(spec.env)) == ("user", 1000, "none", {"A": "1"})
    rec.launch_parameters = {"user_parameters": {"username": "root", "uid": 0}}
    spec = sandbox_spec(rec, tmp_path, "bwrap")
    assert (spec.username, spec.uid, spec.root) == ("root", 0, tmp_path)


def test_prepare_folders_writes_mounts_inside_the_devbox(tmp_path: Path) -> None:
    prepare_folders(tmp_path, {"/home/user/a/b.txt": "hi"})
    assert (tmp_path / "home" / "a" / "b.txt").read_text() == "hi"
    assert (tmp_path / "tmp").is_dir()
    with pytest.raises(ApiError) as caught:
        prepare_folders(tmp_path, {"/home/user/../../etc/x": "no"})
    assert caught.value.status == 400


def test_wait_request_defaults_caps_and_rejects() -> None:
    allowed = Literal["running", "shutdown"]
    assert wait_request(["running"], None, allowed, 30) == (["running"], 30)
    assert wait_request(("running", "shutdown"), 5, allowed, 30) == (["running", "shutdown"], 5)
    assert wait_request(["running"], 99, allowed, 25) == (["running"], 25)
    for statuses, timeout, needle in (
        ([], 1, "statuses"),
        (["bogus"], 1, "statuses"),
        (["running"], -1, "timeout"),
    ):
        with pytest.raises(ApiError, match=needle):
            wait_request(statuses, timeout, allowed, 30)
