"""``/team`` of ``python -m bot web``: the offline team group as the team sees it, where one can
press a card's buttons and reply to a card as a team member (the fake Telegram at the transport)."""

from __future__ import annotations

import asyncio
import io
import os
import re
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.cli.web import serve, web_settings
from bot.offline import FakeBotApi
from tests.e2e_support import WAIT

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
    os.environ.pop("BOT_CONFIG", None)
    settings = web_settings(None)
    settings.database.path = tmp_path / "web.sqlite"
    api = FakeBotApi(strict_chats=False)
    out = io.StringIO()
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, 0, out, stop=stop, api=api))
    try:
        deadline = time.monotonic() + WAIT
        while not URL.search(out.getvalue()):
            assert time.monotonic() < deadline and not task.done(), out.getvalue()
            await asyncio.sleep(0.02)
        match = URL.search(out.getvalue())
        assert match is not None
        base = match.group(0)
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
    finally:
        stop.set()
        await asyncio.wait_for(task, WAIT)
