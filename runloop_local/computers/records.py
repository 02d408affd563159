"""Computer records: which devboxes are computers, and the size of their display."""

from __future__ import annotations

from dataclasses import dataclass

from ..db.json_record import JsonRecord
from ..db.record_table import RecordTable

__all__ = ["ComputerRecord", "ComputerStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS computers (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL
);
"""


@dataclass
class ComputerRecord(JsonRecord):
    """A computer: its id is its devbox's."""

    id: str
    width: int
    height: int


class ComputerStore(RecordTable[ComputerRecord]):
    """The ``computers`` table of the engine's database."""

    table = "computers"
    record = ComputerRecord
    schema = _SCHEMA
