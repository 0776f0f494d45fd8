"""The reply flow between team and requester: which Telegram message belongs to which ticket,
and the texts passed in either direction (each also a line in the ticket's history)."""

from __future__ import annotations

import datetime as dt
import logging

from bot.storage import rows
from bot.storage.codec import parse_ts, ts
from bot.storage.db import Database, fetchone
from bot.storage.mail_jobs import insert_mail_job
from bot.storage.models import (
    Direction,
    LinkRole,
    Notification,
    RecentTeamMessage,
    TicketMessage,
)
from bot.storage.outbox import insert_outbox
from bot.storage.tickets import insert_event

log = logging.getLogger(__name__)

_EVENT_KIND: dict[str, str] = {"to_user": "message_to_user", "to_team": "message_to_team"}


class MessageRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def link(self, channel: str, chat_id: int, message_id: int, ticket_id: int,
                   role: LinkRole) -> None:
        """Remember that a message (card or forwarded copy) in a chat of ``channel`` belongs
        to a ticket."""
        await self.db.write(
            "INSERT OR REPLACE INTO message_links (channel, chat_id, message_id, ticket_id, role)"
            " VALUES (?, ?, ?, ?, ?)",
            (channel, chat_id, message_id, ticket_id, role),
        )

    async def ticket_for_message(self, channel: str, chat_id: int,
                                 message_id: int) -> int | None:
        """The ticket a replied-to message (in a chat of ``channel``) belongs to, or None."""
        value = await self.db.fetchval(
            "SELECT ticket_id FROM message_links WHERE channel = ? AND chat_id = ?"
            " AND message_id = ?",
            (channel, chat_id, message_id),
        )
        return None if value is None else int(value)

    async def add(
        self,
        ticket_id: int,
        direction: Direction,
        text: str,
        author_id: int | None,
        author_name: str | None,
        now: dt.datetime,
        notify: Notification | None = None,
    ) -> TicketMessage | None:
        """Store a passed message, its history line and (``notify``) the outbox row that passes
        it on (and its reply e-mail job, ``notify.mail``), in one transaction; touches the
        ticket's updated_at.

        Returns None and stores nothing when the ticket is gone or was erased on the user's
        request: the check and the writes are one transaction, so a reply that races the
        user's /loeschen can never leave their conversation behind.
        """
        if direction not in _EVENT_KIND:
            raise ValueError(f"unknown direction {direction!r}")
        async with self.db.transaction() as conn:
            live = await fetchone(
                conn, "SELECT 1 FROM tickets WHERE id = ? AND status != 'deleted'", (ticket_id,)
            )
            if live is None:
                log.info("ticket %d is deleted: message not stored", ticket_id)
                return None
            cursor = await conn.execute(
                "INSERT INTO ticket_messages (ticket_id, direction, text, author_id, author_name,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (ticket_id, direction, text, author_id, author_name, ts(now)),
            )
            assert cursor.lastrowid is not None
            message_id = cursor.lastrowid
            await insert_event(
                conn, ticket_id, _EVENT_KIND[direction], now,
                actor_id=author_id, actor_name=author_name, message_id=message_id,
            )
            await conn.execute(
                "UPDATE tickets SET updated_at = ? WHERE id = ?", (ts(now), ticket_id)
            )
            if notify is not None:
                await insert_outbox(conn, notify.kind, notify.chat_id, notify.payload, now,
                                    ticket_id, None, notify.channel)
                if notify.mail:
                    await insert_mail_job(conn, ticket_id, now)
            row = await fetchone(
                conn, f"SELECT {rows.MESSAGE_COLUMNS} FROM ticket_messages WHERE id = ?",
                (message_id,),
            )
        assert row is not None
        log.info("ticket %d message %d %s", ticket_id, message_id, direction)
        return rows.message(row)

    async def latest_to_user(self, channel: str, user_id: int,
                             since: dt.datetime) -> RecentTeamMessage | None:
        """The team's latest message since ``since`` to this requester about a live ticket."""
        row = await self.db.fetchone(
            "SELECT m.id, m.ticket_id, m.created_at, t.ref FROM ticket_messages m"
            " JOIN tickets t ON t.id = m.ticket_id"
            " WHERE t.channel = ? AND t.user_id = ? AND t.status != 'deleted'"
            " AND m.direction = 'to_user' AND m.created_at >= ? ORDER BY m.id DESC LIMIT 1",
            (channel, user_id, ts(since)),
        )
        if row is None:
            return None
        return RecentTeamMessage(int(row["ticket_id"]), str(row["ref"]), int(row["id"]),
                                 parse_ts(row["created_at"]))

    async def for_ticket(self, ticket_id: int) -> list[TicketMessage]:
        found = await self.db.fetchall(
            f"SELECT {rows.MESSAGE_COLUMNS} FROM ticket_messages WHERE ticket_id = ? ORDER BY id",
            (ticket_id,),
        )
        return [rows.message(row) for row in found]
