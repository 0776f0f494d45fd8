"""A running bot against the fake Bot API, for the team and delivery tests (no tests of its own).

The real Application is built with LocalRequest + FakeBotApi; updates go through
``app.process_update``. The outbox worker's background loop is stopped so each test delivers
explicitly with ``deliver()`` and time is moved with the clock, never by sleeping.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import Update

from bot.config import Settings
from bot.delivery import OutboxWorker
from bot.offline import FakeBotApi, UpdateFactory, user
from bot.offline.fake_api import private_chat
from bot.offline.local_request import LocalRequest
from bot.storage.models import Ticket
from bot.tg import jobs
from bot.tg.app import build_application
from bot.tg.services import SERVICES_KEY, Services
from tests.e2e_support import buttons

TEAM = -100123
REQUESTER = 42
MEMBER = 7001
OTHER_MEMBER = 7002
START = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


class Clock:
    """The bot's clock, moved by the tests."""

    def __init__(self, now: dt.datetime = START) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


def request_data(**overrides: Any) -> dict[str, Any]:
    """Ticket data as the dialogue stores it for a "Beratung" request."""
    data: dict[str, Any] = {
        "kind": "beratung", "kind_label": "Beratung für Kommunen",
        "topics": ["beteiligung"],
        "topics_label": "Beteiligung zivilgesellschaftlicher Akteur*innen",
        "format": "video", "format_label": "per Video",
        "organisation": "Gemeinde Musterdorf", "organisation_label": "Gemeinde Musterdorf",
        "person": "Erika Muster, Engagementkoordination",
        "person_label": "Erika Muster, Engagementkoordination",
        "time": None, "time_label": "–", "remarks": None, "remarks_label": "–",
        "email": "erika@musterdorf.de", "phone": None, "telegram_only": False,
        "topic_text": None,
    }
    data.update(overrides)
    return data


@dataclass
class Harness:
    api: FakeBotApi
    app: Any
    services: Services
    factory: UpdateFactory
    clock: Clock
    worker: OutboxWorker

    async def process(self, update: Mapping[str, Any]) -> None:
        await self.app.process_update(Update.de_json(dict(update), self.app.bot))

    async def deliver(self) -> int:
        return await self.worker.run_once()

    def add_requester(self, user_id: int = REQUESTER, first_name: str = "Erika") -> None:
        """The requester's private chat exists (they talked to the bot before)."""
        self.api.add_user(user(user_id, first_name))
        self.api.add_chat(private_chat(user(user_id, first_name)))

    async def submit(self, data: dict[str, Any] | None = None, user_id: int = REQUESTER,
                     deliver: bool = True) -> Ticket:
        """A confirmed request (as the dialogue submits it), with its card delivered."""
        self.add_requester(user_id)
        storage = self.services.storage
        draft = await storage.drafts.create(user_id, user_id, "summary", self.clock(),
                                            dt.timedelta(days=7))
        ticket, _ = await storage.tickets.submit_request(
            draft, data or request_data(), self.clock(), {"chat_id": TEAM})
        if deliver:
            await self.deliver()
        return await self.ticket(ticket.id)

    async def ticket(self, ticket_id: int) -> Ticket:
        found = await self.services.storage.tickets.get(ticket_id)
        assert found is not None
        return found

    def card(self, ticket: Ticket) -> dict[str, Any]:
        assert ticket.card_chat_id is not None and ticket.card_message_id is not None
        message = self.api.message(ticket.card_chat_id, ticket.card_message_id)
        assert message is not None
        return message

    def cards_in_team(self) -> list[dict[str, Any]]:
        """Bot messages in the team chat that carry card buttons."""
        return [m for m in self.api.sent_to(self.services.team_chat_id or TEAM)
                if any(b.get("callback_data", "").startswith("c:")
                       for row in m.get("reply_markup", {}).get("inline_keyboard", [])
                       for b in row)]

    async def press(self, who: int, message: Mapping[str, Any], data: str,
                    strict: bool = True, first_name: str = "Tom") -> str | None:
        """Press a button; returns the callback answer's text."""
        update = self.factory.callback(user(who, first_name), message, data, strict=strict)
        await self.process(update)
        answer = self.api.callback_answers.get(update["callback_query"]["id"])
        return None if answer is None else answer.get("text")

    async def team_says(self, who: int, text: str, reply_to: int | None = None,
                        first_name: str = "Tom") -> dict[str, Any]:
        update = self.factory.group_message(user(who, first_name), TEAM, text, type="supergroup",
                                            reply_to_message_id=reply_to)
        await self.process(update)
        return update

    async def user_says(self, text: str, reply_to: int | None = None,
                        user_id: int = REQUESTER) -> dict[str, Any]:
        update = self.factory.message(user(user_id, "Erika"), text, reply_to_message_id=reply_to)
        await self.process(update)
        return update

    def team_texts(self) -> list[str]:
        return [m.get("text", "") for m in self.api.sent_to(self.services.team_chat_id or TEAM)]

    def user_texts(self, user_id: int = REQUESTER) -> list[str]:
        return [m.get("text", "") for m in self.api.sent_to(user_id)]


def make_settings(tmp_path: Path, **team: Any) -> Settings:
    return Settings.model_validate({
        "team": {"chat_id": TEAM, **team},
        "database": {"path": str(tmp_path / "bot.sqlite")},
    })


@asynccontextmanager
async def running_bot(tmp_path: Path, *, settings: Settings | None = None,
                      check_team_chat: bool = True, team_chat_known: bool = True,
                      api: FakeBotApi | None = None) -> AsyncIterator[Harness]:
    """Build, initialise and post_init the real application; tear it down afterwards."""
    api = api or FakeBotApi()
    settings = settings or make_settings(tmp_path)
    if team_chat_known and settings.team.chat_id is not None:
        api.add_chat({"id": settings.team.chat_id, "type": "supergroup", "title": "Team"})
    clock = Clock()
    app = build_application(settings, request=LocalRequest(api), rate_limit=False,
                            check_team_chat=check_team_chat, clock=clock)
    await app.initialize()
    try:
        await app.post_init(app)
        services = app.bot_data[SERVICES_KEY]
        worker = jobs.worker_of(services)
        assert worker is not None
        await worker.stop()  # deliveries are driven by the tests
        yield Harness(api, app, services, UpdateFactory(api), clock, worker)
    finally:
        services = app.bot_data.get(SERVICES_KEY)
        if isinstance(services, Services):
            await jobs.shutdown(services)
        await app.post_shutdown(app)
        await app.shutdown()


async def press_button(h: Harness, sender: Mapping[str, Any], label: str,
                       chat_id: int = REQUESTER) -> dict[str, Any]:
    """Press the newest button in the chat (the requester's by default) whose label contains
    ``label``; returns the pressed message."""
    for message in reversed(h.api.sent_to(chat_id)):
        for text, data in buttons(message):
            if label in text:
                await h.process(h.factory.callback(sender, message, data))
                return message
    raise AssertionError(f"no button {label!r}")
