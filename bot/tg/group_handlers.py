"""Groups and channels other than the team chat."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.tg.services import get_services

log = logging.getLogger(__name__)

NOTED_KEY = "groups_noted"


async def on_foreign_group_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a foreign group the bot says once, in one line, that it only talks in private."""
    message = update.message
    services = get_services(context)
    if message is None or message.chat_id == services.team_chat_id:
        return
    noted: set[int] = context.bot_data.setdefault(NOTED_KEY, set())
    if message.chat_id in noted:
        return
    noted.add(message.chat_id)
    await message.get_bot().send_message(
        message.chat_id,
        services.texts.render("group_note", username=services.bot_username),
        parse_mode=ParseMode.HTML,
    )


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot's membership changed somewhere (full handling: leaving foreign groups)."""
    change = update.my_chat_member
    if change is not None:
        log.info("membership in chat %s is now %s", change.chat.id, change.new_chat_member.status)
