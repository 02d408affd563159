"""Pure shaping of the evaluation objects' request parameters: agent sources, mounts, run profiles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["agent_mount", "agent_source", "ids_of", "one_of", "run_profile"]


def agent_source(kind: str, config: Mapping[str, Any], agent_setup: Sequence[str] | None) -> dict[str, Any]:
    """An ``AgentSource`` of one kind (``npm``, ``pip``, ``git``, ``object``); None values are left out."""
    body = {key: value for key, value in config.items() if value is not None}
    if agent_setup is not None:
        body["agent_setup"] = list(agent_setup)
    return {"type": kind, kind: body}


def one_of(ours: str, ours_value: Any, short: str, short_value: Any) -> Any:
    """The value of an argument given in its long form or its shorthand.

    Raises:
        TypeError: When both or neither were given.
    """
    if (ours_value is None) == (short_value is None):
        raise TypeError(f"give {ours}= or {short}=, exactly one")
    return ours_value if ours_value is not None else short_value


def ids_of(items: Iterable[Any]) -> list[str]:
    """The ids of items given as objects (anything with ``.id``) or as id strings."""
    return [item if isinstance(item, str) else str(item.id) for item in items]


def agent_mount(
    agent_id: str, agent_path: str | None = None, *, auth_token: str | None = None
) -> dict[str, Any]:
    """The ``agent_mount`` entry of a devbox's or run profile's ``mounts`` for one agent.

    Args:
        agent_id: The agent.
        agent_path: Where its package goes in the devbox (server default when None).
        auth_token: A token for a private repository, if the agent's source needs one.
    """
    mount: dict[str, Any] = {"type": "agent_mount", "agent_id": agent_id, "agent_name": None}
    if agent_path is not None:
        mount["agent_path"] = agent_path
    if auth_token is not None:
        mount["auth_token"] = auth_token
    return mount


def run_profile(
    profile: Mapping[str, Any] | None, mounts: Sequence[Mapping[str, Any]] | None
) -> Mapping[str, Any] | None:
    """A run's ``runProfile`` with ``mounts`` appended to those it already has.

    Args:
        profile: The run profile given, or None.
        mounts: Further mounts (e.g. ``agent.mount(...)``), or None.

    Returns:
        ``profile`` unchanged when there are no further mounts, else a new mapping.
    """
    if not mounts:
        return profile
    merged = dict(profile or {})
    merged["mounts"] = [*(merged.get("mounts") or []), *(dict(mount) for mount in mounts)]
    return merged
