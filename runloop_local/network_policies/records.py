"""Network policy records: a name, a description and egress rules, as the spec's view has them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runloop_api.types import EgressRulesView, NetworkPolicyView

from ..db.json_record import JsonRecord
from ..db.record_table import RecordTable
from ..network.rules import CidrRule, Egress, PortRange

__all__ = ["EGRESS_FLAGS", "NetworkPolicyRecord", "NetworkPolicyStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS network_policies (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL
);
"""

EGRESS_FLAGS = (
    "allow_all",
    "allow_agent_gateway",
    "allow_devbox_to_devbox",
    "allow_mcp_gateway",
    "allow_runloop_mirrors",
)


@dataclass
class NetworkPolicyRecord(JsonRecord):
    """A network policy."""

    id: str
    name: str
    create_time_ms: int
    update_time_ms: int
    description: str | None = None
    allow_all: bool = False
    allow_agent_gateway: bool = False
    allow_devbox_to_devbox: bool = False
    allow_mcp_gateway: bool = False
    allow_runloop_mirrors: bool = False
    allowed_cidrs: list[dict[str, Any]] = field(default_factory=list)
    """As the spec's AllowedCidr (``cidr``, ``ports``: ``port``, ``end_port``, ``protocol``)."""
    allowed_hostnames: list[str] = field(default_factory=list)

    def view(self) -> NetworkPolicyView:
        """The spec's NetworkPolicyView."""
        egress = EgressRulesView.model_validate(
            {
                **{flag: getattr(self, flag) for flag in EGRESS_FLAGS},
                "allowed_cidrs": self.allowed_cidrs,
                "allowed_hostnames": self.allowed_hostnames,
            }
        )
        return NetworkPolicyView(
            id=self.id,
            name=self.name,
            description=self.description,
            create_time_ms=self.create_time_ms,
            update_time_ms=self.update_time_ms,
            egress=egress,
        )

    def egress(self) -> Egress:
        """What the policy lets a devbox reach, for the network floor to enforce."""
        cidrs = tuple(
            CidrRule(
                cidr=c["cidr"],
                ports=tuple(
                    PortRange(p["port"], p.get("end_port"), p.get("protocol")) for p in c.get("ports") or []
                ),
            )
            for c in self.allowed_cidrs
        )
        return Egress(
            allow_all=self.allow_all, cidrs=cidrs, hostnames=tuple(self.allowed_hostnames), policy_id=self.id
        )


class NetworkPolicyStore(RecordTable[NetworkPolicyRecord]):
    """The ``network_policies`` table of the engine's database."""

    table = "network_policies"
    record = NetworkPolicyRecord
    schema = _SCHEMA

    def columns(self, rec: NetworkPolicyRecord) -> dict[str, Any]:
        """The name, unique."""
        return {"name": rec.name}

    def by_name(self, name: str) -> NetworkPolicyRecord | None:
        """The policy of this name, or None."""
        found = self.where("name = ?", (name,))
        return found[0] if found else None

    def page(
        self, *, id: str | None, name: str | None, search: str | None, limit: int, starting_after: str | None
    ) -> tuple[list[NetworkPolicyRecord], bool, int]:
        """One page of policies, newest first (``name`` and ``search``: parts of the name; ``search``
        also matches an id exactly)."""
        clauses: list[str] = []
        args: list[Any] = []
        if id is not None:
            clauses.append("id = ?")
            args.append(id)
        if name is not None:
            clauses.append("instr(lower(name), lower(?)) > 0")
            args.append(name)
        if search is not None:
            clauses.append("(id = ? OR instr(lower(name), lower(?)) > 0)")
            args += [search, search]
        return self.select_page(clauses, args, limit=limit, starting_after=starting_after)

    def remove(self, id: str) -> None:
        """Forgets a policy."""
        with self._lock:
            self._db.execute("DELETE FROM network_policies WHERE id = ?", (id,))
