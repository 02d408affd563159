"""The agent: the first process of a sandbox, running the devbox's commands for the engine.

Run as ``python3 -I -S agent.py`` (with ``_wire.py`` beside it) so that it starts in about
10 ms: it imports only small builtin modules (no ``subprocess``, ``selectors``, ``json``,
``signal`` or ``typing``, which cost 15 ms or more), and nothing else of this package, which
the sandbox cannot see.

It reads requests from its stdin and writes events to its stdout, as frames (``_wire``).
Each execution is ``bash -c <command>`` in a new session (its process group id is its pid),
with three pipes. When bash ends, the agent reads what is left in its stdout and stderr pipes,
sends it, then sends EXIT: later output of processes it left in the background is read and
dropped (so that they never get EPIPE) until they close the pipes.
"""

from __future__ import annotations

import os
import select
import sys
from fcntl import F_SETPIPE_SZ, fcntl

try:
    from . import _wire as wire
except ImportError:  # run as a script (in the sandbox): _wire.py lies beside it
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import _wire as wire  # type: ignore[import-not-found,no-redef,unused-ignore]

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing costs 14 ms of start time
if TYPE_CHECKING:
    from typing import Any

MAX_READ = 256 * 1024
"""Most bytes of one read of a command's output, and so of one output frame. Fewer, larger frames
cost the agent, the engine and the streams less each (at 64 KiB, a streamed fast command paid
per-frame work about 16 times a MiB in every process)."""

PIPE_BYTES = 1024 * 1024
"""Capacity asked for the pipes that carry output (a command's to the agent, the agent's to the
engine): the default 64 KiB holds a fast writer to reads of 64 KiB and a wake-up for each."""


def _widen_pipe(fd: int) -> None:
    """Asks for a pipe of :data:`PIPE_BYTES` (a capacity refused is only slower, never wrong)."""
    try:  # noqa: SIM105 (contextlib is one more import at every sandbox start)
        fcntl(fd, F_SETPIPE_SZ, PIPE_BYTES)
    except OSError:
        pass


_SIGKILL = 9


class _Exec:
    """One command run by the agent."""

    def __init__(self, exec_id: int, pid: int, stdin: int, stdout: int, stderr: int) -> None:
        self.id, self.pid = exec_id, pid
        self.stdin: int | None = stdin
        self.pending = bytearray()
        self.eof = False
        self.ended = False
        self.outputs = {stdout: wire.STDOUT, stderr: wire.STDERR}


class Agent:
    """The agent's state and event loop (not used by the engine, which runs it as a script)."""

    def __init__(self) -> None:
        self.inbox = bytearray()
        self.outbox = bytearray()
        # Output is read into this one buffer and written from it: a new 256 KiB object per read
        # (os.read) cost ~600 page faults a MB of output, fresh memory from the allocator each
        # time, about as much CPU as all the agent's other work on a virtual machine.
        self.read_buffer = bytearray(MAX_READ)
        self.read_view = memoryview(self.read_buffer)
        _widen_pipe(1)
        self.execs: dict[int, _Exec] = {}
        self.by_pid: dict[int, _Exec] = {}
        self.by_fd: dict[int, _Exec] = {}
        self.poll = select.poll()
        # Descriptors closed while one batch of poll events is handled: a later event of the
        # batch for the same number is stale, even when a new pipe has taken that number since.
        self.closed_in_batch: set[int] = set()
        self.env: dict[str, str] = {}
        self.home = os.getcwd()
        self.subreaper = False
        self.muted = False  # once ending: the engine may be gone, and nothing must stop the cleanup
        self.terminals: Any = None  # _agent_pty.Terminals, made on the first PTY_OPEN
        self.bash = next((p for p in ("/bin/bash", "/usr/bin/bash") if os.path.exists(p)), "/bin/bash")
        import _signal  # type: ignore[import-not-found,unused-ignore]  # the builtin behind `signal`, without its 5 ms of enum imports

        self.signal: Any = _signal
        self.wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        _signal.signal(_signal.SIGCHLD, lambda signum, frame: None)
        _signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
        self.poll.register(self.wake_r, select.POLLIN)
        self.poll.register(0, select.POLLIN)

    def send(self, kind: int, exec_id: int, payload: bytes = b"") -> None:
        if not self.muted:
            self.outbox += wire.encode_frame(kind, exec_id, payload)

    def flush(self) -> None:
        if not self.outbox:
            return
        view = memoryview(self.outbox)
        while view:
            view = view[os.write(1, view) :]
        view.release()
        self.outbox.clear()

    def run(self) -> None:
        self.send(wire.READY, 0, str(os.getpid()).encode())
        self.flush()
        try:
            while True:
                self.closed_in_batch.clear()
                for fd, events in self.poll.poll():
                    if fd in self.closed_in_batch:
                        continue
                    if fd == 0:
                        if not self.read_requests():
                            return
                    elif fd == self.wake_r:
                        os.read(fd, 4096)
                        self.reap()
                    elif fd in self.by_fd:
                        ex = self.by_fd[fd]
                        if fd == ex.stdin:
                            self.write_stdin(ex)
                        else:
                            self.read_output(fd)
                    elif self.terminals is not None and fd in self.terminals.by_fd:
                        self.terminals.ready(fd, events)
                self.flush()
        finally:
            self.kill_all()

    def read_requests(self) -> bool:
        data = os.read(0, 1 << 18)
        if not data:
            return False
        self.inbox += data
        for kind, exec_id, payload in wire.split_frames(self.inbox):
            if kind == wire.SHUTDOWN:
                return False
            try:
                self.handle(kind, exec_id, payload)
            except Exception as exc:  # one bad request must not end the sandbox
                if kind == wire.EXEC:
                    self.fail(exec_id, 126, f"bash: cannot start the command: {exc}\n")
                elif kind == wire.PTY_OPEN:
                    self.terminals_of_agent().fail(exec_id, f"cannot open the terminal: {exc}\r\n")
                else:
                    self.send(wire.LOG, 0, f"request {kind} of execution {exec_id} failed: {exc!r}".encode())
        return True

    def handle(self, kind: int, exec_id: int, payload: bytes) -> None:
        if kind == wire.INIT:
            flags, self.home, *env = wire.decode_fields(payload)
            self.env = wire.parse_env(env)
            if "s" in flags:
                self.become_subreaper()
            return
        if kind == wire.EXEC:
            self.start(exec_id, payload)
            return
        if wire.PTY_OPEN <= kind <= wire.PTY_CLOSE:
            self.terminals_of_agent().handle(kind, exec_id, payload)
            return
        ex = self.execs.get(exec_id)
        if ex is None or ex.ended:
            return
        if kind == wire.STDIN and ex.stdin is not None and not ex.eof:
            ex.pending += payload
            self.poll.register(ex.stdin, select.POLLOUT)
        elif kind == wire.EOF:
            ex.eof = True
            if not ex.pending:
                self.close_stdin(ex)
        elif kind == wire.KILL:
            self.signal_exec(ex, _SIGKILL, payload == b"g")
        elif kind == wire.SIGNAL:
            signum, group = wire.decode_signal(payload)
            self.signal_exec(ex, signum, group)

    def terminals_of_agent(self) -> Any:
        """The terminals (``_agent_pty``, imported on first use: it costs start time)."""
        if self.terminals is None:
            try:
                from . import _agent_pty
            except ImportError:  # run as a script: _agent_pty.py lies beside it
                import _agent_pty  # type: ignore[import-not-found,no-redef,unused-ignore]
            self.terminals = _agent_pty.Terminals(self)
        return self.terminals

    def signal_exec(self, ex: _Exec, signum: int, group: bool) -> None:
        """Sends a signal to a command (its pid is its process group id); gone already is fine."""
        try:
            if group:
                os.killpg(ex.pid, signum)
            else:
                os.kill(ex.pid, signum)
        except OSError:
            pass

    def start(self, exec_id: int, payload: bytes) -> None:
        cwd, command, *env_items = wire.decode_fields(payload)
        env = {**self.env, **wire.parse_env(env_items)}
        cwd = os.path.join(self.home, cwd) if cwd else self.home
        fds: list[int] = []
        try:
            for _ in range(3):
                fds += os.pipe()
        except OSError as exc:  # out of file descriptors, say
            for fd in fds:
                os.close(fd)
            self.fail(exec_id, 126, f"bash: cannot start the command: {exc.strerror}\n")
            return
        in_r, in_w, out_r, out_w, err_r, err_w = fds
        _widen_pipe(out_w)
        _widen_pipe(err_w)
        # posix_spawn (vfork) costs 0.6 ms less than fork; it cannot chdir before Python 3.13, so
        # the agent (single-threaded) moves there for the spawn and back.
        try:
            os.chdir(cwd)
        except OSError as exc:
            for fd in fds:
                os.close(fd)
            self.fail(exec_id, 1, f"bash: line 1: cd: {cwd}: {exc.strerror}\n")
            return
        sig = self.signal
        try:
            pid = os.posix_spawn(
                self.bash,
                ["bash", "-c", command],
                env,
                file_actions=[
                    (os.POSIX_SPAWN_DUP2, fd, target) for target, fd in enumerate((in_r, out_w, err_w))
                ],
                setsid=True,
                # SIGINT and SIGQUIT too: ignored when the engine was started in the background
                # by a shell, and a command that inherits that can never be interrupted.
                setsigdef=(sig.SIGPIPE, sig.SIGXFSZ, sig.SIGCHLD, sig.SIGINT, sig.SIGQUIT),
            )
        except OSError as exc:
            for fd in (in_w, out_r, err_r):
                os.close(fd)
            self.fail(exec_id, 127, f"bash: cannot run {self.bash}: {exc}\n")
            return
        finally:
            for fd in (in_r, out_w, err_w):
                os.close(fd)
            try:  # noqa: SIM105
                os.chdir(self.home)
            except OSError:
                pass
        os.set_blocking(in_w, False)
        os.set_blocking(out_r, False)
        os.set_blocking(err_r, False)
        ex = _Exec(exec_id, pid, in_w, out_r, err_r)
        self.execs[exec_id] = self.by_pid[pid] = ex
        for fd in (in_w, out_r, err_r):
            self.by_fd[fd] = ex
        self.poll.register(out_r, select.POLLIN)
        self.poll.register(err_r, select.POLLIN)
        self.send(wire.STARTED, exec_id, str(pid).encode())

    def fail(self, exec_id: int, code: int, message: str) -> None:
        """Reports a command that could not start, the way bash would have."""
        self.send(wire.STARTED, exec_id, b"0")
        self.send(wire.STDERR, exec_id, message.encode("utf-8", "surrogateescape"))
        self.send(wire.EXIT, exec_id, str(code).encode())

    def close_fd(self, fd: int, *, registered: bool) -> None:
        """Closes a descriptor, marking the events of this batch for its number as stale."""
        if registered:
            self.poll.unregister(fd)
        os.close(fd)
        self.closed_in_batch.add(fd)

    def write_stdin(self, ex: _Exec) -> None:
        assert ex.stdin is not None
        try:
            written = os.write(ex.stdin, ex.pending)
        except BlockingIOError:
            return
        except OSError:  # the command closed its stdin: what is left cannot be delivered
            self.close_stdin(ex)
            return
        del ex.pending[:written]
        if not ex.pending:
            self.poll.unregister(ex.stdin)
            if ex.eof:
                self.close_stdin(ex)

    def close_stdin(self, ex: _Exec) -> None:
        if ex.stdin is None:
            return
        del self.by_fd[ex.stdin]
        self.close_fd(ex.stdin, registered=bool(ex.pending))
        ex.pending.clear()
        ex.stdin = None

    def read_output(self, fd: int) -> bool:
        """Reads one chunk from an output pipe; returns False at EOF or when nothing is there."""
        ex = self.by_fd[fd]
        try:
            size = os.readv(fd, (self.read_buffer,))
        except BlockingIOError:
            return False
        if not size:
            del self.by_fd[fd]
            del ex.outputs[fd]
            self.close_fd(fd, registered=True)
            self.forget(ex)
            return False
        if not ex.ended and not self.muted:
            self.write_frame(wire.HEADER.pack(ex.outputs[fd], ex.id, size), self.read_view[:size])
        return True

    def write_frame(self, header: bytes, payload: memoryview) -> None:
        """Writes one frame to the engine now, after what waits in the outbox (no copy of the
        payload unless the pipe takes only part of it)."""
        self.flush()
        done = os.writev(1, (header, payload))
        if done < len(header):
            self.outbox += header[done:]
            self.outbox += payload
        elif done < len(header) + len(payload):
            self.outbox += payload[done - len(header) :]
        self.flush()

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            ex = self.by_pid.pop(pid, None)
            if ex is None:  # a terminal's shell, or an orphan adopted by this subreaper
                if self.terminals is not None:
                    self.terminals.reaped(pid, status)
                continue
            for fd in list(ex.outputs):
                # Bounded: a background process may be writing to the same pipe without end.
                for _ in range(256):
                    if not (fd in ex.outputs and self.read_output(fd)):
                        break
            ex.ended = True
            self.close_stdin(ex)
            self.send(wire.EXIT, ex.id, str(wire.exit_code(status)).encode())
            self.forget(ex)

    def forget(self, ex: _Exec) -> None:
        if ex.ended and not ex.outputs:
            self.execs.pop(ex.id, None)

    def become_subreaper(self) -> None:
        """Adopts orphaned descendants, so that ``kill_all`` can find them (no pid namespace)."""
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
            self.subreaper = True
        except Exception as exc:
            self.send(wire.LOG, 0, f"cannot become a subreaper: {exc}".encode())

    def kill_all(self) -> None:
        """Kills every command and, when a subreaper, every descendant."""
        self.muted = True
        self.outbox.clear()
        if self.terminals is not None:
            self.terminals.kill_all()
        for ex in list(self.execs.values()):
            # An ended command's pid may be reused, but not while its group has members.
            for kill in (os.killpg,) if ex.ended else (os.killpg, os.kill):
                try:  # noqa: SIM105 - contextlib costs the agent 2 ms of start time
                    kill(ex.pid, _SIGKILL)
                except OSError:
                    pass
        if not self.subreaper:
            return
        for _ in range(50):
            pids = descendants(os.getpid())
            if not pids:
                return
            for pid in pids:
                try:  # noqa: SIM105
                    os.kill(pid, _SIGKILL)
                except OSError:
                    pass
            self.reap()


def descendants(root: int) -> list[int]:
    """Lists the live (not zombie) descendants of a process, from ``/proc``.

    Args:
        root: The ancestor's pid.

    Returns:
        Their pids.
    """
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != b"Z":
            children.setdefault(int(fields[1]), []).append(int(name))
    found: list[int] = []
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def drop_to(user: str) -> None:
    """Forks the root ``sudo`` server (``_agent_sudo``), then becomes ``uid:gid:name`` for good.

    The server lets go of the engine's pipes, so that the engine still sees the agent's end.
    """
    uid, gid, name = user.split(":", 2)
    if os.fork() == 0:
        try:
            null = os.open("/dev/null", os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            try:
                from . import _agent_sudo
            except ImportError:  # run as a script: _agent_sudo.py lies beside it
                import _agent_sudo  # type: ignore[import-not-found,no-redef,unused-ignore]
            _agent_sudo.serve_forever()
        finally:
            os._exit(1)
    os.initgroups(name, int(gid))
    os.setgid(int(gid))
    os.setuid(int(uid))


def main() -> None:
    """Runs the agent on stdin and stdout until the engine closes stdin or asks to shut down.

    ``agent.py --drop-to UID:GID:NAME`` starts as root, forks the ``sudo`` server and drops to
    that user first.
    """
    if len(sys.argv) == 3 and sys.argv[1] == "--drop-to":
        drop_to(sys.argv[2])
    agent = Agent()
    try:  # noqa: SIM105
        agent.run()
    except BrokenPipeError:  # the engine is gone
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
