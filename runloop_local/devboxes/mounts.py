"""A devbox's ``mounts``: files, storage objects, git repositories and agents put into it as it boots.

Each lands under ``/home/user`` or ``/tmp`` (as the devbox sees them), owned by the devbox user.
An object whose content type is ``tar`` or ``tgz`` is unpacked at its path; any other is written
there as a file. A code mount clones ``{RUNLOOP_LOCAL_GIT_BASE_URL}/{owner}/{name}`` (GitHub by
default; tests and offline machines point it at a folder of repositories) into
``/home/user/{name}``, checks out ``git_ref``, and runs ``install_command`` in it in the devbox.
An agent mount installs an agent at its ``agent_path`` (see :mod:`..agents.install`).
"""

from __future__ import annotations

import asyncio
import os
import tarfile
from collections.abc import Mapping
from typing import Any

from ..agents.install import agent_commands, place_agent
from ..files.rules import Folders, resolve_path
from ..files.service import write_file_mounts
from ..http.errors import ApiError
from ..images.tree_copy import chown_tree
from ..objects.service import ObjectService
from .mount_io import MountError, run_git, unpack, write

__all__ = ["GIT_BASE_ENV", "MountError", "apply_mounts", "install_commands"]

GIT_BASE_ENV = "RUNLOOP_LOCAL_GIT_BASE_URL"


async def apply_mounts(mounts: list[dict[str, Any]], folders: Folders, objects: ObjectService) -> None:
    """Makes every mount, in order.

    Raises:
        MountError: The first that failed, and why.
    """
    for n, mount in enumerate(mounts):
        where = f"mounts[{n}] ({mount.get('type')})"
        try:
            if mount["type"] == "file_mount":
                write_file_mounts(folders, {str(mount["target"]): str(mount["content"])})
            elif mount["type"] == "object_mount":
                await _object_mount(mount, folders, objects)
            elif mount["type"] == "agent_mount":
                await place_agent(mount, folders, objects)
            else:
                await _code_mount(mount, folders)
        except ApiError as exc:
            raise MountError(f"{where}: {exc.message}") from None
        except (OSError, tarfile.TarError, MountError) as exc:
            raise MountError(f"{where}: {exc}") from None


def install_commands(mounts: list[dict[str, Any]]) -> list[str]:
    """The commands mounts ask to run in the devbox once placed: code mounts' ``install_command``
    (in their folders), then agents' installs and ``agent_setup`` (see :mod:`..agents.install`)."""
    code = [
        f"cd ~/{mount['repo_name']} && {mount['install_command']}"
        for mount in mounts
        if mount.get("type") == "code_mount" and mount.get("install_command")
    ]
    return code + [
        command for mount in mounts if mount.get("type") == "agent_mount" for command in agent_commands(mount)
    ]


async def _object_mount(mount: Mapping[str, Any], folders: Folders, objects: ObjectService) -> None:
    rec, data = objects.open_download(str(mount["object_id"]))
    target = resolve_path(folders, str(mount["object_path"]), field="object_path")
    with data:
        if rec.content_type in ("tar", "tgz"):
            await asyncio.to_thread(unpack, data, target, folders.owner)
        else:
            await asyncio.to_thread(write, data, target, folders.owner)


async def _code_mount(mount: Mapping[str, Any], folders: Folders) -> None:
    base = os.environ.get(GIT_BASE_ENV, "https://github.com").rstrip("/")
    owner, name, token = str(mount["repo_owner"]), str(mount["repo_name"]), mount.get("token")
    url = f"{base}/{owner}/{name}"
    if token and base.startswith("https://"):
        url = f"https://x-access-token:{token}@{base.removeprefix('https://')}/{owner}/{name}"
    target = resolve_path(folders, f"/home/user/{name}", field="repo_name")
    if target.exists():
        raise MountError(f"/home/user/{name} exists already")
    await run_git("clone", "--quiet", "--", url, str(target), secret=token)
    ref = mount.get("git_ref")
    if ref:
        await run_git("-C", str(target), "checkout", "--quiet", str(ref), secret=token)
    if folders.owner is not None:
        await asyncio.to_thread(chown_tree, target, folders.owner)
