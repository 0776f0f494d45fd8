"""One word per status everywhere (issue 10): every place that names a status takes the word
from the texts team_status_<status>, so changing that one text changes all of them."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import Settings
from bot.rights.summary import my_data_summary
from bot.storage.models import Ticket, TicketEvent
from bot.team.cards import card_text
from bot.team.export import export_csv
from bot.team.notices import status_notice
from bot.team.reports import digest_text, open_list, stats_text, ticket_details
from bot.team.status_words import STATUSES
from bot.telegram_html import parse_html
from bot.texts import Texts, load_texts
from tests.test_team_cards import CREATED, ZONE, ticket

REAL = load_texts()
# Each status word replaced by a marker no other text contains.
WORD = {status: f"WORT-{status.upper()}" for status in STATUSES}
TEXTS = Texts({**{key: REAL.raw(key) for key in REAL},
               **{f"team_status_{status}": word for status, word in WORD.items()}})
NOW = CREATED + dt.timedelta(days=5)
OPEN = ticket(id=1, ref="A-2026-0001")
TAKEN = ticket(id=2, ref="A-2026-0002", status="taken", assignee_id=7, assignee_name="Tom")
DONE = ticket(id=3, ref="A-2026-0003", status="done", assignee_id=7, assignee_name="Tom",
              closed_at=CREATED)


def shown(html: str) -> str:
    return parse_html(html)[0]


@pytest.mark.parametrize("item", [OPEN, TAKEN, DONE], ids=lambda t: t.status)
def test_card_uses_the_status_word(item: Ticket) -> None:
    """The card's status line says the status with the one word."""
    assert WORD[item.status] in shown(card_text(item, TEXTS, ZONE))


def test_open_list_and_digest_use_the_status_words() -> None:
    """/offen and the daily digest say "offen"/"übernommen" like the card (not "frei")."""
    for text in (open_list([OPEN, TAKEN], NOW, TEXTS, ZONE),
                 digest_text([OPEN, TAKEN], NOW, 1, TEXTS, ZONE)):
        assert text is not None
        assert WORD["open"] in shown(text) and WORD["taken"] in shown(text)
    assert "frei" not in shown(open_list([OPEN], NOW, REAL, ZONE))


def test_details_export_and_statistics_use_the_status_words() -> None:
    """/anfrage (card and history), the CSV export and /statistik name statuses alike."""
    event = TicketEvent(1, 2, "status", "open", "taken", 7, "Tom", None, CREATED)
    details = shown(ticket_details(TAKEN, [event], [], TEXTS, ZONE))
    assert details.count(WORD["taken"]) >= 2 and WORD["open"] in details
    export = export_csv([OPEN, TAKEN, DONE], TEXTS, ZONE).decode("utf-8-sig")
    assert all(WORD[s] in export for s in ("open", "taken", "done"))
    stats = shown(stats_text({"by_status": {s: 1 for s in STATUSES}}, TEXTS))
    assert all(word in stats for word in WORD.values())


def test_requester_texts_use_the_status_words() -> None:
    """What the requester reads: the status notices and /meinedaten's "until when" lines."""
    for item in (TAKEN, DONE):
        notice = status_notice(item, "Tom", TEXTS)
        assert notice is not None and WORD[item.status] in shown(notice)
    export = {"tickets": [
        {"type": "request", "ref": OPEN.ref, "status": "open", "data": {}},
        {"type": "request", "ref": TAKEN.ref, "status": "taken", "data": {}},
        {"type": "request", "ref": DONE.ref, "status": "done", "closed_at": CREATED.isoformat(),
         "data": {}},
    ]}
    summary = shown(my_data_summary(export, Settings(), TEXTS))
    assert all(WORD[s] in summary for s in ("open", "taken", "done"))
