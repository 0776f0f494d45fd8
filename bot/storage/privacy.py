"""The user's rights as storage operations: export everything (/meinedaten), delete everything
(/loeschen), and the retention job's deletion of closed requests.

Deletion keeps a tombstone per ticket (ref, type, created date, card position) so the team can
still see that a reference existed; every personal field is cleared. Run
Database.checkpoint_and_vacuum() afterwards so no copy remains in the WAL or in free pages.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.storage import rows
from bot.storage.codec import ts
from bot.storage.db import Database, fetchall
from bot.storage.draft_cache import DraftCache
from bot.storage.models import Ticket
from bot.storage.questions import QuestionLog
from bot.storage.team_posts import redact_for_tickets, redact_for_user
from bot.storage.tickets import insert_event

log = logging.getLogger(__name__)

# Subquery for "the user's live tickets"; every statement below binds channel and user id to it.
_USER_TICKETS = (
    "SELECT id FROM tickets WHERE channel = ? AND user_id = ? AND status != 'deleted'"
)


@dataclass(frozen=True)
class StoredCounts:
    """What /loeschen would delete, counted (the confirmation lists only what exists)."""

    requests: int = 0
    team_questions: int = 0
    drafts: int = 0
    questions: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.requests or self.team_questions or self.drafts or self.questions)


async def _erase_elsewhere(
    conn: aiosqlite.Connection, user_id: int, now: dt.datetime, channel: str
) -> None:
    """The hook for per-user data outside the core tables, erased in /loeschen's transaction.

    Runs while the user's tickets still carry their user id. Add a call here for every new
    table that refers to a user or to their tickets (e.g. a review list of their questions).
    """
    await redact_for_user(conn, user_id, now, channel)


def _without_foreign_ids(record: dict[str, Any], user_id: int, *keys: str) -> dict[str, Any]:
    """Team members' Telegram ids are their data, not the requester's: leave them out."""
    for key in keys:
        if record.get(key) not in (None, user_id):
            record[key] = None
    return record


class PrivacyRepo:
    def __init__(self, db: Database, drafts: DraftCache, questions: QuestionLog) -> None:
        self.db = db
        self._drafts = drafts  # deleting a user deletes their draft
        self._questions = questions  # whose pending rows must be in the database first

    async def export_user(self, user_id: int, channel: str = "telegram") -> dict[str, Any]:
        """Everything stored about the user, JSON-ready (datetimes as ISO text)."""
        await self._questions.flush()
        async with self.db.read() as conn:
            drafts = await fetchall(
                conn, f"SELECT {rows.DRAFT_COLUMNS} FROM drafts WHERE channel = ? AND user_id = ?",
                (channel, user_id),
            )
            tickets = await fetchall(
                conn,
                f"SELECT {rows.TICKET_COLUMNS} FROM tickets WHERE channel = ? AND user_id = ?"
                " ORDER BY id",
                (channel, user_id),
            )
            exported_tickets = []
            for row in tickets:
                ticket = _without_foreign_ids(
                    rows.as_dict(rows.ticket(row)), user_id, "assignee_id"
                )
                events = await fetchall(
                    conn,
                    f"SELECT {rows.EVENT_COLUMNS} FROM ticket_events WHERE ticket_id = ?"
                    " ORDER BY id",
                    (row["id"],),
                )
                messages = await fetchall(
                    conn,
                    f"SELECT {rows.MESSAGE_COLUMNS} FROM ticket_messages WHERE ticket_id = ?"
                    " ORDER BY id",
                    (row["id"],),
                )
                ticket["events"] = [
                    _without_foreign_ids(rows.as_dict(rows.event(e)), user_id, "actor_id")
                    for e in events
                ]
                ticket["messages"] = [
                    _without_foreign_ids(rows.as_dict(rows.message(m)), user_id, "author_id")
                    for m in messages
                ]
                exported_tickets.append(ticket)
            outbox = await fetchall(
                conn,
                f"SELECT {rows.OUTBOX_COLUMNS} FROM outbox WHERE status = 'pending'"
                f" AND (ticket_id IN ({_USER_TICKETS}) OR (channel = ? AND chat_id = ?))"
                " ORDER BY id",
                (channel, user_id, channel, user_id),
            )
            questions = await fetchall(
                conn,
                f"SELECT {rows.QUESTION_COLUMNS} FROM question_log"
                " WHERE channel = ? AND user_id = ? ORDER BY id",
                (channel, user_id),
            )
            feedback = await fetchall(
                conn,
                "SELECT entry_id, vote, created_at FROM answer_feedback"
                " WHERE channel = ? AND user_id = ?"
                " ORDER BY id",
                (channel, user_id),
            )
        log.info("data export for a user: %d tickets", len(exported_tickets))
        return {
            "user_id": user_id,
            "drafts": [rows.as_dict(rows.draft(r)) for r in drafts],
            "tickets": exported_tickets,
            "pending_notifications": [rows.as_dict(rows.outbox_item(r)) for r in outbox],
            "questions": [rows.as_dict(rows.logged_question(r)) for r in questions],
            "feedback": [dict(r) for r in feedback],
        }

    async def delete_user(
        self, user_id: int, now: dt.datetime, channel: str = "telegram"
    ) -> list[Ticket]:
        """Delete all of the user's data in one transaction; tickets become tombstones.

        Deletes drafts, logged questions, messages, history and all outbox rows of the user's
        tickets or addressed to the user's chats (their payloads hold personal data, sent or not).
        Returns the affected tickets as they were before, so the caller can redact team cards.
        """
        await self._questions.flush()
        async with self.db.transaction() as conn:
            before = await fetchall(
                conn,
                f"SELECT {rows.TICKET_COLUMNS} FROM tickets WHERE channel = ? AND user_id = ?"
                " AND status != 'deleted' ORDER BY id",
                (channel, user_id),
            )
            # Rows addressed to the user's chats: those of their own channel only (the same
            # number in another door is another person).
            await conn.execute(
                f"DELETE FROM outbox WHERE ticket_id IN ({_USER_TICKETS}) OR (channel = ? AND"
                " (chat_id = ?"
                " OR chat_id IN (SELECT chat_id FROM tickets WHERE channel = ? AND user_id = ?)"
                " OR chat_id IN (SELECT chat_id FROM drafts WHERE channel = ? AND user_id = ?)))",
                (channel, user_id, channel, user_id, channel, user_id, channel, user_id),
            )
            await _erase_elsewhere(conn, user_id, now, channel)
            mine = (channel, user_id)
            # The private request pages stop working with the data they show.
            await conn.execute(
                f"DELETE FROM request_links WHERE ticket_id IN ({_USER_TICKETS})", mine
            )
            # Their reply e-mails not sent yet: the address is gone with the ticket's data.
            await conn.execute(f"DELETE FROM mail_jobs WHERE ticket_id IN ({_USER_TICKETS})", mine)
            await conn.execute("DELETE FROM drafts WHERE channel = ? AND user_id = ?", mine)
            await conn.execute("DELETE FROM question_log WHERE channel = ? AND user_id = ?", mine)
            # Their 👍/👎; their questions' review decisions go with the questions (cascade).
            await conn.execute(
                "DELETE FROM answer_feedback WHERE channel = ? AND user_id = ?", mine
            )
            await conn.execute(
                f"DELETE FROM ticket_events WHERE ticket_id IN ({_USER_TICKETS})", mine
            )
            await conn.execute(
                f"DELETE FROM ticket_messages WHERE ticket_id IN ({_USER_TICKETS})", mine
            )
            # Card links stay: a reply to a redacted card should still find its tombstone.
            await conn.execute(
                f"DELETE FROM message_links WHERE role != 'card'"
                f" AND ticket_id IN ({_USER_TICKETS})",
                (channel, user_id),
            )
            await conn.execute(
                "UPDATE tickets SET user_id = NULL, chat_id = NULL, data = '{}',"
                " status = 'deleted', assignee_id = NULL, assignee_name = NULL, updated_at = ?,"
                " closed_at = ?, notice_version = NULL, notice_shown_at = NULL,"
                " requester_blocked = 0 WHERE channel = ? AND user_id = ? AND status != 'deleted'",
                (ts(now), ts(now), channel, user_id),
            )
            for row in before:
                await insert_event(conn, row["id"], "deleted", now, new_status="deleted")
        self._drafts.wrote((channel, user_id), None)
        tickets = [rows.ticket(row) for row in before]
        log.info("user data deleted: %d tickets became tombstones", len(tickets))
        return tickets

    async def tombstones(self) -> list[Ticket]:
        found = await self.db.fetchall(
            f"SELECT {rows.TICKET_COLUMNS} FROM tickets WHERE status = 'deleted' ORDER BY id"
        )
        return [rows.ticket(row) for row in found]

    async def counts(self, user_id: int, channel: str = "telegram") -> StoredCounts:
        """How many requests, questions to the team, drafts and logged questions the user has."""
        await self._questions.flush()
        async with self.db.read() as conn:
            by_type = await fetchall(
                conn,
                "SELECT type, COUNT(*) AS n FROM tickets"
                " WHERE channel = ? AND user_id = ? AND status != 'deleted'"
                " GROUP BY type",
                (channel, user_id),
            )
            drafts = await fetchall(
                conn, "SELECT COUNT(*) AS n FROM drafts WHERE channel = ? AND user_id = ?",
                (channel, user_id),
            )
            questions = await fetchall(
                conn, "SELECT COUNT(*) AS n FROM question_log WHERE channel = ? AND user_id = ?",
                (channel, user_id),
            )
        types = {row["type"]: int(row["n"]) for row in by_type}
        return StoredCounts(
            requests=types.get("request", 0),
            team_questions=types.get("question", 0),
            drafts=int(drafts[0]["n"]),
            questions=int(questions[0]["n"]),
        )

    async def delete_closed_before(
        self, cutoff: dt.datetime, now: dt.datetime | None = None
    ) -> int:
        """Retention: delete done tickets closed before cutoff, with history, messages, outbox;
        their messages in the team chat are queued for redaction first."""
        async with self.db.transaction() as conn:
            doomed = await fetchall(
                conn, "SELECT id FROM tickets WHERE status = 'done' AND closed_at < ?",
                (ts(cutoff),),
            )
            await redact_for_tickets(conn, [int(r["id"]) for r in doomed], now or cutoff)
            cursor = await conn.execute(
                "DELETE FROM tickets WHERE status = 'done' AND closed_at < ?", (ts(cutoff),)
            )
            count = cursor.rowcount
        if count:
            log.info("retention: %d closed tickets deleted", count)
        return count
