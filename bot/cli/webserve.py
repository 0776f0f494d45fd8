"""Start and stop the web door inside the Telegram application's lifetime, in the same event
loop (one SQLite connection, the same in-memory caches). Its wiring is the composition root's
(bot.composition.build_web_app).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web
from telegram.ext import Application

from bot.composition import build_web_app
from bot.config import Settings
from bot.tg.services import SERVICES_KEY, Services
from bot.web.access_log import AccessLogger

log = logging.getLogger(__name__)

RUNNER_KEY = "web_runner"


class WebStartError(Exception):
    """The web chat cannot listen (port in use, address not on this machine)."""


def attach_web(
    app: Application[Any, Any, Any, Any, Any, Any],
    settings: Settings,
    port: int | None = None,
    extend: Callable[[web.Application, Services], None] | None = None,
) -> None:
    """Start the web door after the application's post_init and stop it before its
    post_shutdown. ``port``: overrides web.port (0 picks a free one). ``extend`` adds routes
    before the door starts (the offline team page of ``bot web``)."""
    original_init = app.post_init
    original_shutdown = app.post_shutdown

    async def post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        if original_init is not None:
            await original_init(application)
        services = application.bot_data[SERVICES_KEY]
        web_app = build_web_app(services)
        if extend is not None:
            extend(web_app, services)
        runner = web.AppRunner(web_app, access_log_class=AccessLogger)
        await runner.setup()
        listen, chosen = settings.web.listen, settings.web.port if port is None else port
        try:
            await web.TCPSite(runner, listen, chosen).start()
        except OSError as exc:
            await runner.cleanup()
            raise WebStartError(
                f"web chat: cannot listen on {listen}:{chosen} ({exc.strerror or exc}); "
                "check web.listen and web.port"
            ) from None
        application.bot_data[RUNNER_KEY] = runner
        log.info("web chat listening on %s", web_url(runner))

    async def post_shutdown(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        runner = application.bot_data.pop(RUNNER_KEY, None)
        if isinstance(runner, web.AppRunner):
            await runner.cleanup()
        if original_shutdown is not None:
            await original_shutdown(application)

    app.post_init = post_init
    app.post_shutdown = post_shutdown


def web_url(runner: web.AppRunner) -> str:
    host, port = runner.addresses[0][:2]
    return f"http://{host}:{port}/"


def running_url(app: Application[Any, Any, Any, Any, Any, Any]) -> str | None:
    runner = app.bot_data.get(RUNNER_KEY)
    return web_url(runner) if isinstance(runner, web.AppRunner) else None
