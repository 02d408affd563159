"""Agents end to end: records through the raw client, and agent mounts installing them into devboxes."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from runloop_api import BadRequestError, NotFoundError, RunloopAPI
from runloop_api.types import DevboxView

from ._objects import stored_object, tgz

pytestmark = pytest.mark.bwrap


def _run(api: RunloopAPI, devbox_id: str, command: str) -> str:
    result = api.devboxes.execute(devbox_id, command=command, command_id=str(uuid.uuid4()))
    assert result.exit_status == 0, (result.stdout, result.stderr)
    return result.stdout or ""


def _name() -> str:
    return f"agent-{uuid.uuid4().hex[:10]}"


def _log(api: RunloopAPI, devbox_id: str) -> str:
    return "\n".join(entry.message or "" for entry in api.devboxes.logs.list(devbox_id).logs)


def test_records_create_list_get_delete(api: RunloopAPI) -> None:
    name = _name()
    archive = stored_object(api, "agent.tgz", "tgz", tgz({"run.sh": b"echo hi\n"}))
    first = api.agents.create(
        name=name, version="1", source={"type": "object", "object": {"object_id": archive}}
    )
    second = api.agents.create(name=name, version="2", source={"type": "pip", "pip": {"package_name": "six"}})
    assert first.id.startswith("agt_") and not first.is_public
    assert (
        first.source is not None
        and first.source.object is not None
        and first.source.object.object_id == archive
    )
    assert api.agents.retrieve(second.id) == second
    page = api.agents.list(name=name, limit=1)
    assert [a.id for a in page.items] == [second.id] and page.has_more and page.total_count == 2
    assert [a.id for a in api.agents.list(name=name, version="1")] == [first.id]
    assert [a.id for a in api.agents.list(search=first.id)] == [first.id]
    assert list(api.agents.list(name=name, is_public=True)) == []
    public = api.agents.list_public()
    assert (public.items, public.has_more) == ([], False)
    api.agents.delete(first.id)
    with pytest.raises(NotFoundError):
        api.agents.retrieve(first.id)
    with pytest.raises(NotFoundError):
        api.agents.delete(first.id)
    assert [a.id for a in api.agents.list(name=name)] == [second.id]


def test_bad_agents_are_refused(api: RunloopAPI) -> None:
    pending = api.objects.create(name="pending.tgz", content_type="tgz")
    for params, match in [
        ({"name": " "}, "name"),
        ({"name": "a", "source": {"type": "svn"}}, "source.type"),
        ({"name": "a", "source": {"type": "npm", "pip": {"package_name": "x"}}}, r"source\.npm"),
        ({"name": "a", "source": {"type": "pip", "pip": {"package_name": "--upgrade"}}}, "package_name"),
        (
            {"name": "a", "source": {"type": "object", "object": {"object_id": "obj_nope"}}},
            "no storage object",
        ),
        ({"name": "a", "source": {"type": "object", "object": {"object_id": pending.id}}}, "UPLOADING"),
        ({"name": "a", "source": {"type": "git", "git": {"repository": "/r", "ref": "-x"}}}, "ref"),
    ]:
        with pytest.raises(BadRequestError, match=match):
            api.agents.create(**params)  # type: ignore[arg-type]


def test_object_agents_mounted_by_id_and_by_name(
    api: RunloopAPI, new_devbox: Callable[..., DevboxView]
) -> None:
    archive = stored_object(api, "agent.tgz", "tgz", tgz({"bin/agent.sh": b"echo agent v1\n"}))
    packed = api.agents.create(
        name=_name(),
        source={"type": "object", "object": {"object_id": archive, "agent_setup": ["touch set-up"]}},
    )
    script = stored_object(api, "solo.sh", "text", b"#!/bin/sh\necho solo\n")
    solo = api.agents.create(name=_name(), source={"type": "object", "object": {"object_id": script}})
    before = api.agents.devbox_counts()
    box = new_devbox(
        mounts=[
            {"type": "agent_mount", "agent_id": packed.id, "agent_name": None},
            {"type": "agent_mount", "agent_id": None, "agent_name": solo.name, "agent_path": "/tmp/solo"},
        ],
        launch_parameters={"launch_commands": [f"test -f ~/agents/{packed.name}/set-up"]},
    )
    assert box.status == "running", _log(api, box.id)
    assert (
        _run(api, box.id, f"bash ~/agents/{packed.name}/bin/agent.sh && /tmp/solo/solo.sh")
        == "agent v1\nsolo\n"
    )
    assert (
        _run(api, box.id, f"stat -c %U ~/agents ~/agents/{packed.name}/set-up /tmp/solo/solo.sh")
        == "user\n" * 3
    )
    counts = api.agents.devbox_counts()
    assert counts.counts[packed.name] == before.counts.get(packed.name, 0) + 1 == 1
    assert counts.total_count == before.total_count + 2
    api.devboxes.shutdown(box.id)
    assert packed.name not in api.agents.devbox_counts().counts


def test_a_git_agent_is_cloned_at_its_ref(
    api: RunloopAPI, new_devbox: Callable[..., DevboxView], tmp_path: Path
) -> None:
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(tmp_path)]
    subprocess.run(["git", "init", "-q", "-b", "main", str(tmp_path)], check=True)
    (tmp_path / "agent.txt").write_text("v1\n")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    subprocess.run([*git, "tag", "v1"], check=True)
    (tmp_path / "agent.txt").write_text("v2\n")
    subprocess.run([*git, "commit", "-qam", "two"], check=True)
    agent = api.agents.create(
        name=_name(), source={"type": "git", "git": {"repository": f"file://{tmp_path}", "ref": "v1"}}
    )
    box = new_devbox(
        mounts=[{"type": "agent_mount", "agent_id": agent.id, "agent_name": None, "agent_path": "~/tool"}]
    )
    assert box.status == "running", _log(api, box.id)
    assert _run(api, box.id, "cat ~/tool/agent.txt && stat -c %U ~/tool/agent.txt") == "v1\nuser\n"
    missing = api.agents.create(
        name=_name(), source={"type": "git", "git": {"repository": str(tmp_path), "ref": "v9"}}
    )
    broken = new_devbox(mounts=[{"type": "agent_mount", "agent_id": missing.id, "agent_name": None}])
    assert (broken.status, broken.failure_reason) == ("failure", "execution_failed")
    assert "a mount failed: mounts[0] (agent_mount): git checkout failed" in _log(api, broken.id)


def test_a_failed_install_fails_the_devbox(api: RunloopAPI, new_devbox: Callable[..., DevboxView]) -> None:
    agent = api.agents.create(
        name=_name(), source={"type": "pip", "pip": {"package_name": "./nowhere", "agent_setup": ["true"]}}
    )
    box = new_devbox(mounts=[{"type": "agent_mount", "agent_id": agent.id, "agent_name": None}])
    assert (box.status, box.failure_reason) == ("failure", "execution_failed")
    log = _log(api, box.id)
    assert "launch command failed" in log and "pip install" in log and "./nowhere" in log


def test_bad_agent_mounts_are_refused(api: RunloopAPI) -> None:
    agent = api.agents.create(name=_name())
    cases: list[tuple[dict[str, str | None], type[Exception], str]] = [
        ({"agent_id": None, "agent_name": None}, BadRequestError, "agent_id"),
        ({"agent_id": "agt_nope", "agent_name": None}, NotFoundError, "agt_nope"),
        ({"agent_id": None, "agent_name": "no such agent"}, NotFoundError, "no such agent"),
        ({"agent_id": agent.id, "agent_name": "other"}, BadRequestError, "is named"),
        (
            {"agent_id": agent.id, "agent_name": None, "agent_path": "/etc/agent"},
            BadRequestError,
            "agent_path",
        ),
    ]
    for mount, error, match in cases:
        with pytest.raises(error, match=match):
            api.devboxes.create(mounts=[{"type": "agent_mount", **mount}])  # type: ignore[list-item]


def _reachable(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code < 500
    except httpx.HTTPError:
        return False


def test_pip_and_npm_agents_install_from_their_registries(
    api: RunloopAPI, new_devbox: Callable[..., DevboxView]
) -> None:
    if not (
        _reachable("https://pypi.org/simple/six/") and _reachable("https://registry.npmjs.org/is-number")
    ):
        pytest.skip("the pip and npm registries are not reachable from here")
    pip = api.agents.create(name=_name(), source={"type": "pip", "pip": {"package_name": "six==1.17.0"}})
    npm = api.agents.create(name=_name(), source={"type": "npm", "npm": {"package_name": "is-number@7.0.0"}})
    box = new_devbox(
        mounts=[
            {"type": "agent_mount", "agent_id": pip.id, "agent_name": None},
            {"type": "agent_mount", "agent_id": npm.id, "agent_name": None},
        ]
    )
    box = api.devboxes.wait_for_status(box.id, statuses=["running", "failure"], timeout_seconds=120)
    assert box.status == "running", _log(api, box.id)
    assert (
        _run(api, box.id, f"PYTHONPATH=~/agents/{pip.name} python3 -c 'import six; print(six.__version__)'")
        == "1.17.0\n"
    )
    assert (
        _run(api, box.id, f"cd ~/agents/{npm.name} && node -e 'console.log(require(\"is-number\")(5))'")
        == "true\n"
    )
