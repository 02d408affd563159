# Generated from runloop_sdk/_async/agent.py by scripts/unasync.py. Do not edit.
"""``Agent``: a registered agent package (npm, pip, git or a storage object) to mount in devboxes."""

from __future__ import annotations

from typing import Any

from typing_extensions import Unpack

from runloop_api.types import AgentView

from .._base.eval_params import agent_mount
from .._base.options import MutationOptions, RequestOptions
from ._context import ClientContext

__all__ = ["Agent"]


class Agent:
    """An agent: a package the server installs into a devbox at a path when it is mounted.

    Example:
        >>> agent = sdk.agent.create_from_object(name="solver", object_id=obj.id)
        >>> devbox = sdk.devbox.create(mounts=[agent.mount("/home/user/agent")])
    """

    def __init__(self, ctx: ClientContext, agent_id: str) -> None:
        self._ctx = ctx
        self._id = agent_id

    def __repr__(self) -> str:
        return f"Agent(id={self._id!r})"

    @property
    def id(self) -> str:
        """The agent's id."""
        return self._id

    def get_info(self, **options: Unpack[RequestOptions]) -> AgentView:
        """Reads the agent's view (name, version, source) from the server."""
        return self._ctx.api.agents.retrieve(self._id, **options)

    def delete(self, **options: Unpack[MutationOptions]) -> None:
        """Deletes the agent (devboxes that already mounted it keep their copy)."""
        self._ctx.api.agents.delete(self._id, **options)

    def mount(self, agent_path: str | None = None, *, auth_token: str | None = None) -> dict[str, Any]:
        """This agent as an entry of ``mounts`` (``sdk.devbox.create(mounts=...)``, a run profile).

        Args:
            agent_path: Where the agent goes in the devbox (the server's default when None).
            auth_token: A token for a private repository, if the agent's source needs one.
        """
        return agent_mount(self._id, agent_path, auth_token=auth_token)
