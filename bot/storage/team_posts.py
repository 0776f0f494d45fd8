"""Bot messages in the team chat that show a requester's data, and their redaction.

Cards are tracked on the ticket itself (card_chat_id/card_message_id) and re-rendered as a
tombstone. Everything else the bot posts there with personal data — /anfrage details, the
requester's relayed answers, /offen lists, digests, /unbeantwortet, exports — is recorded here
with the tickets or users it shows. When a requester erases their data (/loeschen) or retention
deletes a ticket, each such message gets an outbox row that edits it to a neutral note (or, for
files, deletes it); the tracking rows go in the same transaction. The outbox rows carry only
chat id, message id and mode, no personal data, and no ticket id (retention deletes the ticket,
and the outbox's foreign key would take the row with it).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import aiosqlite

from bot.storage.codec import ts
from bot.storage.db import Database, fetchall
from bot.storage.outbox import insert_outbox

log = logging.getLogger(__name__)

REDACT = "redact"  # the outbox kind the worker handles (bot/delivery/redaction.py)
Mode = Literal["edit", "delete"]
Reason = Literal["erased", "retention"]


@dataclass(frozen=True)
class PostRef:
    """What a team message shows: a ticket, or a user's question text without a ticket
    (the user by their channel and id)."""

    ticket_id: int | None = None
    user_id: int | None = None
    channel: str = "telegram"


async def _redact_messages(
    conn: aiosqlite.Connection, where: str, params: Sequence[object], reason: Reason,
    now: dt.datetime,
) -> int:
    """Queue a redaction for every message with a tracking row matching `where`, then drop
    all tracking rows of those messages (a message is redacted as a whole)."""
    found = await fetchall(
        conn,
        f"SELECT DISTINCT chat_id, message_id, mode FROM team_posts WHERE {where}",
        tuple(params),
    )
    for row in found:
        chat_id, message_id = int(row["chat_id"]), int(row["message_id"])
        await insert_outbox(
            conn, REDACT, chat_id,
            {"chat_id": chat_id, "message_id": message_id, "mode": row["mode"], "reason": reason},
            now,
        )
        await conn.execute(
            "DELETE FROM team_posts WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
        )
    return len(found)


async def redact_for_user(
    conn: aiosqlite.Connection, user_id: int, now: dt.datetime, channel: str = "telegram"
) -> int:
    """Inside /loeschen's transaction, before the tickets lose their user id."""
    count = await _redact_messages(
        conn,
        "(channel = ? AND user_id = ?)"
        " OR ticket_id IN (SELECT id FROM tickets WHERE channel = ? AND user_id = ?)",
        (channel, user_id, channel, user_id), "erased", now,
    )
    if count:
        log.info("%d team messages queued for redaction (erasure)", count)
    return count


async def redact_for_tickets(
    conn: aiosqlite.Connection, ticket_ids: Iterable[int], now: dt.datetime
) -> int:
    """Inside the retention transaction, before the tickets are deleted."""
    count = 0
    for ticket_id in ticket_ids:
        count += await _redact_messages(conn, "ticket_id = ?", (ticket_id,), "retention", now)
    if count:
        log.info("%d team messages queued for redaction (retention)", count)
    return count


async def redact_question_posts_before(
    conn: aiosqlite.Connection, cutoff: dt.datetime, now: dt.datetime
) -> int:
    """Question texts past the question log's retention leave the team chat with the log."""
    return await _redact_messages(
        conn, "ticket_id IS NULL AND created_at < ?", (ts(cutoff),), "retention", now
    )


class TeamPostRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self, chat_id: int, message_id: int, refs: Iterable[PostRef], now: dt.datetime,
        mode: Mode = "edit",
    ) -> None:
        """Remember a sent team message and what it shows.

        A ticket that was erased while the message was on its way (the send raced /loeschen)
        gets the message redacted at once instead of tracked.
        """
        unique = list(dict.fromkeys(r for r in refs if r.ticket_id or r.user_id))
        if not unique:
            return
        async with self.db.transaction() as conn:
            for ref in unique:
                await conn.execute(
                    "INSERT INTO team_posts (chat_id, message_id, mode, ticket_id, user_id,"
                    " created_at, channel) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (chat_id, message_id, mode, ref.ticket_id, ref.user_id, ts(now), ref.channel),
                )
            ticket_ids = [r.ticket_id for r in unique if r.ticket_id is not None]
            if ticket_ids:
                marks = ",".join("?" * len(ticket_ids))
                live = await fetchall(
                    conn,
                    f"SELECT id FROM tickets WHERE id IN ({marks}) AND status != 'deleted'",
                    tuple(ticket_ids),
                )
                if len(live) < len(set(ticket_ids)):
                    await _redact_messages(
                        conn, "chat_id = ? AND message_id = ?", (chat_id, message_id),
                        "erased", now,
                    )

    async def redact_questions_before(self, cutoff: dt.datetime, now: dt.datetime) -> int:
        async with self.db.transaction() as conn:
            return await redact_question_posts_before(conn, cutoff, now)

    async def count(self) -> int:
        value = await self.db.fetchval("SELECT COUNT(*) FROM team_posts")
        return int(value or 0)
