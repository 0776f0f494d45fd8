"""Data rights: /datenschutz, /meinedaten, /loeschen, retention; no personal data in logs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bot.offline import user
from bot.tg import jobs
from tests.e2e_support import buttons
from tests.test_team_harness import REQUESTER, press_button, request_data, running_bot

ERIKA = user(REQUESTER, "Erika")
PERSONAL = ("Erika Quasimodo-Muster", "quasimodo@musterdorf-test.de", "Gemeinde Quasimodohausen")


def personal_request() -> dict:
    return request_data(person=PERSONAL[0], person_label=PERSONAL[0], email=PERSONAL[1],
                        organisation=PERSONAL[2], organisation_label=PERSONAL[2])



def db_bytes(tmp_path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in tmp_path.glob("bot.sqlite*"))


async def test_privacy_notice_names_operator_and_retention(tmp_path: Path) -> None:
    """/datenschutz shows controller and contact from config and the retention periods."""
    async with running_bot(tmp_path) as h:
        await h.user_says("/datenschutz")
        text = h.api.last_message(REQUESTER)["text"]
        settings = h.services.settings
        assert settings.operator.name in text
        assert str(settings.retention.closed_requests_days) in text
        assert "/loeschen" in text and "Telegram" in text


async def test_my_data_is_a_json_document_with_purposes(tmp_path: Path) -> None:
    """/meinedaten sends everything stored about the user as JSON, with purposes and retention."""
    async with running_bot(tmp_path) as h:
        await h.submit(personal_request())
        await h.user_says("Gibt es Fördermittel für den Sportplatz?")
        await h.user_says("/meinedaten")
        message = next(m for m in h.api.sent_to(REQUESTER) if "document" in m)
        document = json.loads(h.api.file_content(message["document"]["file_id"]))
        assert document["zwecke"] and document["speicherdauer_tage"]
        dumped = json.dumps(document, ensure_ascii=False)
        assert PERSONAL[1] in dumped and "Sportplatz" in dumped


async def test_delete_needs_confirmation(tmp_path: Path) -> None:
    """/loeschen asks first; "Nein" keeps everything."""
    async with running_bot(tmp_path) as h:
        ticket = await h.submit(personal_request())
        await h.user_says("/loeschen")
        assert "wirklich" in h.api.last_message(REQUESTER)["text"]
        await press_button(h, ERIKA, "Nein, behalten")
        kept = await h.services.storage.tickets.get(ticket.id)
        assert kept is not None and kept.data["email"] == PERSONAL[1]


async def test_delete_erases_everything_and_redacts_the_card(tmp_path: Path) -> None:
    """After /loeschen no name, e-mail or organisation remains in the database files or the card."""
    async with running_bot(tmp_path) as h:
        ticket = await h.submit(personal_request())
        await h.user_says("/anfrage")  # a draft too
        await h.user_says("Wir suchen Hilfe fuer Quasimodohausen bei der Vereinsarbeit")
        await h.user_says("/loeschen")
        await press_button(h, ERIKA, "Ja, alles löschen")
        await h.deliver()
        card = h.card(await h.ticket(ticket.id))
        assert "gelöscht auf Wunsch" in card["text"]
        assert all(p not in card["text"] for p in PERSONAL)
        assert any(ticket.ref in t and "gelöscht" in t for t in h.team_texts())
        tombstone = await h.ticket(ticket.id)
        assert tombstone.ref == ticket.ref and tombstone.data == {}
        raw = db_bytes(tmp_path)
        for value in (*PERSONAL, "Quasimodohausen"):
            assert value.encode() not in raw, value


async def test_no_personal_data_in_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Logs carry ids, never names, e-mails or message texts: the submission, the card's
    delivery, the question and the erasure are each logged (by id), and no personal string is."""
    caplog.set_level(logging.DEBUG)
    async with running_bot(tmp_path) as h:
        ticket = await h.submit(personal_request())
        await h.user_says("Geheimfrage zu Quasimodohausen?")
        await h.user_says("/loeschen")
        await press_button(h, ERIKA, "Ja, alles löschen")
        await h.deliver()
    records = [(r.name, r.getMessage()) for r in caplog.records if r.name.startswith("bot")]
    logged = "\n".join(message for _, message in records)
    expected = [("bot.storage.tickets", f"ticket {ticket.id} submitted"),
                ("bot.delivery.worker", f"kind=card ticket={ticket.id}"),
                ("bot.conversation.qa", "band="),  # the question, by its band and id
                ("bot.conversation.rights", f"user {REQUESTER}")]  # the erasure
    for logger, part in expected:
        assert any(name == logger and part in message for name, message in records), part
    for value in (*PERSONAL, "Quasimodohausen", "Geheimfrage"):
        assert value not in logged, value


async def test_retention_deletes_old_closed_requests_and_questions(tmp_path: Path) -> None:
    """The daily job deletes closed requests and question logs past their retention."""
    async with running_bot(tmp_path) as h:
        ticket = await h.submit(personal_request())
        await h.services.storage.tickets.change_status(ticket.id, {"open"}, "done", 1, "Tom",
                                                      h.clock())
        open_ticket = await h.submit(request_data())
        await h.user_says("Wie wird das Wetter?")
        h.clock.advance(days=h.services.settings.retention.closed_requests_days + 1)
        counts = await jobs.apply_retention(h.services)
        assert counts["closed_tickets"] == 1 and counts["questions"] == 1
        assert await h.services.storage.tickets.get(ticket.id) is None
        assert await h.services.storage.tickets.get(open_ticket.id) is not None
        assert PERSONAL[1].encode() not in db_bytes(tmp_path)


async def test_callback_data_carries_no_personal_data(tmp_path: Path) -> None:
    """No button anywhere carries a name, e-mail or organisation."""
    async with running_bot(tmp_path) as h:
        await h.submit(personal_request())
        await h.user_says("/anfrage")
        all_data = [d for chat in (REQUESTER, h.services.team_chat_id)
                    for m in h.api.sent_to(chat) for _, d in buttons(m)]
        assert all_data
        for value in PERSONAL:
            assert all(value not in d for d in all_data)
