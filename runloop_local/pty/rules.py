"""Pure checks of terminal (PTY) requests: session names, sizes, signal names, the websocket URL."""

from __future__ import annotations

import re
import signal
from urllib.parse import urlencode

from ..http.errors import bad_request

__all__ = [
    "DEFAULT_COLS",
    "DEFAULT_ROWS",
    "MAX_CELLS",
    "check_name",
    "initial_size",
    "resize_size",
    "signal_number",
    "websocket_url",
]

DEFAULT_COLS, DEFAULT_ROWS = 80, 24
MAX_CELLS = 1000
_NAME = re.compile(r"[A-Za-z0-9_-]{1,256}")


def check_name(name: str) -> str:
    """Checks a session name: 1 to 256 ASCII letters, digits, ``-`` and ``_`` (as the service).

    Raises:
        ApiError: 400 otherwise.
    """
    if not _NAME.fullmatch(name):
        raise bad_request(
            f"invalid session_name {name[:300]!r}: use 1 to 256 ASCII letters, digits, '-' and '_'"
        )
    return name


def _cells(field: str, value: int | None) -> int | None:
    if value is not None and not 1 <= value <= MAX_CELLS:
        raise bad_request(f"invalid field `{field}` {value}: expected 1 to {MAX_CELLS}")
    return value


def initial_size(cols: int | None, rows: int | None) -> tuple[int, int] | None:
    """The size asked for on connect: applied only when both are given (the spec's rule).

    Returns:
        ``(cols, rows)``, or None when either is missing.

    Raises:
        ApiError: 400 when a given value is out of 1..1000.
    """
    cols, rows = _cells("cols", cols), _cells("rows", rows)
    return None if cols is None or rows is None else (cols, rows)


def resize_size(cols: int | None, rows: int | None) -> tuple[int, int]:
    """The size of a ``resize`` control: both required, each in 1..1000.

    Raises:
        ApiError: 400 naming the missing or out-of-range field.
    """
    for field, value in (("cols", cols), ("rows", rows)):
        if value is None:
            raise bad_request(f"missing field `{field}`: resize needs cols and rows")
        _cells(field, value)
    assert cols is not None and rows is not None
    return cols, rows


def signal_number(name: str | None) -> int:
    """The number of a POSIX signal name (``SIGINT``; ``INT`` and ``INTERRUPT`` also work).

    Raises:
        ApiError: 400 for a missing or unknown name.
    """
    if not name:
        raise bad_request("missing field `signal`: name a signal, such as 'SIGINT' or 'SIGTERM'")
    upper = name.strip().upper()
    if upper == "INTERRUPT":  # what send_std_in calls Ctrl-C
        upper = "SIGINT"
    if not upper.startswith("SIG"):
        upper = "SIG" + upper
    found = signal.Signals.__members__.get(upper)
    if found is None or upper.startswith("SIG_"):
        raise bad_request(f"invalid field `signal` {name!r}: not a signal name such as 'SIGINT' or 'SIGTERM'")
    return int(found)


def websocket_url(http_url: str, devbox_id: str) -> str:
    """The websocket URL of a session from the URL of its connect request (same host and path).

    Args:
        http_url: The connect request's URL without its query (``http://host:port/pty/NAME``).
        devbox_id: The devbox of the session.

    Returns:
        ``ws://`` (``wss://`` for https) with the same host and path and ``?devbox_id=``.
    """
    scheme, rest = http_url.split("://", 1)
    return f"{'wss' if scheme == 'https' else 'ws'}://{rest}?{urlencode({'devbox_id': devbox_id})}"
