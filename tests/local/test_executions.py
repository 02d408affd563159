"""Executions end to end: execute (optimistic, async, sync), waits, kills, stdin, last_n."""

from __future__ import annotations

import json
import socket
import time
import uuid

import httpx
import pytest

from runloop_api import BadRequestError, NotFoundError, RunloopAPI
from runloop_api.types import DevboxView
from runloop_local import LocalEngine

from ._spec_check import ValidatingClient


def _cid() -> str:
    return str(uuid.uuid4())


def test_execute_returns_the_finished_result(api: RunloopAPI, devbox: DevboxView) -> None:
    result = api.devboxes.execute(devbox.id, command="echo out; echo err >&2; exit 4", command_id=_cid())
    assert result.status == "completed"
    assert result.exit_status == 4
    assert result.stdout == "out\n"
    assert result.stderr == "err\n"
    assert result.devbox_id == devbox.id
    assert result.execution_id.startswith("exe_")


def test_execute_honours_command_id(api: RunloopAPI, devbox: DevboxView) -> None:
    command_id = _cid()
    command = "echo ran >> ~/idempotent.txt; wc -l < ~/idempotent.txt"
    first = api.devboxes.execute(devbox.id, command=command, command_id=command_id)
    again = api.devboxes.execute(devbox.id, command=command, command_id=command_id)
    assert again.execution_id == first.execution_id
    assert again.stdout == first.stdout == "1\n"
    other = api.devboxes.execute(devbox.id, command=command, command_id=_cid())
    assert other.stdout == "2\n"


def test_execute_answers_running_after_the_optimistic_timeout(api: RunloopAPI, devbox: DevboxView) -> None:
    started = time.monotonic()
    run = api.devboxes.execute(
        devbox.id, command="sleep 0.5; echo late", command_id=_cid(), optimistic_timeout=0
    )
    assert time.monotonic() - started < 0.4
    assert run.status == "running"
    assert run.exit_status is None
    done = api.devboxes.executions.wait_for_status(
        run.execution_id, devbox_id=devbox.id, statuses=["completed"], timeout_seconds=10
    )
    assert done.status == "completed"
    assert done.stdout == "late\n"
    assert done.exit_status == 0


def test_execute_async_retrieve_and_wait(api: RunloopAPI, devbox: DevboxView) -> None:
    run = api.devboxes.executions.execute_async(devbox.id, command="sleep 0.3; echo async")
    assert run.status == "running"
    seen = api.devboxes.executions.retrieve(run.execution_id, devbox_id=devbox.id)
    assert seen.status == "running"
    reached = api.devboxes.executions.wait_for_status(
        run.execution_id, devbox_id=devbox.id, statuses=["running"], timeout_seconds=1
    )
    assert reached.status == "running"  # already there: answers at once
    done = api.devboxes.executions.wait_for_status(
        run.execution_id, devbox_id=devbox.id, statuses=["completed"], timeout_seconds=10
    )
    assert (done.status, done.exit_status, done.stdout) == ("completed", 0, "async\n")
    again = api.devboxes.executions.retrieve(run.execution_id, devbox_id=devbox.id)
    assert again.stdout == "async\n"


def test_execution_wait_times_out_with_408(
    api: RunloopAPI, devbox: DevboxView, engine: LocalEngine, http: ValidatingClient
) -> None:
    run = api.devboxes.executions.execute_async(devbox.id, command="sleep 3")
    response = http.post(
        f"{engine.base_url}/v1/devboxes/{devbox.id}/executions/{run.execution_id}/wait_for_status",
        json={"statuses": ["completed"], "timeout_seconds": 0},
        headers={"authorization": f"Bearer {engine.token}"},
    )
    assert response.status_code == 408
    assert "did not reach" in response.json()["message"]
    api.devboxes.executions.kill(run.execution_id, devbox_id=devbox.id)


def test_execute_sync(api: RunloopAPI, devbox: DevboxView) -> None:
    with pytest.warns(DeprecationWarning, match="execSyncCommand"):
        result = api.devboxes.executions.execute_sync(devbox.id, command="seq 1 300; echo e >&2; exit 2")
    assert result.exit_status == 2
    assert result.stdout == "".join(f"{i}\n" for i in range(1, 301))  # the whole output
    assert result.stderr == "e\n"


def test_last_n(api: RunloopAPI, devbox: DevboxView) -> None:
    full = "".join(f"{i}\n" for i in range(1, 201))
    run = api.devboxes.execute(devbox.id, command="seq 1 200", command_id=_cid())
    assert run.stdout == "".join(f"{i}\n" for i in range(101, 201))  # the default: last 100 lines
    assert run.stdout_truncated is True
    five = api.devboxes.executions.retrieve(run.execution_id, devbox_id=devbox.id, last_n="5")
    assert five.stdout == "196\n197\n198\n199\n200\n"
    everything = api.devboxes.executions.retrieve(run.execution_id, devbox_id=devbox.id, last_n="0")
    assert everything.stdout == full
    assert everything.stdout_truncated is False
    with pytest.raises(BadRequestError, match="last_n"):
        api.devboxes.executions.retrieve(run.execution_id, devbox_id=devbox.id, last_n="many")


def test_kill(api: RunloopAPI, devbox: DevboxView) -> None:
    run = api.devboxes.executions.execute_async(devbox.id, command="sleep 30")
    killed = api.devboxes.executions.kill(run.execution_id, devbox_id=devbox.id)
    assert killed.status == "completed"
    assert killed.exit_status == 137
    assert api.devboxes.executions.kill(run.execution_id, devbox_id=devbox.id).status == "completed"


def test_kill_process_group(api: RunloopAPI, devbox: DevboxView) -> None:
    run = api.devboxes.executions.execute_async(
        devbox.id, command="sleep 300 & echo $! > /tmp/child.pid; echo started; wait"
    )
    for _ in range(100):
        if api.devboxes.executions.retrieve(run.execution_id, devbox_id=devbox.id).stdout:
            break
        time.sleep(0.02)
    api.devboxes.executions.kill(run.execution_id, devbox_id=devbox.id, kill_process_group=True)
    check = api.devboxes.execute(
        devbox.id,
        command="kill -0 $(cat /tmp/child.pid) 2>/dev/null && echo alive || echo gone",
        command_id=_cid(),
    )
    assert check.stdout == "gone\n"


def test_send_std_in(api: RunloopAPI, devbox: DevboxView) -> None:
    run = api.devboxes.executions.execute_async(devbox.id, command="cat; echo done", attach_stdin=True)
    sent = api.devboxes.executions.send_std_in(run.execution_id, devbox_id=devbox.id, text="hello\n")
    assert sent.success is True
    assert sent.execution_id == run.execution_id
    api.devboxes.executions.send_std_in(run.execution_id, devbox_id=devbox.id, text="world\n", signal="EOF")
    done = api.devboxes.executions.wait_for_status(
        run.execution_id, devbox_id=devbox.id, statuses=["completed"], timeout_seconds=10
    )
    assert done.stdout == "hello\nworld\ndone\n"
    with pytest.raises(BadRequestError, match="completed"):
        api.devboxes.executions.send_std_in(run.execution_id, devbox_id=devbox.id, text="late")


def test_send_std_in_interrupt(api: RunloopAPI, devbox: DevboxView) -> None:
    run = api.devboxes.executions.execute_async(devbox.id, command="sleep 30")
    api.devboxes.executions.send_std_in(run.execution_id, devbox_id=devbox.id, signal="INTERRUPT")
    done = api.devboxes.executions.wait_for_status(
        run.execution_id, devbox_id=devbox.id, statuses=["completed"], timeout_seconds=10
    )
    assert done.status == "completed"
    assert done.exit_status != 0


def test_processes_outlive_their_execution(api: RunloopAPI, devbox: DevboxView) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    api.devboxes.executions.execute_async(
        devbox.id, command=f"cd /tmp && exec /usr/bin/python3 -m http.server {port} --bind 127.0.0.1"
    )
    command = (
        f"for i in $(seq 50); do curl -sf -o /dev/null http://127.0.0.1:{port}/ && echo up && exit 0; "
        "sleep 0.1; done; exit 1"
    )
    answer = api.devboxes.execute(devbox.id, command=command, command_id=_cid())
    assert (answer.exit_status, answer.stdout) == (0, "up\n")


def test_unknown_execution_is_404(api: RunloopAPI, devbox: DevboxView, new_devbox: object) -> None:
    with pytest.raises(NotFoundError, match="exe_nope"):
        api.devboxes.executions.retrieve("exe_nope", devbox_id=devbox.id)
    run = api.devboxes.execute(devbox.id, command="true", command_id=_cid())
    other = api.devboxes.create(name="other")
    try:
        with pytest.raises(NotFoundError):  # an execution is only found through its own devbox
            api.devboxes.executions.retrieve(run.execution_id, devbox_id=other.id)
    finally:
        api.devboxes.shutdown(other.id)


def test_views_show_at_most_the_end_of_huge_output(api: RunloopAPI, devbox: DevboxView) -> None:
    run = api.devboxes.execute(
        devbox.id, command="head -c 5000000 /dev/zero | tr '\\0' 'a'; echo; echo end", command_id=_cid()
    )
    assert run.stdout_truncated is True
    assert run.stdout is not None
    assert len(run.stdout) <= 4 * 1024 * 1024
    assert run.stdout.endswith("a\nend\n")


def test_execute_without_command_id_generates_a_sortable_one(engine: LocalEngine, devbox: DevboxView) -> None:
    sent: list[str] = []

    def record(request: httpx.Request) -> None:
        if request.url.path.endswith("/execute"):
            sent.append(json.loads(request.content)["command_id"])

    with (
        httpx.Client(event_hooks={"request": [record]}) as http,
        RunloopAPI(bearer_token=engine.token, base_url=engine.base_url, http_client=http) as api,
    ):
        first = api.devboxes.execute(devbox.id, command="echo one")
        time.sleep(0.002)
        second = api.devboxes.execute(devbox.id, command="echo two")
    assert (first.stdout, second.stdout) == ("one\n", "two\n")
    assert first.execution_id != second.execution_id
    ids = [uuid.UUID(value) for value in sent]
    assert [value.version for value in ids] == [7, 7]
    assert sent == sorted(sent) and sent[0] != sent[1]  # time-ordered as text too
