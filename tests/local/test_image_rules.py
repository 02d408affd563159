"""Unit tests of the pure parts of writable roots: the host's share, the mounts, the user accounts."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from runloop_local.images.debian import debian_suite
from runloop_local.images.layers import LayerStore
from runloop_local.images.rules import host_plan
from runloop_local.sandbox._rootfs_plan import OVERLAY_OPTIONS, mount_plan, upper_folders
from runloop_local.sandbox.contract import RootFs, SandboxError
from runloop_local.sandbox.etc_users import with_group, with_user, without_host_people

HOST_PASSWD = "root:x:0:0:root:/root:/bin/bash\n_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\nalice:x:1000:1000::/home/alice:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"


def test_host_plan_overlays_folders_keeps_links_and_hides_private_entries() -> None:
    plan = host_plan(
        {"usr": None, "bin": "usr/bin", "etc": None, "var": None, "opt": None},
        ["/etc/shadow", "/var/log/btmp", "/home/x/secret"],
        ["/etc/ssl/private", "/srv/private"],
        "/root/.local/share/runloop-local",
    )
    assert plan.overlays == ("usr", "etc", "opt", "var")
    assert plan.symlinks == {"bin": "usr/bin"}
    assert plan.whiteouts == ("etc/shadow", "var/log/btmp")
    assert plan.opaque == ("etc/ssl/private", "var/crash", "var/mail", "var/spool", "var/tmp")


@pytest.mark.parametrize("data_dir", ["/opt/engine", "/var/lib/runloop", "/usr"])
def test_host_plan_refuses_a_data_dir_inside_the_host_folders(data_dir: str) -> None:
    with pytest.raises(ValueError, match="put the data dir elsewhere"):
        host_plan({"usr": None, "opt": None, "var": None}, [], [], data_dir)


def _rootfs(layers: tuple[Path, ...] = ()) -> RootFs:
    box = Path("/data/devboxes/dbx_1")
    return RootFs(
        upper=box / "upper",
        work=box / "work",
        merged=box / "merged",
        skeleton=Path("/data/images/host/skeleton"),
        mask=Path("/data/images/host/mask"),
        host_dirs=("usr", "etc"),
        layers=layers,
    )


def test_mount_plan_stacks_layers_over_the_host_folders() -> None:
    layers = (Path("/data/layers/lyr_2"), Path("/data/layers/lyr_1"))
    existing = {Path("/data/layers/lyr_1/etc"), Path("/data/images/host/mask/etc")}
    root, usr, etc = mount_plan(_rootfs(layers), existing)
    assert root.target == Path("/data/devboxes/dbx_1/merged")
    assert root.lowers == (*layers, Path("/data/images/host/skeleton"))
    assert (root.upper, root.work) == (
        Path("/data/devboxes/dbx_1/upper"),
        Path("/data/devboxes/dbx_1/work/_root"),
    )
    assert usr.lowers == (Path("/usr"),)
    assert etc.target == Path("/data/devboxes/dbx_1/merged/etc")
    assert etc.lowers == (Path("/data/layers/lyr_1/etc"), Path("/data/images/host/mask/etc"), Path("/etc"))
    assert etc.options() == (
        "lowerdir=/data/layers/lyr_1/etc:/data/images/host/mask/etc:/etc,"
        f"upperdir=/data/devboxes/dbx_1/upper/etc,workdir=/data/devboxes/dbx_1/work/etc,{OVERLAY_OPTIONS}"
    )
    assert Path("/data/devboxes/dbx_1/work/usr") in upper_folders(_rootfs())


def test_mount_plan_refuses_paths_and_stacks_the_kernel_cannot_take() -> None:
    with pytest.raises(SandboxError, match="':', ',' or"):
        mount_plan(_rootfs((Path("/data/layers/a:b"),)), set())
    with pytest.raises(SandboxError, match="too many layers"):
        mount_plan(_rootfs(tuple(Path(f"/data/layers/lyr_{n:040d}") for n in range(100))), set())


def test_with_user_adds_the_devbox_user_and_leaves_out_the_hosts_people() -> None:
    new = with_user(HOST_PASSWD, "user", 1000, "/home/user", from_host=True)
    assert new.splitlines() == [
        "root:x:0:0:root:/root:/bin/bash",
        "_apt:x:42:65534::/nonexistent:/usr/sbin/nologin",
        "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
        "user:x:1000:1000:user:/home/user:/bin/bash",
    ]
    assert with_user(new, "user", 1000, "/home/user", from_host=False) == new  # idempotent
    # A devbox's own accounts (made by useradd in it) stay; only the name or uid it takes is replaced.
    own = new + "bob:x:1001:1001::/home/bob:/bin/sh\n"
    again = with_user(own, "dev", 1001, "/home/user", from_host=False)
    assert (
        "bob:" not in again
        and "user:x:1000" in again
        and again.endswith("dev:x:1001:1001:dev:/home/user:/bin/bash\n")
    )


def test_with_group_and_without_host_people() -> None:
    group = "root:x:0:\nusers:x:100:\nalice:x:1000:\nnogroup:x:65534:\n"
    assert (
        with_group(group, "user", 1000, from_host=True)
        == "root:x:0:\nusers:x:100:\nnogroup:x:65534:\nuser:x:1000:\n"
    )
    assert without_host_people(HOST_PASSWD).count("\n") == 3


@pytest.mark.parametrize(
    ("image", "suite"),
    [
        ("debian", "stable"),
        ("debian:latest", "stable"),
        ("debian:12", "bookworm"),
        ("debian:bookworm-slim", "bookworm"),
        ("docker.io/library/debian:11", "bullseye"),
        ("debian:trixie", "trixie"),
        ("debian:sid", None),
        ("ubuntu:22.04", None),
        ("mydebian:12", None),
    ],
)
def test_debian_suite_reads_image_references(image: str, suite: str | None) -> None:
    assert debian_suite(image) == suite


async def test_a_fresh_layer_is_never_collected_before_a_record_holds_it(tmp_path: Path) -> None:
    store = LayerStore(tmp_path / "layers")
    made = tmp_path / "made"
    made.mkdir()
    (made / "file").write_text("x")
    layer = store.adopt(made)
    assert await store.collect([]) == []  # pinned: its record may not be written yet
    store.unpin([layer])
    assert await store.collect([layer]) == []  # referenced
    assert await store.collect([]) == [layer]
    assert not store.path(layer).exists()


async def test_collects_that_overlap_remove_each_layer_once(tmp_path: Path) -> None:
    """Two collects at once (two devboxes shut down together, a blueprint deleted during a
    build): the second must not rename a layer the first is about to (FileNotFoundError, the
    official SDK's blueprint workflow failed ~1 run in 6), nor remove one taken up meanwhile."""
    store = LayerStore(tmp_path / "layers")
    layers = []
    for n in range(3):
        made = tmp_path / f"made-{n}"
        made.mkdir()
        (made / "file").write_text(str(n))
        layers.append(store.adopt(made))
    store.unpin(layers)
    first, second = await asyncio.gather(store.collect([]), store.collect([]))
    assert sorted(first + second) == sorted(layers)
    assert not any(store.path(layer).exists() for layer in layers)
    assert not list((tmp_path / "layers" / ".staging").iterdir())
