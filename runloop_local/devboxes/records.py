"""Devbox records (stored as JSON), and the API view built from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runloop_api.types import DevboxView

from ..db.json_record import JsonRecord

__all__ = ["DevboxRecord"]


@dataclass
class DevboxRecord(JsonRecord):
    """Everything kept about one devbox (stored as JSON)."""

    id: str
    create_time_ms: int
    status: str = "provisioning"
    name: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    launch_parameters: dict[str, Any] = field(default_factory=dict)
    entrypoint: str | None = None
    environment_variables: dict[str, str] = field(default_factory=dict)
    file_mounts: dict[str, str] = field(default_factory=dict)
    state_transitions: list[dict[str, Any]] = field(default_factory=list)
    end_time_ms: int | None = None
    failure_reason: str | None = None
    shutdown_reason: str | None = None
    keep_alive_since_ms: int = 0
    entrypoint_execution_id: str | None = None
    rootfs: bool = False
    """Whether its ``/`` is a writable root (overlay); False: the host read-only, a private home."""
    layers: list[str] = field(default_factory=list)
    """The image layers its root stands on, top first (with ``rootfs``)."""
    blueprint_id: str | None = None
    image_env: dict[str, str] = field(default_factory=dict)
    """The environment of its image (a blueprint's ENV), under ``environment_variables``."""
    workdir: str | None = None
    """Where its commands start (a blueprint's WORKDIR); None: ``/home/user``."""
    host_base: bool = True
    """Its layers stand on the host system (False: on a Debian base layer, or on nothing)."""
    mounts: list[dict[str, Any]] = field(default_factory=list)
    """Its ``mounts`` (file, object and code mounts), made when it first boots."""
    secrets: dict[str, str] = field(default_factory=dict)
    """Environment variable -> secret name; the values are looked up at each start, never stored here."""
    tunnel: dict[str, Any] | None = None
    """Its tunnel's view (TunnelView, with ``port_urls``), or None (see ``runloop_local.tunnels``)."""

    def view(self) -> DevboxView:
        """The spec's DevboxView of this devbox."""
        return DevboxView.model_validate(
            {
                "id": self.id,
                "name": self.name,
                "status": self.status,
                "capabilities": [],
                "create_time_ms": self.create_time_ms,
                "end_time_ms": self.end_time_ms,
                "launch_parameters": self.launch_parameters,
                "metadata": self.metadata,
                "state_transitions": self.state_transitions,
                "failure_reason": self.failure_reason,
                "shutdown_reason": self.shutdown_reason,
                "initiator_type": "api",
                "blueprint_id": self.blueprint_id,
                "snapshot_id": None,
                "tunnel": self.tunnel,
            }
        )
