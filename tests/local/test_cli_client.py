"""``runloop-local ls / exec / logs / shell / shutdown`` against a ``runloop-local serve`` subprocess."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import signal
import stat
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from runloop_api import RunloopAPI
from runloop_api.types import DevboxView
from runloop_local.cli import main
from runloop_local.client.commands import command_line, format_devboxes
from runloop_local.client.lookup import UnknownDevboxError, pick_by_name
from runloop_local.client.server_file import (
    NoEngineError,
    ServerInfo,
    parse_server_file,
    read_server_file,
    write_server_file,
)

from .test_cli import _api, _free_port, _serve


@dataclass
class Served:
    proc: subprocess.Popen[str]
    api: RunloopAPI
    data_dir: Path
    base_url: str
    token: str


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data_dir = tmp_path_factory.mktemp("cli-client") / "data"
    proc, base_url, token = _serve(data_dir)
    api = _api(base_url, token)
    try:
        yield Served(proc, api, data_dir, base_url, token)
    finally:
        api.close()
        proc.send_signal(signal.SIGTERM)  # ends its devboxes and unmounts their roots
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Ran]:
    """``runloop-local ARGS...``, run in this process (a new process costs a second of imports)."""

    def run(*args: str) -> Ran:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run


def _running(served: Served, name: str) -> DevboxView:
    return served.api.devboxes.create_and_await_running(name=name)


def test_serve_writes_its_url_and_token_for_its_owner_only(served: Served) -> None:
    path = served.data_dir / "server.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    info = read_server_file(served.data_dir)
    assert (info.base_url, info.token, info.pid) == (served.base_url, served.token, served.proc.pid)


def test_a_stopped_engine_removes_its_server_file(tmp_path: Path) -> None:
    proc, base_url, token = _serve(tmp_path / "data")
    try:
        _api(base_url, token).close()  # up, its signal handlers set
        assert (tmp_path / "data" / "server.json").is_file()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        assert not (tmp_path / "data" / "server.json").exists()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()


def test_ls_lists_what_runs_and_all_shows_the_ended(served: Served, cli: Callable[..., Ran]) -> None:
    keep = _running(served, "ls-keep")
    gone = _running(served, "ls-gone")
    served.api.devboxes.shutdown(gone.id)
    out = cli("ls", "--data-dir", str(served.data_dir))
    assert out.returncode == 0, out.stderr
    header, *rows = out.stdout.splitlines()
    assert header.split() == ["ID", "STATUS", "CREATED", "NAME"]
    assert any(row.startswith(keep.id) and "running" in row and row.endswith("ls-keep") for row in rows)
    assert not any(gone.id in row for row in rows)
    everything = cli("ls", "--all", "--data-dir", str(served.data_dir))
    assert any(row.startswith(gone.id) and " shutdown " in row for row in everything.stdout.splitlines())


def test_exec_streams_both_outputs_and_answers_the_commands_exit_status(
    served: Served, cli: Callable[..., Ran]
) -> None:
    box = _running(served, "exec-box")
    command = [
        str(Path(sys.executable).with_name("runloop-local")),
        "exec",
        "--data-dir",
        str(served.data_dir),
        "exec-box",
    ]
    # The installed command, as a person types it.
    out = subprocess.run(
        [*command, "echo out; echo err >&2; exit 3"], capture_output=True, text=True, timeout=60
    )
    assert (out.returncode, out.stdout, out.stderr) == (3, "out\n", "err\n")
    # By id, and several words joined as ssh does.
    words = cli("exec", "--data-dir", str(served.data_dir), box.id, "printf", "%s-", "a", "b")
    assert (words.returncode, words.stdout) == (0, "a-b-\n")
    logs = cli("logs", "--data-dir", str(served.data_dir), "exec-box")
    assert logs.returncode == 0, logs.stderr
    lines = logs.stdout.splitlines()
    assert any("exec" in line and "started: echo out; echo err >&2; exit 3" in line for line in lines)
    assert any("exited with status 3" in line for line in lines)


def test_shutdown_ends_a_devbox_left_running(served: Served, cli: Callable[..., Ran]) -> None:
    box = _running(served, "left-behind")
    out = cli("shutdown", "--data-dir", str(served.data_dir), "left-behind")
    assert (out.returncode, out.stdout) == (0, f"{box.id} shutdown (left-behind)\n")
    assert served.api.devboxes.retrieve(box.id).status == "shutdown"
    # Its name no longer picks it: the devbox has ended.
    again = cli("exec", "--data-dir", str(served.data_dir), "left-behind", "true")
    assert again.returncode == 1
    assert "no devbox has the id or name 'left-behind'" in again.stderr


def test_shell_is_a_terminal_in_the_devbox(served: Served) -> None:
    box = _running(served, "shell-box")
    pid, fd = pty.fork()
    if pid == 0:  # the child: runloop-local shell on a terminal of its own
        os.execv(
            sys.executable,
            [sys.executable, "-m", "runloop_local", "shell", "--data-dir", str(served.data_dir), box.id],
        )
    try:
        _read_until(fd, b":~$ ")  # the devbox's prompt
        os.write(fd, b"echo $((6 * 7))-$(hostname)\r")  # typed as on a keyboard: Enter is \r
        seen = _read_until(fd, f"42-{box.id}".encode())
        assert f"42-{box.id}".encode() in seen
        # This terminal is resized: the devbox's follows (SIGWINCH -> a resize of the session).
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 33, 111, 0, 0))
        for _ in range(50):
            os.write(fd, b"stty size\r")
            if b"33 111" in _read_until(fd, b":~$ "):
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the devbox's terminal did not follow the resize")
        os.write(fd, b"exit\r")
        _read_until(fd, b"")  # to the end: the shell exited, so the command does
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        pid = 0
    finally:
        if pid:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)


def _read_until(fd: int, wanted: bytes, timeout: float = 30) -> bytes:
    """Reads the terminal until ``wanted`` was printed (``b""``: until it closes)."""
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not select.select([fd], [], [], 0.2)[0]:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the other side closed
            chunk = b""
        if not chunk:
            if wanted:
                raise AssertionError(f"the terminal closed before {wanted!r}; printed: {seen!r}")
            return seen
        seen += chunk
        if wanted and wanted in seen:
            return seen
    raise AssertionError(f"no {wanted!r} within {timeout} s; printed: {seen!r}")


def test_unknown_devbox_and_missing_engine_are_clear_errors(
    served: Served, cli: Callable[..., Ran], tmp_path: Path
) -> None:
    for command in ("logs", "shell"):
        out = cli(command, "--data-dir", str(served.data_dir), "dbx_nope")
        assert (out.returncode, out.stdout) == (1, "")
        assert "runloop-local: no devbox has the id or name 'dbx_nope'" in out.stderr
    nothing = cli("ls", "--data-dir", str(tmp_path / "empty"))
    assert nothing.returncode == 1
    assert f"no engine is running on the data dir {tmp_path / 'empty'}" in nothing.stderr
    assert "runloop-local serve --data-dir" in nothing.stderr
    # A server file left by an engine that was killed: nobody listens at its URL any more.
    stale = tmp_path / "stale"
    stale.mkdir()
    url = f"http://127.0.0.1:{_free_port()}"
    write_server_file(stale, ServerInfo(base_url=url, token="t", pid=1))
    out = cli("ls", "--data-dir", str(stale))
    assert out.returncode == 1
    assert f"no engine answers at {url}" in out.stderr


def _view(devbox_id: str, name: str | None, status: str) -> DevboxView:
    return DevboxView.model_validate(
        {
            "id": devbox_id,
            "name": name,
            "status": status,
            "create_time_ms": 0,
            "capabilities": [],
            "launch_parameters": {},
            "metadata": {},
            "state_transitions": [],
        }
    )


def test_a_name_picks_the_one_devbox_not_ended() -> None:
    views = [
        _view("dbx_1", "a", "shutdown"),
        _view("dbx_2", "a", "running"),
        _view("dbx_3", "b", "suspended"),
    ]
    assert pick_by_name(views, "a").id == "dbx_2"
    assert pick_by_name(views, "b").id == "dbx_3"
    with pytest.raises(UnknownDevboxError, match="no devbox has the id or name 'c'"):
        pick_by_name(views, "c")
    with pytest.raises(UnknownDevboxError, match=r"several devboxes are called 'a' \(dbx_2, dbx_4\)"):
        pick_by_name([*views, _view("dbx_4", "a", "running")], "a")


def test_pure_helpers() -> None:
    assert command_line(["echo hi | wc -c"]) == "echo hi | wc -c"
    assert command_line(["ls", "-la", "/tmp"]) == "ls -la /tmp"
    lines = format_devboxes([_view("dbx_long_id", "n", "running"), _view("dbx_2", None, "suspended")])
    assert [line.split() for line in lines][1:] == [
        ["dbx_long_id", "running", *lines[1].split()[2:4], "n"],
        ["dbx_2", "suspended", *lines[2].split()[2:4]],
    ]
    assert lines[1].index("running") == lines[2].index("suspended")  # columns line up
    with pytest.raises(NoEngineError, match="is not a runloop-local server file"):
        parse_server_file(json.dumps({"base_url": "x"}), Path("server.json"))
    with pytest.raises(NoEngineError, match="wrong type"):
        parse_server_file(json.dumps({"base_url": "x", "token": 1, "pid": 2}), Path("server.json"))
