"""Agents: records in the engine's database; agent mounts install them (see :mod:`.install`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from runloop_api.types import AgentCreateParameters

from ..db.clock import now_ms
from ..db.ids import new_id
from ..http.errors import ApiError, bad_request
from ..objects.service import ObjectService
from .records import AgentRecord, AgentStore
from .rules import agent_path_of, check_name, check_source

__all__ = ["AgentService"]


class AgentService:
    """The agents of one data dir.

    Args:
        data_dir: The engine's data dir.
        objects: The storage objects agents of source ``object`` come from.
    """

    def __init__(self, data_dir: Path, objects: ObjectService) -> None:
        self._path = data_dir / "engine.sqlite3"
        self._objects = objects
        self._store: AgentStore | None = None

    @property
    def store(self) -> AgentStore:
        """The records (opened on first use)."""
        if self._store is None:
            self._store = AgentStore(self._path)
        return self._store

    def close(self) -> None:
        """Closes the records."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def create(self, params: AgentCreateParameters) -> AgentRecord:
        """Registers an agent.

        Raises:
            ApiError: 400 for a bad name or source, or a storage object that is missing or not
                uploaded yet.
        """
        check_name(params.name)
        if params.version is not None and (not params.version.strip() or "\0" in params.version):
            raise bad_request("invalid field `version`: give a version, or leave it out")
        source = check_source(
            params.source.model_dump(mode="json", exclude_none=True) if params.source else None
        )
        if source is not None and source["type"] == "object":
            self._check_object(source["object"]["object_id"], "source.object.object_id")
        rec = AgentRecord(
            id=new_id("agt"), name=params.name, create_time_ms=now_ms(), version=params.version, source=source
        )
        self.store.put(rec)
        return rec

    def _check_object(self, object_id: str, field: str) -> None:
        try:
            obj = self._objects.get(object_id)
        except ApiError:
            raise bad_request(f"invalid field `{field}`: no storage object {object_id!r}") from None
        if obj.state != "READ_ONLY":
            raise bad_request(
                f"invalid field `{field}`: object {object_id} is {obj.state}: complete its upload first"
            )

    def get(self, id: str) -> AgentRecord:
        """An agent by id.

        Raises:
            ApiError: 404 unknown.
        """
        rec = self.store.get(id)
        if rec is None:
            raise ApiError(404, f"agent {id!r} not found")
        return rec

    def delete(self, id: str) -> AgentRecord:
        """Forgets an agent (devboxes that mounted it keep what they installed).

        Raises:
            ApiError: 404 unknown.
        """
        rec = self.get(id)
        self.store.remove(id)
        return rec

    def page(
        self,
        *,
        name: str | None,
        search: str | None,
        version: str | None,
        limit: int,
        starting_after: str | None,
    ) -> tuple[list[AgentRecord], bool, int]:
        """One page of agents, newest first (``name``: part of the name; ``search``: an id or part
        of the name; ``version``: exactly)."""
        clauses: list[str] = []
        args: list[Any] = []
        if name is not None:
            clauses.append("instr(lower(name), lower(?)) > 0")
            args.append(name)
        if search is not None:
            clauses.append("(id = ? OR instr(lower(name), lower(?)) > 0)")
            args += [search, search]
        if version is not None:
            clauses.append("json_extract(data, '$.version') = ?")
            args.append(version)
        return self.store.select_page(clauses, args, limit=limit, starting_after=starting_after)

    def resolve_mount(self, mount: Mapping[str, Any], where: str) -> dict[str, Any]:
        """An agent mount as a devbox keeps it: the agent looked up (by ``agent_id``, else the newest
        agent named ``agent_name``), its name, source and absolute ``agent_path`` recorded, so
        the devbox installs the same agent however often it boots and whatever becomes of it.

        Raises:
            ApiError: 404 an unknown agent (or its storage object deleted); 400 naming the field:
                an id and a name that disagree, a bad path, an object not uploaded.
        """
        agent_id, agent_name = mount.get("agent_id"), mount.get("agent_name")
        if agent_id:
            rec = self.store.get(str(agent_id))
            if rec is None:  # 404, as for a mount's unknown storage object
                raise ApiError(404, f"`{where}.agent_id`: agent {agent_id!r} not found")
            if agent_name and agent_name != rec.name:
                raise bad_request(
                    f"invalid field `{where}.agent_name`: agent {rec.id} is named {rec.name!r}, not {agent_name!r}"
                )
        else:
            found = self.store.newest_named(str(agent_name))
            if found is None:
                raise ApiError(404, f"`{where}.agent_name`: no agent named {agent_name!r} found")
            rec = found
        if rec.source is not None and rec.source["type"] == "object":
            obj = self._objects.get(rec.source["object"]["object_id"])  # 404 once deleted
            if obj.state != "READ_ONLY":
                raise bad_request(f"invalid field `{where}`: the agent's object {obj.id} is {obj.state}")
        resolved = {
            "type": "agent_mount",
            "agent_id": rec.id,
            "agent_name": rec.name,
            "agent_path": agent_path_of(mount.get("agent_path"), rec.name, field=f"{where}.agent_path"),
            "source": rec.source,
        }
        if mount.get("auth_token"):
            resolved["auth_token"] = mount["auth_token"]
        return resolved

    @staticmethod
    def devbox_counts(mounts_of_devboxes: Iterable[list[dict[str, Any]]]) -> dict[str, int]:
        """Devboxes by the name of each agent they mounted (a devbox counts once per agent name)."""
        counts: Counter[str] = Counter()
        for mounts in mounts_of_devboxes:
            counts.update({m["agent_name"] for m in mounts if m.get("type") == "agent_mount"})
        return dict(counts)
