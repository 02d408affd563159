"""``runloop-local serve``: prints its URL and token, refuses remote binds, saves state on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from runloop_api import RunloopAPI
from runloop_local import LocalEngine
from runloop_local.cli import default_data_dir, is_loopback, main


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _spawn(data_dir: Path, port: int, *extra: str) -> subprocess.Popen[str]:
    """``runloop-local serve`` on ``port``, its output (stdout and stderr) readable."""
    command = [
        sys.executable,
        "-m",
        "runloop_local",
        "serve",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
    ]
    return subprocess.Popen([*command, *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _serve(data_dir: Path, *extra: str) -> tuple[subprocess.Popen[str], str, str]:
    port = _free_port()
    proc = _spawn(data_dir, port, *extra)
    assert proc.stdout is not None
    base_url = token = ""
    for _ in range(4):
        line = proc.stdout.readline()
        if "RUNLOOP_BASE_URL=" in line:
            base_url = line.split("=", 1)[1].strip()
        if "RUNLOOP_API_KEY=" in line:
            token = line.split("=", 1)[1].strip()
    assert base_url == f"http://127.0.0.1:{port}"
    assert token
    return proc, base_url, token


def _api(base_url: str, token: str) -> RunloopAPI:
    api = RunloopAPI(base_url=base_url, bearer_token=token, max_retries=5)
    for _ in range(200):
        try:
            api.devboxes.list(limit=1)
            return api
        except Exception:
            time.sleep(0.05)
    api.close()
    raise AssertionError("the server did not come up")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], RunloopAPI]]:
    proc, base_url, token = _serve(tmp_path / "data", "--token", "tok-123")
    assert token == "tok-123"
    api = _api(base_url, token)
    try:
        yield proc, api
    finally:
        api.close()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        assert proc.stdout is not None
        print(proc.stdout.read())
        proc.stdout.close()


def test_sigterm_ends_devboxes_and_saves_state(
    served: tuple[subprocess.Popen[str], RunloopAPI], tmp_path: Path
) -> None:
    proc, api = served
    view = api.devboxes.create_and_await_running(name="cli")
    run = api.devboxes.executions.execute_async(view.id, command="sleep 60")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0
    with (
        LocalEngine(tmp_path / "data") as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as again,
    ):
        assert again.devboxes.retrieve(view.id).status == "suspended"
        closed = again.devboxes.executions.retrieve(run.execution_id, devbox_id=view.id)
        assert (closed.status, closed.exit_status) == ("completed", 137)


def test_a_crashed_engine_is_recovered_truthfully(
    served: tuple[subprocess.Popen[str], RunloopAPI], tmp_path: Path
) -> None:
    proc, api = served
    view = api.devboxes.create_and_await_running(name="crash")
    run = api.devboxes.executions.execute_async(view.id, command="echo before; sleep 60")
    api.devboxes.executions.wait_for_status(run.execution_id, devbox_id=view.id, statuses=["running"])
    time.sleep(0.5)  # lets the reaper write the pending output
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with (
        LocalEngine(tmp_path / "data") as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as again,
    ):
        assert again.devboxes.retrieve(view.id).status == "suspended"
        closed = again.devboxes.executions.retrieve(run.execution_id, devbox_id=view.id)
        assert (closed.status, closed.exit_status, closed.stdout) == ("completed", 137, "before\n")


def test_the_printed_url_answers_the_first_request(tmp_path: Path) -> None:
    port = _free_port()
    proc = _spawn(tmp_path / "d", port)
    try:
        assert proc.stdout is not None
        assert "serving the Runloop API at" in proc.stdout.readline()
        # At once, as a script reading that line would: the socket listens already.
        with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
            conn.sendall(b"GET /v1/devboxes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert conn.recv(64).startswith(b"HTTP/1.1 401")  # served (no token), not refused
    finally:
        proc.kill()
        proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()


def test_remote_bind_needs_allow_remote(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    assert "--allow-remote" in capsys.readouterr().err


def test_helpers() -> None:
    assert is_loopback("127.0.0.1")
    assert is_loopback("::1")
    assert is_loopback("localhost")
    assert not is_loopback("0.0.0.0")
    assert not is_loopback("192.168.1.4")
    assert not is_loopback("example.com")
    assert default_data_dir().name == "runloop-local"
