"""Many commands at once on one devbox: every one completes with its own output."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable

from runloop_api import AsyncRunloopAPI
from runloop_api.types import DevboxView
from runloop_local import LocalEngine

WORKERS = 64
SECONDS = 10.0


async def _exec_loop(api: AsyncRunloopAPI, devbox_id: str, worker: int, until: float) -> int:
    """Runs commands until ``until``, each with stdin and output of its own; returns how many."""
    count = 0
    while time.monotonic() < until:
        token = f"{worker}-{count}"
        result = await api.devboxes.execute(
            devbox_id, command=f"echo out-{token}; echo err-{token} >&2", command_id=str(uuid.uuid4())
        )
        assert result.status == "completed", result
        assert (result.exit_status, result.stdout, result.stderr) == (0, f"out-{token}\n", f"err-{token}\n")
        count += 1
    return count


async def _stdin_round_trip(api: AsyncRunloopAPI, devbox_id: str, until: float) -> int:
    """Feeds stdin to commands while the others run (stdin pipes share the agent's descriptors)."""
    count = 0
    while time.monotonic() < until:
        run = await api.devboxes.executions.execute_async(devbox_id, command="cat")
        await api.devboxes.executions.send_std_in(run.execution_id, devbox_id=devbox_id, text=f"in-{count}")
        await api.devboxes.executions.send_std_in(run.execution_id, devbox_id=devbox_id, signal="EOF")
        done = await api.devboxes.executions.wait_for_status(
            run.execution_id, devbox_id=devbox_id, statuses=["completed"], timeout_seconds=30
        )
        assert (done.exit_status, done.stdout) == (0, f"in-{count}"), done
        count += 1
    return count


async def test_64_concurrent_execs_on_one_devbox_for_10_s(
    engine: LocalEngine, new_devbox: Callable[..., DevboxView]
) -> None:
    box = new_devbox(name="concurrent")
    async with AsyncRunloopAPI(base_url=engine.base_url, bearer_token=engine.token, max_retries=0) as api:
        until = time.monotonic() + SECONDS
        counts = await asyncio.gather(
            *(_exec_loop(api, box.id, worker, until) for worker in range(WORKERS)),
            _stdin_round_trip(api, box.id, until),
        )
        assert all(counts), counts
        view = await api.devboxes.retrieve(box.id)
        assert view.status == "running"
        after = await api.devboxes.execute(box.id, command="echo still-here", command_id=str(uuid.uuid4()))
        assert after.stdout == "still-here\n"
