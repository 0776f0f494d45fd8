"""The conversation core: what a requester does, whatever door they came through.

A door (bot/tg/ for Telegram, bot/web/ for the website) turns what the user did into an Event
and shows the Outgoing messages returned here. Everything that persists (the question log,
the draft on every step, the request with its card's outbox row, votes, erasure) happens in
the modules this class dispatches to; none of them knows a door.
"""

from __future__ import annotations

import logging

from bot import callbacks
from bot.conversation import feedback, qa, requests, rights, team_link
from bot.conversation.faults import fault_text_key
from bot.conversation.model import (
    CommandIn,
    ContactIn,
    Event,
    Outgoing,
    PressIn,
    TextIn,
    UserKey,
)
from bot.services import Services

log = logging.getLogger(__name__)

# Presses that belong to the team chat; a door routes them to its team side, never here.
TEAM_KINDS = frozenset({"card", "review"})


class ConversationCore:
    """Implements bot.conversation.model.Conversation over the shared services."""

    def __init__(self, services: Services) -> None:
        # Read on every event: /reload replaces the answerer and the knowledge base in place.
        self.services = services

    async def handle(self, user: UserKey, event: Event) -> list[Outgoing]:
        if isinstance(event, TextIn):
            return await self._text(user, event)
        if isinstance(event, PressIn):
            return await self._press(user, event)
        if isinstance(event, CommandIn):
            return await self._command(user, event)
        if isinstance(event, ContactIn):
            return await requests.on_contact(self.services, user, event.phone, event.own)
        return []

    async def fault_notice(self, user: UserKey) -> str:
        return self.services.texts.plain(await fault_text_key(self.services, user))

    def _stale(self) -> list[Outgoing]:
        return [Outgoing(html="", toast=self.services.texts.plain("stale_button"))]

    async def _text(self, user: UserKey, event: TextIn) -> list[Outgoing]:
        """A reply to a team message goes to the team; with an active draft the text is a
        dialogue step (which itself answers questions in between); else it is a question."""
        services = self.services
        if event.reply_to is not None:
            sent = await team_link.user_reply(services, user, event)
            if sent is not None:
                return [sent]
        step = await requests.on_text(services, user, event.text)
        if step is not None:
            return step
        asked = await team_link.offer(services, user, event.text)
        if asked is not None:
            return asked
        return [await qa.answer(services, user, event.text)]

    async def _press(self, user: UserKey, event: PressIn) -> list[Outgoing]:
        """Every button press: parsed strictly; forged or stale data gets a neutral answer."""
        services = self.services
        parsed = callbacks.parse(event.data)
        if parsed is None or parsed.kind in TEAM_KINDS:
            log.info("rejected callback data from user=%s", user.id)
            return self._stale()
        if parsed.kind == "feedback":
            return await feedback.on_press(services, user, event, parsed)
        if parsed.kind == "dialogue":
            return await requests.on_press(services, user, event, parsed)
        if parsed.kind == "team_link":
            return await team_link.on_press(services, user, event, parsed)
        if parsed.kind == "menu":
            return [qa.menu(services)]
        if parsed.kind == "entry" and parsed.entry:
            return [qa.show_entry(services, parsed.entry, parsed.arg)]
        if parsed.kind == "ask":
            return [qa.prompt_question(services)]
        if parsed.kind == "request":
            return await requests.start(services, user, parsed.arg)
        if parsed.kind == "to_team" and parsed.id is not None:
            return [await team_link.question_to_team(services, user, parsed.id)]
        if parsed.kind == "privacy":
            return await rights.on_press(services, user, parsed)
        return self._stale()

    async def _command(self, user: UserKey, event: CommandIn) -> list[Outgoing]:
        services = self.services
        name = event.name
        if name == "start":
            return [qa.start(services, user)]
        if name in ("hilfe", "help"):
            return [qa.help_text(services)]
        if name == "anfrage":
            return await requests.start(services, user)
        if name in ("abbrechen", "cancel"):
            return await requests.cancel(services, user)
        if name == "datenschutz":
            return [Outgoing(html=rights.privacy_notice(services))]
        if name == "meinedaten":
            return await rights.my_data(services, user)
        if name == "loeschen":
            return await rights.ask_delete(services, user)
        return [Outgoing(html=services.texts.render("unknown_command"))]
