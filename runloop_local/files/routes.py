"""Routes of devbox files, served from the devbox's host folders (never through the sandbox).

Writes go to a temporary file in the target's folder that replaces the target at the end, so a
failed or interrupted write leaves the old file as it was.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import IO

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
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
from ..http.requests import Routes, app_state, json_body, respond
from .rules import resolve_path
from .service import replace_file

__all__ = ["ROUTES"]


def service(request: Request) -> DevboxService:
    """The devbox service of the app."""
    return app_state(request, "service", DevboxService)


_COPY_CHUNK = 1024 * 1024
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


async def upload_file(request: Request) -> Response:
    # Starlette spools each part to a temporary file past 1 MiB, so memory stays flat.
    try:
        form = await request.form(max_files=1, max_fields=10)
    except Exception as exc:  # the multipart parser raises several types for a malformed body
        raise bad_request(f"the request body is not valid multipart/form-data: {exc}") from None
    try:
        path = form.get("path")
        upload = form.get("file")
        if not isinstance(path, str) or not path:
            raise bad_request("invalid field `path`: give the devbox path to write as a form field")
        if not isinstance(upload, UploadFile):
            raise bad_request("invalid field `file`: give the file's contents as a form file part")
        target, owner = _devbox_file(request, path, "path", "upload a file")
        source = upload.file

        def copy(out: IO[bytes]) -> None:
            source.seek(0)
            shutil.copyfileobj(source, out, _COPY_CHUNK)

        await run_in_threadpool(replace_file, target, copy, "path", path, owner)
    finally:
        await form.close()
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
