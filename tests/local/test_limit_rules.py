"""Devbox sizes and where their cgroups go: the pure decisions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from runloop_local.devboxes.disks import disk_bytes
from runloop_local.devboxes.limits import limits_notice
from runloop_local.devboxes.sizes import SIZES, Size, check_size, size_of
from runloop_local.http.errors import ApiError
from runloop_local.sandbox.cgroup_rules import Hierarchy, Layout, find_layout, limit_files, v2_dir
from runloop_local.sandbox.cgroups import wrap_command
from runloop_local.sandbox.contract import ResourceLimits
from runloop_local.sandbox.disk_rules import stale_devices

V1_MOUNTS = """\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
"""
V1_OWN = "8:pids:/\n4:memory:/jobs/a1\n1:cpu,cpuacct:/\n0::/\n"
V2_MOUNTS = "29 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n"


def test_documented_sizes_and_the_default() -> None:
    assert size_of({}) == SIZES["SMALL"] == Size("SMALL", 1, 2, 4)
    assert size_of({"resource_size_request": "X_SMALL"}) == Size("X_SMALL", 0.5, 1, 4)
    assert size_of({"resource_size_request": "XX_LARGE"}) == Size("XX_LARGE", 8, 32, 16)
    custom = size_of({"resource_size_request": "CUSTOM_SIZE", "custom_cpu_cores": 4, "custom_gb_memory": 8})
    assert custom == Size("CUSTOM_SIZE", 4.0, 8, None)
    assert custom.memory_bytes == 8 * 1024**3
    assert [SIZES[n].pids for n in ("X_SMALL", "SMALL", "MEDIUM", "XX_LARGE")] == [512, 1024, 2048, 8192]


@pytest.mark.parametrize(
    ("lp", "message"),
    [
        ({"custom_cpu_cores": 2}, "custom_cpu_cores`: custom sizes need"),
        ({"resource_size_request": "SMALL", "custom_gb_memory": 2}, "custom_gb_memory`: custom sizes"),
        (
            {"resource_size_request": "CUSTOM_SIZE", "custom_cpu_cores": 2},
            "missing field `launch_parameters.custom_gb_memory`",
        ),
        (
            {"resource_size_request": "CUSTOM_SIZE", "custom_cpu_cores": 3, "custom_gb_memory": 2},
            "custom_cpu_cores` 3",
        ),
        ({"resource_size_request": "CUSTOM_SIZE", "custom_cpu_cores": 18, "custom_gb_memory": 2}, "up to 16"),
        (
            {"resource_size_request": "CUSTOM_SIZE", "custom_cpu_cores": 1, "custom_gb_memory": 3},
            "custom_gb_memory` 3",
        ),
        ({"resource_size_request": "CUSTOM_SIZE", "custom_cpu_cores": 1, "custom_gb_memory": 66}, "up to 64"),
        (
            {
                "resource_size_request": "CUSTOM_SIZE",
                "custom_cpu_cores": 1,
                "custom_gb_memory": 1,
                "custom_disk_size": 1,
            },
            "custom_disk_size` 1",
        ),
    ],
)
def test_bad_custom_sizes_are_refused_naming_the_field(lp: dict[str, Any], message: str) -> None:
    with pytest.raises(ApiError, match=message) as caught:
        check_size(lp)
    assert caught.value.status == 400


def test_good_sizes_pass() -> None:
    for lp in (
        {},
        {"resource_size_request": "LARGE"},
        {"resource_size_request": "CUSTOM_SIZE", "custom_cpu_cores": 0.5, "custom_gb_memory": 1},
        {
            "resource_size_request": "CUSTOM_SIZE",
            "custom_cpu_cores": 16,
            "custom_gb_memory": 64,
            "custom_disk_size": 2,
        },
    ):
        check_size(lp)


def test_v1_layout_nests_under_the_engines_own_cgroup_per_controller() -> None:
    found = find_layout(V1_MOUNTS, V1_OWN, None)
    assert isinstance(found, Layout) and found.version == 1
    dirs = {h.controllers: h.engine_dir for h in found.hierarchies}
    assert dirs == {
        ("memory",): Path("/sys/fs/cgroup/memory/jobs/a1"),
        ("cpu",): Path("/sys/fs/cgroup/cpu,cpuacct"),
        ("pids",): Path("/sys/fs/cgroup/pids"),
    }


def test_v2_is_used_where_it_has_the_controllers() -> None:
    own = "0::/user.slice/engine.scope\n"
    assert v2_dir(V2_MOUNTS, own) == Path("/sys/fs/cgroup/user.slice/engine.scope")
    found = find_layout(V2_MOUNTS, own, "cpuset cpu io memory pids\n")
    assert found == Layout(
        2, (Hierarchy(("memory", "cpu", "pids"), Path("/sys/fs/cgroup/user.slice/engine.scope")),)
    )
    # A hybrid machine's unified hierarchy without the controllers: v1 is used.
    hybrid = find_layout(V1_MOUNTS, V1_OWN, "hugetlb\n")
    assert isinstance(hybrid, Layout) and hybrid.version == 1


def test_no_layout_says_why() -> None:
    assert find_layout("", "", None) == "no cgroup file system is mounted"
    assert (
        find_layout(V2_MOUNTS, "0::/\n", "cpu io\n")
        == "the cgroup controllers memory, cpu, pids are not available"
    )
    no_pids = "\n".join(line for line in V1_MOUNTS.splitlines() if "pids" not in line)
    assert find_layout(no_pids, V1_OWN, None) == "the cgroup controllers pids are not available"


def test_limit_files_for_each_version() -> None:
    limits = ResourceLimits(cpu_cores=0.5, memory_bytes=1024**3, pids=512)
    assert limit_files(2, ("memory", "cpu", "pids"), limits) == {
        "memory.max": str(1024**3),
        "memory.swap.max": "0",
        "cpu.max": "50000 100000",
        "pids.max": "512",
    }
    assert limit_files(1, ("cpu",), limits) == {"cpu.cfs_period_us": "100000", "cpu.cfs_quota_us": "50000"}
    assert limit_files(1, ("memory",), limits) == {"memory.limit_in_bytes": str(1024**3)}


def test_the_wrapper_joins_cgroups_then_execs(tmp_path: Path) -> None:
    import subprocess

    procs = [tmp_path / "a", tmp_path / "b"]
    args = wrap_command(["sh", "-c", "echo $$; ulimit -d"], [str(p) for p in procs], None)
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout.split()
    assert [p.read_text().strip() for p in procs] == [out[0], out[0]]  # exec kept the pid
    limited = subprocess.run(
        wrap_command(["sh", "-c", "ulimit -d"], [], 2 * 1024**3), capture_output=True, text=True
    )
    assert limited.stdout.strip() == str(2 * 1024**2)
    failing = subprocess.run(
        wrap_command(["true"], [str(tmp_path / "no" / "procs")], None), capture_output=True
    )
    assert failing.returncode == 125


def test_the_notice_says_what_is_not_enforced() -> None:
    size = SIZES["X_SMALL"]
    assert limits_notice(size, None, 1, None) == (
        "resource limits X_SMALL: 0.5 vCPU, 1 GiB memory, 512 processes (cgroup v1), 4 GiB disk (ext4 image)"
    )
    assert limits_notice(size, None, 1, "the devbox has no writable root") == (
        "resource limits X_SMALL: 0.5 vCPU, 1 GiB memory, 512 processes (cgroup v1); "
        "not enforced: 4 GiB disk (the devbox has no writable root)"
    )
    text = limits_notice(size, "the engine is not root", None, "the engine is not root")
    assert text.endswith(
        "not enforced: 0.5 vCPU, 512 processes (the engine is not root), 4 GiB disk (the engine is not root)"
    )


def test_a_custom_size_without_a_disk_gets_the_default_sizes_disk() -> None:
    custom = size_of({"resource_size_request": "CUSTOM_SIZE", "custom_cpu_cores": 1, "custom_gb_memory": 2})
    assert disk_bytes(custom) == 4 * 2**30
    assert disk_bytes(SIZES["LARGE"]) == 16 * 2**30


def test_stale_loop_devices_are_this_data_dirs_unmounted_ones(tmp_path: Path) -> None:
    disks = tmp_path / "disks"
    backing = {
        "/dev/loop0": f"{disks}/dbx_a.img",
        "/dev/loop1": f"{disks}/dbx_b.img (deleted)",
        "/dev/loop2": f"{disks}/dbx_c.img",
        "/dev/loop3": f"{tmp_path}/disks-other/dbx_d.img",
    }
    assert stale_devices(backing, disks, {"/dev/loop2"}) == ["/dev/loop0", "/dev/loop1"]
