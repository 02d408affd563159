"""Pure helpers that shape a request: path parameters, query, JSON body and file inputs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, Union
from urllib.parse import quote

from pydantic import BaseModel

__all__ = ["FileInput", "path_param", "clean_params", "to_json", "file_name_of"]

FileInput = Union[bytes, str, "os.PathLike[str]", IO[bytes]]
"""What an upload accepts: bytes in memory, a path to a file, or a binary file object."""


def path_param(name: str, value: str) -> str:
    """Validates and URL-quotes one path parameter.

    Raises:
        ValueError: When the value is empty or not a string.
    """
    if not isinstance(value, str) or not value:
        raise ValueError(f"Expected a non-empty string for `{name}`, got {value!r}")
    return quote(value, safe="")


def to_json(value: Any) -> Any:
    """Turns a value into plain JSON data: models are dumped, ``None`` entries of mappings dropped."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True, by_alias=True)
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def clean_params(values: Mapping[str, Any], extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Builds a JSON body or query mapping: ``None`` means "not sent"; ``extra`` entries win.

    ``extra`` is sent as given, so ``extra_body={"name": None}`` sends an explicit JSON null (the
    way to clear a field that a typed argument of ``None`` would leave out).
    """
    out = {k: to_json(v) for k, v in values.items() if v is not None}
    if extra:
        out.update({str(k): to_json(v) for k, v in extra.items()})
    return out


def file_name_of(file: FileInput) -> str:
    """The file name sent with an upload: the path's base name, or "upload" for bytes and streams."""
    if isinstance(file, (str, os.PathLike)):
        return os.path.basename(os.fspath(file)) or "upload"
    name = getattr(file, "name", None)
    if isinstance(name, str) and name:
        return os.path.basename(name)
    return "upload"
