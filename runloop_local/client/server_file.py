"""``server.json``: where a served engine tells its clients its base URL and token."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = [
    "SERVER_FILE",
    "NoEngineError",
    "ServerInfo",
    "parse_server_file",
    "read_server_file",
    "remove_server_file",
    "write_server_file",
]

SERVER_FILE = "server.json"


class NoEngineError(RuntimeError):
    """No engine serves the data dir (or its ``server.json`` cannot be read)."""


@dataclass(frozen=True)
class ServerInfo:
    """What a served engine writes for its clients."""

    base_url: str
    token: str
    pid: int


def parse_server_file(text: str, path: Path) -> ServerInfo:
    """Reads a ``server.json``'s contents (pure).

    Raises:
        NoEngineError: The contents are not what ``serve`` writes.
    """
    try:
        data = json.loads(text)
        info = ServerInfo(base_url=data["base_url"], token=data["token"], pid=data["pid"])
    except (ValueError, TypeError, KeyError) as exc:
        raise NoEngineError(f"{path} is not a runloop-local server file ({exc!r})") from None
    if not (isinstance(info.base_url, str) and isinstance(info.token, str) and isinstance(info.pid, int)):
        raise NoEngineError(f"{path} is not a runloop-local server file (a field has the wrong type)")
    return info


def write_server_file(data_dir: Path, info: ServerInfo) -> Path:
    """Writes ``server.json`` in ``data_dir``, readable by its owner only (it holds the token).

    The file is written beside and renamed into place, so a reader never sees half of it.
    """
    path = data_dir / SERVER_FILE
    staging = data_dir / f".{SERVER_FILE}.{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        staging.unlink()
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        os.write(fd, json.dumps(asdict(info), indent=2).encode() + b"\n")
    finally:
        os.close(fd)
    os.replace(staging, path)
    return path


def remove_server_file(data_dir: Path, pid: int) -> None:
    """Removes ``server.json`` when it is the one process ``pid`` wrote (an engine that stops)."""
    path = data_dir / SERVER_FILE
    with contextlib.suppress(OSError, NoEngineError):
        if parse_server_file(path.read_text(), path).pid == pid:
            path.unlink()


def read_server_file(data_dir: Path) -> ServerInfo:
    """The base URL and token of the engine serving ``data_dir``.

    Raises:
        NoEngineError: No engine has written its ``server.json`` there.
    """
    path = data_dir / SERVER_FILE
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise NoEngineError(
            f"no engine is running on the data dir {data_dir} (no {SERVER_FILE}); "
            f"start one with: runloop-local serve --data-dir {data_dir}"
        ) from None
    except OSError as exc:
        raise NoEngineError(f"cannot read {path}: {exc.strerror}") from None
    return parse_server_file(text, path)
