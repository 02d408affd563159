"""Which HTTP a new cleartext connection speaks, from its first bytes (pure, no I/O).

The engine serves HTTP/1.1 and HTTP/2 on one port (see :mod:`.server`). A cleartext
connection says which it speaks in its first bytes: HTTP/2 with prior knowledge opens with the
24-byte connection preface (RFC 9113 section 3.4); an HTTP/1.1 connection opens with a request
head, whose ``Upgrade: h2c`` asks to switch to HTTP/2 (RFC 7540 section 3.2).
"""

from __future__ import annotations

from typing import Literal

__all__ = ["HEAD_LIMIT", "HTTP2_PREFACE", "Speech", "classify"]

HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

HEAD_LIMIT = 64 * 1024
"""Bytes read at most before deciding: a longer first head goes to HTTP/1.1 (which answers it)."""

Speech = Literal["http/1.1", "h2", "h2c-upgrade"]
"""``http/1.1``; ``h2`` (the preface: HTTP/2 from the first byte); ``h2c-upgrade`` (HTTP/1.1
whose first request asks to switch to HTTP/2)."""


def classify(first: bytes) -> Speech | None:
    """What a connection whose first bytes are ``first`` speaks; None until that is known.

    An upgrade counts only where the server that takes it switches: ``Upgrade: h2c`` on a
    request without a body (Hypercorn answers an upgrade with a body in HTTP/1.1, and so may any
    server, RFC 9110 section 7.8). Any other first request is HTTP/1.1, websocket upgrades too.
    """
    if len(first) < len(HTTP2_PREFACE) and HTTP2_PREFACE.startswith(first):
        return None
    if first.startswith(HTTP2_PREFACE):
        return "h2"
    end = first.find(b"\r\n\r\n")
    if end < 0:
        return None if len(first) < HEAD_LIMIT else "http/1.1"
    return "h2c-upgrade" if _asks_h2c(first[:end]) else "http/1.1"


def _asks_h2c(head: bytes) -> bool:
    upgrade = b""
    has_body = False
    for line in head.split(b"\r\n")[1:]:
        name, sep, value = line.partition(b":")
        if not sep:
            continue
        name = name.strip().lower()
        if name == b"upgrade":
            upgrade = value.strip().lower()
        elif name in (b"content-length", b"transfer-encoding"):
            has_body = True
    return upgrade == b"h2c" and not has_body
