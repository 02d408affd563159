"""The bubblewrap command line of a sandbox: pure functions of the spec and of the host layout."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath

from .contract import SandboxSpec
from .host_scan import HostLayout

__all__ = [
    "HOME",
    "PATH",
    "base_env",
    "bwrap_args",
    "etc_files",
    "hostname_of",
    "masked_paths",
    "rootfs_bwrap_args",
]

HOME = "/home/user"
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


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
    for private in host.private_files:
        args += ["--ro-bind", "/dev/null", private]
    for private in host.private_dirs:
        args += ["--tmpfs", private, "--remount-ro", private]
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
    args += ["--remount-ro", "/"]  # bubblewrap's root is a tmpfs: no stray writes into memory
    args += ["--clearenv", "--setenv", "PATH", PATH, "--chdir", HOME, "--"]
    return args + list(command)


def rootfs_bwrap_args(
    spec: SandboxSpec,
    host: HostLayout,
    *,
    bwrap: str,
    merged: str,
    data_fds: Mapping[str, int],
    userns_fds: tuple[int, int],
    command: Sequence[str],
) -> list[str]:
    """Builds the bubblewrap command line of a sandbox whose ``/`` is a mounted writable root.

    The sandbox gets a user namespace of its own whose uids and gids 0 to 65535 the engine maps
    once bubblewrap has made it (``userns_fds``: the info fd that tells the child's pid, the fd
    it waits on meanwhile), so root in the devbox can install packages as on any machine. The
    first process runs as root of that namespace; ``setpriv`` drops to the devbox user before
    the agent starts, unless that user is root.

    Args:
        spec: The sandbox spec.
        host: The host layout (for the folders under ``/run`` DNS needs, and a Python outside ``/usr``).
        bwrap: The bubblewrap executable.
        merged: Where the root is mounted on the host.
        data_fds: Sandbox path (under ``/run``) -> file descriptor put there read-only.
        userns_fds: (info fd, block fd) for the user namespace's mapping.
        command: The program and arguments to run (the agent).

    Returns:
        The argument list, starting with ``bwrap``.
    """
    info_fd, block_fd = userns_fds
    args = [bwrap, "--bind", merged, "/", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/run"]
    for folder in host.extra_ro:
        args += ["--ro-bind", folder, folder]
    for path, fd in data_fds.items():  # readable by the devbox user the agent runs as
        perms = "0755" if "/bin/" in path else "0644"
        args += ["--perms", perms, "--ro-bind-data", str(fd), path]
    args += ["--unshare-user", "--userns-block-fd", str(block_fd), "--info-fd", str(info_fd)]
    args += ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    args += ["--hostname", hostname_of(spec), "--die-with-parent", "--new-session"]
    args += ["--clearenv", "--setenv", "PATH", PATH, "--chdir", spec.workdir or HOME, "--"]
    if spec.uid != 0 and not spec.accounts:  # a build's user: devboxes drop in the agent (sudo)
        uid = str(spec.uid)
        args += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all", "--"]
    return args + list(command)
