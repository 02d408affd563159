"""Records survive a ``kill -9`` of the engine once it has answered, also when it writes an
execution's start and end in one commit; a command id sent twice never starts two commands."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from pathlib import Path

from runloop_api import ConflictError, RunloopAPI
from runloop_api.types import DevboxAsyncExecutionDetailView
from runloop_local import LocalEngine
from runloop_local.devboxes.store import Store

from .test_cli import _api, _serve


def test_answered_executions_survive_kill_9(tmp_path: Path) -> None:
    proc, base_url, token = _serve(tmp_path / "data")
    try:
        with _api(base_url, token) as api:
            box = api.devboxes.create_and_await_running(name="crash")
            quick = api.devboxes.execute(box.id, command="echo quick", command_id=str(uuid.uuid4()))
            held = api.devboxes.execute(
                box.id, command="echo held; sleep 60", command_id=str(uuid.uuid4()), optimistic_timeout=1
            )
            running = api.devboxes.executions.execute_async(box.id, command="sleep 60")
            assert (quick.status, held.status, running.status) == ("completed", "running", "running")
            proc.kill()  # SIGKILL: nothing is saved on the way out
            proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()
    with (
        LocalEngine(tmp_path / "data") as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api,
    ):
        got = api.devboxes.executions.retrieve(quick.execution_id, devbox_id=box.id)
        assert (got.status, got.exit_status, got.stdout) == ("completed", 0, "quick\n")
        for lost in (held, running):
            got = api.devboxes.executions.retrieve(lost.execution_id, devbox_id=box.id)
            assert (got.status, got.exit_status) == ("completed", 137)
        messages = [
            entry.message
            for entry in api.devboxes.logs.list(box.id, execution_id=quick.execution_id).logs or []
        ]
        assert messages == ["started: echo quick", "exited with status 0"]


def test_a_command_id_sent_again_while_the_first_request_holds_starts_nothing_new() -> None:
    with (
        LocalEngine() as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api,
    ):
        box = api.devboxes.create_and_await_running(name="retry")
        command_id = str(uuid.uuid4())
        answers: list[DevboxAsyncExecutionDetailView] = []

        def hold() -> None:
            for _ in range(200):  # whichever request comes first starts it; the other gets a 409
                try:
                    answers.append(
                        api.devboxes.execute(box.id, command="echo $$; sleep 1", command_id=command_id)
                    )
                    return
                except ConflictError:
                    continue

        first = threading.Thread(target=hold)
        first.start()
        try:
            again = None
            for _ in range(200):  # until the first request's command has started
                try:
                    again = api.devboxes.execute(
                        box.id, command="echo $$; sleep 1", command_id=command_id, optimistic_timeout=0
                    )
                except ConflictError:  # the first request is starting it right now
                    continue
                if again.stdout:
                    break
        finally:
            first.join(timeout=30)
        assert again is not None and answers
        assert again.execution_id == answers[0].execution_id
        assert again.stdout == answers[0].stdout
        listed = [
            entry
            for entry in api.devboxes.logs.list(box.id).logs or []
            if entry.message == "started: echo $$; sleep 1"
        ]
        assert len(listed) == 1


def test_commits_never_checkpoint_and_the_reaper_s_checkpoint_catches_up(tmp_path: Path) -> None:
    store = Store(tmp_path / "engine.sqlite3")
    try:
        for i in range(50):
            with store.transaction():
                store.add_log("dbx_1", {"message": f"line {i}"})
        assert store._db.execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)  # never in a commit
        store.checkpoint()
        with sqlite3.connect(tmp_path / "engine.sqlite3") as probe:
            busy, frames, done = probe.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert (busy, done) == (0, frames)  # nothing was left to copy
    finally:
        store.close()
    store.checkpoint()  # after close: nothing happens
    reopened = Store(tmp_path / "engine.sqlite3")
    try:
        assert len(reopened.logs("dbx_1")) == 50
    finally:
        reopened.close()
