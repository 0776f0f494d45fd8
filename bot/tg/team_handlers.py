"""Team side (stub: being built). See docs/architecture.md."""

from __future__ import annotations

from typing import Any

from telegram import Bot, CallbackQuery, Message, Update, User
from telegram.ext import ContextTypes

from bot.callbacks import Callback
from bot.tg.services import Services


class TeamChatError(Exception):
    """The bot cannot post to the configured team chat."""


async def verify_team_chat(bot: Bot, services: Services) -> None:
    return None


async def on_card_button(query: CallbackQuery, parsed: Callback, services: Services) -> None:
    await query.answer()


async def question_to_team(message: Message, user: User, question_id: int,
                           services: Services) -> None:
    return None


async def user_reply(message: Message, services: Services) -> bool:
    return False


async def _noop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
    return None

cmd_open = cmd_ticket = cmd_export = cmd_stats = cmd_unanswered = cmd_reload = _noop
cmd_team_help = on_team_reply = _noop
