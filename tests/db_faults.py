"""A full disk for the tests: wraps the Database's aiosqlite connection so that, while ``full``
is set, every writing statement fails with SQLite's own error, as SQLite raises it on a full disk.
Reads keep working, as they do on a full disk. No test helpers of its own."""

from __future__ import annotations

import sqlite3
from typing import Any

from bot.storage.db import Database

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "COMMIT")
DISK_FULL = "database or disk is full"
SQLITE_FULL = 13


def disk_full() -> sqlite3.OperationalError:
    """The exception as SQLite raises it on a full disk, code included."""
    exc = sqlite3.OperationalError(DISK_FULL)
    exc.sqlite_errorcode = SQLITE_FULL  # type: ignore[attr-defined]
    exc.sqlite_errorname = "SQLITE_FULL"  # type: ignore[attr-defined]
    return exc


class _Failing:
    """What aiosqlite's execute() returns, failing both when awaited and when entered."""

    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def __await__(self) -> Any:
        raise self.exc
        yield  # pragma: no cover  (makes this a generator, i.e. awaitable)

    async def __aenter__(self) -> Any:
        raise self.exc

    async def __aexit__(self, *args: object) -> None:
        return None


class FullDisk:
    """Installed on a Database; ``full = False`` frees the disk again."""

    def __init__(self, db: Database) -> None:
        self._conn = db.conn
        self.full = False
        self.failed = 0
        db.conn = self  # type: ignore[assignment]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def fails(self, sql: str) -> bool:
        return self.full and sql.lstrip().upper().startswith(WRITES)

    def execute(self, sql: str, params: Any = ()) -> Any:
        if self.fails(sql):
            self.failed += 1
            return _Failing(disk_full())
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Any) -> Any:
        if self.fails(sql):
            self.failed += 1
            return _Failing(disk_full())
        return self._conn.executemany(sql, rows)


class FailingStatement(FullDisk):
    """Only writes that start with ``prefix`` fail (e.g. one table's INSERT): a fault in the
    middle of a transaction, after the statements before it succeeded."""

    def __init__(self, db: Database, prefix: str) -> None:
        super().__init__(db)
        self.prefix = " ".join(prefix.upper().split())

    def fails(self, sql: str) -> bool:
        return self.full and " ".join(sql.upper().split()).startswith(self.prefix)


class Monotonic:
    """The worker's monotonic clock, moved by the tests."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
