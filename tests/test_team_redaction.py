"""After /loeschen (or retention) no bot message in the team group shows the requester's data:
cards, /anfrage details, relayed answers, lists, digests, /unbeantwortet and exports."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.offline import user
from bot.storage import PostRef
from bot.tg import jobs
from tests.test_team_harness import (
    MEMBER,
    REQUESTER,
    TEAM,
    Harness,
    press_button,
    request_data,
    running_bot,
)

ERIKA = user(REQUESTER, "Erika")
ORGANISATION = "Gemeinde Quasimodohausen"
PERSON = "Erika Quasimodo-Muster, Bürgermeisterin"
EMAIL = "quasimodo@musterdorf-test.de"
USER_REPLY = "Dienstag passt, Stichwort Zitronenfalter"
TEAM_REPLY = "Rufen wir Frau Quasimodo-Muster am Dienstag an?"
QUESTION = "Wie pflegt man Kakadu-Zwergpalmen im Rathausgarten?"
# What must be gone from the team chat: the request's fields, the texts the requester wrote
# (and the team's reply, quoted back by /anfrage), and the Telegram first name.
PERSONAL = ("Quasimodo", EMAIL, "Zitronenfalter", "Kakadu", "Erika")


def settings(tmp_path: Path) -> Settings:
    """A requester who writes a lot in a short test is not slowed down by the rate limit."""
    return Settings.model_validate({
        "team": {"chat_id": TEAM}, "database": {"path": str(tmp_path / "bot.sqlite")},
        "limits": {"burst": 100},
    })



async def submit_through_dialogue(h: Harness) -> None:
    await h.user_says("/anfrage")
    await press_button(h, ERIKA, "Beratung für Kommunen")
    await press_button(h, ERIKA, "Engagementkonzept")
    await press_button(h, ERIKA, "per Video")
    for text in (ORGANISATION, PERSON, EMAIL):
        await h.user_says(text)
    await press_button(h, ERIKA, "Weiter zur Zusammenfassung")
    await press_button(h, ERIKA, "Absenden")
    await h.deliver()


def team_chat_text(h: Harness) -> str:
    """Everything the bot's messages in the team chat show now (after edits and deletions)."""
    parts: list[str] = []
    for message in h.api.sent_to(TEAM):
        parts += [str(message.get("text", "")), str(message.get("caption", ""))]
        document = message.get("document")
        if document:
            parts.append(h.api.file_content(document["file_id"]).decode("utf-8", "replace"))
    return "\n".join(parts)


async def fill_team_chat(h: Harness) -> dict[str, Any]:
    """A request through the dialogue, a question to the team, replies both ways, and every
    team command that shows requesters' data; returns the /anfrage details message."""
    h.add_requester()
    await submit_through_dialogue(h)
    ticket = (await h.services.storage.tickets.list_for_user("telegram", REQUESTER))[0]
    card = h.card(ticket)
    await h.team_says(MEMBER, TEAM_REPLY, reply_to=card["message_id"])
    await h.deliver()
    copy = h.api.last_message(REQUESTER)
    assert copy is not None and "Nachricht vom Team" in copy["text"]
    await h.user_says(USER_REPLY, reply_to=copy["message_id"])
    await h.user_says(QUESTION)
    # Soon after a team message the bot first asks whether the text is for the team.
    await press_button(h, ERIKA, "Nein, das ist eine neue Frage")
    await press_button(h, ERIKA, "Frage an das Team senden")
    await h.deliver()
    await h.team_says(MEMBER, f"/anfrage {ticket.ref}")
    details = h.api.last_message(TEAM)
    assert details is not None and USER_REPLY in details["text"] and TEAM_REPLY in details["text"]
    for command in ("/offen", "/unbeantwortet", "/export"):
        await h.team_says(MEMBER, command)
    h.clock.advance(days=h.services.settings.team.digest_after_days + 1)
    assert await jobs.send_digest(h.services)
    await h.deliver()
    shown = team_chat_text(h)
    for value in PERSONAL:  # the test would prove nothing if the data were never shown
        assert value in shown, value
    return details


async def redaction_statuses(h: Harness) -> set[str]:
    """The outcomes of every redaction row (all "sent": none failed, none left waiting)."""
    found = await h.services.storage.db.fetchall(
        "SELECT status FROM outbox WHERE kind = 'redact'")
    return {row["status"] for row in found}


async def erase(h: Harness) -> None:
    await h.user_says("/loeschen")
    await press_button(h, ERIKA, "Ja, alles löschen")
    await h.deliver()


async def test_loeschen_leaves_no_personal_data_in_any_team_message(tmp_path: Path) -> None:
    """After /loeschen, no bot message in the team chat shows the requester's name, contact,
    organisation or any text they wrote: details, relayed answers, lists, digest, /unbeantwortet
    and the export are redacted (the export file deleted), not only the cards."""
    async with running_bot(tmp_path, settings=settings(tmp_path)) as h:
        await fill_team_chat(h)
        await erase(h)
        shown = team_chat_text(h)
        for value in PERSONAL:
            assert value not in shown, value
        assert "Entfernt" in shown and "gelöscht auf Wunsch" in shown
        assert await h.services.storage.team_posts.count() == 0
        assert await redaction_statuses(h) == {"sent"}


async def test_redaction_ignores_a_message_a_person_deleted(tmp_path: Path) -> None:
    """A tracked message deleted by a team member meanwhile ("message to edit not found") is
    skipped: the redaction does not fail, alert or block the others."""
    async with running_bot(tmp_path, settings=settings(tmp_path)) as h:
        details = await fill_team_chat(h)
        h.api.handle("deleteMessage", {"chat_id": TEAM, "message_id": details["message_id"]})
        await erase(h)
        for value in PERSONAL:
            assert value not in team_chat_text(h), value
        assert await redaction_statuses(h) == {"sent"}


async def test_retention_redacts_the_team_messages_of_deleted_requests(tmp_path: Path) -> None:
    """When retention deletes a closed request, its /anfrage details in the team chat go too."""
    async with running_bot(tmp_path, settings=settings(tmp_path)) as h:
        h.add_requester()
        await submit_through_dialogue(h)
        ticket = (await h.services.storage.tickets.list_for_user("telegram", REQUESTER))[0]
        await h.team_says(MEMBER, f"/anfrage {ticket.ref}")
        assert ORGANISATION in team_chat_text(h)
        await h.services.storage.tickets.change_status(ticket.id, {"open"}, "done", MEMBER,
                                                      "Tom", h.clock())
        h.clock.advance(days=h.services.settings.retention.closed_requests_days + 1)
        counts = await jobs.apply_retention(h.services)
        assert counts["closed_tickets"] == 1
        await h.deliver()
        details = h.api.last_message(TEAM)
        assert details is not None and "Speicherfrist" in details["text"]
        assert ORGANISATION not in details["text"] and EMAIL not in details["text"]


async def test_message_sent_after_the_erasure_is_redacted_at_once(tmp_path: Path) -> None:
    """A team message recorded for a ticket that was erased while it was on its way (a send
    racing /loeschen) is queued for redaction instead of being tracked."""
    async with running_bot(tmp_path, settings=settings(tmp_path)) as h:
        ticket = await h.submit()
        await h.services.storage.privacy.delete_user(REQUESTER, h.clock())
        sent = h.api.handle("sendMessage", {"chat_id": TEAM, "text": "Gemeinde Musterdorf"})
        await h.services.storage.team_posts.record(
            TEAM, sent["message_id"], [PostRef(ticket_id=ticket.id)], h.clock())
        assert await h.services.storage.team_posts.count() == 0
        await h.deliver()
        message = h.api.message(TEAM, sent["message_id"])
        assert message is not None and "Musterdorf" not in message["text"]


async def test_relayed_answer_is_sent_once_when_tracking_it_fails(tmp_path: Path) -> None:
    """If the database cannot record a sent team message for redaction, the outbox row still
    counts as delivered (no false "Zustellung fehlgeschlagen"), and the requester's answer
    appears once in the team chat, not again."""
    async with running_bot(tmp_path, settings=settings(tmp_path)) as h:
        ticket = await h.submit()
        await h.team_says(MEMBER, "Wann passt es?", reply_to=h.card(ticket)["message_id"])
        await h.deliver()
        copy = h.api.last_message(REQUESTER)
        assert copy is not None
        await h.services.storage.db.write("DROP TABLE team_posts")  # the tracking write fails
        await h.user_says(USER_REPLY, reply_to=copy["message_id"])
        await h.deliver()
        h.clock.advance(minutes=30)
        await h.deliver()
        relayed = [t for t in (m.get("text", "") for m in h.api.sent_to(TEAM))
                   if USER_REPLY in t]
        assert len(relayed) == 1
        found = await h.services.storage.db.fetchall(
            "SELECT status FROM outbox WHERE kind = 'to_team'")
        assert [row["status"] for row in found] == ["sent"]


async def test_export_too_old_to_delete_is_left_with_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """An export older than Telegram's 48 hours cannot be deleted: the redaction ends (no retry
    loop, no failure alert), a warning tells the operator, and the other messages are redacted."""
    async with running_bot(tmp_path, settings=settings(tmp_path)) as h:
        await h.submit(request_data(organisation="Gemeinde Quasimodohausen"))
        await h.team_says(MEMBER, "/export")
        await h.team_says(MEMBER, "/offen")
        h.api.inject(400, method="deleteMessage",
                     description="Bad Request: message can't be deleted for everyone")
        caplog.set_level(logging.WARNING)
        await h.services.storage.privacy.delete_user(REQUESTER, h.clock())
        await h.deliver()
        assert await redaction_statuses(h) == {"sent"}
        assert "cannot be redacted" in caplog.text
        listing = h.api.last_message(TEAM)
        assert listing is not None and "Quasimodo" not in listing["text"]
