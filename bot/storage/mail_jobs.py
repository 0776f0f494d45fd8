"""The reply e-mails waiting to be sent (table mail_jobs): which ticket, how often tried, when next.

A job is written in the transaction that stores the team reply it announces
(MessageRepo.add), so a crash can lose neither; the worker (bot.delivery.mail_worker) deletes
it once the mail went out and marks it 'failed' when it gives up. Nothing personal is stored:
the address is read from the ticket when sending.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import aiosqlite

from bot.storage.codec import parse_ts, ts
from bot.storage.db import Database

_COLUMNS = "id, ticket_id, attempts, next_at"


@dataclass(frozen=True)
class MailJob:
    id: int
    ticket_id: int
    attempts: int  # tries made so far
    next_at: dt.datetime


async def insert_mail_job(conn: aiosqlite.Connection, ticket_id: int, now: dt.datetime) -> None:
    """Queue the reply mail for a ticket whose requester left an e-mail address, inside the
    caller's transaction. A ticket with a pending job keeps that one (one mail says it all)."""
    await conn.execute(
        "INSERT OR IGNORE INTO mail_jobs (ticket_id, attempts, next_at, state)"
        " SELECT id, 0, ?, 'pending' FROM tickets WHERE id = ?"
        " AND COALESCE(json_extract(data, '$.email'), '') != ''",
        (ts(now), ticket_id),
    )


class MailJobRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def due(self, now: dt.datetime, latest: dt.datetime | None = None,
                  limit: int = 20) -> list[MailJob]:
        """Pending jobs due at ``now``, and those due after ``latest`` (no retry is planned that
        far ahead: the wall clock was set back since, and they would wait for its old time)."""
        found = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM mail_jobs WHERE state = 'pending'"
            " AND (next_at <= ? OR next_at > ?) ORDER BY next_at, id LIMIT ?",
            (ts(now), ts(latest or dt.datetime.max.replace(tzinfo=dt.UTC)), limit),
        )
        return [MailJob(int(r["id"]), int(r["ticket_id"]), int(r["attempts"]),
                        parse_ts(r["next_at"])) for r in found]

    async def next_at(self) -> dt.datetime | None:
        """When the earliest pending job is due (None: nothing pending)."""
        value = await self.db.fetchval(
            "SELECT MIN(next_at) FROM mail_jobs WHERE state = 'pending'")
        return None if value is None else parse_ts(value)

    async def done(self, job_id: int) -> None:
        """Sent, or nothing to send any more: the job is gone."""
        await self.db.write("DELETE FROM mail_jobs WHERE id = ?", (job_id,))

    async def retry(self, job_id: int, attempts: int, next_at: dt.datetime) -> None:
        await self.db.write(
            "UPDATE mail_jobs SET attempts = ?, next_at = ? WHERE id = ? AND state = 'pending'",
            (attempts, ts(next_at), job_id),
        )

    async def give_up(self, job_id: int, attempts: int) -> None:
        await self.db.write(
            "UPDATE mail_jobs SET attempts = ?, state = 'failed' WHERE id = ?",
            (attempts, job_id),
        )
