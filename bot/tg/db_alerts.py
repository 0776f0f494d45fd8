"""Tells the team chat when the database stops taking writes, and when it works again.

The outbox cannot carry this message: it lives in the database that fails. So the alert is a
direct send, once per episode (storage/health.py), and a failed send is only logged.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot
from telegram.error import TelegramError

from bot.tg import outgoing
from bot.tg.services import Services

log = logging.getLogger(__name__)

CLOSE_SECONDS = 5.0


class DatabaseAlerts:
    """Subscribed to the database's health; sends in order, one message per transition."""

    def __init__(self, bot: Bot, services: Services) -> None:
        self.bot = bot
        self.services = services
        self._last: asyncio.Task[None] | None = None
        services.storage.db.health.subscribe(self._changed)

    def _changed(self, failing: bool, reason: str) -> None:
        previous = self._last
        self._last = asyncio.get_running_loop().create_task(
            self._send(failing, reason, previous), name="db-alert")

    async def _send(self, failing: bool, reason: str, previous: asyncio.Task[None] | None) -> None:
        if previous is not None:  # "works again" must not overtake "fails"
            await asyncio.wait([previous])
        chat = self.services.team_chat_id
        if chat is None:
            log.warning("no team chat configured: database alert not sent")
            return
        texts = self.services.texts
        text = (texts.render("team_db_failing", reason=reason) if failing
                else texts.render("team_db_recovered"))
        try:
            await outgoing.send_html(self.bot, chat, text)
        except TelegramError as exc:
            log.warning("database alert not sent to the team chat (%s)", type(exc).__name__)

    async def close(self) -> None:
        """Let a pending alert go out (bounded), so a shutdown does not swallow it."""
        if self._last is not None and not self._last.done():
            await asyncio.wait([self._last], timeout=CLOSE_SECONDS)
