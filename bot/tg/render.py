"""Inline keyboards of the team side's typed sends, and the check of a pressed button."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message

from bot.delivery.keyboard import keyboard

__all__ = ["keyboard", "shows_button"]

MAX_TEXT = 4096


def shows_button(message: Message, data: str | None) -> bool:
    """The bot's own message shows a button with this data: a press with data the message does
    not show is forged (or from a message the bot has since changed)."""
    markup = message.reply_markup
    if data is None or not isinstance(markup, InlineKeyboardMarkup):
        return False
    if message.from_user is None or message.from_user.id != message.get_bot().id:
        return False
    return any(button.callback_data == data for row in markup.inline_keyboard for button in row)
