"""Opening what an upload accepts (bytes, a path or a file object) as a streamable file field."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from .request import FileInput, file_name_of

__all__ = ["open_upload"]


@contextmanager
def open_upload(file: FileInput) -> Iterator[tuple[str, IO[bytes], str]]:
    """Yields an httpx multipart file field; a path is opened for the upload and closed after.

    The file is read in chunks while it is sent, so memory stays flat whatever its size.

    Raises:
        FileNotFoundError: When a path is given and no file is there.
        TypeError: When the input is none of bytes, a path or a binary file object.
    """
    content_type = "application/octet-stream"
    if isinstance(file, (bytes, bytearray, memoryview)):
        yield ("upload", io.BytesIO(bytes(file)), content_type)
    elif isinstance(file, (str, os.PathLike)):
        with open(os.fspath(file), "rb") as handle:
            yield (file_name_of(file), handle, content_type)
    elif hasattr(file, "read"):
        if isinstance(file, io.TextIOBase):
            raise TypeError("Upload a binary file object (opened with 'rb'), not a text one")
        yield (file_name_of(file), file, content_type)
    else:
        raise TypeError(f"Cannot upload {type(file).__name__}: pass bytes, a path, or a binary file object")
