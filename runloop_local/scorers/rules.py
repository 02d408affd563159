"""Pure checks of custom scorers: type names and scripts."""

from __future__ import annotations

import re

from ..http.errors import bad_request

__all__ = ["MAX_SCRIPT_CHARS", "check_script", "check_type"]

MAX_SCRIPT_CHARS = 1024 * 1024
_TYPE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\Z")


def check_type(type: str) -> str:
    """A valid custom scorer type name (1 to 128 letters, digits, ``_``, ``.``, ``-``).

    Raises:
        ApiError: 400 naming the field.
    """
    if not _TYPE.match(type):
        raise bad_request(
            f"invalid field `type` {type!r}: use 1 to 128 letters, digits, '_', '.' or '-', "
            "starting with a letter, digit or '_'"
        )
    return type


def check_script(script: str) -> str:
    """A runnable bash script: not blank, no NUL, at most 1 Mi characters.

    Raises:
        ApiError: 400 naming the field.
    """
    if not script.strip():
        raise bad_request("invalid field `bash_script`: it is empty; give a script that prints a score")
    if "\0" in script:
        raise bad_request("invalid field `bash_script`: it contains a NUL character")
    if len(script) > MAX_SCRIPT_CHARS:
        raise bad_request(f"invalid field `bash_script`: it is longer than {MAX_SCRIPT_CHARS} characters")
    return script
