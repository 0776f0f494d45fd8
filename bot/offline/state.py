"""What the fake Bot API knows: chats with their messages, users, files, commands, callbacks.

Plain data and the lookups every endpoint shares; the caller holds the fake's lock.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from bot.offline.chats import BOT_ID, BOT_USER, ChatState, private_chat
from bot.offline.content import checked_markup
from bot.offline.errors import FakeApiError, error_for
from bot.offline.params import JsonDict, require
from bot.offline.update_queue import UpdateQueue


class UploadedFile(NamedTuple):
    """A file sent with multipart/form-data."""

    filename: str
    content: bytes
    mime_type: str


def commands_key(scope: Mapping[str, Any] | None, language_code: str) -> tuple[str, str]:
    """Bot commands are stored per scope and language."""
    return json.dumps(dict(scope or {"type": "default"}), sort_keys=True), language_code


@dataclass
class BotState:
    """The fake server's data for one bot."""

    clock: Callable[[], float]
    updates: UpdateQueue
    # strict_chats: sending to a chat the bot has never seen fails as it would on Telegram.
    strict_chats: bool = True
    chats: dict[int, ChatState] = field(default_factory=dict)
    users: dict[int, JsonDict] = field(default_factory=lambda: {BOT_ID: BOT_USER})
    blocked: set[int] = field(default_factory=set)
    files: dict[str, UploadedFile] = field(default_factory=dict)
    open_callbacks: set[str] = field(default_factory=set)
    callback_answers: dict[str, JsonDict] = field(default_factory=dict)
    commands: dict[tuple[str, str], list[JsonDict]] = field(default_factory=dict)
    webhook_url: str = ""
    _file_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def date(self) -> int:
        return int(self.clock())

    # ------------------------------------------------------------------ files

    def store_file(self, upload: UploadedFile) -> tuple[str, str]:
        """Keep an uploaded file; returns (file_id, file_unique_id)."""
        number = next(self._file_ids)
        file_id = f"BQACAgIAAxkBAAI{number:08d}"
        self.files[file_id] = upload
        return file_id, f"AgAD{number:08d}"

    def upload(self, params: JsonDict, files: dict[str, UploadedFile], key: str) -> UploadedFile:
        """The file a send method names: an upload, an attach:// name, a file_id or a URL."""
        value = params.get(key)
        if key in files:
            return files[key]
        if isinstance(value, str) and value.startswith("attach://"):
            name = value.removeprefix("attach://")
            if name in files:
                return files[name]
        elif isinstance(value, str) and value in self.files:
            return self.files[value]
        elif isinstance(value, str) and value.startswith(("http://", "https://")):
            return UploadedFile(value.rsplit("/", 1)[-1] or "file", b"", "application/octet-stream")
        if value is None:
            raise FakeApiError(400, f"Bad Request: there is no {key} in the request")
        raise FakeApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    # ------------------------------------------------------------------ chats

    def ensure_chat(self, info: Mapping[str, Any]) -> ChatState:
        chat_id = int(info["id"])
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = ChatState(info=dict(info))
            if chat.is_group:
                chat.members[BOT_ID] = "member"
            self.chats[chat_id] = chat
        return chat

    def known_chat(self, chat_id: Any) -> ChatState:
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise FakeApiError(400, "Bad Request: chat not found")
        return chat

    def chat_for(self, params: JsonDict, removed: str | None = None) -> ChatState:
        """The target chat of a call, failing the way Telegram does when the bot can't reach it."""
        chat_id = require(params, "chat_id", "Bad Request: chat_id is empty")
        if chat_id in self.blocked:
            raise FakeApiError(403, "Forbidden: bot was blocked by the user")
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            if self.strict_chats or not isinstance(chat_id, int):
                if isinstance(chat_id, int) and chat_id > 0:
                    raise FakeApiError(
                        403, "Forbidden: bot can't initiate conversation with a user"
                    )
                raise FakeApiError(400, "Bad Request: chat not found")
            user = self.users.get(chat_id, {"id": chat_id, "first_name": "Nutzer"})
            info = (private_chat(user) if chat_id > 0
                    else {"id": chat_id, "type": "group", "title": "Gruppe"})
            chat = self.ensure_chat(info)
        if chat.migrated_to is not None:
            raise error_for(400, migrate_to_chat_id=chat.migrated_to)
        status = chat.members.get(BOT_ID, "member")
        if chat.is_group and status in ("left", "kicked"):
            if removed is None:
                removed = ("Forbidden: bot was kicked from the {} chat" if status == "kicked"
                           else "Forbidden: bot is not a member of the {} chat")
            raise FakeApiError(403, removed.format(chat.kind))
        return chat

    # ------------------------------------------------------------------ messages

    def record_user_message(self, message: Mapping[str, Any]) -> JsonDict:
        """Store a message a user sent (assigning message_id and date); returns the stored dict."""
        chat = self.ensure_chat(message["chat"])
        sender = message.get("from")
        if sender is not None:
            self.users.setdefault(int(sender["id"]), dict(sender))
            if chat.is_group:
                chat.members.setdefault(int(sender["id"]), "member")
        if "message_id" in message:
            message_id = int(message["message_id"])
            chat.next_message_id = max(chat.next_message_id, message_id + 1)
        else:
            message_id = chat.next_message_id
            chat.next_message_id += 1
        stored: JsonDict = {"message_id": message_id, "date": self.date(), **message}
        stored["chat"] = chat.info
        chat.received[message_id] = stored
        return stored

    def inline_markup(self, chat: ChatState, params: JsonDict) -> JsonDict | None:
        """The inline keyboard to attach to the message (reply keyboards are kept per chat)."""
        markup = checked_markup(params.get("reply_markup"))
        if markup is None or "inline_keyboard" in markup:
            return markup
        chat.reply_keyboard = None if markup.get("remove_keyboard") else markup
        return None

    def reply_to(self, chat: ChatState, params: JsonDict) -> JsonDict | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message_id, allow = reply.get("message_id"), reply.get("allow_sending_without_reply")
        elif params.get("reply_to_message_id") is not None:
            message_id = params["reply_to_message_id"]
            allow = params.get("allow_sending_without_reply")
        else:
            return None
        original = chat.lookup(message_id)
        if original is None:
            if allow:
                return None
            raise FakeApiError(400, "Bad Request: message to be replied not found")
        return {k: v for k, v in original.items() if k != "reply_to_message"}

    def store_bot_message(self, chat: ChatState, content: JsonDict, params: JsonDict) -> JsonDict:
        reply_to = self.reply_to(chat, params)
        markup = self.inline_markup(chat, params)
        message: JsonDict = {"message_id": chat.next_message_id, "from": BOT_USER,
                             "chat": chat.info, "date": self.date(), **content}
        chat.next_message_id += 1
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if markup is not None:
            message["reply_markup"] = markup
        chat.sent[message["message_id"]] = message
        return message

    def replace_message(self, chat: ChatState, old: JsonDict, changes: JsonDict) -> JsonDict:
        """An edit: a new dict replaces the stored one (callers may hold the old one)."""
        # Omitting reply_markup in an edit removes the inline keyboard, as on Telegram.
        dropped = {"entities", "reply_markup", "edit_date"}
        new = {k: v for k, v in old.items() if k not in dropped}
        new.update({k: v for k, v in changes.items() if v})
        new["edit_date"] = self.date()
        chat.sent[int(old["message_id"])] = new
        return new
