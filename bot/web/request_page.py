"""The web door's private request page: GET shows it, POST (a plain form) answers the team.

The token in the path is the only key, so it must not leak: no-referrer (security middleware),
no caching, and the access log leaves the path out (cli/webserve.py). Without JavaScript.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from typing import Protocol

from aiohttp import web

from bot.config import Settings
from bot.conversation.request_page import RequestView
from bot.ratelimit import UserRateLimiter, Verdict
from bot.texts import Texts
from bot.web.security import client_address, form_same_origin

log = logging.getLogger(__name__)

PATH = "/anfrage/{token}"


class RequestPageSource(Protocol):
    """What the page needs from the core (bot.conversation.request_page.RequestPages)."""

    async def view(self, token: str) -> RequestView | None: ...

    async def answer(self, token: str, text: str) -> bool: ...


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def render(texts: Texts, view: RequestView | None, *, sent: bool, max_chars: int) -> str:
    if view is None:
        title, body = texts.plain("web_title"), f"<p>{_e(texts.plain('request_page_gone'))}</p>"
    else:
        title = texts.plain("request_page_title", ref=view.ref)
        rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in view.summary)
        items = "".join(
            f'<li class="{"team" if m.from_team else "you"}"><strong>'
            + _e(texts.plain("request_page_team", name=m.author or "")
                 if m.from_team else texts.plain("request_page_you"))
            + f"</strong><p>{_e(m.text)}</p></li>"
            for m in view.messages
        ) or f"<li>{_e(texts.plain('request_page_no_messages'))}</li>"
        notice = (f'<p class="notice" role="status">{_e(texts.plain("request_page_answer_sent"))}'
                  "</p>" if sent else "")
        body = (
            f"<p>{_e(texts.plain('request_page_status', status=view.status))}</p>"
            f"<h2>{_e(texts.plain('request_page_summary'))}</h2><dl>{rows}</dl>"
            f"<h2>{_e(texts.plain('request_page_messages'))}</h2>"
            f'<ol class="messages">{items}</ol>'
            f"{notice}"
            '<form method="post"><p><label for="text">'
            f"{_e(texts.plain('request_page_answer_label'))}</label></p>"
            f'<p><textarea id="text" name="text" rows="5" maxlength="{max_chars}" required>'
            "</textarea></p>"
            f'<p><button type="submit">{_e(texts.plain("request_page_answer_send"))}</button></p>'
            "</form>"
            f"<p><small>{_e(texts.plain('request_page_private'))}</small></p>"
        )
    return (
        '<!doctype html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{_e(title)}</title>\n"
        '<link rel="icon" href="data:,">\n<link rel="stylesheet" href="../static/chat.css">\n'
        f'</head>\n<body>\n<main class="page request-page"><h1>{_e(title)}</h1>{body}'
        f'<p><a href="../">{_e(texts.plain("request_page_back"))}</a></p></main>\n'
        "</body>\n</html>\n"
    )


class RequestPageRoutes:
    def __init__(self, source: RequestPageSource, settings: Settings, texts: Texts,
                 per_address: UserRateLimiter, clock: Callable[[], float]) -> None:
        self.source = source
        self.web = settings.web
        self.texts = texts
        self.per_address = per_address
        self.clock = clock

    def _page(self, view: RequestView | None, *, sent: bool = False) -> web.Response:
        response = web.Response(
            text=render(self.texts, view, sent=sent, max_chars=self.web.limits.max_text_chars),
            content_type="text/html", charset="utf-8", status=200 if view else 404,
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    async def show(self, request: web.Request) -> web.Response:
        view = await self.source.view(request.match_info["token"])
        return self._page(view, sent=request.query.get("gesendet") == "1")

    async def answer(self, request: web.Request) -> web.StreamResponse:
        # CSRF: only from a page of this server, like the chat's JSON posts.
        if not form_same_origin(request, self.web):
            return web.Response(status=403)
        limits = self.web.limits
        if request.content_length is not None and request.content_length > limits.max_body_bytes:
            return web.Response(status=413)
        address = client_address(request, self.web)
        if self.per_address.check(address, self.clock()) is not Verdict.ALLOW:
            return web.Response(status=429, text=self.texts.plain("web_rate_limited"))
        try:
            form = await request.post()
        except (ValueError, web.HTTPRequestEntityTooLarge):
            return web.Response(status=400)
        text = form.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > limits.max_text_chars:
            return web.Response(status=400, text=self.texts.plain(
                "web_too_long", max=limits.max_text_chars))
        token = request.match_info["token"]
        if not await self.source.answer(token, text.strip()):
            return self._page(None)
        # Post/redirect/get: a reload does not send the answer twice.
        raise web.HTTPSeeOther(location="?gesendet=1")
