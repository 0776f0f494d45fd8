"""Team reports (pure): /offen list, details, statistics, unanswered, digest, refs and export."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import pytest

from bot.storage.models import TicketEvent, TicketMessage
from bot.team.display import MAX_MESSAGE, age_days, tg_len
from bot.team.export import export_csv, safe_cell
from bot.team.refs import parse_ref
from bot.team.reports import (
    digest_text,
    open_list,
    select_for_digest,
    stats_text,
    ticket_details,
)
from bot.telegram_html import parse_html
from bot.texts import load_texts
from tests.test_team_cards import CREATED, ZONE, ticket

TEXTS = load_texts()
NOW = CREATED + dt.timedelta(days=4)


def visible(html: str) -> str:
    return parse_html(html)[0]


@pytest.mark.parametrize(("typed", "expected"), [
    ("A-2026-0007", "A-2026-0007"), ("a-2026-7", "A-2026-0007"), ("F-2026-12", "F-2026-0012"),
    ("7", "A-2026-0007"), ("#7", "A-2026-0007"), (" f20260003 ", "F-2026-0003"),
    ("B-2026-1", None), ("sieben", None), ("", None),
])
def test_parse_ref(typed: str, expected: str | None) -> None:
    """References are accepted in the usual spellings; a bare number is a request this year."""
    assert parse_ref(typed, 2026) == expected


def test_age_counts_berlin_calendar_days() -> None:
    """22:15 UTC on 1 July is already 2 July in Berlin; one day later it is one day old."""
    assert age_days(CREATED, CREATED + dt.timedelta(hours=3), ZONE) == 0
    assert age_days(CREATED, dt.datetime(2026, 7, 2, 22, 30, tzinfo=dt.UTC), ZONE) == 1


def test_open_list_overflows_into_more_marker() -> None:
    """Hundreds of open tickets still give one message, ending in "… und N weitere"."""
    many = [ticket(id=i, ref=f"A-2026-{i:04d}", data={**ticket().data,
                                                     "organisation": "O" * 60})
            for i in range(1, 301)]
    html = open_list(many, NOW, TEXTS, ZONE)
    assert tg_len(html) <= MAX_MESSAGE
    text = visible(html)
    assert "Offen: 300" in text and "weitere" in text.splitlines()[-1]


def test_digest_selects_only_old_open_tickets() -> None:
    """The digest picks open/taken tickets at least N days old, oldest first."""
    old = ticket(id=1, ref="A-2026-0001", created_at=NOW - dt.timedelta(days=5))
    older_done = ticket(id=2, ref="A-2026-0002", status="done",
                        created_at=NOW - dt.timedelta(days=9))
    fresh = ticket(id=3, ref="A-2026-0003", created_at=NOW - dt.timedelta(days=1))
    oldest = ticket(id=4, ref="A-2026-0004", status="taken", assignee_name="Tom",
                    created_at=NOW - dt.timedelta(days=7))
    assert [t.id for t in select_for_digest([old, older_done, fresh, oldest], NOW, 3)] == [4, 1]
    assert digest_text([fresh], NOW, 3, TEXTS, ZONE) is None
    text = visible(digest_text([old, oldest], NOW, 3, TEXTS, ZONE) or "")
    assert text.index("A-2026-0004") < text.index("A-2026-0001")


def test_details_keep_newest_history_when_long() -> None:
    """Long histories drop their oldest lines so card plus history fit one message."""
    messages = [TicketMessage(i, 7, "to_user", "Text " * 80, 1, "Tom", CREATED)
                for i in range(1, 60)]
    events = [TicketEvent(i, 7, "message_to_user", None, None, 1, "Tom", i, CREATED)
              for i in range(1, 60)]
    html = ticket_details(ticket(), events, messages, TEXTS, ZONE)
    assert tg_len(html) <= MAX_MESSAGE
    assert "frühere Einträge" in visible(html)


def test_stats_text_orders_and_labels() -> None:
    """Statistics show kind labels, statuses in workflow order and months ascending."""
    stats = {"total": 5, "by_type": {"request": 4, "question": 1},
             "by_kind": {"workshop": 1, "beratung": 3},
             "by_status": {"done": 2, "open": 3},
             "by_month": {"2026-02": 1, "2026-01": 4}}
    text = visible(stats_text(stats, TEXTS))
    assert "Gesamt: 5 (Anfragen: 4, Fragen: 1)" in text
    assert text.index("Beratung für Kommunen: 3") < text.index("Workshop vor Ort: 1")
    assert text.index("offen: 3") < text.index("erledigt: 2")
    assert text.index("01/2026: 4") < text.index("02/2026: 1")


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+49 431", "'+49 431"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("Gemeinde", "Gemeinde"), (None, ""), (True, "ja"),
    (["a", "b"], "a; b"),
])
def test_safe_cell(value: object, expected: str) -> None:
    """Cells that a spreadsheet would run as a formula get a leading apostrophe."""
    assert safe_cell(value) == expected


def test_export_csv_round_trips_awkward_values() -> None:
    """Semicolons, quotes, newlines and umlauts survive; the file starts with a BOM."""
    awkward = 'Süd; "Nord"\nOst'
    data = {**ticket().data, "organisation": awkward, "organisation_label": awkward}
    question = ticket(id=8, ref="F-2026-0001", type="question", data={"text": "=HYPERLINK()"})
    raw = export_csv([dataclasses.replace(ticket(), data=data), question], TEXTS, ZONE)
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    header = rows[0]
    assert rows[1][header.index("Kommune/Organisation")] == awkward
    assert rows[2][header.index("Frage")] == "'=HYPERLINK()"
    assert rows[2][header.index("Typ")] == "Frage"
