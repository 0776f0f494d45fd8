"""Durable notifications: rows written in the same transaction as the change they announce,
delivered later by the outbox worker (which retries and may deliver twice after a timeout)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Collection
from typing import Any

import aiosqlite

from bot.storage import rows
from bot.storage.codec import dump_json, parse_ts, ts
from bot.storage.db import Database
from bot.storage.models import OutboxItem

log = logging.getLogger(__name__)

_COLUMNS = rows.OUTBOX_COLUMNS
# The excluded ids travel as one JSON array parameter: no SQL built from values, no limit on
# the number of host parameters.
_NOT_EXCLUDED = "id NOT IN (SELECT value FROM json_each(?))"


def _ids(ids: Collection[int]) -> str:
    return json.dumps(sorted(int(i) for i in ids))


async def insert_outbox(
    conn: aiosqlite.Connection,
    kind: str,
    chat_id: int,
    payload: dict[str, Any],
    now: dt.datetime,
    ticket_id: int | None = None,
    due_at: dt.datetime | None = None,
    channel: str = "telegram",
) -> int:
    """Insert a pending row on a connection inside an open transaction; return its id.
    ``channel``: the door of ``chat_id`` (a web requester's number is no Telegram chat)."""
    cursor = await conn.execute(
        "INSERT INTO outbox (kind, ticket_id, chat_id, payload, status, attempts, due_at,"
        " created_at, channel) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)",
        (kind, ticket_id, chat_id, dump_json(payload), ts(due_at or now), ts(now), channel),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


class OutboxRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def enqueue(
        self,
        kind: str,
        chat_id: int,
        payload: dict[str, Any],
        now: dt.datetime,
        ticket_id: int | None = None,
        conn: aiosqlite.Connection | None = None,
        due_at: dt.datetime | None = None,
        channel: str = "telegram",
    ) -> int:
        """Queue a notification, due at `due_at` (default now); return the row id.

        Pass `conn` (the connection yielded by db.transaction()) to make the row part of that
        transaction; without it the row is written in a transaction of its own.
        """
        if conn is not None:
            item_id = await insert_outbox(conn, kind, chat_id, payload, now, ticket_id, due_at,
                                          channel)
        else:
            async with self.db.transaction() as own:
                item_id = await insert_outbox(own, kind, chat_id, payload, now, ticket_id,
                                              due_at, channel)
        log.debug("outbox %d queued kind=%s ticket=%s", item_id, kind, ticket_id)
        return item_id

    async def get(self, item_id: int) -> OutboxItem | None:
        row = await self.db.fetchone(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", (item_id,))
        return None if row is None else rows.outbox_item(row)

    async def due(self, now: dt.datetime, limit: int = 50,
                  exclude: Collection[int] = ()) -> list[OutboxItem]:
        """Pending rows due at or before now, oldest due first (ties by id).

        ``exclude``: ids the caller holds back (tried in this pass, or waiting in memory), so
        a batch full of held rows cannot hide the rows behind them.
        """
        found = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM outbox WHERE status = 'pending' AND due_at <= ?"
            f" AND {_NOT_EXCLUDED} ORDER BY due_at, id LIMIT ?",
            (ts(now), _ids(exclude), limit),
        )
        return [rows.outbox_item(row) for row in found]

    async def next_due_at(self, exclude: Collection[int] = ()) -> dt.datetime | None:
        """When the earliest pending row is due (for the worker's sleep), or None."""
        value = await self.db.fetchval(
            f"SELECT MIN(due_at) FROM outbox WHERE status = 'pending' AND {_NOT_EXCLUDED}",
            (_ids(exclude),),
        )
        return None if value is None else parse_ts(value)

    async def due_after(self, latest: dt.datetime) -> list[OutboxItem]:
        """Pending rows due later than ``latest`` (the worker looks for clock corrections)."""
        found = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM outbox WHERE status = 'pending' AND due_at > ?"
            " ORDER BY id", (ts(latest),))
        return [rows.outbox_item(row) for row in found]

    async def set_due(self, item_id: int, due_at: dt.datetime) -> None:
        """Move a pending row's next try (attempts and error unchanged)."""
        await self.db.write(
            "UPDATE outbox SET due_at = ? WHERE id = ? AND status = 'pending'",
            (ts(due_at), item_id),
        )

    async def mark_sent(
        self, item_id: int, now: dt.datetime, result: dict[str, Any] | None = None
    ) -> None:
        """Delivered; result holds what the caller needs later (e.g. {'message_id': 42})."""
        await self.db.write(
            "UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?,"
            " result = ?, last_error = NULL WHERE id = ?",
            (ts(now), None if result is None else dump_json(result), item_id),
        )
        log.debug("outbox %d sent", item_id)

    async def reschedule(self, item_id: int, due_at: dt.datetime, error: str) -> None:
        """A failed try that is worth repeating at due_at. `error` must hold no personal data."""
        await self.db.write(
            "UPDATE outbox SET attempts = attempts + 1, due_at = ?, last_error = ?"
            " WHERE id = ? AND status = 'pending'",
            (ts(due_at), error, item_id),
        )
        log.info("outbox %d rescheduled", item_id)

    async def mark_failed(self, item_id: int, error: str, now: dt.datetime) -> None:
        """Give up on the row (permanent error or too many tries)."""
        await self.db.write(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?,"
            " sent_at = NULL, due_at = ? WHERE id = ?",
            (error, ts(now), item_id),
        )
        log.warning("outbox %d failed", item_id)

    async def pending_count(self) -> int:
        value = await self.db.fetchval("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
        return int(value)

    async def for_ticket(self, ticket_id: int) -> list[OutboxItem]:
        found = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM outbox WHERE ticket_id = ? ORDER BY id", (ticket_id,)
        )
        return [rows.outbox_item(row) for row in found]

    async def failed_tickets(self, ticket_ids: Collection[int]) -> set[int]:
        """Which of these tickets have a notification the worker gave up on: one statement for
        all of them (/offen and the digest list every open ticket)."""
        found = await self.db.fetchall(
            "SELECT DISTINCT ticket_id FROM outbox WHERE status = 'failed'"
            " AND ticket_id IN (SELECT value FROM json_each(?))",
            (_ids(ticket_ids),),
        )
        return {int(row["ticket_id"]) for row in found}

    async def delete_delivered_before(self, cutoff: dt.datetime) -> int:
        """Delete finished rows: sent before cutoff, and failed ones given up before cutoff.

        Failed rows are included because their payload may hold personal data too.
        """
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM outbox WHERE (status = 'sent' AND sent_at < ?)"
                " OR (status = 'failed' AND due_at < ?)",
                (ts(cutoff), ts(cutoff)),
            )
            count = cursor.rowcount
        if count:
            log.info("%d delivered outbox rows deleted", count)
        return count

    async def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> int:
        """Point pending rows of a group that became a supergroup at its new id."""
        async with self.db.transaction() as conn:
            return await migrate_outbox_chat(conn, old_chat_id, new_chat_id)


async def migrate_outbox_chat(
    conn: aiosqlite.Connection, old_chat_id: int, new_chat_id: int
) -> int:
    """Move pending rows (and the chat_id in their payload) inside the caller's transaction."""
    # Only a Telegram group migrates: a web user's row with the same number stays theirs.
    cursor = await conn.execute(
        "UPDATE outbox SET chat_id = ? WHERE channel = 'telegram' AND chat_id = ?"
        " AND status = 'pending'",
        (new_chat_id, old_chat_id),
    )
    # The payload carries chat_id too (the lead's payloads do); keep both in step.
    await conn.execute(
        "UPDATE outbox SET payload = json_set(payload, '$.chat_id', ?)"
        " WHERE channel = 'telegram' AND chat_id = ? AND status = 'pending'"
        " AND json_extract(payload, '$.chat_id') = ?",
        (new_chat_id, new_chat_id, old_chat_id),
    )
    return cursor.rowcount

