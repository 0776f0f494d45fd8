"""The HTTP side of ``/team`` (offline ``bot web`` only): the page, its state as JSON, and
the team member's presses and replies as same-origin JSON POSTs, as the chat's API takes them."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web

from bot.config import Settings
from bot.texts import Texts
from bot.web.security import json_post, same_origin
from bot.web.team_page import (
    MAX_CALLBACK_BYTES,
    MAX_REPLY_CHARS,
    TeamDesk,
    messages_html,
    team_page,
    version,
)

log = logging.getLogger(__name__)


class TeamPage:
    def __init__(self, desk: TeamDesk, texts: Texts, settings: Settings) -> None:
        self.desk = desk
        self.texts = texts
        self.web = settings.web

    def _fail(self, status: int, key: str = "team_page_error") -> web.Response:
        return web.json_response({"error": status, "notice": self.texts.plain(key)},
                                 status=status)

    async def _body(self, request: web.Request) -> dict[str, Any] | web.Response:
        if not json_post(request):
            return self._fail(415)
        if not same_origin(request, self.web):
            return self._fail(403)
        try:
            body = await request.json()
        except web.HTTPRequestEntityTooLarge:
            return self._fail(413)
        except (ValueError, RecursionError):
            return self._fail(400)
        if not isinstance(body, dict) or not isinstance(body.get("message"), int) \
                or isinstance(body.get("message"), bool):
            return self._fail(400)
        return body

    def _state(self, notice: str | None = None) -> web.Response:
        fragment = messages_html(self.desk.messages(), self.texts)
        data: dict[str, Any] = {"version": version(fragment), "html": fragment}
        if notice:
            data["notice"] = notice
        response = web.json_response(data, dumps=json.dumps)
        response.headers["Cache-Control"] = "no-store"
        return response

    async def page(self, request: web.Request) -> web.Response:
        return web.Response(
            text=team_page(self.texts, self.desk.messages()),
            content_type="text/html", charset="utf-8",
        )

    async def messages(self, request: web.Request) -> web.Response:
        return self._state()

    async def press(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        if isinstance(body, web.Response):
            return body
        data = body.get("data")
        if not isinstance(data, str) or len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
            return self._fail(400)
        try:
            notice = await self.desk.press(body["message"], data)
        except LookupError:
            return self._fail(404, "team_page_gone")
        except Exception:
            log.exception("team page: a button press failed on message %s", body["message"])
            return self._fail(500)
        return self._state(notice or self.texts.plain("team_page_done"))

    async def reply(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        if isinstance(body, web.Response):
            return body
        text = body.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_REPLY_CHARS:
            return self._fail(400)
        try:
            await self.desk.reply(body["message"], text.strip())
        except LookupError:
            return self._fail(404, "team_page_gone")
        except Exception:
            log.exception("team page: a reply failed on message %s", body["message"])
            return self._fail(500)
        return self._state(self.texts.plain("team_page_done"))


def add_team_page(app: web.Application, desk: TeamDesk, texts: Texts, settings: Settings) -> None:
    """Serve /team on the web door's app (before it starts)."""
    view = TeamPage(desk, texts, settings)
    app.router.add_get("/team", view.page)
    app.router.add_get("/team/api/messages", view.messages)
    app.router.add_post("/team/api/press", view.press)
    app.router.add_post("/team/api/reply", view.reply)
