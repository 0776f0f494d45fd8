"""The request-dialogue draft: one per user, saved on every step, expiring after a TTL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from bot.storage import rows
from bot.storage.codec import dump_json, ts, ts_or_none
from bot.storage.db import Database, fetchone
from bot.storage.draft_cache import DraftCache
from bot.storage.models import Draft

log = logging.getLogger(__name__)

_COLUMNS = rows.DRAFT_COLUMNS


class DraftRepo:
    def __init__(self, db: Database, cache: DraftCache) -> None:
        self.db = db
        self.cache = cache

    async def get(self, user_id: int, channel: str = "telegram") -> Draft | None:
        """The user's current draft, expired or not (callers check expires_at or purge first)."""
        key = (channel, user_id)
        known, draft = self.cache.lookup(key)
        if known:
            return draft
        epoch = self.cache.epoch
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM drafts WHERE channel = ? AND user_id = ?", key
        )
        draft = None if row is None else rows.draft(row)
        self.cache.read(key, draft, epoch)
        return draft

    async def get_by_id(self, draft_id: int) -> Draft | None:
        row = await self.db.fetchone(f"SELECT {_COLUMNS} FROM drafts WHERE id = ?", (draft_id,))
        return None if row is None else rows.draft(row)

    async def create(
        self, user_id: int, chat_id: int, step: str, now: dt.datetime, ttl: dt.timedelta,
        channel: str = "telegram",
    ) -> Draft:
        """Start a new draft for the user, replacing any old one (which gets a new id)."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM drafts WHERE channel = ? AND user_id = ?", (channel, user_id)
            )
            cursor = await conn.execute(
                "INSERT INTO drafts (channel, user_id, chat_id, step, data, rev, created_at,"
                " updated_at, expires_at) VALUES (?, ?, ?, ?, '{}', 0, ?, ?, ?)",
                (channel, user_id, chat_id, step, ts(now), ts(now), ts(now + ttl)),
            )
            row = await fetchone(
                conn, f"SELECT {_COLUMNS} FROM drafts WHERE id = ?", (cursor.lastrowid,)
            )
        assert row is not None
        created = rows.draft(row)
        self.cache.wrote((channel, user_id), created)
        log.info("draft %d created", created.id)
        return created

    async def save(
        self, draft: Draft, now: dt.datetime, ttl: dt.timedelta | None = None
    ) -> Draft | None:
        """Store the draft's fields if nobody saved it since it was read (optimistic locking).

        Returns the stored draft with rev + 1 and updated_at = now, or None on a conflict (the
        draft was saved, replaced or deleted meanwhile: re-read it and show the current step).
        With ttl, the expiry moves to now + ttl and the reminder is re-armed; without it,
        reminded_at is left as stored (mark_reminded does not bump rev, so an object read before
        the reminder must not clear it).
        """
        if ttl is not None:
            draft = dataclasses.replace(draft, expires_at=now + ttl, reminded_at=None)
        written = await self.db.write(
            "UPDATE drafts SET chat_id = ?, step = ?, data = ?, rev = rev + 1, updated_at = ?,"
            " expires_at = ?, reminded_at = CASE WHEN ? THEN NULL ELSE reminded_at END,"
            " notice_shown_at = ?, notice_version = ?,"
            " return_to_summary = ? WHERE id = ? AND rev = ?",
            (
                draft.chat_id,
                draft.step,
                dump_json(draft.data),
                ts(now),
                ts(draft.expires_at),
                ttl is not None,
                ts_or_none(draft.notice_shown_at),
                draft.notice_version,
                int(draft.return_to_summary),
                draft.id,
                draft.rev,
            ),
        )
        if written.rowcount != 1:
            log.info("draft %d save conflict at rev %d", draft.id, draft.rev)
            self.cache.forget((draft.channel, draft.user_id))
            return None
        saved = dataclasses.replace(draft, rev=draft.rev + 1, updated_at=now)
        if ttl is None:
            # reminded_at is as stored, which a reminder may have set meanwhile: not known here.
            self.cache.forget((draft.channel, draft.user_id))
        else:
            self.cache.wrote((draft.channel, draft.user_id), saved)
        return saved

    async def delete(self, user_id: int, channel: str = "telegram") -> bool:
        """Delete the user's draft; True if there was one."""
        written = await self.db.write(
            "DELETE FROM drafts WHERE channel = ? AND user_id = ?", (channel, user_id)
        )
        self.cache.wrote((channel, user_id), None)
        return written.rowcount > 0

    async def expired(self, now: dt.datetime) -> list[Draft]:
        found = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM drafts WHERE expires_at <= ? ORDER BY expires_at", (ts(now),)
        )
        return [rows.draft(row) for row in found]

    async def due_reminders(self, now: dt.datetime, before: dt.timedelta) -> list[Draft]:
        """Drafts not yet reminded that expire within `before` (and have not expired yet)."""
        found = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM drafts WHERE reminded_at IS NULL"
            " AND expires_at > ? AND expires_at <= ? ORDER BY expires_at",
            (ts(now), ts(now + before)),
        )
        return [rows.draft(row) for row in found]

    async def mark_reminded(self, draft_id: int, now: dt.datetime) -> None:
        """Record the reminder; does not change rev, so the user's open buttons stay valid."""
        await self.db.write("UPDATE drafts SET reminded_at = ? WHERE id = ?", (ts(now), draft_id))
        self.cache.clear()  # keyed by user, not draft id; reminders are rare

    async def take_expired(self, now: dt.datetime) -> list[Draft]:
        """Delete the drafts expired by `now` and return them. One statement, so a draft is
        returned to exactly one caller (its owner is told once) and never one saved again."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                f"DELETE FROM drafts WHERE expires_at <= ? RETURNING {_COLUMNS}", (ts(now),)
            )
            found = await cursor.fetchall()
        self.cache.clear()
        return [rows.draft(row) for row in found]

    async def delete_expired(self, now: dt.datetime) -> int:
        async with self.db.transaction() as conn:
            cursor = await conn.execute("DELETE FROM drafts WHERE expires_at <= ?", (ts(now),))
            count = cursor.rowcount
        self.cache.clear()
        if count:
            log.info("%d expired drafts deleted", count)
        return count
