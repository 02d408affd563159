"""Terminals of the agent: an interactive ``bash`` on a pseudo-terminal, for the engine's PTY sessions.

Shipped into the sandbox beside ``_agent.py`` and imported by it on the first PTY_OPEN only,
so that ``fcntl`` and ``termios`` cost the agent's start nothing. Each terminal is a pty pair:
the shell is forked with the slave as its controlling terminal (a new session, ``TIOCSCTTY``)
and the agent keeps the master: what the terminal prints is sent as PTY_OUTPUT, what is typed
(PTY_INPUT) is written to it, and the shell's end is reported as PTY_EXIT once what it printed
has been sent. Python 3.8 compatible and stdlib only, like the agent.
"""

from __future__ import annotations

import fcntl
import os
import select
import struct
import termios

try:
    from . import _wire as wire
except ImportError:  # run in the sandbox: _wire.py lies beside it (the agent put its folder on sys.path)
    import _wire as wire  # type: ignore[import-not-found,no-redef,unused-ignore]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_READ = 65536
_SIGHUP, _SIGKILL, _SIGCONT = 1, 9, 18
_DEFAULT_SIGNALS = ("SIGINT", "SIGQUIT", "SIGPIPE", "SIGXFSZ", "SIGCHLD", "SIGHUP", "SIGTERM", "SIGTSTP")


def set_size(fd: int, cols: int, rows: int) -> None:
    """Sets a terminal's size (the kernel sends SIGWINCH to its foreground group)."""
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class Terminal:
    """One shell on a pseudo-terminal."""

    def __init__(self, term_id: int, pid: int, master: int) -> None:
        self.id, self.pid, self.master = term_id, pid, master
        self.pending = bytearray()


class Terminals:
    """The agent's terminals; the agent hands them their frames, fds and ended children."""

    def __init__(self, agent: Any) -> None:
        self.agent = agent
        self.by_id: dict[int, Terminal] = {}
        self.by_fd: dict[int, Terminal] = {}
        self.by_pid: dict[int, Terminal] = {}

    def handle(self, kind: int, term_id: int, payload: bytes) -> None:
        """Handles one PTY_* frame from the engine."""
        if kind == wire.PTY_OPEN:
            self.open(term_id, payload)
            return
        term = self.by_id.get(term_id)
        if term is None:
            return
        if kind == wire.PTY_INPUT:
            if term.master >= 0 and payload:
                term.pending += payload
                self.agent.poll.modify(term.master, select.POLLIN | select.POLLOUT)
        elif kind == wire.PTY_RESIZE:
            cols, rows = wire.decode_fields(payload)
            if term.master >= 0:
                set_size(term.master, int(cols), int(rows))
        elif kind == wire.PTY_SIGNAL:
            self.kill(term, (self.foreground(term),), int(payload))
        elif kind == wire.PTY_CLOSE:
            groups = (self.foreground(term), term.pid)
            if payload == b"k":
                self.kill(term, groups, _SIGKILL)
            else:
                self.kill(term, groups, _SIGHUP)
                self.kill(term, groups, _SIGCONT)
                # And hang the line up: a shell that got SIGHUP just before blocking in read()
                # would miss it, but not the end of its terminal.
                self.close_master(term)

    def foreground(self, term: Terminal) -> int:
        """The terminal's foreground process group (the shell's own when it cannot be read)."""
        try:
            return os.tcgetpgrp(term.master) if term.master >= 0 else term.pid
        except OSError:
            return term.pid

    def kill(self, term: Terminal, groups: tuple[int, ...], signum: int) -> None:
        for group in set(groups):
            if group > 0:
                try:  # noqa: SIM105 - gone already is fine
                    os.killpg(group, signum)
                except OSError:
                    pass

    def open(self, term_id: int, payload: bytes) -> None:
        cols, rows, command, *env_items = wire.decode_fields(payload)
        env = {**self.agent.env, **wire.parse_env(env_items)}
        argv = ["bash", "-c", command] if command else ["bash", "-i"]
        try:
            master, slave = os.openpty()
        except OSError as exc:
            self.fail(term_id, f"cannot open a pseudo-terminal: {exc.strerror}\r\n")
            return
        try:
            set_size(master, int(cols), int(rows))
            pid = os.fork()
        except OSError as exc:
            os.close(master)
            os.close(slave)
            self.fail(term_id, f"cannot start bash: {exc.strerror}\r\n")
            return
        if pid == 0:  # the child: never returns
            self.exec_shell(master, slave, env, argv)
        os.close(slave)
        os.set_blocking(master, False)
        term = Terminal(term_id, pid, master)
        self.by_id[term_id] = self.by_pid[pid] = self.by_fd[master] = term
        self.agent.poll.register(master, select.POLLIN)
        self.agent.send(wire.STARTED, term_id, str(pid).encode())

    def exec_shell(self, master: int, slave: int, env: dict[str, str], argv: list[str]) -> None:
        """In the forked child: makes the slave the controlling terminal and runs ``argv`` (bash)."""
        try:
            os.close(master)
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
            for target in (0, 1, 2):
                os.dup2(slave, target)
            if slave > 2:
                os.close(slave)
            sig = self.agent.signal
            sig.set_wakeup_fd(-1)
            for name in _DEFAULT_SIGNALS:
                sig.signal(getattr(sig, name), sig.SIG_DFL)
            os.chdir(self.agent.home)
            os.execve(self.agent.bash, argv, env)
        except BaseException as exc:
            try:  # noqa: SIM105
                os.write(2, f"cannot start bash: {exc}\r\n".encode())
            except OSError:
                pass
        finally:
            os._exit(127)

    def fail(self, term_id: int, message: str) -> None:
        self.agent.send(wire.STARTED, term_id, b"0")
        self.agent.send(wire.PTY_OUTPUT, term_id, message.encode())
        self.agent.send(wire.PTY_EXIT, term_id, b"127")

    def ready(self, fd: int, events: int) -> None:
        """Handles poll events of a terminal's master."""
        term = self.by_fd[fd]
        if events & select.POLLOUT and term.pending:
            try:
                del term.pending[: os.write(fd, term.pending)]
            except BlockingIOError:
                pass
            except OSError:  # the terminal has hung up: what is left cannot be delivered
                term.pending.clear()
            if not term.pending:
                self.agent.poll.modify(fd, select.POLLIN)
        if events & (select.POLLIN | select.POLLHUP | select.POLLERR):
            self.read(term)

    def read(self, term: Terminal) -> bool:
        """Reads one chunk of output; returns False when there was none (closes at the end)."""
        try:
            data = os.read(term.master, MAX_READ)
        except BlockingIOError:
            return False
        except OSError:  # EIO: every holder of the slave has closed it
            data = b""
        if not data:
            self.close_master(term)
            return False
        self.agent.send(wire.PTY_OUTPUT, term.id, data)
        if len(self.agent.outbox) >= MAX_READ:
            self.agent.flush()
        return True

    def close_master(self, term: Terminal) -> None:
        if term.master >= 0:
            del self.by_fd[term.master]
            self.agent.close_fd(term.master, registered=True)
            term.master = -1

    def reaped(self, pid: int, status: int) -> bool:
        """Reports a shell that ended (after what it printed); False when ``pid`` is no shell."""
        term = self.by_pid.pop(pid, None)
        if term is None:
            return False
        for _ in range(256):  # bounded: a background process may print without end
            if term.master < 0 or not self.read(term):
                break
        self.close_master(term)
        del self.by_id[term.id]
        self.agent.send(wire.PTY_EXIT, term.id, str(wire.exit_code(status)).encode())
        return True

    def kill_all(self) -> None:
        """SIGKILLs every shell and its foreground group (the agent is ending)."""
        for term in list(self.by_id.values()):
            self.kill(term, (self.foreground(term), term.pid), _SIGKILL)
