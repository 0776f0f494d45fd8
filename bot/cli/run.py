"""``python -m bot run``: the real bot, long polling (or webhook when configured)."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from pathlib import Path

from telegram import Update
from telegram.error import InvalidToken

from bot.config import ConfigError, Settings, load_settings
from bot.knowledge import KnowledgeBase, KnowledgeError, load_knowledge
from bot.operator_check import operator_problem
from bot.storage import DatabaseUnusable
from bot.texts import TextsError, load_texts
from bot.tg import logs
from bot.tg.app import build_application
from bot.tg.team.chat_check import TeamChatError
from bot.tg.webhook import add_webhook_guard, webhook_secret

log = logging.getLogger("bot")


def configure_logging(settings: Settings, secrets: tuple[str | None, ...] = ()) -> None:
    logging.basicConfig(level=settings.logging.level, format=settings.logging.format)
    # httpx logs every request URL, and the URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logs.install((settings.telegram.token, *secrets))


def validate(settings: Settings) -> KnowledgeBase:
    """Everything that can be checked offline, before the database or the network is opened:
    a failure here leaves nothing behind that could keep the process alive."""
    load_texts()
    return load_knowledge(settings.knowledge.path)


class _NeverRaised(Exception):
    """Stands in for the web door's start error when the web chat is off."""


def run_bot(config_path: Path | None, *, new_database: bool = False) -> int:
    try:
        settings = load_settings(config_path)
    except ConfigError as exc:
        print(f"configuration error:\n{exc}", file=sys.stderr)
        return 2
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
    webhook = settings.telegram.webhook
    secret = webhook_secret(webhook) if webhook is not None else None
    configure_logging(settings, (secret,))
    if webhook is not None and not webhook.secret_token:
        log.info("webhook: no secret_token configured, generated a random one for this run")
    try:
        knowledge = validate(settings)
    except (KnowledgeError, TextsError) as exc:
        print(f"cannot start: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # unreadable file or directory: name it, no traceback
        print(f"cannot start: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    app = build_application(
        settings, reload_on_sighup=True, knowledge=knowledge, new_database=new_database
    )
    web_start_error: type[Exception] = _NeverRaised
    if settings.web.enabled:
        from bot.cli.webserve import WebStartError, attach_web

        attach_web(app, settings)
        web_start_error = WebStartError
    code = 0
    try:
        if webhook is not None:
            add_webhook_guard(app)
            app.run_webhook(
                listen=webhook.listen,
                port=webhook.port,
                webhook_url=webhook.url,
                secret_token=secret,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            app.run_polling(allowed_updates=Update.ALL_TYPES)
    except TeamChatError as exc:
        print(f"cannot start: {exc}", file=sys.stderr)
        code = 3
    except InvalidToken:
        print(
            "cannot start: Telegram rejected the bot token (telegram.token / BOT_TOKEN); "
            "check it with @BotFather",
            file=sys.stderr,
        )
        code = 2
    except DatabaseUnusable as exc:
        print(f"cannot start: {exc}", file=sys.stderr)
        code = 4
    except web_start_error as exc:
        print(f"cannot start: {exc}", file=sys.stderr)
        code = 2
    return exit_despite_lingering_threads(code)


def exit_despite_lingering_threads(code: int, grace: float = 3.0) -> int:
    """Exit even when a thread could not be stopped (a database connection whose close hung):
    a process that never ends is never restarted by systemd."""
    deadline = time.monotonic() + grace
    main = threading.main_thread()
    lingering = [t for t in threading.enumerate() if t is not main and not t.daemon]
    for thread in lingering:  # a thread that is just finishing gets its moment
        thread.join(max(0.0, deadline - time.monotonic()))
    lingering = [t for t in lingering if t.is_alive()]
    if not lingering:
        return code
    names = ", ".join(t.name for t in lingering)
    log.error("threads still running after shutdown (%s); exiting anyway", names)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
