# Generated from runloop_sdk/_async/scenario_run.py by scripts/unasync.py. Do not edit.
"""``ScenarioRun``: one run of a scenario in its own devbox, scored and completed (or canceled)."""

from __future__ import annotations

import os
from pathlib import Path

from typing_extensions import Unpack

from runloop_api.types import ScenarioRunView, ScoringContractResultView

from .._base.eval_states import SCENARIO_RUN_SCORED, scenario_run_reached
from .._base.options import MutationOptions, RequestOptions, pick_polling
from .._base.polling import PollingConfig
from ._context import ClientContext
from .devbox import Devbox
from .polling import poll_until

__all__ = ["ScenarioRun"]


class ScenarioRun:
    """A scenario run: the agent works in :attr:`devbox`, then the run is scored and completed.

    Example:
        >>> run = scenario.run(run_name="try-1", run_profile={"mounts": [agent.mount("/home/user/agent")]})
        >>> run.devbox.cmd.exec("python /home/user/agent/main.py")
        >>> view = run.score_and_complete()
        >>> view.scoring_contract_result.score
    """

    def __init__(self, ctx: ClientContext, run_id: str, devbox_id: str) -> None:
        self._ctx = ctx
        self._id = run_id
        self._devbox_id = devbox_id
        self._devbox = Devbox(ctx, devbox_id)

    def __repr__(self) -> str:
        return f"ScenarioRun(id={self._id!r}, devbox_id={self._devbox_id!r})"

    @property
    def id(self) -> str:
        """The run's id."""
        return self._id

    @property
    def devbox_id(self) -> str:
        """The id of the run's devbox."""
        return self._devbox_id

    @property
    def devbox(self) -> Devbox:
        """The run's devbox: run the agent there (``run.devbox.cmd.exec(...)``)."""
        return self._devbox

    def get_info(self, **options: Unpack[RequestOptions]) -> ScenarioRunView:
        """Reads the run's view (state, score, duration) from the server."""
        return self._ctx.api.scenarios.runs.retrieve(self._id, **options)

    def await_env_ready(
        self, *, polling: PollingConfig | None = None, polling_config: PollingConfig | None = None
    ) -> ScenarioRunView:
        """Waits until the run's devbox is running (after ``scenario.run_async()``).

        Raises:
            DevboxFailedError: When the devbox failed to start; carries the server's reason.
            PollingTimeoutError: When the wait gave up.
        """
        self._devbox.await_running(polling=pick_polling(polling, polling_config))
        return self.get_info()

    def score(self, **options: Unpack[MutationOptions]) -> ScenarioRunView:
        """Asks the server to score the run (the scoring contract's functions run in the devbox).

        Returns at once with the run's view; :meth:`await_scored` waits for the result.
        """
        return self._ctx.api.scenarios.runs.score(self._id, **options)

    def await_scored(
        self, *, polling: PollingConfig | None = None, polling_config: PollingConfig | None = None
    ) -> ScenarioRunView:
        """Waits until the run is scored (or completed, which comes after).

        Raises:
            ScenarioRunFailedError: When the run was canceled, timed out or failed instead.
            PollingTimeoutError: When the wait gave up; carries the last view.
        """
        return self._await_state(SCENARIO_RUN_SCORED, "scored", pick_polling(polling, polling_config))

    def score_and_await(
        self, *, polling: PollingConfig | None = None, polling_config: PollingConfig | None = None
    ) -> ScenarioRunView:
        """:meth:`score`, then :meth:`await_scored`: the view with ``scoring_contract_result``."""
        view = self.score()
        if view.state in SCENARIO_RUN_SCORED:
            return view
        return self.await_scored(polling=pick_polling(polling, polling_config))

    def complete(
        self,
        *,
        polling: PollingConfig | None = None,
        polling_config: PollingConfig | None = None,
        **options: Unpack[MutationOptions],
    ) -> ScenarioRunView:
        """Completes the run (the server scores it first if it was not yet) and shuts its devbox
        down; returns once the run is ``completed``.

        Raises:
            ScenarioRunFailedError: When the run was canceled, timed out or failed instead.
            PollingTimeoutError: When the wait gave up.
        """
        view = self._ctx.api.scenarios.runs.complete(self._id, **options)
        if view.state == "completed":
            return view
        return self._await_state({"completed"}, "completed", pick_polling(polling, polling_config))

    def score_and_complete(
        self, *, polling: PollingConfig | None = None, polling_config: PollingConfig | None = None
    ) -> ScenarioRunView:
        """Scores the run, waits for the score, then completes it (its devbox is shut down).

        Returns:
            The completed run's view; ``scoring_contract_result.score`` is the score.

        Raises:
            ScenarioRunFailedError: When the run was canceled, timed out or failed instead.
            PollingTimeoutError: When a wait gave up.
        """
        chosen = pick_polling(polling, polling_config)
        scored = self.score_and_await(polling=chosen)
        if scored.state == "completed":
            return scored
        return self.complete(polling=chosen)

    def cancel(self, **options: Unpack[MutationOptions]) -> ScenarioRunView:
        """Cancels the run and shuts its devbox down."""
        return self._ctx.api.scenarios.runs.cancel(self._id, **options)

    def logs(self, **options: Unpack[MutationOptions]) -> bytes:
        """The run's logs: a zip of the devbox's logs and the scoring output (see ``download_logs``)."""
        response = self._ctx.api.scenarios.runs.download_logs(self._id, **options)
        return response.read()

    def download_logs(self, destination: str | os.PathLike[str], **options: Unpack[MutationOptions]) -> Path:
        """Streams the run's logs (a zip) into a local file.

        Args:
            destination: The file to write; its folder must exist.
            **options: Request options.

        Returns:
            The path written.

        Raises:
            FileNotFoundError: When the destination's folder does not exist (checked before the request).
        """
        path = Path(destination)
        if not path.parent.is_dir():
            raise FileNotFoundError(f"cannot write {path}: folder {path.parent} does not exist")
        response = self._ctx.api.scenarios.runs.download_logs(self._id, **options)
        return response.write_to_file(path)

    def get_score(self, **options: Unpack[RequestOptions]) -> ScoringContractResultView | None:
        """The run's scoring result, or None when it has not been scored yet."""
        return (self.get_info(**options)).scoring_contract_result

    def _await_state(
        self, wanted: frozenset[str] | set[str], label: str, polling: PollingConfig | None
    ) -> ScenarioRunView:
        def fetch(hold: int) -> ScenarioRunView:
            return self.get_info()

        return poll_until(
            fetch,
            lambda view: scenario_run_reached(view, wanted),
            self._ctx.polling_for(polling),
            what=f"scenario run {self._id} to be {label}",
        )
