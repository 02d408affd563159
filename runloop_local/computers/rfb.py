"""The view-only guard of a live screen: reads what a VNC client sends and drops its input.

A view-only URL must not let its holder type or click, whatever its page does, so the engine
reads the client-to-server RFB stream (RFC 6143) message by message and forwards all but input:
key and pointer events, cut text, desktop resizes and QEMU key events. A message it cannot size
ends the connection rather than let an unread byte through.
"""

from __future__ import annotations

import struct

__all__ = ["ClientStream", "RfbError"]

_INPUT = frozenset({4, 5, 6, 251, 255})
"""KeyEvent, PointerEvent, ClientCutText, SetDesktopSize, QEMU (extended key events)."""


class RfbError(Exception):
    """The client sent what this guard cannot read."""


def _message_size(data: bytes | bytearray) -> int | None:
    """The size of the client message at the start of ``data``; None until enough is there to tell."""
    kind = data[0]
    fixed = {0: 20, 3: 10, 4: 8, 5: 6, 150: 10}
    if kind in fixed:
        return fixed[kind]
    if kind == 2:  # SetEncodings: u8 type, pad, u16 count, s32 each
        return None if len(data) < 4 else 4 + 4 * struct.unpack_from(">H", data, 2)[0]
    if kind == 6:  # ClientCutText: u8 type, 3 pad, u32 length, text
        return None if len(data) < 8 else 8 + struct.unpack_from(">I", data, 4)[0]
    if kind == 248:  # ClientFence: u8 type, 3 pad, u32 flags, u8 length, payload
        return None if len(data) < 9 else 9 + data[8]
    if kind == 251:  # SetDesktopSize: u8 type, pad, u16 w, u16 h, u8 screens, pad, 16 each
        return None if len(data) < 7 else 8 + 16 * data[6]
    if kind == 255:  # QEMU: only the extended key event (subtype 0) is known
        if len(data) < 2:
            return None
        if data[1] != 0:
            raise RfbError(f"unknown QEMU client message subtype {data[1]}")
        return 12
    raise RfbError(f"unknown RFB client message type {kind}")


class ClientStream:
    """Reads the client's side of one RFB connection; :meth:`feed` answers what may pass.

    Args:
        view_only: Drop the client's input messages.
    """

    def __init__(self, view_only: bool) -> None:
        self.view_only = view_only
        self._buffer = bytearray()
        self._handshake: list[int] | None = None

    def feed(self, data: bytes) -> bytes:
        """Takes bytes the client sent; returns those to forward to the server.

        Raises:
            RfbError: For bytes this guard cannot read (close the connection).
        """
        self._buffer += data
        out = bytearray()
        while self._buffer:
            if self._handshake is None:
                if len(self._buffer) < 12:
                    break
                version = bytes(self._buffer[:12])
                if not version.startswith(b"RFB 003.") or not version.endswith(b"\n"):
                    raise RfbError(f"not an RFB client: {version!r}")
                minor = int(version[8:11])
                # Then 3.7+: the security type (1 byte); VNC auth (2) adds a 16-byte answer; ClientInit 1 byte.
                self._handshake = [1, 1] if minor >= 7 else [1]
                out += self._take(12)
                continue
            if self._handshake:
                if len(self._handshake) == 2 and self._buffer[0] == 2:
                    self._handshake.insert(1, 16)
                elif len(self._handshake) == 2 and self._buffer[0] != 1:
                    raise RfbError(f"unsupported RFB security type {self._buffer[0]}")
                size = self._handshake[0]
                if len(self._buffer) < size:
                    break
                self._handshake.pop(0)
                out += self._take(size)
                continue
            needed = _message_size(self._buffer)
            if needed is None or len(self._buffer) < needed:
                break
            message = self._take(needed)
            if not (self.view_only and message[0] in _INPUT):
                out += message
        return bytes(out)

    def _take(self, size: int) -> bytes:
        taken = bytes(self._buffer[:size])
        del self._buffer[:size]
        return taken
