"""Pure parts of the sandbox runtime: frames, payloads, exit codes, bubblewrap arguments, isolation choice."""

from __future__ import annotations

import dataclasses
import os
import signal
from pathlib import Path

import pytest

from runloop_local.sandbox import SandboxError, SandboxSpec
from runloop_local.sandbox import _wire as wire
from runloop_local.sandbox._agent import descendants
from runloop_local.sandbox._bwrap import (
    HOME,
    base_env,
    bwrap_args,
    etc_files,
    hostname_of,
    masked_paths,
)
from runloop_local.sandbox._session import home_on_host
from runloop_local.sandbox._start import choose_isolation
from runloop_local.sandbox._validate import check_spec, env_fields, text_field
from runloop_local.sandbox.host_scan import HostLayout, private_entries


def test_frames_round_trip_whole_and_byte_by_byte() -> None:
    frames = [
        (wire.STDOUT, 7, b"hello"),
        (wire.EXIT, 7, b"0"),
        (wire.EOF, 2**32 - 1, b""),
        (wire.STDIN, 1, b"x" * 70000),
    ]
    stream = b"".join(wire.encode_frame(*frame) for frame in frames)

    whole = bytearray(stream)
    assert wire.split_frames(whole) == frames
    assert whole == b""

    buffer, received = bytearray(), []
    for i in range(0, len(stream), 997):
        buffer += stream[i : i + 997]
        received += wire.split_frames(buffer)
    assert received == frames
    assert buffer == b""


def test_split_frames_keeps_an_incomplete_frame() -> None:
    stream = wire.encode_frame(wire.STDERR, 3, b"abc") + wire.encode_frame(wire.STDOUT, 3, b"defg")[:-1]
    buffer = bytearray(stream)
    assert wire.split_frames(buffer) == [(wire.STDERR, 3, b"abc")]
    assert len(buffer) == wire.HEADER.size + 3
    buffer += b"g"
    assert wire.split_frames(buffer) == [(wire.STDOUT, 3, b"defg")]


def test_fields_and_env() -> None:
    fields = ["", "echo 'a=b' | cat", "A=1", "B=x=y", "EMPTY=", "é=ü"]
    decoded = wire.decode_fields(wire.encode_fields(fields))
    assert decoded == fields
    assert wire.parse_env([*decoded[2:], "no-equal-sign"]) == {"A": "1", "B": "x=y", "EMPTY": "", "é": "ü"}


@pytest.mark.parametrize(
    ("status", "code"),
    [(0, 0), (3 << 8, 3), (255 << 8, 255), (signal.SIGKILL, 137), (signal.SIGTERM, 143)],
)
def test_exit_code(status: int, code: int) -> None:
    assert wire.exit_code(status) == code


def test_descendants_of_an_unknown_process_are_none() -> None:
    assert os.getpid() not in descendants(os.getpid())
    assert descendants(os.getpid() + 10_000_000) == []


SPEC = SandboxSpec(
    "dbx_1", Path("/data/devboxes/dbx_1"), env={"FOO": "bar", "PATH": "/custom"}, username="dev", uid=1234
)
HOST = HostLayout(
    top={"usr": None, "bin": "usr/bin", "etc": None, "lib": "usr/lib"},
    private_files=("/etc/shadow",),
    private_dirs=("/etc/ssl/private",),
)


def _pairs(args: list[str], option: str, arity: int = 2) -> list[tuple[str, ...]]:
    return [tuple(args[i + 1 : i + 1 + arity]) for i, arg in enumerate(args) if arg == option]


def test_bwrap_args_mount_the_system_read_only_and_the_devbox_folders_read_write() -> None:
    args = bwrap_args(
        SPEC,
        HOST,
        bwrap="/usr/bin/bwrap",
        root="/data/devboxes/dbx_1",
        data_fds={"/etc/passwd": 5},
        command=["py", "agent"],
    )
    assert args[0] == "/usr/bin/bwrap"
    assert args[-3:] == ["--", "py", "agent"]
    assert _pairs(args, "--ro-bind") == [("/usr", "/usr"), ("/etc", "/etc"), ("/dev/null", "/etc/shadow")]
    assert _pairs(args, "--symlink") == [("usr/bin", "/bin"), ("usr/lib", "/lib"), ("../tmp", "/var/tmp")]
    assert _pairs(args, "--bind") == [
        ("/data/devboxes/dbx_1/home", HOME),
        ("/data/devboxes/dbx_1/tmp", "/tmp"),
    ]
    assert _pairs(args, "--ro-bind-data") == [("5", "/etc/passwd")]
    assert _pairs(args, "--tmpfs", 1) == [("/etc/ssl/private",)]
    assert _pairs(args, "--remount-ro", 1) == [("/etc/ssl/private",), ("/",)]
    assert _pairs(args, "--proc", 1) == [("/proc",)] and _pairs(args, "--dev", 1) == [("/dev",)]
    assert _pairs(args, "--uid", 1) == [("1234",)] and _pairs(args, "--gid", 1) == [("1234",)]
    assert _pairs(args, "--cap-drop", 1) == [("ALL",)]
    assert _pairs(args, "--hostname", 1) == [("dbx_1",)]
    assert _pairs(args, "--chdir", 1) == [(HOME,)]
    for flag in (
        "--unshare-user",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
    ):
        assert flag in args
    assert "--unshare-net" not in args and "--unshare-all" not in args


def test_bwrap_args_hide_the_data_dir_when_it_lies_in_a_visible_folder() -> None:
    host = HostLayout(top={"usr": None, "opt": None}, extra_ro=("/pythons/3.11",))
    args = bwrap_args(
        SPEC, host, bwrap="bwrap", root="/opt/engine/devboxes/dbx_1", data_fds={}, command=["py"]
    )
    assert _pairs(args, "--tmpfs", 1) == [("/opt/engine",)]
    assert ("/pythons/3.11", "/pythons/3.11") in _pairs(args, "--ro-bind")
    # tmpfs masks come after the read-only binds they cover, and before the devbox's own binds.
    assert args.index("/opt/engine") > args.index("/opt") and args.index("/opt/engine") < args.index("--bind")


@pytest.mark.parametrize(
    ("root", "visible", "masks"),
    [
        ("/root/.local/share/runloop/devboxes/d1", ["/usr", "/etc", "/opt"], []),
        ("/opt/runloop/devboxes/d1", ["/usr", "/etc", "/opt"], ["/opt/runloop"]),
        ("/opt/d1", ["/opt"], ["/opt/d1"]),
        ("/optional/d1", ["/opt"], []),
        ("/usr", ["/usr"], []),
    ],
)
def test_masked_paths(root: str, visible: list[str], masks: list[str]) -> None:
    assert masked_paths(root, visible) == masks


def test_env_and_etc_files() -> None:
    env = base_env(SPEC, HOME)
    assert (
        env["HOME"] == HOME
        and env["USER"] == "dev"
        and env["LOGNAME"] == "dev"
        and env["HOSTNAME"] == "dbx_1"
    )
    assert env["FOO"] == "bar" and env["PATH"] == "/custom"  # the spec's variables win
    assert "/usr/bin" in base_env(SandboxSpec("d", Path("/r")), HOME)["PATH"]
    files = etc_files(SPEC)
    assert b"dev:x:1234:1234:dev:/home/user:/bin/bash\n" in files["/etc/passwd"]
    assert b"dev:x:1234:\n" in files["/etc/group"]
    assert b"127.0.1.1\tdbx_1\n" in files["/etc/hosts"]
    assert b"root:" not in etc_files(SandboxSpec("d", Path("/r"), username="admin", uid=0))["/etc/passwd"]


def test_hostname_defaults_to_the_devbox_id_and_fits_linux() -> None:
    assert hostname_of(SandboxSpec("dbx_9", Path("/r"))) == "dbx_9"
    assert hostname_of(SandboxSpec("dbx_9", Path("/r"), hostname="box")) == "box"
    assert len(hostname_of(SandboxSpec("d" * 100, Path("/r")))) == 64


def test_choose_isolation() -> None:
    assert choose_isolation("auto", "/usr/bin/bwrap") == "bwrap"
    assert choose_isolation("auto", None) == "none"
    assert choose_isolation("none", "/usr/bin/bwrap") == "none"
    assert choose_isolation("bwrap", "/usr/bin/bwrap") == "bwrap"
    with pytest.raises(SandboxError, match="apt-get install bubblewrap"):
        choose_isolation("bwrap", None)


def test_env_fields_and_text_fields() -> None:
    assert env_fields({"A": "1", "B": ""}) == ["A=1", "B="]
    assert env_fields(None) == []
    for bad in ({"": "x"}, {"A=B": "x"}, {"A": "x\0y"}):
        with pytest.raises(SandboxError, match="environment variable"):
            env_fields(bad)
    assert text_field("ls -la", "the command") == "ls -la"
    with pytest.raises(SandboxError, match="the command cannot contain NUL"):
        text_field("ls\0", "the command")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"username": "Bad:Name"}, "username"),
        ({"username": "x" * 33}, "username"),
        ({"uid": -1}, "uid"),
        ({"uid": 2**32}, "uid"),
        ({"hostname": "my host"}, "hostname"),
        ({"devbox_id": "a/b"}, "hostname"),
        ({"env": {"A=": "1"}}, "environment"),
    ],
)
def test_check_spec_rejects_unusable_fields(changes: dict[str, object], message: str) -> None:
    spec = dataclasses.replace(SandboxSpec("dbx_1", Path("/r")), **changes)  # type: ignore[arg-type]
    with pytest.raises(SandboxError, match=message):
        check_spec(spec)


def test_check_spec_accepts_usual_fields() -> None:
    check_spec(SandboxSpec("dbx_31TzLx", Path("/r"), env={"A": "b c"}, username="user", uid=1000))
    check_spec(SandboxSpec("dbx_1", Path("/r"), username="_svc-1", uid=0, hostname="box.local"))


def test_private_entries_are_what_other_users_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "public.conf").write_text("x")
    (tmp_path / "secret.key").write_text("x")
    (tmp_path / "secret.key").chmod(0o640)
    (tmp_path / "ssl" / "private").mkdir(parents=True)
    (tmp_path / "ssl" / "private").chmod(0o700)
    (tmp_path / "ssl" / "private" / "k").write_text("x")
    (tmp_path / "ssl" / "certs").mkdir()
    (tmp_path / "ssl" / "certs" / "hidden.pem").write_text("x")
    (tmp_path / "ssl" / "certs" / "hidden.pem").chmod(0o600)
    (tmp_path / "link").symlink_to(tmp_path / "secret.key")
    files, dirs = private_entries(str(tmp_path))
    assert files == [str(tmp_path / "secret.key"), str(tmp_path / "ssl" / "certs" / "hidden.pem")]
    assert dirs == [str(tmp_path / "ssl" / "private")]


@pytest.mark.parametrize(
    ("path", "host"),
    [
        ("/home/user", "/data/d1/home"),
        ("/home/user/src/app", "/data/d1/home/src/app"),
        ("/home/username", "/home/username"),
        ("/tmp", "/tmp"),
        ("src", "src"),
    ],
)
def test_home_on_host(path: str, host: str) -> None:
    assert home_on_host(path, "/data/d1/home") == host
