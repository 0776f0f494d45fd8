"""``/team`` of ``python -m bot web``: the offline team group as the team sees it, where one can
press a card's buttons and reply to a card as a team member (the fake Telegram at the transport)."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.e2e_support import WAIT
from tests.web_support import serving_bot_web

URL = re.compile(r"http://127\.0\.0\.1:[0-9]+/")
REQUEST_STEPS = [
    "Workshop vor Ort", "Wir wollen Vereine und Verwaltung vernetzen.", "Gemeinde <Musterdorf>",
    "Erika Muster, Amt", "erika@musterdorf.de", "Überspringen", "Überspringen", "Absenden",
]


class Web:
    """What the chat page and the team page do: same-origin JSON POSTs."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session = session
        self.base = base
        self.origin = {"Origin": base.rstrip("/")}
        self.token = ""
        self.shown: list[dict[str, Any]] = []

    async def post(self, path: str, payload: Any, **headers: str) -> tuple[int, dict[str, Any]]:
        async with self.session.post(self.base + path, json=payload,
                                     headers={**self.origin, **headers}) as response:
            return response.status, await response.json()

    async def chat(self, path: str, payload: Any) -> None:
        status, body = await self.post(path, payload, **{"X-Chat-Session": self.token})
        assert status == 200, body
        self.shown = body["messages"]

    async def step(self, text: str) -> None:
        """Press the shown button with this label, otherwise type the text."""
        for message in self.shown:
            for row in message["buttons"]:
                for button in row:
                    if button["label"] == text:
                        await self.chat("api/press", {"data": button["data"]})
                        return
        await self.chat("api/send", {"text": text})


async def _until(predicate: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not await predicate():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.05)


@pytest.mark.realclock  # the bot in-process with its outbox worker
async def test_team_page_shows_the_card_and_takes_and_answers_it(tmp_path: Path) -> None:
    """A request from the web chat appears as a card on /team (escaped, with its buttons);
    pressing its first button acts as a team member (the card changes, the bot's notice is
    shown), a reply to the card is posted into the team group as a reply to it; cross-site or
    non-JSON posts and unknown messages are refused."""
    async with serving_bot_web(tmp_path) as served:
        base, api, out, settings = served.base, served.api, served.out, served.settings
        assert f"{base}team" in out.getvalue()
        async with aiohttp.ClientSession() as session:
            web = Web(session, base)
            _, created = await web.post("api/session", {})
            web.token = created["token"]
            await web.chat("api/send", {"text": "/anfrage"})
            for text in REQUEST_STEPS:
                await web.step(text)
            state: dict[str, Any] = {}

            async def card_shown() -> bool:
                async with session.get(base + "team/api/messages") as response:
                    state.update(await response.json())
                return "team-press" in state["html"]

            await _until(card_shown, "no card on /team")
            assert "Gemeinde &lt;Musterdorf&gt;" in state["html"]  # escaped, never markup
            async with session.get(base + "team") as response:
                page = await response.text()
                assert response.headers["Content-Security-Policy"].startswith("default-src")
            assert '<html lang="de">' in page and "<script>" not in page
            assert 'src="static/team.js"' in page and 'class="team-reply"' in page
            press = re.search(r'data-message="(\d+)" data-data="([^"]*)">([^<]*)<', state["html"])
            assert press is not None
            card, data = int(press.group(1)), press.group(2).replace("&quot;", '"')
            before = api.message(settings.team.chat_id or 0, card)

            status, _ = await web.post("team/api/press", {"message": card, "data": data},
                                       Origin="http://evil.example")
            assert status == 403
            async with session.post(base + "team/api/press", data="message=1",
                                    headers=web.origin) as response:
                assert response.status == 415
            status, _ = await web.post("team/api/press", {"message": 99999, "data": data})
            assert status == 404

            status, pressed = await web.post("team/api/press", {"message": card, "data": data})
            assert status == 200, pressed
            assert pressed["notice"]
            assert api.message(settings.team.chat_id or 0, card) != before  # the card changed

            status, replied = await web.post(
                "team/api/reply", {"message": card, "text": "Gern, wir melden uns <bald>."}
            )
            assert status == 200, replied
            assert "Gern, wir melden uns &lt;bald&gt;." in replied["html"]
            assert f'href="#m{card}"' in replied["html"]  # shown as a reply to the card
            status, _ = await web.post("team/api/reply", {"message": card, "text": "  "})
            assert status == 400


class ListDesk:
    """A team group held in a list: the web layer's contract without Telegram."""

    def __init__(self, messages: list[dict[str, Any]]) -> None:
        self.log = messages
        self.pressed: list[tuple[int, str]] = []

    def messages(self) -> list[dict[str, Any]]:
        return self.log

    async def press(self, message_id: int, data: str) -> str | None:
        if not any(m["message_id"] == message_id for m in self.log):
            raise LookupError(message_id)
        if data == "boom":
            raise RuntimeError("the handler failed")
        self.pressed.append((message_id, data))
        return "Übernommen."

    async def reply(self, message_id: int, text: str) -> None:
        self.log.append({"message_id": len(self.log) + 1, "from": {"first_name": "Tina"},
                         "text": text, "reply_to_message": {"message_id": message_id}})


BOT = {"id": 1, "is_bot": True, "first_name": "Engagement-Assistent"}
HOSTILE_CARD = {
    "message_id": 1, "from": BOT, "text": "Anfrage von <script>alert(1)</script> & Co",
    "reply_markup": {"inline_keyboard": [[
        {"text": 'Über"nehmen<', "callback_data": 'c:1:"take'},
        {"text": "Link", "url": "javascript:alert(1)"},
        {"text": "Karte", "url": "https://example.org/?a=1&b=2"},
    ]]},
}


async def _team_client(desk: ListDesk) -> Any:
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from bot.config import Settings
    from bot.web.app import create_web_app
    from bot.web.team_routes import add_team_page
    from tests.web_support import answerer, standin

    settings = Settings()
    app: web.Application = create_web_app(standin(settings), settings, texts=answerer().texts)
    add_team_page(app, desk, answerer().texts, settings)
    return TestClient(TestServer(app))


async def test_team_page_escapes_everything_and_allows_only_safe_links() -> None:
    """Text, button labels and callback data are escaped on /team; a javascript: URL button
    never becomes a link; the page loads its script from this server only (no inline script)
    and names its regions for screen readers."""
    async with await _team_client(ListDesk([HOSTILE_CARD])) as client:
        response = await client.get("/team")
        page = await response.text()
        assert response.status == 200
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
    assert 'data-data="c:1:&quot;take">Über&quot;nehmen&lt;</button>' in page
    assert "javascript:" not in page
    assert 'href="https://example.org/?a=1&amp;b=2"' in page
    assert re.findall(r"<script[^>]*>", page) == ['<script src="static/team.js" defer>']
    assert 'aria-label="Nachrichten der Team-Gruppe"' in page and 'role="status"' in page
    assert '<label for="reply-1">Antwort an diese Nachricht</label>' in page


async def test_team_actions_are_checked_and_never_crash() -> None:
    """Presses and replies need a same-origin JSON POST with a message number; an unknown
    message is a 404 with a German notice, a failing handler a 500 notice (logged by id)."""
    desk = ListDesk([dict(HOSTILE_CARD)])
    async with await _team_client(desk) as client:
        origin = {"Origin": f"http://{client.host}:{client.port}"}

        async def post(path: str, payload: Any, **headers: str) -> tuple[int, dict[str, Any]]:
            response = await client.post(path, json=payload, headers={**origin, **headers})
            return response.status, await response.json()

        assert (await post("/team/api/press", {"message": 1, "data": "x"}, Origin="null"))[0] \
            == 403
        for bad in ({}, {"message": "1", "data": "x"}, {"message": True, "data": "x"},
                    {"message": 1, "data": "x" * 65}, {"message": 1}):
            assert (await post("/team/api/press", bad))[0] == 400, bad
        status, body = await post("/team/api/press", {"message": 9, "data": "x"})
        assert status == 404 and body["notice"] == "Diese Nachricht gibt es nicht mehr."
        status, body = await post("/team/api/press", {"message": 1, "data": "boom"})
        assert status == 500 and body["notice"]
        status, body = await post("/team/api/press", {"message": 1, "data": "c:1:take"})
        assert status == 200 and body["notice"] == "Übernommen." and "team-msg" in body["html"]
        assert desk.pressed == [(1, "c:1:take")]
        assert (await post("/team/api/reply", {"message": 1, "text": "x" * 4001}))[0] == 400
        status, body = await post("/team/api/reply", {"message": 1, "text": "Gern <b>!"})
        assert status == 200 and "Gern &lt;b&gt;!" in body["html"]
        bare = await client.post("/team/api/reply", data=b"{}", headers=origin)
        assert bare.status == 415


async def test_run_serves_no_team_page() -> None:
    """/team exists only where `bot web` adds it: the web door as `run` builds it has none."""
    from tests.web_support import web_client

    async with web_client() as chat:
        response = await chat.client.get("/team")
        assert response.status == 404
