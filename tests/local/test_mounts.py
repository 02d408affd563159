"""Mounts on devbox create: files, storage objects (archives unpacked) and git repositories."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from runloop_api import APIStatusError, BadRequestError, NotFoundError, RunloopAPI
from runloop_api.types import DevboxView
from runloop_local.devboxes.mounts import GIT_BASE_ENV

from ._objects import stored_object, tgz


def _run(api: RunloopAPI, devbox_id: str, command: str) -> str:
    result = api.devboxes.execute(devbox_id, command=command, command_id=str(uuid.uuid4()))
    assert result.exit_status == 0, result.stderr
    return result.stdout or ""


def test_file_and_object_mounts(api: RunloopAPI, new_devbox: Callable[..., DevboxView]) -> None:
    text = stored_object(api, "notes.txt", "text", b"a text object\n")
    archive = stored_object(api, "data.tgz", "tgz", tgz({"data/a.txt": b"A\n", "data/sub/b.txt": b"B\n"}))
    box = new_devbox(
        mounts=[
            {"type": "file_mount", "target": "/home/user/conf/app.ini", "content": "[app]\n"},
            {"type": "object_mount", "object_id": text, "object_path": "/home/user/notes.txt"},
            {"type": "object_mount", "object_id": archive, "object_path": "/tmp/unpacked"},
        ]
    )
    assert box.status == "running"
    assert _run(
        api, box.id, "cat ~/conf/app.ini ~/notes.txt /tmp/unpacked/data/a.txt /tmp/unpacked/data/sub/b.txt"
    ) == ("[app]\na text object\nA\nB\n")
    assert _run(api, box.id, "stat -c %U ~/notes.txt /tmp/unpacked/data/a.txt") == "user\nuser\n"


def test_a_code_mount_clones_a_repository(
    api: RunloopAPI, new_devbox: Callable[..., DevboxView], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "src"
    source.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(source)]
    subprocess.run(["git", "init", "-q", "-b", "main", str(source)], check=True)
    (source / "README.md").write_text("v1\n")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    subprocess.run([*git, "tag", "v1"], check=True)
    (source / "README.md").write_text("v2\n")
    subprocess.run([*git, "commit", "-qam", "two"], check=True)
    repos = tmp_path / "repos" / "acme"
    repos.mkdir(parents=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(source), str(repos / "tool")], check=True)
    monkeypatch.setenv(GIT_BASE_ENV, f"file://{tmp_path / 'repos'}")
    box = new_devbox(
        mounts=[
            {
                "type": "code_mount",
                "repo_owner": "acme",
                "repo_name": "tool",
                "git_ref": "v1",
                "install_command": "echo installed > .installed",
            }
        ]
    )
    assert box.status == "running"
    assert (
        _run(api, box.id, "cd ~/tool && cat README.md .installed && git log --oneline | wc -l")
        == "v1\ninstalled\n1\n"
    )
    broken = new_devbox(mounts=[{"type": "code_mount", "repo_owner": "acme", "repo_name": "missing"}])
    assert (broken.status, broken.failure_reason) == ("failure", "execution_failed")
    messages = [entry.message or "" for entry in api.devboxes.logs.list(broken.id).logs]
    assert any("a mount failed: mounts[0] (code_mount): git clone failed" in m for m in messages), messages


def test_bad_mounts_are_refused_before_anything_is_made(api: RunloopAPI) -> None:
    before = api.devboxes.list(include_total_count=True).total_count
    pending = api.objects.create(name="pending.txt", content_type="text")
    for mounts, error, match in [
        (
            [{"type": "object_mount", "object_id": "obj_nope", "object_path": "/home/user/x"}],
            NotFoundError,
            "obj_nope",
        ),
        (
            [{"type": "object_mount", "object_id": pending.id, "object_path": "/home/user/x"}],
            BadRequestError,
            "UPLOADING",
        ),
        (
            [{"type": "file_mount", "target": "/etc/passwd", "content": "x"}],
            BadRequestError,
            "mounts\\[0\\].target",
        ),
        ([{"type": "code_mount", "repo_owner": "a b", "repo_name": "x"}], BadRequestError, "repo_owner"),
    ]:
        with pytest.raises(error, match=match):
            api.devboxes.create(mounts=mounts)  # type: ignore[arg-type]
    with pytest.raises(APIStatusError, match="broker_mount mounts are not supported") as info:
        api.devboxes.create(mounts=[{"type": "broker_mount", "axon_id": "a"}])  # type: ignore[list-item]
    assert info.value.status_code == 501
    assert api.devboxes.list(include_total_count=True).total_count == before
