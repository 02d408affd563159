"""``AsyncBenchmarkRun``: one run of every scenario of a benchmark, and its aggregate score."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from typing_extensions import Unpack

from runloop_api.types import BenchmarkRunView, ScenarioRunState, ScenarioRunView

from .._base.eval_states import benchmark_run_reached, new_scenario_runs
from .._base.listing import AsyncListing
from .._base.options import MutationOptions, RequestOptions, pick_polling
from .._base.polling import PollingConfig
from ._context import AsyncClientContext
from .polling import poll_until
from .scenario_run import AsyncScenarioRun

__all__ = ["AsyncBenchmarkRun"]


class AsyncBenchmarkRun:
    """A benchmark run: the server starts one scenario run per scenario of the benchmark.

    Example:
        >>> run = await benchmark.run(run_name="nightly", mounts=[agent.mount("/home/user/agent")])
        >>> async for scenario_run in run.stream_scenario_runs():
        ...     await scenario_run.await_env_ready()
        ...     await scenario_run.devbox.cmd.exec("python /home/user/agent/main.py")
        ...     await scenario_run.score_and_complete()
        >>> (await run.await_completed()).score
    """

    def __init__(self, ctx: AsyncClientContext, run_id: str) -> None:
        self._ctx = ctx
        self._id = run_id

    def __repr__(self) -> str:
        return f"AsyncBenchmarkRun(id={self._id!r})"

    @property
    def id(self) -> str:
        """The benchmark run's id."""
        return self._id

    async def get_info(self, **options: Unpack[RequestOptions]) -> BenchmarkRunView:
        """Reads the run's view (state, score once completed) from the server."""
        return await self._ctx.api.benchmark_runs.retrieve(self._id, **options)

    async def cancel(self, **options: Unpack[MutationOptions]) -> BenchmarkRunView:
        """Cancels the run and its scenario runs (their devboxes are shut down)."""
        return await self._ctx.api.benchmark_runs.cancel(self._id, **options)

    async def complete(self, **options: Unpack[MutationOptions]) -> BenchmarkRunView:
        """Completes the run now, with the score of the scenario runs completed so far."""
        return await self._ctx.api.benchmark_runs.complete(self._id, **options)

    async def await_completed(
        self, *, polling: PollingConfig | None = None, polling_config: PollingConfig | None = None
    ) -> BenchmarkRunView:
        """Waits until the run is ``completed`` (the server completes it once every scenario
        run is completed); the view's ``score`` is the aggregate.

        Raises:
            BenchmarkRunFailedError: When it was canceled or failed instead.
            PollingTimeoutError: When the wait gave up; carries the last view.
        """

        async def fetch(hold: int) -> BenchmarkRunView:
            return await self.get_info()

        return await poll_until(
            fetch,
            lambda view: benchmark_run_reached(view, {"completed"}),
            self._ctx.polling_for(pick_polling(polling, polling_config)),
            what=f"benchmark run {self._id} to complete",
        )

    def scenario_runs(
        self,
        *,
        state: ScenarioRunState | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncListing[ScenarioRunView, AsyncScenarioRun]:
        """The scenario runs started so far (optionally in one state); ``limit`` caps how many."""

        async def fetch() -> Any:
            return await self._ctx.api.benchmark_runs.list_scenario_runs(
                self._id, state=state, limit=limit, **options
            )

        return AsyncListing(fetch, lambda view: AsyncScenarioRun(self._ctx, view.id, view.devbox_id), limit)

    async def stream_scenario_runs(
        self,
        *,
        expected: int | None = None,
        polling: PollingConfig | None = None,
        polling_config: PollingConfig | None = None,
    ) -> AsyncIterator[AsyncScenarioRun]:
        """Yields each scenario run once, as the server starts it, until all have started (or the
        benchmark run has ended).

        The server may start them a few at a time (bounded concurrency): completing the ones
        yielded lets the next ones start.

        Args:
            expected: How many to wait for (default: the number of the benchmark's scenarios).
            polling: Polling settings for the wait for each next run (default: the SDK's).
            polling_config: ``polling`` under the official SDK's name.

        Raises:
            PollingTimeoutError: When no further run started within the polling timeout.
        """
        config = self._ctx.polling_for(pick_polling(polling, polling_config))
        if expected is None:
            expected = await self._scenario_count()
        seen: set[str] = set()
        batch: list[ScenarioRunView] = []
        ended = [False]

        async def fetch(hold: int) -> list[ScenarioRunView]:
            # The state is read before the list, so every run started before the end is listed.
            ended[0] = (await self.get_info()).state != "running"
            listed = [view async for view in await self._ctx.api.benchmark_runs.list_scenario_runs(self._id)]
            batch[:] = new_scenario_runs(listed, seen)
            return batch

        while len(seen) < expected:
            await poll_until(
                fetch,
                lambda fresh: bool(fresh) or ended[0],
                config,
                what=f"the next scenario run of benchmark run {self._id}",
            )
            for view in list(batch):
                seen.add(view.id)
                yield AsyncScenarioRun(self._ctx, view.id, view.devbox_id)
            if ended[0]:
                return

    async def logs(self, **options: Unpack[MutationOptions]) -> bytes:
        """The logs of every scenario run, as one zip."""
        response = await self._ctx.api.benchmark_runs.download_logs(self._id, **options)
        return await response.read()

    async def download_logs(
        self, destination: str | os.PathLike[str], **options: Unpack[MutationOptions]
    ) -> Path:
        """Streams the logs of every scenario run (a zip) into a local file.

        Raises:
            FileNotFoundError: When the destination's folder does not exist (checked before the request).
        """
        path = Path(destination)
        if not path.parent.is_dir():
            raise FileNotFoundError(f"cannot write {path}: folder {path.parent} does not exist")
        response = await self._ctx.api.benchmark_runs.download_logs(self._id, **options)
        return await response.write_to_file(path)

    async def _scenario_count(self) -> int:
        view = await self.get_info()
        if view.benchmark_id is None:
            raise TypeError(f"benchmark run {self._id} has no benchmark; pass expected=")
        definition = await self._ctx.api.benchmarks.retrieve(view.benchmark_id)
        return len(definition.scenarioIds)
