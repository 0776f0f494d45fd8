"""The Telegram door of the conversation core: an Update becomes an Event, the core's answer is
shown the one way below.

Private-chat messages go through bot/tg/outgoing.py (no parsing of Telegram's echo); a file
goes through PTB's send_document. A press is answered once (its toast or nothing); a
``replace`` edits the pressed message, or with empty html only its buttons.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    InputFile,
    MaybeInaccessibleMessage,
    Message,
    Update,
    User,
)
from telegram.error import BadRequest

from bot.conversation.core import ConversationCore
from bot.conversation.model import CommandIn, ContactIn, Event, Outgoing, PressIn, TextIn, UserKey
from bot.replies import Button
from bot.services import Services
from bot.tg import outgoing
from bot.tg.services import BotContext

log = logging.getLogger(__name__)


def user_key(user: User) -> UserKey:
    return UserKey("telegram", str(user.id))


def shown(message: Message) -> Outgoing:
    """The bot's message as it shows now: its HTML and its buttons (other people's messages
    show no buttons of ours)."""
    markup = message.reply_markup
    rows: tuple[tuple[Button, ...], ...] = ()
    own = message.from_user is not None and message.from_user.id == message.get_bot().id
    if own and isinstance(markup, InlineKeyboardMarkup):
        rows = tuple(
            tuple(Button(b.text, b.callback_data) for b in row if isinstance(b.callback_data, str))
            for row in markup.inline_keyboard
        )
    return Outgoing(html=message.text_html or "", buttons=rows)


async def show(
    message: Message | MaybeInaccessibleMessage,
    outs: list[Outgoing],
    query: CallbackQuery | None = None,
) -> None:
    """Show the core's answer in the chat of ``message`` (for a press: the pressed one)."""
    bot = message.get_bot()
    chat_id = message.chat.id
    toast = next((o.toast for o in outs if o.toast), None)
    if query is not None:
        await query.answer(toast[:200] if toast else None)
    for out in outs:
        if out.replace and query is not None:
            await _replace(message, out)
        elif out.attachment is not None:
            attachment = out.attachment
            await bot.send_document(
                chat_id, InputFile(attachment.content, filename=attachment.filename),
                caption=out.html or None, parse_mode="HTML",
            )
        elif out.html:
            await outgoing.send_html(bot, chat_id, out.html, out.buttons)


async def _replace(message: Message | MaybeInaccessibleMessage, out: Outgoing) -> None:
    bot, chat_id, message_id = message.get_bot(), message.chat.id, message.message_id
    if not out.html:
        # Already without those buttons, or too old to edit: nothing to do.
        with contextlib.suppress(BadRequest):
            if out.buttons:
                await outgoing.edit_buttons(bot, chat_id, message_id, out.buttons)
            else:
                await outgoing.drop_buttons(bot, chat_id, message_id)
        return
    try:
        await outgoing.edit_html(bot, chat_id, message_id, out.html, out.buttons)
    except BadRequest as exc:  # too old to edit: show it anew (unless it shows this already)
        if out.buttons and "not modified" not in str(exc).lower():
            await outgoing.send_html(bot, chat_id, out.html, out.buttons)


def core(services: Services) -> ConversationCore:
    """The core over these services (cheap: it only holds them)."""
    return ConversationCore(services)


async def _run(services: Services, user: User, event: Event) -> list[Outgoing]:
    return await core(services).handle(user_key(user), event)


async def on_private_text(update: Update, context: BotContext) -> None:
    """Free text in a private chat."""
    message = update.message
    if message is None or message.text is None or message.from_user is None:
        return
    original = message.reply_to_message
    bot_id = message.get_bot().id
    quoted = None
    if original is not None and original.from_user is not None and original.from_user.id == bot_id:
        quoted = original.text or original.caption
    event = TextIn(
        message.text,
        reply_to=str(original.message_id) if original is not None else None,
        quoted=quoted,
        sender_name=message.from_user.first_name,
    )
    await show(message, await _run(context.services, message.from_user, event))


async def on_private_press(query: CallbackQuery, services: Services) -> None:
    """A button in a private chat (the router checked the chat)."""
    message = query.message
    if message is None:
        await query.answer(services.texts.plain("stale_button"))
        return
    press = PressIn(
        query.data or "",
        message=str(message.message_id),
        shown=shown(message) if isinstance(message, Message) else None,
        sender_name=query.from_user.first_name,
    )
    await show(message, await _run(services, query.from_user, press), query)


async def on_command(update: Update, context: BotContext) -> None:
    """/start /hilfe /anfrage /abbrechen /datenschutz /meinedaten /loeschen in a private chat."""
    message = update.message
    if message is None or message.from_user is None or not message.text:
        return
    name = message.text.split()[0].lstrip("/").split("@")[0].casefold()
    await show(message, await _run(context.services, message.from_user, CommandIn(name)))


async def on_contact(update: Update, context: BotContext) -> None:
    """A shared Telegram contact counts as the phone number, if it is the sender's own."""
    message = update.message
    if message is None or message.contact is None or message.from_user is None:
        return
    contact = ContactIn(message.contact.phone_number,
                        own=message.contact.user_id == message.from_user.id)
    await show(message, await _run(context.services, message.from_user, contact))
