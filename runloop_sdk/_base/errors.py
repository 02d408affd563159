"""Errors of the object layer. Each carries what the caller needs to act on it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from runloop_api import RunloopError

__all__ = [
    "SDKError",
    "PollingTimeoutError",
    "DevboxFailedError",
    "SnapshotFailedError",
    "BuildFailedError",
    "ScenarioRunFailedError",
    "BenchmarkRunFailedError",
]


class SDKError(RunloopError):
    """Base class of the errors raised by the object layer itself (API errors keep their classes)."""


class PollingTimeoutError(SDKError):
    """A wait gave up before the resource reached the wanted state.

    Attributes:
        what: What was being waited for, e.g. ``"devbox dbx_1 to be running"``.
        last_state: The last view the server returned (``None`` if no attempt finished).
        attempts: How many attempts were made.
        elapsed: Seconds spent waiting.
    """

    def __init__(self, what: str, *, last_state: Any, attempts: int, elapsed: float) -> None:
        status = getattr(last_state, "status", None)
        seen = f"; last status seen: {status!r}" if status is not None else ""
        super().__init__(
            f"gave up waiting for {what} after {elapsed:.1f}s and {attempts} attempt(s){seen}. "
            "Pass a larger PollingConfig(timeout=..., max_attempts=...) to wait longer."
        )
        self.what = what
        self.last_state = last_state
        self.attempts = attempts
        self.elapsed = elapsed


class DevboxFailedError(SDKError):
    """A devbox ended up in ``failure`` (or shut down) instead of the wanted state.

    Attributes:
        devbox_id: The devbox.
        status: Its status.
        failure_reason: The server's reason (``out_of_memory``, ``execution_failed``, ...), if any.
        view: The devbox's view.
    """

    def __init__(self, devbox_id: str, *, status: str, failure_reason: str | None, view: Any) -> None:
        reason = f": {failure_reason}" if failure_reason else ""
        super().__init__(f"devbox {devbox_id} is {status}{reason}")
        self.devbox_id = devbox_id
        self.status = status
        self.failure_reason = failure_reason
        self.view = view


class SnapshotFailedError(SDKError):
    """A disk snapshot ended in ``error`` or was deleted.

    Attributes:
        snapshot_id: The snapshot.
        status: Its status.
        error_message: The server's message, if any.
    """

    def __init__(self, snapshot_id: str, *, status: str, error_message: str | None) -> None:
        detail = f": {error_message}" if error_message else ""
        super().__init__(f"snapshot {snapshot_id} is {status}{detail}")
        self.snapshot_id = snapshot_id
        self.status = status
        self.error_message = error_message


class BuildFailedError(SDKError):
    """A blueprint build failed.

    Attributes:
        blueprint_id: The blueprint.
        failure_reason: The server's reason (``build_failed``, ``out_of_memory``, ...), if any.
        log_tail: The last lines of the build log.
        view: The blueprint's view.
    """

    def __init__(
        self, blueprint_id: str, *, failure_reason: str | None, log_tail: Sequence[str], view: Any
    ) -> None:
        reason = f" ({failure_reason})" if failure_reason else ""
        tail = "\n".join(f"  {line}" for line in log_tail) or "  (no build log)"
        super().__init__(f"blueprint {blueprint_id} failed to build{reason}; last log lines:\n{tail}")
        self.blueprint_id = blueprint_id
        self.failure_reason = failure_reason
        self.log_tail = list(log_tail)
        self.view = view


class ScenarioRunFailedError(SDKError):
    """A scenario run ended (``canceled``, ``timeout`` or ``failed``) before reaching the wanted state.

    Attributes:
        run_id: The scenario run.
        state: Its state.
        view: The run's view (its ``scoring_contract_result`` holds any partial scoring).
    """

    def __init__(self, run_id: str, *, state: str, view: Any) -> None:
        super().__init__(f"scenario run {run_id} is {state}")
        self.run_id = run_id
        self.state = state
        self.view = view


class BenchmarkRunFailedError(SDKError):
    """A benchmark run ended (``canceled`` or ``failed``) before completing.

    Attributes:
        run_id: The benchmark run.
        state: Its state.
        view: The run's view.
    """

    def __init__(self, run_id: str, *, state: str, view: Any) -> None:
        super().__init__(f"benchmark run {run_id} is {state}")
        self.run_id = run_id
        self.state = state
        self.view = view
