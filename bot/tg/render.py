"""Turn domain replies into Telegram sends (HTML parse mode, inline keyboards)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.replies import Button, Reply
from bot.tg import outgoing

MAX_TEXT = 4096


def keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows]
    )


async def send_reply(message: Message, reply: Reply) -> None:
    """Answer in the chat of ``message`` (not as a quote: private chats read better without)."""
    await outgoing.send_html(message.get_bot(), message.chat_id, reply.text, reply.buttons)
