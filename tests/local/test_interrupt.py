"""send_std_in INTERRUPT is Ctrl-C (SIGINT to the command's process group), EOF closes stdin:
end to end through the raw client, with and without bubblewrap; signals and processes below."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from runloop_api import BadRequestError, RunloopAPI
from runloop_api.types import DevboxAsyncExecutionDetailView, DevboxView
from runloop_local import LocalEngine
from runloop_local.sandbox import SandboxSpec, _procs, start_sandbox
from runloop_local.sandbox import _wire as wire
from runloop_local.sandbox.contract import Isolation

ISOLATIONS = [pytest.param("bwrap", marks=pytest.mark.bwrap), "none"]


@pytest.fixture(scope="module", params=ISOLATIONS)
def box(request: pytest.FixtureRequest) -> Iterator[tuple[RunloopAPI, DevboxView]]:
    """A running devbox on an engine of each isolation."""
    isolation: Isolation = request.param
    with (
        LocalEngine(isolation=isolation) as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token, max_retries=0) as api,
    ):
        devbox = api.devboxes.create_and_await_running(name=f"interrupt-{isolation}")
        yield api, devbox


def _interrupt_when(
    api: RunloopAPI, devbox: DevboxView, command: str, ready: str = ""
) -> DevboxAsyncExecutionDetailView:
    """Runs ``command``, waits until its stdout has ``ready``, sends INTERRUPT, waits for its end."""
    run = api.devboxes.executions.execute_async(devbox.id, command=command)
    deadline = time.monotonic() + 10
    while ready and ready not in (
        api.devboxes.executions.retrieve(run.execution_id, devbox_id=devbox.id).stdout or ""
    ):
        assert time.monotonic() < deadline, f"{command!r} never printed {ready!r}"
        time.sleep(0.02)
    started = time.monotonic()
    api.devboxes.executions.send_std_in(run.execution_id, devbox_id=devbox.id, signal="INTERRUPT")
    done = api.devboxes.executions.wait_for_status(
        run.execution_id, devbox_id=devbox.id, statuses=["completed"], timeout_seconds=20
    )
    assert done.status == "completed"
    assert time.monotonic() - started < 10, "the command did not end on INTERRUPT"
    return done


def test_interrupt_ends_a_plain_command_with_130(box: tuple[RunloopAPI, DevboxView]) -> None:
    done = _interrupt_when(*box, "sleep 30")
    assert done.exit_status == 130


def test_interrupt_runs_the_commands_sigint_trap(box: tuple[RunloopAPI, DevboxView]) -> None:
    done = _interrupt_when(*box, "trap 'echo got; exit 130' INT; echo ready; sleep 30", ready="ready")
    assert done.exit_status == 130
    assert done.stdout == "ready\ngot\n"


def test_interrupt_reaches_the_whole_process_group(box: tuple[RunloopAPI, DevboxView]) -> None:
    # bash waits for sleep: only SIGINT to the group (as Ctrl-C) ends both at once.
    done = _interrupt_when(*box, "echo ready; sleep 30; echo after", ready="ready")
    assert done.exit_status == 130
    assert done.stdout == "ready\n"


def test_eof_closes_stdin(box: tuple[RunloopAPI, DevboxView]) -> None:
    api, devbox = box
    run = api.devboxes.executions.execute_async(devbox.id, command="wc -c")
    api.devboxes.executions.send_std_in(run.execution_id, devbox_id=devbox.id, text="four", signal="EOF")
    done = api.devboxes.executions.wait_for_status(
        run.execution_id, devbox_id=devbox.id, statuses=["completed"], timeout_seconds=20
    )
    assert (done.exit_status, (done.stdout or "").strip()) == (0, "4")


def test_eof_or_interrupt_after_the_end_is_a_no_op_but_input_is_refused(
    box: tuple[RunloopAPI, DevboxView],
) -> None:
    api, devbox = box
    run = api.devboxes.executions.execute_async(devbox.id, command="head -n 1")
    api.devboxes.executions.send_std_in(run.execution_id, devbox_id=devbox.id, text="line\n")
    done = api.devboxes.executions.wait_for_status(
        run.execution_id, devbox_id=devbox.id, statuses=["completed"], timeout_seconds=20
    )
    assert (done.exit_status, done.stdout) == (0, "line\n")
    for signal_name in ("EOF", "INTERRUPT"):
        api.devboxes.executions.send_std_in(run.execution_id, devbox_id=devbox.id, signal=signal_name)
    with pytest.raises(BadRequestError, match="has completed; it takes no more input"):
        api.devboxes.executions.send_std_in(run.execution_id, devbox_id=devbox.id, text="more")


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_sigint_works_when_the_engine_ignores_it(isolation: Isolation, tmp_path: Path) -> None:
    """An engine started in the background by a shell ignores SIGINT; its commands must not."""

    async def run() -> int:
        sandbox = await start_sandbox(SandboxSpec("dbx_sigint", tmp_path / "dbx", isolation=isolation))
        try:
            handle = await sandbox.exec("sleep 30", on_stdout=lambda _: None, on_stderr=lambda _: None)
            await handle.signal(signal.SIGINT)
            return await asyncio.wait_for(handle.wait(), 10)
        finally:
            await sandbox.stop()

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        assert asyncio.run(run()) == 130
    finally:
        signal.signal(signal.SIGINT, previous)


def test_signal_frames_round_trip() -> None:
    assert wire.decode_signal(wire.encode_signal(signal.SIGINT, True)) == (signal.SIGINT, True)
    assert wire.decode_signal(wire.encode_signal(15, False)) == (15, False)
    for bad in (b"", b"g", b"x2", b"g-1", b"p2x"):
        with pytest.raises(ValueError, match="malformed"):
            wire.decode_signal(bad)


def test_procs_find_children_and_wait_for_their_end() -> None:
    child = subprocess.Popen(["sleep", "30"])
    try:
        assert child.pid in _procs.children(os.getpid())
        assert not _procs.ended(child.pid)
        assert not asyncio.run(_procs.wait_ended([child.pid], 0.05))
        child.kill()
        assert asyncio.run(_procs.wait_ended([child.pid], 5))  # a zombie has ended
    finally:
        child.kill()
        child.wait()
    assert _procs.ended(child.pid)
