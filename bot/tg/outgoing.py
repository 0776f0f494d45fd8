"""Sends and edits whose result the bot never reads, without parsing Telegram's echo of them.

Telegram answers every sendMessage and editMessageText with the whole message, and PTB's typed
methods turn that into a ``telegram.Message`` (with its keyboard as objects): about 0.1–0.3 ms of
CPU per call, more than rendering the reply itself. Answers, prompts and notes in private chats
are fire-and-forget, so they go through ``Bot.do_api_request`` with no return type, which sends
the same request (rate limiter and error handling included) and hands back the raw result.
Inline keyboards are built as plain JSON for the same reason.

Calls whose result is used (team cards, whose message id is stored) keep PTB's typed methods.
"""

from __future__ import annotations

import warnings
from typing import Any

from telegram import Bot
from telegram.constants import ParseMode
from telegram.warnings import PTBUserWarning

from bot.replies import Button

# do_api_request warns when an endpoint has a typed method; here skipping it is the point.
warnings.filterwarnings(
    "ignore",
    message=r"Please use 'Bot\.(sendMessage|editMessageText|editMessageReplyMarkup)'",
    category=PTBUserWarning,
)

Keyboard = tuple[tuple[Button, ...], ...]


def markup(rows: Keyboard) -> dict[str, Any] | None:
    """An InlineKeyboardMarkup as the Bot API's JSON object, or None without buttons."""
    if not rows:
        return None
    return {
        "inline_keyboard": [
            [{"text": b.label, "callback_data": b.data} for b in row] for row in rows
        ]
    }


def _html(text: str, buttons: Keyboard, **target: int) -> dict[str, Any]:
    """The parameters of an HTML message (link previews off) addressed by ``target``."""
    kwargs: dict[str, Any] = {
        **target,
        "text": text,
        "parse_mode": ParseMode.HTML,
        "link_preview_options": {"is_disabled": True},
    }
    keyboard = markup(buttons)
    if keyboard is not None:
        kwargs["reply_markup"] = keyboard
    return kwargs


async def send_html(bot: Bot, chat_id: int, text: str, buttons: Keyboard = ()) -> None:
    """sendMessage in HTML parse mode, link previews off, with optional inline buttons."""
    await bot.do_api_request("sendMessage", api_kwargs=_html(text, buttons, chat_id=chat_id))


async def edit_html(
    bot: Bot, chat_id: int, message_id: int, text: str, buttons: Keyboard = ()
) -> None:
    """editMessageText in HTML parse mode; the message's buttons become ``buttons`` (or none)."""
    kwargs = _html(text, buttons, chat_id=chat_id, message_id=message_id)
    await bot.do_api_request("editMessageText", api_kwargs=kwargs)


async def edit_buttons(bot: Bot, chat_id: int, message_id: int, buttons: Keyboard) -> None:
    """editMessageReplyMarkup: the message keeps its text, its buttons become ``buttons``."""
    await bot.do_api_request(
        "editMessageReplyMarkup",
        api_kwargs={"chat_id": chat_id, "message_id": message_id, "reply_markup": markup(buttons)},
    )


async def drop_buttons(bot: Bot, chat_id: int, message_id: int) -> None:
    """editMessageReplyMarkup without a markup: the message keeps its text, loses its buttons."""
    await bot.do_api_request(
        "editMessageReplyMarkup", api_kwargs={"chat_id": chat_id, "message_id": message_id}
    )
