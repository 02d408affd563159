"""Records survive a ``kill -9`` of the engine once it has answered, also when it writes an
execution's start and end in one commit; a command id sent twice never starts two commands."""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from pathlib import Path

from runloop_api import RunloopAPI
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


def _execute_twice_at_once(
    api: RunloopAPI, box_id: str, command: str, delay: float
) -> list[DevboxAsyncExecutionDetailView]:
    """One command sent by two requests at once (one holding, one not), the second ``delay`` later."""
    command_id = str(uuid.uuid4())
    both = threading.Barrier(2)
    answers: list[DevboxAsyncExecutionDetailView] = []

    def send(hold: int) -> None:
        both.wait()
        time.sleep(0 if hold else delay)
        answers.append(
            api.devboxes.execute(box_id, command=command, command_id=command_id, optimistic_timeout=hold)
        )

    threads = [threading.Thread(target=send, args=(hold,)) for hold in (25, 0)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def test_a_command_id_sent_again_while_the_first_request_holds_starts_nothing_new() -> None:
    with (
        LocalEngine() as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api,
    ):
        box = api.devboxes.create_and_await_running(name="retry")
        for round in range(10):  # over the rounds the two requests meet at every stage of the start
            command = f"echo $$; sleep 0.3 # {round}"
            answers = _execute_twice_at_once(api, box.id, command, delay=0.0005 * round)
            assert len(answers) == 2  # neither got a 409 (nor any other error)
            assert answers[0].execution_id == answers[1].execution_id
            listed = [
                entry
                for entry in api.devboxes.logs.list(box.id).logs or []
                if entry.message == f"started: {command}"
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
