"""The team's review of questions the bot could not answer well, and the phrasings it taught.

A review question is a logged question the bot did not answer (any band but answer/smalltalk)
or whose answer got a 👎, on which the team has not decided yet. The team decides per group of
similar questions: it adopts the group's question as an example phrasing of an entry
("taught"), or dismisses the group. A decision is keyed by the group's shown question (its
question_log id, ``group_id``), so one "Rückgängig" undoes exactly that decision.

Taught phrasings carry no user id; they are knowledge the team adopted. Exported phrasings
(written into the YAML files by ``python -m bot knowledge export``) are no longer applied on top
of the files, so a reviewer may still edit or remove them there.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.storage.codec import parse_ts, parse_ts_or_none, ts, ts_or_none
from bot.storage.db import Database, fetchone
from bot.storage.questions import QuestionLog

log = logging.getLogger(__name__)

Decision = Literal["taught", "dismissed"]

REVIEW_ROW_LIMIT = 500  # the most recent open review questions considered for grouping

_PHRASING_COLUMNS = "id, entry_id, text, group_id, created_at, exported_at"
# Unanswered bands: the same literal as questions._UNANSWERED.
_OPEN_REVIEW = f"""
SELECT q.id, q.user_id, q.channel, q.text, q.band, q.entry_id, q.created_at,
       EXISTS (SELECT 1 FROM answer_feedback f WHERE f.question_id = q.id AND f.vote = 'down')
           AS downvoted
FROM question_log q
WHERE (q.band NOT IN ('answer', 'smalltalk')
       OR q.id IN (SELECT question_id FROM answer_feedback
                   WHERE vote = 'down' AND question_id IS NOT NULL))
  AND q.id NOT IN (SELECT question_id FROM review_decisions)
  AND (? IS NULL OR q.created_at >= ?)
ORDER BY q.id DESC
LIMIT {REVIEW_ROW_LIMIT}
"""


@dataclass(frozen=True)
class ReviewQuestion:
    """A question waiting for the team's decision. The user id is never shown; it records
    whose text a review message shows, so /loeschen can redact it (storage/team_posts.py)."""

    id: int
    user_id: int
    text: str
    band: str
    entry_id: str | None
    downvoted: bool
    created_at: dt.datetime
    channel: str = "telegram"


@dataclass(frozen=True)
class Phrasing:
    """An example phrasing the team adopted for an entry."""

    id: int
    entry_id: str
    text: str
    group_id: int
    created_at: dt.datetime
    exported_at: dt.datetime | None


@dataclass(frozen=True)
class GroupDecision:
    group_id: int  # the question the decision was taken on (its "Rückgängig" undoes it)
    text: str  # that question's text ("" once the question is deleted)
    decision: Decision
    count: int  # questions the decision covers
    phrasing: Phrasing | None  # the taught phrasing, None for a dismissal


def _phrasing(row: sqlite3.Row) -> Phrasing:
    return Phrasing(
        id=row["id"],
        entry_id=row["entry_id"],
        text=row["text"],
        group_id=row["group_id"],
        created_at=parse_ts(row["created_at"]),
        exported_at=parse_ts_or_none(row["exported_at"]),
    )


class TeachingRepo:
    def __init__(self, db: Database, questions: QuestionLog) -> None:
        self.db = db
        self._questions = questions  # pending log rows must be written before the review reads

    async def open_review(self, since: dt.datetime | None = None) -> list[ReviewQuestion]:
        """Review questions without a decision, newest first (at most REVIEW_ROW_LIMIT)."""
        await self._questions.flush()
        found = await self.db.fetchall(_OPEN_REVIEW, (ts_or_none(since), ts_or_none(since)))
        return [
            ReviewQuestion(
                id=row["id"],
                user_id=row["user_id"],
                text=row["text"],
                band=row["band"],
                entry_id=row["entry_id"],
                downvoted=bool(row["downvoted"]),
                created_at=parse_ts(row["created_at"]),
                channel=row["channel"],
            )
            for row in found
        ]

    async def decide(
        self,
        group_id: int,
        question_ids: Sequence[int],
        decision: Decision,
        now: dt.datetime,
        *,
        entry_id: str | None = None,
        text: str | None = None,
    ) -> GroupDecision | None:
        """Record the team's decision on a group in one transaction; None if the group's
        question was decided meanwhile (a second tap) or no longer exists."""
        async with self.db.transaction() as conn:
            open_row = await fetchone(
                conn,
                "SELECT q.id, q.text FROM question_log q WHERE q.id = ?"
                " AND q.id NOT IN (SELECT question_id FROM review_decisions)",
                (group_id,),
            )
            if open_row is None:
                return None
            ids = sorted({group_id, *question_ids})
            await conn.executemany(
                "INSERT OR IGNORE INTO review_decisions (question_id, group_id, decision,"
                " decided_at) SELECT ?, ?, ?, ? WHERE EXISTS"
                " (SELECT 1 FROM question_log WHERE id = ?)",
                [(qid, group_id, decision, ts(now), qid) for qid in ids],
            )
            phrasing = None
            if decision == "taught":
                if entry_id is None or text is None:
                    raise ValueError("a taught decision needs entry_id and text")
                cursor = await conn.execute(
                    "INSERT INTO taught_phrasings (entry_id, text, group_id, created_at)"
                    " VALUES (?, ?, ?, ?)",
                    (entry_id, text, group_id, ts(now)),
                )
                phrasing = Phrasing(
                    cursor.lastrowid or 0, entry_id, text, group_id, now, None
                )
        log.info("review group %d: %s (%d questions)", group_id, decision, len(ids))
        return GroupDecision(group_id, open_row["text"], decision, len(ids), phrasing)

    async def decision(self, question_id: int) -> GroupDecision | None:
        """The decision that covers a question, if any."""
        async with self.db.read() as conn:
            row = await fetchone(
                conn,
                "SELECT group_id, decision, (SELECT COUNT(*) FROM review_decisions d"
                " WHERE d.group_id = r.group_id) AS n,"
                " (SELECT text FROM question_log q WHERE q.id = r.group_id) AS text"
                " FROM review_decisions r"
                " WHERE question_id = ?",
                (question_id,),
            )
            if row is None:
                return None
            phrasing_row = await fetchone(
                conn,
                f"SELECT {_PHRASING_COLUMNS} FROM taught_phrasings WHERE group_id = ?"
                " ORDER BY id DESC LIMIT 1",
                (row["group_id"],),
            )
        taught = row["decision"] == "taught" and phrasing_row is not None
        return GroupDecision(
            row["group_id"], row["text"] or "", row["decision"], int(row["n"]),
            _phrasing(phrasing_row) if taught and phrasing_row is not None else None,
        )

    async def undo(self, group_id: int) -> Literal["undone", "exported", "none"]:
        """Take back the decision on a group: its questions are open again and a taught
        phrasing is removed. An exported phrasing lives in the YAML files now: not undone."""
        async with self.db.transaction() as conn:
            exported = await fetchone(
                conn,
                "SELECT 1 FROM taught_phrasings WHERE group_id = ? AND exported_at IS NOT NULL",
                (group_id,),
            )
            if exported is not None:
                return "exported"
            decided = await conn.execute(
                "DELETE FROM review_decisions WHERE group_id = ?", (group_id,)
            )
            await conn.execute("DELETE FROM taught_phrasings WHERE group_id = ?", (group_id,))
            undone = decided.rowcount > 0
        log.info("review group %d: undo %s", group_id, "done" if undone else "found nothing")
        return "undone" if undone else "none"

    async def active_phrasings(self) -> list[Phrasing]:
        """Phrasings applied on top of the knowledge files: taught and not yet exported."""
        found = await self.db.fetchall(
            f"SELECT {_PHRASING_COLUMNS} FROM taught_phrasings WHERE exported_at IS NULL"
            " ORDER BY id"
        )
        return [_phrasing(row) for row in found]

    async def mark_exported(self, phrasing_ids: Sequence[int], now: dt.datetime) -> int:
        if not phrasing_ids:
            return 0
        async with self.db.transaction() as conn:
            cursor = await conn.executemany(
                "UPDATE taught_phrasings SET exported_at = ? WHERE id = ? AND exported_at IS NULL",
                [(ts(now), pid) for pid in phrasing_ids],
            )
            return cursor.rowcount
