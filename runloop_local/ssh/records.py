"""SSH key records: the public half of every key ``create_ssh_key`` made, and its devbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..db.json_record import JsonRecord
from ..db.record_table import RecordTable

__all__ = ["SshKeyRecord", "SshKeyStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ssh_keys (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    devbox_id TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ssh_keys_devbox ON ssh_keys (devbox_id);
"""


@dataclass
class SshKeyRecord(JsonRecord):
    """A key that opens one devbox (its private half was answered once and is not kept)."""

    id: str
    """The public key's SHA256 fingerprint (``SHA256:...``), as the SSH server sees it."""
    devbox_id: str
    public_key: str
    """OpenSSH one-line form."""
    create_time_ms: int


class SshKeyStore(RecordTable[SshKeyRecord]):
    """The ``ssh_keys`` table of the engine's database."""

    table = "ssh_keys"
    record = SshKeyRecord
    schema = _SCHEMA

    def columns(self, rec: SshKeyRecord) -> dict[str, Any]:
        """The devbox, indexed."""
        return {"devbox_id": rec.devbox_id}

    def remove_of(self, devbox_id: str) -> None:
        """Forgets every key of a devbox."""
        with self._lock:
            self._db.execute("DELETE FROM ssh_keys WHERE devbox_id = ?", (devbox_id,))
