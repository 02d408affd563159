"""Devbox sizes are enforced limits: memory, CPU and processes hold while other devboxes serve."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from runloop_api import RunloopAPI
from runloop_api.types import DevboxExecutionDetailView, DevboxView
from runloop_local import LocalEngine
from runloop_local.devboxes.limits import LimitsPolicy
from runloop_local.sandbox import cgroups

pytestmark = [
    pytest.mark.bwrap,
    pytest.mark.skipif(isinstance(cgroups.layout(), str), reason=f"no cgroups: {cgroups.layout()}"),
]

X_SMALL = {"resource_size_request": "X_SMALL"}  # 0.5 vCPU, 1 GiB, 512 processes


def _execute_sync(api: RunloopAPI, devbox_id: str, command: str) -> DevboxExecutionDetailView:
    # execute_sync answers with the whole output in one call; the API deprecates it (it warns).
    with pytest.warns(DeprecationWarning, match="execSyncCommand"):
        return api.devboxes.execute_sync(devbox_id, command=command)


def _serves(api: RunloopAPI, devbox_id: str) -> None:
    result = _execute_sync(api, devbox_id, "echo still here")
    assert (result.exit_status, result.stdout) == (0, "still here\n")


def _cgroup_dirs(devbox_id: str) -> list[Path]:
    found = cgroups.layout()
    assert not isinstance(found, str)
    return [p for h in found.hierarchies for p in h.engine_dir.glob(f"runloop-local-*/{devbox_id}")]


def test_an_allocation_over_the_memory_size_is_killed_while_another_devbox_serves(
    api: RunloopAPI, new_devbox: Callable[..., DevboxView]
) -> None:
    small, other = new_devbox(launch_parameters=X_SMALL), new_devbox()
    assert (small.status, other.status) == ("running", "running")
    hog = api.devboxes.execute_async(
        small.id, command="python3 -c 'b = bytearray(1536 * 2**20); print(\"allocated\")'"
    )
    _serves(api, other.id)
    done = api.devboxes.executions.wait_for_status(
        hog.execution_id, devbox_id=small.id, statuses=["completed"]
    )
    assert done.exit_status == 137, (done.stdout, done.stderr)  # SIGKILL by the OOM killer
    assert "allocated" not in (done.stdout or "")
    _serves(api, small.id)  # the agent and the devbox survive
    fits = _execute_sync(api, small.id, "python3 -c 'b = bytearray(300 * 2**20); print(len(b))'")
    assert (fits.exit_status, fits.stdout) == (0, f"{300 * 2**20}\n")
    logs = api.devboxes.logs.list(small.id).logs
    assert any(
        "resource limits X_SMALL: 0.5 vCPU, 1 GiB memory, 512 processes" in (e.message or "") for e in logs
    )


BUSY = """
import os, resource, subprocess, sys, time
loop = "import time\\nt = time.time()\\nwhile time.time() - t < 2: pass"
procs = [subprocess.Popen([sys.executable, "-c", loop]) for _ in range(2)]
start = time.time()
for p in procs: p.wait()
used = resource.getrusage(resource.RUSAGE_CHILDREN)
print(round((used.ru_utime + used.ru_stime) / (time.time() - start), 3))
"""


def test_a_cpu_quota_holds_two_busy_loops_near_half_a_core(
    api: RunloopAPI, new_devbox: Callable[..., DevboxView]
) -> None:
    small = new_devbox(launch_parameters=X_SMALL)
    result = _execute_sync(api, small.id, f"python3 -c '{BUSY}'")
    assert result.exit_status == 0, result.stderr
    cores = float(result.stdout)
    # Two loops would take up to 2 cores unlimited; the quota is 0.5 (the machine is shared,
    # so only the ceiling is tight).
    assert 0.1 < cores < 0.7, cores


FORKS = """
import errno, os
n = 0
while True:
    try:
        pid = os.fork()
    except OSError as e:
        print(n, errno.errorcode[e.errno]); break
    if pid == 0:
        os.execv("/bin/sleep", ["sleep", "60"])
    n += 1
"""


def test_a_fork_bomb_stops_at_the_process_limit_and_the_engine_keeps_serving(
    api: RunloopAPI, engine: LocalEngine, new_devbox: Callable[..., DevboxView]
) -> None:
    small, other = new_devbox(launch_parameters=X_SMALL), new_devbox()
    counted = api.devboxes.execute_async(small.id, command=f"python3 -c '{FORKS}'; sleep 60")
    deadline = time.monotonic() + 30
    while not (view := api.devboxes.executions.retrieve(counted.execution_id, devbox_id=small.id)).stdout:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    forked, error = view.stdout.split()
    assert error == "EAGAIN" and 400 < int(forked) < 512, view.stdout
    _serves(api, other.id)  # while 512 processes hold the small devbox's limit
    api.devboxes.executions.kill(counted.execution_id, devbox_id=small.id, kill_process_group=True)
    # A real fork bomb: it churns inside its limit; the engine and the other devbox go on.
    api.devboxes.execute_async(small.id, command="bomb() { bomb | bomb & }; bomb")
    time.sleep(1.5)
    _serves(api, other.id)
    listed = httpx.get(
        f"{engine.base_url}/v1/devboxes", headers={"authorization": f"Bearer {engine.token}"}, timeout=10
    )
    assert listed.status_code == 200
    assert _cgroup_dirs(small.id)
    api.devboxes.shutdown(small.id)
    assert _cgroup_dirs(small.id) == []  # removed with its sandbox, processes and all


def test_sizes_are_checked_on_create(api: RunloopAPI, engine: LocalEngine) -> None:
    headers = {"authorization": f"Bearer {engine.token}"}

    def create(lp: dict[str, object]) -> httpx.Response:
        return httpx.post(f"{engine.base_url}/v1/devboxes", json={"launch_parameters": lp}, headers=headers)

    bad = create({"resource_size_request": "CUSTOM_SIZE", "custom_cpu_cores": 3, "custom_gb_memory": 2})
    assert bad.status_code == 400 and "custom_cpu_cores" in bad.json()["message"]
    assert create({"custom_gb_memory": 4}).status_code == 400
    assert create({"resource_size_request": "HUGE"}).status_code == 400
    disk = create(
        {
            "resource_size_request": "CUSTOM_SIZE",
            "custom_cpu_cores": 1,
            "custom_gb_memory": 2,
            "custom_disk_size": 3,
        }
    )
    assert disk.status_code == 400 and "custom_disk_size" in disk.json()["message"]


def test_a_custom_size_runs_with_its_limits(api: RunloopAPI, new_devbox: Callable[..., DevboxView]) -> None:
    box = new_devbox(
        launch_parameters={
            "resource_size_request": "CUSTOM_SIZE",
            "custom_cpu_cores": 2,
            "custom_gb_memory": 4,
        }
    )
    assert box.status == "running"
    assert box.launch_parameters is not None and box.launch_parameters.custom_gb_memory == 4
    logs = api.devboxes.logs.list(box.id).logs
    assert any(
        "resource limits CUSTOM_SIZE: 2 vCPU, 4 GiB memory, 2048 processes" in (e.message or "") for e in logs
    )


def test_cgroups_left_by_a_crashed_engine_are_swept_at_start(tmp_path: Path) -> None:
    found = cgroups.layout()
    assert not isinstance(found, str)
    scope = LimitsPolicy(tmp_path.resolve()).scope
    stale = [h.engine_dir / scope / "dbx_left_behind" for h in found.hierarchies]
    for folder in stale:
        folder.mkdir(parents=True)
    with LocalEngine(tmp_path):
        assert not any(folder.exists() for folder in stale)
    assert not any(folder.parent.exists() for folder in stale)  # the scope goes with the engine
