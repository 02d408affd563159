"""Secrets: records in the engine's database, values in files of mode 0600 under ``secrets/``.

A value is written once, never answered by the API, never logged, and reaches a devbox only as
an environment variable through the agent's pipe (never on a command line, never in a file of
the devbox, so never in a snapshot).
"""

from __future__ import annotations

import os
import secrets as random
from collections.abc import Mapping
from pathlib import Path

from ..db.clock import now_ms
from ..db.ids import new_id
from ..http.errors import ApiError, bad_request
from .records import SecretRecord, SecretStore
from .rules import check_name, check_value

__all__ = ["SecretService"]


class SecretService:
    """The secrets of one data dir.

    Args:
        data_dir: The engine's data dir.
    """

    def __init__(self, data_dir: Path) -> None:
        self.folder = data_dir / "secrets"
        self._path = data_dir / "engine.sqlite3"
        self._store: SecretStore | None = None

    @property
    def store(self) -> SecretStore:
        """The records (opened on first use)."""
        if self._store is None:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(self.folder, 0o700)
            self._store = SecretStore(self._path)
        return self._store

    def close(self) -> None:
        """Closes the records."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def create(self, name: str, value: str) -> SecretRecord:
        """Stores a new secret.

        Raises:
            ApiError: 400 bad name or value; 409 a secret of that name exists.
        """
        check_name(name)
        check_value(value)
        if self.store.by_name(name) is not None:
            raise ApiError(409, f"a secret named {name!r} exists: update it, or delete it first")
        now = now_ms()
        rec = SecretRecord(id=new_id("sec"), name=name, create_time_ms=now, update_time_ms=now)
        self._write(rec.id, value)
        self.store.put(rec)
        return rec

    def by_name(self, name: str) -> SecretRecord:
        """A secret by name.

        Raises:
            ApiError: 404 unknown.
        """
        rec = self.store.by_name(name)
        if rec is None:
            raise ApiError(404, f"secret {name!r} not found")
        return rec

    def by_id(self, id: str) -> SecretRecord:
        """A secret by id.

        Raises:
            ApiError: 404 unknown.
        """
        rec = self.store.get(id)
        if rec is None:
            raise ApiError(404, f"secret {id!r} not found")
        return rec

    def update(self, rec: SecretRecord, value: str) -> SecretRecord:
        """Replaces a secret's value (devboxes get it when they next start).

        Raises:
            ApiError: 400 bad value.
        """
        check_value(value)
        self._write(rec.id, value)
        rec.update_time_ms = now_ms()
        self.store.put(rec)
        return rec

    def delete(self, rec: SecretRecord) -> SecretRecord:
        """Deletes a secret and its value."""
        self.store.remove(rec.id)
        (self.folder / rec.id).unlink(missing_ok=True)
        return rec

    def page(self, limit: int) -> tuple[list[SecretRecord], bool, int]:
        """The first ``limit`` secrets, newest first."""
        return self.store.select_page([], [], limit=limit, starting_after=None)

    def check_exist(self, names: Mapping[str, str]) -> None:
        """Checks that every secret a devbox asks for exists.

        Raises:
            ApiError: 400 naming the first that does not.
        """
        for env, name in names.items():
            if self.store.by_name(name) is None:
                raise bad_request(f"invalid field `secrets.{env}`: no secret named {name!r}: create it first")

    def values(self, names: Mapping[str, str]) -> dict[str, str]:
        """The environment a devbox gets: variable -> its secret's value.

        Raises:
            KeyError: A secret no longer exists (the message names it).
        """
        found = {}
        for env, name in names.items():
            rec = self.store.by_name(name)
            if rec is None:
                raise KeyError(f"the secret {name!r} (for {env}) was deleted")
            found[env] = (self.folder / rec.id).read_text()
        return found

    def _write(self, id: str, value: str) -> None:
        """Writes a value whole, readable by the engine's user only."""
        staging = self.folder / f".{id}.{random.token_hex(4)}"
        fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(value)
        os.replace(staging, self.folder / id)
