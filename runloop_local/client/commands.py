"""``ls``, ``exec``, ``logs``, ``shutdown``: look into what a served engine runs."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime

from runloop_api.types import DevboxLog, DevboxView
from runloop_sdk import RunloopSDK

from .lookup import ENDED, find_devbox

__all__ = ["command_line", "format_devboxes", "format_log", "run_exec", "run_logs", "run_ls", "run_shutdown"]


def _local_time(ms: int | None, *, millis: bool = False) -> str:
    if ms is None:
        return "-"
    text = datetime.fromtimestamp(ms / 1000).isoformat(
        sep=" ", timespec="milliseconds" if millis else "seconds"
    )
    return text


def format_devboxes(views: Iterable[DevboxView]) -> list[str]:
    """The lines of ``ls``: a header, then one aligned row per devbox (pure)."""
    rows = [("ID", "STATUS", "CREATED", "NAME")]
    rows += [(v.id, str(v.status), _local_time(v.create_time_ms), v.name or "") for v in views]
    widths = [max(len(row[col]) for row in rows) for col in range(3)]
    return [
        "  ".join(
            [*(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)), row[3]]
        ).rstrip()
        for row in rows
    ]


def format_log(entry: DevboxLog) -> str:
    """One line of ``logs``: time, source, level and the message (pure)."""
    text = entry.message if entry.message is not None else (entry.cmd or "")
    return f"{_local_time(entry.timestamp_ms, millis=True)}  {entry.source:<14} {entry.level:<5} {text}"


def command_line(words: Sequence[str]) -> str:
    """The command ``exec`` runs: one word as it is (a whole shell line), several joined as ssh does (pure)."""
    return words[0] if len(words) == 1 else " ".join(words)


def run_ls(sdk: RunloopSDK, *, show_all: bool) -> int:
    """Prints the devboxes (those not ended, or all); returns the exit status."""
    views = [v for v in sdk.api.devboxes.list(limit=100) if show_all or v.status not in ENDED]
    if not views:
        print(
            "no devboxes" if show_all else "no devboxes running (ls --all shows ended ones)", file=sys.stderr
        )
        return 0
    print("\n".join(format_devboxes(views)))
    return 0


def run_exec(sdk: RunloopSDK, key: str, words: Sequence[str], *, shell_name: str | None) -> int:
    """Runs a command in the devbox, streaming its output; returns the command's exit status."""
    view = find_devbox(sdk.api, key)
    cmd = sdk.devbox.from_id(view.id).shell(shell_name) if shell_name else sdk.devbox.from_id(view.id).cmd
    result = cmd.exec(
        command_line(words),
        stdout=lambda line: print(line, flush=True),
        stderr=lambda line: print(line, file=sys.stderr, flush=True),
    )
    return result.exit_code if result.exit_code is not None else 1


def run_logs(sdk: RunloopSDK, key: str) -> int:
    """Prints the devbox's log; returns the exit status."""
    view = find_devbox(sdk.api, key)
    for entry in sdk.devbox.from_id(view.id).logs():
        print(format_log(entry))
    return 0


def run_shutdown(sdk: RunloopSDK, key: str) -> int:
    """Shuts the devbox down; returns the exit status."""
    view = find_devbox(sdk.api, key)
    after = sdk.devbox.from_id(view.id).shutdown()
    print(f"{after.id} {after.status}" + (f" ({shlex.quote(view.name)})" if view.name else ""))
    return 0
