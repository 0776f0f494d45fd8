"""Team cards and the texts passed between team and requester (pure rendering)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import callbacks
from bot.localtime import DEFAULT_ZONE
from bot.storage.models import Ticket
from bot.team.cards import card_text, render_card
from bot.team.display import MAX_MESSAGE, clip, tg_len
from bot.team.notices import status_notice, team_message_for_user, user_message_for_team
from bot.telegram_html import parse_html
from bot.texts import load_texts
from tests.test_team_harness import request_data

TEXTS = load_texts()
ZONE = DEFAULT_ZONE  # Europe/Berlin, the configuration's default
CREATED = dt.datetime(2026, 7, 1, 22, 15, tzinfo=dt.UTC)
HOSTILE = ["<b>", "&", "</code>", '"', "😀", "\u200f", "&amp;", "<", "a"]


def ticket(**changes: Any) -> Ticket:
    base = Ticket(
        id=7, ref="A-2026-0007", type="request", user_id=42, chat_id=42, data=request_data(),
        status="open", assignee_id=None, assignee_name=None, created_at=CREATED,
        updated_at=CREATED, closed_at=None, notice_version="v1", notice_shown_at=CREATED,
        card_chat_id=-100123, card_message_id=5, requester_blocked=False, draft_id=1)
    return dataclasses.replace(base, **changes)


def visible(html: str) -> str:
    """What Telegram shows: the parsed text (also proves the HTML is valid)."""
    return parse_html(html)[0]


def test_request_card_shows_fields_in_dialogue_order() -> None:
    """The card lists ref, kind, Berlin time, status and the request's fields in order."""
    text = visible(card_text(ticket(), TEXTS, ZONE))
    assert text.startswith("📋 Anfrage A-2026-0007 · Beratung für Kommunen")
    assert "🟢 offen" in text and "02.07.2026, 00:15" in text
    order = ["Themen:", "Format:", "Kommune/Organisation:", "Name und Funktion:", "Kontakt:",
             "Wunschtermin:", "Anmerkungen:"]
    positions = [text.index(label) for label in order]
    assert positions == sorted(positions)
    assert "erika@musterdorf.de" in text and "per Video" in text


def test_card_shows_the_door_the_request_came_through() -> None:
    """A card says whether the request came through Telegram or the website (issue 11)."""
    assert "über Telegram" in visible(card_text(ticket(), TEXTS, ZONE))
    web = visible(card_text(ticket(channel="web"), TEXTS, ZONE))
    assert "über die Website" in web and "über Telegram" not in web


def test_workshop_card_shows_need() -> None:
    """Another kind shows its own fields (Handlungsbedarf for a workshop)."""
    data = request_data(kind="workshop", kind_label="Workshop vor Ort", need="Leerstand",
                        need_label="Leerstand")
    text = visible(card_text(ticket(data=data), TEXTS, ZONE))
    assert "Handlungsbedarf: Leerstand" in text and "Themen:" not in text


def test_telegram_only_contact_is_named() -> None:
    """A requester who wants no e-mail or phone contact is marked as reachable via Telegram."""
    data = request_data(email=None, telegram_only=True)
    assert "nur über Telegram" in visible(card_text(ticket(data=data), TEXTS, ZONE))


@pytest.mark.parametrize(("status", "name", "line", "ops"), [
    ("open", None, "🟢 offen", ["take", "done"]),
    ("taken", "Tom <T>", "🟡 übernommen von Tom <T>", ["release", "done", "over"]),
    ("done", "Ana", "✅ erledigt von Ana", ["reopen"]),
])
def test_status_line_and_buttons(status: str, name: str | None, line: str,
                                 ops: list[str]) -> None:
    """Each status has its line and its buttons."""
    card = render_card(ticket(status=status, assignee_name=name, assignee_id=1), TEXTS, ZONE)
    assert line in visible(card.text)
    assert [b.data for row in card.buttons for b in row] == [callbacks.card(7, op) for op in ops]


def test_blocked_requester_is_shown() -> None:
    """A card of a requester who blocked the bot says so."""
    blocked = ticket(requester_blocked=True)
    assert "hat den Bot blockiert" in visible(card_text(blocked, TEXTS, ZONE))


def test_deleted_ticket_is_a_tombstone_without_buttons() -> None:
    """A deleted ticket's card keeps only ref and date and has no buttons."""
    card = render_card(ticket(status="deleted", data={}, user_id=None, chat_id=None), TEXTS, ZONE)
    text = visible(card.text)
    assert "A-2026-0007" in text and "gelöscht auf Wunsch" in text
    assert "Musterdorf" not in text and card.buttons == ()


def test_question_card_shows_the_question() -> None:
    """A question ticket shows its text."""
    q = ticket(ref="F-2026-0002", type="question", data={"text": "Wie <viel>?"})
    text = visible(card_text(q, TEXTS, ZONE))
    assert text.startswith("❓ Frage F-2026-0002") and "Frage: Wie <viel>?" in text


@pytest.mark.parametrize("char", ["a", "&", "<", "😀", "</code>"])
def test_card_with_4096_char_fields_fits_one_message(char: str) -> None:
    """Every field at 4,096 characters (entity-heavy or emoji) still gives a card ≤ 4096."""
    long = (char * 4096)[:4096] if len(char) == 1 else (char * 1000)[:4096]
    data = request_data(**{key: long for key in (
        "kind_label", "topics_label", "format_label", "organisation_label", "person_label",
        "time_label", "remarks_label", "email", "phone")})
    html = card_text(ticket(data=data, assignee_name=long, status="taken"), TEXTS, ZONE)
    assert tg_len(html) <= MAX_MESSAGE
    text = visible(html)
    assert "…" in text and "🟡 übernommen von" in text


def test_long_question_fits_one_message() -> None:
    """A 4,096-character question is cut with an ellipsis."""
    q = ticket(type="question", ref="F-2026-0001", data={"text": "&" * 4096})
    html = card_text(q, TEXTS, ZONE)
    assert tg_len(html) <= MAX_MESSAGE and "…" in visible(html)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(HOSTILE), max_size=300).map("".join), st.integers(1, 400))
def test_clip_is_valid_html_within_limit(raw: str, limit: int) -> None:
    """clip() stays within its limit, never cuts inside an entity, and keeps a prefix."""
    clipped = clip(raw, limit)
    assert tg_len(clipped) <= limit
    shown = parse_html(clipped)[0] if clipped else ""
    if shown != raw:
        assert shown.endswith("…") and raw.startswith(shown[:-1])


def test_status_notice_uses_first_name_and_kind() -> None:
    """Taken/done notices name the ticket and the first name; reopening tells nothing."""
    taken = status_notice(ticket(status="taken"), "Tom", TEXTS)
    assert taken is not None and "A-2026-0007" in taken and "Tom" in taken
    question = status_notice(ticket(status="done", type="question", ref="F-2026-0001"),
                             "Tom", TEXTS)
    assert question is not None and "Frage" in question
    assert status_notice(ticket(status="open"), "Tom", TEXTS) is None


def test_passed_messages_are_escaped_and_fit() -> None:
    """Team and user messages are escaped and cut so the framed text fits one message."""
    to_user = team_message_for_user(ticket(), "<Tom>", "<b>hi</b> & " + "x" * 5000, TEXTS)
    to_team = user_message_for_team(ticket(), "Erika", "&" * 4096, TEXTS)
    for html in (to_user, to_team):
        assert tg_len(html) <= MAX_MESSAGE
        visible(html)
    assert "Nachricht vom Team zu A-2026-0007" in visible(to_user)
    assert "<b>hi</b> &" in visible(to_user) and "<Tom>" in visible(to_user)
    assert "Antwort von Erika zu A-2026-0007" in visible(to_team)
