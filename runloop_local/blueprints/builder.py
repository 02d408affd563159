"""Running a build plan: one layer per step, reused from the build cache when its chain key matches.

RUN steps run in a sandbox whose root is the image so far under a fresh upper folder; when the
command succeeds, that upper folder becomes the step's layer (a rename, no copy). COPY/ADD,
WORKDIR and file mounts write a new folder that becomes the layer. Layers are recorded on the
blueprint as they are made, so the layer collector never takes one while the build goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..images.service import ImageService
from ..images.tree_copy import remove_tree
from ..sandbox import SandboxError, SandboxSpec, start_sandbox
from ..sandbox.mounts import unmount
from .context import ContextError, digest, sources
from .plan import CopyStep, FilesStep, MkdirStep, Plan, RunStep, Step
from .records import BlueprintStore
from .rules import chain_key

__all__ = ["BuildError", "Builder"]

PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
HOME = "/home/user"
DEFAULT_UID = 1000
NEARLY_FULL = 4 * 1024 * 1024
"""A failed step whose disk has less room left than this failed for want of disk (``out_of_disk``)."""


class BuildError(Exception):
    """A build step failed; ``reason`` is the spec's failure reason."""

    def __init__(self, message: str, reason: str = "build_failed") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass
class Builder:
    """Builds one blueprint's layers.

    Args:
        images: The layer store and writable roots.
        store: The blueprint tables (build cache).
        folder: A scratch folder of this build (removed afterwards).
        log: Writes one line to the build log: ``(level, message)``.
        keep: Called with the layers made so far (top first) after each step.
    """

    images: ImageService
    store: BlueprintStore
    folder: Path
    log: Callable[[str, str], None]
    keep: Callable[[list[str]], None]
    host_base: bool = True
    """The layers stand on the host system (False: the bottom layer is the whole system)."""

    async def build(
        self, plan: Plan, base_layers: list[str], base_key: str, context: Path | None
    ) -> list[str]:
        """Runs every step; returns the image's layers, top first.

        Raises:
            BuildError: A step failed (the log has its output).
        """
        layers, key = list(base_layers), base_key
        total = len(plan.steps)
        for number, step in enumerate(plan.steps, 1):
            content = ""
            if isinstance(step, CopyStep):
                try:
                    content = await asyncio.to_thread(digest, sources(context, step.sources))
                except ContextError as exc:
                    raise BuildError(f"step {number}/{total} ({step.text}): {exc}") from None
            key = chain_key(key, step, content)
            cached = self.store.cached_layer(key)
            if cached is not None and self.images.layers.path(cached).is_dir():
                self.log("info", f"Step {number}/{total}: {step.text} (cached)")
                layers.insert(0, cached)
                self.keep(layers)
                continue
            self.log("info", f"Step {number}/{total}: {step.text}")
            try:
                layer = await self._run_step(step, layers, context)
            except OSError as exc:
                reason = "out_of_disk" if exc.errno == 28 else "build_failed"
                raise BuildError(f"step {number}/{total} ({step.text}) failed: {exc}", reason) from None
            except ContextError as exc:
                raise BuildError(f"step {number}/{total} ({step.text}): {exc}") from None
            layers.insert(0, layer)
            self.keep(layers)
            self.store.cache_layer(key, layer)
        return layers

    async def _run_step(self, step: Step, layers: list[str], context: Path | None) -> str:
        if isinstance(step, RunStep):
            return await self._run(step, layers)
        scratch = self.folder / ("files-" + secrets.token_hex(6))
        scratch.mkdir(parents=True)
        try:
            await asyncio.to_thread(_write_files, step, scratch, context, self._owner_resolver(layers))
            return self.images.layers.adopt(scratch)
        finally:
            await asyncio.to_thread(remove_tree, scratch)

    async def _run(self, step: RunStep, layers: list[str]) -> str:
        if not self.host_base and not any(
            os.path.lexists(self.images.layers.path(layer) / "usr/bin/python3") for layer in layers
        ):
            raise BuildError(
                f"{step.text}: the image has no /usr/bin/python3, which RUN needs (the engine's agent "
                "runs on it): FROM scratch images take COPY and ADD only"
            )
        root = self.folder / ("run-" + secrets.token_hex(6))
        username, uid = self._owner_resolver(layers)(step.state.user)
        env = {"PATH": PATH, **step.state.args, **step.state.env}
        env.setdefault("HOME", "/root" if uid == 0 else HOME)
        spec = SandboxSpec(
            devbox_id="build-" + root.name,
            root=root,
            env=env,
            username=username,
            uid=uid,
            isolation="bwrap",
            rootfs=self.images.root_of(root, layers, host_base=self.host_base),
            workdir="/",
            accounts=False,
        )
        lines = _Lines(self.log)
        try:
            sandbox = await start_sandbox(spec)
        except SandboxError as exc:
            await asyncio.to_thread(_discard, root)
            raise BuildError(f"the build sandbox did not start: {exc}") from None
        try:
            handle = await sandbox.exec(
                step.command, on_stdout=lines.feed, on_stderr=lines.feed, cwd=step.state.workdir, env=env
            )
            code = await handle.wait()
        finally:
            lines.close()
            await sandbox.stop()
        if code != 0:
            out_of_disk = _nearly_full(root) or any("No space left on device" in line for line in lines.tail)
            await asyncio.to_thread(_discard, root)
            raise BuildError(
                f"{step.text} failed with exit status {code}",
                "out_of_disk" if out_of_disk else "build_failed",
            )
        try:
            return self.images.layers.adopt(root / "upper")
        finally:
            await asyncio.to_thread(_discard, root)

    def _owner_resolver(self, layers: list[str]) -> Callable[[str], tuple[str, int]]:
        """Maps a USER or --chown value (``name``, ``uid``, ``name:group``) to (name, uid) through
        the image's ``/etc/passwd``."""
        base = self.images.base
        passwd = next(
            (
                self.images.layers.path(layer) / "etc/passwd"
                for layer in layers
                if (self.images.layers.path(layer) / "etc/passwd").is_file()
            ),
            base.mask / "etc/passwd" if base is not None and self.host_base else Path("/nonexistent"),
        )

        def resolve(user: str) -> tuple[str, int]:
            name = user.split(":", 1)[0]
            entries = {}
            with contextlib.suppress(OSError):
                for line in passwd.read_text().splitlines():
                    fields = line.split(":")
                    if len(fields) > 2 and fields[2].isdigit():
                        entries[fields[0]] = int(fields[2])
            if name.isdigit():
                uid = int(name)
                return next(
                    (n for n, u in entries.items() if u == uid), "root" if uid == 0 else f"u{uid}"
                ), uid
            if name in entries:
                return name, entries[name]
            raise BuildError(
                f"user {name!r} is not in the image's /etc/passwd: create it in a RUN step first"
            )

        return resolve


class _Lines:
    """Turns output bytes into build log lines (the last ones kept for the failure reason)."""

    def __init__(self, log: Callable[[str, str], None]) -> None:
        self._log = log
        self._pending = b""
        self.tail: list[str] = []

    def feed(self, data: bytes) -> None:
        *complete, self._pending = (self._pending + data).split(b"\n")
        for raw in complete:
            self._emit(raw)

    def close(self) -> None:
        if self._pending:
            self._emit(self._pending)
            self._pending = b""

    def _emit(self, raw: bytes) -> None:
        line = raw.decode("utf-8", "replace").rstrip("\r")
        self.tail = [*self.tail[-19:], line]
        self._log("info", line)


def _nearly_full(folder: Path) -> bool:
    """Whether the file system of ``folder`` has less than ``NEARLY_FULL`` bytes left."""
    try:
        stats = os.statvfs(folder)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < NEARLY_FULL


def _discard(root: Path) -> None:
    unmount(root / "merged")
    shutil.rmtree(root, ignore_errors=True)


def _write_files(
    step: Step, scratch: Path, context: Path | None, resolve: Callable[[str], tuple[str, int]]
) -> None:
    """Writes what a COPY/ADD, WORKDIR or file-mounts step puts into its layer."""
    if isinstance(step, MkdirStep):
        _mkdirs(scratch, step.path)
    elif isinstance(step, FilesStep):
        for path, text in step.files.items():
            target = _inside(scratch, path)
            owner = DEFAULT_UID if path.startswith(HOME + "/") else 0
            _mkdirs(scratch, os.path.dirname(path), owner if path.startswith(HOME + "/") else 0)
            target.write_text(text)
            os.chown(target, owner, owner)
    elif isinstance(step, CopyStep):
        uid = resolve(step.chown)[1] if step.chown else 0
        found = sources(context, step.sources)
        is_dir = step.dest.endswith("/")
        for source in found:
            if is_dir or source.is_dir():
                dest_dir = step.dest.rstrip("/") or "/"
                _mkdirs(scratch, dest_dir)
                target_dir = _inside(scratch, dest_dir)
                if step.extract and source.is_file() and tarfile.is_tarfile(source):
                    with tarfile.open(source) as tar:
                        tar.extractall(target_dir, filter="tar")
                elif source.is_dir() and not source.is_symlink():
                    shutil.copytree(source, target_dir, symlinks=True, dirs_exist_ok=True)
                else:
                    shutil.copy2(source, target_dir / source.name, follow_symlinks=False)
            else:
                _mkdirs(scratch, os.path.dirname(step.dest))
                shutil.copy2(source, _inside(scratch, step.dest), follow_symlinks=False)
        for current, dirs, files in os.walk(scratch):
            for name in dirs + files:
                path = os.path.join(current, name)
                os.lchown(path, uid, uid)
                if step.chmod is not None and not os.path.islink(path):
                    os.chmod(path, step.chmod)


def _inside(scratch: Path, path: str) -> Path:
    return scratch / path.lstrip("/")


def _mkdirs(scratch: Path, path: str, owner: int = 0) -> None:
    current = scratch
    for part in [p for p in path.split("/") if p]:
        current = current / part
        if not current.exists():
            current.mkdir(mode=0o755)
            os.chown(current, owner, owner)
