"""A devbox's log: its own lines and its executions' start and end lines, in time order."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from runloop_api import RunloopAPI
from runloop_api.types import DevboxView
from runloop_local.devboxes.store import Store
from runloop_local.executions.records import ExecutionRecord

NewDevbox = Callable[..., DevboxView]


def test_the_log_interleaves_concurrent_executions_by_time(api: RunloopAPI, new_devbox: NewDevbox) -> None:
    box = new_devbox()
    slow = api.devboxes.executions.execute_async(box.id, command="sleep 0.5; echo slow")
    quick = api.devboxes.execute(box.id, command="echo quick", command_id="quick-one")
    api.devboxes.executions.wait_for_status(slow.execution_id, devbox_id=box.id, statuses=["completed"])
    lines = [
        (entry.cmd_id, entry.message, entry.exit_code)
        for entry in api.devboxes.logs.list(box.id).logs
        if entry.source == "exec"
    ]
    assert lines == [
        (slow.execution_id, "started: sleep 0.5; echo slow", None),
        (quick.execution_id, "started: echo quick", None),
        (quick.execution_id, "exited with status 0", 0),
        (slow.execution_id, "exited with status 0", 0),
    ]
    times = [entry.timestamp_ms for entry in api.devboxes.logs.list(box.id).logs]
    assert times == sorted(times)


def test_a_log_of_hundreds_of_executions_lists_whole(api: RunloopAPI, new_devbox: NewDevbox) -> None:
    box = new_devbox()
    ids = [
        api.devboxes.execute(box.id, command=f"true {i}", command_id=f"many-{i}").execution_id
        for i in range(300)
    ]
    logs = [entry for entry in api.devboxes.logs.list(box.id).logs if entry.source == "exec"]
    assert len(logs) == 600
    assert [entry.cmd_id for entry in logs[::2]] == ids
    assert {entry.message for entry in logs[1::2]} == {"exited with status 0"}


def test_lines_an_older_engine_wrote_for_executions_are_not_listed_twice(tmp_path: Path) -> None:
    path = tmp_path / "engine.sqlite3"
    store = Store(path)
    rec = ExecutionRecord(
        id="exe_1",
        devbox_id="dbx_1",
        command="echo hi",
        create_time_ms=5,
        status="completed",
        exit_status=0,
        end_time_ms=9,
    )
    store.put_execution(rec)
    store.close()
    with sqlite3.connect(path) as old:  # what an engine of schema version 0 left
        old.execute("PRAGMA user_version = 0")
        for message, ts in (("booting", 1), ("started: echo hi", 5), ("exited with status 0", 9)):
            entry = {"level": "info", "source": "exec", "timestamp_ms": ts, "message": message}
            cmd_id = None if message == "booting" else "exe_1"
            old.execute(
                "INSERT INTO logs (devbox_id, execution_id, data) VALUES ('dbx_1', ?, ?)",
                (cmd_id, json.dumps(entry)),
            )
    reopened = Store(path)
    try:
        assert [e["message"] for e in reopened.logs("dbx_1")] == [
            "booting",
            "started: echo hi",
            "exited with status 0",
        ]
        assert [e["message"] for e in reopened.logs("dbx_1", "exe_1")] == [
            "started: echo hi",
            "exited with status 0",
        ]
    finally:
        reopened.close()


def test_the_log_body_built_by_sqlite_is_the_lines_in_order(tmp_path: Path) -> None:
    """``GET logs`` answers a body SQLite joins in one piece (off the event loop and the GIL):
    the same lines, in the same order, as listing them one by one."""
    store = Store(tmp_path / "engine.sqlite3")
    try:
        with store.transaction():
            for i in range(2_000):
                start = (i * 7919) % 5_000  # out of the order of writing, with ties
                store.put_execution(
                    ExecutionRecord(
                        id=f"exe_{i}",
                        devbox_id="dbx_1",
                        command=f'echo "{i}" é\\',
                        create_time_ms=start,
                        status="completed" if i % 3 else "running",
                        exit_status=0 if i % 3 else None,
                        end_time_ms=start + i % 11 if i % 3 else None,
                        shell_name="sh" if i % 5 == 0 else None,
                    )
                )
                entry = {"level": "info", "source": "stats", "timestamp_ms": start, "message": f"row {i} \n"}
                store.add_log("dbx_1", entry, execution_id=f"exe_{i}" if i % 2 else None)
        for execution_id, shell in ((None, None), ("exe_15", None), (None, "sh"), ("exe_15", "sh")):
            lines = store.log_lines("dbx_1", execution_id, shell)
            body = store.log_body("dbx_1", execution_id, shell)
            assert body == b'{"logs":[' + ",".join(lines).encode() + b"]}"
            assert len(json.loads(body)["logs"]) == len(lines) > 0
        assert len(json.loads(store.log_body("dbx_1"))["logs"]) == 2_000 + 2_000 + 1_333
        assert store.log_body("dbx_unknown") == b'{"logs":[]}'
    finally:
        store.close()
