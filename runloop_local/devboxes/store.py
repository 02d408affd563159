"""SQLite storage (WAL) of devboxes, executions and the devbox logs; executions' output is in files
(:mod:`..db.output_files`) beside the database."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..db.output_files import OutputFile, OutputFiles
from ..db.sql_queries import metadata_keys, metadata_values, newest_first_page
from ..executions.records import ExecutionRecord
from .log_query import log_body_query, log_lines_query
from .records import DevboxRecord

__all__ = ["Store"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS devboxes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS executions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    devbox_id TEXT NOT NULL,
    command_id TEXT,
    status TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS executions_devbox ON executions (devbox_id, command_id);
DROP INDEX IF EXISTS executions_status;
CREATE INDEX IF NOT EXISTS executions_unfinished ON executions (status) WHERE status != 'completed';
CREATE TABLE IF NOT EXISTS output (
    execution_id TEXT NOT NULL,
    stream TEXT NOT NULL,
    start INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (execution_id, stream, start)
);
CREATE TABLE IF NOT EXISTS logs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    devbox_id TEXT NOT NULL,
    execution_id TEXT,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_devbox ON logs (devbox_id, seq);
"""


_EXEC_FIELDS = ExecutionRecord.__dataclass_fields__.keys()


class Store:
    """The engine's database: one SQLite file under the data dir.

    Every call is short and runs on the caller's thread (the engine's event loop); a lock keeps
    calls from other threads (engine start/stop) apart.

    Args:
        path: The database file (created with its tables if missing). Output files go to the
            folder ``output`` beside it.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self.output_files = OutputFiles(path.parent / "output")
        """Where executions' output is (the records say how much of it counts)."""
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._lock = threading.RLock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            # Checkpoints (which fsync) would otherwise run inside the commit that fills the
            # WAL, on a request's path (a 5-20 ms stall every hundred commits): the reaper
            # runs them in a worker thread instead (see `checkpoint`). A commit is in the WAL
            # file either way, so it survives a crash of the engine.
            self._db.execute("PRAGMA wal_autocheckpoint=0")
            self._db.executescript(_SCHEMA)
            _migrate(self._db, self.output_files)
        self._peeked: dict[str, DevboxRecord] = {}
        self._checkpoint_lock = threading.Lock()
        self._checkpointer: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None
        self._reader_lock = threading.Lock()
        self._closed = False

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Groups the writes inside into one commit (cheaper, and all-or-nothing)."""
        with self._lock:
            if self._db.in_transaction:
                yield
                return
            self._db.execute("BEGIN")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                self._peeked.clear()  # it may hold records the rollback undid
                raise
            self._db.execute("COMMIT")

    def checkpoint(self) -> None:
        """Copies the WAL into the database file (PASSIVE: never waits for, nor blocks, writers).

        Runs on a connection of its own, so a worker thread can do it while the engine goes on.
        """
        with self._checkpoint_lock:
            if self._closed:
                return
            if self._checkpointer is None:
                self._checkpointer = sqlite3.connect(
                    str(self._path), isolation_level=None, check_same_thread=False
                )
            self._checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)")

    @property
    def changes(self) -> int:
        """Rows written so far through this store (a counter, no I/O): what a checkpoint may
        skip when it has not moved."""
        return self._db.total_changes

    def close(self) -> None:
        """Closes the database (the last connection to close checkpoints the WAL)."""
        with self._checkpoint_lock:
            self._closed = True
            if self._checkpointer is not None:
                self._checkpointer.close()
        with self._reader_lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None
        with self._lock:
            self._db.close()

    # -- devboxes -------------------------------------------------------------------------------

    def put_devbox(self, rec: DevboxRecord) -> None:
        """Inserts or replaces a devbox record."""
        fields = rec.to_json()  # a deep copy: the caller may go on changing ``rec``
        data = json.dumps(fields)
        with self._lock:
            self._db.execute(
                "INSERT INTO devboxes (id, status, data) VALUES (?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET status = excluded.status, data = excluded.data",
                (rec.id, rec.status, data),
            )
            self._peeked[rec.id] = DevboxRecord.from_json(fields)

    def peek_devbox(self, id: str) -> DevboxRecord | None:
        """The record of a devbox as last written, read from memory once known: for readers that
        look often and change nothing (the reaper, when a devbox's timers may expire).
        The caller must not change it."""
        found = self._peeked.get(id)
        if found is None:
            found = self.get_devbox(id)
            if found is not None:
                with self._lock:
                    self._peeked.setdefault(id, found)
        return found

    def forget_peeked(self, id: str) -> None:
        """Drops a devbox's record from memory (it has ended)."""
        with self._lock:
            self._peeked.pop(id, None)

    def get_devbox(self, id: str) -> DevboxRecord | None:
        """The devbox with this id, or None."""
        with self._lock:
            row = self._db.execute("SELECT data FROM devboxes WHERE id = ?", (id,)).fetchone()
        return None if row is None else DevboxRecord.from_json(json.loads(row[0]))

    def devboxes_with_status(self, statuses: frozenset[str]) -> list[DevboxRecord]:
        """Every devbox in one of ``statuses``."""
        marks = ",".join("?" * len(statuses))
        with self._lock:
            rows = self._db.execute(
                f"SELECT data FROM devboxes WHERE status IN ({marks}) ORDER BY seq", tuple(statuses)
            ).fetchall()
        return [DevboxRecord.from_json(json.loads(r[0])) for r in rows]

    def list_devboxes(
        self, *, status: str | None, limit: int, starting_after: str | None
    ) -> tuple[list[DevboxRecord], bool, int]:
        """One page of devboxes, newest first.

        Returns:
            ``(page, has_more, total_count)``; the total counts every match, not only this page.
        """
        clauses, args = (["status = ?"], [status]) if status else ([], [])
        with self._lock:
            rows, has_more, total = newest_first_page(
                self._db, "devboxes", clauses, args, limit=limit, starting_after=starting_after
            )
        return [DevboxRecord.from_json(json.loads(r)) for r in rows], has_more, total

    def has_devbox_seq(self, id: str) -> bool:
        """Whether a devbox with this id exists (for cursors)."""
        with self._lock:
            return self._db.execute("SELECT 1 FROM devboxes WHERE id = ?", (id,)).fetchone() is not None

    def metadata_keys(self) -> list[str]:
        """Every metadata key of any devbox, sorted."""
        with self._lock:
            return metadata_keys(self._db, "devboxes")

    def metadata_values(self, key: str) -> list[str]:
        """Every value of metadata ``key`` across devboxes, sorted."""
        with self._lock:
            return metadata_values(self._db, "devboxes", key)

    # -- executions -----------------------------------------------------------------------------

    def put_execution(self, rec: ExecutionRecord) -> None:
        """Inserts or replaces an execution record."""
        data = json.dumps({k: getattr(rec, k) for k in _EXEC_FIELDS})
        with self._lock:
            self._db.execute(
                "INSERT INTO executions (id, devbox_id, command_id, status, data) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET status = excluded.status, data = excluded.data",
                (rec.id, rec.devbox_id, rec.command_id, rec.status, data),
            )

    def get_execution(self, id: str) -> ExecutionRecord | None:
        """The execution with this id, or None."""
        with self._lock:
            row = self._db.execute("SELECT data FROM executions WHERE id = ?", (id,)).fetchone()
        return None if row is None else ExecutionRecord(**json.loads(row[0]))

    def execution_by_command_id(self, devbox_id: str, command_id: str) -> ExecutionRecord | None:
        """The execution a devbox started for ``command_id``, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT data FROM executions WHERE devbox_id = ? AND command_id = ?", (devbox_id, command_id)
            ).fetchone()
        return None if row is None else ExecutionRecord(**json.loads(row[0]))

    def unfinished_executions(self) -> list[ExecutionRecord]:
        """Every execution not completed."""
        with self._lock:
            rows = self._db.execute("SELECT data FROM executions WHERE status != 'completed'").fetchall()
        return [ExecutionRecord(**json.loads(r[0])) for r in rows]

    def put_small_output(self, execution_id: str, stream: str, data: bytes) -> None:
        """Stores the whole (small) output of an ended execution's ``stream`` in the database: a
        row costs a command that printed little less than a file of its own (made in the same
        commit as its record, where a new file took 50-400 µs)."""
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO output (execution_id, stream, start, data) VALUES (?, ?, 0, ?)",
                (execution_id, stream, data),
            )

    def small_output(self, execution_id: str, stream: str) -> bytes:
        """The output :meth:`put_small_output` stored (empty when none)."""
        with self._lock:
            row = self._db.execute(
                "SELECT data FROM output WHERE execution_id = ? AND stream = ? AND start = 0",
                (execution_id, stream),
            ).fetchone()
        return b"" if row is None else bytes(row[0])

    def execution_ids(self) -> set[str]:
        """The id of every execution on record."""
        with self._lock:
            return {r[0] for r in self._db.execute("SELECT id FROM executions")}

    # -- logs -----------------------------------------------------------------------------------

    def add_log(self, devbox_id: str, entry: dict[str, Any], execution_id: str | None = None) -> None:
        """Appends one DevboxLog-shaped entry to a devbox's log."""
        with self._lock:
            self._db.execute(
                "INSERT INTO logs (devbox_id, execution_id, data) VALUES (?, ?, ?)",
                (devbox_id, execution_id, json.dumps(entry)),
            )

    def log_lines(
        self, devbox_id: str, execution_id: str | None = None, shell_name: str | None = None
    ) -> list[str]:
        """A devbox's log entries as JSON texts in time order (see :mod:`.log_query`).

        Reads on a connection of its own, so a worker thread can list a long log while the
        engine goes on writing (WAL readers see the last commit and block nobody).

        Args:
            devbox_id: The devbox.
            execution_id: Only the entries of this execution.
            shell_name: Only the entries of this named shell.
        """
        sql, params = log_lines_query(execution_id, shell_name)
        return [r[0] for r in self._read(sql, {**params, "devbox": devbox_id})]

    def log_body(
        self, devbox_id: str, execution_id: str | None = None, shell_name: str | None = None
    ) -> bytes:
        """The JSON body listing a devbox's log, ``{"logs":[...]}``, built by SQLite in one piece
        (see :func:`.log_query.log_body_query`); for a worker thread, like :meth:`log_lines`.

        Args:
            devbox_id: The devbox.
            execution_id: Only the entries of this execution.
            shell_name: Only the entries of this named shell.
        """
        sql, params = log_body_query(execution_id, shell_name)
        body = self._read(sql, {**params, "devbox": devbox_id})[0][0]
        assert isinstance(body, bytes)
        return body

    def _read(self, sql: str, params: dict[str, Any]) -> list[Any]:
        """Rows of a query on the reader connection (any thread; WAL readers block no writer)."""
        with self._reader_lock:
            if self._closed:
                raise RuntimeError("the store is closed")
            if self._reader is None:
                self._reader = sqlite3.connect(str(self._path), isolation_level=None, check_same_thread=False)
            return self._reader.execute(sql, params).fetchall()

    def logs(self, devbox_id: str, execution_id: str | None = None) -> list[dict[str, Any]]:
        """A devbox's log entries in order, optionally only those of one execution."""
        return [json.loads(line) for line in self.log_lines(devbox_id, execution_id)]


_SCHEMA_VERSION = 2
"""1: executions write no log rows (their lines are made when the log is read).
2: output is in files (:class:`OutputFiles`); the table ``output`` holds only the whole small
   output of executions whose record says ``output_in_db``."""


def _migrate(db: sqlite3.Connection, files: OutputFiles) -> None:
    """Brings a database written by an older engine to :data:`_SCHEMA_VERSION`."""
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version < 1:  # the start and end lines older engines wrote would now appear twice
        db.execute(
            "DELETE FROM logs WHERE execution_id IS NOT NULL AND ("
            "json_extract(data, '$.message') LIKE 'started: %' OR "
            "json_extract(data, '$.message') LIKE 'exited with status %')"
        )
    if version < 2:
        _move_output_to_files(db, files)
    db.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")


def _move_output_to_files(db: sqlite3.Connection, files: OutputFiles) -> None:
    """Writes the rows of the table ``output`` into files, sets the records' lengths to them and
    empties the table.

    The files are written at the rows' positions and synced before the rows go (in one commit
    with the lengths), so a crash midway leaves the rows, and the next start does it all again.
    Rows of no execution on record (left by a crash before its record was written) are dropped.
    """
    lengths: dict[str, dict[str, int]] = {}
    current: tuple[str, str] | None = None
    out: OutputFile | None = None

    def done() -> None:
        if out is not None:
            out.sync()
            out.close()

    rows = db.execute(
        "SELECT o.execution_id, e.devbox_id, o.stream, o.start, o.data FROM output o "
        "JOIN executions e ON e.id = o.execution_id ORDER BY o.execution_id, o.stream, o.start"
    )
    for execution_id, devbox_id, stream, start, data in rows:
        if (execution_id, stream) != current:
            done()
            current = (execution_id, stream)
            out = files.file(devbox_id, execution_id, stream)
            out.truncate(0)  # what an earlier, cut migration wrote
        assert out is not None
        out.write(start, data)
        lengths.setdefault(execution_id, {})[stream] = start + len(data)
    done()
    db.execute("BEGIN")
    for execution_id, streams in lengths.items():
        db.execute(
            "UPDATE executions SET data = json_set(data, '$.stdout_len', ?, '$.stderr_len', ?) WHERE id = ?",
            (streams.get("stdout", 0), streams.get("stderr", 0), execution_id),
        )
    db.execute("DELETE FROM output")
    db.execute("COMMIT")
