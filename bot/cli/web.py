"""``python -m bot web``: the web chat on 127.0.0.1, offline, without a token.

The offline fake Bot API stands in for Telegram (as in ``python -m bot chat``): what the bot
would send to the team group stays in this process.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from pathlib import Path
from typing import TextIO

from aiohttp import web

from bot.cli.chat import OFFLINE_DB, OFFLINE_TEAM_CHAT, TEAM_MEMBER, chat_settings
from bot.cli.run import configure_logging
from bot.cli.team_desk import OfflineTeamDesk
from bot.cli.webserve import WebStartError, attach_web, running_url
from bot.config import Settings
from bot.offline import FakeBotApi, UpdateFactory
from bot.offline.local_request import LocalRequest
from bot.tg.app import build_application
from bot.tg.services import Services
from bot.web.team_routes import add_team_page

OFFLINE_WEB_DB = Path("data/web.sqlite")


def web_settings(config_path: Path | None) -> Settings:
    settings = chat_settings(config_path)
    if settings.database.path == OFFLINE_DB:
        settings.database.path = OFFLINE_WEB_DB
    settings.web.enabled = True
    settings.web.listen = "127.0.0.1"  # offline means this machine only
    return settings


async def serve(
    settings: Settings,
    port: int | None,
    out: TextIO,
    stop: asyncio.Event | None = None,
    api: FakeBotApi | None = None,
) -> None:
    """Serve until ``stop`` is set (or SIGINT/SIGTERM); tests pass their own fake API."""
    api = api or FakeBotApi(strict_chats=False)
    app = build_application(settings, request=LocalRequest(api), rate_limit=False)
    team_chat_id = settings.team.chat_id or OFFLINE_TEAM_CHAT
    UpdateFactory(api).group_chat(team_chat_id, "Team Engagement (offline)")  # makes it known
    api.set_member(team_chat_id, int(TEAM_MEMBER["id"]), "member")
    desk = OfflineTeamDesk(app, api, team_chat_id)

    def team_page(web_app: web.Application, services: Services) -> None:
        # Offline only: the page acts as a team member on the fake Telegram.
        add_team_page(web_app, desk, services.texts, settings)

    attach_web(app, settings, port, extend=team_page)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        url = running_url(app)
        out.write(f"Web-Chat (offline, ohne Telegram): {url}\n")
        out.write(f"Team-Gruppe (offline): {url}team\n")
        out.write("Beenden mit Strg+C.\n")
        out.flush()
        await stop.wait()
    finally:
        if app.running:
            await app.stop()
        if app.post_shutdown:
            await app.post_shutdown(app)
        await app.shutdown()


def run_web(config_path: Path | None, port: int | None, out: TextIO) -> int:
    settings = web_settings(config_path)
    configure_logging(settings)
    try:
        asyncio.run(serve(settings, port, out))
    except WebStartError as exc:
        print(f"cannot start: {exc}", file=sys.stderr)
        return 2
    return 0
