# Generated from runloop_sdk/_async/scenario.py by scripts/unasync.py. Do not edit.
"""``Scenario``: a task with a starting environment and a scoring contract; runs of it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from typing_extensions import Unpack

from runloop_api._sync.resources.scenarios import ScenariosResource
from runloop_api.types import ScenarioDefinitionView, ScenarioRunView

from .._base.eval_params import run_profile as merged_run_profile
from .._base.eval_states import SCENARIO_RUN_ENDED
from .._base.forwarding import forwards_to
from .._base.listing import Listing
from .._base.options import MutationOptions, RequestOptions, either, pick_polling
from .._base.polling import PollingConfig
from ._context import ClientContext
from .scenario_run import ScenarioRun

__all__ = ["Scenario", "start_scenario_run"]


class Scenario:
    """A scenario: a problem statement, the environment a run starts from, and how it is scored.

    Example:
        >>> scenario = sdk.scenario.from_id("scn_123")
        >>> run = scenario.run(run_name="try-1")
        >>> run.devbox.cmd.exec("make fix")
        >>> (run.score_and_complete()).scoring_contract_result.score
    """

    def __init__(self, ctx: ClientContext, scenario_id: str) -> None:
        self._ctx = ctx
        self._id = scenario_id

    def __repr__(self) -> str:
        return f"Scenario(id={self._id!r})"

    @property
    def id(self) -> str:
        """The scenario's id."""
        return self._id

    def get_info(self, **options: Unpack[RequestOptions]) -> ScenarioDefinitionView:
        """Reads the scenario's definition from the server."""
        return self._ctx.api.scenarios.retrieve(self._id, **options)

    @forwards_to(ScenariosResource.update)
    def update(self, **params: Any) -> ScenarioDefinitionView:
        """Changes the scenario; ``params`` are what ``api.scenarios.update`` accepts
        (``name``, ``input_context``, ``scoring_contract``, ``environment_parameters``, ...)."""
        return self._ctx.api.scenarios.update(self._id, **params)

    def archive(self, **options: Unpack[MutationOptions]) -> ScenarioDefinitionView:
        """Archives the scenario: it is kept, but no longer listed as active."""
        return self._ctx.api.scenarios.archive(self._id, **options)

    def unarchive(self, **options: Unpack[MutationOptions]) -> ScenarioDefinitionView:
        """Makes an archived scenario active again."""
        return self._ctx.api.scenarios.unarchive(self._id, **options)

    def run(
        self,
        *,
        run_name: str | None = None,
        run_profile: Mapping[str, Any] | None = None,
        runProfile: Mapping[str, Any] | None = None,
        mounts: Sequence[Mapping[str, Any]] | None = None,
        metadata: Mapping[str, str] | None = None,
        benchmark_run_id: str | None = None,
        polling: PollingConfig | None = None,
        polling_config: PollingConfig | None = None,
        **options: Unpack[MutationOptions],
    ) -> ScenarioRun:
        """Starts a run and returns once its devbox is running.

        If the devbox does not come up (or the wait is interrupted), the run is canceled (unless
        the server already ended it) before the error is raised, so no devbox runs on unseen.

        Args:
            run_name: The run's display name.
            run_profile: Environment variables (``envVars``), ``secrets``, ``mounts`` and
                ``launchParameters`` of the run (the API's ``RunProfile``).
            runProfile: ``run_profile`` under the API's name.
            mounts: Mounts added to the profile's, e.g. ``[agent.mount("/home/user/agent")]``.
            metadata: Metadata to attach to the run.
            benchmark_run_id: The benchmark run this run belongs to.
            polling: Polling settings for the wait.
            polling_config: ``polling`` under the official SDK's name.
            **options: Request options of the starting request.

        Raises:
            DevboxFailedError: When the run's devbox failed to start (an agent that did not
                install, say); carries the server's reason.
            PollingTimeoutError: When the devbox was not running in time.
        """
        run = self.run_async(
            run_name=run_name,
            run_profile=run_profile,
            runProfile=runProfile,
            mounts=mounts,
            metadata=metadata,
            benchmark_run_id=benchmark_run_id,
            **options,
        )
        try:
            run.await_env_ready(polling=pick_polling(polling, polling_config))
        except BaseException as error:
            try:
                if (run.get_info()).state not in SCENARIO_RUN_ENDED:  # the server may have ended it
                    run.cancel()
            except Exception as cancel_error:
                if hasattr(error, "add_note"):
                    error.add_note(f"(and canceling scenario run {run.id} failed: {cancel_error!r})")
            raise
        return run

    def run_async(
        self,
        *,
        run_name: str | None = None,
        run_profile: Mapping[str, Any] | None = None,
        runProfile: Mapping[str, Any] | None = None,
        mounts: Sequence[Mapping[str, Any]] | None = None,
        metadata: Mapping[str, str] | None = None,
        benchmark_run_id: str | None = None,
        **options: Unpack[MutationOptions],
    ) -> ScenarioRun:
        """Starts a run and returns at once (``run.await_env_ready()`` before using its devbox).

        Takes the arguments of :meth:`run` but ``polling``.
        """
        return start_scenario_run(
            self._ctx,
            self._id,
            run_name=run_name,
            run_profile=merged_run_profile(
                either("run_profile", run_profile, "runProfile", runProfile), mounts
            ),
            metadata=metadata,
            benchmark_run_id=benchmark_run_id,
            options=options,
        )

    def list_runs(
        self,
        *,
        state: str | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> Listing[ScenarioRunView, ScenarioRun]:
        """Every run of this scenario (optionally in one state); ``limit`` caps how many."""

        def fetch() -> Any:
            return self._ctx.api.scenarios.runs.list(
                scenario_id=self._id, state=state, limit=limit, **options
            )

        return Listing(fetch, lambda view: ScenarioRun(self._ctx, view.id, view.devbox_id), limit)


def start_scenario_run(
    ctx: ClientContext,
    scenario_id: str,
    *,
    run_name: str | None,
    run_profile: Mapping[str, Any] | None,
    metadata: Mapping[str, str] | None,
    benchmark_run_id: str | None,
    options: MutationOptions,
) -> ScenarioRun:
    """Starts a run of a scenario (no wait) and returns its object."""
    view = ctx.api.scenarios.start_run(
        scenario_id=scenario_id,
        run_name=run_name,
        runProfile=dict(run_profile) if run_profile is not None else None,
        metadata=metadata,
        benchmark_run_id=benchmark_run_id,
        **options,
    )
    return ScenarioRun(ctx, view.id, view.devbox_id)
