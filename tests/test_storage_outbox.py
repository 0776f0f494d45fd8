"""OutboxRepo (durable notifications) and QuestionLog (for /unbeantwortet)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.storage import Storage

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


async def test_due_returns_pending_rows_due_now_oldest_first(storage: Storage) -> None:
    """due() lists pending rows whose time has come, oldest first, up to the limit."""
    later = await storage.outbox.enqueue("notify", 5, {"t": 2}, NOW, due_at=NOW + MINUTE)
    first = await storage.outbox.enqueue("notify", 5, {"t": 1}, NOW)
    future = await storage.outbox.enqueue("notify", 5, {"t": 3}, NOW, due_at=NOW + 9 * MINUTE)
    due = await storage.outbox.due(NOW + 2 * MINUTE)
    assert [i.id for i in due] == [first, later]
    assert [i.id for i in await storage.outbox.due(NOW + 2 * MINUTE, limit=1)] == [first]
    assert future not in [i.id for i in due]
    assert await storage.outbox.next_due_at() == NOW
    assert await storage.outbox.pending_count() == 3


async def test_reschedule_counts_attempts_and_delays(storage: Storage) -> None:
    """reschedule() moves due_at, keeps the error and counts the attempt."""
    item = await storage.outbox.enqueue("notify", 5, {}, NOW)
    await storage.outbox.reschedule(item, NOW + 5 * MINUTE, "RetryAfter 300")
    assert await storage.outbox.due(NOW + MINUTE) == []
    [row] = await storage.outbox.due(NOW + 5 * MINUTE)
    assert (row.attempts, row.last_error, row.status) == (1, "RetryAfter 300", "pending")


async def test_mark_sent_and_failed_end_delivery(storage: Storage) -> None:
    """Sent rows keep their result; failed rows keep their error; neither is due again."""
    sent = await storage.outbox.enqueue("card", -1, {"chat_id": -1}, NOW)
    failed = await storage.outbox.enqueue("notify", 5, {}, NOW)
    await storage.outbox.mark_sent(sent, NOW + MINUTE, {"message_id": 42})
    await storage.outbox.mark_failed(failed, "Forbidden: bot was blocked", NOW + MINUTE)
    assert await storage.outbox.due(NOW + 9 * MINUTE) == []
    sent_row = await storage.outbox.get(sent)
    failed_row = await storage.outbox.get(failed)
    assert sent_row is not None and failed_row is not None
    assert (sent_row.status, sent_row.result, sent_row.sent_at) == (
        "sent", {"message_id": 42}, NOW + MINUTE)
    assert (failed_row.status, failed_row.last_error) == ("failed", "Forbidden: bot was blocked")
    assert await storage.outbox.pending_count() == 0


async def test_enqueue_joins_an_open_transaction(storage: Storage) -> None:
    """With conn=, the row belongs to the caller's transaction and rolls back with it."""
    with pytest.raises(RuntimeError):
        async with storage.db.transaction() as conn:
            await storage.outbox.enqueue("notify", 5, {}, NOW, conn=conn)
            raise RuntimeError("abort")
    assert await storage.outbox.pending_count() == 0
    async with storage.db.transaction() as conn:
        await storage.outbox.enqueue("notify", 5, {}, NOW, conn=conn)
    assert await storage.outbox.pending_count() == 1


async def test_delete_delivered_before_keeps_pending_and_recent(storage: Storage) -> None:
    """Retention removes old sent and failed rows, never pending ones."""
    old_sent = await storage.outbox.enqueue("notify", 5, {}, NOW)
    new_sent = await storage.outbox.enqueue("notify", 5, {}, NOW)
    old_failed = await storage.outbox.enqueue("notify", 5, {}, NOW)
    pending = await storage.outbox.enqueue("notify", 5, {}, NOW)
    await storage.outbox.mark_sent(old_sent, NOW, {})
    await storage.outbox.mark_sent(new_sent, NOW + dt.timedelta(days=10), {})
    await storage.outbox.mark_failed(old_failed, "x", NOW)
    assert await storage.outbox.delete_delivered_before(NOW + dt.timedelta(days=5)) == 2
    assert await storage.outbox.get(old_sent) is None
    assert await storage.outbox.get(old_failed) is None
    assert await storage.outbox.get(new_sent) is not None
    assert await storage.outbox.get(pending) is not None


async def test_outbox_migrate_chat_moves_only_pending_rows(storage: Storage) -> None:
    """migrate_chat rewrites pending rows of the old chat id; sent ones stay as history."""
    pending = await storage.outbox.enqueue("card", -1, {"chat_id": -1}, NOW)
    sent = await storage.outbox.enqueue("card", -1, {"chat_id": -1}, NOW)
    await storage.outbox.mark_sent(sent, NOW, {})
    assert await storage.outbox.migrate_chat(-1, -1009) == 1
    moved = await storage.outbox.get(pending)
    kept = await storage.outbox.get(sent)
    assert moved is not None and (moved.chat_id, moved.payload) == (-1009, {"chat_id": -1009})
    assert kept is not None and kept.chat_id == -1


# -- question log ------------------------------------------------------------------------------


async def test_top_unanswered_groups_by_normalized_text(storage: Storage) -> None:
    """Unanswered questions are grouped by normalized text, most frequent first."""
    log = storage.questions
    for text in ("Gibt es Parkplätze?", "gibt es  parkplätze", "Gibt es Parkplaetze?!"):
        await log.record(1, text, "gibt es parkplaetze", "fallback", None, NOW)
    await log.record(2, "Wetter morgen?", "wetter morgen", "suggest", None, NOW)
    await log.record(3, "Was kostet das?", "was kostet das", "answer", "kosten", NOW)
    await log.record(3, "Was kostet das?", "was kostet das", "answer", "kosten", NOW)
    await log.record(3, "Was kostet das?", "was kostet das", "answer", "kosten", NOW)
    await log.record(3, "Hallo", "hallo", "smalltalk", None, NOW)
    top = await log.top_unanswered()
    assert top == [("Gibt es Parkplaetze?!", 3), ("Wetter morgen?", 1)]
    assert await log.top_unanswered(limit=1) == [("Gibt es Parkplaetze?!", 3)]


async def test_top_unanswered_since_and_delete_before(storage: Storage) -> None:
    """since= limits the window; delete_before removes old rows for retention."""
    log = storage.questions
    await log.record(1, "Alt?", "alt", "fallback", None, NOW - dt.timedelta(days=40))
    await log.record(1, "Neu?", "neu", "fallback", None, NOW)
    assert await log.top_unanswered(since=NOW - dt.timedelta(days=7)) == [("Neu?", 1)]
    assert await log.delete_before(NOW - dt.timedelta(days=30)) == 1
    assert await log.top_unanswered() == [("Neu?", 1)]


async def test_record_returns_an_id_that_get_resolves(storage: Storage) -> None:
    """The id from record() (carried by the team button) gives back the logged question."""
    question_id = await storage.questions.record(9, "Frage?", "frage", "fallback", None, NOW)
    logged = await storage.questions.get(question_id)
    assert logged is not None and (logged.user_id, logged.text, logged.created_at) == (
        9, "Frage?", NOW)
    assert await storage.questions.delete_for_user("telegram", 9) == 1
    assert await storage.questions.get(question_id) is None
