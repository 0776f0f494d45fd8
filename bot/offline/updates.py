"""Realistic incoming updates (what Telegram sends the bot), built against a FakeBotApi.

Every user message is recorded in the api (so replies and callback queries can embed it and
message ids stay consistent per chat). With ``push=True`` updates are also queued for
getUpdates; otherwise they are returned for ``Update.de_json(update, bot)``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from typing import Any

from bot.offline.chats import BOT_ID, BOT_USER, chat_member, private_chat
from bot.offline.fake_api import FakeBotApi, UploadedFile
from bot.offline.params import JsonDict
from bot.telegram_html import utf16_len

# Telegram marks "/cmd" and "/cmd@botname" as bot_command entities wherever they stand.
_BOT_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![^\s.,!?;:])")
_CALLBACK_IDS = itertools.count(1)


def make_user(
    id: int,
    first_name: str = "Erika",
    last_name: str | None = None,
    username: str | None = None,
) -> JsonDict:
    """A (human) Telegram user dict."""
    result: JsonDict = {"id": id, "is_bot": False, "first_name": first_name,
                        "language_code": "de"}
    if last_name:
        result["last_name"] = last_name
    if username:
        result["username"] = username
    return result


def command_entities(text: str) -> list[JsonDict]:
    """The bot_command entities Telegram attaches to a text."""
    return [
        {"type": "bot_command", "offset": utf16_len(text[: m.start()]),
         "length": utf16_len(m.group())}
        for m in _BOT_COMMAND.finditer(text)
    ]


def _without_reply(message: Mapping[str, Any]) -> JsonDict:
    return {k: v for k, v in message.items() if k != "reply_to_message"}


user = make_user  # the name tests read best with: user(42, "Erika")


class UpdateFactory:
    """Builds update dicts for one fake bot; ``push`` queues them for getUpdates too."""

    user = staticmethod(make_user)

    def __init__(self, api: FakeBotApi, *, push: bool = False) -> None:
        self.api = api
        self.push = push

    # ------------------------------------------------------------------ helpers

    def _user(self, who: Mapping[str, Any] | int) -> JsonDict:
        if isinstance(who, int):
            return self.api.user(who) or self.api.add_user(make_user(who))
        return self.api.add_user(who)

    def _chat(self, sender: JsonDict, chat: Mapping[str, Any] | None) -> JsonDict:
        return self.api.add_chat(chat if chat is not None else private_chat(sender))

    def _emit(self, update: JsonDict) -> JsonDict:
        if self.push:
            return self.api.push_update(update)
        return {"update_id": self.api.new_update_id(), **update}

    def _incoming(
        self,
        user: Mapping[str, Any] | int,
        content: JsonDict,
        chat: Mapping[str, Any] | None = None,
        reply_to_message_id: int | None = None,
    ) -> JsonDict:
        sender = self._user(user)
        chat_info = self._chat(sender, chat)
        message: JsonDict = {"from": sender, "chat": chat_info, **content}
        if reply_to_message_id is not None:
            original = self.api.message(int(chat_info["id"]), reply_to_message_id)
            if original is None:
                raise ValueError(f"no message {reply_to_message_id} in chat {chat_info['id']}")
            message["reply_to_message"] = _without_reply(original)
        return self._emit({"message": self.api.record_user_message(message)})

    def _file(self, name: str, content: bytes = b"", mime_type: str = "") -> JsonDict:
        file_id, unique_id = self.api.store_file(UploadedFile(name, content, mime_type))
        return {"file_id": file_id, "file_unique_id": unique_id}

    # ------------------------------------------------------------------ messages

    def group_chat(self, chat_id: int, title: str = "Team Engagement",
                   type: str = "group") -> JsonDict:
        """A group the bot is a member of (registered in the api)."""
        return self.api.chat(chat_id) or self.api.add_chat(
            {"id": chat_id, "type": type, "title": title}
        )

    def message(
        self,
        user: Mapping[str, Any] | int,
        text: str,
        chat: Mapping[str, Any] | None = None,
        reply_to_message_id: int | None = None,
    ) -> JsonDict:
        """A text message (private chat by default); commands get bot_command entities."""
        content: JsonDict = {"text": text}
        entities = command_entities(text)
        if entities:
            content["entities"] = entities
        return self._incoming(user, content, chat, reply_to_message_id)

    def group_message(
        self,
        user: Mapping[str, Any] | int,
        chat_id: int,
        text: str,
        title: str = "Team Engagement",
        type: str = "group",
        reply_to_message_id: int | None = None,
    ) -> JsonDict:
        """A text message in a group chat."""
        chat = self.group_chat(chat_id, title, type)
        return self.message(user, text, chat, reply_to_message_id)

    def edited_message(self, original: Mapping[str, Any], text: str) -> JsonDict:
        """The user edits one of their messages (``original``: a message dict of an update)."""
        chat_id, message_id = int(original["chat"]["id"]), int(original["message_id"])
        current = self.api.message(chat_id, message_id) or dict(original)
        edited = {k: v for k, v in current.items() if k not in ("entities", "edit_date")}
        edited["text"] = text
        entities = command_entities(text)
        if entities:
            edited["entities"] = entities
        edited["edit_date"] = int(self.api.clock())
        return self._emit({"edited_message": self.api.record_user_message(edited)})

    def sticker(self, user: Mapping[str, Any] | int, emoji: str = "👍",
                chat: Mapping[str, Any] | None = None) -> JsonDict:
        sticker = {**self._file("sticker.webp"), "type": "regular", "width": 512,
                   "height": 512, "is_animated": False, "is_video": False, "emoji": emoji}
        return self._incoming(user, {"sticker": sticker}, chat)

    def photo(self, user: Mapping[str, Any] | int, caption: str | None = None,
              chat: Mapping[str, Any] | None = None) -> JsonDict:
        small = {**self._file("photo_s.jpg"), "width": 90, "height": 60, "file_size": 1200}
        large = {**self._file("photo_l.jpg"), "width": 1280, "height": 853, "file_size": 98000}
        content: JsonDict = {"photo": [small, large]}
        if caption:
            content["caption"] = caption
        return self._incoming(user, content, chat)

    def voice(self, user: Mapping[str, Any] | int, duration: int = 3,
              chat: Mapping[str, Any] | None = None) -> JsonDict:
        voice = {**self._file("voice.ogg"), "duration": duration, "mime_type": "audio/ogg",
                 "file_size": 4000 * duration}
        return self._incoming(user, {"voice": voice}, chat)

    def document(
        self,
        user: Mapping[str, Any] | int,
        file_name: str = "dokument.pdf",
        content: bytes = b"%PDF-1.4\n",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        chat: Mapping[str, Any] | None = None,
    ) -> JsonDict:
        document = {**self._file(file_name, content, mime_type), "file_name": file_name,
                    "mime_type": mime_type, "file_size": len(content)}
        fields: JsonDict = {"document": document}
        if caption:
            fields["caption"] = caption
        return self._incoming(user, fields, chat)

    def contact(
        self,
        user: Mapping[str, Any] | int,
        phone: str,
        contact_user_id: int | None = None,
        first_name: str | None = None,
    ) -> JsonDict:
        """A shared contact (the user's own when ``contact_user_id`` is their id)."""
        sender = self._user(user)
        contact: JsonDict = {"phone_number": phone,
                             "first_name": first_name or sender["first_name"]}
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return self._incoming(sender, {"contact": contact})

    # ------------------------------------------------------------------ other updates

    def callback(
        self,
        user: Mapping[str, Any] | int,
        message: Mapping[str, Any],
        data: str,
        *,
        strict: bool = True,
    ) -> JsonDict:
        """A button press on a message the bot sent (its current, possibly edited, state).

        With ``strict`` the message must carry a button with this callback_data, as a real
        client can only press existing buttons; pass ``strict=False`` to forge data.
        """
        sender = self._user(user)
        chat_id = int(message["chat"]["id"])
        current = self.api.message(chat_id, int(message["message_id"])) or dict(message)
        if strict:
            rows = current.get("reply_markup", {}).get("inline_keyboard", [])
            if data not in [button.get("callback_data") for row in rows for button in row]:
                raise ValueError(
                    f"message {current['message_id']} has no button with data {data!r}"
                )
        query: JsonDict = {"id": f"{sender['id']}{next(_CALLBACK_IDS):06d}", "from": sender,
                           "message": current, "chat_instance": str(chat_id), "data": data}
        self.api.record_callback_query(query)
        return self._emit({"callback_query": query})

    def my_chat_member(
        self,
        chat: Mapping[str, Any],
        new_status: str,
        by_user: Mapping[str, Any] | int,
        old_status: str | None = None,
    ) -> JsonDict:
        """The bot's membership changes (added to / removed from a group, blocked in private)."""
        sender = self._user(by_user)
        chat_id = int(chat["id"])
        known = self.api.chat(chat_id) is not None
        info = self.api.add_chat(chat)
        if info["type"] == "private":
            old: str | None = old_status or ("kicked" if new_status != "kicked" else "member")
            if new_status == "kicked":
                self.api.block(chat_id)
            else:
                self.api.unblock(chat_id)
        else:
            old = old_status or (self.api.member_status(chat_id, BOT_ID) if known else "left")
            self.api.set_member(chat_id, BOT_ID, new_status)
            self.api.set_member(chat_id, int(sender["id"]),
                                self.api.member_status(chat_id, int(sender["id"])) or "member")
        event = {"chat": info, "from": sender, "date": int(self.api.clock()),
                 "old_chat_member": chat_member(BOT_USER, old or "left"),
                 "new_chat_member": chat_member(BOT_USER, new_status)}
        return self._emit({"my_chat_member": event})
