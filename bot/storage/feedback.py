"""The users' "Hat das geholfen? 👍 👎" on answers: one vote per answer message.

A 👎 is linked to the question it answered, which puts that question into the team's review
list (bot/storage/teaching.py). /loeschen deletes a user's votes; retention deletes old ones
together with the question log.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Literal

from bot.storage.codec import ts
from bot.storage.db import Database, fetchone
from bot.storage.questions import QuestionLog

log = logging.getLogger(__name__)

Vote = Literal["up", "down"]


@dataclass(frozen=True)
class FeedbackCount:
    entry_id: str
    up: int
    down: int


class FeedbackRepo:
    def __init__(self, db: Database, questions: QuestionLog) -> None:
        self.db = db
        self._questions = questions  # the answered question may still be a pending log row

    async def record(
        self,
        user_id: int,
        chat_id: int,
        message_id: int,
        entry_id: str,
        vote: Vote,
        now: dt.datetime,
        channel: str = "telegram",
    ) -> bool:
        """Store the vote on one answer message; False if that message has a vote already.

        The vote is linked to the user's latest logged question if that was answered with this
        entry (the answer message does not carry the question, which is logged in batches); a
        vote on an entry opened from the menu or a suggestion is counted without a question.
        """
        await self._questions.flush()
        async with self.db.transaction() as conn:
            last = await fetchone(
                conn,
                "SELECT id, band, entry_id FROM question_log WHERE channel = ? AND user_id = ?"
                " ORDER BY id DESC LIMIT 1",
                (channel, user_id),
            )
            question = (
                last if last is not None and last["band"] == "answer"
                and last["entry_id"] == entry_id else None
            )
            cursor = await conn.execute(
                "INSERT OR IGNORE INTO answer_feedback (user_id, chat_id, message_id, entry_id,"
                " vote, question_id, created_at, channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (user_id, chat_id, message_id, entry_id, vote,
                 question["id"] if question is not None else None, ts(now), channel),
            )
            stored = cursor.rowcount > 0
        log.info("feedback %s on entry %s %s", vote, entry_id, "stored" if stored else "repeated")
        return stored

    async def counts(self) -> list[FeedbackCount]:
        """Votes per entry, most votes first."""
        found = await self.db.fetchall(
            "SELECT entry_id, SUM(vote = 'up') AS up, SUM(vote = 'down') AS down"
            " FROM answer_feedback GROUP BY entry_id"
            " ORDER BY COUNT(*) DESC, entry_id"
        )
        return [FeedbackCount(r["entry_id"], int(r["up"]), int(r["down"])) for r in found]

    async def delete_before(self, cutoff: dt.datetime) -> int:
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM answer_feedback WHERE created_at < ?", (ts(cutoff),)
            )
            return cursor.rowcount
