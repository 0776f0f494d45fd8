"""Routes button presses: team-chat buttons to the team side, private ones to the door of the
conversation core (bot/tg/door.py)."""

from __future__ import annotations

import logging

from telegram import Message, Update

from bot import callbacks
from bot.tg import door, teaching_handlers
from bot.tg.services import BotContext
from bot.tg.team import cards

log = logging.getLogger(__name__)


async def on_callback(update: Update, context: BotContext) -> None:
    """Every button press: parsed strictly; forged or stale data gets a neutral answer."""
    query = update.callback_query
    if query is None:
        return
    services = context.services
    parsed = callbacks.parse(query.data)
    message = query.message
    if parsed is None or not isinstance(message, Message):
        log.info("rejected callback data from user=%s", query.from_user.id)
        await query.answer(services.texts.plain("stale_button"))
        return
    is_team_chat = services.team_chat_id is not None and message.chat.id == services.team_chat_id
    if parsed.kind == "card":
        await cards.on_card_button(query, parsed, services)
        return
    if parsed.kind == "review":
        await teaching_handlers.on_review_button(query, parsed, services)
        return
    if message.chat.type != "private" or is_team_chat:
        await query.answer(services.texts.plain("stale_button"))
        return
    await door.on_private_press(query, services)
