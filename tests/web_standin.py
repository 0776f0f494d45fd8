"""A light conversation for the web door's tests: questions and the menu from the real
Answerer, nothing stored (no request dialogue, no data rights; those answer that they are not
available). `bot web` and `run` serve the real core (bot/composition.build_conversation); this
keeps the door's HTTP and browser tests fast and independent of the database.
"""

from __future__ import annotations

from collections.abc import Callable

from bot import callbacks
from bot.answering import Answerer
from bot.config import Settings
from bot.conversation.model import CommandIn, Event, Outgoing, PressIn, TextIn, UserKey
from bot.privacy_notice import privacy_notice
from bot.replies import Reply
from bot.texts import Texts


def _out(reply: Reply) -> Outgoing:
    return Outgoing(reply.text, reply.buttons)


class StandinConversation:
    def __init__(self, answerer: Callable[[], Answerer], settings: Settings) -> None:
        # A callable: a reload (SIGHUP) replaces the answerer.
        self._answerer = answerer
        self.settings = settings

    @property
    def answerer(self) -> Answerer:
        return self._answerer()

    @property
    def texts(self) -> Texts:
        return self._answerer().texts

    async def fault_notice(self, user: UserKey) -> str:
        return self.texts.plain("db_unavailable")  # nothing is stored here

    def _unavailable(self) -> list[Outgoing]:
        return [
            Outgoing("Im Test nicht verfügbar.", self.answerer.menu_buttons())
        ]

    async def handle(self, user: UserKey, event: Event) -> list[Outgoing]:
        if isinstance(event, TextIn):
            # In the light of this user's earlier questions (follow-ups), as on Telegram.
            reply, _ = self.answerer.answer_from(user, event.text)
            return [_out(reply)]
        if isinstance(event, CommandIn):
            if event.name == "start":
                return [Outgoing(self.texts.render("start"), self.answerer.menu_buttons())]
            if event.name == "hilfe":
                return [Outgoing(self.texts.render("help"), self.answerer.menu_buttons())]
            if event.name == "datenschutz":
                return [Outgoing(privacy_notice(self.texts, self.settings))]
            return self._unavailable()
        if isinstance(event, PressIn):
            parsed = callbacks.parse(event.data)
            if parsed is None:
                return []
            if parsed.kind == "menu":
                return [_out(self.answerer.menu())]
            if parsed.kind == "ask":
                return [Outgoing(self.texts.render("ask_prompt"))]
            if parsed.kind == "entry" and parsed.entry:
                shown = self.answerer.show_entry(parsed.entry)
                return [_out(shown)] if shown else []
            return self._unavailable()
        return self._unavailable()
