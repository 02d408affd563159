"""Scenario runs: a devbox made from the scenario's environment, scored in it, ended with the run.

:class:`ScenarioRunService` is the one way runs change (the HTTP routes and the benchmark
service both call it). A run is ``running`` from its start (its devbox boots meanwhile; a devbox
that fails or is shut down by anyone else fails the run), ``scoring`` while the scoring runner
works in the devbox, ``scored`` with its result, then ``completed``, ``canceled``, ``timeout``
(scoring overran ``scorer_timeout_sec``) or ``failed``; every end shuts the devbox down.

Restart safety: an engine that starts finds each unfinished run's devbox suspended by the devbox
service's recovery; it resumes the devbox and keeps the run (a run cut while scoring is scored
again once its devbox runs). A run whose devbox is gone, or fails to resume, is failed: never
left ``running``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from runloop_api.types import DevboxCreateParameters, RunProfile

from ..blueprints.service import BlueprintService
from ..db.clock import now_ms
from ..db.ids import new_id
from ..db.notifier import Notifier
from ..devboxes.records import DevboxRecord
from ..devboxes.service import DevboxService
from ..http.errors import ApiError, bad_request, not_found
from ..snapshots.service import SnapshotService
from .logs_zip import logs_zip
from .records import ScenarioRunRecord, ScenarioRunStore
from .rules import (
    ACTIVE_STATES,
    TERMINAL_STATES,
    check_requirements,
    check_run_change,
    devbox_request,
    recovery,
)
from .service import ScenarioService

__all__ = ["ContractScorer", "ScenarioRunService"]

log = logging.getLogger("runloop_local")

SCORING_GRACE_S = 5.0
"""Time the scoring runner gets beyond ``scorer_timeout_sec`` to report before the run times out."""
DEVBOX_WAIT_S = 300.0
"""How long scoring waits for a run's devbox that is still booting."""
_SCORABLE = frozenset({"provisioning", "initializing", "running"})
"""Devbox statuses a run may be scored in (scoring waits for a booting devbox to run)."""
RESCORE_WAIT_S = 120.0
"""How long a run cut while scoring waits for its resumed devbox before it fails."""


class ContractScorer(Protocol):
    """The scoring runner (``runloop_local.scoring.runner.ScoringRunner``), as runs use it."""

    async def score_contract(
        self,
        devbox_id: str,
        contract: dict[str, Any],
        *,
        timeout_s: float | None = None,
        cwd: str | None = None,
    ) -> dict[str, Any]:
        """A ScoringContractResultView (JSON) of ``contract`` run in the devbox."""
        ...


class ScenarioRunService:
    """Starts, scores, completes and cancels scenario runs.

    Args:
        devboxes: The devbox service (runs' devboxes; its status changes fail runs).
        blueprints: Makes devboxes of environments that name a blueprint.
        snapshots: Makes devboxes of environments that name a snapshot, or none.
        scenarios: The scenario definitions.
        scoring: The scoring runner; None answers 501 to score and complete.
    """

    def __init__(
        self,
        devboxes: DevboxService,
        blueprints: BlueprintService,
        snapshots: SnapshotService,
        scenarios: ScenarioService,
        scoring: ContractScorer | None = None,
    ) -> None:
        self.devboxes = devboxes
        self.blueprints = blueprints
        self.snapshots = snapshots
        self.scenarios = scenarios
        self.scoring = scoring
        self._path = devboxes.data_dir / "engine.sqlite3"
        self._store: ScenarioRunStore | None = None
        self._notifiers: dict[str, Notifier] = {}
        self._by_devbox: dict[str, str] = {}
        """Devbox id -> its unfinished run (its status changes may fail the run)."""
        self._scoring: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.state_listeners: list[Callable[[ScenarioRunRecord], None]] = []
        """Called with the record after each state change is written (benchmark runs follow their runs)."""

    @property
    def store(self) -> ScenarioRunStore:
        """The records (opened on first use)."""
        if self._store is None:
            self._store = ScenarioRunStore(self._path)
        return self._store

    # -- start and stop -------------------------------------------------------------------------

    async def recover(self) -> None:
        """Follows devbox status changes and settles the runs a previous engine left unfinished
        (call after the devbox service started)."""
        self.devboxes.status_listeners.append(self._devbox_changed)
        for rec in self.store.active():
            devbox = self.devboxes.store.get_devbox(rec.devbox_id)
            decision = recovery(rec.state, devbox.status if devbox else None)
            if decision == "fail":
                status = devbox.status if devbox else "gone"
                self._end(
                    rec,
                    "failed",
                    f"the engine restarted and the run's devbox did not survive (it is {status})",
                )
                continue
            self._by_devbox[rec.devbox_id] = rec.id
            if decision == "resume":
                self._note(rec, "the engine restarted: resuming the run's devbox")
                try:
                    await self.devboxes.resume(rec.devbox_id)
                except ApiError as exc:
                    self._end(
                        self.get(rec.id),
                        "failed",
                        f"the engine restarted and the run's devbox could not resume: {exc.message}",
                    )
                    continue
            if rec.state == "scoring":
                self._spawn(self._rescore(rec.id))

    async def close(self) -> None:
        """Stops scoring (a run cut while scoring is scored again by the next engine)."""
        with contextlib.suppress(ValueError):
            self.devboxes.status_listeners.remove(self._devbox_changed)
        tasks = [*self._scoring.values(), *self._tasks]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- reading ----------------------------------------------------------------------------------

    def get(self, id: str) -> ScenarioRunRecord:
        """A run by id.

        Raises:
            ApiError: 404 unknown.
        """
        rec = self.store.get(id)
        if rec is None:
            raise not_found("scenario run", id)
        return rec

    def page(
        self,
        *,
        limit: int,
        starting_after: str | None = None,
        scenario_id: str | None = None,
        benchmark_run_id: str | None = None,
        state: str | None = None,
        name: str | None = None,
        search: str | None = None,
    ) -> tuple[list[ScenarioRunRecord], bool, int]:
        """A page of runs, newest first, filtered (``search``: in the id or the name)."""
        clauses: list[str] = []
        args: list[object] = []
        for column, value in (
            ("scenario_id", scenario_id),
            ("benchmark_run_id", benchmark_run_id),
            ("state", state),
        ):
            if value:
                clauses.append(f"{column} = ?")
                args.append(value)
        if name:
            clauses.append("json_extract(data, '$.name') = ?")
            args.append(name)
        if search:
            clauses.append("(instr(id, ?) > 0 OR instr(coalesce(json_extract(data, '$.name'), ''), ?) > 0)")
            args += [search, search]
        return self.store.select_page(clauses, args, limit=limit, starting_after=starting_after)

    def of_benchmark_run(self, benchmark_run_id: str) -> list[ScenarioRunRecord]:
        """Every run of a benchmark run, oldest first."""
        return self.store.where("benchmark_run_id = ?", (benchmark_run_id,))

    async def wait_for_state(
        self, id: str, states: Iterable[str], timeout: float
    ) -> ScenarioRunRecord | None:
        """Waits until run ``id`` is in one of ``states``.

        Returns:
            The record, or None when ``timeout`` passed first or the run ended in another state.
        """
        wanted = set(states)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            notifier = self._notifier(id)
            rec = self.get(id)
            if rec.state in wanted:
                return rec
            left = deadline - loop.time()
            if rec.state in TERMINAL_STATES or left <= 0:
                return None
            await notifier.wait(left)

    def logs(self, id: str) -> bytes:
        """The run's logs zip (see :mod:`.logs_zip`)."""
        rec = self.get(id)
        scenario = self.scenarios.store.get(rec.scenario_id)
        return logs_zip(
            rec.view().model_dump(mode="json", exclude_none=True),
            None if scenario is None else scenario.view().model_dump(mode="json", exclude_none=True),
            rec.events,
            self.devboxes.store.logs(rec.devbox_id),
        )

    # -- operations -------------------------------------------------------------------------------

    async def start(
        self,
        scenario_id: str,
        *,
        run_name: str | None = None,
        metadata: dict[str, str] | None = None,
        run_profile: RunProfile | None = None,
        benchmark_run_id: str | None = None,
    ) -> ScenarioRunRecord:
        """Starts a run: creates its devbox and answers at once (state ``running``, devbox booting).

        Args:
            scenario_id: The scenario to run.
            run_name: The run's display name.
            metadata: The run's metadata.
            run_profile: Environment variables, secrets, mounts (agent mounts too) and launch
                parameters of the run's devbox, over the scenario's environment.
            benchmark_run_id: The benchmark run it belongs to.

        Raises:
            ApiError: 404 unknown scenario; 400 archived, or the profile lacks what the scenario
                requires, or the devbox request is invalid; 501 what the engine cannot make.
        """
        scenario = self.scenarios.get(scenario_id)
        self.scenarios.check_runnable(scenario)
        check_requirements(scenario, run_profile)
        run_id = new_id("scr")
        try:
            params = DevboxCreateParameters.model_validate(devbox_request(run_id, scenario, run_profile))
        except ValueError as exc:
            raise bad_request(f"the scenario's environment does not make a valid devbox: {exc}") from None
        devbox = await self._create_devbox(params)
        workdir = (scenario.environment or {}).get("working_directory")
        if workdir and devbox.rootfs:
            # Before its boot task first runs (no await since the create): the sandbox starts there.
            devbox.workdir = workdir
            self.devboxes.store.put_devbox(devbox)
        now = now_ms()
        rec = ScenarioRunRecord(
            id=run_id,
            scenario_id=scenario.id,
            devbox_id=devbox.id,
            start_time_ms=now,
            name=run_name,
            metadata=dict(metadata or {}),
            benchmark_run_id=benchmark_run_id,
            purpose=run_profile.purpose if run_profile else None,
            environment_variables=dict((run_profile.envVars if run_profile else None) or {}),
            secrets_provided=dict((run_profile.secrets if run_profile else None) or {}),
            scoring_contract=scenario.scoring_contract,
            scorer_timeout_sec=scenario.scorer_timeout_sec,
            working_directory=workdir,
            events=[{"time_ms": now, "state": "running", "message": f"started on devbox {devbox.id}"}],
        )
        self.store.put(rec)
        self._by_devbox[devbox.id] = rec.id
        self._changed(rec)
        return rec

    async def score(self, id: str, *, hold_s: float = 0.0) -> ScenarioRunRecord:
        """Starts scoring a run in its devbox (``scoring``, then ``scored`` with the result).

        Args:
            id: The run.
            hold_s: How long to wait for the scoring to end before answering.

        Raises:
            ApiError: 404 unknown; 400 the run ended, or its devbox is not running; 501 no scoring runner.
        """
        rec = self.get(id)
        if rec.state != "scoring":
            self._begin_scoring(rec)
        task = self._scoring.get(id)
        if task is not None and hold_s > 0:
            await asyncio.wait({task}, timeout=hold_s)
        return self.get(id)

    async def complete(self, id: str) -> ScenarioRunRecord:
        """Completes a run: scores it if it is not scored yet, then ``completed``, devbox shut down.

        Returns:
            The run: ``completed``, or ``timeout``/``failed`` when the scoring did not finish.

        Raises:
            ApiError: 404 unknown; 400 the run ended, or its devbox is not running to score; 501
                no scoring runner.
        """
        rec = self.get(id)
        check_run_change(id, rec.state, "completed")
        if rec.state == "running":
            self._begin_scoring(rec)
        task = self._scoring.get(id)
        if task is not None:
            await asyncio.wait({task})  # not cancelled with this request; a cancel of the run ends it
        rec = self.get(id)
        if rec.state == "scored":
            await self._finish(rec, "completed", "completed")
        return self.get(id)

    async def cancel(self, id: str) -> ScenarioRunRecord:
        """Cancels a run: ``canceled``, scoring stopped, devbox shut down.

        Raises:
            ApiError: 404 unknown; 400 the run already ended.
        """
        rec = self.get(id)
        check_run_change(id, rec.state, "canceled")
        await self._finish(rec, "canceled", "canceled")
        return self.get(id)

    # -- inside -----------------------------------------------------------------------------------

    async def _create_devbox(self, params: DevboxCreateParameters) -> DevboxRecord:
        if params.blueprint_id:
            return await self.blueprints.create_devbox(params)
        return await self.snapshots.create_devbox(params)

    def _begin_scoring(self, rec: ScenarioRunRecord) -> None:
        check_run_change(rec.id, rec.state, "scoring")
        if self.scoring is None:
            raise ApiError(
                501, "scoring scenario runs needs the scoring runner, which this engine does not have"
            )
        devbox = self.devboxes.get(rec.devbox_id)
        if devbox.status not in _SCORABLE:
            raise bad_request(
                f"cannot score scenario run {rec.id}: its devbox {devbox.id} is {devbox.status}, not running"
            )
        self._set_state(rec, "scoring", "scoring")
        task = asyncio.create_task(self._score(rec.id))
        self._scoring[rec.id] = task
        task.add_done_callback(lambda _: self._scoring.pop(rec.id, None))

    async def _score(self, id: str) -> None:
        rec = self.get(id)
        assert self.scoring is not None
        if await self.devboxes.wait_for_status(rec.devbox_id, ["running"], DEVBOX_WAIT_S) is None:
            status = self.devboxes.get(rec.devbox_id).status
            await self._finish_scoring(
                id, "failed", f"its devbox {rec.devbox_id} did not run to be scored (it is {status})"
            )
            return
        timeout = rec.scorer_timeout_sec
        try:
            result = await asyncio.wait_for(
                self.scoring.score_contract(
                    rec.devbox_id, rec.scoring_contract, timeout_s=timeout, cwd=rec.working_directory
                ),
                None if timeout is None else timeout + SCORING_GRACE_S,
            )
        except asyncio.TimeoutError:
            await self._finish_scoring(
                id, "timeout", f"scoring took longer than scorer_timeout_sec={timeout}"
            )
            return
        except Exception as exc:  # a scorer the engine cannot run, or a devbox gone: the run ends
            log.warning("scoring scenario run %s failed: %s", id, exc)
            message = exc.message if isinstance(exc, ApiError) else f"{type(exc).__name__}: {exc}"
            await self._finish_scoring(id, "failed", f"scoring failed: {message}")
            return
        rec = self.get(id)
        if rec.state != "scoring":
            return  # canceled meanwhile
        rec.scoring_contract_result = result
        self._set_state(rec, "scored", f"scored {result.get('score')}")

    async def _rescore(self, id: str) -> None:
        """Scores again a run cut while scoring, once its resumed devbox runs."""
        rec = self.get(id)
        up = await self.devboxes.wait_for_status(rec.devbox_id, ["running"], RESCORE_WAIT_S)
        rec = self.get(id)
        if rec.state != "scoring":
            return
        if up is None:
            if rec.state in ACTIVE_STATES:
                self._end(
                    rec, "failed", "the engine restarted while scoring and the run's devbox did not run again"
                )
            return
        self._set_state(rec, "running", "the engine restarted while scoring: scoring again")
        with contextlib.suppress(ApiError):
            self._begin_scoring(self.get(id))

    async def _finish_scoring(self, id: str, state: str, message: str) -> None:
        """Ends a run whose scoring could not give a result, unless it ended meanwhile (canceled,
        or failed by its devbox's end)."""
        rec = self.get(id)
        if rec.state == "scoring":
            await self._finish(rec, state, message)

    async def _finish(self, rec: ScenarioRunRecord, state: str, message: str) -> None:
        """Ends a run and shuts its devbox down (a scoring in progress is stopped)."""
        self._end(rec, state, message)
        task = self._scoring.get(rec.id)
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        with contextlib.suppress(ApiError):
            await self.devboxes.shutdown(rec.devbox_id)

    def _end(self, rec: ScenarioRunRecord, state: str, message: str) -> None:
        rec.end_time_ms = now_ms()
        if state in ("failed", "timeout"):
            rec.failure_reason = message
        self._by_devbox.pop(rec.devbox_id, None)
        self._set_state(rec, state, message)

    def _set_state(self, rec: ScenarioRunRecord, state: str, message: str) -> None:
        rec.state = state
        rec.events.append({"time_ms": now_ms(), "state": state, "message": message})
        self.store.put(rec)
        self._changed(rec)

    def _note(self, rec: ScenarioRunRecord, message: str) -> None:
        rec.events.append({"time_ms": now_ms(), "message": message})
        self.store.put(rec)

    def _changed(self, rec: ScenarioRunRecord) -> None:
        self._notifier(rec.id).notify()
        for listener in self.state_listeners:
            try:
                listener(rec)
            except Exception:
                log.exception("a scenario run listener failed")

    def _notifier(self, id: str) -> Notifier:
        found = self._notifiers.get(id)
        if found is None:
            found = self._notifiers[id] = Notifier()
        return found

    def _devbox_changed(self, devbox_id: str, status: str) -> None:
        """A devbox that fails or shuts down under an unfinished run fails the run."""
        run_id = self._by_devbox.get(devbox_id)
        if run_id is None or status not in ("failure", "shutdown"):
            return
        rec = self.store.get(run_id)
        if rec is None or rec.state not in ACTIVE_STATES:
            return
        devbox = self.devboxes.store.get_devbox(devbox_id)
        why = (devbox.failure_reason or devbox.shutdown_reason) if devbox else None
        self._end(rec, "failed", f"its devbox {devbox_id} ended: {status}" + (f" ({why})" if why else ""))
        task = self._scoring.get(run_id)
        if task is not None:
            task.cancel()

    def _spawn(self, coro: Any) -> None:
        task: asyncio.Task[None] = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
