"""The offline team group behind ``/team`` of ``python -m bot web``: acts as the team member
Tina on the fake Bot API, the way ``@team`` lines do in ``python -m bot chat``."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from telegram import Update

from bot.cli.chat import MAX_WAIT_SECONDS, TEAM_MEMBER
from bot.offline import FakeBotApi, UpdateFactory
from bot.tg import jobs
from bot.tg.services import SERVICES_KEY, Services


class OfflineTeamDesk:
    """A ``bot.web.team_page.TeamDesk`` on the offline fake and the real Application."""

    def __init__(self, app: Any, api: FakeBotApi, team_chat_id: int) -> None:
        self.app = app
        self.api = api
        self.team_chat_id = team_chat_id
        self.factory = UpdateFactory(api)
        self.team_chat = self.factory.group_chat(team_chat_id, "Team Engagement (offline)")

    def messages(self) -> Sequence[Mapping[str, Any]]:
        return self.api.chat_log(self.team_chat_id)

    async def press(self, message_id: int, data: str) -> str | None:
        message = self.api.message(self.team_chat_id, message_id)
        if message is None:
            raise LookupError(message_id)
        try:
            query = self.factory.callback(TEAM_MEMBER, message, data)  # only buttons it shows
        except ValueError:
            raise LookupError(message_id) from None
        await self._process(query)
        answer = self.api.callback_answers.get(str(query["callback_query"]["id"])) or {}
        text = answer.get("text")
        return str(text) if text else None

    async def reply(self, message_id: int, text: str) -> None:
        try:
            update = self.factory.message(
                TEAM_MEMBER, text, self.team_chat, reply_to_message_id=message_id
            )
        except ValueError:
            raise LookupError(message_id) from None
        await self._process(update)

    async def _process(self, update: dict[str, Any]) -> None:
        await self.app.process_update(Update.de_json(update, self.app.bot))
        # What the handlers queued (card edits, the note to the requester) is delivered by one
        # outbox pass, so the page shows the result at once.
        services = self.app.bot_data.get(SERVICES_KEY)
        worker = jobs.worker_of(services) if isinstance(services, Services) else None
        if worker is not None:
            delivery = asyncio.ensure_future(worker.run_once())
            await asyncio.wait({delivery}, timeout=MAX_WAIT_SECONDS)
