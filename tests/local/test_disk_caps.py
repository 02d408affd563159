"""Per-devbox disk caps: a devbox's writes (home, /tmp, its root) live in an ext4 image of its size."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from runloop_api import RunloopAPI
from runloop_api.types import DevboxView
from runloop_local import LocalEngine
from runloop_local.sandbox import disk_images

pytestmark = [
    pytest.mark.bwrap,
    pytest.mark.skipif(disk_images.probe() is not None, reason=f"no disk images: {disk_images.probe()}"),
]

TWO_GIB = {
    "resource_size_request": "CUSTOM_SIZE",
    "custom_cpu_cores": 1,
    "custom_gb_memory": 2,
    "custom_disk_size": 2,
}
# Fills the disk to 16 MiB short of full without writing data (fallocate), then writes 64 MiB.
FILL = (
    "avail=$(df --output=avail -B1M /tmp | tail -1) && fallocate -l $((avail - 16))M ~/fill && "
    "dd if=/dev/zero of=/tmp/more bs=1M count=64"
)


@pytest.fixture
def capped(tmp_path: Path) -> Iterator[tuple[LocalEngine, RunloopAPI]]:
    with (
        LocalEngine(tmp_path) as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api,
    ):
        yield engine, api


def _create(api: RunloopAPI, launch: dict[str, object] | None = None) -> DevboxView:
    view = api.devboxes.create(launch_parameters=launch)
    done = api.devboxes.wait_for_status(view.id, statuses=["running", "failure"], timeout_seconds=60)
    assert done.status == "running", done.failure_reason
    return done


def _run(api: RunloopAPI, devbox_id: str, command: str) -> tuple[int | None, str]:
    with pytest.warns(DeprecationWarning, match="execSyncCommand"):
        result = api.devboxes.execute_sync(devbox_id, command=command)
    return result.exit_status, (result.stdout or "") + (result.stderr or "")


def _host_traces(data_dir: Path) -> list[str]:
    """Mounts and loop devices of this data dir on the host."""
    mounts = [line for line in Path("/proc/mounts").read_text().splitlines() if str(data_dir) in line]
    loops = subprocess.run(["losetup", "-a"], capture_output=True, text=True, check=True).stdout
    return mounts + [line for line in loops.splitlines() if str(data_dir) in line]


def _direct_io(data_dir: Path) -> dict[str, str]:
    """Each devbox's disk image in this data dir, and its loop device's ``dio`` (1: direct I/O)."""
    found = {}
    for device in Path("/sys/block").glob("loop*"):
        backing = device / "loop" / "backing_file"
        if backing.exists() and str(data_dir) in (name := backing.read_text().strip()):
            found[Path(name).stem] = (device / "loop" / "dio").read_text().strip()
    return found


def _has_direct_io(folder: Path) -> bool:
    """Whether files in ``folder`` can be opened with O_DIRECT (tmpfs before Linux 6.6 cannot)."""
    probe = folder / ".direct-io-probe"
    try:
        os.close(os.open(probe, os.O_RDWR | os.O_CREAT | os.O_DIRECT, 0o600))
    except OSError:
        return False
    finally:
        probe.unlink(missing_ok=True)
    return True


def _until_gone(data_dir: Path) -> list[str]:
    deadline = time.monotonic() + 10
    while (left := _host_traces(data_dir)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def test_writes_past_the_disk_size_fail_while_another_devbox_keeps_writing(
    capped: tuple[LocalEngine, RunloopAPI],
) -> None:
    engine, api = capped
    small, other = _create(api, TWO_GIB), _create(api)
    # Direct I/O on the images where the data dir's file system has O_DIRECT: written blocks
    # are not cached a second time as the image file's pages.
    dio = "1" if _has_direct_io(engine.data_dir) else "0"
    assert _direct_io(engine.data_dir.resolve()) == {small.id: dio, other.id: dio}
    status, out = _run(api, small.id, "df -B1G --output=size / /tmp ~ /usr | tail -4")
    assert (status, out.split()) == (0, ["2"] * 4)  # root, /tmp, home and /usr: one 2 GiB disk
    status, out = _run(api, small.id, FILL)
    assert status != 0 and "No space left on device" in out, out
    status, out = _run(api, small.id, "sudo fallocate -l 64M /usr/local/big")
    assert status != 0 and "No space left on device" in out, out
    assert _run(api, other.id, "dd if=/dev/zero of=/tmp/x bs=1M count=64 2>/dev/null && echo wrote") == (
        0,
        "wrote\n",
    )
    assert _run(api, small.id, "rm ~/fill && echo ok > /tmp/after && cat /tmp/after") == (0, "ok\n")
    logs = api.devboxes.logs.list(small.id).logs
    assert any("2 GiB disk (ext4 image)" in (e.message or "") for e in logs)
    api.devboxes.shutdown(small.id)
    api.devboxes.shutdown(other.id)
    assert _until_gone(engine.data_dir) == []
    assert list((engine.data_dir / "disks").iterdir()) == []


def test_files_survive_suspend_resume_and_an_engine_restart_and_a_snapshot_forks(tmp_path: Path) -> None:
    with (
        LocalEngine(tmp_path) as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api,
    ):
        box = _create(api, TWO_GIB)
        assert _run(api, box.id, "echo kept > ~/note && sudo sh -c 'echo sys > /etc/marker'")[0] == 0
        api.devboxes.suspend(box.id)
        api.devboxes.wait_for_status(box.id, statuses=["suspended"])
        snap = api.devboxes.snapshot_disk(box.id)  # read from the image while suspended
        api.devboxes.resume(box.id)
        api.devboxes.wait_for_status(box.id, statuses=["running"])
        assert _run(api, box.id, "cat ~/note /etc/marker") == (0, "kept\nsys\n")
    # The engine stop unmounts every disk; the kernel frees an autoclear loop device a moment later.
    assert _until_gone(tmp_path.resolve()) == []
    with (
        LocalEngine(tmp_path) as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api,
    ):
        assert api.devboxes.retrieve(box.id).status == "suspended"
        api.devboxes.resume(box.id)
        api.devboxes.wait_for_status(box.id, statuses=["running"])
        assert _run(api, box.id, "cat ~/note /etc/marker; df -B1G --output=size ~ | tail -1 | tr -d ' '") == (
            0,
            "kept\nsys\n2\n",
        )
        fork = api.devboxes.create(snapshot_id=snap.id)
        fork = api.devboxes.wait_for_status(fork.id, statuses=["running", "failure"], timeout_seconds=60)
        assert fork.status == "running", fork.failure_reason
        assert _run(api, fork.id, "cat ~/note /etc/marker && echo forked > ~/note") == (0, "kept\nsys\n")
        assert _run(api, box.id, "cat ~/note") == (0, "kept\n")  # the fork has a disk of its own
        api.devboxes.shutdown(box.id)
        api.devboxes.shutdown(fork.id)
        assert _until_gone(engine.data_dir) == []


def test_mounts_a_crashed_engine_left_are_removed_at_start(tmp_path: Path) -> None:
    data_dir = tmp_path.resolve()
    stale_image, stale_mount = data_dir / "disks" / "dbx_left.img", data_dir / "devboxes" / "dbx_left"
    assert disk_images.attach(stale_image, stale_mount, 2**30)  # as a killed engine leaves it
    assert len(_host_traces(data_dir)) == 2
    with LocalEngine(tmp_path):
        assert _host_traces(data_dir) == []


def test_custom_disk_size_is_refused_where_no_disk_can_be_capped(tmp_path: Path) -> None:
    with LocalEngine(tmp_path, writable_roots=False) as engine:
        response = httpx.post(
            f"{engine.base_url}/v1/devboxes",
            json={"launch_parameters": TWO_GIB},
            headers={"authorization": f"Bearer {engine.token}"},
        )
    assert response.status_code == 501
    assert (
        "custom_disk_size" in response.json()["message"] and "no writable root" in response.json()["message"]
    )


def test_files_in_the_folder_before_its_first_mount_move_into_the_new_image(tmp_path: Path) -> None:
    # A snapshot's home put in place before the first boot, or a devbox from before disk images.
    image, folder = tmp_path / "disks" / "dbx_old.img", tmp_path / "devboxes" / "dbx_old"
    home = folder / "upper" / "home" / "user"
    home.mkdir(parents=True)
    (home / "notes.txt").write_text("mine")
    os.chown(home / "notes.txt", 1000, 1000)
    (home / "link").symlink_to("notes.txt")
    assert disk_images.attach(image, folder, 2**30)
    try:
        assert disk_images.is_mounted(folder)
        assert (home / "link").read_text() == "mine" and (home / "notes.txt").stat().st_uid == 1000
    finally:
        disk_images.detach(folder)
    assert list(folder.iterdir()) == []  # moved, not copied: the host folder below is empty
    assert not disk_images.attach(image, folder, 2**30)  # an existing image is mounted as it is
    try:
        assert (home / "notes.txt").read_text() == "mine"
    finally:
        disk_images.detach(folder)


@pytest.mark.parametrize("loop_configure", [True, False], ids=["direct-io", "mount-o-loop"])
def test_an_image_is_mounted_and_its_loop_device_freed_at_the_unmount(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loop_configure: bool
) -> None:
    # Where LOOP_CONFIGURE is missing (kernels before 5.8), `mount -o loop` mounts it buffered.
    if not loop_configure:

        def refused(image: Path) -> tuple[str, int]:
            raise OSError(25, "Inappropriate ioctl for device")

        monkeypatch.setattr(disk_images, "open_loop_device", refused)
    image, folder = tmp_path / "disks" / "dbx_one.img", tmp_path / "devboxes" / "dbx_one"
    assert disk_images.attach(image, folder, 2**30)
    try:
        (folder / "kept").write_text("on the image")
        direct = loop_configure and _has_direct_io(tmp_path)
        assert _direct_io(tmp_path.resolve()) == {"dbx_one": "1" if direct else "0"}
    finally:
        disk_images.detach(folder)
    assert _until_gone(tmp_path.resolve()) == []
    assert not disk_images.attach(image, folder, 2**30)
    try:
        assert (folder / "kept").read_text() == "on the image"
    finally:
        disk_images.detach(folder)
    assert _until_gone(tmp_path.resolve()) == []


def test_an_image_that_does_not_mount_leaves_no_loop_device(tmp_path: Path) -> None:
    image, folder = tmp_path / "disks" / "dbx_bad.img", tmp_path / "devboxes" / "dbx_bad"
    image.parent.mkdir(parents=True)
    with image.open("wb") as file:
        file.truncate(2**30)  # no file system in it
    with pytest.raises(OSError, match="mount failed"):
        disk_images.attach(image, folder, 2**30)
    assert _until_gone(tmp_path.resolve()) == []
