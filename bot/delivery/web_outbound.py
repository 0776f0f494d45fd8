"""The website's side of bot.conversation.ports: ``to_web`` outbox rows, delivered by the outbox
worker into the web door's mailboxes.

The row is written with the stored team reply, so a reply is never lost while the web door is
not serving (yet); the worker retries it until a door has attached its ``sink``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.conversation.model import UserKey
from bot.delivery import queue
from bot.delivery.reply_mail import ReplyMailer
from bot.storage.models import Notification

# Hands HTML to the web door for one web user (the door's WebOutbound.send behind it).
WebSink = Callable[[UserKey, str], Awaitable[None]]


class WebRowOutbound:
    """A requester on the website is reached in their session's mailbox (long poll)."""

    def __init__(self, wake: Callable[[], None]) -> None:
        self._wake = wake
        self.sink: WebSink | None = None  # set by the web door's composition (cli/webserve.py)
        # Tells a requester who left an e-mail address that the team answered (mail: enabled).
        self.mailer: ReplyMailer | None = None

    def notification(
        self, user: UserKey, html: str, *, link: bool = False, ack_message_id: int | None = None
    ) -> Notification:
        # ``link`` needs no record: a web requester answers on their page, always to their request.
        return queue.to_web(int(user.id), html, ack_message_id=ack_message_id)

    def wake(self) -> None:
        self._wake()
