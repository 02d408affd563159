"""SSH into devboxes end to end: a stock OpenSSH client (``ssh``, ``scp``) against the engine's server."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from runloop_api import RunloopAPI
from runloop_api.types import DevboxCreateSshKeyView, DevboxView
from runloop_local import LocalEngine
from runloop_sdk import RunloopSDK

pytestmark = [
    pytest.mark.bwrap,
    pytest.mark.skipif(
        shutil.which("ssh") is None, reason="ssh is not installed (apt-get install openssh-client)"
    ),
]

TIMEOUT = 60
_OPTIONS = [
    "-o", "StrictHostKeyChecking=no",
    "-o", "UserKnownHostsFile=/dev/null",
    "-o", "IdentitiesOnly=yes",
    "-o", "BatchMode=yes",
    "-o", "LogLevel=ERROR",
    "-F", "/dev/null",
]  # fmt: skip


def _key_file(folder: Path, key: DevboxCreateSshKeyView, name: str = "key") -> Path:
    path = folder / name
    path.write_text(key.ssh_private_key)
    path.chmod(0o600)
    return path


def ssh(key: DevboxCreateSshKeyView, key_file: Path, *args: str, user: str | None = None,
        stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:  # fmt: skip
    """Runs the stock client as a user would: ``ssh -i KEY -p PORT USER@HOST ARGS``."""
    target = f"{user or key.ssh_user}@{key.url}"
    return subprocess.run(
        ["ssh", "-i", str(key_file), "-p", str(key.port), *_OPTIONS, *args[:-1], target, args[-1]]
        if args and args[0].startswith("-")
        else ["ssh", "-i", str(key_file), "-p", str(key.port), *_OPTIONS, target, *args],
        input=stdin,
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )


@pytest.fixture(scope="module")
def box(api: RunloopAPI) -> Iterator[DevboxView]:
    view = api.devboxes.create_and_await_running(name="ssh")
    yield view
    api.devboxes.shutdown(view.id)


@pytest.fixture(scope="module")
def key(api: RunloopAPI, box: DevboxView) -> DevboxCreateSshKeyView:
    return api.devboxes.create_ssh_key(box.id)


@pytest.fixture
def key_file(tmp_path: Path, key: DevboxCreateSshKeyView) -> Path:
    return _key_file(tmp_path, key)


def test_the_key_answer_is_what_a_client_needs(key: DevboxCreateSshKeyView, box: DevboxView) -> None:
    assert key.id == box.id
    assert key.ssh_private_key.startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    assert key.ssh_user == "user"
    assert key.url == "127.0.0.1"
    assert isinstance(key.port, int) and key.port > 0


def test_a_command_runs_in_the_devbox_as_its_user(
    key: DevboxCreateSshKeyView, key_file: Path, box: DevboxView
) -> None:
    done = ssh(key, key_file, "echo hi; echo oops >&2; id -un; pwd; echo $HOSTNAME")
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().splitlines() == ["hi", "user", "/home/user", box.id]
    assert done.stderr == b"oops\n"


def test_the_exit_status_comes_back(key: DevboxCreateSshKeyView, key_file: Path) -> None:
    assert ssh(key, key_file, "exit 7").returncode == 7
    assert ssh(key, key_file, "false").returncode == 1


def test_stdin_reaches_the_command_and_its_end_too(key: DevboxCreateSshKeyView, key_file: Path) -> None:
    done = ssh(key, key_file, "wc -c; echo done", stdin=b"x" * 100_000)
    assert done.stdout == b"100000\ndone\n"


def test_a_terminal_session_with_a_command(key: DevboxCreateSshKeyView, key_file: Path) -> None:
    done = ssh(key, key_file, "-tt", "tty; echo $TERM; exit 3")
    assert done.returncode == 3
    out = done.stdout.decode()
    assert "/dev/pts/" in out  # a real terminal: \r\n line ends
    assert "\r\n" in out


def test_an_interactive_shell_runs_what_is_typed(key: DevboxCreateSshKeyView, key_file: Path) -> None:
    done = ssh(key, key_file, "-tt", stdin=b"echo A$((40+2))B\nexit 5\n")
    assert done.returncode == 5, done
    assert b"A42B" in done.stdout


def test_scp_copies_5_mb_up_and_down_byte_for_byte(
    key: DevboxCreateSshKeyView, key_file: Path, tmp_path: Path
) -> None:
    if not any(
        os.access(p, os.X_OK) for p in ("/usr/lib/openssh/sftp-server", "/usr/libexec/openssh/sftp-server")
    ):
        pytest.skip("sftp-server is not installed (apt-get install openssh-sftp-server)")
    data = os.urandom(5 * 1024 * 1024)
    (tmp_path / "up.bin").write_bytes(data)
    scp = ["scp", "-i", str(key_file), "-P", str(key.port), *_OPTIONS]
    remote = f"{key.ssh_user}@{key.url}"
    up = subprocess.run(
        [*scp, str(tmp_path / "up.bin"), f"{remote}:big/"], capture_output=True, timeout=TIMEOUT
    )
    assert up.returncode != 0  # no such folder: scp's error comes back
    ssh(key, key_file, "mkdir -p big")
    up = subprocess.run(
        [*scp, str(tmp_path / "up.bin"), f"{remote}:big/"], capture_output=True, timeout=TIMEOUT
    )
    assert up.returncode == 0, up.stderr
    stat = ssh(key, key_file, "stat -c '%u %s' big/up.bin; sha256sum < big/up.bin")
    assert stat.stdout.decode().split() == ["1000", str(len(data)), hashlib.sha256(data).hexdigest(), "-"]
    down = subprocess.run(
        [*scp, f"{remote}:big/up.bin", str(tmp_path / "down.bin")], capture_output=True, timeout=TIMEOUT
    )
    assert down.returncode == 0, down.stderr
    assert (tmp_path / "down.bin").read_bytes() == data


def test_a_key_not_made_by_the_engine_is_refused(key: DevboxCreateSshKeyView, tmp_path: Path) -> None:
    import asyncssh

    stranger = asyncssh.generate_private_key("ssh-ed25519")
    path = tmp_path / "stranger"
    path.write_bytes(stranger.export_private_key())
    path.chmod(0o600)
    done = ssh(key, path, "echo in")
    assert done.returncode == 255
    assert b"Permission denied" in done.stderr
    assert done.stdout == b""


def test_a_key_of_one_devbox_does_not_open_another(
    api: RunloopAPI, key: DevboxCreateSshKeyView, key_file: Path, box: DevboxView, tmp_path: Path
) -> None:
    other = api.devboxes.create_and_await_running(name="ssh-other")
    try:
        other_key = api.devboxes.create_ssh_key(other.id)
        other_file = _key_file(tmp_path, other_key, "other")
        # The devbox id as user name picks a devbox: only its own keys open it.
        refused = ssh(key, key_file, "echo in", user=other.id)
        assert refused.returncode == 255
        assert b"Permission denied" in refused.stderr
        assert ssh(key, other_file, "echo in", user=box.id).returncode == 255
        assert ssh(key, other_file, "echo $HOSTNAME", user=other.id).stdout == f"{other.id}\n".encode()
        assert ssh(key, other_file, "echo $HOSTNAME").stdout == f"{other.id}\n".encode()
    finally:
        api.devboxes.shutdown(other.id)
    stopped = ssh(key, other_file, "echo in")
    assert stopped.returncode == 255
    assert b"not running" in stopped.stderr


def test_signals_and_hangups_reach_the_command(key: DevboxCreateSshKeyView, key_file: Path) -> None:
    import asyncssh

    async def run() -> None:
        client_key = asyncssh.import_private_key(key.ssh_private_key)
        async with asyncssh.connect(
            key.url, key.port, username=key.ssh_user, client_keys=[client_key], known_hosts=None
        ) as conn:
            proc = await conn.create_process("trap 'echo got-INT; exit 9' INT; echo ready; sleep 30 & wait")
            assert (await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)) == "ready\n"
            proc.send_signal("INT")
            assert (await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)) == "got-INT\n"
            assert (await asyncio.wait_for(proc.wait(), TIMEOUT)).exit_status == 9
            # A client that goes away hangs its command up (as sshd does).
            await conn.run("rm -f hup.txt", check=True)
            proc = await conn.create_process(
                "trap 'echo hup > hup.txt; exit 1' HUP; echo ready; sleep 30 & wait"
            )
            assert (await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)) == "ready\n"
        # The connection is closed: the trap ran.
        async with asyncssh.connect(
            key.url, key.port, username=key.ssh_user, client_keys=[client_key], known_hosts=None
        ) as conn:
            for _ in range(100):
                done = await conn.run("cat hup.txt 2>/dev/null")
                if done.stdout == "hup\n":
                    return
                await asyncio.sleep(0.05)
            raise AssertionError("the command never got SIGHUP")

    asyncio.run(run())


def test_the_host_key_is_kept_in_the_data_dir(engine: LocalEngine, key: DevboxCreateSshKeyView) -> None:
    scan = subprocess.run(
        ["ssh-keyscan", "-p", str(key.port), "-t", "ed25519", key.url], capture_output=True, timeout=TIMEOUT
    )
    import asyncssh

    kept = asyncssh.read_private_key(engine.data_dir / "ssh" / "host_ed25519_key")
    assert (engine.data_dir / "ssh" / "host_ed25519_key").stat().st_mode & 0o777 == 0o600
    offered = scan.stdout.decode().split()
    assert offered[1:3] == kept.export_public_key().decode().split()[:2]


def test_the_sdk_answers_the_key_with_its_port(engine: LocalEngine, box: DevboxView, tmp_path: Path) -> None:
    with RunloopSDK(base_url=engine.base_url, bearer_token=engine.token) as sdk:
        answer = sdk.devbox.from_id(box.id).net.create_ssh_key()
    done = ssh(answer, _key_file(tmp_path, answer), "echo sdk")
    assert done.stdout == b"sdk\n"


def test_without_asyncssh_create_ssh_key_answers_501_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "asyncssh", None)  # import asyncssh now fails
    with LocalEngine(isolation="none", writable_roots=False) as bare:
        answer = httpx.post(
            f"{bare.base_url}/v1/devboxes/dbx_any/create_ssh_key",
            headers={"Authorization": f"Bearer {bare.token}"},
            timeout=TIMEOUT,
        )
    assert answer.status_code == 501
    assert "asyncssh" in answer.json()["message"]
