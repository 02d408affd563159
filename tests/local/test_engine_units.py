"""Unit tests of the engine's pure decisions: status machine, reaper, paths, output, auth, routing."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from runloop_local.auth import token_matches
from runloop_local.errors import ApiError, validation_message
from runloop_local.executions import parse_last_n, parse_offset, tail_lines, utf8_complete_prefix, utf8_start
from runloop_local.files import devbox_path, resolve_path
from runloop_local.lifecycle import (
    LifecycleError,
    ReapAction,
    active_seconds,
    check_transition,
    reap_action,
    recovered_status,
    transition_record,
)
from runloop_local.live import LiveExecution
from runloop_local.records import ExecutionRecord
from runloop_local.routing import METHOD_NOT_ALLOWED, RouteTable, route_order
from runloop_local.store import Store


@pytest.mark.parametrize(
    ("current", "new"),
    [
        ("provisioning", "initializing"),
        ("initializing", "running"),
        ("running", "suspending"),
        ("suspending", "suspended"),
        ("suspended", "resuming"),
        ("resuming", "running"),
        ("running", "shutdown"),
        ("initializing", "failure"),
        ("suspended", "shutdown"),
    ],
)
def test_allowed_transitions(current: str, new: str) -> None:
    check_transition(current, new)


@pytest.mark.parametrize(
    ("current", "new"),
    [("shutdown", "running"), ("failure", "shutdown"), ("provisioning", "running"), ("suspended", "running")],
)
def test_refused_transitions(current: str, new: str) -> None:
    with pytest.raises(LifecycleError, match=current):
        check_transition(current, new)


def test_transition_record() -> None:
    assert transition_record("running", "shutdown", 5) == {"status": "shutdown", "transition_time_ms": 5}
    failed = transition_record("initializing", "failure", 7, failure_reason="execution_failed")
    assert failed["failure_reason"] == "execution_failed"


def test_recovered_status() -> None:
    for status in ("provisioning", "initializing", "running", "suspending", "resuming"):
        assert recovered_status(status) == "suspended"
    for status in ("suspended", "shutdown", "failure"):
        assert recovered_status(status) is None


def _reap(**overrides: object) -> ReapAction | None:
    args: dict[str, object] = {
        "status": "running",
        "now_ms": 100_000,
        "keep_alive_since_ms": 0,
        "keep_alive_seconds": None,
        "idle_seconds": None,
        "on_idle": None,
        "last_activity_ms": 0,
        "busy": False,
    }
    args.update(overrides)
    return reap_action(**args)  # type: ignore[arg-type]


def test_reap_keep_alive() -> None:
    assert _reap() is None  # the default is one hour
    assert _reap(now_ms=3_600_000) == ReapAction("shutdown", "keep_alive_timeout")
    assert _reap(keep_alive_seconds=100) == ReapAction("shutdown", "keep_alive_timeout")
    assert _reap(keep_alive_seconds=101) is None
    assert _reap(keep_alive_seconds=1, status="suspended") is None


def test_reap_after_idle_ignores_keep_alive() -> None:
    assert _reap(idle_seconds=50, on_idle="shutdown", keep_alive_seconds=1, last_activity_ms=60_000) is None
    assert _reap(idle_seconds=50, on_idle="shutdown", last_activity_ms=50_000) == ReapAction(
        "shutdown", "idle"
    )
    assert _reap(idle_seconds=50, on_idle="suspend") == ReapAction("suspend", "idle")
    assert _reap(idle_seconds=50, on_idle="suspend", busy=True) is None


def test_active_seconds() -> None:
    transitions: list[dict[str, object]] = [
        {"status": "provisioning", "transition_time_ms": 0},
        {"status": "running", "transition_time_ms": 1_000},
        {"status": "suspended", "transition_time_ms": 11_000},
        {"status": "running", "transition_time_ms": 20_000},
    ]
    assert active_seconds(transitions, 25_000) == 15


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("a.txt", ("home", "a.txt")),
        ("./x/../", None),
        ("~/d/e", ("home", "d/e")),
        ("~", ("home", "")),
        ("/home/user", ("home", "")),
        ("/home/user/a//b/", ("home", "a/b")),
        ("/tmp/x", ("tmp", "x")),
        ("/tmp", ("tmp", "")),
        ("//tmp/x", ("tmp", "x")),
        ("/etc/passwd", None),
        ("/home/userx", None),
        ("/tmpx/a", None),
        ("a/../../b", None),
        ("", None),
        ("   ", None),
        ("a\0b", None),
    ],
)
def test_devbox_path(path: str, expected: tuple[str, str] | None) -> None:
    if expected is None:
        with pytest.raises(ApiError) as info:
            devbox_path(path, field="file_path")
        assert info.value.status == 400
        assert "`file_path`" in info.value.message
    else:
        assert devbox_path(path) == expected


def test_resolve_path_follows_symlinks_only_inside(tmp_path: Path) -> None:
    root = tmp_path / "box"
    (root / "home").mkdir(parents=True)
    (root / "tmp").mkdir()
    home = root / "home"
    (home / "to-tmp").symlink_to("/tmp/sub")
    (home / "rel").symlink_to("../user/real")
    (home / "host").symlink_to(tmp_path)  # read as a devbox path: the devbox's own /tmp/...
    (home / "etc").symlink_to("/etc")
    (home / "up").symlink_to("../../../etc/passwd")
    (home / "loop").symlink_to("loop")
    assert resolve_path(root, "to-tmp/x") == root / "tmp" / "sub" / "x"
    assert resolve_path(root, "rel/y") == home / "real" / "y"
    assert resolve_path(root, "host/z") == root / "tmp" / tmp_path.relative_to("/tmp") / "z"
    for bad in ("etc/passwd", "up"):
        with pytest.raises(ApiError, match="symlink"):
            resolve_path(root, bad)
    with pytest.raises(ApiError, match="levels of symlinks"):
        resolve_path(root, "loop")


def test_parse_last_n_and_offset() -> None:
    assert parse_last_n(None) == 100
    assert parse_last_n("7") == 7
    assert parse_last_n("0") is None
    for bad in ("x", "-1", "1.5"):
        with pytest.raises(ApiError, match="last_n"):
            parse_last_n(bad)
    assert parse_offset(None) == 0
    assert parse_offset("12") == 12
    for bad in ("x", "-3"):
        with pytest.raises(ApiError, match="offset"):
            parse_offset(bad)


def test_tail_lines() -> None:
    assert tail_lines(b"a\nb\nc\n", 2) == ("b\nc\n", True)
    assert tail_lines(b"a\nb\nc", 2) == ("b\nc", True)
    assert tail_lines(b"a\nb\n", 2) == ("a\nb\n", False)
    assert tail_lines(b"a\nb\n", 5) == ("a\nb\n", False)
    assert tail_lines(b"a\nb\n", None) == ("a\nb\n", False)
    assert tail_lines(b"", 3) == ("", False)
    assert tail_lines(b"\xff\n", 1) == ("\ufffd\n", False)


def test_utf8_complete_prefix() -> None:
    text = "aé€😀".encode()
    assert utf8_complete_prefix(text) == len(text)
    for cut, expected in [(1, 1), (2, 1), (3, 3), (4, 3), (5, 3), (6, 6), (7, 6), (8, 6), (9, 6), (10, 10)]:
        assert utf8_complete_prefix(text[:cut]) == expected, cut
    assert utf8_complete_prefix(b"\x80\x80\x80\x80") == 4  # junk is not held back
    assert utf8_complete_prefix(b"") == 0
    assert utf8_start("é".encode()[1:] + b"x") == 1
    assert utf8_start("😀".encode()[1:] + b"x") == 3
    assert utf8_start(b"abc") == 0
    assert utf8_start(b"") == 0


def test_token_matches() -> None:
    assert token_matches(b"Bearer abc", "abc")
    assert token_matches(b"bearer abc", "abc")
    assert not token_matches(b"Bearer abd", "abc")
    assert not token_matches(b"Bearer", "abc")
    assert not token_matches(b"Basic abc", "abc")
    assert not token_matches(None, "abc")


def test_route_order_puts_literals_first() -> None:
    paths = [
        "/v1/devboxes/{id}",
        "/v1/devboxes/disk_snapshots",
        "/v1/devboxes/{id}/logs",
        "/v1/devboxes/disk_snapshots/{id}",
    ]
    ordered = sorted(paths, key=route_order)
    assert ordered.index("/v1/devboxes/disk_snapshots") < ordered.index("/v1/devboxes/{id}")
    assert ordered.index("/v1/devboxes/disk_snapshots/{id}") < ordered.index("/v1/devboxes/{id}/logs")


def test_validation_message_names_fields() -> None:
    class Inner(BaseModel):
        n: int

    class Outer(BaseModel):
        inner: Inner
        name: str

    with pytest.raises(ValidationError) as info:
        Outer.model_validate({"inner": {"n": "x"}})
    message = validation_message(info.value)
    assert "field `inner.n`" in message
    assert "field `name`" in message


def test_route_table_matches_like_the_spec() -> None:
    table: RouteTable[str] = RouteTable(
        [
            ("GET", "/v1/devboxes/{id}", "get"),
            ("POST", "/v1/devboxes/{id}", "update"),
            ("GET", "/v1/devboxes/disk_snapshots", "snapshots"),
            ("GET", "/v1/devboxes/{devbox_id}/executions/{execution_id}", "execution"),
        ]
    )
    assert table.match("GET", "/v1/devboxes/dbx_1") == ("get", {"id": "dbx_1"})
    assert table.match("HEAD", "/v1/devboxes/dbx_1") == ("get", {"id": "dbx_1"})
    assert table.match("POST", "/v1/devboxes/dbx_1") == ("update", {"id": "dbx_1"})
    assert table.match("GET", "/v1/devboxes/disk_snapshots") == ("snapshots", {})
    assert table.match("POST", "/v1/devboxes/disk_snapshots") == ("update", {"id": "disk_snapshots"})
    assert table.match("GET", "/v1/devboxes/a/executions/b") == (
        "execution",
        {"devbox_id": "a", "execution_id": "b"},
    )
    assert table.match("DELETE", "/v1/devboxes/dbx_1") == METHOD_NOT_ALLOWED
    assert table.match("GET", "/v1/devboxes/") is None
    assert table.match("GET", "/v1/other/x") is None
    assert table.match("GET", "/v1/devboxes/a/b") is None


def test_stored_and_live_output_read_by_ranges(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    try:
        rec = ExecutionRecord(id="exe_1", devbox_id="dbx_1", command="x", create_time_ms=0)
        live = LiveExecution(rec, store)
        live.on_stdout(b"abc")
        live.flush()  # "abc" in the database, nothing in memory
        live.on_stdout(b"defg")
        live.flush(keep=True)  # "defg" in both
        live.on_stdout(b"hi")  # "hi" in memory only
        whole = b"abcdefghi"
        for offset in range(len(whole) + 1):
            assert live.read("stdout", offset) == whole[offset:]
            for limit in range(1, 5):
                assert live.read("stdout", offset, limit) == whole[offset : offset + limit], (offset, limit)
        assert store.read_output("exe_1", "stdout") == b"abcdefg"
        assert store.read_output("exe_1", "stdout", 2, 3) == b"cde"
        assert store.read_output("exe_1", "stdout", 9) == b""
        assert live.length("stdout") == 9
        assert store.output_length("exe_1", "stdout") == 7
        assert store.output_length("exe_1", "stderr") == 0
    finally:
        store.close()
