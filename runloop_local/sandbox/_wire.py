"""The frames the engine and a sandbox's agent exchange (imported by both sides).

Every frame is a 9-byte header (kind, execution id, payload length) and a payload; execution
id 0 means the sandbox itself. Text payloads are NUL-separated UTF-8 fields. Only small builtin
modules are imported: the agent imports this module too, and must start fast.
"""

from __future__ import annotations

import os
import struct

# Frame header: kind (u8), execution id (u32), payload length (u32), big-endian.
HEADER = struct.Struct(">BII")

# Engine -> agent.
INIT = 1  # payload: flags NUL home NUL KEY=VALUE NUL ... (base environment of commands)
EXEC = 2  # payload: cwd NUL command NUL KEY=VALUE NUL ... (cwd empty: home)
STDIN = 3  # payload: bytes for the command's stdin
EOF = 4  # close the command's stdin once what was written is delivered
KILL = 5  # payload: b"g" SIGKILL to the process group, b"p" to the process only
SHUTDOWN = 6  # end every process of the sandbox and exit
SIGNAL = 7  # payload: b"g" (process group) or b"p" (process only), then the signal number (ASCII)
# Agent -> engine.
READY = 10  # payload: the agent's pid (ASCII)
STARTED = 11  # payload: the command's pid (ASCII; 0 if it could not start)
STDOUT = 12
STDERR = 13
EXIT = 14  # payload: exit code (ASCII), 128 + N when killed by signal N
LOG = 15  # payload: a diagnostic message of the agent
# Terminals (``_agent_pty.py``); the id is a terminal's, from the same counter as executions.
# The agent answers PTY_OPEN with STARTED (the shell's pid, 0 if it could not start).
PTY_OPEN = 20  # engine -> agent; payload: cols NUL rows NUL command NUL KEY=VALUE NUL ... (in home;
#   an empty command: bash -i, else bash -c command)
PTY_INPUT = 21  # engine -> agent; payload: bytes typed into the terminal
PTY_RESIZE = 22  # engine -> agent; payload: cols NUL rows (TIOCSWINSZ, SIGWINCH follows)
PTY_SIGNAL = 23  # engine -> agent; payload: signal number (ASCII), to the foreground group
PTY_CLOSE = 24  # engine -> agent; payload: b"h" SIGHUP, b"k" SIGKILL to the shell and foreground
PTY_OUTPUT = 25  # agent -> engine; payload: bytes the terminal printed
PTY_EXIT = 26  # agent -> engine; payload: the shell's exit code (ASCII)


def encode_frame(kind: int, exec_id: int, payload: bytes = b"") -> bytes:
    """Encodes one frame.

    Args:
        kind: The message kind (one of the constants of this module).
        exec_id: The execution the message is about (0: the sandbox).
        payload: The message body.

    Returns:
        The header followed by the payload.
    """
    return HEADER.pack(kind, exec_id, len(payload)) + payload


def split_frames(buffer: bytearray) -> list[tuple[int, int, bytes]]:
    """Removes every complete frame from the front of ``buffer``.

    Args:
        buffer: Bytes received so far; what follows the last complete frame is left in it.

    Returns:
        The complete frames as ``(kind, exec_id, payload)``, in order.
    """
    frames: list[tuple[int, int, bytes]] = []
    pos, size, end = 0, HEADER.size, len(buffer)
    while end - pos >= size:
        kind, exec_id, length = HEADER.unpack_from(buffer, pos)
        if end - pos - size < length:
            break
        frames.append((kind, exec_id, bytes(buffer[pos + size : pos + size + length])))
        pos += size + length
    del buffer[:pos]
    return frames


def encode_fields(fields: list[str]) -> bytes:
    """Joins text fields with NUL bytes (fields of INIT and EXEC payloads).

    Args:
        fields: Strings without NUL characters.

    Returns:
        The UTF-8 encoded, NUL separated fields.
    """
    return "\0".join(fields).encode("utf-8", "surrogateescape")


def decode_fields(payload: bytes) -> list[str]:
    """Splits a payload made by ``encode_fields``.

    Args:
        payload: The encoded fields.

    Returns:
        The fields.
    """
    return payload.decode("utf-8", "surrogateescape").split("\0")


def parse_env(items: list[str]) -> dict[str, str]:
    """Turns ``KEY=VALUE`` fields into a mapping (fields without ``=`` are ignored).

    Args:
        items: The fields.

    Returns:
        The variables.
    """
    env: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if sep:
            env[key] = value
    return env


def encode_signal(signum: int, process_group: bool) -> bytes:
    """The payload of a SIGNAL frame.

    Args:
        signum: The signal number.
        process_group: Whether the whole process group gets it.

    Returns:
        ``g`` or ``p`` followed by the number.
    """
    return (b"g" if process_group else b"p") + str(int(signum)).encode()


def decode_signal(payload: bytes) -> tuple[int, bool]:
    """Reads the payload of a SIGNAL frame.

    Args:
        payload: Made by ``encode_signal``.

    Returns:
        ``(signum, process_group)``.

    Raises:
        ValueError: The payload is malformed.
    """
    target, number = payload[:1], payload[1:]
    if target not in (b"g", b"p") or not number.isdigit():
        raise ValueError(f"malformed signal request {payload!r}")
    return int(number), target == b"g"


def exit_code(status: int) -> int:
    """Turns a ``waitpid`` status into an exit code, 128 + N when killed by signal N.

    Args:
        status: The status from ``os.waitpid``.

    Returns:
        The exit code.
    """
    if os.WIFSIGNALED(status):  # not waitstatus_to_exitcode: the sandbox's Python may be 3.8
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)
