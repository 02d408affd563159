"""Whole SDK workflows through a proxy that resets or cuts 30% of connections (a bounded run of
``bench/faults.py``): every workflow completes, no streamed line is lost or repeated, no devbox is
made twice, and nothing is left running (asked of the engine directly, not through the proxy)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from runloop_api import RunloopAPI
from runloop_local import LocalEngine
from runloop_sdk import AsyncRunloopSDK, PollingConfig, RunloopSDK

from .proxy import FaultProxy
from .workflows import Tally, audit, run_async_workflow, run_sync_workflow, run_tasks, run_threads

POLLING = PollingConfig(interval=0.2, max_attempts=None, timeout=120.0)
WORKFLOWS = 16  # of each kind, 4 at once: about 10 s on two loaded cores
MAX_RETRIES = 6  # at 30% of connections broken, 7 attempts in a row all fail about once in 5,000


@pytest.fixture(scope="module")
def proxy(engine: LocalEngine) -> Iterator[FaultProxy]:
    with FaultProxy(engine.base_url, fault_rate=0.3, seed=2024) as running:
        yield running


def _check(engine: LocalEngine, prefix: str, tally: Tally) -> None:
    assert tally.untyped_errors == {}, tally.examples
    assert tally.completed == WORKFLOWS, (dict(tally.typed_errors), tally.examples)
    assert tally.wrong == []
    assert (tally.lines_lost, tally.lines_repeated) == (0, 0)
    with RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as direct:
        found = audit(direct, prefix, tally)
    assert found.devboxes == WORKFLOWS
    assert (found.duplicates, found.left_running, found.unknown) == ([], [], [])


def test_sync_workflows_survive_broken_connections(engine: LocalEngine, proxy: FaultProxy) -> None:
    tally = Tally()
    faults_before = proxy.fates["reset"] + proxy.fates["cut"]

    def connect() -> RunloopSDK:
        return RunloopSDK(
            bearer_token=engine.token, base_url=proxy.base_url, polling=POLLING, max_retries=MAX_RETRIES
        )

    run_threads(WORKFLOWS, 4, lambda i: run_sync_workflow(connect, f"sync-{i}", tally))
    _check(engine, "sync-", tally)
    assert proxy.fates["reset"] + proxy.fates["cut"] > faults_before  # faults did happen


async def test_async_workflows_survive_broken_connections(engine: LocalEngine, proxy: FaultProxy) -> None:
    tally = Tally()
    faults_before = proxy.fates["reset"] + proxy.fates["cut"]

    def connect() -> AsyncRunloopSDK:
        return AsyncRunloopSDK(
            bearer_token=engine.token, base_url=proxy.base_url, polling=POLLING, max_retries=MAX_RETRIES
        )

    await run_tasks(WORKFLOWS, 4, lambda i: run_async_workflow(connect, f"async-{i}", tally))
    await asyncio.to_thread(_check, engine, "async-", tally)
    assert proxy.fates["reset"] + proxy.fates["cut"] > faults_before
