"""Checks of createDevbox parameters beyond their types. Pure: raises before anything is recorded."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from runloop_api.types import DevboxCreateParameters, LaunchParameters

from ..agents.rules import check_agent_mount
from ..files.rules import devbox_path
from ..http.errors import ApiError, bad_request
from .sizes import check_size

__all__ = [
    "MAX_KEEP_ALIVE_SECONDS",
    "MOUNT_TYPES",
    "UNSUPPORTED_CREATE_FIELDS",
    "check_create_params",
    "check_launch_parameters",
    "check_mounts",
]

UNSUPPORTED_CREATE_FIELDS = (
    "blueprint_id",
    "blueprint_name",
    "snapshot_id",
    "code_mounts",
    "gateways",
    "mcp",
)
"""createDevbox fields the local engine does not implement (501 when given).

``snapshot_id``, ``blueprint_id`` and ``blueprint_name`` are served by the snapshot and blueprint
services' ``create_devbox``, which take them out of the request before the devbox service sees it;
here they guard direct callers of the service.
"""

_INT32_MAX = 2**31 - 1
MAX_KEEP_ALIVE_SECONDS = 48 * 3600
"""The spec's maximum ``keep_alive_time_seconds`` (48 hours)."""

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_USERNAME = re.compile(r"[a-z_][a-z0-9_-]{0,31}\Z")


def check_create_params(params: DevboxCreateParameters, unsupported: Iterable[str]) -> None:
    """Raises for a createDevbox request the engine must refuse.

    Args:
        params: The parsed request body.
        unsupported: Field names the local engine does not implement.

    Raises:
        ApiError: 501 naming an unsupported field that was given; 400 naming an invalid field.
    """
    for name in unsupported:
        value = getattr(params, name, None)
        if value not in (None, [], {}):
            raise ApiError(
                501, f"createDevbox: `{name}` is not supported by the local engine yet; leave it out"
            )
    if params.entrypoint is not None and not params.entrypoint.strip():
        raise bad_request("invalid field `entrypoint`: it is empty")
    for key, value in (params.environment_variables or {}).items():
        if not _ENV_NAME.match(key):
            raise bad_request(f"invalid field `environment_variables.{key}`: not a valid variable name")
        if "\0" in value:
            raise bad_request(f"invalid field `environment_variables.{key}`: the value contains a NUL byte")
    for target in params.file_mounts or {}:
        devbox_path(target, field=f"file_mounts.{target}")
    check_mounts([m.model_dump(mode="json") for m in params.mounts or []])
    if params.launch_parameters is not None:
        check_launch_parameters(params.launch_parameters)


def check_launch_parameters(lp: LaunchParameters, field: str = "launch_parameters") -> None:
    """Raises 400 naming the first field of ``lp`` the engine cannot honour (devbox creates,
    blueprint builds and scenario environments carry the same launch parameters).

    Args:
        lp: The launch parameters.
        field: Where they are in the request, for the messages.
    """
    keep = lp.keep_alive_time_seconds
    if keep is not None and not 0 < keep <= MAX_KEEP_ALIVE_SECONDS:
        raise bad_request(
            f"invalid field `{field}.keep_alive_time_seconds` {keep}: "
            f"expected 1 to {MAX_KEEP_ALIVE_SECONDS} seconds"
        )
    for where, idle in (
        (f"{field}.after_idle", lp.after_idle),
        (f"{field}.lifecycle.after_idle", lp.lifecycle.after_idle if lp.lifecycle else None),
    ):
        if idle is not None and idle.on_idle not in ("shutdown", "suspend"):
            raise bad_request(
                f"invalid field `{where}.on_idle` {idle.on_idle!r}: expected shutdown or suspend"
            )
        if idle is not None and not 0 < idle.idle_time_seconds <= _INT32_MAX:
            raise bad_request(f"invalid field `{where}.idle_time_seconds`: expected 1 to {_INT32_MAX}")
    user = lp.user_parameters
    if user is not None:
        if not _USERNAME.match(user.username):
            raise bad_request(
                f"invalid field `{field}.user_parameters.username` {user.username!r}: "
                "expected a Linux user name (lowercase letters, digits, _ and -)"
            )
        if not 0 <= user.uid <= 65535:
            raise bad_request(f"invalid field `{field}.user_parameters.uid` {user.uid}: expected 0 to 65535")
    for i, command in enumerate(lp.launch_commands or []):
        if "\0" in command:
            raise bad_request(f"invalid field `{field}.launch_commands.{i}`: contains a NUL byte")
    check_size(lp.model_dump(mode="json", exclude_none=True), field)


MOUNT_TYPES = ("file_mount", "object_mount", "code_mount", "agent_mount")
"""Mount types the local engine serves (``broker_mount`` answers 501)."""
_REPO_PART = re.compile(r"[A-Za-z0-9_.-]{1,100}\Z")


def check_mounts(mounts: list[dict[str, Any]]) -> None:
    """Checks a create's ``mounts`` before anything is recorded.

    Raises:
        ApiError: 400 naming the bad mount and field; 501 for a type the engine does not serve.
    """
    for n, mount in enumerate(mounts):
        kind, where = mount.get("type"), f"mounts[{n}]"
        if kind not in MOUNT_TYPES:
            raise ApiError(501, f"`{where}`: {kind} mounts are not supported by the local engine yet")
        if kind == "file_mount":
            devbox_path(str(mount.get("target", "")), field=f"{where}.target")
        elif kind == "agent_mount":
            check_agent_mount(mount, where)
        elif kind == "object_mount":
            devbox_path(str(mount.get("object_path", "")), field=f"{where}.object_path")
            if not str(mount.get("object_id", "")).startswith("obj_"):
                raise bad_request(f"invalid field `{where}.object_id`: give the id of a storage object")
        else:
            for field in ("repo_owner", "repo_name"):
                if not _REPO_PART.match(str(mount.get(field, ""))):
                    raise bad_request(
                        f"invalid field `{where}.{field}`: use letters, digits, '_', '.' or '-'"
                    )
            ref = mount.get("git_ref")
            if ref is not None and (not ref or ref.startswith("-") or any(c.isspace() for c in ref)):
                raise bad_request(f"invalid field `{where}.git_ref` {ref!r}: give a branch, tag or commit")
