"""Team replies reach requesters who came through the website (issue 11, part 3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot import callbacks
from bot.composition import build_web_app
from bot.conversation.model import UserKey
from bot.web.sessions import user_key
from tests.test_request_page import submit_on_the_web, web_bot
from tests.test_team_harness import MEMBER, TEAM, Harness, request_data, running_bot
from tests.web_support import Chat, bot_with_web_chat


async def _web_request(bot: Harness, user: UserKey) -> int:
    """A submitted request of ``user`` (a web session), its card posted in the team group."""
    storage = bot.services.storage
    web_id = int(user.id)
    draft = await storage.drafts.create(web_id, web_id, "summary", bot.clock(),
                                        dt.timedelta(days=7), "web")
    ticket, _ = await storage.tickets.submit_request(draft, request_data(), bot.clock(),
                                                     {"chat_id": TEAM})
    await bot.deliver()
    return ticket.id


async def _poll(chat: Chat, after: int = 0) -> dict[str, Any]:
    response = await chat.client.get(f"/api/poll?after={after}", headers=chat.headers())
    assert response.status == 200
    body: dict[str, Any] = await response.json()
    return body


async def test_team_reply_reaches_the_web_requesters_poll(tmp_path: Path) -> None:
    """A team member's reply to the card of a web request is delivered by the outbox worker
    into the requester's web session: their long poll returns it; the team gets its receipt."""
    async with bot_with_web_chat(tmp_path) as (bot, chat):
        ticket_id = await _web_request(bot, user_key(chat.token))
        card = bot.card(await bot.ticket(ticket_id))
        await bot.team_says(MEMBER, "Wir rufen Sie morgen an.", reply_to=card["message_id"])
        assert await bot.deliver() >= 1
        body = await _poll(chat)
        assert any("Wir rufen Sie morgen an." in m["html"] for m in body["messages"])
        rows = await bot.services.storage.db.fetchall(
            "SELECT kind, status FROM outbox WHERE ticket_id = ? AND kind = 'to_web'",
            (ticket_id,))
        assert [(r["kind"], r["status"]) for r in rows] == [("to_web", "sent")]
        assert any("zugestellt" in t for t in bot.team_texts())


async def test_team_reply_waits_for_the_web_door(tmp_path: Path) -> None:
    """A reply written while the web door is not serving stays in the outbox (not lost, not
    failed) and reaches the requester once the door is up."""
    async with running_bot(tmp_path) as bot:
        token = "t" * 43
        ticket_id = await _web_request(bot, user_key(token))
        card = bot.card(await bot.ticket(ticket_id))
        await bot.team_says(MEMBER, "Gerne, bis bald.", reply_to=card["message_id"])
        await bot.deliver()
        rows = await bot.services.storage.db.fetchall(
            "SELECT status FROM outbox WHERE kind = 'to_web'", ())
        assert [r["status"] for r in rows] == ["pending"]
        async with TestClient(TestServer(build_web_app(bot.services))) as client:
            chat = Chat(client)
            chat.token = token
            bot.clock.advance(hours=1)  # past the retry delay
            await bot.deliver()
            body = await _poll(chat)
            assert any("Gerne, bis bald." in m["html"] for m in body["messages"])


async def test_status_notice_reaches_the_web_requesters_poll(tmp_path: Path) -> None:
    """When a team member takes a web request on its card, the requester's status notice
    (through the web port) arrives in their session's long poll."""
    async with bot_with_web_chat(tmp_path) as (bot, chat):
        ticket_id = await _web_request(bot, user_key(chat.token))
        ticket = await bot.ticket(ticket_id)
        await bot.press(MEMBER, bot.card(ticket), callbacks.card(ticket_id, "take"))
        await bot.deliver()
        body = await _poll(chat)
        assert any(ticket.ref in m["html"] for m in body["messages"]), body


async def test_reply_to_a_closed_chat_is_on_the_request_page_after_a_restart(
        tmp_path: Path) -> None:
    """A team reply to a web requester whose chat is not open (nobody polls) is delivered into
    a mailbox that only lives in memory; the request page shows it from the database, also
    after a restart has emptied every mailbox."""
    async with web_bot(tmp_path) as (bot, chat):
        link, _ = await submit_on_the_web(bot, chat)
        ticket_id = await bot.services.storage.db.fetchval(
            "SELECT id FROM tickets WHERE channel = 'web'", ())
        card = bot.card(await bot.ticket(ticket_id))
        await bot.team_says(MEMBER, "Wir haben einen Termin für Sie.",
                            reply_to=card["message_id"])
        await bot.deliver()
        rows = await bot.services.storage.db.fetchall(
            "SELECT status FROM outbox WHERE kind = 'to_web'", ())
        assert [r["status"] for r in rows] == ["sent"]  # handed to the (unread) mailbox
    async with web_bot(tmp_path) as (bot, chat):
        page = await chat.client.get("/" + link)
        assert page.status == 200
        assert "Wir haben einen Termin für Sie." in await page.text()
