"""What an execution or a terminal needs of its agent session, as a protocol (no import circle)."""

from __future__ import annotations

from typing import Protocol

__all__ = ["AgentLink"]


class AgentLink(Protocol):
    """The frame pipe to a sandbox's agent."""

    @property
    def alive(self) -> bool:
        """False once the agent has gone (stopped or died)."""
        ...

    async def send(self, kind: int, exec_id: int, payload: bytes = b"") -> None:
        """Sends one frame to the agent, waiting while the pipe is full."""
        ...
