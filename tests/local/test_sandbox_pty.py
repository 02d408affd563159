"""Terminals in a sandbox (``PtySandbox.open_pty``): a real bash on a pseudo-terminal, both isolations."""

from __future__ import annotations

import asyncio
import random
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Literal

import pytest

from runloop_local.sandbox import PtyHandle, PtySandbox, SandboxError, SandboxSpec, start_sandbox

from .test_sandbox_runtime import ISOLATIONS, TIMEOUT, host_processes_with


@pytest.fixture(params=ISOLATIONS)
async def sandbox(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[PtySandbox]:
    isolation: Literal["bwrap", "none"] = request.param
    sb = await start_sandbox(SandboxSpec("dbx_pty", tmp_path / "dbx_pty", isolation=isolation))
    assert isinstance(sb, PtySandbox)
    try:
        yield sb
    finally:
        await sb.stop()


class Screen:
    """What a terminal printed, with a wait for a piece of it."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.changed = asyncio.Event()

    def __call__(self, data: bytes) -> None:
        self.data += data
        self.changed.set()

    async def wait_for(self, needle: bytes, start: int = 0) -> int:
        async def find() -> int:
            while (at := self.data.find(needle, start)) < 0:
                self.changed.clear()
                await self.changed.wait()
            return at

        try:
            return await asyncio.wait_for(find(), TIMEOUT)
        except asyncio.TimeoutError:
            raise AssertionError(f"{needle!r} never came; the screen: {bytes(self.data)!r}") from None


async def open_term(sb: PtySandbox, cols: int = 80, rows: int = 24) -> tuple[PtyHandle, Screen]:
    screen = Screen()
    term = await sb.open_pty(cols=cols, rows=rows, on_output=screen, env={"TERM": "xterm-256color"})
    return term, screen


async def test_a_terminal_runs_an_interactive_bash_in_home(sandbox: PtySandbox) -> None:
    term, screen = await open_term(sandbox, 100, 30)
    assert term.pid > 0
    await term.write(b"echo A$((40+2))B; tty; stty size; echo $TERM; pwd\r")
    at = await screen.wait_for(b"A42B")
    await screen.wait_for(b"30 100", at)
    await screen.wait_for(b"xterm-256color", at)
    out = bytes(screen.data[at:])
    assert b"/dev/pts/" in out
    if sandbox.isolation == "bwrap":
        await screen.wait_for(b"/home/user", at)
    await term.resize(132, 43)
    await term.write(b"stty size\r")
    await screen.wait_for(b"43 132", at)
    await term.write(b"exit 3\r")
    assert await asyncio.wait_for(term.wait(), TIMEOUT) == 3


async def test_a_signal_reaches_the_foreground_command_not_the_shell(sandbox: PtySandbox) -> None:
    term, screen = await open_term(sandbox)
    marker = str(random.randint(100_000, 999_999))
    await term.write(f"sleep 4{marker}\r".encode())
    for _ in range(200):
        if host_processes_with(f"sleep 4{marker}"):
            break
        await asyncio.sleep(0.025)
    await term.signal(signal.SIGINT)
    await term.write(b"echo after-$?\r")  # a list would be cut short: bash stops it on a child's SIGINT
    await screen.wait_for(b"after-130")
    await term.write(b"echo still-$((1+1))\r")
    await screen.wait_for(b"still-2")
    await term.close()
    assert await asyncio.wait_for(term.wait(), TIMEOUT) == 128 + signal.SIGHUP


async def test_terminals_end_with_their_sandbox(sandbox: PtySandbox) -> None:
    term, _screen = await open_term(sandbox)
    marker = str(random.randint(100_000, 999_999))
    await term.write(f"sleep 5{marker}\r".encode())
    for _ in range(200):
        if host_processes_with(f"sleep 5{marker}"):
            break
        await asyncio.sleep(0.025)
    assert host_processes_with(f"sleep 5{marker}")
    await sandbox.stop()
    assert await asyncio.wait_for(term.wait(), TIMEOUT) == 137
    assert not host_processes_with(f"sleep 5{marker}")
    with pytest.raises(SandboxError, match="not running"):
        await open_term(sandbox)


async def test_a_terminal_can_run_one_command_and_end_with_its_status(sandbox: PtySandbox) -> None:
    screen = Screen()
    term = await sandbox.open_pty(
        cols=90,
        rows=20,
        on_output=screen,
        env={"TERM": "vt100"},
        command="tty; stty size; echo $TERM; exit 4",
    )
    assert await asyncio.wait_for(term.wait(), TIMEOUT) == 4
    out = bytes(screen.data)
    assert b"/dev/pts/" in out
    assert b"20 90" in out
    assert b"vt100" in out
