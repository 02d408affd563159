"""What a devbox can see: bubblewrap isolation, and the fallback when bubblewrap is missing."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from runloop_local.sandbox import Sandbox, SandboxError, SandboxSpec, _start, host_scan, start_sandbox

from .test_sandbox_runtime import run

requires_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bwrap")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
async def pair(data_dir: Path) -> AsyncIterator[tuple[Sandbox, Sandbox]]:
    first = await start_sandbox(SandboxSpec("dbx_a", data_dir / "devboxes" / "dbx_a", isolation="bwrap"))
    try:
        second = await start_sandbox(
            SandboxSpec(
                "dbx_b",
                data_dir / "devboxes" / "dbx_b",
                username="dev",
                uid=1234,
                hostname="box-b",
                isolation="bwrap",
            )
        )
        try:
            yield first, second
        finally:
            await second.stop()
    finally:
        await first.stop()


@pytest.mark.bwrap
@requires_bwrap
async def test_two_sandboxes_see_neither_files_nor_processes_of_each_other(
    pair: tuple[Sandbox, Sandbox], data_dir: Path
) -> None:
    first, second = pair
    code, output = await run(first, "echo secret > ~/secret.txt; sleep 271828 & echo $!")
    assert code == 0 and int(output.out) > 1  # a pid of its own namespace
    assert (data_dir / "devboxes" / "dbx_a" / "home" / "secret.txt").read_text() == "secret\n"

    code, output = await run(
        second, "ls -A /home/user; ls -A /home; ls /proc | grep -c '^[0-9]'; ps -eo args"
    )
    lines = output.out.splitlines()
    assert code == 0 and lines[0] == "user" and int(lines[1]) <= 10
    assert "sleep 271828" not in output.out and "dbx_a" not in output.out
    code, output = await run(second, f"cat {data_dir}/devboxes/dbx_a/home/secret.txt; ls {data_dir}")
    assert code != 0 and "secret" not in output.out


@pytest.mark.bwrap
@requires_bwrap
async def test_the_host_is_read_only_and_private_folders_are_hidden(
    pair: tuple[Sandbox, Sandbox], data_dir: Path
) -> None:
    _, second = pair
    hidden = [
        str(data_dir),
        str(data_dir / "devboxes" / "dbx_b"),
        "/root",
        "/work",
        os.getcwd(),
        str(Path.home()),
    ]
    tests = " ".join(f"test -e {path} && echo visible: {path};" for path in hidden)
    code, output = await run(second, f"{tests} true")
    assert (code, output.out) == (0, "")

    code, output = await run(
        second, "id -u; id -un; hostname; echo $HOME; test -x /usr/bin/python3 && echo python"
    )
    assert output.out == "1234\ndev\nbox-b\n/home/user\npython\n"
    code, output = await run(
        second, "touch /usr/x || touch /etc/x || echo x >> /etc/hosts || mkdir /new || cat /etc/shadow"
    )
    assert code != 0 and output.out == ""
    files, dirs = host_scan.private_entries("/etc")
    reads = " ".join(
        [f"cat {path} 2>/dev/null;" for path in files] + [f"ls -A {path} 2>/dev/null;" for path in dirs]
    )
    code, output = await run(second, f"{reads} true")
    assert output.out == ""  # what the host hides from other users is hidden from devboxes
    code, output = await run(
        second, "echo ok > /tmp/t && cat /tmp/t && touch /var/tmp/v /dev/shm/s && ls /tmp"
    )
    assert output.out == "ok\nt\nv\n"


async def test_bwrap_required_but_missing_fails_with_an_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(SandboxError, match="apt-get install bubblewrap"):
        await start_sandbox(SandboxSpec("dbx_x", tmp_path / "dbx_x", isolation="bwrap"))
    assert not (tmp_path / "dbx_x").exists()


async def test_auto_without_bwrap_runs_plain_processes_with_one_loud_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(_start, "_warned_unisolated", False)
    caplog.set_level(logging.WARNING, logger="runloop_local")
    for name in ("dbx_1", "dbx_2"):
        sandbox = await start_sandbox(SandboxSpec(name, tmp_path / name))
        try:
            assert sandbox.isolation == "none"
            code, output = await run(sandbox, "pwd")
            assert (code, output.out) == (0, f"{tmp_path / name / 'home'}\n")
        finally:
            await sandbox.stop()
    warnings = [record for record in caplog.records if record.name == "runloop_local"]
    assert len(warnings) == 1 and "NOT SANDBOXED" in warnings[0].getMessage()
    assert "apt-get install bubblewrap" in warnings[0].getMessage()


@pytest.mark.bwrap
@requires_bwrap
async def test_a_bubblewrap_failure_is_reported_with_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan_host = host_scan.scan_host
    monkeypatch.setattr(_start, "scan_host", lambda extra: scan_host([*extra, "/no/such/folder"]))
    with pytest.raises(SandboxError, match=r"did not start: .*/no/such/folder"):
        await start_sandbox(SandboxSpec("dbx_x", tmp_path / "dbx_x", isolation="bwrap"))


@pytest.mark.bwrap
@requires_bwrap
async def test_root_in_the_sandbox_has_no_capabilities(tmp_path: Path) -> None:
    sandbox = await start_sandbox(
        SandboxSpec("dbx_root", tmp_path / "dbx_root", username="root", uid=0, isolation="bwrap")
    )
    try:
        _, output = await run(
            sandbox,
            "id -un; grep CapEff /proc/self/status; mount -o remount,bind,rw /usr && echo remounted;"
            " umount /etc/shadow && echo unmasked; touch /usr/x && echo written; echo ok > ~/f && cat ~/f",
        )
        assert output.out == "root\nCapEff:\t0000000000000000\nok\n"
    finally:
        await sandbox.stop()
