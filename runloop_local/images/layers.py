"""The layer store: read-only folder trees under ``<data dir>/layers``, shared by devbox roots.

A layer is made once (copied into a staging folder, renamed into place whole) and never changed.
It is kept while a record refers to it (a devbox that is not shut down, a complete snapshot):
:meth:`LayerStore.collect` removes the others, so deleting a snapshot never breaks a devbox made
from it.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterable
from pathlib import Path

from .tree_copy import copy_tree, remove_tree

__all__ = ["LayerStore"]


class LayerStore:
    """Layers on disk.

    Args:
        folder: Where layers live (``<data dir>/layers``).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._staging = folder / ".staging"
        self._pinned: set[str] = set()
        """Layers just made whose record is not written yet: never collected until unpinned."""

    def path(self, layer_id: str) -> Path:
        """The folder of a layer."""
        return self.folder / layer_id

    def sweep_staging(self) -> None:
        """Removes half-made layers (left by an engine that stopped while making them)."""
        remove_tree(self._staging)

    async def capture(self, source: Path) -> str:
        """Copies ``source`` (an upper folder: whiteouts, opaque folders, owners and modes kept)
        into a new layer, pinned (see :meth:`unpin`) like one from :meth:`adopt`.

        Returns:
            The new layer's id.

        Raises:
            CopyError: The copy failed (nothing is left of it).
        """
        layer_id = "lyr_" + secrets.token_hex(12)
        self._staging.mkdir(parents=True, exist_ok=True)
        staging = self._staging / layer_id
        try:
            await copy_tree(source, staging)
            staging.rename(self.path(layer_id))
            self._pinned.add(layer_id)
        except BaseException:
            await asyncio.to_thread(remove_tree, staging)
            raise
        return layer_id

    def adopt(self, folder: Path) -> str:
        """Makes a finished folder (an upper folder, or one a build step wrote) a layer, by rename.

        The layer is pinned: the collector leaves it alone until :meth:`unpin`, once a record
        that uses it is written (there may be awaits in between).

        Returns:
            The new layer's id.
        """
        layer_id = "lyr_" + secrets.token_hex(12)
        self.folder.mkdir(parents=True, exist_ok=True)
        folder.rename(self.path(layer_id))
        self._pinned.add(layer_id)
        return layer_id

    def unpin(self, layer_ids: Iterable[str]) -> None:
        """Lets the collector judge layers by their records again (once those are written)."""
        self._pinned.difference_update(layer_ids)

    async def collect(self, referenced: Iterable[str]) -> list[str]:
        """Removes the layers no record refers to.

        Returns:
            The ids removed.
        """
        keep = set(referenced) | self._pinned
        if not self.folder.is_dir():
            return []
        removed = [p.name for p in self.folder.iterdir() if p.name.startswith("lyr_") and p.name not in keep]
        if not removed:
            return []
        # Every doomed layer goes out of sight before the first await: ``referenced`` holds only
        # until then (a build or snapshot may take a layer up after), and another collect that
        # runs meanwhile must not find, and rename, a layer this one is about to rename.
        self._staging.mkdir(parents=True, exist_ok=True)
        trash = [self._staging / ("gone-" + name) for name in removed]
        for name, gone in zip(removed, trash, strict=True):
            self.path(name).rename(gone)
        await asyncio.to_thread(_remove_all, trash)
        return removed


def _remove_all(folders: list[Path]) -> None:
    for folder in folders:
        remove_tree(folder)
