"""What the conversation needs from a door to reach a requester later, without them asking.

The team answers in its Telegram group at any time; the requester may have come through
Telegram or the website. Each door registers one ``OutboundPort`` for its channel (the
composition root does, in ``Services.outbound``). A message to a requester is an outbox row
written in the same transaction as what it reports (a stored team reply, a status change), so
it is delivered after a crash as well; the port says what that row is and wakes its deliverer.
"""

from __future__ import annotations

from typing import Protocol

from bot.conversation.model import UserKey
from bot.storage.models import Notification


class OutboundPort(Protocol):
    """Pushes HTML to a requester of one channel, through the outbox."""

    def notification(
        self, user: UserKey, html: str, *, link: bool = False, ack_message_id: int | None = None
    ) -> Notification:
        """The outbox row that carries ``html`` to ``user``. ``link``: the requester may answer
        the message (it is remembered with its ticket); ``ack_message_id``: the team message
        that is confirmed ("✓ zugestellt") once it arrived."""
        ...

    def wake(self) -> None:
        """New rows are waiting: deliver them soon."""
        ...
