"""Routes private text and button presses to the feature that owns them.

Only one handler per group runs, so the request dialogue and the Q&A share this entry point:
a user with an active draft talks to the dialogue (which itself answers questions in between),
everyone else to the Q&A.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot import callbacks
from bot.tg import (
    dialogue_handlers,
    feedback_handlers,
    privacy_handlers,
    qa,
    teaching_handlers,
)
from bot.tg.services import get_services
from bot.tg.team import cards, team_link, user_side

log = logging.getLogger(__name__)


async def on_private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Free text in a private chat: a dialogue step if a draft is active, else a question (or,
    soon after a team message, first the question whether the text is for the team)."""
    message = update.message
    if message is None or message.text is None or message.from_user is None:
        return
    services = get_services(context)
    if message.reply_to_message is not None and await user_side.user_reply(message, services):
        return
    if await dialogue_handlers.handle_text(message, services):
        return
    if await team_link.offer(message, services):
        return
    await qa.answer_question(message, services, message.text)


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every button press: parsed strictly; forged or stale data gets a neutral answer."""
    query = update.callback_query
    if query is None:
        return
    services = get_services(context)
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
    if parsed.kind == "feedback":
        await feedback_handlers.on_feedback_button(query, parsed, services)
        return
    if parsed.kind == "team_link":
        await team_link.on_button(query, parsed, services)
        return
    if parsed.kind == "dialogue":
        await dialogue_handlers.on_button(query, parsed, services)
        return
    await query.answer()
    if parsed.kind == "menu":
        await qa.show_menu(message, services)
    elif parsed.kind == "entry" and parsed.entry:
        if not await qa.show_entry(message, services, parsed.entry):
            await qa.show_menu(message, services)
    elif parsed.kind == "ask":
        await qa.prompt_question(message, services)
    elif parsed.kind == "request":
        await dialogue_handlers.start(message, query.from_user, services, parsed.arg)
    elif parsed.kind == "to_team" and parsed.id is not None:
        await user_side.question_to_team(message, query.from_user, parsed.id, services)
    elif parsed.kind == "privacy":
        await privacy_handlers.on_privacy_button(message, query.from_user, parsed, services)
