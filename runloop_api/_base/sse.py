"""Server-sent events: an incremental decoder of the text/event-stream format. Pure, no I/O."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SSELines", "ServerSentEvent", "SSEDecoder", "SSEData"]


@dataclass(frozen=True)
class ServerSentEvent:
    """One event: its data (lines joined by newlines), and the optional event name and id."""

    data: str
    event: str | None = None
    id: str | None = None


class SSELines:
    """Splits an event stream's bytes, chunk by chunk, into lines.

    Lines end with CRLF, LF or CR only, as the format says (``str.splitlines``, which httpx's
    ``iter_lines`` uses, also splits at U+2028, U+0085 and others that JSON leaves unescaped,
    tearing an event with such output in two). A line arriving in many chunks is joined once.
    """

    def __init__(self) -> None:
        self._parts: list[bytes | memoryview] = []
        self._cr = False

    def feed(self, chunk: bytes) -> list[str]:
        """Takes the next bytes; returns the lines they complete (without line breaks)."""
        return [line.decode("utf-8", "replace") for line in self.feed_bytes(chunk)]

    def feed_bytes(self, chunk: bytes) -> list[bytes]:
        """Like :meth:`feed`, but the lines stay bytes (no copy into text for who parses bytes)."""
        if self._cr:
            chunk = b"\r" + chunk
            self._cr = False
        if b"\r" in chunk:
            if chunk.endswith(b"\r"):  # may be the first half of a CRLF
                chunk = chunk[:-1]
                self._cr = True
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines: list[bytes] = []
        start = 0
        while (end := chunk.find(b"\n", start)) >= 0:
            if self._parts:
                self._parts.append(memoryview(chunk)[start:end])
                lines.append(b"".join(self._parts))
                self._parts = []
            else:
                lines.append(chunk[start:end])
            start = end + 1
        if start < len(chunk):
            self._parts.append(memoryview(chunk)[start:])
        return lines

    def flush(self) -> list[str]:
        """The last line, when the stream ended without a line break."""
        return [line.decode("utf-8", "replace") for line in self.flush_bytes()]

    def flush_bytes(self) -> list[bytes]:
        """Like :meth:`flush`, in bytes."""
        if not self._parts and not self._cr:
            return []
        line = b"".join(self._parts)
        self._parts = []
        self._cr = False
        return [line]


class SSEData:
    """Feeds the bytes lines of an event stream and returns each complete event's data, in bytes.

    The data alone, as JSON parsers take it: the event name and id are read past (streams of
    typed chunks carry their resume point in the data). Parsing a large event's JSON from bytes
    saves decoding it into text first and copying that text twice (the line, then its data), which
    cost more than the parse (about 1.8 vs 0.3 ms a MiB of output).
    """

    def __init__(self) -> None:
        self._data: list[bytes] = []
        self._named = False

    def decode(self, line: bytes) -> bytes | None:
        """Takes one line (without its line break); returns the data when a blank line ends an event."""
        if not line:
            if not self._data and not self._named:
                return None
            data = self._data[0] if len(self._data) == 1 else b"\n".join(self._data)
            self._data = []
            self._named = False
            return data
        if line.startswith(b"data: "):  # the usual field first
            self._data.append(line[6:])
            return None
        if line.startswith(b":"):
            return None
        name, _, value = line.partition(b":")
        if name == b"data":
            self._data.append(value[1:] if value.startswith(b" ") else value)
        elif name == b"event":
            self._named = True
        return None


class SSEDecoder:
    """Feeds lines of an event stream and yields complete events (the WHATWG algorithm)."""

    def __init__(self) -> None:
        self._data: list[str] = []
        self._event: str | None = None
        self._id: str | None = None

    def decode(self, line: str) -> ServerSentEvent | None:
        """Takes one line (without its line break); returns an event when a blank line ends one."""
        if not line:
            if not self._data and self._event is None:
                return None
            event = ServerSentEvent(data="\n".join(self._data), event=self._event, id=self._id)
            self._data = []
            self._event = None
            return event
        if line.startswith("data: "):  # the usual field first: one copy of a long line
            self._data.append(line[6:])
            return None
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._id = value
        return None
