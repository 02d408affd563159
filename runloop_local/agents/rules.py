"""Pure rules of agents: create checks, and where an agent mount puts its agent."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..files.rules import devbox_path
from ..http.errors import bad_request

__all__ = [
    "AGENTS_FOLDER",
    "SOURCE_TYPES",
    "agent_path_of",
    "check_agent_mount",
    "check_name",
    "check_source",
]

SOURCE_TYPES = ("npm", "pip", "object", "git")
AGENTS_FOLDER = "/home/user/agents"
"""Where an agent mount without ``agent_path`` puts its agent: ``{AGENTS_FOLDER}/{agent name}``."""

_REQUIRED = {"npm": "package_name", "pip": "package_name", "object": "object_id", "git": "repository"}
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def check_name(name: str, field: str = "name") -> str:
    """An agent name: 1 to 256 characters, not blank, no NUL or newline.

    Raises:
        ApiError: 400 naming the field.
    """
    if not name.strip() or len(name) > 256 or any(c in name for c in "\0\n\r"):
        raise bad_request(f"invalid field `{field}` {name[:300]!r}: give 1 to 256 characters, on one line")
    return name


def check_source(source: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Checks an AgentSource (JSON): its ``type`` and the settings of that type.

    Returns:
        The source without settings of other types and without nulls (what is stored).

    Raises:
        ApiError: 400 naming the field.
    """
    if source is None:
        return None
    kind = source.get("type")
    if kind not in SOURCE_TYPES:
        raise bad_request(f"invalid field `source.type` {kind!r}: expected one of {', '.join(SOURCE_TYPES)}")
    settings = source.get(str(kind))
    if not isinstance(settings, Mapping):
        raise bad_request(f"invalid field `source.{kind}`: a {kind} source needs its settings there")
    required = _REQUIRED[str(kind)]
    value = settings.get(required)
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        raise bad_request(f"invalid field `source.{kind}.{required}`: give it")
    if kind == "object" and not value.startswith("obj_"):
        raise bad_request(
            f"invalid field `source.object.object_id` {value!r}: give the id of a storage object"
        )
    if kind in ("npm", "pip") and value.startswith("-"):
        raise bad_request(f"invalid field `source.{kind}.package_name` {value!r}: not an option")
    if kind == "git" and value.startswith("-"):
        raise bad_request(f"invalid field `source.git.repository` {value!r}: give a URL or a path")
    ref = settings.get("ref")
    if ref is not None and (not ref or ref.startswith("-") or any(c.isspace() for c in ref)):
        raise bad_request(f"invalid field `source.git.ref` {ref!r}: give a branch, tag or commit")
    for n, command in enumerate(settings.get("agent_setup") or []):
        if not isinstance(command, str) or "\0" in command:
            raise bad_request(f"invalid field `source.{kind}.agent_setup[{n}]`: a command without NUL")
    kept = {k: v for k, v in settings.items() if v is not None}
    return {"type": kind, str(kind): kept}


def agent_path_of(agent_path: str | None, agent_name: str, field: str = "agent_path") -> str:
    """The absolute devbox path an agent mount installs to (``agent_path``, or the default).

    Raises:
        ApiError: 400 for a path outside ``/home/user`` and ``/tmp``, or one of those folders itself.
    """
    if agent_path is None:
        return f"{AGENTS_FOLDER}/{_UNSAFE.sub('_', agent_name)}"
    folder, rel = devbox_path(agent_path, field=field)
    if not rel:
        raise bad_request(f"invalid field `{field}` {agent_path!r}: give a folder under /home/user or /tmp")
    return f"/home/user/{rel}" if folder == "home" else f"/tmp/{rel}"


def check_agent_mount(mount: Mapping[str, Any], where: str) -> None:
    """Checks an AgentMount's own fields (the agent it names is looked up by the service).

    Raises:
        ApiError: 400 naming the field.
    """
    if not mount.get("agent_id") and not mount.get("agent_name"):
        raise bad_request(f"invalid field `{where}`: give `agent_id` or `agent_name`")
    if mount.get("agent_path") is not None:
        agent_path_of(str(mount["agent_path"]), "", field=f"{where}.agent_path")
