"""Local file helpers for uploads: packing a folder, reading a file in chunks, picking headers."""

from __future__ import annotations

import os
import tarfile
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["pack_dir", "read_chunks", "upload_headers", "CHUNK_SIZE"]

CHUNK_SIZE = 1024 * 1024


def pack_dir(
    source: str | os.PathLike[str], ignore: Callable[[tarfile.TarInfo], tarfile.TarInfo | None] | None = None
) -> Path:
    """Packs a folder into a temporary ``.tar.gz`` (paths relative to the folder); the caller deletes it.

    Args:
        source: The folder.
        ignore: A ``tarfile`` filter: returns the entry (maybe changed), or None to leave it out.

    Raises:
        NotADirectoryError: When ``source`` is not a folder.
    """
    root = Path(source)
    if not root.is_dir():
        raise NotADirectoryError(f"upload_from_dir needs a folder, got {root}")
    handle, name = tempfile.mkstemp(suffix=".tar.gz", prefix="runloop-upload-")
    os.close(handle)
    with tarfile.open(name, "w:gz") as archive:
        for path in sorted(root.rglob("*")):
            archive.add(path, arcname=str(path.relative_to(root)), recursive=False, filter=ignore)
    return Path(name)


def read_chunks(path: Path, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """Yields a local file's bytes in chunks, so memory stays flat whatever its size."""
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            yield chunk


def upload_headers(
    upload_url: str, base_url: str, bearer_token: str, extra: Mapping[str, str] | None, size: int
) -> dict[str, str]:
    """Headers of the PUT to an object's upload URL.

    The API key is sent only when the URL is the API's own host (the local engine); a presigned
    cloud-storage URL carries its own authorisation and must not see the key.
    """
    headers = dict(extra or {})
    headers["Content-Length"] = str(size)
    target, api = urlsplit(upload_url), urlsplit(base_url)
    if (target.scheme, target.netloc) == (api.scheme, api.netloc):
        headers["Authorization"] = f"Bearer {bearer_token}"
    return headers
