"""``shell DEVBOX``: this terminal attached to a terminal session of the devbox (its PTY websocket)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import termios
import tty
from collections.abc import Callable, Iterator

from websockets.exceptions import ConnectionClosed

from runloop_sdk import AsyncPtySession, AsyncRunloopSDK

__all__ = ["raw_mode", "run_shell", "terminal_size"]

_READ_SIZE = 65536


@contextlib.contextmanager
def raw_mode(fd: int) -> Iterator[None]:
    """Puts the terminal ``fd`` in raw mode (keys go through as typed, Ctrl-C too) for the block.

    Not a terminal (input from a pipe): left as it is.
    """
    if not os.isatty(fd):
        yield
        return
    saved = termios.tcgetattr(fd)
    tty.setraw(fd, termios.TCSANOW)  # TCSAFLUSH would drop what was typed ahead
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def terminal_size(fd: int) -> os.terminal_size:
    """The size of the terminal ``fd``; 80 x 24 when it is none (or says 0)."""
    try:
        size = os.get_terminal_size(fd)
    except OSError:
        return os.terminal_size((80, 24))
    return size if size.columns and size.lines else os.terminal_size((80, 24))


async def _pump_output(session: AsyncPtySession, out_fd: int) -> None:
    """Writes what the devbox's terminal prints until the session ends (the shell exited)."""
    with contextlib.suppress(ConnectionClosed):
        while True:
            os.write(out_fd, await session.receive())


async def _pump_input(session: AsyncPtySession, in_fd: int) -> bool:
    """Sends what is typed; True when this side's input ended, False when the session did."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Queue[bytes] = asyncio.Queue()

    def readable() -> None:
        try:
            data = os.read(in_fd, _READ_SIZE)
        except OSError:  # the terminal went away
            data = b""
        ready.put_nowait(data)
        if not data:
            loop.remove_reader(in_fd)

    loop.add_reader(in_fd, readable)
    try:
        while data := await ready.get():
            await session.send(data)
        return True
    except ConnectionClosed:
        return False
    finally:
        loop.remove_reader(in_fd)


def _forget(tasks: set[asyncio.Task[object]]) -> Callable[[asyncio.Task[object]], None]:
    """A done-callback that drops a finished task; a resize that failed (the session just ended) is of no interest."""

    def done(task: asyncio.Task[object]) -> None:
        tasks.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved, so asyncio does not log it

    return done


async def run_shell(sdk: AsyncRunloopSDK, devbox_id: str, name: str, in_fd: int, out_fd: int) -> int:
    """Attaches ``in_fd``/``out_fd`` to the terminal session ``name`` of the devbox; returns the exit status.

    It ends when the devbox's shell exits (``exit``, Ctrl-D), then the session is over; or when
    this side's input ends, then the session is closed.
    """
    size = terminal_size(out_fd)
    session = await sdk.devbox.from_id(devbox_id).pty.connect(name, cols=size.columns, rows=size.lines)
    loop = asyncio.get_running_loop()
    resizes: set[asyncio.Task[object]] = set()

    def resized() -> None:
        new = terminal_size(out_fd)
        task: asyncio.Task[object] = loop.create_task(session.resize(new.columns, new.lines))
        resizes.add(task)
        task.add_done_callback(_forget(resizes))

    loop.add_signal_handler(signal.SIGWINCH, resized)
    output = asyncio.ensure_future(_pump_output(session, out_fd))
    keys = asyncio.ensure_future(_pump_input(session, in_fd))
    try:
        with raw_mode(in_fd):
            done, _ = await asyncio.wait({output, keys}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        loop.remove_signal_handler(signal.SIGWINCH)
        if not keys.done():
            keys.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keys
    if output in done or not keys.result():  # the shell ended, and with it the session
        await session.detach()
        await output
        return 0
    await session.close()  # this side's input ended: end the shell too
    output.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await output
    return 0
