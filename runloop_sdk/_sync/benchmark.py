# Generated from runloop_sdk/_async/benchmark.py by scripts/unasync.py. Do not edit.
"""``Benchmark``: a named set of scenarios, and runs of all of them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from typing_extensions import Unpack

from runloop_api._sync.resources.benchmarks import BenchmarksResource
from runloop_api.types import BenchmarkDefinitionView, BenchmarkRunView, ScenarioDefinitionView

from .._base.eval_params import ids_of
from .._base.eval_params import run_profile as merged_run_profile
from .._base.forwarding import forwards_to
from .._base.listing import Listing
from .._base.options import MutationOptions, RequestOptions, either
from ._context import ClientContext
from .benchmark_run import BenchmarkRun
from .scenario import Scenario

__all__ = ["Benchmark"]


class Benchmark:
    """A benchmark: scenarios evaluated together; a run scores an agent on all of them.

    Example:
        >>> benchmark = sdk.benchmark.create(name="bugs", scenarios=[s1, s2, s3])
        >>> run = benchmark.run(run_name="nightly")
    """

    def __init__(self, ctx: ClientContext, benchmark_id: str) -> None:
        self._ctx = ctx
        self._id = benchmark_id

    def __repr__(self) -> str:
        return f"Benchmark(id={self._id!r})"

    @property
    def id(self) -> str:
        """The benchmark's id."""
        return self._id

    def get_info(self, **options: Unpack[RequestOptions]) -> BenchmarkDefinitionView:
        """Reads the benchmark's definition (name, ``scenarioIds``, ...) from the server."""
        return self._ctx.api.benchmarks.retrieve(self._id, **options)

    @forwards_to(BenchmarksResource.update)
    def update(self, **params: Any) -> BenchmarkDefinitionView:
        """Changes the benchmark; ``params`` are what ``api.benchmarks.update`` accepts
        (``name``, ``description``, ``metadata``, ``scenario_ids``, ...)."""
        return self._ctx.api.benchmarks.update(self._id, **params)

    def add_scenarios(
        self, scenarios: Iterable[Scenario | str], **options: Unpack[MutationOptions]
    ) -> BenchmarkDefinitionView:
        """Adds scenarios (objects or ids) to the benchmark."""
        return self._ctx.api.benchmarks.update_scenarios(
            self._id, scenarios_to_add=ids_of(scenarios), **options
        )

    def remove_scenarios(
        self, scenarios: Iterable[Scenario | str], **options: Unpack[MutationOptions]
    ) -> BenchmarkDefinitionView:
        """Removes scenarios (objects or ids) from the benchmark."""
        return self._ctx.api.benchmarks.update_scenarios(
            self._id, scenarios_to_remove=ids_of(scenarios), **options
        )

    def scenarios(
        self, *, limit: int | None = None, **options: Unpack[RequestOptions]
    ) -> Listing[ScenarioDefinitionView, Scenario]:
        """The benchmark's scenarios; ``limit`` caps how many."""

        def fetch() -> Any:
            return self._ctx.api.benchmarks.definitions(self._id, limit=limit, **options)

        return Listing(fetch, lambda view: Scenario(self._ctx, view.id), limit)

    def archive(self, **options: Unpack[MutationOptions]) -> BenchmarkDefinitionView:
        """Archives the benchmark: it is kept, but no longer listed as active."""
        return self._ctx.api.benchmarks.archive(self._id, **options)

    def unarchive(self, **options: Unpack[MutationOptions]) -> BenchmarkDefinitionView:
        """Makes an archived benchmark active again."""
        return self._ctx.api.benchmarks.unarchive(self._id, **options)

    def run(
        self,
        *,
        run_name: str | None = None,
        run_profile: Mapping[str, Any] | None = None,
        runProfile: Mapping[str, Any] | None = None,
        mounts: Sequence[Mapping[str, Any]] | None = None,
        metadata: Mapping[str, str] | None = None,
        **options: Unpack[MutationOptions],
    ) -> BenchmarkRun:
        """Starts a run of every scenario; returns at once (the server starts the scenario
        runs; :meth:`BenchmarkRun.stream_scenario_runs` yields them as they start).

        Args:
            run_name: The run's display name.
            run_profile: The profile every scenario run gets (``envVars``, ``secrets``,
                ``mounts``, ``launchParameters``).
            runProfile: ``run_profile`` under the API's name.
            mounts: Mounts added to the profile's, e.g. ``[agent.mount("/home/user/agent")]``.
            metadata: Metadata to attach to the run.
            **options: Request options of the starting request.
        """
        profile = merged_run_profile(either("run_profile", run_profile, "runProfile", runProfile), mounts)
        view = self._ctx.api.benchmarks.start_run(
            benchmark_id=self._id,
            run_name=run_name,
            runProfile=dict(profile) if profile is not None else None,
            metadata=metadata,
            **options,
        )
        return BenchmarkRun(self._ctx, view.id)

    def list_runs(
        self, *, limit: int | None = None, **options: Unpack[RequestOptions]
    ) -> Listing[BenchmarkRunView, BenchmarkRun]:
        """The benchmark's runs; ``limit`` caps how many."""

        def fetch() -> Any:
            return self._ctx.api.benchmark_runs.list(benchmark_id=self._id, limit=limit, **options)

        return Listing(fetch, lambda view: BenchmarkRun(self._ctx, view.id), limit)
