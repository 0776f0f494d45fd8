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


def shows_button(message: Message, data: str | None) -> bool:
    """The bot's own message shows a button with this data: a press with data the message does
    not show is forged (or from a message the bot has since changed)."""
    markup = message.reply_markup
    if data is None or not isinstance(markup, InlineKeyboardMarkup):
        return False
    if message.from_user is None or message.from_user.id != message.get_bot().id:
        return False
    return any(button.callback_data == data for row in markup.inline_keyboard for button in row)
