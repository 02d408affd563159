"""Fixtures of the local engine tests: one engine per session, clients that check the spec."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from runloop_api import RunloopAPI
from runloop_api.types import DevboxView
from runloop_local import LocalEngine

from ._spec_check import ValidatingClient


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skips tests marked ``bwrap`` where bubblewrap is not installed."""
    if shutil.which("bwrap") is not None:
        return
    skip = pytest.mark.skip(reason="bubblewrap (bwrap) is not installed")
    for item in items:
        if "bwrap" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def engine() -> Iterator[LocalEngine]:
    """The engine every test shares."""
    with LocalEngine() as running:
        yield running


@pytest.fixture(scope="session")
def http() -> Iterator[ValidatingClient]:
    """The httpx client under the API client: it checks every answer against the spec."""
    with ValidatingClient(timeout=60) as client:
        yield client
    assert not client.server_errors, f"answers with a server error: {client.server_errors}"
    assert not client.violations, f"answers that do not match the spec: {client.violations}"


@pytest.fixture(scope="session")
def api(engine: LocalEngine, http: ValidatingClient) -> Iterator[RunloopAPI]:
    """The raw client, talking to the shared engine."""
    with RunloopAPI(
        base_url=engine.base_url, bearer_token=engine.token, http_client=http, max_retries=0
    ) as client:
        yield client


@pytest.fixture(scope="session")
def devbox(api: RunloopAPI) -> Iterator[DevboxView]:
    """A running devbox shared by the tests that do not change its lifecycle."""
    view = api.devboxes.create_and_await_running(name="shared")
    assert view.status == "running"
    yield view
    api.devboxes.shutdown(view.id)


@pytest.fixture
def new_devbox(api: RunloopAPI) -> Iterator[Callable[..., DevboxView]]:
    """Creates running devboxes for one test and shuts them down after it."""
    made: list[str] = []

    def create(**params: Any) -> DevboxView:
        view = api.devboxes.create(**params)
        made.append(view.id)
        return api.devboxes.wait_for_status(view.id, statuses=["running", "failure", "shutdown"])

    yield create
    for id in made:
        api.devboxes.shutdown(id)


def devbox_home(engine: LocalEngine, devbox_id: str) -> Path:
    """The host folder that is a running devbox's ``/home/user`` (in its mounted root, if it has one)."""
    root = engine.data_dir / "devboxes" / devbox_id
    return root / "merged" / "home" / "user" if (root / "upper").is_dir() else root / "home"


def cached_bytes(path: Path) -> int | None:
    """Bytes of ``path`` in the page cache (util-linux ``fincore``); None without the tool, or on
    tmpfs (its pages are the file: they never leave the cache)."""
    if shutil.which("fincore") is None:
        return None
    kind = subprocess.run(["stat", "-f", "-c", "%T", str(path)], capture_output=True, text=True, check=True)
    if kind.stdout.strip() == "tmpfs":
        return None
    done = subprocess.run(
        ["fincore", "--bytes", "--noheadings", "--raw", "--output", "RES", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.split()[0])
