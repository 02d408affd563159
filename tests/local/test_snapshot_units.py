"""Snapshot building blocks without an engine: tree copies and the records' table."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from runloop_local.images import tree_copy as snapshot_files
from runloop_local.images.tree_copy import CopyError, copy_tree, tree_size
from runloop_local.snapshots.records import MetadataFilter, SnapshotRecord, SnapshotStore


def _tree(root: Path) -> Path:
    src = root / "src"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "data.bin").write_bytes(b"\x00\x01" * 10)
    (src / "top.txt").write_text("top")
    (src / "link").symlink_to("top.txt")
    (src / "top.txt").chmod(0o640)
    return src


@pytest.mark.parametrize("with_cp", [True, False])
def test_copy_tree_is_an_independent_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_cp: bool
) -> None:
    if not with_cp:
        monkeypatch.setattr(snapshot_files, "_CP", None)  # the shutil.copytree fallback
    src = _tree(tmp_path)
    dst = tmp_path / "dst"
    asyncio.run(copy_tree(src, dst))
    assert (dst / "sub" / "data.bin").read_bytes() == b"\x00\x01" * 10
    assert os.readlink(dst / "link") == "top.txt"
    assert (dst / "top.txt").stat().st_mode & 0o777 == 0o640
    assert (dst / "top.txt").stat().st_ino != (src / "top.txt").stat().st_ino  # never a hard link
    (src / "top.txt").write_text("changed later")
    assert (dst / "top.txt").read_text() == "top"
    assert tree_size(dst) == 20 + 3 + len("top.txt")


@pytest.mark.parametrize("with_cp", [True, False])
def test_copy_tree_failures_raise_copy_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_cp: bool
) -> None:
    if not with_cp:
        monkeypatch.setattr(snapshot_files, "_CP", None)
    with pytest.raises(CopyError, match="is not a folder"):
        asyncio.run(copy_tree(tmp_path / "missing", tmp_path / "dst"))
    src = _tree(tmp_path)
    (tmp_path / "no-parent").write_text("a file where a folder should be")
    with pytest.raises(CopyError):
        asyncio.run(copy_tree(src, tmp_path / "no-parent" / "dst"))


def test_store_pages_and_metadata_filters(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "db.sqlite3")
    odd = {"a.b": "x", 'q"k': "y", "$.metadata": "z"}
    for i in range(5):
        meta = {"n": str(i), **(odd if i == 2 else {})}
        store.put(
            SnapshotRecord(id=f"snp_{i}", create_time_ms=i, source_devbox_id=f"dbx_{i % 2}", metadata=meta)
        )
    store.put(SnapshotRecord(id="snp_gone", create_time_ms=9, source_devbox_id="dbx_0", status="deleted"))

    def ids(devbox_id: str | None = None, metadata: list[MetadataFilter] | None = None) -> list[str]:
        page, _, _ = store.page(devbox_id=devbox_id, metadata=metadata or [], limit=100, starting_after=None)
        return [r.id for r in page]

    assert ids() == ["snp_4", "snp_3", "snp_2", "snp_1", "snp_0"]
    assert ids(devbox_id="dbx_1") == ["snp_3", "snp_1"]
    for key, value in odd.items():
        assert ids(metadata=[(key, (value,))]) == ["snp_2"]
    assert ids(metadata=[("n", ("1", "3", "9"))]) == ["snp_3", "snp_1"]
    assert ids(metadata=[("n", ("1", "3")), ("n", ("3",))]) == ["snp_3"]
    page, has_more, total = store.page(devbox_id=None, metadata=[], limit=2, starting_after="snp_3")
    assert ([r.id for r in page], has_more, total) == (["snp_2", "snp_1"], True, 5)
    assert store.metadata_keys() == sorted(["n", *odd])
    assert store.metadata_values("n") == ["0", "1", "2", "3", "4"]
    store.close()
