"""The application's error handler: log first (ids, not contents), then tell the user briefly."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.conversation.faults import fault_text_key
from bot.conversation.model import UserKey
from bot.storage.health import is_storage_fault
from bot.tg import outgoing
from bot.tg.polling import SafeBot
from bot.tg.services import SERVICES_KEY, BotContext, Services

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
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
    storage_fault = error is not None and is_storage_fault(error)
    if storage_fault:  # the team is alerted by tg/db_alerts.py; one line here, no traceback
        log.error("update %s not handled: database fault (%s)", update_id, type(error).__name__)
    else:
        log.error("unhandled error in update %s", update_id, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    services = context.bot_data.get(SERVICES_KEY)
    await _stop_spinner(update, services)
    if update.effective_chat.type != "private":
        return
    if not isinstance(services, Services):
        return
    key = "error_generic"
    if storage_fault:
        user = update.effective_user
        key = ("db_unavailable" if user is None
               else await fault_text_key(services, UserKey("telegram", str(user.id))))
    try:
        await outgoing.send_html(context.bot, update.effective_chat.id, services.texts.render(key))
    except TelegramError:
        log.warning("could not send the error notice (update %s)", update_id)


async def _stop_spinner(update: Update, services: object) -> None:
    """A press whose handler failed would keep its button spinning in the app: answer it. In a
    group (the team) the toast says what happened; in a private chat the message below does."""
    query = update.callback_query
    if query is None:
        return
    toast = None
    if update.effective_chat is not None and update.effective_chat.type != "private" and (
            isinstance(services, Services)):
        toast = services.texts.plain("error_generic")[:200]
    # Answered already by the handler, or too old: then there is nothing to stop.
    with contextlib.suppress(TelegramError):
        await query.answer(toast)

