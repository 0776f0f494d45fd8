"""Private links to a web request's page: random tokens, stored only as their hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

import aiosqlite

from bot.storage.codec import ts
from bot.storage.db import Database

_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # 32 random bytes (256 bit), URL-safe base64
_INSERT = "INSERT INTO request_links (token_hash, ticket_id, created_at) VALUES (?, ?, ?)"


def _hash(token: str) -> str:
    return hashlib.sha256(b"request-link:" + token.encode("ascii")).hexdigest()


def valid_link_token(token: str) -> bool:
    return _TOKEN.fullmatch(token) is not None


def new_link_token() -> str:
    """A new token; the caller shows it once and never logs it."""
    return secrets.token_urlsafe(32)


async def insert_link(
    conn: aiosqlite.Connection, token: str, ticket_id: int, now: dt.datetime
) -> None:
    """Store the token's hash for the ticket, inside the caller's transaction (the submit's,
    so a request never exists without its link)."""
    await conn.execute(_INSERT, (_hash(token), ticket_id, ts(now)))


class RequestLinkRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, ticket_id: int, now: dt.datetime) -> str:
        """A new token for the ticket's page; the caller shows it once and never logs it."""
        token = new_link_token()
        await self.db.write(_INSERT, (_hash(token), ticket_id, ts(now)))
        return token

    async def ticket_id(self, token: str) -> int | None:
        """The ticket the token opens; None for unknown, malformed or erased ones."""
        if not valid_link_token(token):
            return None
        row = await self.db.fetchone(
            "SELECT l.ticket_id FROM request_links l JOIN tickets t ON t.id = l.ticket_id"
            " WHERE l.token_hash = ? AND t.status != 'deleted' AND t.user_id IS NOT NULL",
            (_hash(token),),
        )
        return None if row is None else int(row["ticket_id"])
