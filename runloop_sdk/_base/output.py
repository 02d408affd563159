"""Output assembly: splitting streamed chunks into lines with resume offsets, and tails. Pure."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["OutputLine", "LineSplitter", "count_lines", "tail_lines", "needs_full_output", "DEFAULT_LAST_N"]

DEFAULT_LAST_N = 100
"""How many trailing lines the API puts in an execution view when not asked otherwise."""


@dataclass(frozen=True, slots=True)
class OutputLine:
    """One line of a command's output.

    Attributes:
        text: The line without its line break.
        offset: The byte offset just after this line: pass it back as ``offset=`` to resume
            reading after this line.
    """

    text: str
    offset: int

    def __str__(self) -> str:
        return self.text


class LineSplitter:
    """Turns output chunks into whole lines, tracking each line's resume offset.

    Chunks may split lines (and multi-byte characters) anywhere; a partial line is held until
    its end arrives or :meth:`flush` is called at the end of the stream.
    """

    def __init__(self, start_offset: int = 0) -> None:
        self._pending = ""
        self._pending_start = start_offset

    def feed(self, text: str, end_offset: int | None = None) -> list[OutputLine]:
        """Adds one chunk and returns the lines it completed.

        Args:
            text: The chunk's text.
            end_offset: The server's byte offset just after this chunk, when it sent one; it
                corrects the running count should the server count bytes differently.
        """
        data = self._pending + text if self._pending else text
        parts = data.split("\n")  # one pass in C: a stream of short lines has a great many
        self._pending = parts.pop()
        lines: list[OutputLine] = []
        position = self._pending_start
        if parts:
            plain = data.isascii()  # then a character is a byte: no encoding to count them
            for part in parts:
                position += 1 + (len(part) if plain else len(part.encode("utf-8", "surrogateescape")))
                lines.append(OutputLine(part[:-1] if part.endswith("\r") else part, position))
        if end_offset is not None:
            self._pending_start = end_offset - len(self._pending.encode("utf-8", "surrogateescape"))
            if lines and self._pending_start != position:
                last = lines[-1]
                lines[-1] = OutputLine(last.text, self._pending_start)
        else:
            self._pending_start = position
        return lines

    def feed_texts(self, text: str, end_offset: int | None = None) -> list[str]:
        """Like :meth:`feed`, but returns the lines' texts alone.

        For callers that need no resume point per line (line callbacks): a line object each
        cost more than the splitting itself, on output of many short lines.
        """
        data = self._pending + text if self._pending else text
        parts = data.split("\n")
        self._pending = parts.pop()
        if end_offset is not None:
            self._pending_start = end_offset - len(self._pending.encode("utf-8", "surrogateescape"))
        elif parts:
            done = len(data) - len(self._pending)  # the lines and their breaks
            plain = data.isascii()
            self._pending_start += done if plain else len(data[:done].encode("utf-8", "surrogateescape"))
        if "\r" in data:
            return [part[:-1] if part.endswith("\r") else part for part in parts]
        return parts

    def flush(self) -> list[OutputLine]:
        """Returns the last line when the output did not end with a line break."""
        if not self._pending:
            return []
        end = self._pending_start + len(self._pending.encode("utf-8", "surrogateescape"))
        line = OutputLine(_strip_break(self._pending), end)
        self._pending = ""
        self._pending_start = end
        return [line]


def _strip_break(raw: str) -> str:
    if raw.endswith("\r\n"):
        return raw[:-2]
    if raw.endswith("\n"):
        return raw[:-1]
    return raw


def count_lines(text: str) -> int:
    """Lines in ``text`` (a final line without a line break counts)."""
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def tail_lines(text: str, num_lines: int | None) -> str:
    """The last ``num_lines`` lines of ``text``, line breaks kept (all of it for ``None``)."""
    if num_lines is None:
        return text
    if num_lines <= 0:
        return ""
    end = len(text) - 1 if text.endswith("\n") else len(text)
    cut = end
    for _ in range(num_lines):
        cut = text.rfind("\n", 0, cut)
        if cut < 0:
            return text
    return text[cut + 1 :]


def needs_full_output(
    text: str | None, truncated: bool | None, num_lines: int | None, last_n: int = DEFAULT_LAST_N
) -> bool:
    """Whether the server's view may be missing lines the caller asked for.

    The view holds at most ``last_n`` trailing lines and may be cut for size. When it says it
    was truncated, or holds as many lines as the cap (so older lines may be missing), the full
    output is read from the output stream unless the view already has the ``num_lines`` wanted.
    """
    text = text or ""
    lines = count_lines(text)
    if num_lines is not None and lines >= num_lines and not (truncated and lines == num_lines == 0):
        return False
    return bool(truncated) or lines >= last_n
