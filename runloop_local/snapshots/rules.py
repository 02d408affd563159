"""Pure decisions about disk snapshots: which devboxes can be snapshotted, list filters, requests."""

from __future__ import annotations

import re
from collections.abc import Iterable

from runloop_api.types import DevboxSnapshotRequest

from ..http.errors import ApiError, bad_request
from .records import MetadataFilter, SnapshotRecord

__all__ = [
    "MAX_COMMIT_MESSAGE",
    "SNAPSHOTTABLE_STATUSES",
    "check_snapshot_request",
    "check_snapshottable",
    "check_usable",
    "metadata_filters",
]

SNAPSHOTTABLE_STATUSES = frozenset({"running", "suspended"})
"""Devbox statuses whose files can be snapshotted (a suspended devbox keeps its files)."""

MAX_COMMIT_MESSAGE = 1000
"""The spec's limit of ``commit_message``, in characters."""

_METADATA_PARAM = re.compile(r"metadata\[([^\[\]]+)\](\[in\])?\Z")


def check_snapshottable(devbox_id: str, status: str) -> None:
    """Raises unless a devbox in ``status`` can be snapshotted.

    Raises:
        ApiError: 400 saying which statuses can.
    """
    if status not in SNAPSHOTTABLE_STATUSES:
        raise bad_request(
            f"cannot snapshot the disk: devbox {devbox_id} is {status}; "
            "only a running or suspended devbox can be snapshotted"
        )


def check_snapshot_request(body: DevboxSnapshotRequest) -> None:
    """Raises for fields of a snapshot request (create or update) beyond their types.

    Raises:
        ApiError: 400 naming the field.
    """
    if body.commit_message is not None and len(body.commit_message) > MAX_COMMIT_MESSAGE:
        raise bad_request(
            f"invalid field `commit_message`: {len(body.commit_message)} characters, "
            f"at most {MAX_COMMIT_MESSAGE} allowed"
        )


def check_usable(rec: SnapshotRecord | None, snapshot_id: str, *, action: str) -> SnapshotRecord:
    """The record of a snapshot that ``action`` can use: it exists and is complete.

    Raises:
        ApiError: 404 for an unknown or deleted snapshot; 400 when in progress or failed.
    """
    if rec is None or rec.status == "deleted":
        raise ApiError(404, f"snapshot {snapshot_id!r} not found")
    if rec.status == "in_progress":
        raise bad_request(
            f"cannot {action}: snapshot {snapshot_id} is still in progress; wait until it is complete"
        )
    if rec.status != "complete":
        raise bad_request(f"cannot {action}: snapshot {snapshot_id} failed ({rec.error_message})")
    return rec


def metadata_filters(params: Iterable[tuple[str, str]]) -> list[MetadataFilter]:
    """The metadata filters of a list request's query.

    ``metadata[KEY]=VALUE`` keeps snapshots whose ``KEY`` is ``VALUE``;
    ``metadata[KEY][in]=V1,V2`` those whose ``KEY`` is any of the comma-separated values. Every
    filter must hold.

    Args:
        params: The query's (name, value) pairs.

    Raises:
        ApiError: 400 for a malformed ``metadata...`` parameter.
    """
    found: list[MetadataFilter] = []
    for name, value in params:
        if not name.startswith("metadata"):
            continue
        match = _METADATA_PARAM.match(name)
        if match is None:
            raise bad_request(
                f"invalid query parameter `{name}`: expected metadata[KEY]=VALUE or metadata[KEY][in]=V1,V2"
            )
        values = tuple(v for v in value.split(",")) if match[2] else (value,)
        found.append((match[1], values))
    return found
