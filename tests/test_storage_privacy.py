"""PrivacyRepo: export of a user's data, deletion down to the bytes of the file, retention."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from bot.storage import Storage, Ticket

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(days=7)
TEAM = -1001
USER = 4711
OTHER = 815
NAME = "Zacharias Quellmeier"
EMAIL = "zq.unique-7@example.org"
ORG = "Gemeinde Quellstädt-Süd"
SECRETS = (NAME, EMAIL, ORG)


async def _request(storage: Storage, user_id: int, name: str, email: str, org: str) -> Ticket:
    """A submitted request whose draft, card, messages and question all carry personal data."""
    draft = await storage.drafts.create(user_id, user_id, "summary", NOW, TTL)
    data = {"kind": "beratung", "name": name, "email": email, "organisation": org}
    draft = await storage.drafts.save(dataclasses.replace(draft, data=data), NOW)  # type: ignore[assignment]
    ticket, _ = await storage.tickets.submit_request(
        draft, data, NOW, {"chat_id": TEAM, "text": f"{name}, {org}, {email}"})
    await storage.tickets.set_card(ticket.id, TEAM, 100 + user_id)
    [card] = await storage.outbox.for_ticket(ticket.id)
    await storage.outbox.mark_sent(card.id, NOW, {"message_id": 100 + user_id})
    await storage.tickets.change_status(ticket.id, {"open"}, "taken", 1, "Anna Team", NOW)
    await storage.messages.add(ticket.id, "to_user", f"Guten Tag {name}", 1, "Anna Team", NOW)
    await storage.messages.add(ticket.id, "to_team", f"Gruß, {name} ({email})", user_id, name,
                               NOW)
    await storage.messages.link("telegram", user_id, 5, ticket.id, "team_reply_copy")
    await storage.outbox.enqueue("reply", user_id, {"text": f"Hallo {name}"}, NOW, ticket.id)
    await storage.questions.record(user_id, f"Ich bin {name} aus {org}", "x", "fallback",
                                   None, NOW)
    # A new, unfinished draft too.
    again = await storage.drafts.create(user_id, user_id, "name", NOW, TTL)
    await storage.drafts.save(dataclasses.replace(again, data={"name": name}), NOW)
    return ticket


def _file_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


async def test_export_contains_all_of_the_users_data_and_is_json(storage: Storage) -> None:
    """The export holds drafts, tickets with history and messages, and logged questions."""
    ticket = await _request(storage, USER, NAME, EMAIL, ORG)
    await _request(storage, OTHER, "Other Person", "o@example.org", "Amt Anders")
    export = await storage.privacy.export_user(USER)
    text = json.dumps(export, ensure_ascii=False)
    assert all(secret in text for secret in SECRETS)
    assert "Other Person" not in text
    assert [d["step"] for d in export["drafts"]] == ["name"]
    [exported] = export["tickets"]
    assert exported["ref"] == ticket.ref and exported["data"]["email"] == EMAIL
    assert [e["kind"] for e in exported["events"]] == [
        "submitted", "status", "message_to_user", "message_to_team"]
    assert len(exported["messages"]) == 2 and len(export["questions"]) == 1
    assert len(export["pending_notifications"]) == 1


async def test_export_leaves_out_team_members_telegram_ids(storage: Storage) -> None:
    """Team members' Telegram ids are not the requester's data; the user's own id stays."""
    await _request(storage, USER, NAME, EMAIL, ORG)
    [exported] = (await storage.privacy.export_user(USER))["tickets"]
    assert exported["assignee_id"] is None and exported["assignee_name"] == "Anna Team"
    assert {m["author_id"] for m in exported["messages"]} == {None, USER}


async def test_delete_user_leaves_tombstones_and_others_untouched(storage: Storage) -> None:
    """Deletion returns the tickets as they were, keeps only ref/date/card, spares other users."""
    ticket = await _request(storage, USER, NAME, EMAIL, ORG)
    other = await _request(storage, OTHER, "Other Person", "o@example.org", "Amt Anders")
    affected = await storage.privacy.delete_user(USER, NOW + dt.timedelta(hours=1))
    assert [t.id for t in affected] == [ticket.id] and affected[0].data["name"] == NAME
    [tomb] = await storage.privacy.tombstones()
    assert (tomb.ref, tomb.created_at, tomb.status, tomb.data) == (
        ticket.ref, ticket.created_at, "deleted", {})
    assert (tomb.user_id, tomb.chat_id, tomb.assignee_name) == (None, None, None)
    assert (tomb.card_chat_id, tomb.card_message_id) == (TEAM, 100 + USER)
    assert [e.kind for e in await storage.tickets.events(ticket.id)] == ["deleted"]
    assert await storage.messages.for_ticket(ticket.id) == []
    assert await storage.outbox.for_ticket(ticket.id) == []
    assert await storage.drafts.get(USER) is None
    assert await storage.privacy.export_user(USER) == {
        "user_id": USER, "drafts": [], "tickets": [], "pending_notifications": [],
        "questions": [], "feedback": []}
    assert (await storage.tickets.get(other.id)) is not None
    assert len(await storage.messages.for_ticket(other.id)) == 2
    assert await storage.drafts.get(OTHER) is not None
    assert await storage.tickets.list_open() == [await storage.tickets.get(other.id)]


async def test_deleted_data_is_gone_from_the_database_files(tmp_path: Path) -> None:
    """After delete_user and checkpoint_and_vacuum no byte of name, email or org remains."""
    path = tmp_path / "bot.sqlite"
    store = await Storage.open(path)
    try:
        await _request(store, USER, NAME, EMAIL, ORG)
        await _request(store, OTHER, "Other Person", "o@example.org", "Amt Anders")
        before = _file_bytes(path)
        assert all(s.encode() in before for s in SECRETS)  # the search can find them
        await store.privacy.delete_user(USER, NOW)
        await store.db.checkpoint_and_vacuum()
        after = _file_bytes(path)
        assert [s for s in SECRETS if s.encode() in after] == []
        assert b"Other Person" in after
    finally:
        await store.close()


async def test_delete_closed_before_removes_old_done_tickets_only(storage: Storage) -> None:
    """Retention deletes done tickets closed before the cutoff with their history."""
    old = await _request(storage, USER, NAME, EMAIL, ORG)
    await storage.tickets.change_status(old.id, {"taken"}, "done", 1, "Anna", NOW)
    recent = await _request(storage, OTHER, "O", "o@example.org", "Amt")
    await storage.tickets.change_status(recent.id, {"taken"}, "done", 1, "Anna",
                                        NOW + dt.timedelta(days=40))
    open_one = await storage.tickets.create_question(9, 9, "Frage", NOW, {"chat_id": TEAM})
    assert await storage.privacy.delete_closed_before(NOW + dt.timedelta(days=30)) == 1
    assert await storage.tickets.get(old.id) is None
    assert await storage.tickets.events(old.id) == []
    assert await storage.messages.for_ticket(old.id) == []
    assert await storage.tickets.get(recent.id) is not None
    assert await storage.tickets.get(open_one.id) is not None


async def test_message_for_an_erased_ticket_is_not_stored_nor_queued(storage: Storage) -> None:
    """A team reply (or a user's answer) that races /loeschen stores nothing: the ticket's
    state is checked in the same transaction that would write the message and its outbox row."""
    from bot.storage.models import Notification

    ticket = await _request(storage, USER, NAME, EMAIL, ORG)
    live = await storage.messages.add(
        ticket.id, "to_user", "Noch eine Frage", 1, "Anna Team", NOW,
        notify=Notification("to_user", USER, {"chat_id": USER, "text": "Noch eine Frage"}),
    )
    assert live is not None
    queued = len(await storage.outbox.for_ticket(ticket.id))
    await storage.privacy.delete_user(USER, NOW)
    late = await storage.messages.add(
        ticket.id, "to_user", f"Hallo {NAME}", 1, "Anna Team", NOW,
        notify=Notification("to_user", USER, {"chat_id": USER, "text": f"Hallo {NAME}"}),
    )
    assert late is None
    assert await storage.messages.for_ticket(ticket.id) == []
    assert all(NAME not in json.dumps(item.payload) for item in
               await storage.outbox.for_ticket(ticket.id))
    assert queued >= 2  # the live message's notification had been queued with it
