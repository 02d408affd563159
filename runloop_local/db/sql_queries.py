"""SQL the record stores share: newest-first cursor pages and metadata key/value listings.

Every table queried here has ``seq`` (insertion order), ``id`` and ``data`` (the record's JSON,
with a ``metadata`` object). Table names and conditions come from code, never from requests;
values always travel as parameters. Callers hold their store's lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

__all__ = ["metadata_keys", "metadata_values", "newest_first_page"]


def newest_first_page(
    db: sqlite3.Connection,
    table: str,
    clauses: Sequence[str],
    args: Sequence[Any],
    *,
    limit: int,
    starting_after: str | None,
) -> tuple[list[str], bool, int]:
    """One page of a table's records, newest first, after the record ``starting_after``.

    Args:
        db: The connection.
        table: The table.
        clauses: SQL conditions that must all hold (none: every row).
        args: The parameters of ``clauses``, in order.
        limit: Page size.
        starting_after: The id of the last record of the previous page; an unknown id starts
            from the newest.

    Returns:
        ``(data of each record on the page, has_more, total_count)``; the total counts every
        match, not only this page.
    """
    where = " AND ".join(clauses) or "1"
    params = list(args)
    total = int(db.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}", params).fetchone()[0])
    if starting_after is not None:
        row = db.execute(f"SELECT seq FROM {table} WHERE id = ?", (starting_after,)).fetchone()
        if row is not None:
            where += " AND seq < ?"
            params.append(row[0])
    rows = db.execute(
        f"SELECT data FROM {table} WHERE {where} ORDER BY seq DESC LIMIT ?", [*params, limit + 1]
    ).fetchall()
    return [str(r[0]) for r in rows[:limit]], len(rows) > limit, total


def metadata_keys(db: sqlite3.Connection, table: str, condition: str = "1") -> list[str]:
    """Every metadata key of the records that meet ``condition``, sorted."""
    rows = db.execute(
        f"SELECT DISTINCT j.key FROM {table}, json_each({table}.data, '$.metadata') AS j "
        f"WHERE {condition} ORDER BY 1"
    ).fetchall()
    return [str(r[0]) for r in rows]


def metadata_values(db: sqlite3.Connection, table: str, key: str, condition: str = "1") -> list[str]:
    """Every value of metadata ``key`` across the records that meet ``condition``, sorted."""
    rows = db.execute(
        f"SELECT DISTINCT j.value FROM {table}, json_each({table}.data, '$.metadata') AS j "
        f"WHERE {condition} AND j.key = ? ORDER BY 1",
        (key,),
    ).fetchall()
    return [str(r[0]) for r in rows]
