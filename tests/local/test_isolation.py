"""Two devboxes cannot see each other's files or processes (bubblewrap)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from runloop_api import RunloopAPI
from runloop_api.types import DevboxView
from runloop_local import LocalEngine

pytestmark = pytest.mark.bwrap


def _run(api: RunloopAPI, devbox: DevboxView, command: str) -> str:
    result = api.devboxes.execute(devbox.id, command=command, command_id=str(uuid.uuid4()))
    return (result.stdout or "") + (result.stderr or "")


def test_devboxes_are_isolated(
    api: RunloopAPI, engine: LocalEngine, new_devbox: Callable[..., DevboxView]
) -> None:
    first, second = new_devbox(name="a"), new_devbox(name="b")
    _run(api, first, "echo private-a > ~/secret.txt; echo tmp-a > /tmp/secret.txt")
    api.devboxes.executions.execute_async(first.id, command="exec sleep 123456")
    assert _run(api, second, "cat ~/secret.txt /tmp/secret.txt 2>/dev/null; echo end") == "end\n"
    # The host data dir, and so the other devbox's folder, is not in the sandbox at all.
    root = engine.data_dir / "devboxes" / first.id / "home" / "secret.txt"
    assert "private-a" not in _run(api, second, f"cat {root} 2>&1; echo end")
    # Processes: its own pid namespace, its own hostname.
    assert "123456" not in _run(api, second, "ps -eo args 2>/dev/null || cat /proc/[0-9]*/cmdline")
    assert "123456" in _run(api, first, "ps -eo args 2>/dev/null || cat /proc/[0-9]*/cmdline | tr '\\0' ' '")
    assert _run(api, second, "hostname") == f"{second.id}\n"
    assert "private-a" in _run(api, first, "cat ~/secret.txt")
