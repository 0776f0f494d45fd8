"""Row -> record conversions, shared by the repositories (one place that knows the columns)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from typing import Any, cast

from bot.storage.codec import load_json, load_json_or_none, parse_ts, parse_ts_or_none
from bot.storage.models import (
    Direction,
    Draft,
    LoggedQuestion,
    OutboxItem,
    OutboxStatus,
    Ticket,
    TicketEvent,
    TicketMessage,
    TicketStatus,
    TicketType,
)

# Column lists of SELECTs, one per table, matching the converters below.
DRAFT_COLUMNS = (
    "id, user_id, chat_id, step, data, rev, created_at, updated_at, expires_at, reminded_at,"
    " notice_shown_at, notice_version, return_to_summary, channel"
)
TICKET_COLUMNS = (
    "id, ref, type, user_id, chat_id, data, status, assignee_id, assignee_name, created_at,"
    " updated_at, closed_at, notice_version, notice_shown_at, card_chat_id, card_message_id,"
    " requester_blocked, draft_id, channel"
)
EVENT_COLUMNS = (
    "id, ticket_id, kind, old_status, new_status, actor_id, actor_name, message_id, created_at"
)
MESSAGE_COLUMNS = "id, ticket_id, direction, text, author_id, author_name, created_at"
OUTBOX_COLUMNS = (
    "id, kind, ticket_id, chat_id, payload, status, attempts, due_at, last_error, created_at,"
    " sent_at, result, channel"
)
QUESTION_COLUMNS = "id, user_id, text, normalized, band, entry_id, created_at, channel"


def draft(row: sqlite3.Row) -> Draft:
    return Draft(
        id=row["id"],
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        step=row["step"],
        data=load_json(row["data"]),
        rev=row["rev"],
        created_at=parse_ts(row["created_at"]),
        updated_at=parse_ts(row["updated_at"]),
        expires_at=parse_ts(row["expires_at"]),
        reminded_at=parse_ts_or_none(row["reminded_at"]),
        notice_shown_at=parse_ts_or_none(row["notice_shown_at"]),
        notice_version=row["notice_version"],
        return_to_summary=bool(row["return_to_summary"]),
        channel=row["channel"],
    )


def ticket(row: sqlite3.Row) -> Ticket:
    return Ticket(
        id=row["id"],
        ref=row["ref"],
        type=cast(TicketType, row["type"]),
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        data=load_json(row["data"]),
        status=cast(TicketStatus, row["status"]),
        assignee_id=row["assignee_id"],
        assignee_name=row["assignee_name"],
        created_at=parse_ts(row["created_at"]),
        updated_at=parse_ts(row["updated_at"]),
        closed_at=parse_ts_or_none(row["closed_at"]),
        notice_version=row["notice_version"],
        notice_shown_at=parse_ts_or_none(row["notice_shown_at"]),
        card_chat_id=row["card_chat_id"],
        card_message_id=row["card_message_id"],
        requester_blocked=bool(row["requester_blocked"]),
        draft_id=row["draft_id"],
        channel=row["channel"],
    )


def event(row: sqlite3.Row) -> TicketEvent:
    return TicketEvent(
        id=row["id"],
        ticket_id=row["ticket_id"],
        kind=row["kind"],
        old_status=row["old_status"],
        new_status=row["new_status"],
        actor_id=row["actor_id"],
        actor_name=row["actor_name"],
        message_id=row["message_id"],
        created_at=parse_ts(row["created_at"]),
    )


def message(row: sqlite3.Row) -> TicketMessage:
    return TicketMessage(
        id=row["id"],
        ticket_id=row["ticket_id"],
        direction=cast(Direction, row["direction"]),
        text=row["text"],
        author_id=row["author_id"],
        author_name=row["author_name"],
        created_at=parse_ts(row["created_at"]),
    )


def outbox_item(row: sqlite3.Row) -> OutboxItem:
    return OutboxItem(
        id=row["id"],
        kind=row["kind"],
        ticket_id=row["ticket_id"],
        chat_id=row["chat_id"],
        payload=load_json(row["payload"]),
        status=cast(OutboxStatus, row["status"]),
        attempts=row["attempts"],
        due_at=parse_ts(row["due_at"]),
        last_error=row["last_error"],
        created_at=parse_ts(row["created_at"]),
        sent_at=parse_ts_or_none(row["sent_at"]),
        result=load_json_or_none(row["result"]),
        channel=row["channel"],
    )


def logged_question(row: sqlite3.Row) -> LoggedQuestion:
    return LoggedQuestion(
        id=row["id"],
        user_id=row["user_id"],
        text=row["text"],
        normalized=row["normalized"],
        band=row["band"],
        entry_id=row["entry_id"],
        created_at=parse_ts(row["created_at"]),
        channel=row["channel"],
    )


def as_dict(record: Any) -> dict[str, Any]:
    """A record as JSON-ready dict (datetimes as ISO text), for the user's data export."""
    out: dict[str, Any] = {}
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        out[field.name] = value.isoformat() if isinstance(value, dt.datetime) else value
    return out
