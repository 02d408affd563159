"""Server-sent events: an incremental decoder of the text/event-stream format. Pure, no I/O."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ServerSentEvent", "SSEDecoder"]


@dataclass(frozen=True)
class ServerSentEvent:
    """One event: its data (lines joined by newlines), and the optional event name and id."""

    data: str
    event: str | None = None
    id: str | None = None


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
