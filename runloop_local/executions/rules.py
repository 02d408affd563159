"""Pure helpers of executions: output tails, offsets, UTF-8 boundaries, ids."""

from __future__ import annotations

import re
from typing import Literal

from pydantic_core import PydanticSerializationError, to_json

from ..http.errors import bad_request

__all__ = [
    "chunk_event",
    "DEFAULT_LAST_N",
    "gather_first",
    "SHELLS_DIR",
    "check_shell_name",
    "SHELL_COMMAND_VAR",
    "in_shell",
    "KILLED_EXIT_STATUS",
    "StdinAction",
    "parse_last_n",
    "parse_offset",
    "stdin_actions",
    "stream_chunk",
    "tail_lines",
    "utf8_complete_prefix",
    "utf8_start",
    "view_start",
    "wait_is_over",
]

DEFAULT_LAST_N = 100
"""Lines of stdout/stderr an execution view carries when ``last_n`` is not given (the spec's default)."""

KILLED_EXIT_STATUS = 137
"""Exit status of a command whose process ended with its sandbox (128 + SIGKILL)."""

StdinAction = Literal["write", "close", "interrupt"]
"""One step of a send_std_in request, in the order they are applied."""


def parse_last_n(value: str | None) -> int | None:
    """The ``last_n`` query parameter: a number of lines, 0 for all of them.

    Args:
        value: The raw query value, or None when absent.

    Returns:
        The number of lines to keep, or None for all of them.

    Raises:
        ApiError: 400 when it is not a non-negative integer.
    """
    if value is None or value == "":
        return DEFAULT_LAST_N
    n = _whole_number(value)
    if n is None:
        raise bad_request(f"invalid `last_n` {value!r}: expected a whole number of lines (0 for all)")
    return None if n == 0 else n


def parse_offset(value: str | None) -> int:
    """The ``offset`` query parameter of the output streams: a byte position, 0 when absent.

    Raises:
        ApiError: 400 when it is not a non-negative integer.
    """
    if value is None or value == "":
        return 0
    offset = _whole_number(value)
    if offset is None:
        raise bad_request(f"invalid `offset` {value!r}: expected a byte position (0 or more)")
    return offset


MAX_POSITION = 2**62
"""Larger byte positions and line counts mean the same ("past any output"); SQLite's integers end
at 2**63, and a read's end (position + length) must stay below."""


def _whole_number(value: str) -> int | None:
    """``value`` as a whole number capped at :data:`MAX_POSITION`, or None unless it is ASCII digits
    (the spec's pattern: ``int()`` would also take signs, spaces, ``_`` and non-ASCII digits)."""
    if not (value.isascii() and value.isdigit()):
        return None
    digits = value.lstrip("0")
    if len(digits) > 19:  # past MAX_POSITION, and int() refuses strings of thousands of digits
        return MAX_POSITION
    return min(int(digits or "0"), MAX_POSITION)


def tail_lines(data: bytes, n: int | None) -> tuple[str, bool]:
    """The last ``n`` lines of ``data`` as text, and whether lines were left out.

    Args:
        data: The whole output.
        n: How many lines to keep; None keeps all.

    Returns:
        ``(text, truncated)``; invalid UTF-8 is replaced, a final partial line counts as a line.
    """
    if n is None:
        return data.decode("utf-8", "replace"), False
    end = len(data)
    # A trailing newline ends the last line; it does not start another.
    pos = end - 1 if data.endswith(b"\n") else end
    for _ in range(n):
        pos = data.rfind(b"\n", 0, pos)
        if pos < 0:
            return data.decode("utf-8", "replace"), False
    return data[pos + 1 :].decode("utf-8", "replace"), True


def utf8_start(data: bytes) -> int:
    """Where the first whole UTF-8 character of ``data`` starts (skips at most 3 continuation bytes)."""
    for i in range(min(3, len(data))):
        if data[i] & 0xC0 != 0x80:
            return i
    return min(3, len(data))


def utf8_complete_prefix(data: bytes) -> int:
    """The length of the longest prefix of ``data`` that does not end inside a UTF-8 character.

    Output is cut into stream chunks at byte positions; cutting only at these boundaries keeps
    each chunk valid text. Bytes that can never complete a character are not held back.
    """
    n = len(data)
    # Look back at most 3 bytes for the lead byte of an unfinished character.
    for back in range(1, min(4, n + 1)):
        byte = data[n - back]
        if byte & 0xC0 == 0x80:  # continuation byte: keep looking for the lead
            continue
        if byte & 0x80 == 0:  # ASCII: complete
            return n
        needed = 2 if byte & 0xE0 == 0xC0 else 3 if byte & 0xF0 == 0xE0 else 4 if byte & 0xF8 == 0xF0 else 1
        return n - back if back < needed else n
    return n


def view_start(data: bytes, *, cut: bool) -> tuple[bytes, bool]:
    """The tail of a stream shown in a view, starting at a whole UTF-8 character when ``cut``.

    Args:
        data: The last bytes of the stream.
        cut: Whether earlier bytes were left out (``data`` may start inside a character).

    Returns:
        ``(data, cut)`` with a partial leading character dropped.
    """
    return (data[utf8_start(data) :], True) if cut else (data, False)


def stream_chunk(data: bytes, *, done: bool, limit: int) -> bytes:
    """What of ``data`` (read with at most ``limit`` bytes) one stream chunk sends now.

    While the execution runs, or when the read was cut at ``limit``, a character split at the
    end waits for its remaining bytes; once it is done and all was read, everything goes.
    """
    if not done or len(data) == limit:
        return data[: utf8_complete_prefix(data)]
    return data


def chunk_event(output: bytes, offset: int) -> bytes:
    """The server-sent event of one ExecUpdateChunkView (``{"output": ..., "offset": ...}``).

    ``output`` is the chunk's bytes, sent as text: invalid UTF-8 becomes U+FFFD. Serialized by
    hand around pydantic-core's encoder of the one long string: through the model it cost four
    times as much. Valid UTF-8 (nearly all output) is encoded from the bytes as they are: a str
    made of them first cost three times the encoding itself (1.9 vs 0.5 ms a MiB), the largest
    part of the engine's work in a stream.
    """
    try:
        text = to_json(output)
    except PydanticSerializationError:  # not UTF-8: replaced, as a text stream shows it
        text = to_json(output.decode("utf-8", "replace"))
    return b"".join((b'data: {"output":', text, b',"offset":%d}\n\n' % offset))


def gather_first(size: int, *, done: bool, gathered: bool, least: int) -> bool:
    """Whether a stream holds a chunk of ``size`` bytes back a moment for more to join it.

    A stream that has caught up with a fast command would otherwise send each of the agent's
    64 KiB frames as an event of its own, and both ends pay per event (an encode, a send, a
    parse): a chunk under ``least`` bytes of a running command waits once, briefly; a command's
    last output never waits.
    """
    return not done and not gathered and 0 < size < least


def wait_is_over(status: str, statuses: list[str]) -> bool:
    """Whether a wait for an execution to reach one of ``statuses`` answers at once.

    Executions go ``queued`` (a named shell's command waiting for the one before it) ->
    ``running`` -> ``completed`` and never back, so waiting for ``queued`` is over once it runs.
    """
    return status in statuses or ("queued" in statuses and status == "running")


def stdin_actions(text: str | None, signal: str | None) -> list[StdinAction]:
    """The steps of a send_std_in request: write ``text``, then apply ``signal``.

    ``EOF`` closes the command's stdin; ``INTERRUPT`` is Ctrl-C: SIGINT to its process group.

    Raises:
        ApiError: 400 when neither is given.
    """
    if text is None and signal is None:
        raise bad_request("send_std_in needs `text` or `signal`")
    actions: list[StdinAction] = ["write"] if text else []
    if signal == "EOF":
        actions.append("close")
    elif signal == "INTERRUPT":
        actions.append("interrupt")
    return actions


SHELL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}\Z")
SHELLS_DIR = "/tmp/.runloop-shells"
"""Where, in the devbox, each named shell keeps its working folder and exported environment."""


def check_shell_name(name: str) -> str:
    """A valid ``shell_name`` (1 to 128 letters, digits, ``.``, ``_``, ``-``; a letter or digit first).

    Raises:
        ApiError: 400 naming the field.
    """
    if not SHELL_NAME.match(name):
        raise bad_request(
            f"invalid field `shell_name` {name!r}: use 1 to 128 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


SHELL_COMMAND_VAR = "__RUNLOOP_SHELL_COMMAND"


def in_shell(name: str) -> str:
    """The script that runs a command as a step of the named shell ``name``. Pure.

    The command itself comes in the environment variable ``SHELL_COMMAND_VAR`` (taken out of
    the environment before it runs) and is ``eval``-ed: it starts in the folder and with the
    exported variables the shell's previous command left, and leaves its own for the next one
    (saved on exit, also after ``exit N``); its syntax errors read as they would without the
    shell (``bash: eval: line 1: ...``).
    """
    state = f"{SHELLS_DIR}/{name}"
    return (
        f'__rl_s={state}; mkdir -p "$__rl_s" 2>/dev/null; '
        '[ -f "$__rl_s/env" ] && . "$__rl_s/env"; '
        '[ -f "$__rl_s/cwd" ] && { cd "$(cat "$__rl_s/cwd")" 2>/dev/null || true; }; '
        'trap \'{ export -p | grep -v "^declare -[a-zA-Z]*r"; } > "$__rl_s/env.$$" '
        '&& mv -f "$__rl_s/env.$$" "$__rl_s/env"; pwd > "$__rl_s/cwd"\' EXIT; '
        f'__rl_c=${SHELL_COMMAND_VAR}; unset {SHELL_COMMAND_VAR}; eval "$__rl_c"'
    )
