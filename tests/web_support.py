"""Helpers for the web door's tests: the stand-in conversation on the real knowledge base, and
an aiohttp test client with the headers a browser page of the chat sends."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.answering import Answerer
from bot.answering_factory import build_answerer
from bot.config import Settings
from bot.conversation.model import Conversation
from bot.texts import load_texts
from bot.web.app import create_web_app
from bot.web.sessions import SESSION_HEADER
from tests.web_standin import StandinConversation

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
