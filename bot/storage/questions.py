"""The log of free-text questions, for /unbeantwortet (what the bot could not answer)."""

from __future__ import annotations

import datetime as dt
import logging

from bot.storage import rows
from bot.storage.codec import ts, ts_or_none
from bot.storage.db import Database
from bot.storage.models import LoggedQuestion

log = logging.getLogger(__name__)

# Bands in which the user got an answer; every other band (suggest, fallback …) counts as
# unanswered — a suggestion list means the bot was not sure. Written into the SQL literally (not
# as parameters) so that SQLite can use the partial index question_log_unanswered, whose WHERE
# clause in migrations.py must stay identical.
ANSWERED_BANDS = ("answer", "smalltalk")
_UNANSWERED = "band NOT IN ('answer', 'smalltalk')"


class QuestionLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self,
        user_id: int,
        text: str,
        normalized: str,
        band: str,
        entry_id: str | None,
        now: dt.datetime,
    ) -> int:
        """Log one question; returns its id (carried by the "an das Team" button)."""
        written = await self.db.write(
            "INSERT INTO question_log (user_id, text, normalized, band, entry_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (user_id, text, normalized, band, entry_id, ts(now)),
        )
        assert written.lastrowid is not None
        return written.lastrowid

    async def get(self, question_id: int) -> LoggedQuestion | None:
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
        found = await self.db.fetchall(
            # SQLite returns the bare column `text` from the row holding MAX(id) in each group.
            f"SELECT text, COUNT(*) AS n, MAX(id) AS last_id FROM question_log"
            f" WHERE {_UNANSWERED} AND (? IS NULL OR created_at >= ?)"
            " GROUP BY normalized ORDER BY n DESC, last_id DESC LIMIT ?",
            (ts_or_none(since), ts_or_none(since), limit),
        )
        return [(row["text"], int(row["n"])) for row in found]

    async def delete_before(self, cutoff: dt.datetime) -> int:
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM question_log WHERE created_at < ?", (ts(cutoff),)
            )
            count = cursor.rowcount
        if count:
            log.info("%d old question log rows deleted", count)
        return count

    async def delete_for_user(self, user_id: int) -> int:
        async with self.db.transaction() as conn:
            cursor = await conn.execute("DELETE FROM question_log WHERE user_id = ?", (user_id,))
            return cursor.rowcount

