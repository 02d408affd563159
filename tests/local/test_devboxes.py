"""Devbox operations end to end: create, list, retrieve, update, lifecycle, long-polls, metadata."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from runloop_api import RunloopAPI
from runloop_api.types import DevboxView
from runloop_local import LocalEngine

from ._spec_check import ValidatingClient
from .conftest import devbox_home

NewDevbox = Callable[..., DevboxView]


def _statuses(view: DevboxView) -> list[str | None]:
    return [t.status for t in view.state_transitions]


def test_create_returns_provisioning_then_runs(api: RunloopAPI) -> None:
    view = api.devboxes.create(name="lifecycle", metadata={"team": "sdk"})
    assert view.status == "provisioning"
    assert view.name == "lifecycle"
    assert view.metadata == {"team": "sdk"}
    running = api.devboxes.wait_for_status(view.id, statuses=["running"], timeout_seconds=10)
    assert running.status == "running"
    assert _statuses(running) == ["provisioning", "initializing", "running"]
    times = [int(t.transition_time_ms or 0) for t in running.state_transitions]
    assert times == sorted(times)
    done = api.devboxes.shutdown(view.id)
    assert done.status == "shutdown"
    assert done.shutdown_reason == "api_shutdown"
    assert done.end_time_ms is not None
    assert _statuses(done)[-1] == "shutdown"
    assert api.devboxes.shutdown(view.id).status == "shutdown"  # idempotent


def test_shutdown_deletes_the_devbox_files(api: RunloopAPI, engine: LocalEngine) -> None:
    view = api.devboxes.create_and_await_running()
    api.devboxes.write_file_contents(view.id, file_path="f.txt", contents="x")
    root = engine.data_dir / "devboxes" / view.id
    assert (devbox_home(engine, view.id) / "f.txt").exists()
    api.devboxes.shutdown(view.id)
    for _ in range(100):
        if not root.exists():
            break
        time.sleep(0.02)
    assert not root.exists()


def test_create_and_await_running(api: RunloopAPI) -> None:
    view = api.devboxes.create_and_await_running(name="awaited")
    try:
        assert view.status == "running"
        assert api.devboxes.retrieve(view.id).status == "running"
    finally:
        api.devboxes.shutdown(view.id)


def test_launch_commands_run_before_running(api: RunloopAPI, new_devbox: NewDevbox) -> None:
    view = new_devbox(
        launch_parameters={"launch_commands": ["echo one > ~/setup.txt", "echo two >> ~/setup.txt"]}
    )
    assert view.status == "running"
    assert api.devboxes.read_file_contents(view.id, file_path="setup.txt") == "one\ntwo\n"
    logs = api.devboxes.logs.list(view.id).logs
    assert any(log.source == "setup_commands" and log.exit_code == 0 for log in logs)


def test_failing_launch_command_fails_the_devbox(api: RunloopAPI, new_devbox: NewDevbox) -> None:
    view = new_devbox(launch_parameters={"launch_commands": ["echo broken >&2; exit 3"]})
    assert view.status == "failure"
    assert view.failure_reason == "execution_failed"
    assert _statuses(view)[-1] == "failure"
    messages = [log.message for log in api.devboxes.logs.list(view.id).logs]
    assert "broken" in messages
    with pytest.raises(Exception, match="not running"):
        api.devboxes.execute(view.id, command="true", command_id="x")


@pytest.mark.bwrap  # needs the sandbox: a private /tmp and the devbox user
def test_environment_variables_and_file_mounts(api: RunloopAPI, new_devbox: NewDevbox) -> None:
    view = new_devbox(
        environment_variables={"GREETING": "hello there"},
        file_mounts={"/home/user/conf/app.ini": "[app]\nx=1\n", "/tmp/m.txt": "tmp mount"},
    )
    result = api.devboxes.execute(
        view.id, command='echo "$GREETING"; cat ~/conf/app.ini /tmp/m.txt', command_id="env"
    )
    assert result.stdout == "hello there\n[app]\nx=1\ntmp mount"


@pytest.mark.bwrap  # needs the sandbox: a private /tmp and the devbox user
def test_user_parameters(api: RunloopAPI, new_devbox: NewDevbox) -> None:
    view = new_devbox(launch_parameters={"user_parameters": {"username": "alice", "uid": 1234}})
    result = api.devboxes.execute(view.id, command="id -u; whoami", command_id="who")
    assert result.stdout == "1234\nalice\n"
    assert view.launch_parameters.user_parameters is not None
    assert view.launch_parameters.user_parameters.username == "alice"


def test_entrypoint_exit_shuts_the_devbox_down(api: RunloopAPI) -> None:
    view = api.devboxes.create(entrypoint="sleep 0.3")
    done = api.devboxes.wait_for_status(view.id, statuses=["shutdown", "failure"], timeout_seconds=15)
    assert done.status == "shutdown"
    assert done.shutdown_reason == "entrypoint_exit"
    assert "running" in _statuses(done)


def test_keep_alive_timeout(api: RunloopAPI, new_devbox: NewDevbox) -> None:
    view = new_devbox(launch_parameters={"keep_alive_time_seconds": 1})
    time.sleep(0.6)
    api.devboxes.keep_alive(view.id)
    time.sleep(0.6)
    assert api.devboxes.retrieve(view.id).status == "running"  # the keep-alive restarted the clock
    done = api.devboxes.wait_for_status(view.id, statuses=["shutdown"], timeout_seconds=5)
    assert done.shutdown_reason == "keep_alive_timeout"


def test_after_idle_shutdown_waits_for_running_executions(api: RunloopAPI, new_devbox: NewDevbox) -> None:
    view = new_devbox(launch_parameters={"after_idle": {"idle_time_seconds": 1, "on_idle": "shutdown"}})
    api.devboxes.executions.execute_async(view.id, command="sleep 1.5")
    time.sleep(1.3)
    assert api.devboxes.retrieve(view.id).status == "running"  # busy is not idle
    done = api.devboxes.wait_for_status(view.id, statuses=["shutdown"], timeout_seconds=6)
    assert done.shutdown_reason == "idle"


def test_after_idle_suspend_then_resume(api: RunloopAPI, new_devbox: NewDevbox) -> None:
    view = new_devbox(launch_parameters={"after_idle": {"idle_time_seconds": 1, "on_idle": "suspend"}})
    api.devboxes.write_file_contents(view.id, file_path="keep.txt", contents="kept")
    suspended = api.devboxes.wait_for_status(view.id, statuses=["suspended"], timeout_seconds=6)
    assert suspended.shutdown_reason is None
    resumed = api.devboxes.resume(view.id)
    assert resumed.status in ("provisioning", "running")  # what clients written for the service expect
    running = api.devboxes.wait_for_status(view.id, statuses=["running"], timeout_seconds=10)
    assert _statuses(running)[-4:] == ["suspended", "provisioning", "initializing", "running"]
    assert api.devboxes.read_file_contents(view.id, file_path="keep.txt") == "kept"


def test_suspend_and_resume(api: RunloopAPI, new_devbox: NewDevbox) -> None:
    view = new_devbox()
    suspended = api.devboxes.suspend(view.id)
    assert suspended.status == "suspended"
    assert _statuses(suspended)[-2:] == ["suspending", "suspended"]
    with pytest.raises(Exception, match="suspended"):
        api.devboxes.execute(view.id, command="true", command_id="c")
    api.devboxes.resume(view.id)
    api.devboxes.wait_for_status(view.id, statuses=["running"], timeout_seconds=10)
    assert api.devboxes.execute(view.id, command="echo back", command_id="c2").stdout == "back\n"


def test_wait_for_status_times_out_with_408(
    api: RunloopAPI, devbox: DevboxView, engine: LocalEngine, http: ValidatingClient
) -> None:
    started = time.monotonic()
    # The raw client turns the long-poll's 408 into a read of the current state.
    view = api.devboxes.wait_for_status(devbox.id, statuses=["suspended"], timeout_seconds=1)
    assert view.status == "running"
    assert 0.9 < time.monotonic() - started < 5
    response = http.post(
        f"{engine.base_url}/v1/devboxes/{devbox.id}/wait_for_status",
        json={"statuses": ["shutdown"], "timeout_seconds": 0},
        headers={"authorization": f"Bearer {engine.token}"},
    )
    assert response.status_code == 408
    assert "running" in response.json()["message"]


def test_retrieve_update_and_metadata(api: RunloopAPI, new_devbox: NewDevbox) -> None:
    view = new_devbox(name="before", metadata={"color": "red-unique-1"})
    updated = api.devboxes.update(view.id, name="after", metadata={"color": "blue-unique-1", "size": "m"})
    assert updated.name == "after"
    assert updated.metadata == {"color": "blue-unique-1", "size": "m"}
    assert api.devboxes.retrieve(view.id).name == "after"
    assert {"color", "size"} <= set(api.devboxes.metadata_keys().keys or [])
    values = api.devboxes.metadata_values("color")
    assert values.key == "color"
    assert "blue-unique-1" in (values.values or [])
    assert "red-unique-1" not in (values.values or [])


def test_list_filters_and_paginates(api: RunloopAPI) -> None:
    ids = [api.devboxes.create(name=f"page-{i}").id for i in range(5)]
    try:
        page = api.devboxes.list(limit=2, include_total_count=True)
        assert len(page.items) == 2
        assert page.has_more
        assert page.total_count is not None and page.total_count >= 5
        assert [d.id for d in page.items] == ids[::-1][:2]  # newest first
        walked = [d.id for d in page]  # iterating walks every page
        assert walked[:5] == ids[::-1]
        assert len(walked) == len(set(walked)) == page.total_count
        api.devboxes.shutdown(ids[0])
        shut = api.devboxes.list(status="shutdown", limit=100)
        assert ids[0] in {d.id for d in shut.items}
        assert all(d.status == "shutdown" for d in shut.items)
    finally:
        for id in ids:
            api.devboxes.shutdown(id)


def test_logs_and_usage(api: RunloopAPI, new_devbox: NewDevbox) -> None:
    view = new_devbox()
    run = api.devboxes.execute(view.id, command="echo x", command_id="log-me")
    logs = api.devboxes.logs.list(view.id, execution_id=run.execution_id).logs
    assert [log.exit_code for log in logs] == [None, 0]
    assert all(log.cmd == "echo x" for log in logs)
    usage = api.devboxes.retrieve_resource_usage(view.id)
    assert usage.id == view.id
    assert usage.status == "running"
    assert usage.end_time_ms is None
    assert usage.total_elapsed_seconds >= usage.total_active_seconds >= 0


def test_wait_for_a_status_a_finished_devbox_cannot_reach_answers_at_once(api: RunloopAPI) -> None:
    view = api.devboxes.create_and_await_running()
    api.devboxes.shutdown(view.id)
    started = time.monotonic()
    seen = api.devboxes.wait_for_status(view.id, statuses=["running"], timeout_seconds=20)
    assert seen.status == "shutdown"  # 408 at once, then the raw client reads the current state
    assert time.monotonic() - started < 2
