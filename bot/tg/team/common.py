"""What every team-side handler needs: who may act in the team chat, how the bot posts there,
and which ticket a bot message is about."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ParseMode

from bot import callbacks
from bot.storage import PostRef
from bot.storage.models import Ticket
from bot.team.refs import refs_in
from bot.tg.services import Services

log = logging.getLogger(__name__)


def in_team_chat(chat_id: int, services: Services) -> bool:
    return services.team_chat_id is not None and chat_id == services.team_chat_id


def is_team_member(user: User | None, services: Services) -> bool:
    """With team.admins set, only those users act for the team; otherwise every group member."""
    admins = services.settings.team.admins
    return user is not None and (not admins or user.id in admins)


def team_message(update: Update, services: Services) -> Message | None:
    """The command's message if it comes from the team chat and a team member, else None."""
    message = update.message
    if message is None or not in_team_chat(message.chat_id, services):
        return None
    if not is_team_member(message.from_user, services):
        log.info(
            "team command from a non-admin user=%s ignored",
            message.from_user.id if message.from_user else None,
        )
        return None
    return message


async def say(message: Message, text: str) -> Message:
    return await message.get_bot().send_message(
        message.chat_id, text, parse_mode=ParseMode.HTML, disable_web_page_preview=True
    )


async def say_tracked(message: Message, text: str, services: Services,
                      refs: Iterable[PostRef]) -> None:
    """Post a team message that shows requesters' data and remember it for redaction."""
    sent = await say(message, text)
    await services.storage.team_posts.record(sent.chat_id, sent.message_id, refs,
                                             services.clock())


def card_ticket_ids(message: Message) -> set[int]:
    """Tickets whose card buttons a message carries (a card, or a duplicate of one)."""
    markup = message.reply_markup
    if not isinstance(markup, InlineKeyboardMarkup):
        return set()
    found: set[int] = set()
    for row in markup.inline_keyboard:
        for button in row:
            data = button.callback_data if isinstance(button.callback_data, str) else None
            parsed = callbacks.parse(data)
            if parsed is not None and parsed.kind == "card" and parsed.id is not None:
                found.add(parsed.id)
    return found


def is_bot_message(message: Message) -> bool:
    return message.from_user is not None and message.from_user.id == message.get_bot().id


async def ticket_by_mention(original: Message, services: Services) -> Ticket | None:
    """The one ticket a bot message names by its ref (e.g. "Nachricht vom Team zu A-…").

    Covers the moments before the worker has linked a message it just sent (a very quick
    reply), and messages that were never linked (a crash between sending and linking).
    """
    if not is_bot_message(original):
        return None
    found = refs_in(original.text or original.caption)
    if len(found) != 1:
        return None
    return await services.storage.tickets.get_by_ref(found.pop())
