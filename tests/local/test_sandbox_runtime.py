"""The sandbox runtime against real processes, with bubblewrap and without."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pytest

from runloop_local.sandbox import ExecHandle, Sandbox, SandboxError, SandboxSpec, start_sandbox

HAS_BWRAP = shutil.which("bwrap") is not None
ISOLATIONS = [
    pytest.param("none", id="none"),
    pytest.param(
        "bwrap",
        id="bwrap",
        marks=[pytest.mark.bwrap, pytest.mark.skipif(not HAS_BWRAP, reason="needs bwrap")],
    ),
]
TIMEOUT = 15.0


@dataclass
class Output:
    """What one execution wrote."""

    stdout: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)

    @property
    def out(self) -> str:
        return self.stdout.decode()

    @property
    def err(self) -> str:
        return self.stderr.decode()


async def start(
    sandbox: Sandbox, command: str, *, cwd: str | None = None, env: dict[str, str] | None = None
) -> tuple[ExecHandle, Output]:
    """Starts a command, collecting its output."""
    output = Output()
    handle = await sandbox.exec(
        command, on_stdout=output.stdout.extend, on_stderr=output.stderr.extend, cwd=cwd, env=env
    )
    return handle, output


async def run(sandbox: Sandbox, command: str, **kwargs: object) -> tuple[int, Output]:
    """Runs a command to its end."""
    handle, output = await start(sandbox, command, **kwargs)  # type: ignore[arg-type]
    return await asyncio.wait_for(handle.wait(), TIMEOUT), output


async def until(predicate: object, what: str) -> None:
    """Waits for an async predicate to hold."""
    assert callable(predicate)
    for _ in range(200):
        if await predicate():
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"timed out waiting for {what}")


async def process_state(sandbox: Sandbox, pid: int) -> str:
    """The state letter of a process in the sandbox ('' when it does not exist)."""
    _code, output = await run(sandbox, f"cut -d' ' -f3 /proc/{pid}/stat 2>/dev/null")
    return output.out.strip()


def host_processes_with(marker: str) -> list[int]:
    """Live host processes whose command line contains ``marker``."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{name}/cmdline").read_bytes().replace(b"\0", b" ")
            state = Path(f"/proc/{name}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        if marker.encode() in cmdline and state != b"Z":
            found.append(int(name))
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def http_get(port: int) -> bytes | None:
    """GET / from the host; None when nothing answers."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return None
    try:
        writer.write(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
        await writer.drain()
        return await asyncio.wait_for(reader.read(), 5)
    finally:
        writer.close()
        await writer.wait_closed()


@pytest.fixture(params=ISOLATIONS)
def isolation(request: pytest.FixtureRequest) -> Literal["bwrap", "none"]:
    value: Literal["bwrap", "none"] = request.param
    return value


@pytest.fixture
async def sandbox(tmp_path: Path, isolation: Literal["bwrap", "none"]) -> AsyncIterator[Sandbox]:
    sb = await start_sandbox(
        SandboxSpec("dbx_test", tmp_path / "dbx_test", env={"SPEC_VAR": "spec"}, isolation=isolation)
    )
    try:
        yield sb
    finally:
        await sb.stop()


async def test_exit_codes(sandbox: Sandbox) -> None:
    assert (await run(sandbox, "true"))[0] == 0
    assert (await run(sandbox, "exit 3"))[0] == 3
    assert (await run(sandbox, "kill -KILL $$"))[0] == 137
    assert (await run(sandbox, "kill -TERM $$"))[0] == 143
    assert (await run(sandbox, "no-such-command-xyz"))[0] == 127


async def test_stdout_and_stderr_are_separate_and_in_order(sandbox: Sandbox) -> None:
    code, output = await run(sandbox, "for i in 1 2 3; do echo out$i; echo err$i >&2; done; printf 'tail ✓'")
    assert code == 0
    assert output.out == "out1\nout2\nout3\ntail ✓"
    assert output.err == "err1\nerr2\nerr3\n"


async def test_ten_thousand_lines_in_order_on_both_streams(sandbox: Sandbox) -> None:
    expected = "".join(f"{i}\n" for i in range(1, 10001))
    first, second = await asyncio.gather(
        run(sandbox, "seq 1 10000; seq 1 10000 >&2"), run(sandbox, "seq 1 10000 | tee /dev/stderr")
    )
    for code, output in (first, second):
        assert code == 0
        assert output.out == expected and output.err == expected


async def test_environment_cwd_and_user(sandbox: Sandbox, tmp_path: Path) -> None:
    (tmp_path / "dbx_test" / "home" / "sub").mkdir()
    code, output = await run(
        sandbox,
        'echo "$SPEC_VAR $EXEC_VAR $USER $HOSTNAME"; pwd; cd ~ && pwd',
        cwd="sub",
        env={"EXEC_VAR": "exec"},
    )
    home = "/home/user" if sandbox.isolation == "bwrap" else str(tmp_path / "dbx_test" / "home")
    assert code == 0
    assert output.out == f"spec exec user dbx_test\n{home}/sub\n{home}\n"
    code, output = await run(sandbox, "pwd", cwd="/home/user/sub")  # the devbox's path, in both isolations
    assert (code, output.out) == (0, f"{home}/sub\n")
    code, output = await run(sandbox, "pwd", cwd="/no/such/dir")
    assert code == 1 and "/no/such/dir" in output.err


async def test_stdin_and_eof(sandbox: Sandbox) -> None:
    handle, output = await start(sandbox, "cat; echo done")
    await handle.write_stdin(b"hello\n")
    await handle.write_stdin(b"world")
    await handle.close_stdin()
    assert await asyncio.wait_for(handle.wait(), TIMEOUT) == 0
    assert output.out == "hello\nworlddone\n"

    handle, output = await start(sandbox, "wc -c")
    big = os.urandom(3 * 1024 * 1024)
    await asyncio.gather(handle.write_stdin(big), handle.close_stdin())
    assert await asyncio.wait_for(handle.wait(), TIMEOUT) == 0
    assert output.out.strip() == str(len(big))
    await handle.write_stdin(b"ignored: the command has ended")


@pytest.mark.parametrize("process_group", [True, False])
async def test_kill_with_and_without_process_group(sandbox: Sandbox, process_group: bool) -> None:
    handle, output = await start(sandbox, "sleep 300 & echo $!; wait")

    async def pid_printed() -> bool:
        return output.out.endswith("\n")

    await until(pid_printed, "the background pid")
    child = int(output.out)
    assert handle.pid > 0 and child != handle.pid
    await handle.kill(process_group=process_group)
    assert await asyncio.wait_for(handle.wait(), TIMEOUT) == 137

    async def child_gone() -> bool:
        return await process_state(sandbox, child) in ("", "Z")

    if process_group:
        await until(child_gone, "the child to die with its group")
    else:
        assert await process_state(sandbox, child) in ("S", "R")
        await run(sandbox, f"kill -9 {child}")
    await handle.kill()  # a no-op once ended


async def test_background_processes_persist_and_a_loopback_server_answers_the_host(sandbox: Sandbox) -> None:
    port = free_port()
    # No redirection: the server keeps the execution's pipes, which must neither delay its end
    # nor break the server when it logs a request afterwards.
    code, _ = await run(sandbox, f"python3 -m http.server {port} --bind 127.0.0.1 & echo started")
    assert code == 0

    async def answers() -> bool:
        return (await http_get(port) or b"").startswith(b"HTTP/1.0 200")

    await until(answers, "the server in the sandbox")
    assert await answers()  # it survived logging the first request to a pipe nobody reads
    probe = f"import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:{port}/').status)"
    code, output = await run(sandbox, f'python3 -c "{probe}"')
    assert (code, output.out) == (0, "200\n")


async def test_files_in_home_are_on_the_host(sandbox: Sandbox, tmp_path: Path) -> None:
    home = tmp_path / "dbx_test" / "home"
    (home / "from-host.txt").write_text("host")
    code, output = await run(
        sandbox, "cat ~/from-host.txt; echo sandbox > ~/from-sandbox.txt; echo t > /tmp/t"
    )
    assert (code, output.out) == (0, "host")
    assert (home / "from-sandbox.txt").read_text() == "sandbox\n"
    if sandbox.isolation == "bwrap":
        assert (tmp_path / "dbx_test" / "tmp" / "t").read_text() == "t\n"


async def test_start_fails_clearly(tmp_path: Path, isolation: Literal["bwrap", "none"]) -> None:
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(SandboxError, match="cannot create the folders"):
        await start_sandbox(SandboxSpec("dbx_bad", tmp_path / "file", isolation=isolation))


async def test_bad_requests_are_refused_without_harming_the_sandbox(sandbox: Sandbox) -> None:
    with pytest.raises(SandboxError, match="NUL"):
        await sandbox.exec("echo \0", on_stdout=print, on_stderr=print)
    with pytest.raises(SandboxError, match="environment variable"):
        await sandbox.exec("true", on_stdout=print, on_stderr=print, env={"A=B": "c"})
    assert (await run(sandbox, "echo still fine"))[1].out == "still fine\n"


async def test_64_commands_at_once_keep_the_agent_alive(sandbox: Sandbox) -> None:
    # Pipes of ended commands are closed while a batch of poll events is handled and their
    # numbers are reused by new commands at once: a stale event once killed the agent.
    async def worker(number: int) -> None:
        for round_ in range(40):
            code, output = await run(sandbox, f"echo o{number}-{round_}; echo e{number} >&2")
            assert (code, output.out, output.err) == (0, f"o{number}-{round_}\n", f"e{number}\n")

    await asyncio.gather(*(worker(number) for number in range(64)))
    assert sandbox.alive


async def test_stdin_pending_for_a_command_that_closed_it_is_dropped(sandbox: Sandbox) -> None:
    handle, output = await start(sandbox, "exec 0<&-; sleep 0.2; echo done")
    await handle.write_stdin(b"x" * (1 << 20))  # more than a pipe holds: some stays pending
    assert await asyncio.wait_for(handle.wait(), TIMEOUT) == 0
    assert output.out == "done\n"
    code, again = await run(sandbox, "echo next")
    assert (code, again.out) == (0, "next\n")
