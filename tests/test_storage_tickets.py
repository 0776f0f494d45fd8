"""TicketRepo and MessageRepo: atomic idempotent submit, refs, status changes, reply flow."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.storage import Draft, Storage, Ticket

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(days=7)
TEAM = -1001
CARD = {"chat_id": TEAM, "text": "card"}
DATA = {"kind": "beratung", "name": "Erika Muster", "email": "e@example.org"}


async def _draft(storage: Storage, user_id: int = 7, now: dt.datetime = NOW) -> Draft:
    draft = await storage.drafts.create(user_id, user_id * 10, "summary", now, TTL)
    noticed = dataclasses.replace(draft, notice_shown_at=now, notice_version="v1")
    saved = await storage.drafts.save(noticed, now)
    assert saved is not None
    return saved


async def _submit(storage: Storage, user_id: int = 7, now: dt.datetime = NOW) -> Ticket:
    ticket, created = await storage.tickets.submit_request(
        await _draft(storage, user_id, now), DATA, now, CARD)
    assert created
    return ticket


async def test_submit_writes_ticket_event_outbox_and_removes_draft(storage: Storage) -> None:
    """submit_request stores the ticket, a 'submitted' event and a card row, and ends the draft."""
    draft = await _draft(storage)
    ticket, created = await storage.tickets.submit_request(draft, DATA, NOW, CARD)
    assert created and ticket.ref == "A-2026-0001" and ticket.type == "request"
    assert (ticket.status, ticket.user_id, ticket.chat_id, ticket.data) == ("open", 7, 70, DATA)
    assert (ticket.notice_version, ticket.notice_shown_at, ticket.draft_id) == ("v1", NOW,
                                                                              draft.id)
    assert [e.kind for e in await storage.tickets.events(ticket.id)] == ["submitted"]
    [card] = await storage.outbox.for_ticket(ticket.id)
    assert (card.kind, card.chat_id, card.payload, card.status, card.due_at) == (
        "card", TEAM, CARD, "pending", NOW)
    assert await storage.drafts.get(7) is None


async def test_submit_twice_returns_the_same_ticket_without_second_card(storage: Storage) -> None:
    """A second submit of the same draft (double press, retry) returns the first ticket."""
    draft = await _draft(storage)
    first, _ = await storage.tickets.submit_request(draft, DATA, NOW, CARD)
    again, created = await storage.tickets.submit_request(draft, DATA, NOW, CARD)
    assert not created and again == first
    assert len(await storage.outbox.for_ticket(first.id)) == 1
    assert await storage.tickets.get_by_draft(draft.id) == first


async def test_submit_is_atomic_when_the_card_cannot_be_queued(storage: Storage) -> None:
    """If any part of submit fails, nothing is stored and the draft is still there."""
    draft = await _draft(storage)
    with pytest.raises(ValueError):
        await storage.tickets.submit_request(draft, DATA, NOW, {"text": "no chat id"})
    assert await storage.tickets.list_open() == []
    assert await storage.outbox.pending_count() == 0
    assert await storage.drafts.get(7) is not None
    ticket, _ = await storage.tickets.submit_request(draft, DATA, NOW, CARD)
    assert ticket.ref == "A-2026-0001"  # the failed attempt used no number


async def test_card_payload_can_be_built_from_the_new_ticket(storage: Storage) -> None:
    """A callable card_outbox receives the new ticket, so the card can show its ref."""
    ticket, _ = await storage.tickets.submit_request(
        await _draft(storage), DATA, NOW, lambda t: {"chat_id": TEAM, "ref": t.ref})
    [card] = await storage.outbox.for_ticket(ticket.id)
    assert card.payload == {"chat_id": TEAM, "ref": "A-2026-0001"}


async def test_refs_are_sequential_per_type_and_restart_each_year(storage: Storage) -> None:
    """Requests count A-YYYY-nnnn, questions F-YYYY-nnnn, each from 1 in every year."""
    refs = [(await _submit(storage, 1)).ref, (await _submit(storage, 2)).ref]
    question = await storage.tickets.create_question(3, 30, "Was kostet das?", NOW, CARD)
    next_year = dt.datetime(2027, 1, 1, 0, 30, tzinfo=dt.UTC)
    refs.append((await _submit(storage, 4, next_year)).ref)
    late_question = await storage.tickets.create_question(5, 50, "Noch?", next_year, CARD)
    assert refs == ["A-2026-0001", "A-2026-0002", "A-2027-0001"]
    assert (question.ref, late_question.ref) == ("F-2026-0001", "F-2027-0001")
    assert question.type == "question" and question.data == {"text": "Was kostet das?"}


async def test_refs_are_not_reused_after_deletion(storage: Storage) -> None:
    """After the newest request is deleted by retention, the next one still gets a new number."""
    ticket = await _submit(storage, 1)
    await storage.tickets.change_status(ticket.id, {"open"}, "done", 9, "T", NOW)
    assert await storage.privacy.delete_closed_before(NOW + dt.timedelta(days=1)) == 1
    assert (await _submit(storage, 2)).ref == "A-2026-0002"


async def test_question_from_the_same_log_row_is_created_once(storage: Storage) -> None:
    """create_question with a question_id returns the existing ticket on a second press."""
    first = await storage.tickets.create_question(3, 30, "Frage", NOW, CARD, question_id=11)
    again = await storage.tickets.create_question(3, 30, "Frage", NOW, CARD, question_id=11)
    assert again == first
    assert len(await storage.outbox.for_ticket(first.id)) == 1


async def test_lookup_by_id_and_ref(storage: Storage) -> None:
    """get and get_by_ref find a ticket; get_by_ref tolerates case and spaces."""
    ticket = await _submit(storage)
    assert await storage.tickets.get(ticket.id) == ticket
    assert await storage.tickets.get_by_ref(" a-2026-0001 ") == ticket
    assert await storage.tickets.get_by_ref("A-2026-0099") is None
    assert await storage.tickets.get(999) is None


async def test_take_twice_second_gets_none(storage: Storage) -> None:
    """Two team members taking the same request: the first wins, the second gets None."""
    ticket = await _submit(storage)
    first = await storage.tickets.change_status(ticket.id, {"open"}, "taken", 1, "Anna", NOW)
    second = await storage.tickets.change_status(ticket.id, {"open"}, "taken", 2, "Ben", NOW)
    assert first is not None and (first.status, first.assignee_name) == ("taken", "Anna")
    assert second is None
    stored = await storage.tickets.get(ticket.id)
    assert stored is not None and stored.assignee_id == 1


async def test_status_flow_records_history_and_closed_at(storage: Storage) -> None:
    """take → done → reopen: assignee, closed_at and the event history follow."""
    ticket = await _submit(storage)
    later = NOW + dt.timedelta(hours=2)
    await storage.tickets.change_status(ticket.id, {"open"}, "taken", 1, "Anna", NOW)
    done = await storage.tickets.change_status(ticket.id, {"open", "taken"}, "done", 2, "Ben",
                                               later)
    assert done is not None and done.closed_at == later and done.assignee_name == "Anna"
    reopened = await storage.tickets.change_status(ticket.id, {"done"}, "open", 2, "Ben", later)
    assert reopened is not None and reopened.closed_at is None and reopened.assignee_id is None
    history = [(e.kind, e.old_status, e.new_status, e.actor_name)
               for e in await storage.tickets.events(ticket.id)]
    assert history == [
        ("submitted", None, "open", None),
        ("status", "open", "taken", "Anna"),
        ("status", "taken", "done", "Ben"),
        ("status", "done", "open", "Ben"),
    ]


async def test_change_status_refuses_deleted_and_unknown(storage: Storage) -> None:
    """'deleted' is reserved to the privacy deletion; a missing ticket gives None."""
    ticket = await _submit(storage)
    with pytest.raises(ValueError):
        await storage.tickets.change_status(ticket.id, {"open"}, "deleted", 1, "A", NOW)
    assert await storage.tickets.change_status(999, {"open"}, "taken", 1, "A", NOW) is None


async def test_lists_counts_and_digest_selection(storage: Storage) -> None:
    """list_open is oldest first, per-user lists and counts see only the user's open tickets."""
    old = await _submit(storage, 1, NOW - dt.timedelta(days=5))
    mid = await _submit(storage, 2, NOW - dt.timedelta(days=1))
    closed = await _submit(storage, 1, NOW)
    await storage.tickets.change_status(closed.id, {"open"}, "done", 9, "T", NOW)
    await storage.tickets.create_question(1, 10, "Frage", NOW, CARD)
    assert [t.id for t in await storage.tickets.list_open()][:2] == [old.id, mid.id]
    assert await storage.tickets.count_open_for_user(1, "request") == 1
    assert await storage.tickets.count_open_for_user(1) == 2
    assert [t.id for t in await storage.tickets.list_for_user("telegram", 1)][-1] == old.id
    assert [t.id for t in await storage.tickets.open_older_than(NOW, 3)] == [old.id]
    assert len(await storage.tickets.all_for_export()) == 4


async def test_stats_counts_by_type_kind_status_month(storage: Storage) -> None:
    """stats() counts tickets by type, request kind, status and month."""
    first = await _submit(storage, 1)
    await _submit(storage, 2, dt.datetime(2026, 4, 1, tzinfo=dt.UTC))
    await storage.tickets.create_question(3, 30, "Frage", NOW, CARD)
    await storage.tickets.change_status(first.id, {"open"}, "done", 9, "T", NOW)
    stats = await storage.tickets.stats()
    assert stats["total"] == 3
    assert stats["by_type"] == {"request": 2, "question": 1}
    assert stats["by_kind"] == {"beratung": 2}
    assert stats["by_status"] == {"open": 2, "done": 1}
    assert stats["by_month"] == {"2026-03": 2, "2026-04": 1}


async def test_set_card_links_the_card_message(storage: Storage) -> None:
    """set_card stores the card position and makes replies to it resolvable."""
    ticket = await _submit(storage)
    await storage.tickets.set_card(ticket.id, TEAM, 555)
    stored = await storage.tickets.get(ticket.id)
    assert stored is not None and (stored.card_chat_id, stored.card_message_id) == (TEAM, 555)
    assert await storage.messages.ticket_for_message("telegram", TEAM, 555) == ticket.id


async def test_mark_requester_blocked_by_user(storage: Storage) -> None:
    """Blocking the bot flags all of the user's tickets, and no one else's."""
    a = await _submit(storage, 1)
    b = await _submit(storage, 2)
    assert await storage.tickets.mark_requester_blocked(user=("telegram", 1)) == 1
    assert (await storage.tickets.get(a.id)).requester_blocked is True  # type: ignore[union-attr]
    assert (await storage.tickets.get(b.id)).requester_blocked is False  # type: ignore[union-attr]
    assert await storage.tickets.mark_requester_blocked(ticket_id=b.id) == 1
    with pytest.raises(ValueError):
        await storage.tickets.mark_requester_blocked()


async def test_migrate_chat_moves_cards_and_pending_outbox(storage: Storage) -> None:
    """When the team group becomes a supergroup, cards and pending rows follow the new id."""
    ticket = await _submit(storage)
    await storage.tickets.set_card(ticket.id, TEAM, 1)
    assert await storage.tickets.migrate_chat(TEAM, -100999) == 1
    stored = await storage.tickets.get(ticket.id)
    assert stored is not None and stored.card_chat_id == -100999
    [card] = await storage.outbox.for_ticket(ticket.id)
    assert card.chat_id == -100999 and card.payload["chat_id"] == -100999


# -- messages ----------------------------------------------------------------------------------


async def test_message_links_resolve_replies(storage: Storage) -> None:
    """A linked copy message leads back to its ticket; an unknown message leads nowhere."""
    ticket = await _submit(storage)
    await storage.messages.link("telegram", 70, 12, ticket.id, "team_reply_copy")
    await storage.messages.link("telegram", TEAM, 13, ticket.id, "user_reply_copy")
    assert await storage.messages.ticket_for_message("telegram", 70, 12) == ticket.id
    assert await storage.messages.ticket_for_message("telegram", TEAM, 13) == ticket.id
    assert await storage.messages.ticket_for_message("telegram", TEAM, 12) is None


async def test_messages_are_stored_with_history_events(storage: Storage) -> None:
    """add() stores the text in order and adds a history event pointing at it."""
    ticket = await _submit(storage)
    later = NOW + dt.timedelta(minutes=5)
    out = await storage.messages.add(ticket.id, "to_user", "Hallo!", 1, "Anna", later)
    back = await storage.messages.add(ticket.id, "to_team", "Danke", 7, None, later)
    assert [m.text for m in await storage.messages.for_ticket(ticket.id)] == ["Hallo!", "Danke"]
    events = (await storage.tickets.events(ticket.id))[1:]
    assert [(e.kind, e.message_id) for e in events] == [
        ("message_to_user", out.id), ("message_to_team", back.id)]
    stored = await storage.tickets.get(ticket.id)
    assert stored is not None and stored.updated_at == later
