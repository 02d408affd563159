"""Writable roots end to end: a devbox's ``/`` is its own, whole-disk snapshots, layers, restarts."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from runloop_api import RunloopAPI
from runloop_api.types import DevboxView
from runloop_local import LocalEngine

from ._spec_check import ValidatingClient

pytestmark = pytest.mark.bwrap
ROOT = {"launch_parameters": {"user_parameters": {"username": "root", "uid": 0}}}


@pytest.fixture(autouse=True)
def _needs_writable_roots(engine: LocalEngine) -> None:
    if engine.writable_roots is not None:
        pytest.skip(f"no writable roots on this machine: {engine.writable_roots}")


def _run(api: RunloopAPI, devbox_id: str, command: str, *, status: int = 0) -> str:
    result = api.devboxes.execute(devbox_id, command=command, command_id=str(uuid.uuid4()))
    assert result.exit_status == status, (result.stdout, result.stderr)
    return (result.stdout or "") + (result.stderr or "" if status else "")


DISK_STATE = (
    "echo opt > /opt/made-here && mkdir -p /srv/app && echo srv > /srv/app/x && chmod 0751 /srv/app"
    " && echo tmp > /tmp/t && echo home > /home/user/h && ln -s /srv/app/x /home/user/link"
    " && echo etc > /etc/made-here.conf && rm /etc/motd && chown 1000:1000 /srv/app/x"
    " && mkdir -p /var/lib/made && rm -rf /var/lib/made && mkdir /var/lib/made && touch /var/lib/made/only"
)
DISK_CHECK = (
    "cat /opt/made-here /srv/app/x /tmp/t /home/user/h /home/user/link /etc/made-here.conf;"
    " stat -c '%a %u' /srv/app /srv/app/x; test ! -e /etc/motd && echo motd-gone; ls /var/lib/made"
)
DISK_EXPECTED = "opt\nsrv\ntmp\nhome\nsrv\netc\n751 0\n644 1000\nmotd-gone\nonly\n"


def test_root_writes_anywhere_the_host_is_untouched_and_others_see_nothing(
    api: RunloopAPI, new_devbox: Callable[..., DevboxView]
) -> None:
    box = new_devbox(**ROOT)
    other = new_devbox(**ROOT)
    _run(api, box.id, DISK_STATE)
    assert _run(api, box.id, DISK_CHECK) == DISK_EXPECTED
    assert not Path("/opt/made-here").exists() and Path("/etc/motd").exists()
    assert not Path("/etc/made-here.conf").exists()
    seen = "ls /opt/made-here /srv/app /etc/made-here.conf 2>&1 | grep -c 'No such'; test -f /etc/motd && echo motd"
    assert _run(api, other.id, seen) == "3\nmotd\n"


def test_what_the_host_hides_stays_hidden(api: RunloopAPI, new_devbox: Callable[..., DevboxView]) -> None:
    box = new_devbox(**ROOT)
    assert _run(api, box.id, "id -u; test -e /etc/shadow || echo no-shadow; ls -A /var/tmp | wc -l") == (
        "0\nno-shadow\n0\n"
    )


def test_the_default_user_owns_its_home_and_the_files_written_for_it(
    api: RunloopAPI, new_devbox: Callable[..., DevboxView]
) -> None:
    box = new_devbox(file_mounts={"/home/user/conf/app.ini": "[app]\n"})
    api.devboxes.write_file_contents(box.id, file_path="sub/dir/f.txt", contents="x")
    listing = _run(
        api, box.id, "id -un; stat -c '%U %n' ~ ~/conf ~/conf/app.ini ~/sub ~/sub/dir ~/sub/dir/f.txt"
    )
    assert listing.splitlines() == [
        "user",
        "user /home/user",
        "user /home/user/conf",
        "user /home/user/conf/app.ini",
        "user /home/user/sub",
        "user /home/user/sub/dir",
        "user /home/user/sub/dir/f.txt",
    ]
    _run(api, box.id, "echo changed > ~/sub/dir/f.txt && touch /usr/local/bin/x", status=1)
    assert api.devboxes.read_file_contents(box.id, file_path="sub/dir/f.txt") == "changed\n"


def test_a_snapshot_is_the_whole_disk_and_a_fork_is_exactly_as_left(
    api: RunloopAPI, new_devbox: Callable[..., DevboxView]
) -> None:
    source = new_devbox(**ROOT)
    _run(api, source.id, DISK_STATE)
    snap = api.devboxes.snapshot_disk(source.id)
    _run(api, source.id, "echo later > /opt/made-here && touch /etc/motd")
    fork = new_devbox(snapshot_id=snap.id, **ROOT)
    assert _run(api, fork.id, DISK_CHECK) == DISK_EXPECTED
    # A fork of a fork: layers stack.
    _run(api, fork.id, "echo second > /opt/second")
    snap2 = api.devboxes.snapshot_disk(fork.id)
    grandchild = new_devbox(snapshot_id=snap2.id, **ROOT)
    assert _run(api, grandchild.id, DISK_CHECK + "; cat /opt/second") == DISK_EXPECTED + "second\n"
    # Deleting the snapshots breaks no devbox made from them.
    api.devboxes.disk_snapshots.delete(snap.id)
    api.devboxes.disk_snapshots.delete(snap2.id)
    assert _run(api, grandchild.id, DISK_CHECK) == DISK_EXPECTED


def test_writes_survive_suspend_resume_and_a_restart(tmp_path: Path, http: ValidatingClient) -> None:
    data_dir = tmp_path / "data"
    with (
        LocalEngine(data_dir) as first,
        RunloopAPI(base_url=first.base_url, bearer_token=first.token, http_client=http) as api,
    ):
        box = api.devboxes.create_and_await_running(**ROOT)  # type: ignore[arg-type]
        _run(api, box.id, DISK_STATE)
        api.devboxes.suspend(box.id)
        api.devboxes.wait_for_status(box.id, statuses=["suspended"])
        api.devboxes.resume(box.id)
        api.devboxes.wait_for_status(box.id, statuses=["running"])
        assert _run(api, box.id, DISK_CHECK) == DISK_EXPECTED
        token = first.token
    assert not [
        line for line in Path("/proc/self/mountinfo").read_text().splitlines() if str(data_dir) in line
    ]
    with (
        LocalEngine(data_dir, token=token) as second,
        RunloopAPI(base_url=second.base_url, bearer_token=token, http_client=http) as api,
    ):
        assert api.devboxes.retrieve(box.id).status == "suspended"
        api.devboxes.resume(box.id)
        api.devboxes.wait_for_status(box.id, statuses=["running"])
        assert _run(api, box.id, DISK_CHECK) == DISK_EXPECTED
        api.devboxes.shutdown(box.id)
        for _ in range(200):
            if not (data_dir / "devboxes" / box.id).exists():
                break
            time.sleep(0.02)
        assert not (data_dir / "devboxes" / box.id).exists()


def test_a_read_only_root_engine_says_why(tmp_path: Path) -> None:
    with LocalEngine(tmp_path / "data", writable_roots=False) as engine:
        assert engine.writable_roots == "writable roots are turned off"


def test_the_default_user_installs_packages_with_sudo_apt_get(
    api: RunloopAPI, new_devbox: Callable[..., DevboxView]
) -> None:
    box = new_devbox()
    host_had_it = os.path.exists("/usr/games/cowsay")
    result = api.devboxes.execute(
        box.id,
        command="sudo apt-get install -y -q cowsay >/tmp/apt.log 2>&1; echo $?; tail -3 /tmp/apt.log",
        command_id=str(uuid.uuid4()),
        optimistic_timeout=25,
    )
    if result.status != "completed":
        result = api.devboxes.executions.wait_for_status(
            result.execution_id, devbox_id=box.id, statuses=["completed"], timeout_seconds=120
        )
    code, _, log = (result.stdout or "").partition("\n")
    if code != "0" and any(
        word in log for word in ("Could not resolve", "Unable to fetch", "Temporary failure")
    ):
        pytest.skip(f"the package mirror cannot be reached: {log.strip()}")
    assert code == "0", log
    assert "< hi >" in _run(api, box.id, "/usr/games/cowsay hi")
    assert os.path.exists("/usr/games/cowsay") == host_had_it  # installed in the devbox only


def test_the_default_user_has_passwordless_sudo(
    api: RunloopAPI, new_devbox: Callable[..., DevboxView]
) -> None:
    box = new_devbox()
    assert (
        _run(api, box.id, "id -un; sudo id -un; echo in | sudo cat; sudo -u nobody id -un")
        == "user\nroot\nin\nnobody\n"
    )
    assert _run(api, box.id, "sudo sh -c 'exit 3'", status=3) == ""
    assert "command not found" in _run(api, box.id, "sudo no-such-command", status=127)
    # The environment is reset (as by sudo), kept with -E; SUDO_USER says who asked.
    assert _run(
        api, box.id, "FOO=1 sudo sh -c 'echo [$FOO] $HOME $SUDO_USER'; FOO=1 sudo -E sh -c 'echo [$FOO]'"
    ) == ("[] /root user\n[1]\n")
    _run(api, box.id, "sudo mkdir -p /opt/tool && sudo touch /opt/tool/bin && stat -c %U /opt/tool/bin")
    assert _run(api, box.id, "stat -c %U /opt/tool/bin; touch /opt/tool/mine", status=1).startswith("root\n")
    # A command killed through sudo ends with its signal's status; a terminal's sudo works too.
    assert _run(api, box.id, "sudo sh -c 'kill -9 $$'", status=137) == ""
