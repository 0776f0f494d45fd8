"""The migration to users keyed by channel keeps every stored Telegram user's data."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from bot.storage import Storage
from bot.storage.migrations import MIGRATIONS, SCHEMA_VERSION_TABLE

PREVIOUS = 4  # the schema version before users were keyed by channel
USER, OTHER = 4242, 777


def previous_schema_with_data(path: Path) -> None:
    """A database as the bot left it at schema version 4, with two users' data in it."""
    now = dt.datetime.now(dt.UTC).isoformat()
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat()
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA_VERSION_TABLE)
    for number, script in enumerate(MIGRATIONS[:PREVIOUS], start=1):
        conn.executescript(script)
        conn.execute("INSERT INTO schema_version VALUES (?, ?)", (number, now))
    for uid, draft_id in ((USER, 7), (OTHER, 8)):
        conn.execute(
            "INSERT INTO drafts (id, user_id, chat_id, step, data, created_at, updated_at,"
            " expires_at) VALUES (?, ?, ?, 'organisation', '{\"kind\": \"beratung\"}', ?, ?, ?)",
            (draft_id, uid, uid, now, now, later))
    # Drafts up to id 30 existed and are gone: their ids are in old buttons.
    conn.execute("UPDATE sqlite_sequence SET seq = 30 WHERE name = 'drafts'")
    conn.execute(
        "INSERT INTO tickets (ref, type, user_id, chat_id, data, status, created_at, updated_at)"
        " VALUES ('A-2025-0001', 'request', ?, ?, '{\"organisation\": \"Musterdorf\"}', 'open',"
        " ?, ?)", (USER, USER, now, now))
    conn.execute(
        "INSERT INTO question_log (user_id, text, normalized, band, created_at)"
        " VALUES (?, 'Was kostet das?', 'was kostet das?', 'answer', ?)", (USER, now))
    conn.execute(
        "INSERT INTO answer_feedback (user_id, chat_id, message_id, entry_id, vote, created_at)"
        " VALUES (?, ?, 5, 'kosten', 'up', ?)", (USER, USER, now))
    conn.execute(
        "INSERT INTO team_posts (chat_id, message_id, mode, user_id, created_at)"
        " VALUES (-100, 9, 'edit', ?, ?)", (USER, now))
    conn.commit()
    conn.close()


async def test_telegram_users_keep_everything_after_the_migration(tmp_path: Path) -> None:
    """After migrating, every row of the Telegram users is theirs under channel 'telegram':
    drafts (same ids), requests, questions, votes; draft ids are never reused; erasure still
    finds everything of the user and nothing of the other."""
    path = tmp_path / "bot.sqlite"
    previous_schema_with_data(path)
    storage = await Storage.open(path)
    try:
        version = await storage.db.fetchval("SELECT MAX(version) FROM schema_version")
        assert version == len(MIGRATIONS)
        draft = await storage.drafts.get(USER, "telegram")
        assert draft is not None and draft.id == 7 and draft.channel == "telegram"
        assert draft.data == {"kind": "beratung"}
        assert await storage.drafts.get(USER, "web") is None
        [ticket] = await storage.tickets.list_for_user("telegram", USER)
        assert ticket.channel == "telegram" and ticket.data["organisation"] == "Musterdorf"
        counts = await storage.privacy.counts(USER, "telegram")
        assert (counts.requests, counts.drafts, counts.questions) == (1, 1, 1)
        exported = await storage.privacy.export_user(USER)
        assert len(exported["feedback"]) == 1
        now = dt.datetime.now(dt.UTC)
        fresh = await storage.drafts.create(999, 999, "kind", now, dt.timedelta(days=1))
        assert fresh.id > 30, "a draft id of an old button is never handed out again"
        # One draft per channel and user: the same number may start one in the web door.
        web = await storage.drafts.create(USER, USER, "kind", now, dt.timedelta(days=1), "web")
        assert web.channel == "web" and (await storage.drafts.get(USER)) == draft
        await storage.privacy.delete_user(USER, now)
        assert not (await storage.privacy.counts(USER)).anything
        assert await storage.drafts.get(OTHER) is not None
        assert await storage.drafts.get(USER, "web") is not None
    finally:
        await storage.close()
