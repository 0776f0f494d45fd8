"""Webhook mode: every update must carry the secret token, so nobody else can post updates."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.config import WebhookSettings
from bot.tg.services import BotContext
from bot.tg.updates import missing_field

log = logging.getLogger(__name__)


def webhook_secret(webhook: WebhookSettings) -> str:
    """The configured secret token, else a fresh random one for this run.

    Telegram learns it from setWebhook at every start, so a generated one needs no storage
    and is never logged. Without a secret anyone who reaches the port could forge updates
    (a "team reply" with a link, a closed request).
    """
    return webhook.secret_token or secrets.token_urlsafe(32)


async def drop_incomplete(update: Update, context: BotContext) -> None:
    """Runs first in webhook mode: PTB's webhook parses updates itself and lets through one
    that lacks a required field (a callback without ``from``); drop it by id (polling does the
    same in SafeBot.get_updates)."""
    problem = missing_field(update)
    if problem is not None:
        log.warning("skipped malformed update %d (%s)", update.update_id, problem)
        raise ApplicationHandlerStop


def add_webhook_guard(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(TypeHandler(Update, drop_incomplete), group=-2)
