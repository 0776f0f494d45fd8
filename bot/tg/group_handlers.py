"""Groups and channels other than the team chat: the bot leaves them and shows nothing there.

Requests carry personal data and the bot's answers are meant for one person, so it does not
serve foreign groups at all. Only the configured team chat is home.
"""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.error import TelegramError

from bot.tg.services import BotContext, Services

log = logging.getLogger(__name__)

MEMBER_STATUSES = frozenset({"member", "administrator", "creator", "restricted"})


def is_foreign(chat: Chat, services: Services) -> bool:
    return chat.type != Chat.PRIVATE and chat.id != services.team_chat_id


async def leave(chat: Chat, context: BotContext) -> None:
    try:
        await context.bot.leave_chat(chat.id)
        log.info("left foreign chat %s (%s)", chat.id, chat.type)
    except TelegramError as exc:  # already gone, or never really in it
        log.info("could not leave chat %s: %s", chat.id, exc)


async def on_my_chat_member(update: Update, context: BotContext) -> None:
    """Added to a group or channel that is not the team chat: leave at once, say nothing."""
    change = update.my_chat_member
    if change is None:
        return
    services = context.services
    status = change.new_chat_member.status
    log.info("membership in chat %s is now %s", change.chat.id, status)
    if status in MEMBER_STATUSES and is_foreign(change.chat, services):
        await leave(change.chat, context)


async def on_foreign_chat_message(update: Update, context: BotContext) -> None:
    """A message from a foreign group or channel (e.g. joined before this rule): leave."""
    chat = update.effective_chat
    if chat is not None and is_foreign(chat, context.services):
        await leave(chat, context)
