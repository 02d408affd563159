"""Blueprints end to end through ``runloop_api``: builds from a Dockerfile and a build context,
logs, the cache, bases, failures, devboxes and snapshots made from them, restarts."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from runloop_api import BadRequestError, ConflictError, NotFoundError, RunloopAPI
from runloop_api.types import BlueprintView, DevboxView
from runloop_local import LocalEngine

from ._objects import stored_object, tgz
from ._spec_check import ValidatingClient

pytestmark = pytest.mark.bwrap

APP_DOCKERFILE = """\
# an app image
FROM ubuntu:22.04
ARG GREETING=hello
ENV APP_HOME=/app MSG="$GREETING world"
WORKDIR /app
COPY src/ ./
COPY --chown=user notes.txt /home/user/notes.txt
RUN echo built-$GREETING > /app/built.txt && ls /app
USER user
RUN whoami > /tmp/built-by
"""


@pytest.fixture(autouse=True)
def _needs_writable_roots(engine: LocalEngine) -> None:
    if engine.writable_roots is not None:
        pytest.skip(f"no writable roots on this machine: {engine.writable_roots}")


def _context(api: RunloopAPI, files: dict[str, bytes]) -> str:
    """Uploads a tar.gz of ``files`` as a storage object; returns its id."""
    return stored_object(api, f"ctx-{uuid.uuid4().hex[:6]}.tar.gz", "tgz", tgz(files))


def _built(api: RunloopAPI, **params: object) -> BlueprintView:
    view = api.blueprints.create(**params)  # type: ignore[arg-type]
    deadline = time.monotonic() + 120
    while view.status not in ("build_complete", "failed") and time.monotonic() < deadline:
        time.sleep(0.05)
        view = api.blueprints.retrieve(view.id)
    return view


def _run(api: RunloopAPI, devbox_id: str, command: str) -> str:
    result = api.devboxes.execute(devbox_id, command=command, command_id=str(uuid.uuid4()))
    assert result.exit_status == 0, result.stderr
    return result.stdout or ""


def _messages(api: RunloopAPI, blueprint_id: str) -> list[str]:
    return [line.message for line in api.blueprints.logs(blueprint_id).logs]


@pytest.fixture
def app_files() -> dict[str, bytes]:
    return {
        "src/main.py": b"print('hi')\n",
        "src/debug.log": b"left out\n",
        "notes.txt": b"notes\n",
        ".dockerignore": b"src/*.log\n",
    }


def test_a_build_runs_the_dockerfile_and_a_devbox_sees_files_env_and_workdir(
    api: RunloopAPI, new_devbox: Callable[..., DevboxView], app_files: dict[str, bytes]
) -> None:
    context = _context(api, app_files)
    bp = _built(
        api,
        name="app",
        dockerfile=APP_DOCKERFILE,
        build_args={"GREETING": "hey"},
        build_context={"type": "object", "object_id": context},
        system_setup_commands=["echo setup > /etc/setup-ran"],
        file_mounts={"/home/user/conf.ini": "[x]\n"},
        metadata={"team": "core"},
    )
    assert (bp.status, bp.state, bp.failure_reason, bp.metadata) == (
        "build_complete",
        "created",
        None,
        {"team": "core"},
    )
    assert bp.build_finish_time_ms is not None and bp.build_finish_time_ms >= bp.create_time_ms
    logs = api.blueprints.logs(bp.id).logs
    assert all(line.timestamp_ms >= bp.create_time_ms for line in logs)
    messages = [line.message for line in logs]
    assert any("FROM ubuntu:22.04: the local engine builds on its base image" in m for m in messages)
    assert "Step 4/7: RUN echo built-$GREETING > /app/built.txt && ls /app" in messages
    assert "main.py" in messages  # the RUN's own output, line by line

    box = new_devbox(blueprint_id=bp.id)
    assert box.blueprint_id == bp.id
    assert _run(api, box.id, "pwd; echo $MSG $APP_HOME; ls; cat built.txt /tmp/built-by /etc/setup-ran") == (
        "/app\nhey world /app\nbuilt.txt\nmain.py\nbuilt-hey\nuser\nsetup\n"
    )
    assert (
        _run(api, box.id, "stat -c '%U %n' ~/notes.txt ~/conf.ini; id -un")
        == ("user /home/user/notes.txt\nroot /home/user/conf.ini\nuser\n")
        or _run(api, box.id, "stat -c '%U' ~/notes.txt ~/conf.ini") == "user\nuser\n"
    )
    # By name: the newest blueprint of that name whose build completed.
    by_name = new_devbox(blueprint_name="app", environment_variables={"MSG": "mine"})
    assert by_name.blueprint_id == bp.id
    assert _run(api, by_name.id, "echo $MSG") == "mine\n"  # the devbox's own variables win


def test_a_rebuild_reuses_every_layer_and_an_edit_rebuilds_from_the_copy_on(
    api: RunloopAPI, app_files: dict[str, bytes]
) -> None:
    params = {"name": "cached", "dockerfile": APP_DOCKERFILE}
    first = _built(api, build_context={"type": "object", "object_id": _context(api, app_files)}, **params)
    assert first.status == "build_complete"
    again = _built(api, build_context={"type": "object", "object_id": _context(api, app_files)}, **params)
    steps = [m for m in _messages(api, again.id) if m.startswith("Step ")]
    assert steps and all(m.endswith("(cached)") for m in steps), steps
    edited = {**app_files, "src/main.py": b"print('edited')\n"}
    third = _built(api, build_context={"type": "object", "object_id": _context(api, edited)}, **params)
    steps = [m for m in _messages(api, third.id) if m.startswith("Step ")]
    assert [m.endswith("(cached)") for m in steps] == [True, False, False, False, False]


def test_a_failing_step_fails_the_build_with_its_output_in_the_log(
    api: RunloopAPI, new_devbox: Callable[..., DevboxView]
) -> None:
    bp = _built(api, name="broken", dockerfile="FROM x\nRUN echo about to fail && exit 3\nRUN echo never\n")
    assert (bp.status, bp.failure_reason) == ("failed", "build_failed")
    messages = _messages(api, bp.id)
    assert "about to fail" in messages
    assert messages[-1] == "RUN echo about to fail && exit 3 failed with exit status 3"
    assert "never" not in messages
    with pytest.raises(BadRequestError, match="its build failed"):
        api.devboxes.create(blueprint_id=bp.id)
    with pytest.raises(NotFoundError, match="no blueprint named 'broken' has a completed build"):
        api.devboxes.create(blueprint_name="broken")


def test_a_dockerfile_error_fails_the_build_naming_the_line(api: RunloopAPI) -> None:
    bp = _built(api, name="syntax", dockerfile="FROM x\nRUN true\nFROBNICATE now\n")
    assert (bp.status, bp.failure_reason) == ("failed", "build_failed")
    assert _messages(api, bp.id)[-1] == "Dockerfile line 3: unknown instruction FROBNICATE"


def test_builds_stack_on_base_blueprints_by_name_and_by_from(
    api: RunloopAPI, new_devbox: Callable[..., DevboxView]
) -> None:
    base = _built(
        api,
        name=f"base-{uuid.uuid4().hex[:6]}",
        dockerfile="FROM x\nENV LAYER=base\nRUN echo base > /opt/base\n",
    )
    assert base.status == "build_complete"
    child = _built(
        api, name="child", base_blueprint_name=base.name, system_setup_commands=["echo child > /opt/child"]
    )
    from_name = _built(api, name="from", dockerfile=f"FROM {base.name}\nRUN cat /opt/base > /opt/from\n")
    assert (child.status, from_name.status, child.base_blueprint_id) == (
        "build_complete",
        "build_complete",
        base.id,
    )
    box = new_devbox(blueprint_id=child.id)
    assert _run(api, box.id, "cat /opt/base /opt/child; echo $LAYER") == "base\nchild\nbase\n"
    box2 = new_devbox(blueprint_id=from_name.id)
    assert _run(api, box2.id, "cat /opt/from") == "base\n"
    with pytest.raises(NotFoundError):
        api.blueprints.create(name="orphan", base_blueprint_id="bpt_nope")


def test_list_retrieve_preview_metadata_public_and_delete(
    api: RunloopAPI, new_devbox: Callable[..., DevboxView]
) -> None:
    name = f"listed-{uuid.uuid4().hex[:6]}"
    made = [
        _built(api, name=name, system_setup_commands=[f"echo {n} > /opt/n"], metadata={"n": str(n)})
        for n in range(3)
    ]
    page = api.blueprints.list(name=name, limit=2)
    assert [b.id for b in page.items] == [made[2].id, made[1].id] and page.has_more
    assert [b.id for b in api.blueprints.list(name=name)] == [m.id for m in reversed(made)]  # walks the pages
    assert api.blueprints.list(name=name, include_total_count=True).total_count == 3
    assert "n" in (api.blueprints.metadata_keys().keys or [])
    assert {"0", "1", "2"} <= set(api.blueprints.metadata_values("n").values or [])
    public = list(api.blueprints.list_public())
    assert [(b.name, b.is_public, b.status) for b in public] == [
        ("runloop-local-base", True, "build_complete")
    ]
    assert name not in {b.name for b in public}
    with pytest.warns(DeprecationWarning, match="previewImage"):
        preview = api.blueprints.preview(name="p", system_setup_commands=["apt-get update"])
    assert preview.dockerfile == "FROM runloop-local-base\nRUN apt-get update\n"
    box = new_devbox(blueprint_id=made[0].id)
    api.blueprints.delete(made[0].id)
    assert api.blueprints.retrieve(made[0].id).state == "deleted"
    assert made[0].id not in [b.id for b in api.blueprints.list(name=name)]
    assert _run(api, box.id, "cat /opt/n") == "0\n"  # a devbox made from it keeps its disk
    with pytest.raises(NotFoundError):
        api.blueprints.delete(made[0].id)
    with pytest.raises(NotFoundError):
        api.devboxes.create(blueprint_id=made[0].id)
    with pytest.raises(BadRequestError, match="public base image"):
        api.blueprints.delete(public[0].id)
    plain = new_devbox(blueprint_id=public[0].id)
    assert plain.blueprint_id is None and _run(api, plain.id, "pwd") == "/home/user\n"


def test_a_snapshot_of_a_blueprint_devbox_keeps_its_image(
    api: RunloopAPI, new_devbox: Callable[..., DevboxView]
) -> None:
    bp = _built(api, name="snap-src", dockerfile="FROM x\nENV IMAGE=yes\nWORKDIR /srv\n")
    box = new_devbox(blueprint_id=bp.id)
    _run(api, box.id, "echo state > ~/state")
    snap = api.devboxes.snapshot_disk(box.id)
    assert snap.source_blueprint_id == bp.id
    assert [s.id for s in api.devboxes.disk_snapshots.list(source_blueprint_id=bp.id)] == [snap.id]
    fork = new_devbox(snapshot_id=snap.id)
    assert fork.blueprint_id == bp.id
    assert _run(api, fork.id, "pwd; echo $IMAGE; cat ~/state") == "/srv\nyes\nstate\n"


def test_bad_requests_change_nothing(api: RunloopAPI) -> None:
    before = api.blueprints.list(include_total_count=True).total_count
    with pytest.raises(BadRequestError, match="base_blueprint_id"):
        api.blueprints.create(name="x", base_blueprint_id="a", base_blueprint_name="b")
    with pytest.raises(NotFoundError, match="no blueprint named 'nope'"):
        api.blueprints.create(name="x", base_blueprint_name="nope")
    with pytest.raises(BadRequestError, match="name"):
        api.blueprints.create(name="")
    with pytest.raises(BadRequestError, match="blueprint_id"):
        api.devboxes.create(blueprint_id="a", blueprint_name="b")
    assert api.blueprints.list(include_total_count=True).total_count == before
    with pytest.raises(NotFoundError):
        api.blueprints.retrieve("bpt_nope")
    with pytest.raises(NotFoundError):
        api.blueprints.logs("bpt_nope")


def test_a_build_cut_off_by_a_stop_is_failed_after_a_restart_and_leaves_nothing(
    tmp_path: Path, http: ValidatingClient
) -> None:
    data_dir, token = tmp_path / "data", "t-" + uuid.uuid4().hex
    with (
        LocalEngine(data_dir, token=token) as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=token, http_client=http, max_retries=0) as api,
    ):
        slow = api.blueprints.create(name="slow", system_setup_commands=["echo started; sleep 60"])
        deadline = time.monotonic() + 30
        while "started" not in _messages(api, slow.id) and time.monotonic() < deadline:
            time.sleep(0.05)
        queued = api.blueprints.create(name="queued", system_setup_commands=["true"])
        assert api.blueprints.retrieve(queued.id).status == "queued"  # one build at a time
        with pytest.raises(ConflictError, match="wait until its build ends"):
            api.blueprints.delete(slow.id)
    assert not [
        line for line in Path("/proc/self/mountinfo").read_text().splitlines() if str(data_dir) in line
    ]
    with (
        LocalEngine(data_dir, token=token) as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=token, http_client=http, max_retries=0) as api,
    ):
        for id in (slow.id, queued.id):
            view = api.blueprints.retrieve(id)
            assert (view.status, view.failure_reason) == ("failed", "build_failed")
            assert _messages(api, id)[-1] == "the engine stopped before the build completed"
        assert not (data_dir / "builds").exists()
        assert not [p for p in (data_dir / "layers").glob("lyr_*")]


def test_a_full_disk_fails_the_build_as_out_of_disk_and_leaves_no_layer(
    tmp_path: Path, http: ValidatingClient
) -> None:
    small = tmp_path / "small"
    small.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(small)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        with (
            LocalEngine(small / "data") as engine,
            RunloopAPI(
                base_url=engine.base_url, bearer_token=engine.token, http_client=http, max_retries=0
            ) as api,
        ):
            if engine.writable_roots is not None:
                pytest.skip(f"no writable roots on a tmpfs here: {engine.writable_roots}")
            bp = _built(
                api, name="too-big", system_setup_commands=["echo 1 > /small; head -c 100M /dev/zero > /big"]
            )
            assert (bp.status, bp.failure_reason) == ("failed", "out_of_disk")
            # The step's own output may be lost with the disk full; the failure line never is.
            assert "failed with exit status" in _messages(api, bp.id)[-1]
            deadline = time.monotonic() + 10  # the scratch folder goes right after the status
            while (small / "data" / "builds" / bp.id).exists() and time.monotonic() < deadline:
                time.sleep(0.02)
            assert not (small / "data" / "builds" / bp.id).exists()
            assert not list((small / "data" / "layers").glob("lyr_*"))
    finally:
        subprocess.run(["umount", "-l", str(small)], check=False)


def test_from_debian_is_a_real_debian_base(api: RunloopAPI, new_devbox: Callable[..., DevboxView]) -> None:
    bp = _built(api, name="debian", dockerfile="FROM debian:bookworm-slim\nRUN echo made-in-debian > /made\n")
    messages = _messages(api, bp.id)
    if bp.status == "failed" and any("mmdebstrap" in m for m in messages):
        pytest.skip(f"no Debian base could be built here: {messages[-1]}")
    assert bp.status == "build_complete", messages[-5:]
    assert "FROM debian: a Debian bookworm base (minbase, with ca-certificates and python3)" in messages
    box = new_devbox(blueprint_id=bp.id)
    packages = int(_run(api, box.id, "dpkg-query -W | wc -l"))
    assert _run(
        api, box.id, "grep -o bookworm /etc/os-release | head -1; cat /made; id -un; sudo id -un"
    ) == ("bookworm\nmade-in-debian\nuser\nroot\n")
    assert packages < 200  # a minimal Debian, not this machine's system
    again = _built(api, name="debian-again", dockerfile="FROM debian:12\nRUN echo made-in-debian > /made\n")
    assert [m for m in _messages(api, again.id) if m.startswith("Step ")] == [
        "Step 1/1: RUN echo made-in-debian > /made (cached)"
    ]


def test_from_scratch_takes_copies_only(api: RunloopAPI, new_devbox: Callable[..., DevboxView]) -> None:
    context = {"type": "object", "object_id": _context(api, {"hello.txt": b"hi\n"})}
    bp = _built(
        api, name="scratch", dockerfile="FROM scratch\nCOPY hello.txt /data/\n", build_context=context
    )
    assert bp.status == "build_complete"
    failed = _built(api, name="scratch-run", dockerfile="FROM scratch\nRUN true\n")
    assert failed.status == "failed"
    assert "FROM scratch images take COPY and ADD only" in _messages(api, failed.id)[-1]
    box = new_devbox(blueprint_id=bp.id)  # nothing in it can run the engine's agent
    assert (box.status, box.failure_reason) == ("failure", "execution_failed")
    assert any("python3" in (entry.message or "") for entry in api.devboxes.logs.list(box.id).logs)
