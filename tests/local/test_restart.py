"""A restart of the engine loses no record and no file, and reports dead devboxes truthfully."""

from __future__ import annotations

import uuid
from pathlib import Path

from runloop_api import RunloopAPI
from runloop_local import LocalEngine


def test_restart_keeps_records_files_and_output(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with LocalEngine(data_dir) as first, RunloopAPI(base_url=first.base_url, bearer_token=first.token) as api:
        live = api.devboxes.create_and_await_running(name="survivor", metadata={"k": "v"})
        done = api.devboxes.create_and_await_running(name="finished")
        api.devboxes.shutdown(done.id)
        api.devboxes.write_file_contents(live.id, file_path="kept.txt", contents="still here")
        ran = api.devboxes.execute(live.id, command="seq 1 500", command_id=str(uuid.uuid4()))
        long = api.devboxes.executions.execute_async(live.id, command="echo begun; sleep 60")
        api.devboxes.executions.wait_for_status(long.execution_id, devbox_id=live.id, statuses=["running"])
        token = first.token

    with (
        LocalEngine(data_dir, token=token) as second,
        RunloopAPI(base_url=second.base_url, bearer_token=token) as api,
    ):
        again = api.devboxes.retrieve(live.id)
        assert again.status == "suspended"  # its processes ended with the first engine: never "running"
        assert again.name == "survivor"
        assert again.metadata == {"k": "v"}
        assert [t.status for t in again.state_transitions][-1] == "suspended"
        finished = api.devboxes.retrieve(done.id)
        assert (finished.status, finished.shutdown_reason) == ("shutdown", "api_shutdown")

        old = api.devboxes.executions.retrieve(ran.execution_id, devbox_id=live.id, last_n="0")
        assert (old.status, old.exit_status) == ("completed", 0)
        assert old.stdout == "".join(f"{i}\n" for i in range(1, 501))
        closed = api.devboxes.executions.retrieve(long.execution_id, devbox_id=live.id)
        assert closed.status == "completed"
        assert closed.exit_status == 137
        assert closed.stdout == "begun\n"
        chunks = api.devboxes.executions.stream_stdout_updates(long.execution_id, devbox_id=live.id)
        assert "".join(c.output for c in chunks) == "begun\n"

        logs = api.devboxes.logs.list(live.id).logs
        assert any("suspended" in (log.message or "") for log in logs)
        assert len({d.id for d in api.devboxes.list()}) == 2

        api.devboxes.resume(live.id)
        api.devboxes.wait_for_status(live.id, statuses=["running"], timeout_seconds=10)
        assert api.devboxes.read_file_contents(live.id, file_path="kept.txt") == "still here"
        result = api.devboxes.execute(live.id, command="cat ~/kept.txt", command_id=str(uuid.uuid4()))
        assert result.stdout == "still here"
        api.devboxes.shutdown(live.id)


def test_a_temporary_data_dir_is_removed_on_stop() -> None:
    engine = LocalEngine()
    engine.start()
    data_dir = engine.data_dir
    assert (data_dir / "engine.sqlite3").exists()
    engine.stop()
    assert not data_dir.exists()


def test_two_engines_cannot_share_a_data_dir(tmp_path: Path) -> None:
    with LocalEngine(tmp_path):
        second = LocalEngine(tmp_path)
        try:
            second.start()
        except RuntimeError as exc:
            assert "in use by another" in str(exc)
        else:
            second.stop()
            raise AssertionError("the second engine started")
    with LocalEngine(tmp_path):  # free again once the first stopped
        pass
