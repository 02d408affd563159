"""Ids of engine records: a prefix and 22 random characters."""

from __future__ import annotations

import secrets
import string

__all__ = ["new_id"]

_ALPHABET = string.ascii_letters + string.digits


_DIGITS = bytes(range(256)).translate(None, bytes(range(248, 256)))
_TO_ALPHABET = bytes.maketrans(_DIGITS, (_ALPHABET * 4).encode())
"""Bytes 0..247 to the 62 characters, 4 bytes each (uniform); 248..255 are dropped."""
_DROP = bytes(range(248, 256))


def new_id(prefix: str) -> str:
    """A fresh random id such as ``dbx_3kTmH2...`` (22 random characters, about 131 bits)."""
    chars = b""
    while (
        len(chars) < 22
    ):  # 32 bytes hold 22 usable ones practically always (all but 1 in ~500 million draws)
        chars += secrets.token_bytes(32).translate(_TO_ALPHABET, _DROP)
    return prefix + "_" + chars[:22].decode()
