"""Engine logic around sandboxes that fail or are slow, with an in-test fake of the sandbox contract."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Mapping
from typing import ClassVar, Literal

import pytest

from runloop_api import RunloopAPI
from runloop_local import LocalEngine
from runloop_local.cli import main
from runloop_local.devboxes.records import DevboxRecord
from runloop_local.devboxes.store import Store
from runloop_local.sandbox.contract import ExecHandle, OutputCallback, Sandbox, SandboxError, SandboxSpec


class _SlowSandbox:
    """Starts after a delay; records whether it was stopped."""

    stopped: ClassVar[list[str]] = []

    def __init__(self, spec: SandboxSpec) -> None:
        self.spec = spec
        self._alive = True

    @property
    def isolation(self) -> Literal["bwrap", "none"]:
        return "none"

    @property
    def alive(self) -> bool:
        return self._alive

    async def exec(
        self,
        command: str,
        *,
        on_stdout: OutputCallback,
        on_stderr: OutputCallback,
        cwd: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> ExecHandle:
        raise SandboxError("this fake runs no commands")

    async def stop(self) -> None:
        self._alive = False
        _SlowSandbox.stopped.append(self.spec.devbox_id)


async def _slow_start(spec: SandboxSpec) -> Sandbox:
    await asyncio.sleep(0.5)
    return _SlowSandbox(spec)


async def _failing_start(spec: SandboxSpec) -> Sandbox:
    raise SandboxError("no room for sandboxes here")


def test_a_sandbox_that_cannot_start_fails_the_devbox() -> None:
    with (
        LocalEngine(start_sandbox=_failing_start) as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api,
    ):
        view = api.devboxes.create_and_await_running()
        assert (view.status, view.failure_reason) == ("failure", "execution_failed")
        assert [t.status for t in view.state_transitions] == ["provisioning", "failure"]
        assert any(
            "no room for sandboxes" in (log.message or "") for log in api.devboxes.logs.list(view.id).logs
        )


def test_shutdown_while_provisioning_stops_the_late_sandbox() -> None:
    with (
        LocalEngine(start_sandbox=_slow_start) as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api,
    ):
        view = api.devboxes.create()
        done = api.devboxes.shutdown(view.id)
        assert done.status == "shutdown"
        for _ in range(100):
            if view.id in _SlowSandbox.stopped:
                break
            time.sleep(0.02)
        assert view.id in _SlowSandbox.stopped
        assert api.devboxes.retrieve(view.id).status == "shutdown"  # never came back to running
        started = api.devboxes.create_and_await_running()
        assert started.status == "running"
        run = api.devboxes.executions.execute_async
        try:
            run(started.id, command="true")
        except Exception as exc:
            assert "this fake runs no commands" in str(exc)
        else:
            raise AssertionError("expected a 400")


class _DyingSandbox(_SlowSandbox):
    """Dies on its own a moment after starting."""

    def __init__(self, spec: SandboxSpec) -> None:
        super().__init__(spec)
        self._born = time.monotonic()

    @property
    def alive(self) -> bool:
        return self._alive and time.monotonic() - self._born < 0.3


async def _dying_start(spec: SandboxSpec) -> Sandbox:
    return _DyingSandbox(spec)


def test_a_sandbox_that_dies_fails_its_devbox() -> None:
    with (
        LocalEngine(start_sandbox=_dying_start) as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api,
    ):
        view = api.devboxes.create_and_await_running()
        assert view.status == "running"
        failed = api.devboxes.wait_for_status(view.id, statuses=["failure"], timeout_seconds=5)
        assert failed.failure_reason == "health_check_failed"
        assert view.id in _SlowSandbox.stopped


def test_isolation_bwrap_fails_fast_without_bubblewrap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="apt-get install bubblewrap"):
        LocalEngine(isolation="bwrap")
    assert main(["serve", "--isolation", "bwrap"]) == 2


async def _quick_start(spec: SandboxSpec) -> Sandbox:
    return _SlowSandbox(spec)


def test_idle_devboxes_cost_the_reaper_no_record_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reaper looks at a devbox's timers when they may expire, not on every tick (issue 12:
    idle engine CPU < 1% at 300 devboxes): idle devboxes far from their keep-alive are not read."""
    reads: list[str] = []
    peek = Store.peek_devbox

    def counting_peek(self: Store, id: str) -> DevboxRecord | None:
        reads.append(id)
        return peek(self, id)

    monkeypatch.setattr(Store, "peek_devbox", counting_peek)
    with (
        LocalEngine(start_sandbox=_quick_start) as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api,
    ):
        ids = [api.devboxes.create().id for _ in range(30)]
        for id in ids:
            assert api.devboxes.wait_for_status(id, statuses=["running"]).status == "running"
        short = api.devboxes.create_and_await_running(launch_parameters={"keep_alive_time_seconds": 1})
        time.sleep(0.5)  # every devbox's first look is over
        reads.clear()
        time.sleep(1.5)  # six ticks of the reaper
        assert set(reads) <= {short.id}, f"idle devboxes read: {len(set(reads) - {short.id})}"
        done = api.devboxes.wait_for_status(short.id, statuses=["shutdown"], timeout_seconds=5)
        assert done.shutdown_reason == "keep_alive_timeout"  # what is due is still done
        assert {api.devboxes.retrieve(id).status for id in ids} == {"running"}
