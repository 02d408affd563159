"""Checks of what the engine asks a sandbox for, before it reaches bubblewrap or the agent."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .contract import SandboxError, SandboxSpec

__all__ = ["check_spec", "env_fields", "text_field"]

_USERNAME = re.compile(r"[a-z_][a-z0-9_-]{0,31}")
_MAX_ID = 2**32 - 2


def text_field(value: str, what: str) -> str:
    """Checks a string that is sent to the agent as one NUL-separated field.

    Args:
        value: The string.
        what: What it is, for the error message.

    Returns:
        The string.

    Raises:
        SandboxError: It contains a NUL character.
    """
    if "\0" in value:
        raise SandboxError(f"{what} cannot contain NUL characters")
    return value


def env_fields(env: Mapping[str, str] | None) -> list[str]:
    """Turns environment variables into ``KEY=VALUE`` fields.

    Args:
        env: The variables (None: none).

    Returns:
        The fields.

    Raises:
        SandboxError: A name is empty or contains ``=``, or a name or value contains NUL.
    """
    fields: list[str] = []
    for key, value in (env or {}).items():
        if not key or "=" in key:
            raise SandboxError(f"environment variable names cannot be empty or contain '=': {key!r}")
        fields.append(text_field(f"{key}={value}", f"environment variable {key!r}"))
    return fields


def check_spec(spec: SandboxSpec) -> None:
    """Checks a sandbox spec.

    Args:
        spec: The spec.

    Raises:
        SandboxError: A field is not usable (the message names it).
    """
    if not _USERNAME.fullmatch(spec.username):
        raise SandboxError(
            f"username {spec.username!r} is not a valid user name: use lowercase letters, digits, "
            "'_' and '-', starting with a letter or '_', at most 32 characters"
        )
    if not 0 <= spec.uid <= _MAX_ID:
        raise SandboxError(f"uid {spec.uid} is out of range (0 to {_MAX_ID})")
    hostname = spec.hostname or spec.devbox_id
    if not hostname or any(c.isspace() or not c.isprintable() or c == "/" for c in hostname):
        raise SandboxError(
            f"hostname {hostname!r} cannot be empty or contain spaces, '/' or control characters"
        )
    env_fields(spec.env)
