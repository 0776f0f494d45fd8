"""A web request's private page /anfrage/<token> (issue 11, part 3)."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.composition import build_web_app
from bot.config import Settings
from bot.web.access_log import AccessLogger
from tests.test_team_harness import MEMBER, TEAM, Harness, running_bot
from tests.web_support import Chat

LINK = re.compile(r'href="(anfrage/([A-Za-z0-9_-]{43}))"')


@asynccontextmanager
async def web_bot(tmp_path: Path) -> AsyncIterator[tuple[Harness, Chat]]:
    settings = Settings.model_validate({
        "team": {"chat_id": TEAM},
        "database": {"path": str(tmp_path / "bot.sqlite")},
        # A whole dialogue in a moment: the door's rate limits are not under test here.
        "web": {"limits": {"session_burst": 100, "session_per_minute": 100,
                           "address_burst": 100, "address_per_minute": 100}},
    })
    async with running_bot(tmp_path, settings=settings) as bot:
        server = TestServer(build_web_app(bot.services))
        # As `bot run` serves it: with the door's access log (its token-free lines are tested).
        await server.start_server(access_log_class=AccessLogger)
        async with TestClient(server) as client:
            chat = Chat(client)
            await chat.start()
            yield bot, chat


async def _press(chat: Chat, shown: list[dict[str, Any]], label: str) -> list[dict[str, Any]]:
    for message in reversed(shown):
        for row in message["buttons"]:
            for button in row:
                if label in button["label"]:
                    status, body = await chat.post("/api/press", {"data": button["data"]})
                    assert status == 200
                    return list(body["messages"])
    raise AssertionError(f"no button {label!r}")


async def submit_on_the_web(bot: Harness, chat: Chat) -> tuple[str, list[dict[str, Any]]]:
    """The request dialogue through the web door's API; returns the page link and the receipt."""
    _, body = await chat.post("/api/command", {"name": "anfrage"})
    shown = list(body["messages"])
    for label in ("Beratung für Kommunen", "Engagementkonzept", "per Video"):
        shown = await _press(chat, shown, label)
    for text in ("Gemeinde Musterdorf", "Erika Muster, Bürgermeisterin", "erika@example.org"):
        _, body = await chat.post("/api/send", {"text": text})
        shown = list(body["messages"])
    shown = await _press(chat, shown, "Weiter zur Zusammenfassung")
    receipt = await _press(chat, shown, "Absenden")
    await bot.deliver()
    found = [LINK.search(m["html"]) for m in receipt]
    links = [m for m in found if m is not None]
    assert len(links) == 1, receipt
    return links[0].group(1), receipt


async def _answer(chat: Chat, link: str, text: str, **headers: str) -> int:
    response = await chat.client.post(
        "/" + link, data={"text": text},
        headers={"Origin": chat.origin, **headers}, allow_redirects=False)
    return response.status


async def test_web_request_gets_a_private_page_with_status_summary_and_messages(
        tmp_path: Path) -> None:
    """After submitting on the web the requester gets the reference number and a private link;
    the page shows the status, their summary and the team's reply, is sent with no-referrer and
    no-store, and only a hash of the token (256 bit random) is stored."""
    async with web_bot(tmp_path) as (bot, chat):
        link, receipt = await submit_on_the_web(bot, chat)
        token = link.removeprefix("anfrage/")
        rows = await bot.services.storage.db.fetchall("SELECT token_hash FROM request_links", ())
        assert len(rows) == 1 and token not in rows[0]["token_hash"]
        ticket_row = await bot.services.storage.db.fetchone(
            "SELECT id, ref FROM tickets WHERE channel = 'web'", ())
        assert ticket_row is not None
        assert any(ticket_row["ref"] in m["html"] for m in receipt)
        card = bot.card(await bot.ticket(ticket_row["id"]))
        await bot.team_says(MEMBER, "Wir melden uns am Montag.", reply_to=card["message_id"])
        await bot.deliver()
        response = await chat.client.get("/" + link)
        page = await response.text()
        assert response.status == 200
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
        assert ticket_row["ref"] in page and "Gemeinde Musterdorf" in page
        assert "Wir melden uns am Montag." in page and "<form" in page


async def test_answer_on_the_page_reaches_the_team_as_a_reply_to_the_card(tmp_path: Path) -> None:
    """The page's form passes the answer to the team chat as a reply to the request's card,
    then shows it on the page; a post from another origin (CSRF) is refused."""
    async with web_bot(tmp_path) as (bot, chat):
        link, _ = await submit_on_the_web(bot, chat)
        assert await _answer(chat, link, "Fremd", Origin="http://evil.example") == 403
        assert await _answer(chat, link, "Montag passt mir gut.") == 303
        await bot.deliver()
        ticket_row = await bot.services.storage.db.fetchone(
            "SELECT id FROM tickets WHERE channel = 'web'", ())
        assert ticket_row is not None
        card = bot.card(await bot.ticket(ticket_row["id"]))
        replies = [m for m in bot.api.sent_to(card["chat"]["id"])
                   if "Montag passt mir gut." in str(m.get("text", ""))]
        assert len(replies) == 1
        assert replies[0]["reply_to_message"]["message_id"] == card["message_id"]
        assert not any("Fremd" in str(m.get("text", "")) for m in bot.api.sent_to(
            card["chat"]["id"]))
        page = await (await chat.client.get("/" + link)).text()
        assert "Montag passt mir gut." in page


async def test_summary_follows_the_dialogue_and_shows_the_contact(tmp_path: Path) -> None:
    """The page's summary is the one the requester confirmed: the dialogue's order (as on the
    team's card) and the contact they gave, which is stored apart from the other answers."""
    async with web_bot(tmp_path) as (bot, chat):
        link, _ = await submit_on_the_web(bot, chat)
        page = await (await chat.client.get("/" + link)).text()
        labels = ["Art", "Themen", "Format", "Kommune/Organisation", "Name und Funktion",
                  "Kontakt", "Wunschtermin", "Anmerkungen"]
        found = [page.find(f"<dt>{label}</dt>") for label in labels]
        assert -1 not in found and found == sorted(found), dict(zip(labels, found, strict=True))
        assert "<dt>Kontakt</dt><dd>erika@example.org</dd>" in page


async def test_form_posted_with_origin_null_from_the_page_itself_is_accepted(
        tmp_path: Path) -> None:
    """The page's no-referrer policy makes browsers post its form with "Origin: null"; the
    browser's Sec-Fetch-Site "same-origin" then lets the answer through, while "null" from
    another site's sandboxed frame (cross-site) or without that header is refused."""
    async with web_bot(tmp_path) as (bot, chat):
        link, _ = await submit_on_the_web(bot, chat)
        assert await _answer(chat, link, "Fremd", Origin="null",
                             **{"Sec-Fetch-Site": "cross-site"}) == 403
        assert await _answer(chat, link, "Fremd", Origin="null") == 403
        assert await _answer(chat, link, "Montag passt mir gut.", Origin="null",
                             **{"Sec-Fetch-Site": "same-origin"}) == 303
        page = await (await chat.client.get("/" + link)).text()
        assert "Montag passt mir gut." in page and "Fremd" not in page


async def test_page_link_stops_working_after_loeschen(tmp_path: Path) -> None:
    """/loeschen erases the request's data: its page and its form answer 404."""
    async with web_bot(tmp_path) as (bot, chat):
        link, _ = await submit_on_the_web(bot, chat)
        assert (await chat.client.get("/" + link)).status == 200
        _, body = await chat.post("/api/command", {"name": "loeschen"})
        await _press(chat, list(body["messages"]), "Ja")
        assert (await chat.client.get("/" + link)).status == 404
        assert await _answer(chat, link, "Noch da?") == 404
        rows = await bot.services.storage.db.fetchall("SELECT * FROM request_links", ())
        assert rows == []


async def test_page_link_stops_working_after_retention_deletion(tmp_path: Path) -> None:
    """When retention deletes a closed request, its page link opens nothing any more."""
    async with web_bot(tmp_path) as (bot, chat):
        link, _ = await submit_on_the_web(bot, chat)
        storage = bot.services.storage
        await storage.db.write("UPDATE tickets SET status = 'done', closed_at = ?",
                               ("2000-01-01T00:00:00+00:00",))
        await storage.privacy.delete_closed_before(bot.clock(), bot.clock())
        assert (await chat.client.get("/" + link)).status == 404


def _access(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]


async def test_access_log_never_shows_the_page_token(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The access log lists requests to the page without their token (nor a client address)."""
    caplog.set_level(logging.INFO)  # before the server starts: it checks the level once
    async with web_bot(tmp_path) as (bot, chat):
        link, _ = await submit_on_the_web(bot, chat)
        token = link.removeprefix("anfrage/")
        caplog.clear()
        assert (await chat.client.get("/" + link)).status == 200
        await _answer(chat, link, "Hallo")
        # aiohttp logs a request after its response went out: wait for both lines.
        deadline = time.monotonic() + 5
        while len(_access(caplog)) < 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        access = _access(caplog)
        assert len(access) >= 2 and all("/anfrage/" in line for line in access), access
        assert not any(token in r.getMessage() for r in caplog.records)
