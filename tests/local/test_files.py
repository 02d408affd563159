"""File operations end to end: read, write, upload, download, and paths that try to escape."""

from __future__ import annotations

import hashlib
import io
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from runloop_api import BadRequestError, NotFoundError, RunloopAPI
from runloop_api.types import DevboxView
from runloop_local import LocalEngine

from .conftest import cached_bytes, devbox_home


def _run(api: RunloopAPI, devbox: DevboxView, command: str) -> str:
    result = api.devboxes.execute(devbox.id, command=command, command_id=str(uuid.uuid4()))
    assert result.exit_status == 0, result.stderr
    return result.stdout or ""


@pytest.mark.bwrap  # needs the sandbox: a private /tmp and the devbox user
def test_write_then_read_and_see_it_inside(api: RunloopAPI, devbox: DevboxView) -> None:
    answer = api.devboxes.write_file_contents(devbox.id, file_path="notes/a.txt", contents="héllo\n")
    assert (answer.exit_status, answer.stdout, answer.stderr) == (0, "", "")
    assert api.devboxes.read_file_contents(devbox.id, file_path="notes/a.txt") == "héllo\n"
    assert api.devboxes.read_file_contents(devbox.id, file_path="/home/user/notes/a.txt") == "héllo\n"
    assert api.devboxes.read_file_contents(devbox.id, file_path="~/notes/a.txt") == "héllo\n"
    assert _run(api, devbox, "cat ~/notes/a.txt") == "héllo\n"
    api.devboxes.write_file_contents(devbox.id, file_path="/tmp/t.txt", contents="in tmp")
    assert _run(api, devbox, "cat /tmp/t.txt") == "in tmp"
    _run(api, devbox, "echo from-inside > ~/inside.txt")
    assert api.devboxes.read_file_contents(devbox.id, file_path="inside.txt") == "from-inside\n"


@pytest.mark.bwrap  # needs the sandbox: a private /tmp and the devbox user
def test_upload_and_download_stream_binary_files(api: RunloopAPI, devbox: DevboxView, tmp_path: Path) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    source = tmp_path / "blob.bin"
    source.write_bytes(data)
    with source.open("rb") as handle:
        assert api.devboxes.upload_file(devbox.id, path="bin/blob.bin", file=handle) is not None
    assert _run(api, devbox, "sha256sum < ~/bin/blob.bin").split()[0] == hashlib.sha256(data).hexdigest()
    with api.devboxes.download_file(devbox.id, path="/home/user/bin/blob.bin") as response:
        got = b"".join(response.iter_bytes())
    assert got == data
    api.devboxes.upload_file(devbox.id, path="/tmp/small.txt", file=io.BytesIO(b"small"))
    assert _run(api, devbox, "cat /tmp/small.txt") == "small"


@pytest.mark.parametrize(
    "path",
    ["../escape.txt", "/home/user/../../etc/passwd", "/etc/passwd", "/root/x", "", "a/\0b", "/home/userx/f"],
)
def test_paths_outside_the_devbox_are_refused(api: RunloopAPI, devbox: DevboxView, path: str) -> None:
    with pytest.raises(BadRequestError, match="file_path"):
        api.devboxes.write_file_contents(devbox.id, file_path=path, contents="nope")
    with pytest.raises(BadRequestError, match="file_path"):
        api.devboxes.read_file_contents(devbox.id, file_path=path)
    with pytest.raises(BadRequestError, match="`path`"):
        api.devboxes.download_file(devbox.id, path=path).close()


@pytest.mark.bwrap  # needs the sandbox: a private /tmp and the devbox user
def test_symlinks_cannot_lead_out_of_the_devbox(
    api: RunloopAPI, devbox: DevboxView, engine: LocalEngine, tmp_path: Path
) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    home = devbox_home(engine, devbox.id)
    (home / "etc-link").symlink_to("/etc/passwd")
    (home / "up-link").symlink_to("../../../etc")
    for path in ("etc-link", "up-link/passwd"):
        with pytest.raises(BadRequestError, match="symlink"):
            api.devboxes.read_file_contents(devbox.id, file_path=path)
        with pytest.raises(BadRequestError, match="symlink"):
            api.devboxes.write_file_contents(devbox.id, file_path=path, contents="x")
        with pytest.raises(BadRequestError, match="symlink"):
            api.devboxes.upload_file(devbox.id, path=path, file=io.BytesIO(b"x"))
    # A link to a host path means that path inside the devbox, never the host's file.
    (home / "host-link").symlink_to(outside)
    (home / "host-dir").symlink_to(tmp_path)
    with pytest.raises(NotFoundError):
        api.devboxes.read_file_contents(devbox.id, file_path="host-link")
    api.devboxes.write_file_contents(devbox.id, file_path="host-dir/new.txt", contents="x")
    assert outside.read_text() == "secret"
    assert not (tmp_path / "new.txt").exists()
    assert _run(api, devbox, f"cat {tmp_path}/new.txt") == "x"  # the devbox's own /tmp
    (home / "inner.txt").write_text("fine")
    (home / "inner-link.txt").symlink_to("inner.txt")
    assert api.devboxes.read_file_contents(devbox.id, file_path="inner-link.txt") == "fine"


def test_missing_files_and_directories(api: RunloopAPI, devbox: DevboxView) -> None:
    with pytest.raises(NotFoundError, match="no file"):
        api.devboxes.read_file_contents(devbox.id, file_path="does/not/exist.txt")
    with pytest.raises(NotFoundError, match="no file"):
        api.devboxes.download_file(devbox.id, path="missing.bin").close()
    _run(api, devbox, "mkdir -p ~/adir")
    with pytest.raises(BadRequestError, match="not a regular file"):
        api.devboxes.read_file_contents(devbox.id, file_path="adir")
    with pytest.raises(BadRequestError, match="directory"):
        api.devboxes.write_file_contents(devbox.id, file_path="adir", contents="x")


def test_upload_needs_path_and_file(engine: LocalEngine, devbox: DevboxView) -> None:
    url = f"{engine.base_url}/v1/devboxes/{devbox.id}/upload_file"
    headers = {"authorization": f"Bearer {engine.token}"}
    with httpx.Client() as http:
        no_path = http.post(url, headers=headers, files={"file": ("f", b"x")})
        assert no_path.status_code == 400
        assert "`path`" in no_path.json()["message"]
        no_file = http.post(url, headers=headers, data={"path": "x.txt"}, files={"other": ("f", b"x")})
        assert no_file.status_code == 400
        assert "`file`" in no_file.json()["message"]
        not_multipart = http.post(url, headers=headers, json={"path": "x"})
        assert not_multipart.status_code == 400


def _multipart(parts: list[tuple[str, str | None, bytes]], boundary: str = "bNd") -> bytes:
    body = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n"
    return body + f"--{boundary}--\r\n".encode()


@pytest.mark.bwrap  # needs the sandbox: the devbox user
def test_large_uploads_are_byte_exact_in_either_part_order(
    api: RunloopAPI, engine: LocalEngine, devbox: DevboxView, tmp_path: Path
) -> None:
    # Random bytes with delimiter look-alikes: the body is streamed into the file as it arrives.
    data = os.urandom(40 * 1024 * 1024) + b"\r\n--bNd\r\n--" + os.urandom(1000)
    source = tmp_path / "big.bin"
    source.write_bytes(data)
    api.devboxes.upload_file(devbox.id, path="big/one.bin", file=source)
    assert _run(api, devbox, "sha256sum < ~/big/one.bin").split()[0] == hashlib.sha256(data).hexdigest()
    assert _run(api, devbox, "stat -c %U ~/big/one.bin").strip() == "user"
    # The file part before the path (a client may send them so): spooled, then put in place.
    url = f"{engine.base_url}/v1/devboxes/{devbox.id}/upload_file"
    headers = {"authorization": f"Bearer {engine.token}", "content-type": "multipart/form-data; boundary=bNd"}
    body = _multipart([("file", "x", data[:5_000_000]), ("path", None, b"big/two.bin")])
    assert httpx.post(url, headers=headers, content=body).status_code == 200
    with api.devboxes.download_file(devbox.id, path="big/two.bin") as response:
        assert b"".join(response.iter_bytes()) == data[:5_000_000]


@pytest.mark.bwrap  # needs the sandbox: the devbox user
def test_a_long_upload_leaves_the_page_cache_behind_it_and_every_byte_stays(
    api: RunloopAPI, engine: LocalEngine, devbox: DevboxView, tmp_path: Path
) -> None:
    data = os.urandom(112 * 1024 * 1024)
    source = tmp_path / "long.bin"
    source.write_bytes(data)
    api.devboxes.upload_file(devbox.id, path="long.bin", file=source)
    resident = cached_bytes(devbox_home(engine, devbox.id) / "long.bin")
    if resident is None:
        pytest.skip("fincore (util-linux) is not installed, or the data dir is on tmpfs")
    # (read in the devbox only afterwards: the read caches the file again)
    # Written back and dropped behind the writes, all but about the last 32 MiB (the last
    # write-back may still run: it was handed to a thread).
    deadline = time.monotonic() + 10
    while resident > 64 * 1024 * 1024 and time.monotonic() < deadline:
        time.sleep(0.05)
        resident = cached_bytes(devbox_home(engine, devbox.id) / "long.bin") or 0
    assert resident <= 64 * 1024 * 1024, f"{resident} bytes of 112 MiB still cached"
    assert _run(api, devbox, "sha256sum < ~/long.bin").split()[0] == hashlib.sha256(data).hexdigest()


@pytest.mark.bwrap  # needs the sandbox: a private /tmp
def test_a_failed_upload_leaves_the_old_file(
    api: RunloopAPI, engine: LocalEngine, devbox: DevboxView
) -> None:
    api.devboxes.upload_file(devbox.id, path="keep.bin", file=b"old contents")
    url = f"{engine.base_url}/v1/devboxes/{devbox.id}/upload_file"
    headers = {"authorization": f"Bearer {engine.token}", "content-type": "multipart/form-data; boundary=bNd"}
    whole = _multipart([("path", None, b"keep.bin"), ("file", "x", os.urandom(3_000_000))])
    cut = httpx.post(url, headers=headers, content=whole[: len(whole) // 2])  # no closing delimiter
    assert cut.status_code == 400
    assert "ends before its closing delimiter" in cut.json()["message"]
    two_files = _multipart([("path", None, b"keep.bin"), ("file", "x", b"new"), ("file", "y", b"new")])
    assert httpx.post(url, headers=headers, content=two_files).status_code == 400

    def broken_body() -> Iterator[bytes]:  # the client goes away midway
        yield whole[:2_000_000]
        raise OSError("client gone")

    with pytest.raises(OSError, match="client gone"):
        httpx.post(url, headers=headers, content=broken_body())
    assert api.devboxes.read_file_contents(devbox.id, file_path="keep.bin") == "old contents"
    assert _run(api, devbox, "ls -a ~").count(".rl-upload") == 0
