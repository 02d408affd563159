"""Images on this engine: whether devboxes get a writable root, the host base, and layers.

At start the service checks that overlays can be mounted (the engine runs as root, with
bubblewrap and overlayfs) and builds the host base; where they cannot, :attr:`unavailable`
says why and devboxes keep the host system read-only with a private home (the engine says so
once, at start).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import platformdirs

from ..sandbox.contract import RootFs
from ..sandbox.mounts import mounts_under, probe_overlay, unmount
from .debian import DebianBases
from .host_base import HostBase, build_host_base
from .layers import LayerStore

__all__ = ["ImageService"]

log = logging.getLogger("runloop_local")


class ImageService:
    """The host base and the layer store of one data dir.

    Args:
        data_dir: The engine's data dir.
        writable_roots: False turns writable roots off (devboxes see the host read-only).
    """

    def __init__(self, data_dir: Path, *, writable_roots: bool = True, cache_dir: Path | None = None) -> None:
        self.data_dir = data_dir
        self.layers = LayerStore(data_dir / "layers")
        self.debian = DebianBases((cache_dir or Path(platformdirs.user_cache_dir("runloop-local"))) / "bases")
        self.base: HostBase | None = None
        self._referrers: list[Callable[[], Iterable[str]]] = []
        self.unavailable: str | None = None if writable_roots else "writable roots are turned off"

    def start(self) -> None:
        """Unmounts roots a killed engine left mounted, then sets up writable roots if it can."""
        for leftover in mounts_under(self.data_dir / "devboxes"):
            unmount(leftover)
        self.layers.sweep_staging()
        if self.unavailable is None:
            self.unavailable = probe_overlay(self.data_dir / "devboxes")
        if self.unavailable is None:
            try:
                self.base = build_host_base(self.data_dir / "images" / "host", self.data_dir)
            except (OSError, ValueError) as exc:
                self.unavailable = str(exc)
        if self.unavailable is not None:
            log.warning(
                "devboxes get no writable root filesystem (%s): they see the host system read-only, "
                "with a private /home/user and /tmp; apt-get and writes outside those fail, and disk "
                "snapshots keep /home/user only",
                self.unavailable,
            )

    def add_referrer(self, referred: Callable[[], Iterable[str]]) -> None:
        """Registers a source of layer ids in use (devboxes, snapshots, blueprints)."""
        self._referrers.append(referred)

    async def collect_garbage(self) -> list[str]:
        """Removes the layers no registered referrer uses any more; returns their ids."""
        used: set[str] = set()
        for referred in self._referrers:
            used.update(referred())
        return await self.layers.collect(used)

    def root_of(self, devbox_root: Path, layers: Sequence[str], *, host_base: bool = True) -> RootFs:
        """The writable root of a devbox whose folder is ``devbox_root``, on ``layers`` (top first).

        With ``host_base`` the layers stand on the host system; without, on nothing (a Debian
        base or ``FROM scratch``: the bottom layer is the whole system).

        Raises:
            RuntimeError: Writable roots are unavailable here.
        """
        if self.base is None:
            raise RuntimeError(f"writable roots are unavailable: {self.unavailable}")
        return RootFs(
            upper=devbox_root / "upper",
            work=devbox_root / "work",
            merged=devbox_root / "merged",
            skeleton=self.base.skeleton,
            mask=self.base.mask,
            host_dirs=self.base.host_dirs if host_base else (),
            layers=tuple(self.layers.path(layer) for layer in layers),
        )
