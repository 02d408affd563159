"""Network policies: records in the engine's database, read by the devbox service at each start."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from runloop_api.types import NetworkPolicyCreateParameters, NetworkPolicyUpdateParameters

from ..db.clock import now_ms
from ..db.ids import new_id
from ..http.errors import ApiError, bad_request
from ..network.rules import Egress, HostCapabilities, missing_for
from .records import EGRESS_FLAGS, NetworkPolicyRecord, NetworkPolicyStore
from .rules import check_cidrs, check_hostnames, check_name

__all__ = ["NetworkPolicyService"]


class NetworkPolicyService:
    """The network policies of one data dir.

    Args:
        data_dir: The engine's data dir.
        capabilities: What this machine lets the engine enforce.
    """

    def __init__(self, data_dir: Path, capabilities: HostCapabilities) -> None:
        self._path = data_dir / "engine.sqlite3"
        self._store: NetworkPolicyStore | None = None
        self.capabilities = capabilities
        self._referrers: list[Callable[[], set[str]]] = []

    @property
    def store(self) -> NetworkPolicyStore:
        """The records (opened on first use)."""
        if self._store is None:
            self._store = NetworkPolicyStore(self._path)
        return self._store

    def close(self) -> None:
        """Closes the records."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def add_referrer(self, in_use: Callable[[], set[str]]) -> None:
        """Registers a source of policy ids in use (by devboxes not ended): those cannot be deleted."""
        self._referrers.append(in_use)

    def create(self, params: NetworkPolicyCreateParameters) -> NetworkPolicyRecord:
        """Stores a new policy.

        Raises:
            ApiError: 400 for a bad field or a name in use.
        """
        self._check_free_name(check_name(params.name))
        now = now_ms()
        rec = NetworkPolicyRecord(id=new_id("npo"), name=params.name, create_time_ms=now, update_time_ms=now)
        self._apply(rec, params.model_dump(exclude_none=True, exclude={"name"}))
        self.store.put(rec)
        return rec

    def get(self, id: str) -> NetworkPolicyRecord:
        """A policy by id.

        Raises:
            ApiError: 404 unknown.
        """
        rec = self.store.get(id)
        if rec is None:
            raise ApiError(404, f"network policy {id!r} not found")
        return rec

    def update(self, id: str, params: NetworkPolicyUpdateParameters) -> NetworkPolicyRecord:
        """Changes the fields given (devboxes get the new rules when they next start).

        Raises:
            ApiError: 404 unknown; 400 for a bad field or a name in use.
        """
        rec = self.get(id)
        if params.name is not None and params.name != rec.name:
            self._check_free_name(check_name(params.name))
            rec.name = params.name
        self._apply(rec, params.model_dump(exclude_none=True, exclude={"name"}))
        rec.update_time_ms = now_ms()
        self.store.put(rec)
        return rec

    def delete(self, id: str) -> NetworkPolicyRecord:
        """Deletes a policy no devbox uses.

        Raises:
            ApiError: 404 unknown; 400 in use by a devbox that has not ended.
        """
        rec = self.get(id)
        if any(id in in_use() for in_use in self._referrers):
            raise bad_request(
                f"network policy {id} is in use by devboxes that have not ended: shut them down first"
            )
        self.store.remove(id)
        return rec

    def page(
        self, *, id: str | None, name: str | None, search: str | None, limit: int, starting_after: str | None
    ) -> tuple[list[NetworkPolicyRecord], bool, int]:
        """One page of policies, newest first."""
        return self.store.page(id=id, name=name, search=search, limit=limit, starting_after=starting_after)

    def check_usable(self, id: str, field: str) -> Egress:
        """The egress of a policy a devbox (or build) asks for, checked before anything is recorded.

        Raises:
            ApiError: 400 no such policy; 501 this machine cannot enforce it (naming what is missing).
        """
        rec = self.store.get(id)
        if rec is None:
            raise bad_request(f"invalid field `{field}`: no network policy {id!r}: create it first")
        egress = rec.egress()
        missing = missing_for(egress, self.capabilities)
        if missing:
            raise ApiError(
                501, f"`{field}`: network policy {id} cannot be enforced on this machine: {missing}"
            )
        return egress

    def egress_of(self, id: str) -> Egress:
        """The current rules of a policy, read at each devbox start.

        Raises:
            KeyError: It was deleted (the message names it).
        """
        rec = self.store.get(id)
        if rec is None:
            raise KeyError(f"the network policy {id!r} was deleted")
        return rec.egress()

    def _check_free_name(self, name: str) -> None:
        if self.store.by_name(name) is not None:
            raise bad_request(f"invalid field `name`: a network policy named {name!r} exists")

    @staticmethod
    def _apply(rec: NetworkPolicyRecord, fields: dict[str, Any]) -> None:
        for flag in EGRESS_FLAGS:
            if flag in fields:
                setattr(rec, flag, bool(fields[flag]))
        if "description" in fields:
            rec.description = fields["description"]
        if "allowed_cidrs" in fields:
            rec.allowed_cidrs = check_cidrs(fields["allowed_cidrs"])
        if "allowed_hostnames" in fields:
            rec.allowed_hostnames = check_hostnames(fields["allowed_hostnames"])
