"""The application's error handler: log first (ids, not contents), then tell the user briefly."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.tg.polling import SafeBot
from bot.tg.services import SERVICES_KEY, Services

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs any unhandled error and, in a private chat, sends a short apology."""
    error = context.error
    bot = context.bot
    if update is None and context.job is None and isinstance(error, TelegramError) and isinstance(
        bot, SafeBot
    ):  # a failed getUpdates of the polling loop
        bot.polling_errors(error)
        return
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        log.info("user blocked the bot (update %s)", update_id)
        return
    log.error("unhandled error in update %s", update_id, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != "private":
        return
    services = context.bot_data.get(SERVICES_KEY)
    if not isinstance(services, Services):
        return
    try:
        await context.bot.send_message(
            update.effective_chat.id,
            services.texts.render("error_generic"),
            parse_mode=ParseMode.HTML,
        )
    except TelegramError:
        log.warning("could not send the error notice (update %s)", update_id)
