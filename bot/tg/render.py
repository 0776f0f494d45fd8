"""Turn domain replies into Telegram sends (HTML parse mode, inline keyboards)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode

from bot.replies import Button, Reply

MAX_TEXT = 4096


def keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows]
    )


async def send_reply(message: Message, reply: Reply) -> Message:
    """Answer in the chat of ``message`` (not as a quote: private chats read better without)."""
    return await message.get_bot().send_message(
        chat_id=message.chat_id,
        text=reply.text,
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(reply.buttons),
        disable_web_page_preview=True,
    )
