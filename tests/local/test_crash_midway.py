"""``kill -9`` of the engine midway through an upload, a whole-disk snapshot, a blueprint build and
a streamed exec. Each kill waits for a marker (body bytes sent, a copy process running, a layer
appearing, a build log line, streamed lines received), so the point is known rather than lucky.
After a restart on the same data dir: nothing is half-applied, no process of the killed engine is
left on the host, no overlay stays mounted, and every record agrees with the files on disk.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from subprocess import PIPE, Popen
from typing import IO

import httpx
import pytest

from runloop_api import RunloopAPI
from runloop_local import LocalEngine
from runloop_local.blueprints.records import BlueprintStore
from runloop_local.devboxes.rules import ACTIVE_STATUSES
from runloop_local.devboxes.store import Store
from runloop_local.files.service import replace_file
from runloop_local.sandbox import Isolation
from runloop_local.sandbox.mounts import unmount
from runloop_local.snapshots.records import SnapshotStore

from .test_cli import _api, _serve

pytestmark = pytest.mark.bwrap
ROOT = {"launch_parameters": {"user_parameters": {"username": "root", "uid": 0}}}


# -- host processes and mounts, from /proc -------------------------------------------------------


def _process_table() -> dict[int, tuple[int, str, str]]:
    """pid -> (parent pid, start time, state) of every process on the host."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        table[int(name)] = (int(fields[1]), fields[19], fields[0])
    return table


def _descendants(pid: int) -> dict[int, str]:
    """Every descendant of ``pid`` (any thread's child): pid -> start time (against pid reuse)."""
    table = _process_table()
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, start, _) in table.items():
            if ppid == parent and child not in found:
                found[child] = start
                todo.append(child)
    return found


def _command_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def _survivors(processes: dict[int, str]) -> list[str]:
    """The command lines of ``processes`` still alive (zombies waiting for a reaper do not count)."""
    table = _process_table()
    return [
        f"{pid}: {_command_line(pid)}"
        for pid, start in processes.items()
        if pid in table and table[pid][1] == start and table[pid][2] not in ("Z", "X")
    ]


def _mounts(data_dir: Path) -> list[str]:
    """Mount points under ``data_dir`` (the engine mounts in the host's namespace, as do we)."""
    with open("/proc/self/mountinfo") as info:
        return [line.split()[4] for line in info if line.split()[4].startswith(str(data_dir))]


def _kept_disk(data_dir: Path, point: str) -> bool:
    """Whether a mount point is a devbox folder whose disk image exists (and no overlay is under it)."""
    folder = Path(point)
    return folder.parent == data_dir / "devboxes" and (data_dir / "disks" / f"{folder.name}.img").is_file()


@pytest.fixture(autouse=True)
def _unmount_leftovers(tmp_path: Path) -> Iterator[None]:
    """A test that fails between a kill and the restart leaves roots mounted: not past itself."""
    yield
    unmount(tmp_path)


def _until(check: Callable[[], object], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.002)


# -- a served engine that is killed --------------------------------------------------------------


@dataclass
class _Served:
    proc: Popen[str]
    api: RunloopAPI
    base_url: str
    token: str

    def kill_9(self, *, freeze: bool = True) -> list[str]:
        """SIGKILLs the engine; returns the processes it had started that are still alive 3 s on.

        With ``freeze`` they are stopped (SIGSTOP) first, so none ends on its own meanwhile (a
        copy that would finish anyway, say): only what the engine's death ends is gone.
        Survivors are then killed, not to outlive the test.
        """
        tree = _descendants(self.proc.pid)
        for pid in tree if freeze else ():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGSTOP)
        self.proc.kill()
        self.proc.wait(timeout=20)
        deadline = time.monotonic() + 3
        while _survivors(tree) and time.monotonic() < deadline:
            time.sleep(0.02)
        left = _survivors(tree)
        for line in left:
            with contextlib.suppress(OSError):
                os.kill(int(line.split(":")[0]), signal.SIGKILL)
        return left


@contextlib.contextmanager
def _served(data_dir: Path, *extra: str) -> Iterator[_Served]:
    proc, base_url, token = _serve(data_dir, *extra)
    assert proc.stdout is not None
    out = proc.stdout
    # Nobody reads the engine's output otherwise: a full pipe would stall it.
    drain = threading.Thread(target=lambda: [None for _ in out], daemon=True)
    drain.start()
    api = _api(base_url, token)
    try:
        yield _Served(proc, api, base_url, token)
    finally:
        api.close()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        drain.join(timeout=5)
        out.close()


@contextlib.contextmanager
def _restarted(data_dir: Path, isolation: Isolation = "auto") -> Iterator[RunloopAPI]:
    """The engine started again on ``data_dir`` (in this process); checks what its start cleaned."""
    with (
        LocalEngine(data_dir, isolation=isolation) as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token, max_retries=0) as api,
    ):
        if engine.writable_roots is not None and isolation != "none":
            pytest.skip(f"no writable roots on this machine: {engine.writable_roots}")
        # No devbox runs yet: whatever was mounted is gone, but for the disk images of the
        # devboxes whose files are kept, mounted again at their folders.
        assert [point for point in _mounts(data_dir) if not _kept_disk(data_dir, point)] == []
        assert not list((data_dir / "layers" / ".staging").glob("*"))
        _check_layers_agree_with_records(data_dir)
        yield api


def _layers(data_dir: Path) -> set[str]:
    return {path.name for path in (data_dir / "layers").glob("lyr_*")}


def _check_layers_agree_with_records(data_dir: Path) -> None:
    """Every layer a record holds is on disk, every layer on disk is held (none leaked), and no
    failed snapshot or build holds one."""
    db = data_dir / "engine.sqlite3"
    devboxes, snapshots, blueprints = Store(db), SnapshotStore(db), BlueprintStore(db)
    try:
        kept = ACTIVE_STATUSES | {"suspended", "failure"}
        held = {layer for rec in devboxes.devboxes_with_status(kept) for layer in rec.layers}
        held |= {layer for rec in snapshots.with_status("complete") for layer in rec.layers}
        held |= {layer for rec in blueprints.all() if rec.status == "build_complete" for layer in rec.layers}
        assert held == _layers(data_dir)
        assert [rec.id for rec in snapshots.with_status("error") if rec.layers] == []
        assert [rec.id for rec in blueprints.all() if rec.status == "failed" and rec.layers] == []
    finally:
        for store in (devboxes, snapshots, blueprints):
            store.close()


def _exec(api: RunloopAPI, devbox_id: str, command: str) -> str:
    result = api.devboxes.execute(devbox_id, command=command, command_id=str(uuid.uuid4()))
    assert result.exit_status == 0, (result.stdout, result.stderr)
    return result.stdout or ""


def _resume(api: RunloopAPI, devbox_id: str) -> None:
    """A devbox that ran when the engine was killed is suspended after the restart, and resumes."""
    assert api.devboxes.retrieve(devbox_id).status == "suspended"
    api.devboxes.resume(devbox_id)
    assert api.devboxes.wait_for_status(devbox_id, statuses=["running", "failure"]).status == "running"


# -- (a) an upload -------------------------------------------------------------------------------

_MiB = 1024 * 1024


def _upload_in_flight(
    served: _Served, devbox_id: str, path: str, size: int, hold_at: int | None
) -> threading.Event:
    """Starts a multipart upload of ``size`` bytes to ``path`` on a thread; with ``hold_at`` the
    body stops there (what was sent is in the engine: the socket took it) until the engine dies.

    Returns:
        Set once ``hold_at`` bytes are sent (or the whole body, without ``hold_at``).
    """
    boundary = uuid.uuid4().hex
    sent = threading.Event()
    chunk = b"n" * _MiB

    def body() -> Iterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="path"\r\n\r\n{path}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        for n in range(size // _MiB):
            if n * _MiB == hold_at:
                sent.set()
                served.proc.wait()  # the rest of the body never comes
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()
        sent.set()

    def upload() -> None:
        with contextlib.suppress(httpx.HTTPError):
            httpx.post(
                f"{served.base_url}/v1/devboxes/{devbox_id}/upload_file",
                content=body(),
                headers={
                    "authorization": f"Bearer {served.token}",
                    "content-type": f"multipart/form-data; boundary={boundary}",
                },
                timeout=60,
            )

    threading.Thread(target=upload, daemon=True).start()
    return sent


def _open_under(pid: int, folder: Path) -> bool:
    """Whether process ``pid`` has a file open under ``folder`` (named, or unnamed: ``O_TMPFILE``)."""
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/{pid}/fd/{fd}").startswith(f"{folder}/"):
                    return True
    return False


def test_an_upload_cut_by_kill_9_leaves_the_old_file_and_no_stray_file(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with _served(data_dir) as served:
        box = served.api.devboxes.create_and_await_running(name="upload")
        served.api.devboxes.write_file_contents(box.id, file_path="big.bin", contents="old contents")
        listing = _exec(served.api, box.id, "ls -A /home/user")
        # Mid-body: half of it is in the engine, the rest never comes.
        _upload_in_flight(served, box.id, "big.bin", 64 * _MiB, hold_at=32 * _MiB).wait(30)
        assert served.kill_9() == []
    with _restarted(data_dir) as api:
        _resume(api, box.id)
        assert api.devboxes.read_file_contents(box.id, file_path="big.bin") == "old contents"
        assert _exec(api, box.id, "ls -A /home/user") == listing

    with _served(data_dir) as served:
        _resume(served.api, box.id)
        home = data_dir / "devboxes" / box.id / "merged" / "home" / "user"
        # The whole body is in; the engine is writing the devbox's file when it dies.
        _upload_in_flight(served, box.id, "big.bin", 128 * _MiB, hold_at=None)
        _until(lambda: _open_under(served.proc.pid, home), "the engine writing the uploaded file")
        assert served.kill_9() == []
    with _restarted(data_dir) as api:
        _resume(api, box.id)
        assert api.devboxes.read_file_contents(box.id, file_path="big.bin") == "old contents"
        assert _exec(api, box.id, "ls -A /home/user") == listing


# -- (b) a whole-disk snapshot -------------------------------------------------------------------

DISK = (
    "mkdir -p /data/many && for i in $(seq 1 12); do head -c 8M /dev/urandom > /data/big$i; done"
    " && cd /data/many && seq 1 3000 | xargs touch && echo made > /data/marker"
)


STOPPED = "the engine stopped before the snapshot completed"


def _copying(pid: int) -> bool:
    return any(_command_line(child).split(" ")[0].endswith("/cp") for child in _descendants(pid))


def test_a_snapshot_cut_by_kill_9_is_failed_with_no_layer_left_or_complete_and_usable(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with _served(data_dir) as served:
        box = served.api.devboxes.create_and_await_running(name="disk", **ROOT)  # type: ignore[arg-type]
        _exec(served.api, box.id, DISK)
        assert _layers(data_dir) == set()  # it stands on the host base: no layer of its own
        first = served.api.devboxes.snapshot_disk_async(box.id, name="cut-in-the-copy")
        _until(lambda: _copying(served.proc.pid), "the copy of the devbox's disk")
        assert served.kill_9() == []  # the copy ends with the engine
    with _restarted(data_dir) as api:
        status = api.devboxes.disk_snapshots.query_status(first.id)
        assert (status.status, status.error_message) == ("error", STOPPED)
        assert _layers(data_dir) == set()
        _resume(api, box.id)
        assert _exec(api, box.id, "cat /data/marker") == "made\n"

    with _served(data_dir) as served:
        _resume(served.api, box.id)
        second = served.api.devboxes.snapshot_disk_async(box.id, name="cut-at-the-layer")
        _until(lambda: _layers(data_dir), "the snapshot's layer")
        assert served.kill_9() == []
    with _restarted(data_dir) as api:
        status = api.devboxes.disk_snapshots.query_status(second.id)
        assert {snap.id for snap in api.devboxes.disk_snapshots.list()} == {first.id, second.id}
        if status.status == "complete":  # its record was written before the kill: a usable snapshot
            assert len(_layers(data_dir)) == 1
            fork = api.devboxes.create_and_await_running(snapshot_id=second.id, **ROOT)  # type: ignore[arg-type]
            assert _exec(api, fork.id, "cat /data/marker; ls /data/many | wc -l") == "made\n3000\n"
        else:
            assert (status.status, status.error_message) == ("error", STOPPED)
            assert _layers(data_dir) == set()  # the layer it had made is gone
        assert api.devboxes.retrieve(box.id).status == "suspended"


# -- (c) a blueprint build -----------------------------------------------------------------------


def test_a_build_cut_by_kill_9_mid_run_is_failed_and_leaves_no_layer(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with _served(data_dir) as served:
        build = served.api.blueprints.create(
            name="cut",
            dockerfile="FROM ubuntu:22.04\nRUN echo one > /one\nRUN echo step-two-started; sleep 60\n",
        )
        _until(
            lambda: (
                "step-two-started" in [line.message for line in served.api.blueprints.logs(build.id).logs]
            ),
            "the second RUN step",
        )
        assert _layers(data_dir)  # the first step's layer
        assert _mounts(data_dir / "builds")  # the second step's root
        assert served.kill_9() == []  # the step's sandbox (bwrap, its init, sleep) ends with the engine
    with _restarted(data_dir) as api:
        view = api.blueprints.retrieve(build.id)
        assert (view.status, view.failure_reason) == ("failed", "build_failed")
        assert (
            api.blueprints.logs(build.id).logs[-1].message == "the engine stopped before the build completed"
        )
        assert _layers(data_dir) == set()
        assert not (data_dir / "builds").exists()


# -- (d) a streamed exec -------------------------------------------------------------------------

LINES = 'for i in $(seq 1 200000); do echo "line $i"; if [ $((i % 200)) = 0 ]; then sleep 0.01; fi; done'


def _is_line_prefix(text: str) -> bool:
    """Whether ``text`` starts the command's output: ``line 1`` to ``line n``, none lost or repeated."""
    lines = text.split("\n")
    whole, last = lines[:-1], lines[-1]
    if whole != [f"line {i}" for i in range(1, len(whole) + 1)]:
        return False
    return f"line {len(whole) + 1}".startswith(last)


@pytest.mark.parametrize("isolation", ["auto", "none"])
def test_a_streamed_exec_cut_by_kill_9_is_recorded_killed_with_the_output_it_had(
    tmp_path: Path, isolation: Isolation
) -> None:
    data_dir = tmp_path / "data"  # without bubblewrap, the agent ends its commands at its stdin's end
    with _served(data_dir, "--isolation", isolation) as served:
        box = served.api.devboxes.create_and_await_running(name="stream")
        run = served.api.devboxes.executions.execute_async(box.id, command=LINES)
        seen = ""
        for chunk in served.api.devboxes.executions.stream_stdout_updates(run.execution_id, devbox_id=box.id):
            seen += chunk.output
            if seen.count("\n") >= 3000:  # mid-stream: the command prints on
                # Unsandboxed, the agent ends the commands when the engine's pipe closes: it must run.
                assert served.kill_9(freeze=isolation != "none") == []
                break  # (the stream would reconnect a while before it gives up)
    assert _is_line_prefix(seen)
    with _restarted(data_dir, isolation) as api:
        got = api.devboxes.executions.retrieve(run.execution_id, devbox_id=box.id, last_n="0")
        assert (got.status, got.exit_status) == ("completed", 137)
        stored = got.stdout or ""
        assert _is_line_prefix(stored)
        streamed = "".join(
            chunk.output
            for chunk in api.devboxes.executions.stream_stdout_updates(run.execution_id, devbox_id=box.id)
        )
        assert streamed == stored
        assert re.fullmatch(r"(line \d+\n)*(line \d*)?", stored)
        _resume(api, box.id)
        assert _exec(api, box.id, "echo again") == "again\n"


# -- the pieces the fixes rest on ----------------------------------------------------------------


def test_a_file_being_replaced_has_no_name_in_its_folder_until_it_is_whole(tmp_path: Path) -> None:
    (tmp_path / "kept.txt").write_text("old")
    during: list[list[str]] = []

    def write(out: IO[bytes]) -> None:
        out.write(b"new")
        during.append(sorted(os.listdir(tmp_path)))  # what a crash now would leave

    replace_file(tmp_path / "kept.txt", write, "path", "kept.txt", owner=os.getuid())
    assert during == [["kept.txt"]]
    assert sorted(os.listdir(tmp_path)) == ["kept.txt"]
    assert (tmp_path / "kept.txt").read_text() == "new"
    assert (tmp_path / "kept.txt").stat().st_mode & 0o777 == 0o644


def test_a_helper_process_dies_with_the_process_that_started_it() -> None:
    parent = Popen(
        [
            sys.executable,
            "-c",
            "import asyncio, sys\n"
            "from runloop_local.sandbox.host_commands import dies_with_engine\n"
            "async def main():\n"
            "    child = await asyncio.create_subprocess_exec(*dies_with_engine(['sleep', '30']))\n"
            "    print(child.pid, flush=True)\n"
            "    await child.wait()\n"
            "asyncio.run(main())\n",
        ],
        stdout=PIPE,
        text=True,
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    helper = {child: _process_table()[child][1]}
    parent.kill()
    parent.wait()
    parent.stdout.close()
    _until(lambda: not _survivors(helper), "the helper to end", timeout=5)
