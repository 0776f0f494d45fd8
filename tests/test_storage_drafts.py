"""DraftRepo: one draft per user, optimistic saves by rev, expiry and reminders."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from bot.storage import Storage

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(days=7)


async def test_create_and_get_round_trip(storage: Storage) -> None:
    """A created draft comes back with rev 0, empty data, and expiry now + ttl in UTC."""
    created = await storage.drafts.create(7, 70, "kind", NOW, TTL)
    loaded = await storage.drafts.get(7)
    assert loaded == created
    assert (loaded.rev, loaded.data, loaded.step, loaded.chat_id) == (0, {}, "kind", 70)
    assert loaded.expires_at == NOW + TTL
    assert loaded.expires_at.tzinfo is not None
    assert loaded.reminded_at is None and loaded.return_to_summary is False


async def test_create_replaces_the_old_draft_with_a_new_id(storage: Storage) -> None:
    """Starting again drops the old draft; the new one never reuses the old id."""
    old = await storage.drafts.create(7, 70, "kind", NOW, TTL)
    await storage.drafts.delete(7)
    other = await storage.drafts.create(8, 80, "kind", NOW, TTL)
    new = await storage.drafts.create(7, 70, "kind", NOW, TTL)
    assert new.id not in (old.id, other.id)
    assert await storage.drafts.get_by_id(old.id) is None
    assert (await storage.drafts.get(7)) == new


async def test_save_increments_rev_and_stores_fields(storage: Storage) -> None:
    """save() writes step, data, notice and flags, and returns the draft with rev + 1."""
    draft = await storage.drafts.create(7, 70, "kind", NOW, TTL)
    later = NOW + dt.timedelta(minutes=3)
    changed = dataclasses.replace(
        draft, step="topics", data={"kind": "beratung", "topics": ["a", "b"]},
        notice_shown_at=later, notice_version="2026-03", return_to_summary=True,
    )
    saved = await storage.drafts.save(changed, later)
    assert saved is not None and saved.rev == 1 and saved.updated_at == later
    assert await storage.drafts.get(7) == saved


async def test_save_with_stale_rev_returns_none_and_keeps_the_newer_data(
    storage: Storage,
) -> None:
    """A save based on an outdated rev (stale button, double press) is refused with None."""
    draft = await storage.drafts.create(7, 70, "kind", NOW, TTL)
    first = await storage.drafts.save(dataclasses.replace(draft, step="topics"), NOW)
    stale = await storage.drafts.save(dataclasses.replace(draft, step="format"), NOW)
    assert first is not None and stale is None
    stored = await storage.drafts.get(7)
    assert stored is not None and (stored.step, stored.rev) == ("topics", 1)


async def test_save_of_a_deleted_draft_is_a_conflict(storage: Storage) -> None:
    """Saving a draft that was cancelled meanwhile returns None and creates nothing."""
    draft = await storage.drafts.create(7, 70, "kind", NOW, TTL)
    assert await storage.drafts.delete(7) is True
    assert await storage.drafts.save(draft, NOW) is None
    assert await storage.drafts.get(7) is None
    assert await storage.drafts.delete(7) is False


async def test_save_with_ttl_extends_expiry_and_rearms_reminder(storage: Storage) -> None:
    """With ttl, each step moves expires_at to now + ttl and clears reminded_at."""
    draft = await storage.drafts.create(7, 70, "kind", NOW, TTL)
    await storage.drafts.mark_reminded(draft.id, NOW + dt.timedelta(days=6))
    later = NOW + dt.timedelta(days=6, hours=1)
    saved = await storage.drafts.save(draft, later, ttl=TTL)
    stored = await storage.drafts.get(7)
    assert saved is not None and stored is not None
    assert stored.expires_at == later + TTL and stored.reminded_at is None


async def test_save_without_ttl_keeps_a_reminder_set_meanwhile(storage: Storage) -> None:
    """A save from an object read before the reminder does not clear reminded_at."""
    draft = await storage.drafts.create(7, 70, "kind", NOW, TTL)
    reminded = NOW + dt.timedelta(days=6)
    await storage.drafts.mark_reminded(draft.id, reminded)
    assert await storage.drafts.save(dataclasses.replace(draft, step="x"), reminded) is not None
    stored = await storage.drafts.get(7)
    assert stored is not None and stored.reminded_at == reminded


async def test_due_reminders_once_then_expiry(storage: Storage) -> None:
    """A draft is due for a reminder within `before` of expiry, once; later it is expired."""
    draft = await storage.drafts.create(7, 70, "kind", NOW, TTL)
    await storage.drafts.create(8, 80, "kind", NOW + dt.timedelta(days=3), TTL)
    before = dt.timedelta(hours=24)
    assert await storage.drafts.due_reminders(NOW + dt.timedelta(days=5), before) == []
    due = await storage.drafts.due_reminders(NOW + dt.timedelta(days=6, hours=1), before)
    assert [d.id for d in due] == [draft.id]
    await storage.drafts.mark_reminded(draft.id, NOW + dt.timedelta(days=6, hours=1))
    assert await storage.drafts.due_reminders(NOW + dt.timedelta(days=6, hours=2), before) == []
    assert await storage.drafts.expired(NOW + dt.timedelta(days=6, hours=23)) == []
    at_expiry = NOW + TTL
    assert [d.id for d in await storage.drafts.expired(at_expiry)] == [draft.id]
    assert await storage.drafts.due_reminders(at_expiry, before) == []


async def test_delete_expired_removes_only_expired(storage: Storage) -> None:
    """delete_expired drops expired drafts and keeps the others."""
    await storage.drafts.create(7, 70, "kind", NOW, TTL)
    await storage.drafts.create(8, 80, "kind", NOW + dt.timedelta(days=2), TTL)
    assert await storage.drafts.delete_expired(NOW + dt.timedelta(days=8)) == 1
    assert await storage.drafts.get(7) is None
    assert await storage.drafts.get(8) is not None


async def test_draft_survives_reopen(tmp_path: Path) -> None:
    """A draft saved before a restart is there afterwards with the same step and data."""
    path = tmp_path / "bot.sqlite"
    store = await Storage.open(path)
    draft = await store.drafts.create(7, 70, "kind", NOW, TTL)
    await store.drafts.save(dataclasses.replace(draft, step="email", data={"name": "Ä"}), NOW)
    await store.close()
    store = await Storage.open(path)
    try:
        loaded = await store.drafts.get(7)
        assert loaded is not None and (loaded.step, loaded.data, loaded.rev) == (
            "email", {"name": "Ä"}, 1)
    finally:
        await store.close()
