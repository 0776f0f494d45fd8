""""Hat das geholfen? 👍 👎" under an answer: the buttons, and what a press does.

One press per answer message counts (stored with its message id, so a double tap or an old
client counts once); the two buttons are then replaced by a thanks. A 👎 puts the question into
the team's review list (bot/storage/teaching.py).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import CallbackQuery, InlineKeyboardMarkup, Message
from telegram.error import TelegramError

from bot import callbacks
from bot.callbacks import Callback
from bot.replies import Button, Reply
from bot.storage.feedback import Vote
from bot.tg.render import keyboard, shows_button
from bot.tg.services import Services

log = logging.getLogger(__name__)

def with_feedback_buttons(reply: Reply, services: Services) -> Reply:
    """An answer from the knowledge base gets the 👍/👎 row under its other buttons."""
    if reply.kind != "answer" or reply.entry_id is None:
        return reply
    texts = services.texts
    row = (
        Button(texts.plain("btn_feedback_up"), callbacks.feedback(reply.entry_id, "up")),
        Button(texts.plain("btn_feedback_down"), callbacks.feedback(reply.entry_id, "down")),
    )
    return replace(reply, buttons=(*reply.buttons, row))


def _thanked(message: Message, entry_id: str, services: Services) -> tuple[tuple[Button, ...], ...]:
    """The message's buttons with the feedback row replaced by one "Danke" button."""
    markup = message.reply_markup
    rows: list[tuple[Button, ...]] = []
    if isinstance(markup, InlineKeyboardMarkup):
        for row in markup.inline_keyboard:
            kept = tuple(
                Button(b.text, b.callback_data) for b in row if isinstance(b.callback_data, str)
            )
            if any((parsed := callbacks.parse(b.data)) and parsed.kind == "feedback"
                   for b in kept):
                kept = (Button(services.texts.plain("btn_feedback_thanks"),
                               callbacks.feedback(entry_id, "ok")),)
            rows.append(kept)
    return tuple(rows)


async def on_feedback_button(query: CallbackQuery, parsed: Callback, services: Services) -> None:
    """👍 or 👎 on an answer in a private chat (the router checked the chat type)."""
    texts = services.texts
    message = query.message
    # The message must show this button, or the thanks that replaced it (a second press from
    # a client that had not yet shown the thanks: answered, not counted).
    if (
        not isinstance(message, Message)
        or parsed.entry is None
        or not (shows_button(message, query.data)
                or shows_button(message, callbacks.feedback(parsed.entry, "ok")))
    ):
        log.info("feedback button refused: user=%s", query.from_user.id)
        await query.answer(texts.plain("stale_button"))
        return
    vote: Vote
    if parsed.op == "up":
        vote = "up"
    elif parsed.op == "down":
        vote = "down"
    else:  # the thanks button: the vote is in already
        await query.answer(texts.plain("feedback_answer_repeated"))
        return
    stored = await services.storage.feedback.record(
        query.from_user.id, message.chat.id, message.message_id, parsed.entry, vote,
        services.clock(),
    )
    await query.answer(texts.plain(f"feedback_answer_{vote}" if stored
                                   else "feedback_answer_repeated"))
    try:
        await query.edit_message_reply_markup(
            reply_markup=keyboard(_thanked(message, parsed.entry, services))
        )
    except TelegramError as exc:  # the vote counts; only the buttons stay as they were
        log.info("feedback buttons not replaced: %s", type(exc).__name__)
