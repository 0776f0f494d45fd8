"""The log of free-text questions, for /unbeantwortet (what the bot could not answer)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from bot.storage import rows
from bot.storage.codec import ts, ts_or_none
from bot.storage.db import Database
from bot.storage.health import is_storage_fault
from bot.storage.models import LoggedQuestion

log = logging.getLogger(__name__)

# Bands in which the user got an answer; every other band (suggest, fallback …) counts as
# unanswered — a suggestion list means the bot was not sure. Written into the SQL literally (not
# as parameters) so that SQLite can use the partial index question_log_unanswered, whose WHERE
# clause in migrations.py must stay identical.
ANSWERED_BANDS = ("answer", "smalltalk")
_UNANSWERED = "band NOT IN ('answer', 'smalltalk')"

_INSERT = (
    "INSERT INTO question_log (user_id, text, normalized, band, entry_id, created_at, channel)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
Row = tuple[int, str, str, str, "str | None", str, str]


def _row(
    user_id: int, text: str, normalized: str, band: str, entry_id: str | None, now: dt.datetime,
    channel: str,
) -> Row:
    return (user_id, text, normalized, band, entry_id, ts(now), channel)


FLUSH_AFTER_SECONDS = 1.0
FLUSH_AT_ROWS = 200


class QuestionLog:
    """Questions are logged in batches: ``record_later`` keeps the row in memory and writes it
    with the others at most ``flush_after`` seconds later, in one transaction. Every question
    would otherwise cost a hop to aiosqlite's thread, more CPU than answering it. A crash loses
    at most that second of log rows (statistics, not requests). Every method that reads or
    deletes log rows writes the pending ones first, so nobody sees a stale log and /loeschen
    leaves nothing behind.
    """

    def __init__(
        self,
        db: Database,
        flush_after: float = FLUSH_AFTER_SECONDS,
        flush_at_rows: int = FLUSH_AT_ROWS,
    ) -> None:
        self.db = db
        self._flush_after = flush_after
        self._flush_at_rows = flush_at_rows
        self._pending: list[Row] = []
        self._timer: asyncio.TimerHandle | None = None
        self._writing: asyncio.Task[None] | None = None

    def record_later(
        self,
        user_id: int,
        text: str,
        normalized: str,
        band: str,
        entry_id: str | None,
        now: dt.datetime,
        channel: str = "telegram",
    ) -> None:
        """Log one question without waiting for the database (see the class docstring)."""
        self._pending.append(_row(user_id, text, normalized, band, entry_id, now, channel))
        if len(self._pending) >= self._flush_at_rows:
            self._start_flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(
                self._flush_after, self._start_flush
            )

    @property
    def pending(self) -> int:
        return len(self._pending)

    def _start_flush(self) -> asyncio.Task[None]:
        """The write of the pending rows: the one under way, or a new one."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._writing is None or self._writing.done():
            self._writing = asyncio.get_running_loop().create_task(self._write_pending())
        return self._writing

    async def _write_pending(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                async with self.db.transaction() as conn:
                    await conn.executemany(_INSERT, batch)
            except Exception as exc:
                # Nothing to retry into: the rows are statistics and the database is failing.
                # A disk fault is reported once by the database's health; a bug gets a traceback.
                log.error("%d question log rows could not be written (%s)", len(batch),
                          type(exc).__name__, exc_info=not is_storage_fault(exc))

    async def flush(self) -> None:
        """Write every pending row now (and wait for a write already under way)."""
        while self._pending or (self._writing is not None and not self._writing.done()):
            # shield: a reader that is cancelled must not cancel the write it waits for.
            await asyncio.shield(self._start_flush())

    async def record(
        self,
        user_id: int,
        text: str,
        normalized: str,
        band: str,
        entry_id: str | None,
        now: dt.datetime,
        channel: str = "telegram",
    ) -> int:
        """Log one question at once; returns its id (carried by the "an das Team" button)."""
        written = await self.db.write(
            _INSERT, _row(user_id, text, normalized, band, entry_id, now, channel)
        )
        assert written.lastrowid is not None
        return written.lastrowid

    async def get(self, question_id: int) -> LoggedQuestion | None:
        await self.flush()
        row = await self.db.fetchone(
            f"SELECT {rows.QUESTION_COLUMNS} FROM question_log WHERE id = ?", (question_id,)
        )
        return None if row is None else rows.logged_question(row)

    async def top_unanswered(
        self, limit: int = 10, since: dt.datetime | None = None
    ) -> list[tuple[str, int]]:
        """Most frequent unanswered questions as (example text, count), grouped by normalized text.

        The example is the most recent original wording of the group; ties in count go to the
        group asked most recently.
        """
        await self.flush()
        found = await self.db.fetchall(
            # SQLite returns the bare column `text` from the row holding MAX(id) in each group.
            f"SELECT text, COUNT(*) AS n, MAX(id) AS last_id FROM question_log"
            f" WHERE {_UNANSWERED} AND (? IS NULL OR created_at >= ?)"
            " GROUP BY normalized ORDER BY n DESC, last_id DESC LIMIT ?",
            (ts_or_none(since), ts_or_none(since), limit),
        )
        return [(row["text"], int(row["n"])) for row in found]

    async def delete_before(self, cutoff: dt.datetime) -> int:
        await self.flush()
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM question_log WHERE created_at < ?", (ts(cutoff),)
            )
            count = cursor.rowcount
        if count:
            log.info("%d old question log rows deleted", count)
        return count

    async def delete_for_user(self, channel: str, user_id: int) -> int:
        await self.flush()
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM question_log WHERE channel = ? AND user_id = ?", (channel, user_id))
            return cursor.rowcount

