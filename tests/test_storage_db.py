"""Database: pragmas, migrations, transactions, crash safety, concurrency and index use."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import pytest

from bot.storage import Storage
from bot.storage.db import Database, DatabaseUnusable
from bot.storage.migrations import MIGRATIONS
from bot.storage.questions import _UNANSWERED

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TEAM = -1001


async def test_open_creates_parent_dir_and_enables_wal_and_foreign_keys(tmp_path: Path) -> None:
    """Opening a path in a missing directory creates it; WAL and foreign keys are on."""
    db = await Database.open(tmp_path / "sub" / "dir" / "bot.sqlite")
    try:
        assert (tmp_path / "sub" / "dir" / "bot.sqlite").exists()
        assert (await db.fetchval("PRAGMA journal_mode")) == "wal"
        assert (await db.fetchval("PRAGMA foreign_keys")) == 1
        assert (await db.fetchval("PRAGMA synchronous")) == 1  # NORMAL
        assert (await db.fetchval("PRAGMA busy_timeout")) > 0
    finally:
        await db.close()


async def test_close_twice_is_harmless(tmp_path: Path) -> None:
    """Closing an already closed database does nothing (shutdown paths may both close)."""
    db = await Database.open(tmp_path / "bot.sqlite")
    await db.close()
    await db.close()
    with pytest.raises(ValueError):
        await db.conn.execute("SELECT 1")  # closed, not reopened


async def test_memory_database_is_allowed() -> None:
    """':memory:' opens and is migrated (used by quick offline runs)."""
    db = await Database.open(":memory:")
    try:
        assert await db.fetchval("SELECT MAX(version) FROM schema_version") == len(MIGRATIONS)
    finally:
        await db.close()


async def test_migrations_apply_once_and_reopen_is_idempotent(tmp_path: Path) -> None:
    """Each migration is recorded once in schema_version; reopening applies nothing again."""
    path = tmp_path / "bot.sqlite"
    first = await Database.open(path)
    await first.close()
    second = await Database.open(path)
    try:
        versions = [r[0] for r in await second.fetchall("SELECT version FROM schema_version")]
        assert versions == list(range(1, len(MIGRATIONS) + 1))
        tables = {r[0] for r in await second.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"drafts", "tickets", "ticket_events", "ticket_messages", "message_links",
                "outbox", "question_log", "ref_counters"} <= tables
    finally:
        await second.close()


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    """A database written by a newer program version is not opened (no silent downgrade)."""
    path = tmp_path / "bot.sqlite"
    db = await Database.open(path)
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO schema_version VALUES (?, ?)", (999, "x"))
    await db.close()
    with pytest.raises(DatabaseUnusable, match="newer than this program"):
        await Database.open(path)


async def test_failed_migration_leaves_schema_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A migration that fails half-way is rolled back whole and its version is not recorded."""
    path = tmp_path / "bot.sqlite"
    await (await Database.open(path)).close()
    broken = "CREATE TABLE half_done (x INTEGER); SELECT * FROM no_such_table;"
    monkeypatch.setattr("bot.storage.migrations.MIGRATIONS", [*MIGRATIONS, broken])
    with pytest.raises(DatabaseUnusable, match="no_such_table"):
        await Database.open(path)
    monkeypatch.undo()
    db = await Database.open(path)
    try:
        assert await db.fetchval("SELECT MAX(version) FROM schema_version") == len(MIGRATIONS)
        assert await db.fetchval(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'") == 0
    finally:
        await db.close()


async def test_transaction_rolls_back_on_error_and_releases_lock(storage: Storage) -> None:
    """An exception inside transaction() undoes its writes; the next transaction still works."""
    with pytest.raises(RuntimeError):
        async with storage.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO question_log (user_id, text, normalized, band, created_at)"
                " VALUES (?, ?, ?, ?, ?)", (1, "t", "t", "none", "2026"))
            raise RuntimeError("boom")
    assert await storage.db.fetchval("SELECT COUNT(*) FROM question_log") == 0
    await storage.questions.record(1, "Frage", "frage", "none", None, NOW)
    assert await storage.db.fetchval("SELECT COUNT(*) FROM question_log") == 1


async def test_nested_use_of_the_lock_raises_instead_of_deadlocking(storage: Storage) -> None:
    """A repository call inside an open transaction of the same task fails loudly."""
    with pytest.raises(RuntimeError, match="re-entrant"):
        async with storage.db.transaction():
            await storage.drafts.get(1)
    assert await storage.drafts.get(1) is None  # the lock was released


async def test_foreign_keys_are_enforced(storage: Storage) -> None:
    """An event for a ticket that does not exist is rejected by the foreign key."""
    with pytest.raises(sqlite3.IntegrityError):
        async with storage.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO ticket_events (ticket_id, kind, created_at) VALUES (?, ?, ?)",
                (12345, "status", "2026"))


async def test_naive_datetimes_are_rejected(storage: Storage) -> None:
    """A naive datetime is a caller bug and raises instead of being stored as local time."""
    with pytest.raises(ValueError):
        await storage.questions.record(1, "x", "x", "none", None, dt.datetime(2026, 1, 1))


async def test_fifty_concurrent_submits_get_unique_sequential_refs(storage: Storage) -> None:
    """50 concurrent submit_request calls on one connection all succeed with refs 0001–0050."""
    drafts = [
        await storage.drafts.create(1000 + i, 1000 + i, "summary", NOW, dt.timedelta(days=7))
        for i in range(50)
    ]
    results = await asyncio.gather(*(
        storage.tickets.submit_request(d, {"name": f"N{d.user_id}"}, NOW, {"chat_id": TEAM})
        for d in drafts
    ))
    assert all(created for _, created in results)
    refs = sorted(t.ref for t, _ in results)
    assert refs == [f"A-2026-{n:04d}" for n in range(1, 51)]
    assert await storage.outbox.pending_count() == 50
    assert await storage.db.fetchval("SELECT COUNT(*) FROM drafts") == 0


async def test_concurrent_reads_and_writes_do_not_interleave(storage: Storage) -> None:
    """Reads taken while transactions run never see a half-written submit (lock serialises)."""
    drafts = [
        await storage.drafts.create(2000 + i, 2000 + i, "summary", NOW, dt.timedelta(days=7))
        for i in range(20)
    ]

    async def consistent_read() -> bool:
        async with storage.db.read() as conn, conn.execute(
            "SELECT (SELECT COUNT(*) FROM tickets), (SELECT COUNT(*) FROM outbox),"
            " (SELECT COUNT(*) FROM drafts)"
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        tickets, outbox, open_drafts = row
        return bool(tickets == outbox and tickets + open_drafts == 20)

    jobs: list[Coroutine[Any, Any, object]] = []
    for d in drafts:
        jobs.append(storage.tickets.submit_request(d, {}, NOW, {"chat_id": TEAM}))
        jobs.append(consistent_read())
    results = await asyncio.gather(*jobs)
    assert all(r for r in results if isinstance(r, bool))


CRASH_CHILD = textwrap.dedent(
    """
    import asyncio, dataclasses, datetime as dt, sys
    from bot.storage import Storage

    async def main(path):
        store = await Storage.open(path)
        now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
        i = 0
        while True:
            i += 1
            draft = await store.drafts.create(i, i, "name", now, dt.timedelta(days=7))
            draft = await store.drafts.save(
                dataclasses.replace(draft, data={"name": "x" * 200}), now)
            ticket, _ = await store.tickets.submit_request(draft, {"n": i}, now, {"chat_id": -1})
            await store.tickets.change_status(ticket.id, {"open"}, "taken", 7, "T", now)
            print(i, flush=True)

    asyncio.run(main(sys.argv[1]))
    """
)


def test_sigkill_at_any_point_leaves_a_consistent_database(tmp_path: Path) -> None:
    """After SIGKILL mid-work the file is intact and every ticket has its event and card row."""
    path = tmp_path / "bot.sqlite"
    child = subprocess.Popen(
        [sys.executable, "-c", CRASH_CHILD, str(path)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent,
    )
    assert child.stdout is not None
    # Guard against a hung child only (kills it; the assertion below then fails).
    guard = threading.Timer(120, child.kill)
    guard.start()
    done = 0
    try:
        for line in child.stdout:
            done = int(line)
            if done >= 30:
                break
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    finally:
        guard.cancel()
        child.stdout.close()
    assert done >= 30

    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        tickets = conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0]
        assert tickets >= 30
        without_event = conn.execute(
            "SELECT COUNT(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM ticket_events e"
            " WHERE e.ticket_id = t.id AND e.kind = 'submitted')").fetchone()[0]
        without_card = conn.execute(
            "SELECT COUNT(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM outbox o"
            " WHERE o.ticket_id = t.id AND o.kind = 'card')").fetchone()[0]
        draft_and_ticket = conn.execute(
            "SELECT COUNT(*) FROM drafts d JOIN tickets t ON t.draft_id = d.id").fetchone()[0]
        assert (without_event, without_card, draft_and_ticket) == (0, 0, 0)
    finally:
        conn.close()


# -- index use with many tickets -------------------------------------------------------------


async def _bulk_tickets(db: Database, count: int) -> None:
    """Insert `count` tickets of 500 users directly (test setup, one transaction)."""
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    rows = []
    for i in range(count):
        created = (start + dt.timedelta(hours=i)).isoformat(timespec="microseconds")
        status = ("open", "taken", "done")[i % 3]
        rows.append((f"A-2025-{i + 1:05d}", "request", i % 500, i % 500, '{"kind": "beratung"}',
                     status, created, created, created if status == "done" else None))
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO tickets (ref, type, user_id, chat_id, data, status, created_at,"
            " updated_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


async def _plans_of(storage: Storage, action: Coroutine[Any, Any, object]) -> list[str]:
    """Run a repository call, capturing its SQL, and return the query plan lines of each."""
    statements: list[str] = []
    await storage.db.conn.set_trace_callback(statements.append)
    try:
        await action
    finally:
        await storage.db.conn.set_trace_callback(None)  # type: ignore[arg-type]
    details: list[str] = []
    for sql in statements:
        if sql.lstrip().upper().startswith("SELECT"):
            plan = await storage.db.fetchall("EXPLAIN QUERY PLAN " + sql)
            details.extend(row["detail"] for row in plan)
    assert details, "no SELECT was captured"
    return details


def _full_scans(details: list[str]) -> list[str]:
    # "SCAN tickets" alone reads the whole table; "SCAN t USING INDEX …" walks an index;
    # "SCAN json_each VIRTUAL TABLE" walks a parameter (the outbox's list of held-back ids).
    return [d for d in details if d.startswith("SCAN ") and "USING" not in d
            and "VIRTUAL TABLE" not in d]


async def test_ten_thousand_tickets_queries_use_indexes(storage: Storage) -> None:
    """With 10,000 tickets the everyday queries walk indexes, not whole tables."""
    await _bulk_tickets(storage.db, 10_000)
    later = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    calls = {
        "list_open": storage.tickets.list_open(),
        "list_for_user": storage.tickets.list_for_user("telegram", 42),
        "count_open_for_user": storage.tickets.count_open_for_user(42, "request"),
        "get_by_ref": storage.tickets.get_by_ref("A-2025-00042"),
        "get_by_draft": storage.tickets.get_by_draft(7),
        "open_older_than": storage.tickets.open_older_than(later, 30),
        "events": storage.tickets.events(5),
        "outbox_due": storage.outbox.due(later),
        "drafts_expired": storage.drafts.expired(later),
        "due_reminders": storage.drafts.due_reminders(later, dt.timedelta(days=1)),
        "top_unanswered": storage.questions.top_unanswered(),
        "ticket_for_message": storage.messages.ticket_for_message("telegram", TEAM, 5),
    }
    for name, call in calls.items():
        details = await _plans_of(storage, call)
        assert _full_scans(details) == [], (name, details)
    open_tickets = await storage.tickets.list_open()
    assert len(open_tickets) == 6667
    assert open_tickets[0].created_at < open_tickets[-1].created_at


async def test_list_open_uses_the_partial_open_index(storage: Storage) -> None:
    """list_open reads the partial index tickets_open, which needs no sort step."""
    await _bulk_tickets(storage.db, 100)
    details = await _plans_of(storage, storage.tickets.list_open())
    assert any("tickets_open" in d for d in details), details
    assert not any("TEMP B-TREE" in d for d in details), details


def test_unanswered_filter_matches_the_partial_index() -> None:
    """The question log query's WHERE is literally the partial index's, so the index applies."""
    assert f"WHERE {_UNANSWERED};" in " ".join(MIGRATIONS[0].split())
