"""The life of a sandbox: stop, death of its agent or of the engine, cancelled and failing requests."""

from __future__ import annotations

import asyncio
import os
import random
import resource
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Literal

import pytest

from runloop_local.sandbox import Sandbox, SandboxError, SandboxSpec, start_sandbox
from runloop_local.sandbox._session import AgentSession

from .test_sandbox_runtime import ISOLATIONS, TIMEOUT, host_processes_with, run, start, until


@pytest.fixture(params=ISOLATIONS)
def isolation(request: pytest.FixtureRequest) -> Literal["bwrap", "none"]:
    value: Literal["bwrap", "none"] = request.param
    return value


@pytest.fixture
async def sandbox(tmp_path: Path, isolation: Literal["bwrap", "none"]) -> AsyncIterator[Sandbox]:
    sb = await start_sandbox(SandboxSpec("dbx_test", tmp_path / "dbx_test", isolation=isolation))
    try:
        yield sb
    finally:
        await sb.stop()


async def test_stop_ends_every_process_and_pending_executions(
    tmp_path: Path, isolation: Literal["bwrap", "none"]
) -> None:
    sb = await start_sandbox(SandboxSpec("dbx_stop", tmp_path / "dbx_stop", isolation=isolation))
    marker = str(random.randint(100_000, 999_999))  # sleep durations no other process uses
    await run(sb, f"sleep 31{marker} & setsid sleep 32{marker} & nohup sleep 33{marker} >/dev/null 2>&1 &")
    pending, _ = await start(sb, f"sleep 34{marker}")

    async def all_running() -> bool:
        return all(host_processes_with(f"sleep {n}{marker}") for n in (31, 32, 33, 34))

    await until(all_running, "the sleeps to start")
    await sb.stop()
    assert not sb.alive
    assert await asyncio.wait_for(pending.wait(), TIMEOUT) == 137
    for n in (31, 32, 33, 34):
        assert not host_processes_with(f"sleep {n}{marker}"), n
    with pytest.raises(SandboxError, match="not running"):
        await sb.exec("true", on_stdout=print, on_stderr=print)
    await sb.stop()  # stopping twice is fine


async def test_a_sandbox_whose_agent_died_is_not_alive_and_ends_its_executions(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    pending, _ = await start(sandbox, "sleep 300")
    suicide, _ = await start(sandbox, "kill -9 $PPID")
    assert await asyncio.wait_for(suicide.wait(), TIMEOUT) == 137
    assert await asyncio.wait_for(pending.wait(), TIMEOUT) == 137

    async def dead() -> bool:
        return not sandbox.alive

    await until(dead, "alive to turn False")
    assert "dbx_test ended unexpectedly" in caplog.text
    with pytest.raises(SandboxError):
        await sandbox.exec("true", on_stdout=print, on_stderr=print)


async def test_a_cancelled_exec_does_not_leave_its_command_running(sandbox: Sandbox) -> None:
    marker = str(random.randint(100_000, 999_999))
    task = asyncio.ensure_future(start(sandbox, f"sleep 35{marker}"))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    async def gone() -> bool:
        _, output = await run(sandbox, f"pgrep -f '[s]leep 35{marker}' || true")
        return output.out == ""

    await until(gone, "the cancelled command to end")


async def test_running_out_of_file_descriptors_fails_one_command_not_the_sandbox(tmp_path: Path) -> None:
    sandbox = await start_sandbox(SandboxSpec("dbx_fds", tmp_path / "dbx_fds", isolation="none"))
    try:
        assert isinstance(sandbox, AgentSession) and sandbox.transport is not None
        resource.prlimit(sandbox.transport.get_pid(), resource.RLIMIT_NOFILE, (24, 24))
        holders = []
        for _ in range(10):  # each keeps 2 pipes of the agent open through its background sleep
            code, output = await run(sandbox, "sleep 300 & echo $!")
            if code != 0:
                break
            holders.append(int(output.out))
        assert code == 126 and "Too many open files" in output.err
        for pid in holders:
            os.kill(pid, signal.SIGKILL)

        async def works_again() -> bool:
            return (await run(sandbox, "echo ok"))[1].out == "ok\n"

        await until(works_again, "the pipes of the killed sleeps to be closed")
    finally:
        await sandbox.stop()


ENGINE_SCRIPT = """
import asyncio, os, signal, sys
from pathlib import Path
from runloop_local.sandbox import SandboxSpec, start_sandbox

async def main():
    sandbox = await start_sandbox(SandboxSpec("dbx_orphan", Path(sys.argv[1]), isolation=sys.argv[2]))
    marker = sys.argv[3]
    await sandbox.exec(f"sleep 41{marker} & setsid sleep 42{marker} & sleep 43{marker}", on_stdout=print, on_stderr=print)
    print("started", flush=True)
    await asyncio.sleep(60)

asyncio.run(main())
"""


async def test_sandboxes_end_with_the_engine_process(
    tmp_path: Path, isolation: Literal["bwrap", "none"]
) -> None:
    marker = str(random.randint(100_000, 999_999))
    engine = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        ENGINE_SCRIPT,
        str(tmp_path / "dbx_orphan"),
        isolation,
        marker,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert engine.stdout is not None
    try:
        assert await asyncio.wait_for(engine.stdout.readline(), TIMEOUT) == b"started\n"

        async def all_running() -> bool:
            return all(host_processes_with(f"sleep {n}{marker}") for n in (41, 42, 43))

        await until(all_running, "the sleeps to start")
    finally:
        engine.kill()  # SIGKILL: the engine cannot clean up
        await engine.wait()

    async def all_gone() -> bool:
        return not any(host_processes_with(f"sleep {n}{marker}") for n in (41, 42, 43))

    await until(all_gone, "the sandbox's processes to end with the engine")
