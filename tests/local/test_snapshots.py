"""Disk snapshots end to end through ``runloop_api``: take, fork, list, update, delete, restart, bad input."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from runloop_api import BadRequestError, ConflictError, NotFoundError, RunloopAPI
from runloop_api.types import DevboxSnapshotAsyncStatusView, DevboxSnapshotRequest, DevboxView
from runloop_local import LocalEngine
from runloop_local.http.errors import ApiError
from runloop_local.images.tree_copy import CopyError, copy_tree
from runloop_local.snapshots import service as snapshots_module
from runloop_local.snapshots.records import SnapshotRecord, SnapshotStore
from runloop_local.snapshots.rules import (
    check_snapshot_request,
    check_snapshottable,
    check_usable,
    metadata_filters,
)

from ._spec_check import ValidatingClient


def _run(api: RunloopAPI, devbox_id: str, command: str) -> str:
    result = api.devboxes.execute(devbox_id, command=command, command_id=str(uuid.uuid4()))
    assert result.exit_status == 0, result.stderr
    return result.stdout or ""


def _await_done(api: RunloopAPI, snapshot_id: str) -> DevboxSnapshotAsyncStatusView:
    deadline = time.monotonic() + 30
    while True:
        view = api.devboxes.disk_snapshots.query_status(snapshot_id)
        if view.status != "in_progress" or time.monotonic() > deadline:
            return view
        time.sleep(0.02)


@dataclass
class _Gate:
    """Holds snapshot copies until ``release`` is set (``entered`` once one waits); ``fail`` fails them."""

    release: threading.Event = field(default_factory=threading.Event)
    entered: threading.Event = field(default_factory=threading.Event)
    fail: bool = False


@pytest.fixture
def engine_with_copy(
    monkeypatch: pytest.MonkeyPatch, http: ValidatingClient, tmp_path: Path
) -> Iterator[tuple[LocalEngine, RunloopAPI, _Gate]]:
    """A private engine (data dir kept until the test ends) whose snapshot copies wait for a gate."""
    gate = _Gate()

    async def gated_copy(src: Path, dst: Path) -> None:
        # Copies, then holds (as a long cp would) until released: what happens meanwhile races it.
        await copy_tree(src, dst)
        (dst / "partial").write_text("half")  # a half copy must never be seen
        gate.entered.set()
        while not gate.release.is_set():
            await asyncio.sleep(0.01)
        if gate.fail:
            raise CopyError("No space left on device")
        (dst / "partial").unlink()

    monkeypatch.setattr(snapshots_module, "copy_tree", gated_copy)
    monkeypatch.setattr(snapshots_module, "_CLOSE_WAIT_SECONDS", 0.2)
    with (
        # Home-only snapshots: the copy of ``/home/user`` is what these tests race.
        LocalEngine(tmp_path / "data", writable_roots=False) as engine,
        RunloopAPI(
            base_url=engine.base_url, bearer_token=engine.token, http_client=http, max_retries=0
        ) as api,
    ):
        yield engine, api, gate
        gate.release.set()


@dataclass
class _Engine:
    """An engine under test, its client, and whether its snapshots are whole disks."""

    engine: LocalEngine
    api: RunloopAPI
    whole_disk: bool
    made: list[str] = field(default_factory=list)

    def new_devbox(self, **params: object) -> DevboxView:
        view = self.api.devboxes.create(**params)  # type: ignore[arg-type]
        self.made.append(view.id)
        return self.api.devboxes.wait_for_status(view.id, statuses=["running", "failure", "shutdown"])


@pytest.fixture(scope="module")
def home_only_engine(http: ValidatingClient) -> Iterator[tuple[LocalEngine, RunloopAPI]]:
    """An engine whose devboxes have no writable root: snapshots copy ``/home/user``."""
    with (
        LocalEngine(writable_roots=False) as engine,
        RunloopAPI(
            base_url=engine.base_url, bearer_token=engine.token, http_client=http, max_retries=0
        ) as api,
    ):
        yield engine, api


@pytest.fixture(params=["whole-disk", "home-only"])
def either(
    request: pytest.FixtureRequest,
    engine: LocalEngine,
    api: RunloopAPI,
    home_only_engine: tuple[LocalEngine, RunloopAPI],
) -> Iterator[_Engine]:
    """The shared engine (whole-disk snapshots where it runs as root) and the home-only one."""
    if request.param == "whole-disk":
        if engine.writable_roots is not None:
            pytest.skip(f"no writable roots on this machine: {engine.writable_roots}")
        env = _Engine(engine, api, whole_disk=True)
    else:
        env = _Engine(*home_only_engine, whole_disk=False)
    yield env
    for id in env.made:
        env.api.devboxes.shutdown(id)


# -- pure decisions -----------------------------------------------------------------------------


def test_metadata_filters_parse_the_query() -> None:
    query = [("limit", "2"), ("metadata[team]", "a"), ("metadata[env][in]", "dev,prod")]
    assert metadata_filters(query) == [("team", ("a",)), ("env", ("dev", "prod"))]
    for bad in ("metadata", "metadata[]", "metadata[a][b]", "metadata[a]x"):
        with pytest.raises(ApiError, match="invalid query parameter") as caught:
            metadata_filters([(bad, "v")])
        assert caught.value.status == 400


def test_which_snapshots_and_devboxes_can_be_used() -> None:
    check_snapshottable("dbx_1", "running")
    check_snapshottable("dbx_1", "suspended")
    for status in ("provisioning", "initializing", "shutdown", "failure", "suspending"):
        with pytest.raises(ApiError, match=f"is {status}; only a running or suspended devbox"):
            check_snapshottable("dbx_1", status)
    done = SnapshotRecord(id="snp_1", create_time_ms=1, source_devbox_id="dbx_1", status="complete")
    assert check_usable(done, "snp_1", action="fork") is done
    with pytest.raises(ApiError, match="not found"):
        check_usable(None, "snp_1", action="fork")
    with pytest.raises(ApiError, match="not found"):
        check_usable(SnapshotRecord("snp_1", 1, "dbx_1", status="deleted"), "snp_1", action="fork")
    with pytest.raises(ApiError, match="still in progress"):
        check_usable(SnapshotRecord("snp_1", 1, "dbx_1"), "snp_1", action="fork")
    with pytest.raises(ApiError, match=r"failed \(disk full\)"):
        check_usable(
            SnapshotRecord("snp_1", 1, "dbx_1", status="error", error_message="disk full"),
            "snp_1",
            action="fork",
        )
    check_snapshot_request(DevboxSnapshotRequest(commit_message="x" * 1000))
    with pytest.raises(ApiError, match="commit_message"):
        check_snapshot_request(DevboxSnapshotRequest(commit_message="x" * 1001))


# -- end to end ---------------------------------------------------------------------------------


@pytest.mark.bwrap  # needs the sandbox: a private /tmp and the devbox user
def test_a_fork_starts_with_the_snapshot_files(either: _Engine) -> None:
    api, new_devbox = either.api, either.new_devbox
    source = new_devbox(name="source")
    _run(
        api,
        source.id,
        "mkdir -p deep/er && echo v1 > state.txt && printf '\\x00\\xff' > deep/er/bin && ln -s state.txt link",
    )
    _run(api, source.id, "echo scratch > /tmp/scratch")
    server = api.devboxes.executions.execute_async(source.id, command="sleep 60")
    snap = api.devboxes.snapshot_disk(source.id, name="v1", metadata={"k": "v"}, commit_message="first")
    assert (snap.name, snap.metadata, snap.commit_message, snap.source_devbox_id) == (
        "v1",
        {"k": "v"},
        "first",
        source.id,
    )
    assert snap.size_bytes is not None and snap.size_bytes >= 5
    # Taken without stopping the devbox: it and its processes keep running.
    assert api.devboxes.retrieve(source.id).status == "running"
    assert api.devboxes.executions.retrieve(server.execution_id, devbox_id=source.id).status == "running"

    _run(api, source.id, "echo v2 > state.txt && rm deep/er/bin && echo new > new.txt")
    fork = new_devbox(snapshot_id=snap.id, name="fork")
    assert fork.status == "running"
    assert _run(api, fork.id, "cat state.txt link; od -An -tx1 deep/er/bin; ls") == (
        "v1\nv1\n 00 ff\ndeep\nlink\nstate.txt\n"
    )
    # A whole disk keeps /tmp too; a home-only snapshot does not.
    assert _run(api, fork.id, "ls -A /tmp") == ("scratch\n" if either.whole_disk else "")
    assert api.devboxes.read_file_contents(source.id, file_path="state.txt") == "v2\n"

    # The fork's writes are its own: a second fork still sees the snapshot.
    _run(api, fork.id, "echo forked > state.txt")
    again = new_devbox(snapshot_id=snap.id)
    assert _run(api, again.id, "cat state.txt") == "v1\n"
    # Files are copies, never hard links to the snapshot or the source.
    data = either.engine.data_dir
    if either.whole_disk:
        (snap_file,) = [
            p for p in (data / "layers").glob("lyr_*/home/user/state.txt") if p.read_text() == "v1\n"
        ]
    else:
        snap_file = data / "snapshots" / snap.id / "home" / "state.txt"
    assert snap_file.read_text() == "v1\n" and snap_file.stat().st_nlink == 1


def test_async_snapshot_and_status_polling(api: RunloopAPI, new_devbox: Callable[..., DevboxView]) -> None:
    source = new_devbox()
    _run(api, source.id, "seq 1 100000 > numbers.txt")
    started = api.devboxes.snapshot_disk_async(source.id, name="async")
    assert started.source_devbox_id == source.id and started.name == "async"
    done = _await_done(api, started.id)
    assert done.status == "complete", done
    assert done.snapshot is not None and done.snapshot.id == started.id and done.snapshot.name == "async"
    assert done.error_message is None
    fork = new_devbox(snapshot_id=started.id)
    assert _run(api, fork.id, "tail -n 1 numbers.txt") == "100000\n"


def test_a_suspended_devbox_can_be_snapshotted(
    api: RunloopAPI, new_devbox: Callable[..., DevboxView]
) -> None:
    source = new_devbox()
    api.devboxes.write_file_contents(source.id, file_path="kept.txt", contents="asleep")
    api.devboxes.suspend(source.id)
    snap = api.devboxes.snapshot_disk(source.id)
    fork = new_devbox(snapshot_id=snap.id)
    assert api.devboxes.read_file_contents(fork.id, file_path="kept.txt") == "asleep"


def test_list_filters_and_pagination(api: RunloopAPI, new_devbox: Callable[..., DevboxView]) -> None:
    one, two = new_devbox(), new_devbox()
    tag = uuid.uuid4().hex
    a = api.devboxes.snapshot_disk(one.id, metadata={"run": tag, "team": "a"})
    b = api.devboxes.snapshot_disk(one.id, metadata={"run": tag, "team": "b"})
    c = api.devboxes.snapshot_disk(two.id, metadata={"run": tag, "team": "c"})

    by_devbox = api.devboxes.disk_snapshots.list(devbox_id=one.id)
    assert [s.id for s in by_devbox.items] == [b.id, a.id]  # newest first
    assert by_devbox.total_count == 2  # included by default, as the spec says
    skipped = api.devboxes.disk_snapshots.list(devbox_id=one.id, include_total_count=False)
    assert skipped.total_count is None

    def ids(**query: str) -> list[str]:
        return [s.id for s in api.devboxes.disk_snapshots.list(extra_query={"metadata[run]": tag, **query})]

    assert ids() == [c.id, b.id, a.id]
    assert ids(**{"metadata[team]": "b"}) == [b.id]
    assert ids(**{"metadata[team][in]": "a,c"}) == [c.id, a.id]
    assert ids(**{"metadata[team]": "nobody"}) == []
    assert api.devboxes.disk_snapshots.list(source_blueprint_id="bpt_1").items == []

    first = api.devboxes.disk_snapshots.list(limit=1, extra_query={"metadata[run]": tag})
    assert [s.id for s in first.items] == [c.id] and first.has_more and first.total_count == 3
    assert [s.id for s in first] == [c.id, b.id, a.id]  # iterating walks every page
    last = api.devboxes.disk_snapshots.list(limit=2, starting_after=b.id, extra_query={"metadata[run]": tag})
    assert [s.id for s in last.items] == [a.id] and not last.has_more

    with pytest.raises(BadRequestError, match="starting_after"):
        api.devboxes.disk_snapshots.list(starting_after="snp_nope")
    with pytest.raises(BadRequestError, match="metadata"):
        api.devboxes.disk_snapshots.list(extra_query={"metadata[x]y": "1"})
    with pytest.raises(BadRequestError, match="limit"):
        api.devboxes.disk_snapshots.list(limit=0)

    assert {"run", "team"} <= set(api.devboxes.disk_snapshots.metadata_keys().keys or [])
    assert {"a", "b", "c"} <= set(api.devboxes.disk_snapshots.metadata_values("team").values or [])


def test_update_replaces_name_and_whole_metadata(api: RunloopAPI, devbox: DevboxView) -> None:
    snap = api.devboxes.snapshot_disk(
        devbox.id, name="before", metadata={"a": "1", "b": "2"}, commit_message="c1"
    )
    updated = api.devboxes.disk_snapshots.update(snap.id, metadata={"c": "3"})
    assert (updated.name, updated.metadata, updated.commit_message) == ("before", {"c": "3"}, "c1")
    renamed = api.devboxes.disk_snapshots.update(snap.id, name="after", commit_message="c2")
    assert (renamed.name, renamed.metadata, renamed.commit_message) == ("after", {"c": "3"}, "c2")
    status = api.devboxes.disk_snapshots.query_status(snap.id)
    assert status.snapshot is not None and status.snapshot.name == "after"
    with pytest.raises(BadRequestError, match="commit_message"):
        api.devboxes.disk_snapshots.update(snap.id, commit_message="x" * 1001)
    with pytest.raises(NotFoundError):
        api.devboxes.disk_snapshots.update("snp_nope", name="x")
    api.devboxes.disk_snapshots.delete(snap.id)


def test_delete_removes_the_files_and_forks_keep_theirs(either: _Engine) -> None:
    api, new_devbox = either.api, either.new_devbox
    source = new_devbox()
    api.devboxes.write_file_contents(source.id, file_path="f.txt", contents="mine")
    snap = api.devboxes.snapshot_disk(source.id)
    fork = new_devbox(snapshot_id=snap.id)
    data = either.engine.data_dir
    if either.whole_disk:  # a layer, used by the fork: it stays until the fork is gone
        (files,) = [p.parents[2] for p in (data / "layers").glob("lyr_*/home/user/f.txt")]
    else:
        files = data / "snapshots" / snap.id
    assert files.is_dir()

    api.devboxes.disk_snapshots.delete(snap.id)
    assert files.exists() == either.whole_disk
    assert api.devboxes.disk_snapshots.query_status(snap.id).status == "deleted"
    assert snap.id not in [s.id for s in api.devboxes.disk_snapshots.list(devbox_id=source.id)]
    assert api.devboxes.read_file_contents(fork.id, file_path="f.txt") == "mine"
    api.devboxes.suspend(fork.id)
    api.devboxes.wait_for_status(fork.id, statuses=["suspended"])
    api.devboxes.resume(fork.id)
    api.devboxes.wait_for_status(fork.id, statuses=["running"])
    assert api.devboxes.read_file_contents(fork.id, file_path="f.txt") == "mine"
    with pytest.raises(NotFoundError):
        api.devboxes.disk_snapshots.delete(snap.id)
    with pytest.raises(NotFoundError):
        api.devboxes.create(snapshot_id=snap.id)
    api.devboxes.shutdown(fork.id)
    for _ in range(200):  # the last user of the layer is gone: so is the layer
        if not files.exists():
            break
        time.sleep(0.02)
    assert not files.exists()


def test_bad_input_changes_nothing(
    api: RunloopAPI, new_devbox: Callable[..., DevboxView], engine: LocalEngine
) -> None:
    with pytest.raises(NotFoundError, match="dbx_nope"):
        api.devboxes.snapshot_disk("dbx_nope")
    with pytest.raises(NotFoundError, match="dbx_nope"):
        api.devboxes.snapshot_disk_async("dbx_nope")
    for call in (
        lambda: api.devboxes.disk_snapshots.query_status("snp_nope"),
        lambda: api.devboxes.disk_snapshots.delete("snp_nope"),
    ):
        with pytest.raises(NotFoundError, match="snp_nope"):
            call()

    gone = new_devbox()
    api.devboxes.shutdown(gone.id)
    before = api.devboxes.disk_snapshots.list(include_total_count=True).total_count
    with pytest.raises(BadRequestError, match="is shutdown; only a running or suspended devbox"):
        api.devboxes.snapshot_disk(gone.id)
    live = new_devbox()
    with pytest.raises(BadRequestError, match="commit_message"):
        api.devboxes.snapshot_disk(live.id, commit_message="x" * 1001)
    assert api.devboxes.disk_snapshots.list(include_total_count=True).total_count == before

    devboxes_before = api.devboxes.list(include_total_count=True).total_count
    with pytest.raises(NotFoundError, match="snp_nope"):
        api.devboxes.create(snapshot_id="snp_nope")
    snap = api.devboxes.snapshot_disk(live.id)
    with pytest.raises(BadRequestError, match="environment_variables"):
        api.devboxes.create(snapshot_id=snap.id, environment_variables={"1bad": "x"})
    assert api.devboxes.list(include_total_count=True).total_count == devboxes_before
    for staging in (engine.data_dir / "snapshots" / ".staging", engine.data_dir / "layers" / ".staging"):
        assert not staging.exists() or list(staging.iterdir()) == []


def test_a_failed_copy_reports_error_and_leaves_no_files(
    engine_with_copy: tuple[LocalEngine, RunloopAPI, _Gate],
) -> None:
    engine, api, gate = engine_with_copy
    box = api.devboxes.create_and_await_running()
    started = api.devboxes.snapshot_disk_async(box.id, name="doomed")
    assert api.devboxes.disk_snapshots.query_status(started.id).status == "in_progress"
    with pytest.raises(ConflictError, match="in progress"):
        api.devboxes.disk_snapshots.delete(started.id)
    with pytest.raises(BadRequestError, match="still in progress"):
        api.devboxes.create(snapshot_id=started.id)

    gate.fail = True
    gate.release.set()
    done = _await_done(api, started.id)
    assert done.status == "error" and done.snapshot is None
    assert done.error_message is not None and "No space left on device" in done.error_message
    assert sorted(p.name for p in (engine.data_dir / "snapshots").iterdir()) == [".staging"]
    assert list((engine.data_dir / "snapshots" / ".staging").iterdir()) == []
    with pytest.raises(BadRequestError, match="No space left on device"):
        api.devboxes.snapshot_disk(box.id)
    with pytest.raises(BadRequestError, match="failed"):
        api.devboxes.create(snapshot_id=started.id)
    api.devboxes.disk_snapshots.delete(started.id)  # a failed snapshot can be cleared away


def test_a_snapshot_cut_off_by_a_stop_is_reported_as_error(
    engine_with_copy: tuple[LocalEngine, RunloopAPI, _Gate], http: ValidatingClient
) -> None:
    engine, api, _ = engine_with_copy
    box = api.devboxes.create_and_await_running()
    started = api.devboxes.snapshot_disk_async(box.id)
    data_dir, token = engine.data_dir, engine.token
    engine.stop()  # the copy never finishes: the stop cuts it off after a short wait
    with (
        LocalEngine(data_dir, token=token) as second,
        RunloopAPI(base_url=second.base_url, bearer_token=token, http_client=http, max_retries=0) as again,
    ):
        view = again.devboxes.disk_snapshots.query_status(started.id)
        assert view.status == "error" and "engine stopped" in (view.error_message or "")
        assert sorted(p.name for p in (data_dir / "snapshots").iterdir()) == []


def test_restart_keeps_snapshots_and_fails_those_in_progress(tmp_path: Path, http: ValidatingClient) -> None:
    data_dir = tmp_path / "data"
    with (
        LocalEngine(data_dir) as first,
        RunloopAPI(base_url=first.base_url, bearer_token=first.token, http_client=http) as api,
    ):
        box = api.devboxes.create_and_await_running()
        api.devboxes.write_file_contents(box.id, file_path="kept.txt", contents="across restarts")
        snap = api.devboxes.snapshot_disk(box.id, name="kept", metadata={"k": "v"})
        token = first.token

    # What a crash in the middle of a copy leaves: an in-progress record, a staging copy, a stray folder.
    store = SnapshotStore(data_dir / "engine.sqlite3")
    store.put(SnapshotRecord(id="snp_crashed", create_time_ms=1, source_devbox_id=box.id))
    store.close()
    (data_dir / "snapshots" / ".staging" / "x" / "home").mkdir(parents=True)
    (data_dir / "snapshots" / "snp_crashed" / "home").mkdir(parents=True)

    with (
        LocalEngine(data_dir, token=token) as second,
        RunloopAPI(base_url=second.base_url, bearer_token=token, http_client=http) as api,
    ):
        status = api.devboxes.disk_snapshots.query_status(snap.id)
        assert status.status == "complete" and status.snapshot is not None
        assert (status.snapshot.name, status.snapshot.metadata) == ("kept", {"k": "v"})
        crashed = api.devboxes.disk_snapshots.query_status("snp_crashed")
        assert crashed.status == "error" and "engine stopped" in (crashed.error_message or "")
        # Leftovers are swept: the staging copy, and the folder of the snapshot that failed.
        assert not (data_dir / "snapshots" / ".staging" / "x").exists()
        assert not (data_dir / "snapshots" / "snp_crashed").exists()
        fork = api.devboxes.create_and_await_running(snapshot_id=snap.id)
        assert api.devboxes.read_file_contents(fork.id, file_path="kept.txt") == "across restarts"
        api.devboxes.shutdown(fork.id)


def test_a_shutdown_during_the_copy_fails_the_snapshot(
    engine_with_copy: tuple[LocalEngine, RunloopAPI, _Gate],
) -> None:
    _, api, gate = engine_with_copy
    box = api.devboxes.create_and_await_running()
    started = api.devboxes.snapshot_disk_async(box.id)
    api.devboxes.shutdown(box.id)  # deletes the files the copy is reading
    gate.release.set()
    done = _await_done(api, started.id)
    assert done.status == "error" and "became shutdown" in (done.error_message or "")


def test_a_delete_during_a_fork_refuses_the_fork(
    engine_with_copy: tuple[LocalEngine, RunloopAPI, _Gate],
) -> None:
    _, api, gate = engine_with_copy
    box = api.devboxes.create_and_await_running()
    gate.release.set()
    snap = api.devboxes.snapshot_disk(box.id)
    gate.release.clear()
    gate.entered.clear()
    before = api.devboxes.list(include_total_count=True).total_count
    with ThreadPoolExecutor(1) as pool:
        fork = pool.submit(api.devboxes.create, snapshot_id=snap.id)
        assert gate.entered.wait(10)
        api.devboxes.disk_snapshots.delete(snap.id)
        gate.release.set()
        with pytest.raises(NotFoundError, match=snap.id):
            fork.result(timeout=30)
    assert api.devboxes.list(include_total_count=True).total_count == before
