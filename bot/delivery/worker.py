"""The outbox worker: delivers due outbox rows to Telegram, one at a time, and decides what a
failure means (see errors.classify). Nothing is dropped: a row ends 'sent' or 'failed' with its
error, and a failure that needs a human is logged and sent to the admins.

Duplicate cards. A card is sent again only when no earlier attempt was confirmed. After an
error answer (5xx, 429, …) Telegram stored nothing, so the retry yields exactly one card. After a
*timeout* the first attempt may have been stored anyway, and the Bot API offers no way to find
out; the retry then posts a second card. Only the confirmed one is linked to the ticket; the
other ("ghost") carries the same buttons, and the team handlers recognise it by its buttons:
a press on it is applied to the ticket and the ghost is deleted, a reply to it reaches the
requester. Once a card is confirmed, every later attempt edits it instead of posting again.

Database faults (full disk, read-only file, I/O error). What Telegram confirmed is remembered in
memory until the database records it: a delivered row is never sent again, whatever the database
says afterwards; its writes (card link, 'sent') are retried with a backoff. A row whose handling
hit a fault before anything was sent waits in memory with a backoff too, and the pass goes on
with the other rows. While the database fails, each pass probes it with a tiny write, so the
worker notices when the disk takes writes again (and the team hears it, see tg/db_alerts.py).

Clock corrections. No retry is scheduled further ahead than errors.BACKOFF_CAP. A row due later
than that must come from a wall clock set back; it is pulled in to now plus its own backoff, so
it does not wait until the old time returns. The worker looks for such rows at its first pass and
whenever the wall clock advanced less than the monotonic clock since the last pass (one query
then, none otherwise). In-memory waits use the monotonic clock.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, TelegramError

from bot.conversation.model import UserKey
from bot.delivery import queue
from bot.delivery.errors import (
    BACKOFF_CAP,
    Verdict,
    backoff,
    backoff_ceiling,
    classify,
    is_missing_message,
)
from bot.delivery.keyboard import keyboard
from bot.delivery.migration import follow_migration
from bot.delivery.pass_loop import PassLoop
from bot.delivery.redaction import redact
from bot.delivery.web_outbound import WebRowOutbound
from bot.services import Services
from bot.storage.health import is_storage_fault
from bot.storage.models import OutboxItem, Ticket
from bot.storage.team_posts import PostRef
from bot.team.cards import render_card

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10  # transient failures before giving up (~1.5 h with the 10-minute cap)
POLL_SECONDS = 5.0
MIN_WAIT_SECONDS = 0.2
BATCH = 50
STOP_GRACE_SECONDS = 10.0  # let a send in flight finish (and be recorded) before cancelling
CLOCK_SLACK_SECONDS = 1.0  # the wall clock lagging the monotonic one by more: it was set back


class _Wait(Exception):
    """The row cannot be delivered yet (no team chat configured): leave it pending."""


Result = dict[str, Any] | None
Write = Callable[[], Awaitable[object]]


@dataclass
class _Attempt:
    """One try of one row: where the call went (a ChatMigrated is attributed to that chat), and
    once Telegram confirmed it, what is left to write down."""

    chat_id: int | None = None
    delivered: bool = False
    result: Result = None
    writes: list[Write] = field(default_factory=list)

    def confirmed(self, result: Result, *writes: Write) -> Result:
        """Telegram took the message: from here on the row must never be sent again."""
        self.delivered = True
        self.result = result
        self.writes.extend(writes)
        return result


@dataclass
class _Unrecorded:
    """A delivered row whose writes failed; kept until the database takes them."""

    writes: list[Write]
    result: Result
    card: tuple[int, int, int] | None = None  # (ticket_id, chat_id, message_id) of a new card
    failures: int = 0
    not_before: float = 0.0  # monotonic


@dataclass
class _Held:
    """A row whose handling hit a database fault before anything was sent."""

    failures: int = 0
    not_before: float = 0.0  # monotonic
Handler = Callable[[OutboxItem, _Attempt], Awaitable[Result]]


class OutboxWorker(PassLoop):
    def __init__(self, bot: Bot, services: Services, *, poll_seconds: float = POLL_SECONDS,
                 max_attempts: int = MAX_ATTEMPTS, rng: random.Random | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__(name="outbox-worker", poll_seconds=poll_seconds,
                         stop_grace=STOP_GRACE_SECONDS)
        self.bot = bot
        self.services = services
        self.max_attempts = max_attempts
        self.rng = rng or random.Random()
        self.monotonic = monotonic
        self._unrecorded: dict[int, _Unrecorded] = {}
        self._held: dict[int, _Held] = {}
        self._last_clocks: tuple[dt.datetime, float] | None = None
        self._lock = asyncio.Lock()
        self._handlers: dict[str, Handler] = {
            queue.CARD: self._card,
            queue.CARD_UPDATE: self._card_update,
            queue.TO_USER: self._to_user,
            queue.TO_TEAM: self._to_team,
            queue.ALERT: self._alert_item,
            queue.REDACT: self._redact,
            queue.TO_WEB: self._to_web,
        }

    # -- running -------------------------------------------------------------------------------

    def _pass_failed(self, exc: Exception) -> None:
        log.error("outbox worker pass failed", exc_info=exc)

    def _stop_timed_out(self) -> None:
        log.warning("outbox worker did not stop in time; cancelling it")

    async def _after_stop(self) -> None:
        self._stopping = False  # run_once() may still be called by hand (tests, shutdown)
        await self._record_before_exit()

    async def _record_before_exit(self) -> None:
        """Last try to write down delivered rows; what is left may be sent again after a restart."""
        for item_id in list(self._unrecorded):
            await self._record(item_id)
        if self._unrecorded:
            log.error("outbox rows %s were delivered but could not be recorded (database fault);"
                      " they may be sent again after a restart", sorted(self._unrecorded))

    async def _seconds_to_next(self) -> float:
        waiting: list[_Unrecorded | _Held] = [*self._unrecorded.values(), *self._held.values()]
        due = await self.services.storage.outbox.next_due_at(exclude=self._in_memory())
        seconds = self.poll_seconds
        if due is not None:
            seconds = (due - self.services.clock()).total_seconds()
        for entry in waiting:
            seconds = min(seconds, entry.not_before - self.monotonic())
        return min(max(seconds, MIN_WAIT_SECONDS), self.poll_seconds)

    def _in_memory(self) -> set[int]:
        return set(self._unrecorded) | set(self._held)

    async def run_once(self) -> int:
        """Deliver every row due now (and rows queued meanwhile); returns how many were sent.

        Rows waiting in memory (delivered but unrecorded, or held after a database fault) are
        never sent from the database's copy; a fault on one row never ends the pass.
        """
        async with self._lock:
            sent = 0
            await self._record_delivered()
            if self.services.storage.db.health.failing:
                await self.services.storage.db.probe()
            outbox = self.services.storage.outbox
            if self._clock_went_back():
                await self._pull_in_far_future()
            tried: set[int] = set()
            while True:
                now = self.services.clock()
                due = await outbox.due(now, BATCH, exclude=tried | self._in_memory())
                if not due:
                    return sent
                for item in due:
                    if self._stopping:
                        return sent
                    tried.add(item.id)
                    try:
                        delivered = await self._deliver(item)
                    except Exception as exc:  # a database fault: hold this row, go on
                        self._hold(item, exc)
                        continue
                    self._held.pop(item.id, None)
                    if delivered:
                        sent += 1

    def _hold(self, item: OutboxItem, exc: Exception) -> None:
        held = self._held.setdefault(item.id, _Held())
        held.failures += 1
        held.not_before = self.monotonic() + self._retry_seconds(held.failures)
        log.warning("outbox %d: %s while handling it, held for %.0f s", item.id,
                    type(exc).__name__, held.not_before - self.monotonic(),
                    exc_info=not is_storage_fault(exc))

    def _retry_seconds(self, failures: int) -> float:
        return backoff(failures - 1, self.rng).total_seconds()

    async def _record_delivered(self) -> None:
        """Retry the writes of delivered rows; release held rows whose wait is over."""
        now = self.monotonic()
        for item_id, held in list(self._held.items()):
            if held.not_before <= now:
                del self._held[item_id]  # it is tried from the database's copy again
        for item_id, entry in list(self._unrecorded.items()):
            if entry.not_before <= now:
                await self._record(item_id)

    async def _record(self, item_id: int) -> bool:
        """Write down a delivered row (card link, 'sent'); on a fault keep it in memory."""
        entry = self._unrecorded[item_id]
        try:
            while entry.writes:
                await entry.writes[0]()
                entry.writes.pop(0)
            await self.services.storage.outbox.mark_sent(item_id, self.services.clock(),
                                                         entry.result)
        except Exception as exc:
            entry.failures += 1
            entry.not_before = self.monotonic() + self._retry_seconds(entry.failures)
            log.warning("outbox %d delivered, but recording it failed (%s); kept in memory",
                        item_id, type(exc).__name__, exc_info=not is_storage_fault(exc))
            return False
        del self._unrecorded[item_id]
        return True

    def _clock_went_back(self) -> bool:
        """Compare the wall clock's progress with the monotonic clock's since the last pass."""
        wall, mono = self.services.clock(), self.monotonic()
        last, self._last_clocks = self._last_clocks, (wall, mono)
        if last is None:
            return True  # the clock may have been corrected while the bot was stopped
        return (wall - last[0]).total_seconds() < (mono - last[1]) - CLOCK_SLACK_SECONDS

    async def _pull_in_far_future(self) -> None:
        """Rows due beyond any delay the worker sets: the wall clock was set back."""
        now = self.services.clock()
        outbox = self.services.storage.outbox
        for item in await outbox.due_after(now + BACKOFF_CAP):
            due = now + backoff_ceiling(item.attempts)
            await outbox.set_due(item.id, due)
            log.warning("outbox %d was due %s, after a clock correction due %s", item.id,
                        item.due_at.isoformat(), due.isoformat())

    def _memory_card(self, ticket_id: int) -> tuple[int, int] | None:
        """(chat_id, message_id) of a card that was posted but is not stored yet."""
        for entry in self._unrecorded.values():
            if entry.card is not None and entry.card[0] == ticket_id:
                return entry.card[1], entry.card[2]
        return None

    # -- one row -------------------------------------------------------------------------------

    async def _deliver(self, item: OutboxItem, *, migrated: bool = False) -> bool:
        handler = self._handlers.get(item.kind)
        if handler is None:
            await self._give_up(item, f"unknown outbox kind {item.kind!r}")
            return False
        attempt = _Attempt()
        try:
            result = await handler(item, attempt)
        except _Wait:
            return False
        except Exception as exc:  # classified below; unknown ones fail the row, never the loop
            if not attempt.delivered:
                if is_storage_fault(exc):
                    raise  # not Telegram's answer: run_once holds the row in memory
                return await self._failed_attempt(item, attempt, classify(exc), exc, migrated)
            log.error("outbox %d delivered, then %s", item.id, type(exc).__name__,
                      exc_info=not is_storage_fault(exc))
            result = attempt.result
        return await self._delivered(item, attempt, result)

    async def _delivered(self, item: OutboxItem, attempt: _Attempt, result: Result) -> bool:
        """Remember the delivery in memory first, then write it down (see the module doc)."""
        card = None
        if item.kind in (queue.CARD, queue.CARD_UPDATE) and result and not result.get("edited"):
            message_id = result.get("message_id")
            if isinstance(message_id, int) and attempt.chat_id is not None and item.ticket_id:
                card = (item.ticket_id, attempt.chat_id, message_id)
        self._unrecorded[item.id] = _Unrecorded(attempt.writes, result, card)
        log.info("outbox %d delivered kind=%s ticket=%s", item.id, item.kind, item.ticket_id)
        await self._record(item.id)
        return True

    async def _failed_attempt(self, item: OutboxItem, attempt: _Attempt, verdict: Verdict,
                              exc: Exception, migrated: bool) -> bool:
        outbox = self.services.storage.outbox
        now = self.services.clock()
        if verdict.action == "sent":
            await outbox.mark_sent(item.id, now, {"unchanged": True})
            return True
        if verdict.action == "migrated" and verdict.new_chat_id is not None:
            old = attempt.chat_id if attempt.chat_id is not None else item.chat_id
            await follow_migration(self.services, old, verdict.new_chat_id)
            refreshed = await outbox.get(item.id)
            if not migrated and refreshed is not None and refreshed.status == "pending":
                return await self._deliver(refreshed, migrated=True)  # retry at once
            await outbox.reschedule(item.id, now, verdict.reason)
            return False
        if verdict.action == "retry":
            if verdict.delay is not None:  # RetryAfter: Telegram said when; does not count
                await outbox.reschedule(item.id, now + verdict.delay, verdict.reason)
                log.info("outbox %d: flood control, retry in %s", item.id, verdict.delay)
                return False
            if item.attempts + 1 >= self.max_attempts:
                await self._give_up(item, verdict.reason)
                return False
            delay = backoff(item.attempts, self.rng)
            await outbox.reschedule(item.id, now + delay, verdict.reason)
            log.info("outbox %d: %s, retry in %s%s", item.id, type(exc).__name__, delay,
                     " (may have been delivered)" if verdict.uncertain else "")
            return False
        if verdict.action == "blocked" and item.kind == queue.TO_USER:
            await outbox.mark_failed(item.id, verdict.reason, now)
            await self._requester_blocked(item)
            return False
        if item.kind == queue.CARD_UPDATE and is_missing_message(exc):
            return await self._repost_card(item)
        await self._give_up(item, verdict.reason)
        return False

    async def _give_up(self, item: OutboxItem, reason: str) -> None:
        """Permanent failure: the row stays 'failed' with its reason; log and alert the admins."""
        services = self.services
        await services.storage.outbox.mark_failed(item.id, reason, services.clock())
        log.error("outbox %d given up: kind=%s ticket=%s chat=%s reason=%s",
                  item.id, item.kind, item.ticket_id, item.chat_id, reason)
        if item.kind == queue.ALERT:
            return  # an alert about an alert would loop
        ticket = await services.storage.tickets.get(item.ticket_id) if item.ticket_id else None
        text = services.texts.render("team_alert", kind=item.kind,
                                     ref=ticket.ref if ticket else "–",
                                     attempts=item.attempts + 1, reason=reason)
        if await queue.enqueue_alerts(services, text):
            services.wake_outbox()
        if item.kind == queue.TO_USER:
            await self._ack(item, "team_reply_failed", ticket)

    async def _requester_blocked(self, item: OutboxItem) -> None:
        """Forbidden from a requester: flag their tickets and show it on the cards."""
        tickets = self.services.storage.tickets
        ticket = await tickets.get(item.ticket_id) if item.ticket_id else None
        log.info("outbox %d: requester blocked the bot (ticket %s)", item.id, item.ticket_id)
        if ticket is None or ticket.user_id is None:
            return
        await tickets.mark_requester_blocked(user=(ticket.channel, ticket.user_id))
        for flagged in await tickets.list_for_user(ticket.channel, ticket.user_id):
            if flagged.requester_blocked and flagged.card_message_id is not None:
                await queue.enqueue_card_update(self.services, flagged)
        await self._ack(item, "team_reply_blocked", ticket)

    async def _ack(self, item: OutboxItem, key: str, ticket: Ticket | None) -> None:
        """Best effort: tell the team member whose reply this was how its delivery went."""
        ack = item.payload.get("ack")
        chat = self.services.team_chat_id
        if not isinstance(ack, dict) or chat is None or ticket is None:
            return
        try:
            await self.bot.send_message(
                chat, self.services.texts.render(key, ref=ticket.ref), parse_mode=ParseMode.HTML,
                reply_parameters=ReplyParameters(int(ack["message_id"]),
                                                 allow_sending_without_reply=True))
        except TelegramError as exc:  # the reply itself is delivered; this is only the receipt
            log.info("outbox %d: receipt not sent (%s)", item.id, type(exc).__name__)

    # -- kinds ---------------------------------------------------------------------------------

    def _team_chat(self) -> int:
        if self.services.team_chat_id is None:
            raise _Wait()
        return self.services.team_chat_id

    async def _send_card(self, ticket: Ticket, chat_id: int, attempt: _Attempt) -> Message:
        card = render_card(ticket, self.services.texts, self.services.settings.zone)
        attempt.chat_id = chat_id
        message = await self.bot.send_message(chat_id, card.text, parse_mode=ParseMode.HTML,
                                              reply_markup=keyboard(card.buttons))
        tickets = self.services.storage.tickets
        attempt.confirmed({"message_id": message.message_id},
                          lambda: tickets.set_card(ticket.id, chat_id, message.message_id))
        return message

    def _card_of(self, ticket: Ticket) -> tuple[int, int] | None:
        """Where the ticket's card is: stored, or posted and still waiting to be stored."""
        if ticket.card_chat_id is not None and ticket.card_message_id is not None:
            return ticket.card_chat_id, ticket.card_message_id
        return self._memory_card(ticket.id)

    async def _edit_card(self, ticket: Ticket, attempt: _Attempt) -> None:
        where = self._card_of(ticket)
        assert where is not None
        chat_id, message_id = where
        card = render_card(ticket, self.services.texts, self.services.settings.zone)
        attempt.chat_id = chat_id
        try:
            await self.bot.edit_message_text(card.text, chat_id=chat_id, message_id=message_id,
                                             parse_mode=ParseMode.HTML,
                                             reply_markup=keyboard(card.buttons))
        except BadRequest as exc:
            if classify(exc).action != "sent":  # "not modified" means it already shows this
                raise

    async def _card(self, item: OutboxItem, attempt: _Attempt) -> Result:
        """Post the card; if an earlier attempt was confirmed, edit that one instead."""
        ticket = await self.services.storage.tickets.get(item.ticket_id or 0)
        if ticket is None or (ticket.status == "deleted" and ticket.card_message_id is None):
            return {"skipped": "ticket gone"}
        chat = self._team_chat()
        where = self._card_of(ticket)
        if where is not None and where[0] == chat:
            await self._edit_card(ticket, attempt)
            return attempt.confirmed({"message_id": where[1], "edited": True})
        message = await self._send_card(ticket, chat, attempt)
        return {"message_id": message.message_id}

    async def _card_update(self, item: OutboxItem, attempt: _Attempt) -> Result:
        ticket = await self.services.storage.tickets.get(item.ticket_id or 0)
        if ticket is None:
            return {"skipped": "ticket gone"}
        where = self._card_of(ticket)
        if where is None:
            # The card is not posted yet; when it is, it shows the current state.
            return {"skipped": "no card yet"}
        await self._edit_card(ticket, attempt)
        return attempt.confirmed({"message_id": where[1], "edited": True})

    async def _repost_card(self, item: OutboxItem) -> bool:
        """The card message is gone (deleted by someone): post the card anew."""
        services = self.services
        ticket = await services.storage.tickets.get(item.ticket_id or 0)
        if ticket is None or ticket.status == "deleted" or services.team_chat_id is None:
            await services.storage.outbox.mark_sent(item.id, services.clock(),
                                                    {"skipped": "card gone"})
            return True
        log.info("outbox %d: card of ticket %d is gone, posting it again", item.id, ticket.id)
        attempt = _Attempt()
        try:
            message = await self._send_card(ticket, services.team_chat_id, attempt)
        except Exception as exc:
            if is_storage_fault(exc):
                raise
            return await self._failed_attempt(item, attempt, classify(exc), exc, migrated=True)
        return await self._delivered(item, attempt, {"message_id": message.message_id})

    async def _to_user(self, item: OutboxItem, attempt: _Attempt) -> Result:
        # Read before sending: after the send only memory and Telegram are touched.
        ticket = (await self.services.storage.tickets.get(item.ticket_id)
                  if item.ticket_id is not None else None)
        attempt.chat_id = item.chat_id
        message = await self.bot.send_message(item.chat_id, str(item.payload["text"]),
                                              parse_mode=ParseMode.HTML)
        writes: list[Write] = []
        if item.ticket_id is not None and item.payload.get("link"):
            messages, ticket_id = self.services.storage.messages, item.ticket_id
            writes.append(lambda: messages.link(item.channel, item.chat_id, message.message_id,
                                                ticket_id, "team_reply_copy"))
        result = attempt.confirmed({"message_id": message.message_id}, *writes)
        await self._ack(item, "team_reply_delivered", ticket)
        return result

    async def _to_web(self, item: OutboxItem, attempt: _Attempt) -> Result:
        port = self.services.outbound.get("web")
        sink = port.sink if isinstance(port, WebRowOutbound) else None
        if sink is None:  # the web door is not serving (yet): keep the row, retry later
            raise NetworkError("web door not attached")
        ticket = (await self.services.storage.tickets.get(item.ticket_id)
                  if item.ticket_id is not None else None)
        await sink(UserKey("web", str(item.chat_id)), str(item.payload["text"]))  # a to_web row
        result = attempt.confirmed({"web": True})
        await self._ack(item, "team_reply_delivered", ticket)
        return result

    async def _to_team(self, item: OutboxItem, attempt: _Attempt) -> Result:
        chat = self._team_chat()
        ticket = (await self.services.storage.tickets.get(item.ticket_id)
                  if item.ticket_id is not None else None)
        reply_to = None
        where = self._card_of(ticket) if ticket is not None else None
        if where is not None and where[0] == chat:
            reply_to = ReplyParameters(where[1], allow_sending_without_reply=True)
        attempt.chat_id = chat
        message = await self.bot.send_message(chat, str(item.payload["text"]),
                                              parse_mode=ParseMode.HTML, reply_parameters=reply_to)
        writes: list[Write] = []
        if ticket is not None:
            messages, ticket_id = self.services.storage.messages, ticket.id
            writes.append(lambda: messages.link("telegram", chat, message.message_id, ticket_id,
                                                "user_reply_copy"))
        writes.append(lambda: self._track(chat, message.message_id, item, ticket))
        return attempt.confirmed({"message_id": message.message_id}, *writes)

    async def _track(self, chat: int, message_id: int, item: OutboxItem,
                     ticket: Ticket | None) -> None:
        """Remember a team message that shows requesters' data (its ticket, payload "track")."""
        tracked = [int(t) for t in item.payload.get("track", []) if isinstance(t, int)]
        if ticket is not None:
            tracked.append(ticket.id)
        if not tracked:
            return
        try:
            await self.services.storage.team_posts.record(
                chat, message_id, [PostRef(ticket_id=t) for t in tracked], self.services.clock())
        except Exception as exc:
            if is_storage_fault(exc):
                raise  # retried from memory with the row's other writes; never sent again
            log.exception("outbox %d: team message %d not tracked for redaction",
                          item.id, message_id)

    async def _redact(self, item: OutboxItem, attempt: _Attempt) -> Result:
        attempt.chat_id = item.chat_id
        return await redact(self.bot, item.payload, self.services.texts)

    async def _alert_item(self, item: OutboxItem, attempt: _Attempt) -> Result:
        attempt.chat_id = item.chat_id
        message = await self.bot.send_message(item.chat_id, str(item.payload["text"]),
                                              parse_mode=ParseMode.HTML)
        return attempt.confirmed({"message_id": message.message_id})

