"""The Telegram side of bot.conversation.ports: rows for the outbox worker, which sends them."""

from __future__ import annotations

from collections.abc import Callable

from bot.conversation.model import UserKey
from bot.delivery import queue
from bot.storage.models import Notification


class TelegramOutbound:
    """A requester in Telegram is reached in their private chat, whose id is their user id."""

    def __init__(self, wake: Callable[[], None]) -> None:
        self._wake = wake

    def notification(
        self, user: UserKey, html: str, *, link: bool = False, ack_message_id: int | None = None
    ) -> Notification:
        return queue.to_user(int(user.id), html, link=link, ack_message_id=ack_message_id)

    def wake(self) -> None:
        self._wake()
