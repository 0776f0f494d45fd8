"""Putting notifications into the outbox. Every send that must not be lost goes through here;
the worker delivers it (and retries) — callers enqueue, then call ``services.wake_outbox()``.

Payloads by kind (``chat_id`` is always the target at enqueue time):

- ``card``: ``{chat_id}`` — post the ticket's card in the team chat (written by storage at submit).
- ``card_update``: ``{chat_id}`` — re-render the ticket's card in place.
- ``to_user``: ``{chat_id, text, link?, ack?}`` — HTML to the requester (or a draft's owner).
  ``link``: remember the sent message as 'team_reply_copy', so the user can reply to it.
  ``ack``: ``{message_id}`` of the team member's message, answered with "✓ zugestellt".
- ``to_team``: ``{chat_id, text, track?}`` — HTML to the team chat, as a reply to the ticket's
  card. The sent message is tracked for redaction under its ticket and the ``track`` ticket ids.
- ``redact``: ``{chat_id, message_id, mode, reason}`` — edit (or delete) a team message that
  showed erased data (written by storage/team_posts.py).
- ``alert``: ``{chat_id, text}`` — HTML to an admin's private chat.
- ``to_web``: ``{chat_id, text, ack?}`` — HTML to a requester of the website (``chat_id``: their
  numeric web user id), handed to the web door's mailbox (bot/delivery/web_outbound.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.services import Services
from bot.storage.models import Notification, Ticket
from bot.storage.team_posts import REDACT as REDACT_KIND

CARD_UPDATE = "card_update"
TO_USER = "to_user"
TO_TEAM = "to_team"
ALERT = "alert"
CARD = "card"
TO_WEB = "to_web"
REDACT = REDACT_KIND
TEAM_KINDS = frozenset({CARD, CARD_UPDATE, TO_TEAM})
NO_CHAT = 0  # placeholder target while no team chat is configured


def team_chat(services: Services) -> int:
    return services.team_chat_id if services.team_chat_id is not None else NO_CHAT


async def enqueue_card_update(services: Services, ticket: Ticket) -> int:
    """Re-render the ticket's card (after a status change, a block, a deletion)."""
    chat = ticket.card_chat_id if ticket.card_chat_id is not None else team_chat(services)
    return await services.storage.outbox.enqueue(
        CARD_UPDATE, chat, {"chat_id": chat}, services.clock(), ticket.id)


def to_user(chat_id: int, text: str, *, link: bool = False,
            ack_message_id: int | None = None) -> Notification:
    """A message to the requester (or a draft's owner), as an outbox row to write."""
    payload: dict[str, Any] = {"chat_id": chat_id, "text": text}
    if link:
        payload["link"] = True
    if ack_message_id is not None:
        payload["ack"] = {"message_id": ack_message_id}
    return Notification(TO_USER, chat_id, payload, channel="telegram")


def to_web(user_id: int, text: str, *, ack_message_id: int | None = None) -> Notification:
    """A message to a requester of the website, as an outbox row to write."""
    payload: dict[str, Any] = {"chat_id": user_id, "text": text}
    if ack_message_id is not None:
        payload["ack"] = {"message_id": ack_message_id}
    return Notification(TO_WEB, user_id, payload, channel="web")


def to_team(services: Services, text: str, track: Sequence[int] = ()) -> Notification:
    """A message to the team chat (a reply to the ticket's card), as an outbox row to write.

    `track`: ids of further tickets whose data the text shows (a digest), for redaction.
    """
    chat = team_chat(services)
    payload: dict[str, Any] = {"chat_id": chat, "text": text}
    if track:
        payload["track"] = list(track)
    return Notification(TO_TEAM, chat, payload)


async def enqueue(services: Services, note: Notification, ticket_id: int | None = None) -> int:
    """Write one prepared notification (e.g. from an outbound port) into the outbox."""
    return await services.storage.outbox.enqueue(note.kind, note.chat_id, note.payload,
                                                 services.clock(), ticket_id, channel=note.channel)


async def enqueue_to_team(services: Services, text: str, ticket_id: int | None = None,
                          track: Sequence[int] = ()) -> int:
    note = to_team(services, text, track)
    return await services.storage.outbox.enqueue(
        note.kind, note.chat_id, note.payload, services.clock(), ticket_id)


async def enqueue_alerts(services: Services, text: str) -> int:
    """One private alert per configured admin; returns how many were queued."""
    for admin in services.settings.team.admins:
        await services.storage.outbox.enqueue(
            ALERT, admin, {"chat_id": admin, "text": text}, services.clock())
    return len(services.settings.team.admins)
