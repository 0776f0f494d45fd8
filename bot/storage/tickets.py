"""Requests and question tickets in one table: both get a team card and the same reply flow.

Every change is one transaction that also writes the ticket's history (ticket_events) and, where
something must be announced, an outbox row — so a crash never leaves a ticket without its card.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from bot.localtime import DEFAULT_ZONE, local
from bot.storage import rows
from bot.storage.codec import dump_json, parse_ts, ts, ts_or_none
from bot.storage.db import Database, fetchone
from bot.storage.draft_cache import DraftCache
from bot.storage.models import Draft, Ticket, TicketEvent, TicketType
from bot.storage.outbox import insert_outbox, migrate_outbox_chat
from bot.storage.request_links import insert_link

log = logging.getLogger(__name__)

REF_PREFIX: dict[str, str] = {"request": "A", "question": "F"}
# Statuses change_status() may set; 'deleted' is reserved to the privacy deletion.
SETTABLE_STATUSES = frozenset({"open", "taken", "done"})
CARD_KIND = "card"

# The card payload, or a function building it from the new ticket (which knows its ref).
CardPayload = dict[str, Any] | Callable[[Ticket], dict[str, Any]]

_SELECT = f"SELECT {rows.TICKET_COLUMNS} FROM tickets"


async def insert_event(
    conn: aiosqlite.Connection,
    ticket_id: int,
    kind: str,
    now: dt.datetime,
    *,
    old_status: str | None = None,
    new_status: str | None = None,
    actor_id: int | None = None,
    actor_name: str | None = None,
    message_id: int | None = None,
) -> int:
    """Append a history line to a ticket, inside the caller's transaction."""
    cursor = await conn.execute(
        "INSERT INTO ticket_events (ticket_id, kind, old_status, new_status, actor_id,"
        " actor_name, message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (ticket_id, kind, old_status, new_status, actor_id, actor_name, message_id, ts(now)),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def _allocate_ref(
    conn: aiosqlite.Connection, ticket_type: str, now: dt.datetime, zone: ZoneInfo
) -> str:
    """Next reference of this type in now's year in the operator's zone (the year the card's
    date shows), e.g. A-2026-0007; never reused."""
    year = local(now, zone).year
    row = await fetchone(
        conn,
        "INSERT INTO ref_counters (type, year, last) VALUES (?, ?, 1)"
        " ON CONFLICT (type, year) DO UPDATE SET last = last + 1 RETURNING last",
        (ticket_type, year),
    )
    assert row is not None
    return f"{REF_PREFIX[ticket_type]}-{year}-{int(row[0]):04d}"


async def _load(conn: aiosqlite.Connection, ticket_id: int) -> Ticket:
    row = await fetchone(conn, f"{_SELECT} WHERE id = ?", (ticket_id,))
    assert row is not None
    return rows.ticket(row)


async def _create(
    conn: aiosqlite.Connection,
    *,
    ticket_type: TicketType,
    user_id: int,
    chat_id: int,
    data: dict[str, Any],
    now: dt.datetime,
    zone: ZoneInfo,
    card_outbox: CardPayload,
    notice_version: str | None = None,
    notice_shown_at: dt.datetime | None = None,
    draft_id: int | None = None,
    question_log_id: int | None = None,
    channel: str = "telegram",
) -> Ticket:
    ref = await _allocate_ref(conn, ticket_type, now, zone)
    cursor = await conn.execute(
        "INSERT INTO tickets (ref, type, user_id, chat_id, data, status, created_at, updated_at,"
        " notice_version, notice_shown_at, draft_id, question_log_id, channel)"
        " VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?)",
        (
            ref,
            ticket_type,
            user_id,
            chat_id,
            dump_json(data),
            ts(now),
            ts(now),
            notice_version,
            ts_or_none(notice_shown_at),
            draft_id,
            question_log_id,
            channel,
        ),
    )
    assert cursor.lastrowid is not None
    ticket = await _load(conn, cursor.lastrowid)
    await insert_event(conn, ticket.id, "submitted", now, new_status="open", actor_id=user_id)
    payload = card_outbox(ticket) if callable(card_outbox) else card_outbox
    card_chat = payload.get("chat_id")
    if not isinstance(card_chat, int):
        # Raised inside the transaction: the ticket is rolled back rather than left without card.
        raise ValueError("card_outbox needs an integer 'chat_id' (the team chat)")
    await insert_outbox(conn, CARD_KIND, card_chat, payload, now, ticket.id)
    return ticket


class TicketRepo:
    def __init__(self, db: Database, drafts: DraftCache, zone: ZoneInfo = DEFAULT_ZONE) -> None:
        self.db = db
        self._drafts = drafts  # submitting deletes the draft
        self.zone = zone  # the operator's: the year in references, the month in statistics

    # -- creating ------------------------------------------------------------------------------

    async def submit_request(
        self, draft: Draft, data: dict[str, Any], now: dt.datetime, card_outbox: CardPayload,
        link_token: str | None = None,
    ) -> tuple[Ticket, bool]:
        """Turn a confirmed draft into a request: ticket, history, card outbox row, draft gone,
        and with ``link_token`` the private link to the request's page (request_links).

        All in one transaction. Idempotent per draft: if this draft was submitted already,
        returns (that ticket, False) and writes nothing; otherwise (new ticket, True).
        card_outbox must contain 'chat_id' (the team chat); it may also be a function that
        builds the payload from the new ticket (to put its ref on the card).
        """
        async with self.db.transaction() as conn:
            existing = await fetchone(conn, f"{_SELECT} WHERE draft_id = ?", (draft.id,))
            if existing is not None:
                return rows.ticket(existing), False
            ticket = await _create(
                conn,
                ticket_type="request",
                user_id=draft.user_id,
                chat_id=draft.chat_id,
                data=data,
                now=now,
                zone=self.zone,
                card_outbox=card_outbox,
                notice_version=draft.notice_version,
                notice_shown_at=draft.notice_shown_at,
                draft_id=draft.id,
                channel=draft.channel,
            )
            if link_token is not None:
                await insert_link(conn, link_token, ticket.id, now)
            await conn.execute("DELETE FROM drafts WHERE id = ?", (draft.id,))
        self._drafts.wrote((draft.channel, draft.user_id), None)
        log.info("ticket %d submitted from draft %d", ticket.id, draft.id)
        return ticket, True

    async def create_question(
        self,
        user_id: int,
        chat_id: int,
        text: str,
        now: dt.datetime,
        card_outbox: CardPayload,
        question_id: int | None = None,
        channel: str = "telegram",
    ) -> Ticket:
        """A question for the team (ref F-…), with history and card outbox row, in one transaction.

        With question_id (the question log row behind the "an das Team" button) it is idempotent:
        a second call returns the ticket created by the first (compare created_at to tell).
        """
        async with self.db.transaction() as conn:
            if question_id is not None:
                existing = await fetchone(
                    conn, f"{_SELECT} WHERE question_log_id = ?", (question_id,)
                )
                if existing is not None:
                    return rows.ticket(existing)
            ticket = await _create(
                conn,
                ticket_type="question",
                user_id=user_id,
                chat_id=chat_id,
                data={"text": text},
                now=now,
                zone=self.zone,
                card_outbox=card_outbox,
                question_log_id=question_id,
                channel=channel,
            )
        log.info("question ticket %d created", ticket.id)
        return ticket

    # -- reading -------------------------------------------------------------------------------

    async def get(self, ticket_id: int) -> Ticket | None:
        row = await self.db.fetchone(f"{_SELECT} WHERE id = ?", (ticket_id,))
        return None if row is None else rows.ticket(row)

    async def get_by_ref(self, ref: str) -> Ticket | None:
        row = await self.db.fetchone(f"{_SELECT} WHERE ref = ?", (ref.strip().upper(),))
        return None if row is None else rows.ticket(row)

    async def get_by_draft(self, draft_id: int) -> Ticket | None:
        """The ticket a draft became (to answer a second "Absenden" press)."""
        row = await self.db.fetchone(f"{_SELECT} WHERE draft_id = ?", (draft_id,))
        return None if row is None else rows.ticket(row)

    async def list_open(self) -> list[Ticket]:
        """Open and taken tickets, oldest first."""
        # The WHERE clause must match the partial index tickets_open literally.
        found = await self.db.fetchall(
            f"{_SELECT} WHERE status IN ('open', 'taken') ORDER BY created_at, id"
        )
        return [rows.ticket(row) for row in found]

    async def list_for_user(self, channel: str, user_id: int) -> list[Ticket]:
        """All tickets of a user (of that channel), newest first."""
        found = await self.db.fetchall(
            f"{_SELECT} WHERE channel = ? AND user_id = ? ORDER BY created_at DESC, id DESC",
            (channel, user_id),
        )
        return [rows.ticket(row) for row in found]

    async def count_open_for_user(
        self, user_id: int, ticket_type: str | None = None, channel: str = "telegram"
    ) -> int:
        """Open or taken tickets of the user (of one type if given), for the per-user limit."""
        value = await self.db.fetchval(
            "SELECT COUNT(*) FROM tickets WHERE channel = ? AND user_id = ?"
            " AND status IN ('open', 'taken') AND (? IS NULL OR type = ?)",
            (channel, user_id, ticket_type, ticket_type),
        )
        return int(value)

    async def all_for_export(self) -> list[Ticket]:
        """Every ticket except tombstones, oldest first (for the team's export)."""
        found = await self.db.fetchall(f"{_SELECT} WHERE status != 'deleted' ORDER BY id")
        return [rows.ticket(row) for row in found]

    async def open_older_than(self, now: dt.datetime, days: int) -> list[Ticket]:
        """Open or taken tickets created at least `days` days before now (for the digest)."""
        found = await self.db.fetchall(
            f"{_SELECT} WHERE status IN ('open', 'taken') AND created_at <= ?"
            " ORDER BY created_at, id",
            (ts(now - dt.timedelta(days=days)),),
        )
        return [rows.ticket(row) for row in found]

    async def events(self, ticket_id: int) -> list[TicketEvent]:
        """The ticket's history, oldest first."""
        found = await self.db.fetchall(
            f"SELECT {rows.EVENT_COLUMNS} FROM ticket_events WHERE ticket_id = ? ORDER BY id",
            (ticket_id,),
        )
        return [rows.event(row) for row in found]

    async def stats(self) -> dict[str, Any]:
        """Counts for the team: total, by type, by request kind, by status, by month (local)."""
        async with self.db.read() as conn:
            # Under one lock hold, so that all counts describe the same moment.
            total = await fetchone(conn, "SELECT COUNT(*) FROM tickets WHERE status != 'deleted'")
            by_type = await _counts(
                conn, "SELECT type, COUNT(*) FROM tickets WHERE status != 'deleted' GROUP BY type"
            )
            by_kind = await _counts(
                conn,
                "SELECT COALESCE(json_extract(data, '$.kind'), '?'), COUNT(*) FROM tickets"
                " WHERE type = 'request' AND status != 'deleted' GROUP BY 1",
            )
            by_status = await _counts(conn, "SELECT status, COUNT(*) FROM tickets GROUP BY status")
            # Grouped by UTC minute in SQL, then by local month here: the month boundary is
            # the operator's (zone offsets are whole minutes), so a ticket counts in the month
            # its reference year and card date name.
            by_minute = await _counts(
                conn, "SELECT substr(created_at, 1, 16), COUNT(*) FROM tickets GROUP BY 1"
            )
        by_month: dict[str, int] = {}
        for minute, count in by_minute.items():
            month = local(parse_ts(f"{minute}:00+00:00"), self.zone).strftime("%Y-%m")
            by_month[month] = by_month.get(month, 0) + count
        return {
            "total": int(total[0]) if total else 0,
            "by_type": by_type,
            "by_kind": by_kind,
            "by_status": by_status,
            "by_month": by_month,
        }

    # -- changing ------------------------------------------------------------------------------

    async def change_status(
        self,
        ticket_id: int,
        expected: Collection[str],
        new: str,
        actor_id: int | None,
        actor_name: str | None,
        now: dt.datetime,
    ) -> Ticket | None:
        """Set the status only if the current one is in `expected`; None otherwise.

        So two team members pressing "Übernehmen" at once: the first wins, the second gets None
        and is told. 'taken' assigns the actor, 'open' clears the assignee, 'done' keeps it
        (or assigns the actor if nobody had taken it) and sets closed_at.
        """
        if new not in SETTABLE_STATUSES:
            raise ValueError(f"status {new!r} cannot be set here")
        async with self.db.transaction() as conn:
            row = await fetchone(
                conn, "SELECT status, assignee_id, assignee_name FROM tickets WHERE id = ?",
                (ticket_id,),
            )
            if row is None or row["status"] not in expected:
                return None
            old = row["status"]
            assignee: tuple[int | None, str | None]
            if new == "taken":
                assignee = (actor_id, actor_name)
            elif new == "open":
                assignee = (None, None)
            elif row["assignee_id"] is None:
                assignee = (actor_id, actor_name)
            else:
                assignee = (row["assignee_id"], row["assignee_name"])
            await conn.execute(
                "UPDATE tickets SET status = ?, assignee_id = ?, assignee_name = ?,"
                " updated_at = ?, closed_at = ? WHERE id = ?",
                (new, *assignee, ts(now), ts(now) if new == "done" else None, ticket_id),
            )
            await insert_event(
                conn, ticket_id, "status", now, old_status=old, new_status=new,
                actor_id=actor_id, actor_name=actor_name,
            )
            ticket = await _load(conn, ticket_id)
        log.info("ticket %d status %s -> %s by %s", ticket_id, old, new, actor_id)
        return ticket

    async def set_card(self, ticket_id: int, chat_id: int, message_id: int) -> None:
        """Remember where the team card is, and link that message to the ticket (role 'card').
        The team chat is Telegram's, whatever door the request came through."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE tickets SET card_chat_id = ?, card_message_id = ? WHERE id = ?",
                (chat_id, message_id, ticket_id),
            )
            await conn.execute(
                "INSERT OR REPLACE INTO message_links (channel, chat_id, message_id, ticket_id,"
                " role) VALUES ('telegram', ?, ?, ?, 'card')",
                (chat_id, message_id, ticket_id),
            )

    async def mark_requester_blocked(
        self, *, ticket_id: int | None = None, user: tuple[str, int] | None = None
    ) -> int:
        """Flag that the requester blocked the bot: one ticket, or all tickets of a user
        (``user``: their channel and id). Returns how many tickets were newly flagged.
        """
        if (ticket_id is None) == (user is None):
            raise ValueError("pass exactly one of ticket_id or user")
        channel, user_id = user if user is not None else (None, None)
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE tickets SET requester_blocked = 1 WHERE requester_blocked = 0"
                " AND (id = ? OR (channel = ? AND user_id = ?))",
                (ticket_id, channel, user_id),
            )
            return cursor.rowcount

    async def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> int:
        """The team group became a supergroup: move card positions and pending outbox rows."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE tickets SET card_chat_id = ? WHERE card_chat_id = ?",
                (new_chat_id, old_chat_id),
            )
            moved = cursor.rowcount
            # Tracked team messages move with the cards, so their redaction finds them.
            await conn.execute(
                "UPDATE team_posts SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
            )
            await migrate_outbox_chat(conn, old_chat_id, new_chat_id)
        log.info("chat migrated: %d ticket cards moved", moved)
        return moved


async def _counts(conn: aiosqlite.Connection, sql: str) -> dict[str, int]:
    async with conn.execute(sql) as cursor:
        return {str(key): int(count) for key, count in await cursor.fetchall()}
