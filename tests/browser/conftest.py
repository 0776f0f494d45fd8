"""Browser tests: Debian's Chromium (never a downloaded browser) driven by Playwright.

The web door runs in a thread with its own event loop (Playwright's sync API blocks the test's
thread); a second server on 127.0.0.2 plays the operator's site that embeds the widget.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.config import Settings, WebLimitSettings, WebSettings
from bot.conversation.model import Outgoing, UserKey
from bot.web.app import OUTBOUND_KEY, create_web_app
from tests.browser.scripted import ScriptedRequest
from tests.web_support import answerer, standin

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOST_SITE = "127.0.0.2"


def _is_browser_test(item: pytest.Item) -> bool:
    return "tests/browser/" in str(item.path).replace(os.sep, "/")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the browser tests and run them last: Playwright's sync API keeps an event loop
    running in the main thread while the browser is open, which async tests cannot share."""
    for item in items:
        if _is_browser_test(item):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.realclock)  # a browser's timed waits need real time
    items.sort(key=_is_browser_test)  # stable: the order within each part stays


def _require_chromium() -> None:
    """CI must run these tests; elsewhere a missing browser is a visible skip, never silent."""
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing: apt-get install -y chromium"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@dataclass
class Servers:
    chat: str  # base URL of the web door, e.g. http://127.0.0.1:PORT/
    host_page: str  # a page of "another site" that embeds the widget
    team: list[str] = field(default_factory=list)  # barrier reports that reached "the team"
    scripted: str = ""  # the web door around a scripted request dialogue
    script: ScriptedRequest = field(default_factory=ScriptedRequest)
    # Sends messages to a web user of the chat server, as the core does with a team reply.
    push: Callable[[UserKey, list[Outgoing]], None] = lambda user, messages: None


class _Loop:
    """An event loop in a thread that serves the web apps until the session ends."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.runners: list[web.AppRunner] = []

    def run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    async def serve(self, app: web.Application, host: str) -> str:
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, host, 0)
        await site.start()
        self.runners.append(runner)
        address = runner.addresses[0]
        return f"http://{address[0]}:{address[1]}/"

    def close(self) -> None:
        for runner in self.runners:
            self.run(runner.cleanup())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def _host_app(chat_base: str) -> web.Application:
    page = (
        '<!doctype html><html lang="de"><head><meta charset="utf-8">'
        '<title>Gemeinde Musterstadt</title><link rel="icon" href="data:,"></head>'
        "<body><main><h1>Ehrenamt in Musterstadt</h1>"
        "<p>Fragen zur Engagementförderung? Der Assistent hilft.</p></main>"
        f'<script src="{chat_base}widget.js" defer></script></body></html>'
    )

    async def index(request: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", index)
    return app


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    _require_chromium()
    loop = _Loop()
    try:
        answerer()  # build the matcher index here, not inside the server loop's first request
        # The host site's origin goes into the chat's frame-ancestors: pick its port first.
        with socket.socket() as sock:
            sock.bind((HOST_SITE, 0))
            host_port = sock.getsockname()[1]
        host_origin = f"http://{HOST_SITE}:{host_port}"
        settings = Settings(
            web=WebSettings(
                embed_origins=[host_origin],
                limits=WebLimitSettings(session_burst=1000, address_burst=10_000),
            )
        )
        result = Servers("", "")

        async def notify(text: str) -> None:
            result.team.append(text)

        chat_app = create_web_app(
            standin(settings), settings, texts=answerer().texts, notify_team=notify
        )
        result.chat = loop.run(loop.serve(chat_app, "127.0.0.1"))
        outbound = chat_app[OUTBOUND_KEY]
        result.push = lambda user, messages: loop.run(outbound.send(user, messages))

        async def serve_host() -> str:
            runner = web.AppRunner(_host_app(result.chat))
            await runner.setup()
            await web.TCPSite(runner, HOST_SITE, host_port).start()
            loop.runners.append(runner)
            return f"{host_origin}/"

        result.host_page = loop.run(serve_host())
        scripted_app = create_web_app(result.script, settings, texts=answerer().texts)
        result.scripted = loop.run(loop.serve(scripted_app, "127.0.0.1"))
        yield result
    finally:
        loop.close()


@pytest.fixture(scope="session")
def browser(servers: Servers) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors  # read by tests: a CSP violation shows up here
    try:
        yield page
    finally:
        context.close()
