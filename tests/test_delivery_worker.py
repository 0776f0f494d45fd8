"""The outbox worker against a misbehaving fake Telegram: retries, flood control, blocked users,
migrated groups, timeouts that arrived anyway, and giving up loudly."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from pathlib import Path

import pytest
from telegram import Update

from bot import callbacks
from bot.delivery import OutboxWorker, queue
from bot.tg import jobs
from bot.tg.services import BotContext
from bot.tg.team import chat_check
from tests.test_team_harness import (
    MEMBER,
    REQUESTER,
    TEAM,
    Harness,
    make_settings,
    running_bot,
)

ADMIN = 9001
LATER = {"minutes": 11}  # beyond the backoff cap: every rescheduled row is due again


async def pending_items(bot: Harness, ticket_id: int) -> list[str]:
    return [f"{i.kind}:{i.status}" for i in await bot.services.storage.outbox.for_ticket(ticket_id)]


async def test_server_errors_then_success_give_exactly_one_card(tmp_path: Path) -> None:
    """500, 429, 502 for a while, then the card arrives exactly once."""
    async with running_bot(tmp_path) as bot:
        bot.api.inject(500, method="sendMessage", chat_id=TEAM, times=2)
        bot.api.inject(429, method="sendMessage", chat_id=TEAM, times=2, retry_after=30)
        bot.api.inject(502, method="sendMessage", chat_id=TEAM, times=1)
        ticket = await bot.submit(deliver=False)
        for _ in range(6):
            await bot.deliver()
            bot.clock.advance(**LATER)
        assert len(bot.cards_in_team()) == 1
        sends = [c for c in bot.api.calls_of("sendMessage") if c.params.get("chat_id") == TEAM]
        assert [c.error_code for c in sends] == [500, 500, 429, 429, 502, None]
        assert await pending_items(bot, ticket.id) == ["card:sent"]
        assert (await bot.ticket(ticket.id)).card_message_id == bot.cards_in_team()[0]["message_id"]


async def test_server_error_three_times_then_success(tmp_path: Path) -> None:
    """500 ×3, each retried after a backoff, then one card; no card before the row is due."""
    async with running_bot(tmp_path) as bot:
        bot.api.inject(500, method="sendMessage", chat_id=TEAM, times=3)
        ticket = await bot.submit(deliver=False)
        assert await bot.deliver() == 0
        item = (await bot.services.storage.outbox.for_ticket(ticket.id))[0]
        assert item.attempts == 1 and item.due_at > bot.clock()
        assert "500" in (item.last_error or "") or "Internal" in (item.last_error or "")
        assert await bot.deliver() == 0  # not due yet: nothing is tried
        assert len(bot.api.calls_of("sendMessage")) == 1
        for _ in range(3):
            bot.clock.advance(**LATER)
            await bot.deliver()
        assert len(bot.cards_in_team()) == 1


async def test_retry_after_reschedules_by_that_amount(tmp_path: Path) -> None:
    """429 with retry_after=7: the row is due exactly 7 s later, and is sent then."""
    async with running_bot(tmp_path) as bot:
        bot.api.inject(429, method="sendMessage", chat_id=TEAM, retry_after=7)
        ticket = await bot.submit(deliver=False)
        start = bot.clock()
        await bot.deliver()
        item = (await bot.services.storage.outbox.for_ticket(ticket.id))[0]
        assert item.status == "pending"
        assert item.due_at == start + dt.timedelta(seconds=7)
        bot.clock.advance(seconds=6)
        assert await bot.deliver() == 0
        bot.clock.advance(seconds=1)
        assert await bot.deliver() == 1
        assert len(bot.cards_in_team()) == 1


async def test_blocked_requester_is_marked_and_card_says_so(tmp_path: Path) -> None:
    """Forbidden to the requester: ticket flagged, card shows ⚠️, row failed with its error."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        bot.api.block(REQUESTER)
        await bot.press(MEMBER, bot.card(ticket), callbacks.card(ticket.id, "take"))
        await bot.deliver()
        current = await bot.ticket(ticket.id)
        assert current.requester_blocked
        assert "hat den Bot blockiert" in bot.card(current)["text"]
        items = await bot.services.storage.outbox.for_ticket(ticket.id)
        failed = [i for i in items if i.kind == "to_user"]
        assert [i.status for i in failed] == ["failed"]
        assert "Forbidden" in (failed[0].last_error or "")


async def test_team_reply_to_blocked_requester_is_acknowledged_as_undelivered(
        tmp_path: Path) -> None:
    """The team member learns that the reply did not arrive."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        bot.api.block(REQUESTER)
        await bot.team_says(MEMBER, "Hallo?", reply_to=bot.card(ticket)["message_id"])
        await bot.deliver()
        assert any("Nicht zugestellt" in t and "blockiert" in t for t in bot.team_texts())


async def test_chat_migration_is_followed(tmp_path: Path) -> None:
    """ChatMigrated: services, stored cards and the row follow the new id, sent at once."""
    async with running_bot(tmp_path) as bot:
        old = await bot.submit()
        bot.api.migrate_chat(TEAM, -100777)
        ticket = await bot.submit(user_id=43)
        assert bot.services.team_chat_id == -100777
        assert ticket.card_chat_id == -100777
        assert len(bot.cards_in_team()) == 1  # in the new chat
        assert (await bot.ticket(old.id)).card_chat_id == -100777
        assert await pending_items(bot, ticket.id) == ["card:sent"]


async def test_migration_service_message_is_followed(tmp_path: Path) -> None:
    """The "group upgraded" service message in the team chat moves everything to the new id."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        update = Update.de_json({"update_id": 900, "message": {
            "message_id": 99, "date": 0, "chat": {"id": TEAM, "type": "group", "title": "Team"},
            "from": {"id": MEMBER, "is_bot": False, "first_name": "Tom"},
            "migrate_to_chat_id": -100888}}, bot.app.bot)
        context = BotContext.from_update(update, bot.app)
        await chat_check.on_chat_migrated(update, context)
        assert bot.services.team_chat_id == -100888
        assert (await bot.ticket(ticket.id)).card_chat_id == -100888


async def test_card_update_after_migration_reposts_missing_card(tmp_path: Path) -> None:
    """An old card that cannot be edited in the new supergroup is posted there anew."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        bot.api.migrate_chat(TEAM, -100777)
        await bot.submit(user_id=43)  # discovers the migration
        await queue.enqueue_card_update(bot.services, await bot.ticket(ticket.id))
        await bot.deliver()
        moved = await bot.ticket(ticket.id)
        assert moved.card_chat_id == -100777
        assert bot.api.message(-100777, moved.card_message_id or 0) is not None


async def test_timeout_that_arrived_leaves_one_card_after_first_press(tmp_path: Path) -> None:
    """A send that timed out but arrived causes a retry; the duplicate goes on first touch."""
    async with running_bot(tmp_path) as bot:
        bot.api.inject_timeout(method="sendMessage", chat_id=TEAM, after_effect=True)
        ticket = await bot.submit(deliver=False)
        await bot.deliver()
        assert len(bot.cards_in_team()) == 1
        assert (await bot.ticket(ticket.id)).card_message_id is None  # not confirmed
        bot.clock.advance(**LATER)
        await bot.deliver()
        cards = bot.cards_in_team()
        assert len(cards) == 2  # the Bot API cannot tell the bot about the first one
        ghost, real = cards
        assert (await bot.ticket(ticket.id)).card_message_id == real["message_id"]
        answer = await bot.press(MEMBER, ghost, callbacks.card(ticket.id, "take"))
        assert answer == bot.services.texts.plain("card_answer_duplicate")
        await bot.deliver()
        remaining = bot.cards_in_team()
        assert [c["message_id"] for c in remaining] == [real["message_id"]]
        assert "übernommen von Tom" in remaining[0]["text"]


async def test_press_on_unconfirmed_card_adopts_it_so_no_second_card(tmp_path: Path) -> None:
    """Pressed before the retry, the arrived card becomes the ticket's card: no repost."""
    async with running_bot(tmp_path) as bot:
        bot.api.inject_timeout(method="sendMessage", chat_id=TEAM, after_effect=True)
        ticket = await bot.submit(deliver=False)
        await bot.deliver()
        arrived = bot.cards_in_team()[0]
        await bot.press(MEMBER, arrived, callbacks.card(ticket.id, "take"))
        bot.clock.advance(**LATER)
        await bot.deliver()
        cards = bot.cards_in_team()
        assert len(cards) == 1
        assert "übernommen von Tom" in cards[0]["text"]


async def test_reply_to_unconfirmed_card_still_reaches_requester(tmp_path: Path) -> None:
    """A duplicate card is recognised by its buttons, so replies to it are not lost."""
    async with running_bot(tmp_path) as bot:
        bot.api.inject_timeout(method="sendMessage", chat_id=TEAM, after_effect=True)
        await bot.submit(deliver=False)
        await bot.deliver()
        ghost = bot.cards_in_team()[0]
        await bot.team_says(MEMBER, "Rückfrage", reply_to=ghost["message_id"])
        bot.clock.advance(**LATER)
        await bot.deliver()
        assert any("Rückfrage" in t for t in bot.user_texts())


async def test_existing_card_is_edited_not_posted_again(tmp_path: Path) -> None:
    """A repeated card row for a ticket whose card is confirmed edits that card."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        await bot.services.storage.outbox.enqueue("card", TEAM, {"chat_id": TEAM}, bot.clock(),
                                                  ticket.id)
        assert await bot.deliver() == 1
        assert len(bot.cards_in_team()) == 1


async def test_not_modified_counts_as_delivered(tmp_path: Path) -> None:
    """Re-rendering an unchanged card ("message is not modified") is a success."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        await queue.enqueue_card_update(bot.services, ticket)
        assert await bot.deliver() == 1
        items = await bot.services.storage.outbox.for_ticket(ticket.id)
        assert [i.status for i in items] == ["sent", "sent"]


async def test_gives_up_after_max_attempts_and_alerts_admins(tmp_path: Path) -> None:
    """Endless 500s: after the last try the row is failed, admins are alerted, /offen shows it."""
    settings = make_settings(tmp_path, admins=[ADMIN])
    async with running_bot(tmp_path, settings=settings) as bot:
        bot.api.add_chat({"id": ADMIN, "type": "private", "first_name": "Admin"})
        bot.api.inject(500, method="sendMessage", chat_id=TEAM, times=1000)
        ticket = await bot.submit(deliver=False)
        for _ in range(bot.worker.max_attempts + 2):
            await bot.deliver()
            bot.clock.advance(**LATER)
        item = (await bot.services.storage.outbox.for_ticket(ticket.id))[0]
        assert item.status == "failed" and item.attempts == bot.worker.max_attempts
        alerts = [m["text"] for m in bot.api.sent_to(ADMIN)]
        assert len(alerts) == 1 and ticket.ref in alerts[0] and "card" in alerts[0]


async def test_forbidden_team_chat_fails_and_alerts(tmp_path: Path) -> None:
    """The bot removed from the team group: card row failed (kept), admins alerted."""
    settings = make_settings(tmp_path, admins=[ADMIN])
    async with running_bot(tmp_path, settings=settings) as bot:
        bot.api.add_chat({"id": ADMIN, "type": "private", "first_name": "Admin"})
        bot.api.remove_from_chat(TEAM)
        ticket = await bot.submit(deliver=False)
        await bot.deliver()
        item = (await bot.services.storage.outbox.for_ticket(ticket.id))[0]
        assert item.status == "failed" and "Forbidden" in (item.last_error or "")
        assert len(bot.api.sent_to(ADMIN)) == 1


async def test_background_loop_delivers_when_woken(tmp_path: Path) -> None:
    """With the loop running, wake_outbox() after enqueueing delivers without a manual pass."""
    async with running_bot(tmp_path) as bot:
        arrived = asyncio.Event()
        loop = asyncio.get_running_loop()
        bot.api.add_listener(lambda: loop.call_soon_threadsafe(arrived.set)
                             if bot.cards_in_team() else None)
        bot.worker.start()
        try:
            await bot.submit(deliver=False)
            bot.services.wake_outbox()
            await asyncio.wait_for(arrived.wait(), timeout=10)
        finally:
            await bot.worker.stop()
        assert len(bot.cards_in_team()) == 1
        assert not bot.worker.running


async def test_digest_lists_old_open_tickets(tmp_path: Path) -> None:
    """The daily digest names tickets open for at least digest_after_days, not newer ones."""
    async with running_bot(tmp_path) as bot:
        old = await bot.submit()
        bot.clock.advance(days=3)
        new = await bot.submit(user_id=43)
        assert await jobs.send_digest(bot.services)
        await bot.deliver()
        digest = bot.team_texts()[-1]
        assert "Seit mindestens 3 Tagen offen: 1" in digest
        assert old.ref in digest and new.ref not in digest


async def test_digest_is_skipped_when_nothing_is_old(tmp_path: Path) -> None:
    """No old tickets, no digest message."""
    async with running_bot(tmp_path) as bot:
        await bot.submit()
        assert not await jobs.send_digest(bot.services)


async def test_draft_reminder_once_then_expiry(tmp_path: Path) -> None:
    """A draft near expiry is reminded once; after expiry it is deleted and the user told."""
    async with running_bot(tmp_path) as bot:
        bot.add_requester()
        drafts = bot.services.storage.drafts
        await drafts.create(REQUESTER, REQUESTER, "organisation", bot.clock(), dt.timedelta(days=7))
        bot.clock.advance(days=6, hours=1)
        assert await jobs.remind_drafts(bot.services) == 1
        assert await jobs.remind_drafts(bot.services) == 0
        await bot.deliver()
        reminders = [t for t in bot.user_texts() if t.startswith("Erinnerung")]
        assert len(reminders) == 1 and "09.03.2026 um 10:30 Uhr" in reminders[0]
        bot.clock.advance(days=1)
        assert await jobs.expire_drafts(bot.services) == 1
        await bot.deliver()
        assert await drafts.get(REQUESTER) is None
        assert "länger als 7 Tage" in bot.user_texts()[-1]
        assert await jobs.expire_drafts(bot.services) == 0


async def test_failing_job_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    """A job whose work raises logs the error and returns normally."""

    async def broken() -> None:
        raise RuntimeError("database gone")

    callback = jobs.guarded_job("digest", broken)
    with caplog.at_level(logging.ERROR, logger="bot.tg.jobs"):
        await callback(None)  # type: ignore[arg-type]
    assert "job digest failed" in caplog.text


async def test_retry_survives_a_wall_clock_set_back(tmp_path: Path) -> None:
    """A row rescheduled before the wall clock is set back a day does not wait for the old time:
    it is due again within its own backoff of the corrected clock."""
    async with running_bot(tmp_path) as bot:
        bot.api.inject(500, method="sendMessage", chat_id=TEAM, times=1)
        ticket = await bot.submit(deliver=False)
        await bot.deliver()
        item = (await bot.services.storage.outbox.for_ticket(ticket.id))[0]
        assert item.attempts == 1 and item.status == "pending"
        bot.clock.now -= dt.timedelta(days=1)  # NTP corrects a clock that ran a day ahead
        assert await bot.deliver() == 0  # not due yet, but pulled in
        item = (await bot.services.storage.outbox.for_ticket(ticket.id))[0]
        assert item.due_at <= bot.clock() + dt.timedelta(seconds=2)
        bot.clock.advance(seconds=2)
        assert await bot.deliver() == 1
        assert len(bot.cards_in_team()) == 1


async def test_flood_control_longer_than_the_backoff_cap_is_capped(tmp_path: Path) -> None:
    """retry_after of two hours schedules the next try at most ten minutes ahead, so a row
    due later than that can only come from a clock set back."""
    async with running_bot(tmp_path) as bot:
        bot.api.inject(429, method="sendMessage", chat_id=TEAM, retry_after=7200)
        ticket = await bot.submit(deliver=False)
        start = bot.clock()
        await bot.deliver()
        item = (await bot.services.storage.outbox.for_ticket(ticket.id))[0]
        assert item.due_at == start + dt.timedelta(minutes=10)


async def test_rows_scheduled_by_a_clock_that_ran_ahead_are_pulled_in_at_start(
        tmp_path: Path) -> None:
    """A row left by a run whose clock was a day ahead is due at the next start, not in a day."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit(deliver=False)
        outbox = bot.services.storage.outbox
        item = (await outbox.for_ticket(ticket.id))[0]
        await outbox.reschedule(item.id, bot.clock() + dt.timedelta(days=1), "500 earlier")
        fresh = OutboxWorker(bot.app.bot, bot.services)  # the first pass after a start
        assert await fresh.run_once() == 0
        bot.clock.advance(seconds=2)  # the backoff after one failed try is at most 2 s
        assert await fresh.run_once() == 1
        assert len(bot.cards_in_team()) == 1
