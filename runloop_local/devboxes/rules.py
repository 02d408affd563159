"""The devbox status machine and the reaper's decisions. Pure, no I/O.

provisioning -> initializing (launch commands run) -> running; a running devbox may be
suspended (its processes end, its files stay) and resumed; any live status may end in
``failure`` (with a failure reason) or ``shutdown`` (with a shutdown reason).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "ACTIVE_STATUSES",
    "DEFAULT_KEEP_ALIVE_SECONDS",
    "TERMINAL_STATUSES",
    "LifecycleError",
    "ReapAction",
    "active_seconds",
    "check_transition",
    "reap_action",
    "reap_due_ms",
    "recovered_status",
    "transition_record",
]

DEFAULT_KEEP_ALIVE_SECONDS = 3600
"""The spec's default of ``keep_alive_time_seconds`` (one hour)."""

TERMINAL_STATUSES = frozenset({"failure", "shutdown"})
ACTIVE_STATUSES = frozenset({"provisioning", "initializing", "running", "suspending", "resuming"})
"""Statuses in which the devbox has (or is getting) processes on this machine."""

_ALLOWED: dict[str, frozenset[str]] = {
    "provisioning": frozenset({"initializing", "failure", "shutdown", "suspended"}),
    "initializing": frozenset({"running", "failure", "shutdown", "suspended"}),
    "running": frozenset({"suspending", "suspended", "failure", "shutdown"}),
    "suspending": frozenset({"suspended", "failure", "shutdown"}),
    # A resume reports provisioning, as clients written for the service expect (their
    # await_running takes any status but provisioning and initializing as final); resuming
    # stays allowed for records an earlier engine wrote.
    "suspended": frozenset({"provisioning", "resuming", "shutdown", "failure"}),
    "resuming": frozenset({"running", "failure", "shutdown", "suspended"}),
    "failure": frozenset(),
    "shutdown": frozenset(),
}


class LifecycleError(ValueError):
    """A status change the machine does not allow; the message says why."""


def check_transition(current: str, new: str) -> None:
    """Raises :class:`LifecycleError` unless ``current -> new`` is allowed.

    Args:
        current: The devbox's status.
        new: The status wanted.

    Raises:
        LifecycleError: The change is not allowed (for example from ``shutdown``).
    """
    allowed = _ALLOWED.get(current, frozenset())
    if new not in allowed:
        if current in TERMINAL_STATUSES:
            raise LifecycleError(f"the devbox is {current}; it cannot become {new}")
        raise LifecycleError(f"the devbox is {current}; it cannot become {new} from there")


def transition_record(
    current: str, new: str, now_ms: int, *, failure_reason: str | None = None
) -> dict[str, Any]:
    """The ``state_transitions`` entry of an allowed change (checked first).

    Args:
        current: The devbox's status.
        new: The status it moves to.
        now_ms: The time of the change, Unix milliseconds.
        failure_reason: Why, when ``new`` is ``failure``.

    Returns:
        A dict shaped like the spec's ``DevboxStateTransition``.

    Raises:
        LifecycleError: The change is not allowed.
    """
    check_transition(current, new)
    entry: dict[str, Any] = {"status": new, "transition_time_ms": now_ms}
    if failure_reason is not None:
        entry["failure_reason"] = failure_reason
    return entry


def recovered_status(status: str) -> str | None:
    """What a devbox left in ``status`` by a previous engine process is now, or None if unchanged.

    Its processes ended with that engine, so a live devbox is reported ``suspended``: its files
    are intact and ``resume`` starts a fresh sandbox on them. It is never reported running.
    """
    return "suspended" if status in ACTIVE_STATUSES else None


@dataclass(frozen=True)
class ReapAction:
    """What the reaper does to a devbox: ``shutdown`` (with a reason) or ``suspend``."""

    action: Literal["shutdown", "suspend"]
    reason: Literal["keep_alive_timeout", "idle"]


def reap_action(
    *,
    status: str,
    now_ms: int,
    keep_alive_since_ms: int,
    keep_alive_seconds: int | None,
    idle_seconds: int | None,
    on_idle: str | None,
    last_activity_ms: int,
    busy: bool,
) -> ReapAction | None:
    """The reaper's decision for one devbox.

    With ``after_idle`` set (``idle_seconds``/``on_idle``), the devbox ends after that long with no
    execution running and no file activity, and ``keep_alive_time_seconds`` is ignored (as the spec
    says). Otherwise it shuts down ``keep_alive_seconds`` (default one hour) after its start or
    its last keep-alive.

    Args:
        status: The devbox's status; only running devboxes are reaped.
        now_ms: Now, Unix milliseconds.
        keep_alive_since_ms: Start of the keep-alive period (creation, resume or last keep_alive).
        keep_alive_seconds: ``launch_parameters.keep_alive_time_seconds`` or None for the default.
        idle_seconds: ``after_idle.idle_time_seconds`` or None.
        on_idle: ``after_idle.on_idle`` (``shutdown`` or ``suspend``) or None.
        last_activity_ms: Last execution end, file operation or keep-alive.
        busy: Whether an execution is running now.

    Returns:
        The action to take, or None to leave the devbox alone.
    """
    if status != "running":
        return None
    if idle_seconds is not None:
        if busy or now_ms - last_activity_ms < idle_seconds * 1000:
            return None
        return ReapAction("suspend" if on_idle == "suspend" else "shutdown", "idle")
    limit = DEFAULT_KEEP_ALIVE_SECONDS if keep_alive_seconds is None else keep_alive_seconds
    if now_ms - keep_alive_since_ms >= limit * 1000:
        return ReapAction("shutdown", "keep_alive_timeout")
    return None


def reap_due_ms(
    *,
    status: str,
    now_ms: int,
    keep_alive_since_ms: int,
    keep_alive_seconds: int | None,
    idle_seconds: int | None,
    last_activity_ms: int,
    busy: bool,
) -> int | None:
    """When :func:`reap_action` may next have something to do for a devbox, so the reaper looks at
    it then and not before.

    Activity and keep-alives only ever move that time later (a devbox looked at early is looked
    at again at its new time), so a devbox that is not due costs the reaper nothing.

    Returns:
        Unix milliseconds (``now_ms`` while an execution runs on a devbox with ``after_idle``: its
        idle timer starts when the execution ends), or None for a devbox that is not running
        (timers apply again once it runs).
    """
    if status != "running":
        return None
    if idle_seconds is not None:
        return now_ms if busy else last_activity_ms + idle_seconds * 1000
    limit = DEFAULT_KEEP_ALIVE_SECONDS if keep_alive_seconds is None else keep_alive_seconds
    return keep_alive_since_ms + limit * 1000


def active_seconds(transitions: list[dict[str, Any]], now_ms: int) -> int:
    """Seconds spent running, from the state transitions (the last one lasting until ``now_ms``)."""
    total = 0
    for i, entry in enumerate(transitions):
        if entry.get("status") != "running":
            continue
        start = int(entry["transition_time_ms"])
        end = int(transitions[i + 1]["transition_time_ms"]) if i + 1 < len(transitions) else now_ms
        total += max(0, end - start)
    return total // 1000
