"""How a requester's UserKey maps onto the storage's rows: a channel and a numeric id."""

from __future__ import annotations

from bot.conversation.model import UserKey


def storage_id(user: UserKey) -> int:
    """The numeric id the storage keys the user by within their channel (a Telegram user id;
    a door with other ids hands out numeric ones). The chat id of a private chat is the same."""
    return int(user.id)


def requester(channel: str, chat_id: int) -> UserKey:
    """The requester a stored ticket belongs to (its channel and private chat id)."""
    if channel == "web":
        return UserKey("web", str(chat_id))
    return UserKey("telegram", str(chat_id))
