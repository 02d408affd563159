"""Installing an agent into a devbox, for an agent mount (as resolved by ``AgentService.resolve_mount``).

The agent goes to the mount's ``agent_path`` (``/home/user/agents/{agent name}`` by default),
owned by the devbox user, before the devbox's launch commands run:

* ``object``: a ``tar`` or ``tgz`` storage object is unpacked into ``agent_path``; any other is
  written there as one executable file named as the object.
* ``git``: the host clones ``repository`` (any URL or path the engine's host can reach; a
  mount's ``auth_token`` is used for an ``https://`` URL) into ``agent_path`` and checks out
  ``ref``.
* ``pip``: in the devbox, ``python3 -m pip install --target {agent_path} {package_name}``
  (``--index-url`` when ``registry_url`` is given): the agent's modules are importable with
  ``PYTHONPATH={agent_path}`` and its scripts are in ``{agent_path}/bin``.
* ``npm``: in the devbox, ``npm install --prefix {agent_path} {package_name}`` (``--registry``
  when given; the devbox's global npmrc still applies): its commands are in
  ``{agent_path}/node_modules/.bin``.

Then each of the source's ``agent_setup`` commands runs in the devbox, in ``agent_path``. pip,
npm and setup commands run as the devbox's first launch commands: one that fails fails the
devbox, and its log names the command and shows its output.
"""

from __future__ import annotations

import asyncio
import os
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..devboxes.mount_io import MountError, run_git, unpack, write
from ..files.rules import Folders, resolve_path
from ..images.tree_copy import chown_tree
from ..objects.service import ObjectService

__all__ = ["agent_commands", "place_agent"]


async def place_agent(mount: Mapping[str, Any], folders: Folders, objects: ObjectService) -> None:
    """Puts an agent's files at its ``agent_path`` on the host side (object and git sources) or
    makes the empty folder pip and npm install into.

    Raises:
        MountError: The folder exists and is not empty, or the files could not be put there.
        ApiError: A path outside the devbox; the storage object is gone.
    """
    path = str(mount["agent_path"])
    target = resolve_path(folders, path, field="agent_path")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise MountError(f"agent {mount['agent_name']!r}: {path} exists and is not an empty folder")
    source: Mapping[str, Any] = mount.get("source") or {}
    kind = source.get("type")
    if kind == "object":
        rec, data = objects.open_download(str(source["object"]["object_id"]))
        with data:
            if rec.content_type in ("tar", "tgz"):
                await asyncio.to_thread(unpack, data, target, folders.owner)
            else:
                file = target / (rec.name.replace("/", "_") or "agent")
                await asyncio.to_thread(write, data, file, folders.owner)
                os.chmod(file, 0o755)
    elif kind == "git":
        await _clone(source["git"], mount.get("auth_token"), target)
    else:
        target.mkdir(parents=True, exist_ok=True)
    if folders.owner is not None:
        await asyncio.to_thread(chown_tree, _top_new_folder(folders, path), folders.owner)


def _top_new_folder(folders: Folders, path: str) -> Path:
    """The agent's folder's topmost parent under the devbox folder (``agents`` of the default
    path): the folders made on the way must belong to the devbox user too."""
    parts = path.strip("/").split("/")
    base = 2 if parts[:2] == ["home", "user"] else 1
    return resolve_path(folders, "/" + "/".join(parts[: base + 1]), field="agent_path")


async def _clone(git: Mapping[str, Any], token: str | None, target: Path) -> None:
    url = str(git["repository"])
    if token and url.startswith("https://"):
        url = f"https://x-access-token:{token}@{url.removeprefix('https://')}"
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.rmdir()  # empty (checked): git clones into a new folder
    await run_git("clone", "--quiet", "--", url, str(target), secret=token)
    ref = git.get("ref")
    if ref:
        await run_git("-C", str(target), "checkout", "--quiet", str(ref), secret=token)


def agent_commands(mount: Mapping[str, Any]) -> list[str]:
    """The commands an agent mount runs in the devbox: a pip or npm install, then ``agent_setup``."""
    source: Mapping[str, Any] = mount.get("source") or {}
    kind = source.get("type")
    if kind is None:
        return []
    settings: Mapping[str, Any] = source[kind]
    path = shlex.quote(str(mount["agent_path"]))
    name = shlex.quote(str(mount["agent_name"]))
    commands = []
    if kind == "pip":
        index = (
            f" --index-url {shlex.quote(settings['registry_url'])}" if settings.get("registry_url") else ""
        )
        commands.append(
            "PY=$(command -v python3 || command -v python) || "
            f'{{ echo "agent "{name}": the devbox has no python3 or python to pip install it" >&2; exit 127; }}; '
            '"$PY" -m pip install --quiet --disable-pip-version-check --no-input '
            f"--target {path}{index} {shlex.quote(settings['package_name'])}"
        )
    elif kind == "npm":
        registry = (
            f" --registry {shlex.quote(settings['registry_url'])}" if settings.get("registry_url") else ""
        )
        commands.append(
            "command -v npm >/dev/null || "
            f'{{ echo "agent "{name}": the devbox has no npm to install it" >&2; exit 127; }}; '
            # --prefix would move the global npmrc (and a CA or registry set there) under it
            "G=$(npm config get globalconfig) && "
            f'npm install --prefix {path} --globalconfig "$G" --no-audit --no-fund --loglevel=error{registry} '
            f"{shlex.quote(settings['package_name'])}"
        )
    commands += [f"cd {path} && {command}" for command in settings.get("agent_setup") or []]
    return commands
