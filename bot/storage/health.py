"""Whether the database can be written right now, as episodes: "failing" from the first storage
fault until a write that changed something commits again.

The database reports every fault and every committed change here; whoever must react (the team
alert in bot/tg/db_alerts.py, the outbox worker's probe) subscribes. Listeners hear only the
transitions, so an outage of an hour with a thousand failed writes alerts once.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

log = logging.getLogger(__name__)

REASON_LIMIT = 120

Listener = Callable[[bool, str], None]  # (failing, reason); reason is "" on recovery


# SQLite's primary result codes that mean the file or the disk, not the SQL: PERM, BUSY,
# READONLY, IOERR, CORRUPT, FULL, CANTOPEN, NOTADB.
FAULT_CODES = frozenset({3, 5, 8, 10, 11, 13, 14, 26})
# The same in SQLite's words, for errors that carry no code.
FAULT_WORDS = ("disk is full", "disk i/o error", "readonly database", "malformed",
               "not a database", "unable to open", "database is locked", "access permission")


def is_storage_fault(exc: BaseException) -> bool:
    """A fault of the database file or disk (full, read-only, I/O error, corrupt), not a bug.

    "no such table" or a syntax error is an OperationalError too, and an IntegrityError a
    DatabaseError: they mean our SQL or data is wrong and must not be reported as a broken disk.
    """
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in FAULT_CODES
    text = str(exc).lower()
    return any(words in text for words in FAULT_WORDS)


def fault_reason(exc: BaseException) -> str:
    """SQLite's own words ("database or disk is full"); they name no row and no user data."""
    return (str(exc) or type(exc).__name__)[:REASON_LIMIT]


class DatabaseHealth:
    """The current episode and its listeners; synchronous, called from the event loop."""

    def __init__(self) -> None:
        self.failing = False
        self.reason = ""
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def fault(self, exc: BaseException) -> None:
        """A statement failed; starts an episode if none is running (non-faults are ignored)."""
        if not is_storage_fault(exc) or self.failing:
            return
        self.failing = True
        self.reason = fault_reason(exc)
        log.error("database cannot be written: %s", self.reason)
        self._tell(True, self.reason)

    def wrote(self) -> None:
        """A write that changed rows committed: the database works (again)."""
        if not self.failing:
            return
        self.failing = False
        log.warning("database writable again (was: %s)", self.reason)
        self.reason = ""
        self._tell(False, "")

    def _tell(self, failing: bool, reason: str) -> None:
        for listener in self._listeners:
            try:
                listener(failing, reason)
            except Exception:  # a listener's bug must not turn a write into a crash
                log.exception("database health listener failed")
