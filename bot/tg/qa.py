"""Handlers of the question-and-answer part: /start, /hilfe, menu browsing, free-text questions."""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import callbacks
from bot.replies import Button, Reply
from bot.tg import outgoing
from bot.tg.feedback_handlers import with_feedback_buttons
from bot.tg.render import send_reply
from bot.tg.services import Services, get_services

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000


async def cmd_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets briefly and shows the menu (modules, ask a question, make a request)."""
    services = get_services(context)
    message = update.effective_message
    if message is None:
        return
    user = update.effective_user
    services.answerer.forget_conversation(user.id if user else message.chat_id)
    reply = services.answerer.menu()
    await send_reply(
        message, Reply(kind="info", text=services.texts.render("start"), buttons=reply.buttons)
    )


async def cmd_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Shows what the bot can do and its commands."""
    services = get_services(context)
    if update.effective_message:
        await send_reply(
            update.effective_message,
            Reply(
                kind="info",
                text=services.texts.render("help"),
                buttons=services.answerer.menu_buttons(),
            ),
        )


def _with_team_button(services: Services, reply: Reply, question_id: int) -> Reply:
    team_row = (Button(services.texts.plain("btn_send_to_team"), callbacks.to_team(question_id)),)
    return replace(reply, buttons=(team_row, *reply.buttons))


async def answer_question(message: Message, services: Services, text: str) -> Reply:
    """Answers a free-text question, logs it (for /unbeantwortet) and returns what was sent."""
    if len(text) > MAX_QUESTION_CHARS:
        reply = Reply(kind="info", text=services.texts.render("too_long", limit=MAX_QUESTION_CHARS))
        await send_reply(message, reply)
        return reply
    user_id = message.from_user.id if message.from_user else message.chat_id
    reply, result = services.answerer.answer_from(user_id, text)
    top = result.candidates[0].entry_id if result.candidates else None
    normalized = " ".join(text.casefold().split())
    entry_id = top if result.band == "answer" else None
    questions = services.storage.questions
    if reply.kind == "fallback" or reply.offer_team:
        # The "an das Team" button carries the logged question's id: write it now.
        question_id = await questions.record(
            user_id, text, normalized, result.band, entry_id, services.clock()
        )
        reply = _with_team_button(services, reply, question_id)
        log.info("question offered to the team band=%s kind=%s question_id=%s",
                 result.band, reply.kind, question_id)
    else:
        questions.record_later(user_id, text, normalized, result.band, entry_id, services.clock())
        log.info("question answered band=%s entry=%s", result.band, top)
        reply = with_feedback_buttons(reply, services)
    await send_reply(message, reply)
    return reply


async def show_entry(message: Message, services: Services, entry_id: str) -> bool:
    reply = services.answerer.show_entry(entry_id)
    if reply is None:
        return False
    await send_reply(message, with_feedback_buttons(reply, services))
    return True


async def show_menu(message: Message, services: Services) -> None:
    await send_reply(message, services.answerer.menu())


async def prompt_question(message: Message, services: Services) -> None:
    menu_row = (Button(services.texts.plain("btn_menu"), callbacks.menu()),)
    await outgoing.send_html(
        message.get_bot(), message.chat_id, services.texts.render("ask_prompt"), (menu_row,)
    )


async def on_edited_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message is not re-answered; the user is told to send a new message."""
    services = get_services(context)
    edited = update.edited_message
    if edited is not None:
        await edited.get_bot().send_message(
            edited.chat_id, services.texts.render("edited_message"), parse_mode=ParseMode.HTML
        )


async def on_non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice and other media get a short friendly note."""
    services = get_services(context)
    if update.message is not None:
        await update.message.reply_text(
            services.texts.render("non_text"), parse_mode=ParseMode.HTML
        )


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not know points to /hilfe."""
    services = get_services(context)
    if update.message is not None:
        await update.message.reply_text(
            services.texts.render("unknown_command"), parse_mode=ParseMode.HTML
        )
