"""Secrets end to end: the eight operations, devboxes that get them, and where values never go."""

from __future__ import annotations

import os
import stat
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from runloop_api_client import Runloop

from runloop_api import BadRequestError, ConflictError, NotFoundError, RunloopAPI
from runloop_api.types import DevboxView
from runloop_local import LocalEngine


def _name() -> str:
    return f"S_{uuid.uuid4().hex[:8]}"


def _run(api: RunloopAPI, devbox_id: str, command: str) -> str:
    result = api.devboxes.execute(devbox_id, command=command, command_id=str(uuid.uuid4()))
    assert result.exit_status == 0, result.stderr
    return result.stdout or ""


def test_create_get_list_update_delete_by_name_and_id(api: RunloopAPI, engine: LocalEngine) -> None:
    name = _name()
    made = api.secrets.create(name=name, value="v1")
    assert made.name == name and made.id.startswith("sec_") and "value" not in made.model_dump()
    assert api.secrets.retrieve(name).id == made.id
    assert api.secrets.retrieve_by_id(made.id).name == name
    assert made.id in [s.id for s in api.secrets.list(limit=100).secrets]
    with pytest.raises(ConflictError, match="exists"):
        api.secrets.create(name=name, value="again")
    updated = api.secrets.update(name, value="v2")
    assert updated.update_time_ms >= made.update_time_ms
    api.secrets.update_by_id(made.id, value="v3")
    value_file = engine.data_dir / "secrets" / made.id
    assert value_file.read_text() == "v3"
    assert stat.S_IMODE(value_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((engine.data_dir / "secrets").stat().st_mode) == 0o700
    assert api.secrets.delete(name).id == made.id
    assert not value_file.exists()
    with pytest.raises(NotFoundError):
        api.secrets.retrieve(name)
    with pytest.raises(NotFoundError):
        api.secrets.delete_by_id(made.id)
    other = api.secrets.create(name=_name(), value="x")
    assert api.secrets.delete_by_id(other.id).id == other.id
    for bad in ("", "-x", "a b", "x" * 257):
        with pytest.raises(BadRequestError, match="name"):
            api.secrets.create(name=bad, value="v")
    with pytest.raises(BadRequestError, match="NUL"):
        api.secrets.create(name=_name(), value="a\0b")


def test_a_devbox_gets_its_secrets_as_environment_variables_only(
    api: RunloopAPI, engine: LocalEngine, new_devbox: Callable[..., DevboxView]
) -> None:
    name, value = _name(), f"top-secret-{uuid.uuid4().hex}"
    api.secrets.create(name=name, value=value)
    box = new_devbox(secrets={"API_TOKEN": name})
    other = new_devbox()
    assert _run(api, box.id, "echo $API_TOKEN") == value + "\n"
    assert _run(api, other.id, "echo [$API_TOKEN]") == "[]\n"
    # Never on a command line of the host, never in the devbox's records, logs or files.
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            assert value.encode() not in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
    assert value not in api.devboxes.retrieve(box.id).model_dump_json()
    assert value not in str([entry.message for entry in api.devboxes.logs.list(box.id).logs])
    _run(api, box.id, "echo written-by-the-devbox > ~/f")
    snap = api.devboxes.snapshot_disk(box.id)
    fork = new_devbox(snapshot_id=snap.id)
    assert _run(api, fork.id, "echo [$API_TOKEN]") == "[]\n"  # a snapshot holds no secret
    root = engine.data_dir / "devboxes" / box.id
    stored = [engine.data_dir / "layers", *(p for p in root.iterdir() if p.name != "merged")]
    found = subprocess.run(["grep", "-rlsF", value, *map(str, stored)], capture_output=True, text=True)
    assert found.stdout == ""  # no file of the engine's layers or of the devbox holds it
    # A new value reaches devboxes when they next start.
    api.secrets.update(name, value="rotated")
    api.devboxes.suspend(box.id)
    api.devboxes.wait_for_status(box.id, statuses=["suspended"])
    api.devboxes.resume(box.id)
    api.devboxes.wait_for_status(box.id, statuses=["running"])
    assert _run(api, box.id, "echo $API_TOKEN") == "rotated\n"


def test_a_devbox_asking_for_a_missing_secret_is_refused(api: RunloopAPI) -> None:
    before = api.devboxes.list(include_total_count=True).total_count
    with pytest.raises(BadRequestError, match="no secret named 'nope'"):
        api.devboxes.create(secrets={"TOKEN": "nope"})
    with pytest.raises(BadRequestError, match="environment variable"):
        api.devboxes.create(secrets={"1BAD": "x"})
    assert api.devboxes.list(include_total_count=True).total_count == before


def test_the_official_client_manages_secrets(engine: LocalEngine) -> None:
    with Runloop(bearer_token=engine.token, base_url=engine.base_url, max_retries=0) as client:
        name = _name()
        made = client.secrets.create(name=name, value="from-official")
        assert client.secrets.retrieve(name).id == made.id
        box = client.devboxes.create_and_await_running(secrets={"FROM_OFFICIAL": name})
        done = client.devboxes.execute_and_await_completion(box.id, command="echo $FROM_OFFICIAL")
        assert done.stdout == "from-official\n"
        client.devboxes.shutdown(box.id)
        client.secrets.delete(name)
