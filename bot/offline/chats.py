"""Who is who in the fake Bot API: the bot user, chats with their messages, member records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.offline.params import JsonDict

BOT_ID = 1000000
BOT_USER: JsonDict = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Engagement-Assistent",
    "username": "engagement_assistent_bot",
}
MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "left", "kicked"})
_ADMIN_RIGHTS = {
    "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
    "can_delete_messages": True, "can_manage_video_chats": False,
    "can_restrict_members": False, "can_promote_members": False, "can_change_info": False,
    "can_invite_users": True, "can_post_stories": False, "can_edit_stories": False,
    "can_delete_stories": False, "can_pin_messages": True,
}


@dataclass
class ChatState:
    """One chat as the fake server knows it; message dicts are keyed by message_id."""

    info: JsonDict
    sent: dict[int, JsonDict] = field(default_factory=dict)  # by the bot, current state
    received: dict[int, JsonDict] = field(default_factory=dict)  # by users
    members: dict[int, str] = field(default_factory=dict)  # user id -> status (groups)
    next_message_id: int = 1  # shared by both sides, as in a real chat
    migrated_to: int | None = None
    reply_keyboard: JsonDict | None = None

    @property
    def id(self) -> int:
        return int(self.info["id"])

    @property
    def is_group(self) -> bool:
        return self.info["type"] in ("group", "supergroup")

    @property
    def kind(self) -> str:
        return "supergroup" if self.info["type"] == "supergroup" else "group"

    def lookup(self, message_id: Any) -> JsonDict | None:
        return self.sent.get(message_id) or self.received.get(message_id)


def private_chat(user: Mapping[str, Any]) -> JsonDict:
    """The private chat of a user with the bot."""
    chat: JsonDict = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    for key in ("last_name", "username"):
        if user.get(key):
            chat[key] = user[key]
    return chat


def chat_member(user: JsonDict, status: str) -> JsonDict:
    """A ChatMember dict with the fields PTB requires for ``status``."""
    if status not in MEMBER_STATUSES:
        raise ValueError(f"unsupported member status {status!r}")
    member: JsonDict = {"status": status, "user": user}
    if status == "administrator":
        member.update(_ADMIN_RIGHTS)
    elif status == "creator":
        member["is_anonymous"] = False
    elif status == "kicked":
        member["until_date"] = 0
    return member
