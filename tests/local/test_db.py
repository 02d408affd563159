"""Unit tests of the SQL the record stores share, on an in-memory database."""

from __future__ import annotations

import json
import sqlite3

from runloop_local.db.sql_queries import metadata_keys, metadata_values, newest_first_page


def _db() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE things (seq INTEGER PRIMARY KEY, id TEXT, kind TEXT, data TEXT)")
    for i in range(7):
        data = {"id": f"t{i}", "metadata": {"team": f"t{i % 2}", **({"odd": "yes"} if i % 2 else {})}}
        db.execute(
            "INSERT INTO things (id, kind, data) VALUES (?, ?, ?)",
            (f"t{i}", "a" if i < 5 else "b", json.dumps(data)),
        )
    return db


def _ids(rows: list[str]) -> list[str]:
    return [json.loads(r)["id"] for r in rows]


def test_pages_walk_newest_first_and_count_every_match() -> None:
    db = _db()
    rows, more, total = newest_first_page(db, "things", [], [], limit=3, starting_after=None)
    assert (_ids(rows), more, total) == (["t6", "t5", "t4"], True, 7)
    rows, more, total = newest_first_page(db, "things", [], [], limit=3, starting_after="t4")
    assert (_ids(rows), more) == (["t3", "t2", "t1"], True)
    rows, more, _ = newest_first_page(db, "things", [], [], limit=3, starting_after="t1")
    assert (_ids(rows), more) == (["t0"], False)
    db.close()


def test_pages_filter_and_an_unknown_cursor_starts_from_the_newest() -> None:
    db = _db()
    rows, more, total = newest_first_page(db, "things", ["kind = ?"], ["a"], limit=10, starting_after="nope")
    assert (_ids(rows), more, total) == (["t4", "t3", "t2", "t1", "t0"], False, 5)
    db.close()


def test_metadata_keys_and_values_honour_the_condition() -> None:
    db = _db()
    assert metadata_keys(db, "things") == ["odd", "team"]
    assert metadata_keys(db, "things", "kind = 'b'") == ["odd", "team"]
    assert metadata_values(db, "things", "team") == ["t0", "t1"]
    assert metadata_values(db, "things", "odd", "kind = 'a'") == ["yes"]
    assert metadata_values(db, "things", "missing") == []
    db.close()
