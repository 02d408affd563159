"""Progress callbacks and bars on transfers and builds; RUNLOOP_LOG request logs (without the token)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from runloop_api._base.logs import level_from_env
from runloop_sdk import Progress, RunloopSDK
from runloop_sdk._base.progress import bar_wanted

BIG = 3 * 1024 * 1024 + 17  # several 1 MiB chunks


@pytest.fixture(scope="module")
def engine_sdk(engine: object) -> Iterator[RunloopSDK]:
    with RunloopSDK(bearer_token=engine.token, base_url=engine.base_url) as sdk:  # type: ignore[attr-defined]
        yield sdk


def test_bar_is_opt_in_and_needs_a_terminal() -> None:
    assert not bar_wanted(None, {}, is_terminal=True)
    assert bar_wanted(None, {"RUNLOOP_PROGRESS": "1"}, is_terminal=True)
    assert bar_wanted(True, {}, is_terminal=True)
    assert not bar_wanted(True, {}, is_terminal=False)
    assert not bar_wanted(False, {"RUNLOOP_PROGRESS": "1"}, is_terminal=True)
    assert not bar_wanted(lambda update: None, {"RUNLOOP_PROGRESS": "1"}, is_terminal=True)


def test_log_level_from_env() -> None:
    assert level_from_env({"RUNLOOP_LOG": "debug"}) == logging.DEBUG
    assert level_from_env({"RUNLOOP_LOG": "INFO"}) == logging.INFO
    assert level_from_env({"RUNLOG_LOG": "debug"}) is None
    assert level_from_env({}) is None


def test_upload_and_download_report_every_chunk(engine_sdk: RunloopSDK, tmp_path: Path) -> None:
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(BIG))
    ups: list[Progress] = []
    downs: list[Progress] = []
    with engine_sdk.devbox.create(name="progress") as box:
        box.file.upload("big.bin", source, progress=ups.append)
        data = box.file.download("big.bin", progress=downs.append)
    assert data == source.read_bytes()
    for updates, word in ((ups, "upload"), (downs, "download")):
        assert updates[-1].finished and updates[-1].done == BIG and updates[-1].total == BIG
        assert updates[0].task == f"{word} big.bin" and updates[0].unit == "bytes"
        moving = [u.done for u in updates if not u.finished]
        assert len(moving) >= 3 and moving == sorted(moving)


def test_storage_upload_reports_progress(engine_sdk: RunloopSDK, tmp_path: Path) -> None:
    source = tmp_path / "obj.bin"
    source.write_bytes(os.urandom(BIG))
    updates: list[Progress] = []
    obj = engine_sdk.storage_object.upload_from_file(source, progress=updates.append)
    assert updates[-1].finished and updates[-1].done == BIG == updates[-1].total
    assert len(obj.download_as_bytes()) == BIG


def test_blueprint_build_reports_log_lines(engine_sdk: RunloopSDK) -> None:
    updates: list[Progress] = []
    blueprint = engine_sdk.blueprint.create(
        name="progress-bp", system_setup_commands=["echo step-one", "echo step-two"], progress=updates.append
    )
    assert blueprint.get_info().status == "build_complete"
    assert updates[-1].finished and updates[-1].unit == "lines"
    lines = [u.message or "" for u in updates if not u.finished]
    assert any("step-two" in line for line in lines)
    assert [u.done for u in updates if not u.finished] == list(range(1, len(lines) + 1))


_SCRIPT = textwrap.dedent(
    """
    import sys
    from runloop_sdk import RunloopSDK
    sdk = RunloopSDK(bearer_token=sys.argv[1], base_url=sys.argv[2])
    box = sdk.devbox.create(name="logged")
    box.cmd.exec("true")
    box.shutdown()
    sdk.close()
    """
)


@pytest.mark.parametrize("level", ["info", "debug"])
def test_runloop_log_logs_each_request_never_the_token(engine: object, level: str) -> None:
    token, url = engine.token, engine.base_url  # type: ignore[attr-defined]
    env = {**os.environ, "RUNLOOP_LOG": level}
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, token, url], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if " runloop_api " in line]
    assert any("POST /v1/devboxes -> 200 in " in line and "request_id=rl-" in line for line in lines)
    assert any("/execute -> 200" in line for line in lines)
    assert any(f" {level.upper()} " in line for line in lines)
    assert token not in done.stderr and token not in done.stdout


def test_no_log_without_the_variable(engine: object) -> None:
    token, url = engine.token, engine.base_url  # type: ignore[attr-defined]
    env = {k: v for k, v in os.environ.items() if k != "RUNLOOP_LOG"}
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, token, url], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and "runloop_api" not in done.stderr
