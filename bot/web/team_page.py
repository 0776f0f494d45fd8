"""``/team`` of the offline web door: the fake team group as the team would see it.

Only ``python -m bot web`` adds it (never ``run``): the page acts as a team member on the
offline fake Telegram. It reads and acts through a ``TeamDesk`` the composition root supplies,
so this module knows neither Telegram nor the fake. Same rules as the rest of the web door:
no inline script (static/team.js), JSON POSTs from this origin only, every string escaped.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from aiohttp import web

from bot.config import Settings
from bot.texts import Texts
from bot.web.security import json_post, same_origin

log = logging.getLogger(__name__)

MAX_REPLY_CHARS = 4000  # a Telegram message's limit
MAX_CALLBACK_BYTES = 64


class TeamDesk(Protocol):
    """The team group: its messages, and acting in it as a team member."""

    def messages(self) -> Sequence[Mapping[str, Any]]:
        """Bot API message dicts, oldest first, in their current (edited) state."""
        ...

    async def press(self, message_id: int, data: str) -> str | None:
        """Press a button of a message; returns the notice the bot answered, if any.
        Raises LookupError when the message or the button does not exist."""
        ...

    async def reply(self, message_id: int, text: str) -> None:
        """Reply to a message. Raises LookupError when the message does not exist."""
        ...


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _message_html(message: Mapping[str, Any], texts: Texts) -> str:
    number = int(message.get("message_id", 0))
    sender = message.get("from") or {}
    is_bot = bool(sender.get("is_bot"))
    who = texts.plain("team_page_from_bot") if is_bot else " ".join(
        str(sender.get(k, "")) for k in ("first_name", "last_name") if sender.get(k)
    )
    text = message.get("text") or message.get("caption") or ""
    parts = [
        f'<li class="team-msg{" team-msg-bot" if is_bot else ""}" id="m{number}">',
        f'<article aria-labelledby="m{number}-who">',
        # tabindex -1: focus lands here after a press, when the pressed button may be gone.
        f'<h2 class="team-who" id="m{number}-who" tabindex="-1">{_e(who)}'
        f' <span class="team-num">#{number}</span></h2>',
    ]
    original = message.get("reply_to_message")
    if isinstance(original, Mapping) and original.get("message_id") is not None:
        target = int(original["message_id"])
        parts.append(
            f'<p class="team-replyto"><a href="#m{target}">'
            f'{_e(texts.plain("team_page_reply_to", number=target))}</a></p>'
        )
    parts.append(f'<p class="team-text">{_e(text)}</p>')
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    if rows:
        group = _e(texts.plain("team_page_buttons_label"))
        parts.append(f'<div class="buttons" role="group" aria-label="{group}">')
        for row in rows:
            for button in row:
                label = _e(button.get("text", ""))
                url = str(button.get("url") or "")
                if url.lower().startswith(("https://", "http://", "tg://")):
                    parts.append(f'<a class="button" href="{_e(url)}">{label}</a>')
                elif url:  # never a javascript: or data: link
                    parts.append(f'<span class="button">{label}</span>')
                elif "callback_data" in button:
                    parts.append(
                        f'<button type="button" class="team-press" data-message="{number}"'
                        f' data-data="{_e(button["callback_data"])}">{label}</button>'
                    )
        parts.append("</div>")
    if is_bot:
        field = f"reply-{number}"
        parts.append(
            f'<form class="team-reply" data-message="{number}">'
            f'<label for="{field}">{_e(texts.plain("team_page_reply_label"))}</label>'
            f'<textarea id="{field}" rows="2" maxlength="{MAX_REPLY_CHARS}"></textarea>'
            f'<button type="submit">{_e(texts.plain("team_page_reply_send"))}</button></form>'
        )
    parts.append("</article></li>")
    return "".join(parts)


def messages_html(messages: Sequence[Mapping[str, Any]], texts: Texts) -> str:
    if not messages:
        return f'<li class="team-empty">{_e(texts.plain("team_page_empty"))}</li>'
    return "\n".join(_message_html(m, texts) for m in messages)


def _version(fragment: str) -> str:
    return hashlib.sha256(fragment.encode("utf-8")).hexdigest()[:16]


def team_page(texts: Texts, messages: Sequence[Mapping[str, Any]]) -> str:
    fragment = messages_html(messages, texts)
    title = texts.plain("team_page_title")
    return (
        '<!doctype html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n"
        '<link rel="icon" href="data:,">\n<link rel="stylesheet" href="static/chat.css">\n'
        '<link rel="stylesheet" href="static/team.css">\n'
        '<script src="static/team.js" defer></script>\n</head>\n'
        f'<body data-error="{_e(texts.plain("team_page_error"))}">\n'
        '<div class="page team-page">\n<main>\n'
        f"<h1>{_e(title)}</h1>\n<p>{_e(texts.plain('team_page_intro'))}</p>\n"
        '<p id="team-status" class="status" role="status"></p>\n'
        f'<ol id="team-log" class="team-log" aria-label="{_e(texts.plain("team_page_log_label"))}"'
        f' data-version="{_version(fragment)}">\n{fragment}\n</ol>\n'
        f'<p><a href="./">{_e(texts.plain("team_page_back"))}</a></p>\n'
        "</main>\n</div>\n</body>\n</html>\n"
    )


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
        data: dict[str, Any] = {"version": _version(fragment), "html": fragment}
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
