"""Redacting a bot message in the team chat (outbox kind ``redact``, see storage/team_posts.py).

A text message is edited to a neutral note; bots may edit their own messages at any age. A file
(an export) cannot be edited into text, so it is deleted — Telegram allows that for 48 hours
only; an older one is logged for the team to delete by hand. A message somebody already deleted
counts as redacted.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.delivery.errors import classify
from bot.texts import Texts

log = logging.getLogger(__name__)

REASON_KEYS = {"erased": "team_post_redacted_erased", "retention": "team_post_redacted_retention"}


async def redact(bot: Bot, payload: dict[str, Any], texts: Texts) -> dict[str, Any]:
    """Apply one redaction; returns the outbox result. Other errors propagate to the worker,
    which retries or gives up as for any send."""
    chat_id, message_id = int(payload["chat_id"]), int(payload["message_id"])
    try:
        if payload.get("mode") == "delete":
            await bot.delete_message(chat_id, message_id)
        else:
            key = REASON_KEYS.get(str(payload.get("reason")), REASON_KEYS["erased"])
            await bot.edit_message_text(texts.render(key), chat_id=chat_id,
                                        message_id=message_id, parse_mode=ParseMode.HTML,
                                        reply_markup=None)
    except BadRequest as exc:
        reason = str(exc).lower()
        if classify(exc).action == "sent":  # "not modified": it already shows the note
            return {"redacted": message_id, "unchanged": True}
        if "not found" in reason:  # deleted by a person: nothing left to redact
            return {"skipped": "message gone"}
        if "can't be" in reason:  # too old to delete (or not editable): retrying cannot help
            log.warning("team message %s cannot be redacted; delete it by hand", message_id)
            return {"skipped": "cannot redact"}
        raise
    return {"redacted": message_id}
