"""The one SQLite connection of the application, its pragmas, transactions and migrations.

Concurrency model: PTB runs handlers concurrently on one event loop, and they all share this one
connection. SQLite has one transaction per connection, so a handler awaiting inside its transaction
would let another handler's statements land in it (and be rolled back with it, or see its
half-done state). Therefore every access goes through one asyncio.Lock:

- writes: ``async with db.transaction() as conn:`` (BEGIN IMMEDIATE … COMMIT, ROLLBACK on error);
- reads: ``await db.fetchone(...)`` / ``await db.fetchall(...)``, which take the same lock, so a
  read never sees another handler's uncommitted changes.
- one-statement writes: ``await db.write(sql, params)``, the statement as its own transaction
  (SQLite's autocommit), so it costs one trip to aiosqlite's thread instead of three.

Every ``await`` on the connection is a hop to aiosqlite's worker thread and back through the
event loop, taken while holding the lock; with many updates in flight the loop may be busy for a
while before it resumes the lock holder. Hence reads fetch in one hop (``execute_fetchall``) and
single-statement writes skip BEGIN/COMMIT.

``db.conn`` is exposed for code that already holds the lock (inside ``transaction()`` use the
connection it yields). The lock is not re-entrant: calling ``fetch*`` or ``transaction()`` (or a
repository method) while holding it raises RuntimeError instead of deadlocking.

Durability: WAL with synchronous=NORMAL. Every committed transaction survives a killed process
(SIGKILL) — the WAL is in the OS's hands once COMMIT returns; only a power loss or OS crash may lose
the last commits, never corrupt the file.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.health import DatabaseHealth
from bot.storage.migrations import SchemaTooNewError, migrate
from bot.storage.startup import (
    FLAG,
    DatabaseUnusable,
    check_file,
    move_aside,
    quick_check,
    unusable,
)

log = logging.getLogger(__name__)

MEMORY = ":memory:"
# db_probe holds one row (see migrations._V_DB_PROBE); rewriting it proves that writes commit.
PROBE_SQL = "INSERT OR REPLACE INTO db_probe (id, written_at) VALUES (1, ?)"
BUSY_TIMEOUT_MS = 5000

Params = Sequence[Any]


@dataclass(frozen=True)
class WriteResult:
    """What a one-statement write reports: the new row's id (INSERT) and the rows changed."""

    lastrowid: int | None
    rowcount: int


class Database:
    """One aiosqlite connection for the application's lifetime; see the module docstring."""

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None
        self._closed = False
        self.health = DatabaseHealth()

    @classmethod
    async def open(cls, path: Path | str, *, new_database: bool = False) -> Database:
        """Open after the start-up checks (see startup.py), set pragmas, run migrations.

        Raises DatabaseUnusable with a one-line reason instead of opening a database that is
        empty, damaged, read-only or newer than this program. ``new_database`` replaces an
        empty or damaged file (kept aside) and refuses a usable one, so a forgotten flag cannot
        throw away a good database on the next start.
        """
        target = str(path)
        if target == MEMORY:
            return await cls._connect(target)
        file = Path(target)
        try:
            existed = check_file(file)
            db = await cls._connect(target)
        except DatabaseUnusable as exc:
            if not (new_database and exc.replaceable):
                raise
            move_aside(file, dt.datetime.now(dt.UTC))
            return await cls._connect(target)
        if new_database and existed:
            await db.close()
            raise DatabaseUnusable(
                f"{FLAG} given, but the database file {target} is usable: start without {FLAG}")
        if not existed:
            log.warning("no database file yet: created a new one")
        return db

    @classmethod
    async def _connect(cls, target: str) -> Database:
        try:
            # isolation_level=None: autocommit mode, we issue BEGIN/COMMIT ourselves.
            conn = await aiosqlite.connect(target, isolation_level=None)
        except sqlite3.Error as exc:
            raise unusable(exc, target) from None
        try:
            conn.row_factory = sqlite3.Row
            await quick_check(conn, target)
            await run(conn, "PRAGMA journal_mode=WAL")
            await run(conn, "PRAGMA synchronous=NORMAL")
            await run(conn, "PRAGMA foreign_keys=ON")
            # PRAGMA takes no parameters; the value is our own integer constant.
            await run(conn, f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS:d}")
            # Deleted rows are overwritten with zeros, so erased personal data does not linger in
            # free pages until the next VACUUM.
            await run(conn, "PRAGMA secure_delete=ON")
            version = await migrate(conn, dt.datetime.now(dt.UTC))
            # A read-only file, a full disk or a read-only directory shows only when writing;
            # find out now rather than at the first request.
            await conn.execute(PROBE_SQL, (dt.datetime.now(dt.UTC).isoformat(),))
        except SchemaTooNewError as exc:
            await _close_quietly(conn)
            raise DatabaseUnusable(f"{exc}: update the bot") from None
        except sqlite3.Error as exc:
            await _close_quietly(conn)
            raise unusable(exc, target) from None
        except BaseException:
            await _close_quietly(conn)
            raise
        log.info("database opened, schema version %d", version)
        return cls(conn, target)

    async def probe(self) -> bool:
        """Write one tiny row: True when the database takes writes (again)."""
        try:
            await self.write(PROBE_SQL, (dt.datetime.now(dt.UTC).isoformat(),))
        except sqlite3.Error:
            return False
        return True

    @asynccontextmanager
    async def _hold(self) -> AsyncIterator[aiosqlite.Connection]:
        """Take the lock; a task that already holds it gets an error instead of a deadlock."""
        task = asyncio.current_task()
        if task is not None and task is self._owner:
            raise RuntimeError("the database lock is not re-entrant: use the connection you hold")
        async with self._lock:
            self._owner = task
            try:
                yield self.conn
            finally:
                self._owner = None

    async def close(self) -> None:
        """Close the connection (waits for a running transaction); a second call does nothing."""
        async with self._hold():
            if self._closed:
                return
            self._closed = True
            try:
                # Lets SQLite refresh its planner statistics where they went stale (cheap).
                await run(self.conn, "PRAGMA optimize")
            except sqlite3.Error as exc:  # read-only, full or damaged: closing matters more
                log.warning("PRAGMA optimize failed at close (%s)", type(exc).__name__)
            finally:
                # Ends aiosqlite's thread even when SQLite's close fails.
                await self.conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Serialised write transaction: BEGIN IMMEDIATE, COMMIT on success, ROLLBACK on error."""
        async with self._hold() as conn:
            changes = conn.total_changes
            try:
                await conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    # SQLite may already have rolled back by itself (e.g. disk full); a second
                    # ROLLBACK would then hide the original error.
                    if conn.in_transaction:
                        await conn.execute("ROLLBACK")
                    raise
                await conn.execute("COMMIT")
            except Exception as exc:
                self.health.fault(exc)
                raise
            self._committed(conn, changes)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """Hold the lock for several reads that must see one consistent state."""
        async with self._hold() as conn:
            yield conn

    async def write(self, sql: str, params: Params = ()) -> WriteResult:
        """Run one write statement as its own transaction, under the lock.

        In autocommit mode SQLite wraps a single statement in a transaction of its own: it
        applies completely or not at all and is durable once this returns, exactly like
        ``transaction()`` around it, but in one thread hop instead of three.
        """
        async with self._hold() as conn:
            changes = conn.total_changes
            try:
                cursor = await conn.execute(sql, params)
            except Exception as exc:
                self.health.fault(exc)
                raise
            self._committed(conn, changes)
            return WriteResult(cursor.lastrowid, cursor.rowcount)

    def _committed(self, conn: aiosqlite.Connection, changes_before: int) -> None:
        # Only a commit that changed rows proves the disk takes writes again: a transaction
        # that changed nothing commits even on a full disk.
        if conn.total_changes != changes_before:
            self.health.wrote()

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """Run a read query under the lock and return its first row (for queries of one row)."""
        async with self._hold() as conn:
            try:
                return await fetchone(conn, sql, params)
            except Exception as exc:
                self.health.fault(exc)  # a damaged page shows when it is read
                raise

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Run a read query under the lock and return all rows."""
        async with self._hold() as conn:
            try:
                return await fetchall(conn, sql, params)
            except Exception as exc:
                self.health.fault(exc)
                raise

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        """Run a read query under the lock and return the first column of the first row."""
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def checkpoint_and_vacuum(self) -> None:
        """Move the WAL into the file, rebuild it without free pages, and empty the WAL again.

        Used after a user's data was deleted, so that no copy of it remains in the WAL or in
        free pages of the database file.
        """
        async with self._hold() as conn:
            await run(conn, "PRAGMA wal_checkpoint(TRUNCATE)")
            await run(conn, "VACUUM")
            rows = await run(conn, "PRAGMA wal_checkpoint(TRUNCATE)")
        busy = bool(rows and rows[0][0])
        log.info("database checkpointed and vacuumed (checkpoint busy: %s)", busy)


async def _close_quietly(conn: aiosqlite.Connection) -> None:
    try:
        await conn.close()
    except sqlite3.Error:  # closing a broken file may fail too; the reason was already found
        log.debug("closing the unusable database failed")


async def run(conn: aiosqlite.Connection, sql: str, params: Params = ()) -> list[sqlite3.Row]:
    """Execute and close the cursor at once.

    A statement whose result rows are not read stays "in progress" and blocks VACUUM and
    COMMIT-time checks; PRAGMAs return rows, so they go through here.
    """
    async with conn.execute(sql, params) as cursor:
        return list(await cursor.fetchall())


async def fetchone(conn: aiosqlite.Connection, sql: str, params: Params = ()) -> sqlite3.Row | None:
    """Read the first row on a connection the caller already holds (inside a transaction).

    Fetches in one hop, so the query should select one row (by key or with LIMIT).
    """
    found = await fetchall(conn, sql, params)
    return found[0] if found else None


async def fetchall(conn: aiosqlite.Connection, sql: str, params: Params = ()) -> list[sqlite3.Row]:
    """Read all rows on a connection the caller already holds, in one hop to the thread."""
    rows: Iterable[sqlite3.Row] = await conn.execute_fetchall(sql, params)
    return list(rows)
