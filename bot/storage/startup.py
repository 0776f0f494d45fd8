"""Start-up checks of the database file: the bot refuses to run on a database it cannot trust.

A silently empty database is the worst outcome: reference numbers would restart at 0001 and clash
with the cards already in the team chat. So an existing file that is empty (0 bytes), damaged,
unreadable, read-only or written by a newer version stops the start with a one-line reason
(``DatabaseUnusable``). A missing file is created on the first start. ``--new-database``
(``new_database=True``) replaces an empty or damaged file, keeping the old one next to it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

FLAG = "--new-database"
SIDE_FILES = ("-wal", "-shm")


class DatabaseUnusable(Exception):
    """The database cannot be used; ``str()`` is a one-line reason for the operator.

    ``replaceable``: the file holds nothing usable (empty or damaged), so ``--new-database`` may
    put a new one in its place. A read-only file or a newer schema is not replaceable: the data
    is fine, the permissions or the program version are not.
    """

    def __init__(self, reason: str, *, replaceable: bool = False) -> None:
        super().__init__(reason)
        self.replaceable = replaceable


def check_file(path: Path) -> bool:
    """Check an existing file before SQLite opens it; returns whether a file was there."""
    directory = path.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnusable(f"cannot create the directory {directory}: {exc.strerror}") from None
    if not os.access(directory, os.W_OK | os.X_OK):
        # SQLite creates its -wal and -shm files next to the database.
        raise DatabaseUnusable(f"the database directory {directory} is not writable")
    if not path.exists():
        return False
    if not path.is_file():
        raise DatabaseUnusable(f"the database path {path} is not a file")
    if not os.access(path, os.R_OK):
        raise DatabaseUnusable(f"the database file {path} is not readable")
    if not os.access(path, os.W_OK):
        raise DatabaseUnusable(f"the database file {path} is read-only")
    if path.stat().st_size == 0:
        raise DatabaseUnusable(
            f"the database file {path} is empty (0 bytes): restore a backup, or start once"
            f" with {FLAG} to create a new database", replaceable=True)
    return True


async def quick_check(conn: aiosqlite.Connection, path: str) -> None:
    """PRAGMA quick_check: the b-trees and pages are sound (linear in the size, no index check)."""
    try:
        async with conn.execute("PRAGMA quick_check") as cursor:
            rows = list(await cursor.fetchall())
    except sqlite3.DatabaseError as exc:
        raise unusable(exc, path) from None
    problems = [str(row[0]) for row in rows if str(row[0]) != "ok"]
    if problems:
        first = " ".join(problems[0].split())[:160]
        raise DatabaseUnusable(
            f"the database file {path} is damaged ({first}): restore a backup, or start"
            f" with {FLAG} to keep it aside and create a new database", replaceable=True)


def unusable(exc: sqlite3.Error, path: str) -> DatabaseUnusable:
    """Turn SQLite's error while opening into the operator's one-line reason."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, sqlite3.OperationalError):  # cannot open, read-only, disk full, locked
        return DatabaseUnusable(f"the database file {path} cannot be used: {text}")
    # "file is not a database", "database disk image is malformed"
    return DatabaseUnusable(
        f"the database file {path} is damaged ({text}): restore a backup, or start with"
        f" {FLAG} to keep it aside and create a new database", replaceable=True)


def move_aside(path: Path, now: dt.datetime) -> Path:
    """Rename an unusable file (and its -wal/-shm) so nothing is lost; returns the new name."""
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.unusable-{stamp}")
    for suffix in ("", *SIDE_FILES):
        source = Path(f"{path}{suffix}")
        if source.exists():
            source.rename(f"{target}{suffix}")
    log.warning("unusable database kept as %s; creating a new one", target.name)
    return target
