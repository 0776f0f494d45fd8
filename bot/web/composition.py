"""The web door's wiring, called by the composition root (bot.composition.build_web_app).

Connects the door to the shared services: the conversation it talks to, the team chat for
barrier reports (through the outbox), the request pages, and the mailboxes into which the
outbox worker hands team replies (the ``sink`` of the web channel's outbound port).
"""

from __future__ import annotations

from aiohttp import web

from bot.conversation.model import Conversation, Outgoing, UserKey
from bot.conversation.request_page import RequestPages
from bot.delivery.queue import enqueue_to_team
from bot.delivery.web_outbound import WebRowOutbound
from bot.services import Services
from bot.web.app import create_web_app
from bot.web.outbound import WebOutbound
from bot.web.sessions import Mailboxes


def compose_web_app(services: Services, conversation: Conversation) -> web.Application:
    async def notify_team(text: str) -> None:
        # Through the outbox like every team message: retried if Telegram is unreachable.
        await enqueue_to_team(services, text)
        services.wake_outbox()

    outbound = WebOutbound(Mailboxes())

    async def deliver(user: UserKey, html: str) -> None:
        await outbound.send(user, [Outgoing(html)])

    # Team replies to web requesters: the outbox worker hands their rows to this door.
    port = services.outbound.get("web")
    if isinstance(port, WebRowOutbound):
        port.sink = deliver
        services.wake_outbox()  # rows that waited for the door
    return create_web_app(conversation, services.settings, texts=services.texts,
                          notify_team=notify_team, outbound=outbound,
                          request_pages=RequestPages(services))
