"""Runs before every handler (group -1): per-user rate limit in private chats."""

from __future__ import annotations

import logging
import time

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.ratelimit import Verdict
from bot.tg import outgoing
from bot.tg.services import BotContext

log = logging.getLogger(__name__)


async def rate_guard(update: Update, context: BotContext) -> None:
    """A user who floods the bot gets one friendly notice; further updates are dropped."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or chat.type != "private":
        return
    services = context.services
    verdict = services.rate_limiter.check(user.id, time.monotonic())
    if verdict is Verdict.ALLOW:
        return
    query = update.callback_query
    notice = services.texts.plain("rate_limited")
    if verdict is Verdict.NOTIFY:
        log.info("rate limit reached by user %s", user.id)
        if query is not None:
            await query.answer(notice[:200])
        else:
            await outgoing.send_html(context.bot, chat.id, services.texts.render("rate_limited"))
    elif query is not None:
        await query.answer()  # stop the button's spinner, say nothing more
    raise ApplicationHandlerStop
