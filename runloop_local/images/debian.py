"""Real Debian bases for ``FROM debian:<suite>``: built once per machine with ``mmdebstrap``.

A base is a minimal Debian (``--variant=minbase``) from the machine's configured mirror, with
``ca-certificates`` and ``python3`` (the engine's agent runs on it), the host's DNS settings and
the devbox user ``user`` (uid 1000). It is cached under the machine's cache folder, shared by
every engine and data dir, and built into a staging folder renamed into place whole.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from ..sandbox.etc_users import with_group, with_user
from ..sandbox.host_commands import dies_with_engine

__all__ = ["DEBIAN_SUITES", "DebianBases", "debian_suite"]

DEBIAN_SUITES = {
    "bullseye": "bullseye",
    "11": "bullseye",
    "bookworm": "bookworm",
    "12": "bookworm",
    "trixie": "trixie",
    "13": "trixie",
    "stable": "stable",
    "latest": "stable",
}
"""Tags of ``debian`` the engine can build, and the suite each names."""
INCLUDE = "ca-certificates,python3"


def debian_suite(image: str) -> str | None:
    """The Debian suite an image reference names (``debian:12-slim`` -> ``bookworm``), or None.

    Any registry prefix (``docker.io/library/``) is ignored; ``-slim`` variants are the same base.
    """
    name, _, tag = image.rpartition("/")[2].partition(":")
    if name != "debian":
        return None
    tag = (tag or "latest").split("@")[0].removesuffix("-slim")
    return DEBIAN_SUITES.get(tag)


class DebianBases:
    """The cache of Debian bases.

    Args:
        folder: The cache folder (``<user cache>/runloop-local/bases``).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._locks: dict[str, asyncio.Lock] = {}

    def unavailable(self) -> str | None:
        """Why Debian bases cannot be built here, or None."""
        if shutil.which("mmdebstrap") is None:
            return "mmdebstrap is not installed (`apt-get install mmdebstrap`)"
        if os.geteuid() != 0:
            return "building a Debian base needs root"
        return None

    async def ensure(self, suite: str, log: Callable[[str], None]) -> Path:
        """The base of ``suite``, built first if the cache has none (its output goes to ``log``).

        Raises:
            OSError: The build failed (the message has mmdebstrap's last lines).
        """
        target = self.folder / suite
        lock = self._locks.setdefault(suite, asyncio.Lock())
        async with lock:
            if (target / "etc" / "os-release").exists():
                return target
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(self.folder / f".{suite}.lock", "w") as held:  # another engine may be at it
                await asyncio.to_thread(fcntl.flock, held, fcntl.LOCK_EX)
                if not (target / "etc" / "os-release").exists():
                    await self._build(suite, target, log)
        return target

    async def _build(self, suite: str, target: Path, log: Callable[[str], None]) -> None:
        staging = self.folder / f".{suite}.staging"
        shutil.rmtree(staging, ignore_errors=True)
        log(f"building a Debian {suite} base with mmdebstrap (once per machine; about half a minute)")
        process = await asyncio.create_subprocess_exec(
            *dies_with_engine(
                [
                    "mmdebstrap",
                    "--variant=minbase",
                    f"--include={INCLUDE}",
                    "--skip=output/mknod",
                    suite,
                    str(staging),
                ]
            ),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        tail: list[str] = []
        assert process.stdout is not None
        try:
            async for raw in process.stdout:
                line = raw.decode("utf-8", "replace").rstrip()
                tail = [*tail[-9:], line]
                log(line)
            code = await process.wait()
        finally:
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if code != 0:
            shutil.rmtree(staging, ignore_errors=True)
            raise OSError(f"mmdebstrap {suite} failed with exit status {code}: {' / '.join(tail[-3:])}")
        _finish(staging)
        staging.rename(target)


def _finish(root: Path) -> None:
    """The devbox user, the host's DNS settings, and no leftovers of the build."""
    etc = root / "etc"
    passwd, group = etc / "passwd", etc / "group"
    passwd.write_text(with_user(passwd.read_text(), "user", 1000, "/home/user", from_host=False))
    group.write_text(with_group(group.read_text(), "user", 1000, from_host=False))
    resolv = etc / "resolv.conf"
    with contextlib.suppress(OSError):
        if resolv.is_symlink() or resolv.exists():
            resolv.unlink()
        resolv.write_bytes(Path("/etc/resolv.conf").read_bytes())
