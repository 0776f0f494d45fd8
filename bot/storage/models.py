"""Plain frozen records returned by the repositories. All datetimes are timezone-aware UTC."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

TicketType = Literal["request", "question"]
TicketStatus = Literal["open", "taken", "done", "deleted"]
Direction = Literal["to_user", "to_team"]
LinkRole = Literal["card", "team_reply_copy", "user_reply_copy"]
OutboxStatus = Literal["pending", "sent", "failed"]

OPEN_STATUSES: frozenset[str] = frozenset({"open", "taken"})


@dataclass(frozen=True)
class Draft:
    """The unfinished request dialogue of one user; rev grows on every save."""

    id: int
    user_id: int
    chat_id: int
    step: str
    data: dict[str, Any]
    rev: int
    created_at: dt.datetime
    updated_at: dt.datetime
    expires_at: dt.datetime
    reminded_at: dt.datetime | None
    notice_shown_at: dt.datetime | None
    notice_version: str | None
    return_to_summary: bool
    channel: str = "telegram"  # with user_id, the owner (UserKey); one draft per owner


@dataclass(frozen=True)
class Ticket:
    """A submitted request or a question for the team.

    Tombstones (status 'deleted', after the user asked for deletion) keep only id, ref, type,
    created_at and the card's position; user_id and chat_id are None and data is empty.
    """

    id: int
    ref: str
    type: TicketType
    user_id: int | None
    chat_id: int | None
    data: dict[str, Any]
    status: TicketStatus
    assignee_id: int | None
    assignee_name: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None
    notice_version: str | None
    notice_shown_at: dt.datetime | None
    card_chat_id: int | None
    card_message_id: int | None
    requester_blocked: bool
    draft_id: int | None
    channel: str = "telegram"  # the door the requester came through (UserKey.channel)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class TicketEvent:
    """One line of a ticket's history.

    kind: 'submitted', 'status' (old_status -> new_status), 'message_to_user', 'message_to_team'
    (message_id points at the TicketMessage), 'requester_blocked'.
    """

    id: int
    ticket_id: int
    kind: str
    old_status: str | None
    new_status: str | None
    actor_id: int | None
    actor_name: str | None
    message_id: int | None
    created_at: dt.datetime


@dataclass(frozen=True)
class TicketMessage:
    """A message passed between team and requester through the bot."""

    id: int
    ticket_id: int
    direction: Direction
    text: str
    author_id: int | None
    author_name: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class Notification:
    """An outbox row to write together with something else (kind, target chat, payload).

    ``mail``: also queue the reply e-mail to the ticket's requester (bot.storage.mail_jobs).
    ``channel``: the door whose chat ``chat_id`` is; the team's and the admins' chats are
    Telegram's, a requester's is their own door's."""

    kind: str
    chat_id: int
    payload: dict[str, Any]
    mail: bool = False
    channel: str = "telegram"


@dataclass(frozen=True)
class OutboxItem:
    """A durable notification waiting for (or done with) delivery. attempts counts tries made."""

    id: int
    kind: str
    ticket_id: int | None
    chat_id: int
    payload: dict[str, Any]
    status: OutboxStatus
    attempts: int
    due_at: dt.datetime
    last_error: str | None
    created_at: dt.datetime
    sent_at: dt.datetime | None
    result: dict[str, Any] | None
    channel: str = "telegram"  # the door of chat_id (Notification.channel)


@dataclass(frozen=True)
class LoggedQuestion:
    """One free-text question as logged for /unbeantwortet."""

    id: int
    user_id: int
    text: str
    normalized: str
    band: str
    entry_id: str | None
    created_at: dt.datetime
    channel: str = "telegram"


@dataclass(frozen=True)
class RecentTeamMessage:
    """The team's latest message to a requester about a live ticket."""

    ticket_id: int
    ref: str
    message_id: int  # ticket_messages.id
    sent_at: dt.datetime
