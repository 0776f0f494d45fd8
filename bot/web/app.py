"""``create_web_app``: the web door as an aiohttp application.

It receives the conversation (the core, or a stand-in) and never builds services itself, so it
runs in the same process and event loop as the Telegram bot, on the same database connection.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Middleware

from bot.config import Settings
from bot.conversation.model import CommandIn, Conversation, Event, PressIn, TextIn, UserKey
from bot.ratelimit import UserRateLimiter, Verdict
from bot.storage.health import is_storage_fault
from bot.texts import Texts, load_texts
from bot.web import pages
from bot.web.outbound import WebOutbound
from bot.web.render import outgoing_json
from bot.web.request_page import PATH as REQUEST_PAGE_PATH
from bot.web.request_page import RequestPageRoutes, RequestPageSource
from bot.web.security import client_address, json_post, same_origin, security_headers
from bot.web.sessions import SESSION_HEADER, Mailboxes, new_token, user_key, valid_token

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).with_name("static")
TEMPLATES_DIR = Path(__file__).with_name("templates")
COMMANDS = frozenset(
    {"start", "hilfe", "anfrage", "abbrechen", "datenschutz", "meinedaten", "loeschen"}
)
_COMMAND = re.compile(r"/([a-z]{1,20})(?:@\w+)?(?:\s+(.*))?", re.DOTALL | re.IGNORECASE)
MAX_CALLBACK_BYTES = 64
# Barrier reports land in the team group: a few per address, and a cap over all addresses, so a
# flood can never bury the team's chat.
REPORTS_PER_ADDRESS = (3, 6 / 60)  # burst, per minute (one every 10 minutes)
REPORTS_OVERALL = (20, 1.0)

# Sends a text (Telegram HTML) to the team chat: how a barrier report reaches the team.
TeamNotifier = Callable[[str], Awaitable[None]]

SETTINGS_KEY = web.AppKey("settings", Settings)
OUTBOUND_KEY = web.AppKey("outbound", WebOutbound)
MAILBOXES_KEY = web.AppKey("mailboxes", Mailboxes)


class _Refusal(Exception):
    """A request the door answers with a status and a German notice instead of the core."""

    def __init__(self, status: int, notice: str | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.notice = notice


class WebDoor:
    def __init__(
        self,
        conversation: Conversation,
        settings: Settings,
        texts: Texts,
        notify_team: TeamNotifier | None,
        clock: Callable[[], float],
        outbound: WebOutbound | None,
    ) -> None:
        self.conversation = conversation
        self.settings = settings
        self.web = settings.web
        self.texts = texts
        self.notify_team = notify_team
        self.clock = clock
        limits = settings.web.limits
        self.per_session = UserRateLimiter(limits.session_burst, limits.session_per_minute)
        self.per_address = UserRateLimiter(limits.address_burst, limits.address_per_minute)
        self.reports_per_address = UserRateLimiter(*REPORTS_PER_ADDRESS)
        self.reports_overall = UserRateLimiter(*REPORTS_OVERALL)
        self.outbound = outbound or WebOutbound(Mailboxes())
        self.mailboxes = self.outbound.mailboxes

    # -- checks ------------------------------------------------------------------------------

    def _limit(self, limiter: UserRateLimiter, key: str) -> None:
        if limiter.check(key, self.clock()) is not Verdict.ALLOW:
            raise _Refusal(429, self.texts.plain("web_rate_limited"))

    def _check_address(self, request: web.Request) -> None:
        self._limit(self.per_address, client_address(request, self.web))

    def _check_post(self, request: web.Request) -> None:
        if not json_post(request):
            raise _Refusal(415)
        if not same_origin(request, self.web):
            raise _Refusal(403)
        length = request.content_length
        if length is not None and length > self.web.limits.max_body_bytes:
            raise _Refusal(413, self._too_long())
        self._check_address(request)

    def _too_long(self) -> str:
        return self.texts.plain("web_too_long", max=self.web.limits.max_text_chars)

    def _session(self, request: web.Request) -> UserKey:
        token = request.headers.get(SESSION_HEADER)
        if not valid_token(token):
            raise _Refusal(401)
        assert token is not None
        return user_key(token)

    async def _json(self, request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except web.HTTPRequestEntityTooLarge:
            raise _Refusal(413, self._too_long()) from None
        except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested too deeply
            raise _Refusal(400) from None
        if not isinstance(body, dict):
            raise _Refusal(400)
        return body

    def _text_field(self, body: dict[str, Any], name: str) -> str:
        value = body.get(name)
        if not isinstance(value, str):
            raise _Refusal(400)
        limit = self.web.limits.max_text_chars
        if len(value) > limit:
            raise _Refusal(413, self.texts.plain("web_too_long", max=limit))
        return value

    # -- the conversation ----------------------------------------------------------------------

    async def _converse(self, request: web.Request, parse: Callable[[dict[str, Any]], Event | None]
                        ) -> web.Response:
        self._check_post(request)
        user = self._session(request)
        body = await self._json(request)
        event = parse(body)
        if event is None:
            return web.json_response({"messages": []})
        self._limit(self.per_session, user.id)
        try:
            replies = await self.conversation.handle(user, event)
        except Exception as exc:
            # The id is a hash of the session; the message's content is never logged.
            if not is_storage_fault(exc):
                log.exception("web: the conversation failed for web user %s", user.id[:12])
                raise _Refusal(500, self.texts.plain("web_error")) from None
            # The team is alerted (db.health); the user hears whether their draft is kept.
            log.error("web: database fault (%s) for web user %s", type(exc).__name__,
                      user.id[:12])
            raise _Refusal(503, await self.conversation.fault_notice(user)) from None
        return web.json_response({"messages": [outgoing_json(m) for m in replies]})

    def _text_event(self, body: dict[str, Any]) -> Event | None:
        text = self._text_field(body, "text").strip()
        if not text:
            return None
        command = _COMMAND.fullmatch(text)
        if command and command.group(1).lower() in COMMANDS:
            return CommandIn(command.group(1).lower(), (command.group(2) or "").strip())
        return TextIn(text)

    def _press_event(self, body: dict[str, Any]) -> Event | None:
        data = body.get("data")
        if not isinstance(data, str) or len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
            raise _Refusal(400)
        message = body.get("message")
        return PressIn(data, message if isinstance(message, str) and len(message) < 40 else None)

    def _command_event(self, body: dict[str, Any]) -> Event | None:
        name = body.get("name")
        arg = body.get("arg", "")
        if not isinstance(name, str) or name not in COMMANDS or not isinstance(arg, str):
            raise _Refusal(400)
        limit = self.web.limits.max_text_chars
        if len(arg) > limit:
            raise _Refusal(413, self.texts.plain("web_too_long", max=limit))
        return CommandIn(name, arg)

    # -- routes --------------------------------------------------------------------------------

    async def create_session(self, request: web.Request) -> web.Response:
        self._check_post(request)
        await self._json(request)
        return web.json_response({"token": new_token()})

    async def send(self, request: web.Request) -> web.Response:
        return await self._converse(request, self._text_event)

    async def press(self, request: web.Request) -> web.Response:
        return await self._converse(request, self._press_event)

    async def command(self, request: web.Request) -> web.Response:
        return await self._converse(request, self._command_event)

    async def poll(self, request: web.Request) -> web.Response:
        """Long poll for messages the core pushed later (a team reply)."""
        user = self._session(request)
        self._check_address(request)
        try:
            after = max(0, int(request.query.get("after", "0")))
        except ValueError:
            raise _Refusal(400) from None
        last, messages = await self.mailboxes.wait(user.id, after, self.web.poll_timeout_seconds)
        return web.json_response({"after": last, "messages": messages})

    async def report_barrier(self, request: web.Request) -> web.Response:
        self._check_post(request)
        body = await self._json(request)
        text = self._text_field(body, "text").strip()
        if not text:
            raise _Refusal(400, self.texts.plain("web_barrier_empty"))
        if self.notify_team is None:
            raise _Refusal(503, self.texts.plain("web_error"))
        self._limit(self.reports_per_address, client_address(request, self.web))
        self._limit(self.reports_overall, "all")
        try:
            await self.notify_team(self.texts.render("web_barrier_team", text=text))
        except Exception:
            log.exception("web: a barrier report could not be passed to the team")
            raise _Refusal(502, self.texts.plain("web_error")) from None
        log.info("web: a barrier report was passed to the team")
        return web.json_response({"notice": self.texts.plain("web_barrier_thanks")})

    async def index(self, request: web.Request) -> web.Response:
        embedded = request.query.get("embed") == "1"
        return _html(pages.chat_page(self.texts, self.settings, embedded=embedded))

    async def privacy(self, request: web.Request) -> web.Response:
        return _html(pages.privacy_page(self.texts, self.settings))

    async def accessibility(self, request: web.Request) -> web.Response:
        return _html(pages.accessibility_page(self.texts, self.settings))

    async def widget(self, request: web.Request) -> web.Response:
        source = (TEMPLATES_DIR / "widget.js").read_text(encoding="utf-8")
        labels = {
            "open": self.texts.plain("web_launcher_open"),
            "close": self.texts.plain("web_launcher_close"),
            "title": self.texts.plain("web_frame_title"),
        }
        response = web.Response(
            text=source.replace("__LABELS__", _js_json(labels)),
            content_type="application/javascript",
        )
        # The operator's page (another site) loads this script.
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        return response

    async def healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})


def _html(text: str) -> web.Response:
    return web.Response(text=text, content_type="text/html", charset="utf-8")


def _js_json(value: dict[str, str]) -> str:
    import json

    # "<" escaped: the JSON sits inside a script and must never close it.
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def _refusals(texts: Texts) -> Middleware:
    @web.middleware
    async def middleware(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        try:
            return await handler(request)
        except _Refusal as refusal:
            body: dict[str, Any] = {"error": refusal.status}
            if refusal.notice:
                body["notice"] = refusal.notice
            return web.json_response(body, status=refusal.status)

    return middleware


def create_web_app(
    conversation: Conversation,
    settings: Settings,
    *,
    texts: Texts | None = None,
    notify_team: TeamNotifier | None = None,
    clock: Callable[[], float] = time.monotonic,
    outbound: WebOutbound | None = None,
    request_pages: RequestPageSource | None = None,
) -> web.Application:
    """The web chat around ``conversation``. ``notify_team`` passes barrier reports to the
    team chat. ``outbound`` (also ``app[OUTBOUND_KEY]``) is the port through which the core
    pushes later messages (team replies); pass one when the core needs it before the app.
    ``request_pages``: the requesters' private request pages (/anfrage/<token>)."""
    texts = texts or load_texts()
    door = WebDoor(conversation, settings, texts, notify_team, clock, outbound)
    app = web.Application(
        client_max_size=settings.web.limits.max_body_bytes,
        middlewares=[security_headers(settings.web), _refusals(texts)],
    )
    app[SETTINGS_KEY] = settings

    async def wake_polls(_: web.Application) -> None:
        door.mailboxes.close()

    app.on_shutdown.append(wake_polls)
    app[OUTBOUND_KEY] = door.outbound
    app[MAILBOXES_KEY] = door.mailboxes
    app.router.add_get("/", door.index)
    app.router.add_get("/datenschutz", door.privacy)
    app.router.add_get("/barrierefreiheit", door.accessibility)
    app.router.add_get("/widget.js", door.widget)
    app.router.add_get("/healthz", door.healthz)
    app.router.add_post("/api/session", door.create_session)
    app.router.add_post("/api/send", door.send)
    app.router.add_post("/api/press", door.press)
    app.router.add_post("/api/command", door.command)
    app.router.add_get("/api/poll", door.poll)
    app.router.add_post("/api/barrier", door.report_barrier)
    if request_pages is not None:
        routes = RequestPageRoutes(request_pages, settings, texts, door.per_address, clock)
        app.router.add_get(REQUEST_PAGE_PATH, routes.show)
        app.router.add_post(REQUEST_PAGE_PATH, routes.answer)
    app.router.add_static("/static/", STATIC_DIR, append_version=False)
    return app
