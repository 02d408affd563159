"""Pure decisions about blueprints: requests, previews, chain keys, and ``.dockerignore``."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import asdict

from runloop_api.types import BlueprintBuildParameters

from ..http.errors import ApiError, bad_request
from .plan import Step

__all__ = [
    "UNSUPPORTED_FIELDS",
    "check_build_request",
    "chain_key",
    "ignored",
    "ignore_patterns",
    "preview",
]

UNSUPPORTED_FIELDS = ("code_mounts", "secrets", "services", "network_policy_id")
"""Build parameters the local engine cannot honour (501 naming them)."""
MAX_NAME = 256


def check_build_request(params: BlueprintBuildParameters) -> None:
    """Checks a create or preview request beyond its types.

    Raises:
        ApiError: 400 for a bad field, 501 for a field the local engine cannot honour.
    """
    if not params.name or not params.name.strip() or len(params.name) > MAX_NAME:
        raise bad_request(f"invalid field `name`: give 1 to {MAX_NAME} characters")
    for name in UNSUPPORTED_FIELDS:
        if getattr(params, name, None):
            raise ApiError(501, f"`{name}` on blueprints is not supported by the local engine yet")
    if params.base_blueprint_id and params.base_blueprint_name:
        raise bad_request("give `base_blueprint_id` or `base_blueprint_name`, not both")
    for command in params.system_setup_commands or []:
        if "\0" in command:
            raise bad_request("invalid field `system_setup_commands`: a command contains a NUL character")
    if params.dockerfile is not None and "\0" in params.dockerfile:
        raise bad_request("invalid field `dockerfile`: it contains a NUL character")


def preview(params: BlueprintBuildParameters, base_name: str) -> str:
    """The Dockerfile a build runs: the given one (or ``FROM base``) and a RUN per setup command."""
    lines = [params.dockerfile.rstrip("\n")] if params.dockerfile else [f"FROM {base_name}"]
    lines += [f"RUN {command}" for command in params.system_setup_commands or []]
    return "\n".join(lines) + "\n"


def chain_key(parent: str, step: Step, content: str = "") -> str:
    """The cache key of a step: its parent's key, the step with the state it runs in, and the
    digest of the files it copies (``content``); equal keys make equal layers."""
    fields = {name: value for name, value in asdict(step).items() if name != "line"}  # comments move lines
    data = json.dumps([parent, type(step).__name__, fields, content], sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


def ignore_patterns(text: str) -> list[tuple[bool, re.Pattern[str]]]:
    """The patterns of a ``.dockerignore`` as (exception, regex), in order (the last match wins)."""
    found = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        pattern = line[1:].strip() if exception else line
        pattern = "/".join(part for part in pattern.split("/") if part not in ("", "."))
        if pattern:
            found.append((exception, re.compile(_translate(pattern))))
    return found


def ignored(path: str, patterns: Sequence[tuple[bool, re.Pattern[str]]]) -> bool:
    """Whether a context path (relative, ``/``-separated) is left out; a folder left out takes its
    contents with it, as ``docker build`` does."""
    parts = path.split("/")
    result = False
    for exception, regex in patterns:
        if any(regex.fullmatch("/".join(parts[:n])) for n in range(1, len(parts) + 1)):
            result = not exception
    return result


def _translate(pattern: str) -> str:
    """A ``.dockerignore`` pattern (Go ``filepath.Match`` with ``**``) as a regex of the whole path."""
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):
                i += 1
                out.append("(?:.*/)?")
            else:
                out.append(".*")
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                out.append("[" + ("^" + body[1:] if body.startswith("^") else body) + "]")
                i = end
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)
