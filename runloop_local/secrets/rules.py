"""Pure checks of secrets: names, values, and a devbox's ``secrets`` map."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..http.errors import bad_request

__all__ = ["MAX_VALUE_BYTES", "check_env_map", "check_name", "check_value"]

MAX_VALUE_BYTES = 64 * 1024
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,255}\Z")
_ENV = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def check_name(name: str, field: str = "name") -> str:
    """A valid secret name (1 to 256 letters, digits, ``_``, ``.``, ``-``; no ``.`` or ``-`` first).

    Raises:
        ApiError: 400 naming the field.
    """
    if not _NAME.match(name):
        raise bad_request(
            f"invalid field `{field}` {name!r}: use 1 to 256 letters, digits, '_', '.' or '-', "
            "starting with a letter, digit or '_'"
        )
    return name


def check_value(value: str) -> str:
    """A storable secret value (no NUL: it becomes an environment variable; at most 64 KiB).

    Raises:
        ApiError: 400 naming the field.
    """
    if "\0" in value:
        raise bad_request(
            "invalid field `value`: it contains a NUL character, which no environment variable can hold"
        )
    if len(value.encode()) > MAX_VALUE_BYTES:
        raise bad_request(f"invalid field `value`: it is longer than {MAX_VALUE_BYTES} bytes")
    return value


def check_env_map(secrets: Mapping[str, str]) -> None:
    """Checks a devbox's ``secrets`` (environment variable name -> secret name).

    Raises:
        ApiError: 400 naming the bad entry.
    """
    for env, name in secrets.items():
        if not _ENV.match(env):
            raise bad_request(f"invalid field `secrets`: {env!r} is not a valid environment variable name")
        check_name(name, f"secrets.{env}")
