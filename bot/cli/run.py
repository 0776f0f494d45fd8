"""``python -m bot run``: the real bot, long polling (or webhook when configured)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from telegram import Update

from bot.config import ConfigError, Settings, load_settings
from bot.knowledge import KnowledgeError
from bot.operator_check import operator_problem
from bot.storage import DatabaseUnusable
from bot.texts import TextsError
from bot.tg.app import build_application
from bot.tg.team_handlers import TeamChatError

log = logging.getLogger("bot")


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.logging.level.upper(), format=settings.logging.format)
    # httpx logs every request URL, and the URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def run_bot(config_path: Path | None, *, new_database: bool = False) -> int:
    try:
        settings = load_settings(config_path)
    except ConfigError as exc:
        print(f"configuration error:\n{exc}", file=sys.stderr)
        return 2
    configure_logging(settings)
    if not settings.telegram.token:
        print(
            "No bot token: set telegram.token in the config file or BOT_TOKEN.\n"
            "Without a token, try the offline chat: python -m bot chat",
            file=sys.stderr,
        )
        return 2
    if (problem := operator_problem(settings)) is not None:  # before any network traffic
        print(f"cannot start: {problem}", file=sys.stderr)
        return 2
    try:
        app = build_application(settings, reload_on_sighup=True, new_database=new_database)
    except (KnowledgeError, TextsError) as exc:
        print(f"cannot start:\n{exc}", file=sys.stderr)
        return 2
    try:
        webhook = settings.telegram.webhook
        if webhook is not None:
            app.run_webhook(
                listen=webhook.listen,
                port=webhook.port,
                webhook_url=webhook.url,
                secret_token=webhook.secret_token,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            app.run_polling(allowed_updates=Update.ALL_TYPES)
    except TeamChatError as exc:
        print(f"cannot start: {exc}", file=sys.stderr)
        return 3
    except DatabaseUnusable as exc:
        print(f"cannot start: {exc}", file=sys.stderr)
        return 4
    return 0
