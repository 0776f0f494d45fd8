"""/meinedaten in words: what is stored about the user, why, and until when (dates computed
from the retention settings). Built from the same export the JSON file holds, so the two agree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from bot.config import Settings
from bot.rights.counts import counted, join_words
from bot.team.display import day
from bot.team.status_words import status_word
from bot.texts import Texts

# Contact fields of a request (ticket data keys) in the order the summary names them.
CONTACT_FIELDS = ("person", "organisation", "email", "phone")


def _moment(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def _contact_lines(tickets: list[Mapping[str, Any]], texts: Texts) -> list[str]:
    """Each contact value the user gave, once, newest request first."""
    lines = []
    for field in CONTACT_FIELDS:
        values: list[str] = []
        for ticket in reversed(tickets):
            value = (ticket.get("data") or {}).get(field)
            if isinstance(value, str) and value.strip() and value.strip() not in values:
                values.append(value.strip())
        if values:
            lines.append(texts.render("my_data_contact_line",
                                      field=texts.plain(f"my_data_field_{field}"),
                                      value="; ".join(values)))
    return lines


def _ticket_line(ticket: Mapping[str, Any], settings: Settings, texts: Texts) -> str:
    days = settings.retention.closed_requests_days
    zone = settings.zone
    kind = texts.plain(f"team_type_{ticket.get('type')}") if ticket.get("type") in (
        "request", "question") else ""
    closed = _moment(ticket.get("closed_at"))
    if ticket.get("status") == "done" and closed is not None:
        return texts.render("my_data_until_done", kind=kind, ref=ticket.get("ref", ""),
                            status=status_word("done", texts),
                            closed=day(closed, zone),
                            date=day(closed + dt.timedelta(days=days), zone))
    status = ticket.get("status")
    return texts.render("my_data_until_open", kind=kind, ref=ticket.get("ref", ""), days=days,
                        status=status_word(status if isinstance(status, str) else "open", texts))


def my_data_summary(export: Mapping[str, Any], settings: Settings, texts: Texts) -> str:
    """The readable companion of meine-daten.json (Telegram HTML)."""
    tickets: list[Mapping[str, Any]] = list(export.get("tickets", []))
    drafts: list[Mapping[str, Any]] = list(export.get("drafts", []))
    questions: list[Mapping[str, Any]] = list(export.get("questions", []))
    requests = sum(1 for t in tickets if t.get("type") == "request")
    team_questions = sum(1 for t in tickets if t.get("type") == "question")
    items = []
    if requests:
        items.append(counted(texts, "delete_item_request", requests))
    if team_questions:
        items.append(counted(texts, "delete_item_team_question", team_questions))
    if drafts:
        items.append(texts.plain("delete_item_draft"))
    if questions:
        items.append(counted(texts, "delete_item_question", len(questions)))
    if not items:
        return texts.render("my_data_empty")
    parts = [texts.render("my_data_title"),
             texts.render("my_data_stored", items=join_words(items, texts))]
    contacts = _contact_lines(tickets, texts)
    if contacts:
        parts += [texts.render("my_data_contact_title"), *contacts]
    parts.append(texts.render("my_data_why"))
    until = [_ticket_line(t, settings, texts) for t in tickets]
    zone = settings.zone
    for draft in drafts:
        expires = _moment(draft.get("expires_at"))
        if expires is not None:
            until.append(texts.render("my_data_until_draft", date=day(expires, zone)))
    created = [m for m in (_moment(q.get("created_at")) for q in questions) if m is not None]
    if created:
        days = settings.retention.question_log_days
        until.append(texts.render("my_data_until_questions", days=days,
                                  date=day(min(created) + dt.timedelta(days=days), zone)))
    parts += [texts.render("my_data_until_title"), *until]
    parts.append(texts.render("my_data_footer"))
    return "\n".join(parts)
