"""What the Bot API accepts as message content: text limits, parse modes, inline keyboards."""

from __future__ import annotations

from typing import Any

from bot.offline.errors import FakeApiError
from bot.offline.params import JsonDict
from bot.telegram_html import HtmlParseError, parse_html, trim

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_BUTTONS = 100
MAX_BUTTONS_PER_ROW = 8


def formatted_text(params: JsonDict, key: str, *, caption: bool) -> tuple[str, list[JsonDict]]:
    """Plain text and entities of ``params[key]`` after parse_mode, or Telegram's 400 error."""
    text = str(params.get(key) or "")
    mode = str(params.get("parse_mode") or "")
    entities: list[JsonDict] = list(params.get("caption_entities" if caption else "entities")
                                    or [])
    if mode.upper() == "HTML":
        try:
            text, entities = parse_html(text)
        except HtmlParseError as exc:
            raise FakeApiError(400, f"Bad Request: can't parse entities: {exc}") from None
    elif mode and mode.lower() not in ("markdown", "markdownv2"):  # Markdown: not parsed here
        raise FakeApiError(400, "Bad Request: unsupported parse_mode")
    text, entities = trim(text, entities)
    if caption and len(text) > MAX_CAPTION:
        raise FakeApiError(400, "Bad Request: message caption is too long")
    if not caption and not text:
        raise FakeApiError(400, "Bad Request: message text is empty")
    if not caption and len(text) > MAX_TEXT:
        raise FakeApiError(400, "Bad Request: message is too long")
    return text, entities


def checked_markup(markup: Any) -> JsonDict | None:
    """The reply_markup as a dict, validated like Telegram does for inline keyboards."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise FakeApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return markup
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise FakeApiError(400, "Bad Request: can't parse inline keyboard button")
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise FakeApiError(400, "Bad Request: reply markup is too long")
    for row in rows:
        if len(row) > MAX_BUTTONS_PER_ROW:
            raise FakeApiError(400, "Bad Request: too many buttons in a row (fake API limit)")
        for button in row:
            if not isinstance(button, dict) or not button.get("text") or len(button) < 2:
                raise FakeApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                raise FakeApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return markup
