"""Unit tests of devbox decisions: the status machine, the reaper's timers, boots."""

from __future__ import annotations

from pathlib import Path

import pytest

from runloop_local.devboxes.boot import prepare_folders, sandbox_spec
from runloop_local.devboxes.reaper import Timers, timers_of
from runloop_local.devboxes.records import DevboxRecord
from runloop_local.devboxes.rules import (
    LifecycleError,
    ReapAction,
    active_seconds,
    check_transition,
    reap_action,
    reap_due_ms,
    recovered_status,
    transition_record,
)
from runloop_local.devboxes.store import Store
from runloop_local.http.errors import ApiError


@pytest.mark.parametrize(
    ("current", "new"),
    [
        ("provisioning", "initializing"),
        ("initializing", "running"),
        ("running", "suspending"),
        ("suspending", "suspended"),
        ("suspended", "resuming"),
        ("resuming", "running"),
        ("suspended", "provisioning"),  # a resume
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


def test_reap_due_is_when_the_decision_may_change() -> None:
    due = {
        "status": "running",
        "now_ms": 100_000,
        "keep_alive_since_ms": 5_000,
        "keep_alive_seconds": None,
        "idle_seconds": None,
        "last_activity_ms": 90_000,
        "busy": False,
    }
    assert reap_due_ms(**due) == 5_000 + 3_600_000  # type: ignore[arg-type]
    assert reap_due_ms(**{**due, "keep_alive_seconds": 10}) == 15_000  # type: ignore[arg-type]
    assert reap_due_ms(**{**due, "idle_seconds": 20, "keep_alive_seconds": 10}) == 110_000  # type: ignore[arg-type]
    assert reap_due_ms(**{**due, "idle_seconds": 20, "busy": True}) == 100_000  # type: ignore[arg-type]
    assert reap_due_ms(**{**due, "status": "suspended"}) is None  # type: ignore[arg-type]
    # At the time it names, reap_action acts; a moment before, it does not.
    for overrides in ({}, {"keep_alive_seconds": 10}, {"idle_seconds": 20, "on_idle": "suspend"}):
        args = {**due, **overrides}
        at = reap_due_ms(**{k: v for k, v in args.items() if k != "on_idle"})  # type: ignore[arg-type]
        assert at is not None
        assert _reap(**{**args, "now_ms": at}) is not None
        assert _reap(**{**args, "now_ms": at - 1}) is None


def test_active_seconds() -> None:
    transitions: list[dict[str, object]] = [
        {"status": "provisioning", "transition_time_ms": 0},
        {"status": "running", "transition_time_ms": 1_000},
        {"status": "suspended", "transition_time_ms": 11_000},
        {"status": "running", "transition_time_ms": 20_000},
    ]
    assert active_seconds(transitions, 25_000) == 15


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


def test_peeked_records_are_what_was_written(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    rec = DevboxRecord(id="dbx_1", create_time_ms=1, status="running")
    store.put_devbox(rec)
    rec.status = "suspended"  # changed, not written: the peek does not see it
    peeked = store.peek_devbox("dbx_1")
    assert peeked is not None and peeked.status == "running"
    with pytest.raises(RuntimeError), store.transaction():
        store.put_devbox(rec)
        raise RuntimeError("rolled back")
    again = store.peek_devbox("dbx_1")
    assert again is not None and again.status == "running"  # the rollback undid the write
    store.forget_peeked("dbx_1")
    assert store.peek_devbox("nope") is None
