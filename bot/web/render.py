"""Outgoing messages of the core -> the JSON the chat page shows (safe HTML, plain labels)."""

from __future__ import annotations

import base64
from typing import Any

from bot.conversation.model import Outgoing
from bot.web.sanitize import telegram_html_to_web


def outgoing_json(message: Outgoing) -> dict[str, Any]:
    """Text as allow-listed HTML; button labels stay plain text (the page sets textContent)."""
    data: dict[str, Any] = {
        "html": telegram_html_to_web(message.html),
        "buttons": [
            [{"label": button.label, "data": button.data} for button in row]
            for row in message.buttons
        ],
        "replace": message.replace,
    }
    if message.toast:
        data["toast"] = message.toast
    if message.expects_text:
        data["expects_text"] = True
    if message.attachment is not None:
        data["attachment"] = {
            "filename": message.attachment.filename,
            "mime": message.attachment.mime,
            "base64": base64.b64encode(message.attachment.content).decode("ascii"),
        }
    return data
