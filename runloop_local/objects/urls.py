"""Presigned URLs of storage objects: the engine's signing key, signatures and their checks.

The real service hands out presigned cloud-storage URLs that work without the API key; the
engine serves its own at ``/_local/objects/{id}/upload`` (PUT) and ``/_local/objects/{id}/download``
(GET), the only paths the bearer-token check lets through (see :mod:`..http.auth`). Each carries
``sig``, an HMAC-SHA256 with the engine's key of what the URL allows (the action, the object id
and, for downloads, the expiry time), compared in constant time. The key is kept in the data dir
(``object_urls.key``, mode 0600), so URLs handed out stay valid across a restart.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from urllib.parse import urlencode

__all__ = ["UPLOAD", "DOWNLOAD", "load_key", "sign", "signed_url", "signature_ok"]

UPLOAD = "upload"
DOWNLOAD = "download"
_KEY_FILE = "object_urls.key"


def load_key(data_dir: Path) -> bytes:
    """The data dir's signing key, created (32 random bytes, mode 0600) on first use."""
    path = data_dir / _KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key)
    os.replace(tmp, path)
    return key


def sign(key: bytes, action: str, object_id: str, expires: int | None = None) -> str:
    """The signature of a URL allowing ``action`` on an object (until ``expires``, unix seconds), pure."""
    message = f"{action}\n{object_id}\n{'' if expires is None else expires}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def signed_url(base_url: str, key: bytes, action: str, object_id: str, expires: int | None = None) -> str:
    """The full presigned URL of ``action`` on an object, pure."""
    query = {"sig": sign(key, action, object_id, expires)}
    if expires is not None:
        query = {"expires": str(expires), **query}
    return f"{base_url.rstrip('/')}/_local/objects/{object_id}/{action}?{urlencode(query)}"


def signature_ok(
    key: bytes, action: str, object_id: str, sig: str | None, expires: int | None = None
) -> bool:
    """Whether ``sig`` is the signature of this action, object and expiry (constant time), pure."""
    if not sig:
        return False
    expected = sign(key, action, object_id, expires)
    return hmac.compare_digest(sig.encode("utf-8", "replace"), expected.encode())
