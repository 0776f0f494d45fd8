"""What the storage keeps in memory to save trips to aiosqlite's thread: the draft cache and
the batched question log. Each test fails if the memory and the database can disagree."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from bot.storage import Storage
from bot.storage.draft_cache import DraftCache
from tests.waiting import eventually

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(days=7)
TEAM = -100


async def _draft_rows(storage: Storage, user_id: int) -> int:
    return int(await storage.db.fetchval("SELECT COUNT(*) FROM drafts WHERE user_id = ?",
                                         (user_id,)))


# ---------------------------------------------------------------------------- draft cache


async def test_known_absence_and_presence_need_no_database_read(storage: Storage) -> None:
    """The second look-up of a user (with or without a draft) is answered from memory."""
    assert await storage.drafts.get(5) is None
    created = await storage.drafts.create(6, 60, "kind", NOW, TTL)
    await storage.db.close()  # any read from here on would raise
    assert await storage.drafts.get(5) is None
    assert await storage.drafts.get(6) == created


async def test_submit_and_erase_invalidate_the_cached_draft(storage: Storage) -> None:
    """Tickets and privacy delete drafts in their own transactions; the cache follows."""
    draft = await storage.drafts.create(7, 70, "kind", NOW, TTL)
    assert await storage.drafts.get(7) == draft  # cached
    await storage.tickets.submit_request(draft, {}, NOW, {"chat_id": TEAM})
    assert await storage.drafts.get(7) is None
    other = await storage.drafts.create(8, 80, "kind", NOW, TTL)
    assert await storage.drafts.get(8) == other
    await storage.privacy.delete_user(8, NOW)
    assert await storage.drafts.get(8) is None and await _draft_rows(storage, 8) == 0


async def test_expiry_and_reminders_invalidate(storage: Storage) -> None:
    draft = await storage.drafts.create(7, 70, "kind", NOW, TTL)
    await storage.drafts.mark_reminded(draft.id, NOW)
    reread = await storage.drafts.get(7)
    assert reread is not None and reread.reminded_at == NOW
    await storage.drafts.delete_expired(NOW + TTL)
    assert await storage.drafts.get(7) is None


async def test_a_read_overtaken_by_a_write_is_not_cached(storage: Storage) -> None:
    """A read that was in flight while the draft was deleted must not bring it back."""
    draft = await storage.drafts.create(9, 90, "kind", NOW, TTL)
    storage.drafts.cache.forget(9)
    async with storage.db.read():  # hold the lock: the read below waits in line
        reading = asyncio.create_task(storage.drafts.get(9))
        await asyncio.sleep(0)
        storage.drafts.cache.wrote(9, None)  # a delete committed meanwhile
    assert await reading == draft  # what the database held when the read ran
    assert storage.drafts.cache.lookup(9) == (True, None)  # the stale result was not cached


async def test_a_conflicting_save_forgets_the_user(storage: Storage) -> None:
    draft = await storage.drafts.create(7, 70, "kind", NOW, TTL)
    assert await storage.drafts.save(draft, NOW, TTL) is not None
    assert await storage.drafts.save(draft, NOW, TTL) is None  # stale rev
    current = await storage.drafts.get(7)
    assert current is not None and current.rev == 1


def test_cache_evicts_the_least_recently_used() -> None:
    cache = DraftCache(capacity=2)
    cache.wrote(1, None)
    cache.wrote(2, None)
    assert cache.lookup(1) == (True, None)  # 1 is now the most recently used
    cache.wrote(3, None)
    assert cache.lookup(2) == (False, None) and len(cache) == 2
    stale_epoch = cache.epoch
    cache.forget(1)
    cache.read(1, None, stale_epoch)  # a read that started before forget() is ignored
    assert cache.lookup(1) == (False, None)


# ---------------------------------------------------------------------------- question log


async def _logged(storage: Storage) -> int:
    return int(await storage.db.fetchval("SELECT COUNT(*) FROM question_log"))


async def test_deferred_questions_are_written_after_the_interval(tmp_path: Path) -> None:
    """A deferred question log row is held back, then written by the timer on its own."""
    store = await Storage.open(tmp_path / "bot.sqlite")
    store.questions._flush_after = 0.05
    try:
        store.questions.record_later(1, "Was kostet das?", "was kostet das", "answer", "kosten",
                                     NOW)
        assert await _logged(store) == 0 and store.questions.pending == 1
        assert await eventually(lambda: _logged(store))
        assert await _logged(store) == 1 and store.questions.pending == 0
    finally:
        await store.close()


async def test_many_deferred_questions_are_written_in_one_batch(tmp_path: Path) -> None:
    """The row that fills a batch starts the write at once, long before the timer would."""
    store = await Storage.open(tmp_path / "bot.sqlite")
    store.questions._flush_at_rows = 3
    store.questions._flush_after = 3600  # the timer cannot be what writes them
    try:
        for n in range(3):
            store.questions.record_later(n, "Frage", "frage", "suggest", None, NOW)

        async def all_three() -> bool:
            return await _logged(store) == 3

        assert await eventually(all_three)
    finally:
        await store.close()


async def test_readers_and_erasure_see_pending_questions(storage: Storage) -> None:
    """/unbeantwortet counts them, /meinedaten lists them, /loeschen deletes them."""
    storage.questions.record_later(4, "Gibt es Parkplätze?", "gibt es parkplätze", "fallback",
                                   None, NOW)
    assert await storage.questions.top_unanswered() == [("Gibt es Parkplätze?", 1)]
    storage.questions.record_later(4, "Meine Adresse: Dorfstr. 1", "x", "fallback", None, NOW)
    exported = await storage.privacy.export_user(4)
    assert "Meine Adresse: Dorfstr. 1" in str(exported)
    storage.questions.record_later(4, "Noch eine Frage", "y", "suggest", None, NOW)
    await storage.privacy.delete_user(4, NOW)
    assert await _logged(storage) == 0 and storage.questions.pending == 0


async def test_close_writes_pending_questions(tmp_path: Path) -> None:
    store = await Storage.open(tmp_path / "bot.sqlite")
    store.questions.record_later(1, "Frage", "frage", "answer", "kosten", NOW)
    await store.close()
    again = await Storage.open(tmp_path / "bot.sqlite")
    try:
        assert await _logged(again) == 1
    finally:
        await again.close()
