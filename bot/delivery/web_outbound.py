"""The website's side of bot.conversation.ports: ``to_web`` outbox rows, delivered by the outbox
worker into the web door's mailboxes.

The row is written with the stored team reply, so a reply is never lost while the web door is
not serving (yet); the worker retries it until a door has attached its ``sink``. With mail on,
the reply's e-mail job is written in the same transaction (bot.delivery.mail_worker sends it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from bot.conversation.model import UserKey
from bot.delivery import queue
from bot.storage.models import Notification

# Hands HTML to the web door for one web user (the door's WebOutbound.send behind it).
WebSink = Callable[[UserKey, str], Awaitable[None]]


class WebRowOutbound:
    """A requester on the website is reached in their session's mailbox (long poll)."""

    def __init__(self, wake: Callable[[], None], wake_mail: Callable[[], None] | None = None
                 ) -> None:
        self._wake = wake
        # Set when mail is on: a team reply also queues the e-mail that tells the requester.
        self._wake_mail = wake_mail
        self.sink: WebSink | None = None  # set by the web door's composition (web/composition.py)

    @property
    def mails(self) -> bool:
        return self._wake_mail is not None

    def notification(
        self, user: UserKey, html: str, *, link: bool = False, ack_message_id: int | None = None
    ) -> Notification:
        # ``link`` marks a team message the requester may answer (a reply, not a status notice):
        # it needs no record here (a web requester answers on their page), but it is what the
        # e-mail announces, queued in the reply's transaction (bot.storage.mail_jobs).
        note = queue.to_web(int(user.id), html, ack_message_id=ack_message_id)
        return replace(note, mail=link and self.mails)

    def wake(self) -> None:
        self._wake()
        if self._wake_mail is not None:
            self._wake_mail()
