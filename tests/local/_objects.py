"""Test helpers: storage objects with given bytes, and tar.gz archives of given files."""

from __future__ import annotations

import io
import tarfile
from typing import Any

import httpx

from runloop_api import RunloopAPI


def tgz(files: dict[str, bytes]) -> bytes:
    """A tar.gz archive of ``files`` (path -> bytes, mode 0644)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def stored_object(api: RunloopAPI, name: str, content_type: Any, data: bytes) -> str:
    """A completed storage object holding ``data``; returns its id."""
    obj = api.objects.create(name=name, content_type=content_type)
    assert obj.upload_url is not None
    httpx.put(obj.upload_url, content=data).raise_for_status()
    api.objects.complete(obj.id)
    return obj.id
