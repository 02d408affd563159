"""Unit tests of devbox paths: what a devbox path maps to on the host."""

from __future__ import annotations

from pathlib import Path

import pytest

from runloop_local.files.rules import devbox_path, folders_of, resolve_path
from runloop_local.http.errors import ApiError


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("a.txt", ("home", "a.txt")),
        ("./x/../", None),
        ("~/d/e", ("home", "d/e")),
        ("~", ("home", "")),
        ("/home/user", ("home", "")),
        ("/home/user/a//b/", ("home", "a/b")),
        ("/tmp/x", ("tmp", "x")),
        ("/tmp", ("tmp", "")),
        ("//tmp/x", ("tmp", "x")),
        ("/etc/passwd", None),
        ("/home/userx", None),
        ("/tmpx/a", None),
        ("a/../../b", None),
        ("", None),
        ("   ", None),
        ("a\0b", None),
    ],
)
def test_devbox_path(path: str, expected: tuple[str, str] | None) -> None:
    if expected is None:
        with pytest.raises(ApiError) as info:
            devbox_path(path, field="file_path")
        assert info.value.status == 400
        assert "`file_path`" in info.value.message
    else:
        assert devbox_path(path) == expected


def test_resolve_path_follows_symlinks_only_inside(tmp_path: Path) -> None:
    root = tmp_path / "box"
    (root / "home").mkdir(parents=True)
    (root / "tmp").mkdir()
    home = root / "home"
    (home / "to-tmp").symlink_to("/tmp/sub")
    (home / "rel").symlink_to("../user/real")
    (home / "host").symlink_to(tmp_path)  # read as a devbox path: the devbox's own /tmp/...
    (home / "etc").symlink_to("/etc")
    (home / "up").symlink_to("../../../etc/passwd")
    (home / "loop").symlink_to("loop")
    assert resolve_path(folders_of(root), "to-tmp/x") == root / "tmp" / "sub" / "x"
    assert resolve_path(folders_of(root), "rel/y") == home / "real" / "y"
    assert resolve_path(folders_of(root), "host/z") == root / "tmp" / tmp_path.relative_to("/tmp") / "z"
    for bad in ("etc/passwd", "up"):
        with pytest.raises(ApiError, match="symlink"):
            resolve_path(folders_of(root), bad)
    with pytest.raises(ApiError, match="levels of symlinks"):
        resolve_path(folders_of(root), "loop")
