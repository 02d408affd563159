"""Execution output in files: long outputs read at any offset across restarts, files a crash left
without a record are deleted, and a database of the previous schema keeps its output."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from runloop_api import RunloopAPI
from runloop_local import LocalEngine

LINES = 2_000_000
"""``seq 1 LINES`` prints 14.9 MB: many file writes, stream chunks and more than a view holds."""


def _expected(n: int) -> str:
    return "".join(f"{i}\n" for i in range(1, n + 1))


def _streamed(api: RunloopAPI, devbox_id: str, execution_id: str, offset: int | None = None) -> str:
    chunks = api.devboxes.executions.stream_stdout_updates(
        execution_id, devbox_id=devbox_id, offset=None if offset is None else str(offset)
    )
    return "".join(c.output for c in chunks)


def test_a_long_output_is_read_at_any_offset_before_and_after_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    whole = _expected(LINES)
    offsets = [0, 1, 1024 * 1024 - 1, 1024 * 1024 + 7, len(whole) // 2, len(whole) - 3, len(whole)]
    with LocalEngine(data_dir) as first, RunloopAPI(base_url=first.base_url, bearer_token=first.token) as api:
        box = api.devboxes.create_and_await_running()
        run = api.devboxes.executions.execute_async(box.id, command=f"seq 1 {LINES}; echo oops >&2")
        assert _streamed(api, box.id, run.execution_id) == whole  # live, from memory and the file
        token = first.token
    files = data_dir / "output" / box.id
    assert (files / f"{run.execution_id}.stdout").stat().st_size == len(whole)
    assert (files / f"{run.execution_id}.stderr").read_bytes() == b"oops\n"

    with (
        LocalEngine(data_dir, token=token) as second,
        RunloopAPI(base_url=second.base_url, bearer_token=token) as api,
    ):
        for offset in offsets:
            assert _streamed(api, box.id, run.execution_id, offset) == whole[offset:], offset
        view = api.devboxes.executions.retrieve(run.execution_id, devbox_id=box.id, last_n="3")
        assert (view.stdout, view.stderr, view.stdout_truncated) == (
            f"{LINES - 2}\n{LINES - 1}\n{LINES}\n",
            "oops\n",
            True,
        )
        tail = api.devboxes.executions.retrieve(run.execution_id, devbox_id=box.id, last_n="0").stdout or ""
        assert whole.endswith(tail) and len(tail) >= 4 * 1024 * 1024 - 8  # the last 4 MiB, whole lines
        api.devboxes.shutdown(box.id)


def test_files_of_executions_without_a_record_are_deleted_on_start(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with LocalEngine(data_dir) as first, RunloopAPI(base_url=first.base_url, bearer_token=first.token) as api:
        box = api.devboxes.create_and_await_running()
        kept = api.devboxes.execute(box.id, command="head -c 300000 /dev/zero", command_id=str(uuid.uuid4()))
        api.devboxes.shutdown(box.id)
        token = first.token
    folder = data_dir / "output" / box.id
    # What a crash leaves of an `execute` that printed past the first write before its record was
    # written (the record comes when the command ends or the hold is over).
    (folder / "exe_neverrecorded.stdout").write_bytes(b"x" * 300_000)
    (data_dir / "output" / "dbx_gone").mkdir()
    (data_dir / "output" / "dbx_gone" / "exe_other.stderr").write_bytes(b"y")

    with (
        LocalEngine(data_dir, token=token) as second,
        RunloopAPI(base_url=second.base_url, bearer_token=token) as api,
    ):
        assert not (folder / "exe_neverrecorded.stdout").exists()
        assert not (data_dir / "output" / "dbx_gone" / "exe_other.stderr").exists()
        again = api.devboxes.executions.retrieve(kept.execution_id, devbox_id=box.id, last_n="0")
        assert again.stdout == "\0" * 300_000
        assert (folder / f"{kept.execution_id}.stdout").stat().st_size == 300_000


def test_output_stored_by_the_previous_schema_moves_into_files(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    whole = _expected(300_000)  # 2 MB: three rows of at most 1 MiB, as the old engine stored them
    with LocalEngine(data_dir) as first, RunloopAPI(base_url=first.base_url, bearer_token=first.token) as api:
        box = api.devboxes.create_and_await_running()
        run = api.devboxes.execute(box.id, command="seq 1 300000; echo bad >&2", command_id=str(uuid.uuid4()))
        api.devboxes.shutdown(box.id)
        token = first.token
    # Turn the data dir into what an engine of schema 1 left: output in rows, no files, and the
    # records' lengths not to be trusted.
    for file in (data_dir / "output").rglob("*.*"):
        file.unlink()
    db = sqlite3.connect(data_dir / "engine.sqlite3")
    db.executescript(
        "UPDATE executions SET data = json_set(data, '$.stdout_len', 0, '$.stderr_len', 0);"
        "PRAGMA user_version = 1;"
    )
    raw = whole.encode()
    rows = [
        (run.execution_id, "stdout", s, raw[s : s + 1024 * 1024]) for s in range(0, len(raw), 1024 * 1024)
    ]
    rows += [(run.execution_id, "stderr", 0, b"bad\n"), ("exe_unknown", "stdout", 0, b"orphan")]
    db.executemany("INSERT INTO output VALUES (?, ?, ?, ?)", rows)
    db.commit()
    db.close()

    with (
        LocalEngine(data_dir, token=token) as second,
        RunloopAPI(base_url=second.base_url, bearer_token=token) as api,
    ):
        assert _streamed(api, box.id, run.execution_id) == whole
        assert _streamed(api, box.id, run.execution_id, 1024 * 1024 + 1) == whole[1024 * 1024 + 1 :]
        view = api.devboxes.executions.retrieve(run.execution_id, devbox_id=box.id, last_n="1")
        assert (view.stdout, view.stderr) == ("300000\n", "bad\n")
    db = sqlite3.connect(data_dir / "engine.sqlite3")
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
        assert db.execute("SELECT count(*) FROM output").fetchone()[0] == 0
    finally:
        db.close()
    assert sorted(p.name for p in (data_dir / "output").rglob("*.*")) == [
        f"{run.execution_id}.stderr",
        f"{run.execution_id}.stdout",
    ]


def test_a_command_that_printed_little_makes_no_file_and_keeps_its_output(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with LocalEngine(data_dir) as first, RunloopAPI(base_url=first.base_url, bearer_token=first.token) as api:
        box = api.devboxes.create_and_await_running()
        run = api.devboxes.execute(box.id, command="echo hi; echo oh >&2", command_id=str(uuid.uuid4()))
        assert (run.stdout, run.stderr) == ("hi\n", "oh\n")
        token = first.token
    assert not (data_dir / "output" / box.id).exists()  # in the database, committed with the record
    with (
        LocalEngine(data_dir, token=token) as second,
        RunloopAPI(base_url=second.base_url, bearer_token=token) as api,
    ):
        view = api.devboxes.executions.retrieve(run.execution_id, devbox_id=box.id)
        assert (view.stdout, view.stderr) == ("hi\n", "oh\n")
        assert _streamed(api, box.id, run.execution_id, 1) == "i\n"
