"""Helpers for the web door's tests: the stand-in conversation on the real knowledge base, and
an aiohttp test client with the headers a browser page of the chat sends."""

from __future__ import annotations

import asyncio
import io
import os
import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.answering import Answerer
from bot.answering_factory import build_answerer
from bot.cli.web import serve, web_settings
from bot.config import Settings
from bot.conversation.model import Conversation
from bot.offline import FakeBotApi
from bot.texts import load_texts
from bot.web.app import create_web_app
from bot.web.sessions import SESSION_HEADER
from tests.e2e_support import WAIT
from tests.web_standin import StandinConversation

if TYPE_CHECKING:
    from tests.test_team_harness import Harness

BOT_WEB_URL = re.compile(r"http://127\.0\.0\.1:[0-9]+/")

_ANSWERER: Answerer | None = None


def answerer() -> Answerer:
    """One Answerer for all tests of a run: the matcher's index takes a moment to build."""
    global _ANSWERER
    if _ANSWERER is None:
        _ANSWERER = build_answerer(Settings(), texts=load_texts())
    return _ANSWERER


def standin(settings: Settings | None = None) -> StandinConversation:
    return StandinConversation(answerer, settings or Settings())


class Chat:
    """A browser tab of the chat: it has a session token and sends what chat.js sends."""

    def __init__(self, client: TestClient[Any, Any]) -> None:
        self.client = client
        self.token: str | None = None

    @property
    def origin(self) -> str:
        return f"http://{self.client.host}:{self.client.port}"

    def headers(self, **extra: str) -> dict[str, str]:
        headers = {"Origin": self.origin, "Content-Type": "application/json"}
        if self.token:
            headers[SESSION_HEADER] = self.token
        headers.update(extra)
        return headers

    async def start(self) -> None:
        response = await self.client.post("/api/session", json={}, headers=self.headers())
        assert response.status == 200
        self.token = (await response.json())["token"]

    async def post(self, path: str, payload: Any, **headers: str) -> tuple[int, dict[str, Any]]:
        response = await self.client.post(path, json=payload, headers=self.headers(**headers))
        return response.status, await response.json()


@asynccontextmanager
async def web_client(
    conversation: Conversation | None = None,
    settings: Settings | None = None,
    **kwargs: Any,
) -> AsyncIterator[Chat]:
    settings = settings or Settings()
    app: web.Application = create_web_app(
        conversation or standin(settings), settings, texts=answerer().texts, **kwargs
    )
    async with TestClient(TestServer(app)) as client:
        yield Chat(client)


def fixed_clock(now: list[float]) -> Callable[[], float]:
    return lambda: now[0]


@dataclass
class ServedWeb:
    """`python -m bot web` served in the test's own loop: its base URL, printed output, fake
    Bot API and settings."""

    base: str
    out: io.StringIO
    api: FakeBotApi
    settings: Settings


@asynccontextmanager
async def serving_bot_web(tmp_path: Path) -> AsyncIterator[ServedWeb]:
    """Run `bot web`'s serve() offline on a free port until the block ends (the URL line is
    awaited with a deadline; the server is stopped and awaited afterwards)."""
    os.environ.pop("BOT_CONFIG", None)
    settings = web_settings(None)
    settings.database.path = tmp_path / "web.sqlite"
    api = FakeBotApi(strict_chats=False)
    out = io.StringIO()
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, 0, out, stop=stop, api=api))
    try:
        deadline = time.monotonic() + WAIT
        while not (match := BOT_WEB_URL.search(out.getvalue())):
            assert time.monotonic() < deadline and not task.done(), out.getvalue()
            await asyncio.sleep(0.02)
        yield ServedWeb(match.group(0), out, api, settings)
    finally:
        stop.set()
        await asyncio.wait_for(task, WAIT)


@asynccontextmanager
async def bot_with_web_chat(
    tmp_path: Path, settings: Settings | None = None
) -> AsyncIterator[tuple[Harness, Chat]]:
    """The Telegram harness with the web door of the same services, and one started chat
    session on it: (the harness, the chat)."""
    from bot.composition import build_web_app
    from tests.test_team_harness import running_bot

    async with running_bot(tmp_path, settings=settings) as bot, TestClient(
        TestServer(build_web_app(bot.services))
    ) as client:
        chat = Chat(client)
        await chat.start()
        assert chat.token is not None
        yield bot, chat
