"""A streaming reader of multipart/form-data bodies (RFC 7578). Pure: bytes in, events out.

Part contents come out as views of the chunks fed in (no copy), found with ``bytes.find`` of the
delimiter: large file parts pass at memory speed, where a byte-by-byte parser (python-multipart
runs at about 600 MB/s on random bytes) would cost more than the transfer.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message

from .errors import bad_request

__all__ = ["Event", "MultipartReader", "PartData", "PartEnd", "PartStart", "boundary_of"]

MAX_HEADERS = 16 * 1024
"""Most bytes of one part's headers."""


@dataclass(frozen=True)
class PartStart:
    """A part begins: its form field name, and its file name when it is a file."""

    name: str
    filename: str | None


@dataclass(frozen=True)
class PartData:
    """Some bytes of the current part's contents (a view of a chunk fed in: use it before the next feed)."""

    data: memoryview


@dataclass(frozen=True)
class PartEnd:
    """The current part is whole."""


Event = PartStart | PartData | PartEnd


def _invalid(why: str) -> Exception:
    return bad_request(f"the request body is not valid multipart/form-data: {why}")


def _parameters(header: str) -> Message:
    message = Message()
    message["content-type"] = header
    return message


def boundary_of(content_type: str | None) -> bytes:
    """The boundary of a ``multipart/form-data`` content type.

    Raises:
        ApiError: 400 for another content type or one without a valid boundary.
    """
    message = _parameters(content_type or "")
    if message.get_content_type() != "multipart/form-data":
        raise bad_request("the request body must be multipart/form-data (content-type)")
    boundary = message.get_param("boundary")
    if not isinstance(boundary, str) or not 1 <= len(boundary) <= 70:
        raise _invalid("the content-type has no valid boundary")
    try:
        return boundary.encode("ascii")
    except UnicodeEncodeError:
        raise _invalid("the boundary is not ASCII") from None


def _part_start(raw: bytes) -> PartStart:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _invalid("a part's headers are not UTF-8") from None
    disposition = None
    for line in text.split("\r\n"):
        name, colon, value = line.partition(":")
        if not colon:
            raise _invalid(f"a part has a malformed header line {line[:80]!r}")
        if name.strip().lower() == "content-disposition":
            disposition = value.strip()
    if disposition is None:
        raise _invalid("a part has no content-disposition header")
    message = Message()
    message["content-disposition"] = disposition
    field = message.get_param("name", header="content-disposition")
    if message.get_content_disposition() != "form-data" or not isinstance(field, str):
        raise _invalid("a part's content-disposition is not form-data with a name")
    filename = message.get_param("filename", header="content-disposition")
    return PartStart(field, filename if isinstance(filename, str) else None)


class MultipartReader:
    """Feeds a multipart body chunk by chunk and yields its parts as events.

    Args:
        boundary: The boundary of the body's content type (:func:`boundary_of`).
    """

    def __init__(self, boundary: bytes) -> None:
        self._first = b"--" + boundary
        self._delimiter = b"\r\n--" + boundary
        self._state = "preamble"  # preamble -> headers -> data -> after -> (headers | epilogue)
        self._pending = b""

    @property
    def complete(self) -> bool:
        """Whether the closing delimiter was read."""
        return self._state == "epilogue"

    def feed(self, chunk: bytes) -> list[Event]:
        """Reads one chunk; returns the events it completes, in order.

        Raises:
            ApiError: 400 for a body that breaks the format.
        """
        buffer = self._pending + chunk if self._pending else chunk
        self._pending = b""
        events: list[Event] = []
        position = 0
        while position < len(buffer) or self._state == "data":
            advanced = self._step(buffer, position, events)
            if advanced is None:
                break
            position = advanced
        return events

    def _step(self, buffer: bytes, position: int, events: list[Event]) -> int | None:
        """Reads what it can from ``position``; the new position, or None to wait for more bytes
        (the rest of the buffer is kept)."""
        state = self._state
        if state == "epilogue":
            return len(buffer)
        if state == "preamble":
            # The first delimiter usually opens the body; anything before it is ignored.
            found = buffer.find(self._first, position)
            if found < 0:
                self._pending = buffer[max(position, len(buffer) - len(self._first) + 1) :]
                return None
            self._state = "after"
            return found + len(self._first)
        if state == "after":
            return self._after_delimiter(buffer, position)
        if state == "headers":
            end = buffer.find(b"\r\n\r\n", position)
            if end < 0:
                if len(buffer) - position > MAX_HEADERS:
                    raise _invalid(f"a part's headers are longer than {MAX_HEADERS} bytes")
                self._pending = buffer[position:]
                return None
            events.append(_part_start(buffer[position:end]))
            self._state = "data"
            return end + 4
        return self._data(buffer, position, events)

    def _after_delimiter(self, buffer: bytes, position: int) -> int | None:
        if buffer.startswith(b"--", position):  # the closing delimiter: the rest is ignored
            self._state = "epilogue"
            return len(buffer)
        line_end = buffer.find(b"\r\n", position)
        if line_end < 0:
            if len(buffer) - position > 1024:
                raise _invalid("a delimiter line is too long")
            self._pending = buffer[position:]
            return None
        if buffer[position:line_end].strip(b" \t"):  # only transport padding may follow a delimiter
            raise _invalid("a delimiter is followed by other bytes")
        self._state = "headers"
        return line_end + 2

    def _data(self, buffer: bytes, position: int, events: list[Event]) -> int | None:
        view = memoryview(buffer)
        found = buffer.find(self._delimiter, position)
        if found >= 0:
            if found > position:
                events.append(PartData(view[position:found]))
            events.append(PartEnd())
            self._state = "after"
            return found + len(self._delimiter)
        # Keep back a tail that may be the start of a delimiter split across chunks (the
        # delimiter's only CR is its first byte, so only the last CR can start one).
        keep = len(buffer)
        carriage = buffer.rfind(b"\r", max(position, len(buffer) - len(self._delimiter) + 1))
        if carriage >= 0 and self._delimiter.startswith(buffer[carriage:]):
            keep = carriage
        if keep > position:
            events.append(PartData(view[position:keep]))
        self._pending = buffer[keep:]
        return None

    def finish(self) -> None:
        """Checks the body ended with its closing delimiter.

        Raises:
            ApiError: 400 for a body cut short.
        """
        if self._state != "epilogue":
            raise _invalid("the body ends before its closing delimiter")
