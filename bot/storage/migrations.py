"""Numbered schema migrations: MIGRATIONS[i] brings the schema from version i to i + 1.

Append new scripts at the end; never edit a script that has shipped. Each script runs in one
transaction together with the row that records its version in `schema_version`, so a crash leaves
the schema either before or after a migration, never half-way.
"""

from __future__ import annotations

import datetime as dt
import logging

import aiosqlite

from bot.storage.codec import ts

log = logging.getLogger(__name__)

SCHEMA_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    version    INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL
)
"""

# Version 1: the whole initial schema.
# AUTOINCREMENT on drafts and tickets: ids are never reused, because callback buttons carry draft
# and ticket ids and tickets.draft_id makes submitting idempotent — a reused id would break both.
_V1 = """
CREATE TABLE drafts (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id           INTEGER NOT NULL UNIQUE,
    chat_id           INTEGER NOT NULL,
    step              TEXT    NOT NULL,
    data              TEXT    NOT NULL DEFAULT '{}',
    rev               INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    expires_at        TEXT    NOT NULL,
    reminded_at       TEXT,
    notice_shown_at   TEXT,
    notice_version    TEXT,
    return_to_summary INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX drafts_expires_at ON drafts (expires_at);

CREATE TABLE ref_counters (
    type  TEXT    NOT NULL,
    year  INTEGER NOT NULL,
    last  INTEGER NOT NULL,
    PRIMARY KEY (type, year)
);

CREATE TABLE tickets (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    ref               TEXT    NOT NULL UNIQUE,
    type              TEXT    NOT NULL CHECK (type IN ('request', 'question')),
    user_id           INTEGER,
    chat_id           INTEGER,
    data              TEXT    NOT NULL DEFAULT '{}',
    status            TEXT    NOT NULL CHECK (status IN ('open', 'taken', 'done', 'deleted')),
    assignee_id       INTEGER,
    assignee_name     TEXT,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    closed_at         TEXT,
    notice_version    TEXT,
    notice_shown_at   TEXT,
    card_chat_id      INTEGER,
    card_message_id   INTEGER,
    requester_blocked INTEGER NOT NULL DEFAULT 0,
    draft_id          INTEGER UNIQUE,
    question_log_id   INTEGER UNIQUE
);
-- Partial index: list_open() uses exactly this WHERE clause, so it reads open tickets in order.
CREATE INDEX tickets_open ON tickets (created_at) WHERE status IN ('open', 'taken');
CREATE INDEX tickets_user ON tickets (user_id, created_at);
-- Partial index for the retention job (privacy.delete_closed_before uses the same literal WHERE).
CREATE INDEX tickets_done_closed ON tickets (closed_at) WHERE status = 'done';
CREATE INDEX tickets_card_chat ON tickets (card_chat_id);

CREATE TABLE ticket_messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    direction   TEXT    NOT NULL CHECK (direction IN ('to_user', 'to_team')),
    text        TEXT    NOT NULL,
    author_id   INTEGER,
    author_name TEXT,
    created_at  TEXT    NOT NULL
);
CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, id);

CREATE TABLE ticket_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    old_status  TEXT,
    new_status  TEXT,
    actor_id    INTEGER,
    actor_name  TEXT,
    message_id  INTEGER REFERENCES ticket_messages (id) ON DELETE SET NULL,
    created_at  TEXT    NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);
CREATE INDEX ticket_events_message ON ticket_events (message_id);

CREATE TABLE message_links (
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    role       TEXT    NOT NULL
        CHECK (role IN ('card', 'team_reply_copy', 'user_reply_copy')),
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX message_links_ticket ON message_links (ticket_id);

CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT    NOT NULL,
    ticket_id  INTEGER REFERENCES tickets (id) ON DELETE CASCADE,
    chat_id    INTEGER NOT NULL,
    payload    TEXT    NOT NULL DEFAULT '{}',
    status     TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    due_at     TEXT    NOT NULL,
    last_error TEXT,
    created_at TEXT    NOT NULL,
    sent_at    TEXT,
    result     TEXT
);
CREATE INDEX outbox_status_due ON outbox (status, due_at);
CREATE INDEX outbox_ticket ON outbox (ticket_id);
CREATE INDEX outbox_chat ON outbox (chat_id);

CREATE TABLE question_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    normalized TEXT    NOT NULL,
    band       TEXT    NOT NULL,
    entry_id   TEXT,
    created_at TEXT    NOT NULL
);
-- Partial index for top_unanswered(): same literal WHERE as the query (questions.ANSWERED_BANDS).
CREATE INDEX question_log_unanswered ON question_log (normalized, created_at)
    WHERE band NOT IN ('answer', 'smalltalk');
CREATE INDEX question_log_created ON question_log (created_at);
CREATE INDEX question_log_user ON question_log (user_id);
"""

# Bot messages in the team chat that show a requester's data (details, relayed answers, lists),
# so /loeschen and retention can redact them later (storage/team_posts.py). One row per message
# and reference: a ticket, or (for question texts without a ticket) the asking user. No foreign
# key on ticket_id: retention reads the rows before it deletes the ticket.
_V_TEAM_POSTS = """
CREATE TABLE team_posts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    mode       TEXT    NOT NULL CHECK (mode IN ('edit', 'delete')),
    ticket_id  INTEGER,
    user_id    INTEGER,
    created_at TEXT    NOT NULL,
    CHECK (ticket_id IS NOT NULL OR user_id IS NOT NULL)
);
CREATE INDEX team_posts_ticket ON team_posts (ticket_id);
CREATE INDEX team_posts_user ON team_posts (user_id);
CREATE INDEX team_posts_message ON team_posts (chat_id, message_id);
"""

# One row, rewritten by the start-up check and by the outbox worker while the database fails:
# a committed write is the only proof that the disk takes writes (again).
_V_DB_PROBE = """
CREATE TABLE db_probe (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    written_at TEXT    NOT NULL
);
"""

# The team teaches the bot (bot/storage/teaching.py, bot/storage/feedback.py): phrasings the
# team adopted from the review list, the team's decision on each reviewed question, and the
# users' 👍/👎 on answers. Decisions and feedback follow their question_log row: deleting a
# question (retention, /loeschen) takes its decision along and unlinks its feedback.
_V_TEACHING = """
CREATE TABLE taught_phrasings (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id    TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    group_id    INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    exported_at TEXT
);
CREATE INDEX taught_phrasings_group ON taught_phrasings (group_id);

CREATE TABLE review_decisions (
    question_id INTEGER PRIMARY KEY REFERENCES question_log (id) ON DELETE CASCADE,
    group_id    INTEGER NOT NULL,
    decision    TEXT    NOT NULL CHECK (decision IN ('taught', 'dismissed')),
    decided_at  TEXT    NOT NULL
);
CREATE INDEX review_decisions_group ON review_decisions (group_id);

CREATE TABLE answer_feedback (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL,
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    entry_id    TEXT    NOT NULL,
    vote        TEXT    NOT NULL CHECK (vote IN ('up', 'down')),
    question_id INTEGER REFERENCES question_log (id) ON DELETE SET NULL,
    created_at  TEXT    NOT NULL,
    UNIQUE (chat_id, message_id)
);
CREATE INDEX answer_feedback_user ON answer_feedback (user_id);
CREATE INDEX answer_feedback_question ON answer_feedback (question_id);
CREATE INDEX answer_feedback_created ON answer_feedback (created_at);
"""

# Users are identified by the door they came through (bot.conversation.model.UserKey) and that
# door's id. Every row stored before is a Telegram user's: the default keeps them all. The
# drafts table is rebuilt, because its one-draft-per-user rule becomes one per channel and user;
# its AUTOINCREMENT counter is carried over, so no draft id (in buttons) is ever reused.
_V_USER_CHANNEL = """
CREATE TABLE drafts_by_channel (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    channel           TEXT    NOT NULL DEFAULT 'telegram',
    user_id           INTEGER NOT NULL,
    chat_id           INTEGER NOT NULL,
    step              TEXT    NOT NULL,
    data              TEXT    NOT NULL DEFAULT '{}',
    rev               INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    expires_at        TEXT    NOT NULL,
    reminded_at       TEXT,
    notice_shown_at   TEXT,
    notice_version    TEXT,
    return_to_summary INTEGER NOT NULL DEFAULT 0,
    UNIQUE (channel, user_id)
);
INSERT INTO drafts_by_channel (id, user_id, chat_id, step, data, rev, created_at, updated_at,
    expires_at, reminded_at, notice_shown_at, notice_version, return_to_summary)
SELECT id, user_id, chat_id, step, data, rev, created_at, updated_at,
    expires_at, reminded_at, notice_shown_at, notice_version, return_to_summary FROM drafts;
DELETE FROM sqlite_sequence WHERE name = 'drafts_by_channel';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'drafts_by_channel', seq FROM sqlite_sequence WHERE name = 'drafts';
DROP TABLE drafts;
ALTER TABLE drafts_by_channel RENAME TO drafts;
CREATE INDEX drafts_expires_at ON drafts (expires_at);

ALTER TABLE tickets ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram';
ALTER TABLE question_log ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram';
ALTER TABLE answer_feedback ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram';
ALTER TABLE team_posts ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram';
DROP INDEX tickets_user;
CREATE INDEX tickets_user ON tickets (channel, user_id, created_at);
DROP INDEX question_log_user;
CREATE INDEX question_log_user ON question_log (channel, user_id);
DROP INDEX answer_feedback_user;
CREATE INDEX answer_feedback_user ON answer_feedback (channel, user_id);
"""

# The private link of a web request's page (/anfrage/<token>): only a hash of the token is kept,
# so the database alone opens no page. Gone with the ticket (retention) and on /loeschen.
_V_REQUEST_LINKS = """
CREATE TABLE request_links (
    token_hash TEXT    PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    created_at TEXT    NOT NULL
);
CREATE INDEX request_links_ticket ON request_links (ticket_id);
"""

# The reply e-mail to a web requester as a durable job (bot.delivery.mail_worker), written with
# the team reply it announces. Only which ticket, how often tried, when next, and its state: the
# address is read from the ticket when sending and the link's token is made then, so the queue
# holds nothing personal. One pending job per ticket (a second reply before the mail went out
# needs no second mail). Gone with the ticket (retention) and on /loeschen.
_V_MAIL_QUEUE = """
CREATE TABLE mail_jobs (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    attempts  INTEGER NOT NULL DEFAULT 0,
    next_at   TEXT    NOT NULL,
    state     TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed'))
);
CREATE UNIQUE INDEX mail_jobs_pending ON mail_jobs (ticket_id) WHERE state = 'pending';
CREATE INDEX mail_jobs_due ON mail_jobs (state, next_at);
"""

# The rest of the user-keyed rows carry the channel too (bot.conversation.model.UserKey), so a
# web user and a Telegram user with the same number never share a row: outbox rows (to_web rows
# were the web door's), message links (a team reply's copy lives in its requester's channel) and
# votes (one per message of a channel's chat). Tables whose unique key changes are rebuilt, with
# their AUTOINCREMENT counters carried over; every row kept, the rest is Telegram's as before.
_V_CHANNEL_KEYS = """
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram';
UPDATE outbox SET channel = 'web' WHERE kind = 'to_web';
DROP INDEX outbox_chat;
CREATE INDEX outbox_chat ON outbox (channel, chat_id);

CREATE TABLE message_links_by_channel (
    channel    TEXT    NOT NULL DEFAULT 'telegram',
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    role       TEXT    NOT NULL
        CHECK (role IN ('card', 'team_reply_copy', 'user_reply_copy')),
    PRIMARY KEY (channel, chat_id, message_id)
);
INSERT INTO message_links_by_channel (channel, chat_id, message_id, ticket_id, role)
SELECT CASE WHEN l.role = 'team_reply_copy' THEN COALESCE(t.channel, 'telegram')
            ELSE 'telegram' END,
       l.chat_id, l.message_id, l.ticket_id, l.role
FROM message_links l LEFT JOIN tickets t ON t.id = l.ticket_id;
DROP TABLE message_links;
ALTER TABLE message_links_by_channel RENAME TO message_links;
CREATE INDEX message_links_ticket ON message_links (ticket_id);

CREATE TABLE answer_feedback_by_channel (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    channel     TEXT    NOT NULL DEFAULT 'telegram',
    user_id     INTEGER NOT NULL,
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    entry_id    TEXT    NOT NULL,
    vote        TEXT    NOT NULL CHECK (vote IN ('up', 'down')),
    question_id INTEGER REFERENCES question_log (id) ON DELETE SET NULL,
    created_at  TEXT    NOT NULL,
    UNIQUE (channel, chat_id, message_id)
);
INSERT INTO answer_feedback_by_channel (id, channel, user_id, chat_id, message_id, entry_id,
    vote, question_id, created_at)
SELECT id, channel, user_id, chat_id, message_id, entry_id, vote, question_id, created_at
FROM answer_feedback;
DELETE FROM sqlite_sequence WHERE name = 'answer_feedback_by_channel';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'answer_feedback_by_channel', seq FROM sqlite_sequence WHERE name = 'answer_feedback';
DROP TABLE answer_feedback;
ALTER TABLE answer_feedback_by_channel RENAME TO answer_feedback;
CREATE INDEX answer_feedback_user ON answer_feedback (channel, user_id);
CREATE INDEX answer_feedback_question ON answer_feedback (question_id);
CREATE INDEX answer_feedback_created ON answer_feedback (created_at);

DROP INDEX team_posts_user;
CREATE INDEX team_posts_user ON team_posts (channel, user_id);
"""

MIGRATIONS: list[str] = [
    _V1, _V_TEAM_POSTS, _V_DB_PROBE, _V_TEACHING, _V_USER_CHANNEL, _V_REQUEST_LINKS,
    _V_MAIL_QUEUE,
    _V_CHANNEL_KEYS,
]


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer version of the bot."""


async def current_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(conn: aiosqlite.Connection, now: dt.datetime) -> int:
    """Apply every migration newer than the stored version; return the resulting version.

    The connection must be in autocommit mode (isolation_level=None) and not in a transaction.
    """
    await conn.execute(SCHEMA_VERSION_TABLE)
    version = await current_version(conn)
    if version > len(MIGRATIONS):
        # An older program must not write into a schema it does not know.
        raise SchemaTooNewError(
            f"database schema version {version} is newer than this program ({len(MIGRATIONS)})"
        )
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        # executescript() commits any open transaction first, so the BEGIN goes into the script.
        # The script leaves the transaction open; the version row and COMMIT follow on it.
        try:
            await conn.executescript("BEGIN IMMEDIATE;\n" + script)
            await conn.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                (number, ts(now)),
            )
            await conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise
        log.info("schema migration %d applied", number)
    return max(version, len(MIGRATIONS))
