"""Ids of engine records: a prefix and 22 random characters."""

from __future__ import annotations

import secrets
import string

__all__ = ["new_id"]

_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str) -> str:
    """A fresh random id such as ``dbx_3kTmH2...`` (22 random characters, about 131 bits)."""
    number = int.from_bytes(secrets.token_bytes(17), "big")  # 2**136: every digit (nearly) uniform
    digits = []
    for _ in range(22):
        number, digit = divmod(number, 62)
        digits.append(_ALPHABET[digit])
    return prefix + "_" + "".join(digits)
