"""The bubblewrap command line of a sandbox: pure functions of the spec and of the host layout."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .contract import SandboxSpec

__all__ = [
    "HOME",
    "PATH",
    "SYSTEM_DIRS",
    "HostLayout",
    "base_env",
    "bwrap_args",
    "etc_files",
    "hostname_of",
    "masked_paths",
    "scan_host",
]

HOME = "/home/user"
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SYSTEM_DIRS = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc", "opt")
"""Top-level host folders a devbox sees, read-only, when they exist."""
SECRETS = ("/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-")
"""Host files hidden even though ``/etc`` is visible (the devbox user maps to the engine's user)."""


@dataclass(frozen=True)
class HostLayout:
    """What of the host filesystem a sandbox is built from."""

    top: Mapping[str, str | None]
    """Top-level entries among ``SYSTEM_DIRS`` that exist: name -> symlink target, or None for a folder."""
    secrets: Sequence[str] = ()
    """Files of ``SECRETS`` that exist."""
    extra_ro: Sequence[str] = field(default_factory=tuple)
    """More host folders to show read-only at the same path (a Python outside ``/usr``)."""


def scan_host(extra_ro: Sequence[str] = ()) -> HostLayout:
    """Looks at the host filesystem for the folders of ``SYSTEM_DIRS``.

    Args:
        extra_ro: Host folders to show read-only as well.

    Returns:
        The host layout.
    """
    top: dict[str, str | None] = {}
    for name in SYSTEM_DIRS:
        path = "/" + name
        if os.path.islink(path):
            top[name] = os.readlink(path)
        elif os.path.isdir(path):
            top[name] = None
    extra = list(extra_ro)
    resolv = os.path.realpath("/etc/resolv.conf")
    if resolv.startswith("/run/") and os.path.exists(resolv):  # systemd-resolved: keep DNS working
        extra.append(os.path.dirname(resolv))
    return HostLayout(top, tuple(p for p in SECRETS if os.path.exists(p)), tuple(extra))


def hostname_of(spec: SandboxSpec) -> str:
    """The sandbox's hostname: ``spec.hostname`` or the devbox id, cut to the 64 bytes Linux allows."""
    return (spec.hostname or spec.devbox_id)[:64]


def base_env(spec: SandboxSpec, home: str) -> dict[str, str]:
    """The environment of every command of a sandbox, before the execution's own variables.

    Args:
        spec: The sandbox spec (its ``env`` comes last and wins).
        home: The home folder as the commands see it.

    Returns:
        The variables.
    """
    env = {
        "HOME": home,
        "USER": spec.username,
        "LOGNAME": spec.username,
        "SHELL": "/bin/bash",
        "PATH": PATH,
        "LANG": "C.UTF-8",
        "HOSTNAME": hostname_of(spec),
    }
    env.update(spec.env)
    return env


def etc_files(spec: SandboxSpec) -> dict[str, bytes]:
    """Files the sandbox sees in place of the host's: users, groups and hosts of the devbox.

    Args:
        spec: The sandbox spec.

    Returns:
        Path in the sandbox -> content.
    """
    user, uid = spec.username, spec.uid
    passwd = [] if uid == 0 else ["root:x:0:0:root:/root:/usr/sbin/nologin"]
    passwd += [
        f"{user}:x:{uid}:{uid}:{user}:{HOME}:/bin/bash",
        "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
    ]
    group = [] if uid == 0 else ["root:x:0:"]
    group += [f"{user}:x:{uid}:", "nogroup:x:65534:"]
    hosts = [
        "127.0.0.1\tlocalhost",
        "::1\tlocalhost ip6-localhost ip6-loopback",
        f"127.0.1.1\t{hostname_of(spec)}",
    ]
    return {
        "/etc/passwd": ("\n".join(passwd) + "\n").encode(),
        "/etc/group": ("\n".join(group) + "\n").encode(),
        "/etc/hosts": ("\n".join(hosts) + "\n").encode(),
    }


def masked_paths(root: str, visible: Sequence[str]) -> list[str]:
    """Host folders to cover with an empty tmpfs so that the engine's data stays invisible.

    When a devbox's folder lies inside a visible host folder (say the data dir is under
    ``/opt``), the child of that folder leading to it (``/opt/<data dir>``) is hidden.

    Args:
        root: The devbox's host folder (absolute).
        visible: Host folders mounted in the sandbox (absolute).

    Returns:
        The folders to mask.
    """
    masks: list[str] = []
    path = PurePosixPath(root)
    for folder in visible:
        base = PurePosixPath(folder)
        if path != base and base in path.parents:
            mask = str(base / path.relative_to(base).parts[0])
            if mask not in masks:
                masks.append(mask)
    return masks


def bwrap_args(
    spec: SandboxSpec,
    host: HostLayout,
    *,
    bwrap: str,
    root: str,
    data_fds: Mapping[str, int],
    command: Sequence[str],
) -> list[str]:
    """Builds the bubblewrap command line that runs ``command`` as the sandbox's first process.

    Args:
        spec: The sandbox spec.
        host: The host layout (from ``scan_host``).
        bwrap: The bubblewrap executable.
        root: The devbox's host folder, absolute and resolved; its ``home`` and ``tmp`` are mounted.
        data_fds: Sandbox path -> file descriptor whose content bubblewrap puts there read-only.
        command: The program and arguments to run (the agent).

    Returns:
        The argument list, starting with ``bwrap``.
    """
    args = [bwrap]
    visible: list[str] = []
    for name, target in host.top.items():
        if target is None:
            args += ["--ro-bind", "/" + name, "/" + name]
            visible.append("/" + name)
        else:
            args += ["--symlink", target, "/" + name]
    for folder in host.extra_ro:
        args += ["--ro-bind", folder, folder]
        visible.append(folder)
    for mask in masked_paths(root, visible):
        args += ["--tmpfs", mask]
    for secret in host.secrets:
        args += ["--ro-bind", "/dev/null", secret]
    for path, fd in data_fds.items():
        args += ["--ro-bind-data", str(fd), path]
    args += ["--proc", "/proc", "--dev", "/dev"]
    args += ["--bind", f"{root}/home", HOME, "--bind", f"{root}/tmp", "/tmp"]
    args += ["--dir", "/var", "--symlink", "../tmp", "/var/tmp"]
    # Without --cap-drop, uid 0 keeps every capability of its user namespace: enough to remount
    # the host's folders read-write, as the engine's user.
    args += ["--unshare-user", "--uid", str(spec.uid), "--gid", str(spec.uid), "--cap-drop", "ALL"]
    args += ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    args += ["--hostname", hostname_of(spec), "--die-with-parent", "--new-session"]
    args += ["--clearenv", "--setenv", "PATH", PATH, "--chdir", HOME, "--"]
    return args + list(command)
