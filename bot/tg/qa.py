"""Private messages the conversation core does not take: edited messages, media, unknown
commands. Each gets a short friendly note, sent the one way (bot/tg/outgoing.py)."""

from __future__ import annotations

from telegram import Update

from bot.tg import outgoing
from bot.tg.services import BotContext


async def _note(update: Update, context: BotContext, key: str) -> None:
    message = update.effective_message
    if message is not None:
        text = context.services.texts.render(key)
        await outgoing.send_html(message.get_bot(), message.chat_id, text)


async def on_edited_message(update: Update, context: BotContext) -> None:
    """An edited message is not re-answered; the user is told to send a new message."""
    await _note(update, context, "edited_message")


async def on_non_text(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice and other media get a short friendly note."""
    await _note(update, context, "non_text")


async def on_unknown_command(update: Update, context: BotContext) -> None:
    """A command the bot does not know points to /hilfe."""
    await _note(update, context, "unknown_command")
