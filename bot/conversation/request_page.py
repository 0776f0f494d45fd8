"""A web request's private page (/anfrage/<token>): what it shows, and the requester's answer.

The web door renders it; this module decides it (status, summary, the messages exchanged) and
passes an answer to the team as a reply to the card, like a Telegram requester's reply.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from dataclasses import dataclass

from bot.delivery import queue
from bot.services import Services
from bot.storage.models import Ticket
from bot.team.cards import request_fields
from bot.team.notices import user_message_for_team
from bot.team.status_words import status_word

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageMessage:
    from_team: bool
    author: str | None  # the team member's first name; None for the requester
    text: str  # as written (plain text; the page escapes it)
    at: dt.datetime


@dataclass(frozen=True)
class RequestView:
    ref: str
    status: str  # the readable word ("offen", "in Bearbeitung", ...)
    summary: tuple[tuple[str, str], ...]  # (field label, value), plain text
    messages: tuple[PageMessage, ...]


class RequestPages:
    """Looks a page's token up; an unknown, erased or expired one opens nothing."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def _ticket(self, token: str) -> Ticket | None:
        storage = self.services.storage
        ticket_id = await storage.request_links.ticket_id(token)
        ticket = None if ticket_id is None else await storage.tickets.get(ticket_id)
        if ticket is None or ticket.status == "deleted" or ticket.user_id is None:
            return None
        return ticket

    async def view(self, token: str) -> RequestView | None:
        ticket = await self._ticket(token)
        if ticket is None:
            return None
        texts = self.services.texts
        summary: list[tuple[str, str]] = []
        if ticket.data.get("kind_label"):
            summary.append((texts.plain("req_field_kind"), str(ticket.data["kind_label"])))
        # As the requester confirmed it and the team's card shows it: the dialogue's order,
        # with the contact (stored apart from the labelled answers).
        summary += [(label, value) for _, label, value in request_fields(ticket, texts) if value]
        messages = tuple(
            PageMessage(m.direction == "to_user",
                        m.author_name if m.direction == "to_user" else None, m.text, m.created_at)
            for m in await self.services.storage.messages.for_ticket(ticket.id)
        )
        return RequestView(ticket.ref, status_word(ticket.status, texts), tuple(summary),
                           messages)

    async def answer(self, token: str, text: str) -> bool:
        """Pass the requester's answer to the team; False when the page opens nothing."""
        ticket = await self._ticket(token)
        if ticket is None:
            return False
        services = self.services
        sender = html.escape(services.texts.plain("request_page_sender"))
        note = user_message_for_team(ticket, sender, text, services.texts)
        stored = await services.storage.messages.add(
            ticket.id, "to_team", text, ticket.user_id, None, services.clock(),
            notify=queue.to_team(services, note),
        )
        if stored is None:  # erased meanwhile (/loeschen)
            return False
        services.wake_outbox()
        log.info("web page answer to ticket %d queued for the team", ticket.id)
        return True
