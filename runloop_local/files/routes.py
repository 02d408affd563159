"""Routes of devbox files, served from the devbox's host folders (never through the sandbox).

Writes go to a temporary file in the target's folder that replaces the target at the end, so a
failed or interrupted write leaves the old file as it was.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import IO

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from runloop_api.types import (
    DevboxDownloadFileParameters,
    DevboxExecutionDetailView,
    DevboxReadFileParameters,
    DevboxWriteFileParameters,
    EmptyRecord,
)

from ..devboxes.service import DevboxService
from ..http.errors import ApiError, bad_request
from ..http.multipart import Event, MultipartReader, PartData, PartStart, boundary_of
from ..http.requests import Routes, app_state, json_body, respond
from .rules import resolve_path
from .service import Buffer, NewFile, replace_file, write_all

__all__ = ["ROUTES"]


def service(request: Request) -> DevboxService:
    """The devbox service of the app."""
    return app_state(request, "service", DevboxService)


_COPY_CHUNK = 1024 * 1024
"""An upload's bytes are written to disk (one writev) once this much has arrived."""
_MAX_FIELD = 64 * 1024
_MAX_FIELDS = 10
DOWNLOAD_CHUNK = 1024 * 1024


def _devbox_file(request: Request, path: str, field: str, action: str) -> tuple[Path, int | None]:
    """The host path of a devbox file, and the uid files written there must belong to."""
    svc = service(request)
    rec, live = svc.require_running(request.path_params["id"], action)
    live.touch()
    folders = svc.folders(rec)
    return resolve_path(folders, path, field=field), folders.owner


def _existing_file(target: Path, path: str, field: str) -> Path:
    if not target.exists():
        raise ApiError(404, f"no file at `{field}` {path!r} in the devbox")
    if not target.is_file():
        raise bad_request(f"invalid `{field}` {path!r}: it is not a regular file")
    return target


async def read_file_contents(request: Request) -> Response:
    body = await json_body(request, DevboxReadFileParameters)
    target, _ = _devbox_file(request, body.file_path, "file_path", "read a file")
    target = _existing_file(target, body.file_path, "file_path")
    data = await run_in_threadpool(target.read_bytes)
    return PlainTextResponse(data.decode("utf-8", "replace"))


async def write_file_contents(request: Request) -> Response:
    body = await json_body(request, DevboxWriteFileParameters)
    target, owner = _devbox_file(request, body.file_path, "file_path", "write a file")
    data = body.contents.encode()
    await run_in_threadpool(
        replace_file, target, lambda out: out.write(data), "file_path", body.file_path, owner
    )
    devbox_id = request.path_params["id"]
    return respond(DevboxExecutionDetailView(devbox_id=devbox_id, exit_status=0, stdout="", stderr=""))


class _Upload:
    """What an upload's body has brought so far: its form fields and its one file, written
    straight into the devbox as it arrives (spooled first only when the file part comes before
    the ``path`` field)."""

    def __init__(self, request: Request) -> None:
        self._request = request
        self.fields: dict[str, str] = {}
        self._field: tuple[str, bytearray] | None = None
        self._in_file = False
        self.file_seen = False
        self.target: NewFile | None = None
        self._spool: IO[bytes] | None = None
        self._pending: list[Buffer] = []
        self._pending_bytes = 0

    @property
    def path(self) -> str:
        path = self.fields.get("path")
        if not path:
            raise bad_request("invalid field `path`: give the devbox path to write as a form field")
        return path

    async def open_target(self) -> NewFile:
        path = self.path
        target, owner = _devbox_file(self._request, path, "path", "upload a file")
        self.target = await run_in_threadpool(NewFile, target, "path", path, owner)
        return self.target

    async def take(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, PartData):
                if self._in_file:
                    self._pending.append(event.data)
                    self._pending_bytes += len(event.data)
                elif self._field is not None:
                    if len(self._field[1]) + len(event.data) > _MAX_FIELD:
                        raise bad_request(f"invalid field `{self._field[0]}`: longer than {_MAX_FIELD} bytes")
                    self._field[1].extend(event.data)
            elif isinstance(event, PartStart):
                await self._start(event)
            else:
                await self._end()
        if self._pending_bytes >= _COPY_CHUNK:
            self._write()

    async def _start(self, part: PartStart) -> None:
        if part.filename is None:
            if len(self.fields) >= _MAX_FIELDS:
                raise bad_request(f"the upload has more than {_MAX_FIELDS} form fields")
            self._field = (part.name, bytearray())
            return
        if part.name != "file" or self.file_seen:
            raise bad_request("invalid upload: give one form file part, named `file`")
        self.file_seen = self._in_file = True
        if "path" in self.fields:
            await self.open_target()
        else:
            self._spool = await run_in_threadpool(tempfile.TemporaryFile)

    async def _end(self) -> None:
        if self._in_file:
            self._write()
            self._in_file = False
        elif self._field is not None:
            name, value = self._field
            try:
                self.fields[name] = value.decode()
            except UnicodeDecodeError:
                raise bad_request(f"invalid field `{name}`: not UTF-8 text") from None
            self._field = None

    def _write(self) -> None:
        """Writes what has arrived, on the event loop as a bare Starlette endpoint would: a MiB
        into the page cache takes a fraction of a millisecond, where a hop to a worker thread
        per MiB cost the upload a third of its speed (bench/transfers.py)."""
        buffers, self._pending, self._pending_bytes = self._pending, [], 0
        if self.target is not None:
            self.target.write(buffers)
        elif self._spool is not None:
            try:
                write_all(self._spool.fileno(), buffers)
            except OSError as exc:
                raise bad_request(f"cannot take the upload: {exc.strerror}") from None

    async def finish(self) -> None:
        """Puts the file in place, once the whole body was read."""
        if not self.file_seen:
            raise bad_request("invalid field `file`: give the file's contents as a form file part")
        target = self.target or await self.open_target()
        if self._spool is not None:
            await run_in_threadpool(target.fill_from, self._spool.fileno())
        await run_in_threadpool(target.commit)

    def close(self) -> None:
        if self.target is not None:
            self.target.close()
        if self._spool is not None:
            self._spool.close()


async def upload_file(request: Request) -> Response:
    # The file part goes straight into a new file in the devbox, which replaces the old one only
    # once the body was read whole (Starlette's form parser spooled it to a temporary file
    # first, through a thread hop per network chunk, and the route then copied it again).
    upload = _Upload(request)
    failure: ApiError | None = None
    try:
        reader = MultipartReader(boundary_of(request.headers.get("content-type")))
    except ApiError as exc:
        failure = exc
    try:
        async for chunk in request.stream():
            if failure is not None:
                continue  # the rest of the body is read (and dropped) so the client sees the answer
            try:
                await upload.take(reader.feed(chunk))
            except ApiError as exc:
                failure = exc
        if failure is not None:
            raise failure
        reader.finish()
        await upload.finish()
    finally:
        upload.close()
    return respond(EmptyRecord())


async def download_file(request: Request) -> Response:
    body = await json_body(request, DevboxDownloadFileParameters)
    target, _ = _devbox_file(request, body.path, "path", "download a file")
    target = _existing_file(target, body.path, "path")
    response = FileResponse(target, media_type="application/octet-stream", filename=target.name)
    response.chunk_size = DOWNLOAD_CHUNK  # Starlette's 64 KiB costs a loop turn and a thread hop each
    return response


ROUTES: Routes = [
    ("POST", "/v1/devboxes/{id}/read_file_contents", read_file_contents),
    ("POST", "/v1/devboxes/{id}/write_file_contents", write_file_contents),
    ("POST", "/v1/devboxes/{id}/upload_file", upload_file),
    ("POST", "/v1/devboxes/{id}/download_file", download_file),
]
