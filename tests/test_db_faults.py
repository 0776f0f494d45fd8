"""A database that cannot be written (full disk, injected as SQLite's own error): cards are
never sent twice, one row never blocks the others, the bot recovers without a restart, users get
a specific message and the team is alerted once per episode, directly (not via the outbox)."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot import callbacks
from bot.config import LimitSettings
from bot.storage.health import is_storage_fault
from tests.db_faults import FullDisk, Monotonic, disk_full
from tests.test_dialogue_handlers import buttons, consultation_until_summary, press
from tests.test_team_harness import (
    MEMBER,
    REQUESTER,
    Harness,
    make_settings,
    request_data,
    running_bot,
)

ALERT = "Störung: Die Datenbank"
RECOVERED = "Die Datenbank arbeitet wieder"
LATER = 700.0  # seconds: beyond any backoff, so every held row is due again


async def until(predicate: Callable[[], object], timeout: float = 5.0) -> bool:
    """Wait for a condition (alerts are sent by a task of their own), with a deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.01)
    return bool(predicate())


@contextmanager
def full_disk(h: Harness) -> Iterator[tuple[FullDisk, Monotonic]]:
    disk = FullDisk(h.services.storage.db)
    clock = Monotonic()
    h.worker.monotonic = clock
    yield disk, clock
    disk.full = False


def team_count(h: Harness, fragment: str) -> int:
    return sum(fragment in t for t in h.team_texts())


async def outbox_states(h: Harness, ticket_id: int) -> list[str]:
    return [f"{i.kind}:{i.status}" for i in await h.services.storage.outbox.for_ticket(ticket_id)]


async def test_card_is_sent_once_while_the_database_cannot_record_it(tmp_path: Path) -> None:
    """The card goes out, storing its message id fails: no second copy however often the worker
    runs; when the disk frees up, the id is stored and the row marked sent, without a restart."""
    async with running_bot(tmp_path) as h:
        ticket = await h.submit(deliver=False)
        with full_disk(h) as (disk, clock):
            disk.full = True
            for _ in range(9):
                await h.deliver()
                clock.advance(LATER)
                h.clock.advance(seconds=LATER)
            assert len(h.cards_in_team()) == 1
            assert (await h.ticket(ticket.id)).card_message_id is None  # not recorded yet
            disk.full = False
            await h.deliver()
            await h.deliver()
        assert len(h.cards_in_team()) == 1
        stored = await h.ticket(ticket.id)
        assert stored.card_message_id == h.cards_in_team()[0]["message_id"]
        assert await outbox_states(h, ticket.id) == ["card:sent"]


async def test_a_row_that_cannot_be_recorded_does_not_block_the_others(tmp_path: Path) -> None:
    """Three cards waiting on a full disk: each is sent exactly once in the first pass."""
    async with running_bot(tmp_path) as h:
        tickets = [await h.submit(request_data(organisation_label=f"Gemeinde {n}"), user_id=100 + n,
                                  deliver=False) for n in range(3)]
        with full_disk(h) as (disk, clock):
            disk.full = True
            assert await h.deliver() == 3
            disk.full = False
            clock.advance(LATER)
            await h.deliver()
        assert len(h.cards_in_team()) == 3
        for ticket in tickets:
            assert await outbox_states(h, ticket.id) == ["card:sent"]


async def test_a_card_edit_waits_for_the_card_that_is_not_recorded_yet(tmp_path: Path) -> None:
    """A status change while the card's id is only in memory edits that card, never posts one."""
    async with running_bot(tmp_path) as h:
        ticket = await h.submit(deliver=False)
        with full_disk(h) as (disk, clock):
            disk.full = True
            await h.deliver()
            disk.full = False
            # The card's id is still only in memory (its write waits for the backoff).
            await h.press(MEMBER, h.cards_in_team()[0], callbacks.card(ticket.id, "take"),
                          first_name="Tina")
            await h.deliver()
            clock.advance(LATER)
            await h.deliver()
        cards = h.cards_in_team()
        assert len(cards) == 1
        assert "Tina" in cards[0]["text"]
        assert (await h.ticket(ticket.id)).card_message_id == cards[0]["message_id"]


async def test_team_is_alerted_once_per_episode_and_told_when_it_works_again(
        tmp_path: Path) -> None:
    """Many failed writes send one alert straight to the team chat; the first write that
    commits afterwards sends one note that the database works again."""
    async with running_bot(tmp_path) as h:
        await h.submit(deliver=False)
        with full_disk(h) as (disk, clock):
            disk.full = True
            for _ in range(3):
                await h.deliver()
                clock.advance(LATER)
            for text in ("/anfrage", "/anfrage"):
                await h.user_says(text)
            assert await until(lambda: team_count(h, ALERT) == 1)
            assert "database or disk is full" in next(t for t in h.team_texts() if ALERT in t)
            disk.full = False
            await h.deliver()  # the worker's probe or its retried write proves it
            assert await until(lambda: team_count(h, RECOVERED) == 1)
            assert team_count(h, ALERT) == 1
            disk.full = True  # a second episode is a new alert
            await h.user_says("/anfrage")
            assert await until(lambda: team_count(h, ALERT) == 2)


async def test_worker_probe_notices_recovery_without_any_pending_row(tmp_path: Path) -> None:
    """Nothing to deliver: the worker's probe write still finds out that the disk is free."""
    async with running_bot(tmp_path) as h:
        with full_disk(h) as (disk, _):
            disk.full = True
            await h.user_says("/anfrage")
            assert h.services.storage.db.health.failing
            disk.full = False
            await h.deliver()
            assert not h.services.storage.db.health.failing
            assert await until(lambda: team_count(h, RECOVERED) == 1)


def user_texts(h: Harness) -> list[str]:
    return h.user_texts(REQUESTER)


async def test_user_without_draft_is_told_nothing_could_be_stored(tmp_path: Path) -> None:
    """/anfrage on a full disk: a specific message, and no promise that data is kept."""
    async with running_bot(tmp_path) as h:
        h.add_requester()
        with full_disk(h) as (disk, _):
            disk.full = True
            await h.user_says("/anfrage")
        last = user_texts(h)[-1]
        assert "technischen Störung" in last
        assert "nicht verloren" not in last


async def test_user_with_a_stored_draft_is_told_it_is_not_lost(tmp_path: Path) -> None:
    """An answer in the dialogue that cannot be saved: the draft is still stored, so the user
    hears "Ihre bisherigen Angaben sind nicht verloren" and can resume afterwards."""
    async with running_bot(tmp_path) as h:
        h.add_requester()
        await h.user_says("/anfrage")
        draft = await h.services.storage.drafts.get(REQUESTER)
        assert draft is not None
        with full_disk(h) as (disk, _):
            disk.full = True
            await h.user_says("Wir brauchen neue Ideen für Ehrenamtliche.")
        assert "nicht verloren" in user_texts(h)[-1]
        assert await h.services.storage.drafts.get(REQUESTER) == draft
        await h.user_says("/anfrage")
        assert "Worum geht es Ihnen?" in "".join(user_texts(h)[-2:])


async def test_submission_on_a_full_disk_keeps_the_draft_for_a_later_submit(
        tmp_path: Path) -> None:
    """"Absenden" while nothing can be written: no reference, the user hears that the draft is
    kept; once the disk is free, /anfrage returns to the summary and the submit works, one card."""
    settings = make_settings(tmp_path).model_copy(
        update={"limits": LimitSettings(burst=100, per_minute=1000)})  # many steps at once
    async with running_bot(tmp_path, settings=settings) as h:
        h.add_requester()
        await consultation_until_summary(h)
        with full_disk(h) as (disk, _):
            disk.full = True
            await press(h, "Absenden")
            assert "nicht verloren" in user_texts(h)[-1]
            assert await h.services.storage.tickets.get_by_draft(
                (await h.services.storage.drafts.get(REQUESTER) or _no_draft()).id) is None
        await h.user_says("/anfrage")
        assert "Bitte prüfen Sie Ihre Anfrage" in user_texts(h)[-1]
        await press(h, "Absenden")
        assert "Ihre Anfrage ist eingegangen" in "".join(user_texts(h)[-2:])
        await h.deliver()
        assert len(h.cards_in_team()) == 1


def _no_draft() -> Any:
    raise AssertionError("the draft is gone")


def test_only_file_and_disk_errors_count_as_database_faults(tmp_path: Path) -> None:
    """A full disk or a garbage file is a fault (alert, hold, retry); a missing table or a
    broken constraint is a bug in the SQL and is not reported as a broken database."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (x INTEGER UNIQUE)")
    conn.execute("INSERT INTO t VALUES (1)")
    bugs = []
    for sql in ("SELECT * FROM nope", "INSERT INTO t VALUES (1)"):
        try:
            conn.execute(sql)
        except sqlite3.Error as exc:
            bugs.append(exc)
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"\x42" * 4096)
    try:
        sqlite3.connect(garbage).execute("SELECT * FROM sqlite_master")
    except sqlite3.DatabaseError as exc:
        broken = exc
    assert [is_storage_fault(exc) for exc in bugs] == [False, False]
    assert is_storage_fault(broken)
    assert is_storage_fault(disk_full())


async def test_a_button_pressed_on_a_full_disk_is_answered(tmp_path: Path) -> None:
    """A press whose handler fails on the database still gets its callback answered, so the
    button's spinner stops in the user's app, and the user gets the fault text."""
    async with running_bot(tmp_path) as h:
        h.add_requester()
        await h.user_says("/anfrage")
        message = h.api.sent_to(REQUESTER)[-1]
        data = next(d for text, d in buttons(message) if "Beratung für Kommunen" in text)
        with full_disk(h) as (disk, _):
            disk.full = True
            update = h.factory.callback(REQUESTER, message, data)
            await h.process(update)
        assert update["callback_query"]["id"] in h.api.callback_answers
        assert "technischen Störung" in user_texts(h)[-1]


async def test_a_card_button_pressed_on_a_full_disk_is_answered_with_a_notice(
        tmp_path: Path) -> None:
    """A team member's press on a card that fails on the database gets a short notice as the
    callback answer (there is no private chat to explain it in)."""
    async with running_bot(tmp_path) as h:
        ticket = await h.submit()
        card = h.card(ticket)
        data = next(d for _, d in buttons(card))
        with full_disk(h) as (disk, _):
            disk.full = True
            answer = await h.press(MEMBER, card, data)
        assert answer is not None and "schiefgegangen" in answer
