"""The team card of a ticket: what the team sees in its chat, and the buttons under it.

Every value on a card comes from the user and is escaped here; long fields are cut so that the
card always fits one Telegram message, however long (or entity-heavy) the input was.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot import callbacks
from bot.dialogue.steps import STEPS, flow_for
from bot.replies import Button, Reply
from bot.storage.models import Ticket
from bot.team.display import MAX_MESSAGE, clip, day, tg_len, when
from bot.team.status_words import status_word
from bot.texts import Raw, Texts

SHORT_FIELD = 300  # organisation, person, contact, time …
LONG_FIELD_START = 1500  # need, concern, remarks, topics, a question's text
LONG_FIELD_MIN = 40
NAME_LIMIT = 80
LONG_FIELDS = frozenset({"topics", "need", "concern", "remarks", "question"})

CARD_OPS: dict[str, tuple[tuple[str, ...], str]] = {
    # op: (statuses the ticket must be in, the new status)
    "take": (("open",), "taken"),
    "over": (("taken",), "taken"),  # another member takes a taken request over
    "release": (("taken",), "open"),  # "Abgeben": the assignee frees it for a colleague
    "done": (("open", "taken"), "done"),
    "reopen": (("done",), "open"),
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def contact_value(data: dict[str, Any], texts: Texts) -> str:
    if data.get("telegram_only"):
        return texts.plain("card_contact_telegram_only")
    return ", ".join(_text(data.get(k)) for k in ("email", "phone") if data.get(k))


def request_fields(ticket: Ticket, texts: Texts) -> list[tuple[str, str, str]]:
    """(field id, label, plain value) of a request, in the order the dialogue asked them."""
    data = ticket.data
    fields: list[tuple[str, str, str]] = []
    for step_id in flow_for(data.get("kind")):
        if step_id == "kind":
            continue
        label = texts.plain(STEPS[step_id].field_key)
        if step_id == "contact":
            value = contact_value(data, texts)
        else:
            value = _text(data.get(f"{step_id}_label") or data.get(step_id))
        fields.append((step_id, label, value))
    return fields


def kind_label(ticket: Ticket, texts: Texts) -> str:
    """What the ticket is about, in one short phrase (plain text)."""
    if ticket.type == "question":
        return texts.plain("card_kind_question")
    return _text(ticket.data.get("kind_label")) or texts.plain("card_kind_unknown")


def status_line(ticket: Ticket, texts: Texts) -> str:
    name = clip(ticket.assignee_name or "?", NAME_LIMIT)
    status = status_word(ticket.status, texts)
    if ticket.status == "taken":
        return texts.render("card_status_taken", status=status, name=Raw(name))
    if ticket.status == "done":
        return texts.render("card_status_done", status=status, name=Raw(name))
    return texts.render("card_status_open", status=status_word("open", texts))


def card_buttons(ticket: Ticket, texts: Texts) -> tuple[tuple[Button, ...], ...]:
    if ticket.status == "done":
        return ((Button(texts.plain("card_btn_reopen"), callbacks.card(ticket.id, "reopen")),),)
    if ticket.status == "taken":
        # One card serves the whole group: "Abgeben" is for the assignee, "Übernehmen" for a
        # colleague who takes it over (its own op, so a late press on an open card's
        # "Übernehmen" cannot silently take a request away from whoever was faster).
        return ((Button(texts.plain("card_btn_release"), callbacks.card(ticket.id, "release")),
                 Button(texts.plain("card_btn_done"), callbacks.card(ticket.id, "done"))),
                (Button(texts.plain("card_btn_take"), callbacks.card(ticket.id, "over")),))
    if ticket.status == "open":
        return ((Button(texts.plain("card_btn_take"), callbacks.card(ticket.id, "take")),
                 Button(texts.plain("card_btn_done"), callbacks.card(ticket.id, "done"))),)
    return ()


def door_label(ticket: Ticket, texts: Texts) -> str:
    """Which door the request came through ("über Telegram", "über die Website")."""
    return texts.render("card_door_web" if ticket.channel == "web" else "card_door_telegram")


def _card_text(ticket: Ticket, texts: Texts, zone: ZoneInfo, long_limit: int) -> str:
    if ticket.type == "question":
        title = texts.render("card_title_question", ref=ticket.ref)
        fields = [("question", texts.plain("card_field_question"), _text(ticket.data.get("text")))]
    else:
        title = texts.render("card_title_request", ref=ticket.ref,
                             kind=Raw(clip(kind_label(ticket, texts), NAME_LIMIT)))
        fields = request_fields(ticket, texts)
    lines = [title, status_line(ticket, texts),
             texts.render("card_created", time=when(ticket.created_at, zone),
                          door=Raw(door_label(ticket, texts)))]
    empty = texts.plain("card_value_empty")
    for field_id, label, value in fields:
        limit = long_limit if field_id in LONG_FIELDS else SHORT_FIELD
        lines.append(texts.render("card_line", field=label,
                                  value=Raw(clip(value, limit)) if value else empty))
    if ticket.requester_blocked:
        lines.append(texts.render("card_blocked"))
    lines.append(texts.render("card_reply_hint"))
    return "\n".join(lines)


def card_text(ticket: Ticket, texts: Texts, zone: ZoneInfo, max_len: int = MAX_MESSAGE) -> str:
    """The card's HTML, at most `max_len` long: long fields shrink until it fits; dates in
    `zone`, the operator's."""
    if ticket.status == "deleted":
        return texts.render("card_deleted", ref=ticket.ref, date=day(ticket.updated_at, zone))
    limit = LONG_FIELD_START
    text = _card_text(ticket, texts, zone, limit)
    while tg_len(text) > max_len and limit > LONG_FIELD_MIN:
        limit = max(LONG_FIELD_MIN, limit * 3 // 4)
        text = _card_text(ticket, texts, zone, limit)
    return text


def render_card(ticket: Ticket, texts: Texts, zone: ZoneInfo) -> Reply:
    """The card as a reply: HTML text plus the buttons the ticket's status allows."""
    return Reply(
        kind="info", text=card_text(ticket, texts, zone), buttons=card_buttons(ticket, texts)
    )
