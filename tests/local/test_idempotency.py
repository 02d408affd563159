"""Creates repeated with one ``x-request-id`` answer the first result: never a second resource."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from runloop_api_client import Runloop

from runloop_api import RunloopAPI
from runloop_api.types import DevboxView
from runloop_local import LocalEngine


def _key() -> str:
    return str(uuid.uuid4())


def test_a_repeated_devbox_create_answers_the_first_devbox(api: RunloopAPI) -> None:
    key = _key()
    before = api.devboxes.list(include_total_count=True).total_count or 0
    first = api.devboxes.create(name="once", idempotency_key=key)
    again = api.devboxes.create(name="once", idempotency_key=key)
    awaited = api.devboxes.create_and_await_running(name="once", idempotency_key=key)  # the same operation
    assert first.id == again.id == awaited.id and awaited.status == "running"
    assert api.devboxes.list(include_total_count=True).total_count == before + 1
    other = api.devboxes.create(name="twice", idempotency_key=_key())
    assert other.id != first.id
    for id in (first.id, other.id):
        api.devboxes.shutdown(id)


def test_concurrent_repeats_make_one_devbox(api: RunloopAPI) -> None:
    key = _key()
    with ThreadPoolExecutor(8) as pool:
        ids = set(pool.map(lambda _: api.devboxes.create(name="racing", idempotency_key=key).id, range(8)))
    assert len(ids) == 1
    api.devboxes.shutdown(ids.pop())


def test_snapshots_objects_and_blueprints_are_made_once(
    api: RunloopAPI, engine: LocalEngine, new_devbox: Callable[..., DevboxView]
) -> None:
    box = new_devbox()
    key = _key()
    snap = api.devboxes.snapshot_disk(box.id, name="once", idempotency_key=key)
    assert api.devboxes.snapshot_disk(box.id, name="once", idempotency_key=key).id == snap.id
    assert len([s for s in api.devboxes.disk_snapshots.list(devbox_id=box.id)]) == 1
    started = api.devboxes.snapshot_disk_async(box.id, idempotency_key=key)  # another operation: its own
    assert started.id != snap.id
    assert api.devboxes.snapshot_disk_async(box.id, idempotency_key=key).id == started.id

    key = _key()
    obj = api.objects.create(name="once.txt", content_type="text", idempotency_key=key)
    again = api.objects.create(name="once.txt", content_type="text", idempotency_key=key)
    assert (again.id, again.upload_url) == (obj.id, obj.upload_url)

    if engine.writable_roots is not None:
        pytest.skip(f"no blueprints without writable roots: {engine.writable_roots}")
    key = _key()
    bp = api.blueprints.create(name="once-bp", system_setup_commands=["true"], idempotency_key=key)
    assert (
        api.blueprints.create(name="once-bp", system_setup_commands=["true"], idempotency_key=key).id == bp.id
    )
    assert [b.id for b in api.blueprints.list(name="once-bp")] == [bp.id]


def test_a_failed_create_can_be_sent_again(api: RunloopAPI) -> None:
    key = _key()
    with pytest.raises(Exception, match="environment_variables"):
        api.devboxes.create(environment_variables={"1bad": "x"}, idempotency_key=key)
    made = api.devboxes.create(name="second-try", idempotency_key=key)
    assert made.name == "second-try"
    api.devboxes.shutdown(made.id)


def test_the_official_clients_retries_make_one_devbox(engine: LocalEngine) -> None:
    with Runloop(bearer_token=engine.token, base_url=engine.base_url, max_retries=0) as client:
        key = _key()
        first = client.devboxes.create(name="official-once", idempotency_key=key)
        assert client.devboxes.create(name="official-once", idempotency_key=key).id == first.id
        client.devboxes.shutdown(first.id)


def test_keys_survive_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    key = _key()
    with (
        LocalEngine(data_dir, token="t") as first,
        RunloopAPI(base_url=first.base_url, bearer_token="t") as api,
    ):
        made = api.devboxes.create(name="before", idempotency_key=key).id
    with (
        LocalEngine(data_dir, token="t") as second,
        RunloopAPI(base_url=second.base_url, bearer_token="t") as api,
    ):
        assert api.devboxes.create(name="before", idempotency_key=key).id == made


def test_a_repeated_execute_async_answers_the_first_execution(
    api: RunloopAPI, new_devbox: Callable[..., DevboxView]
) -> None:
    box = new_devbox()
    key = _key()
    first = api.devboxes.executions.execute_async(box.id, command="echo once >> runs", idempotency_key=key)
    again = api.devboxes.executions.execute_async(box.id, command="echo once >> runs", idempotency_key=key)
    assert again.execution_id == first.execution_id
    api.devboxes.executions.wait_for_status(first.execution_id, devbox_id=box.id, statuses=["completed"])
    other = api.devboxes.executions.execute_async(box.id, command="true", idempotency_key=_key())
    assert other.execution_id != first.execution_id
    assert api.devboxes.read_file_contents(box.id, file_path="runs") == "once\n"
