"""The Bot API methods the fake implements: one function per method, dispatched by name.

Each endpoint takes the fake's state, the normalised parameters and the uploaded files, and
returns the method's ``result`` or raises FakeApiError as Telegram would answer. Message text
goes through ``content.formatted_text``, the one place where HTML is checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot.offline.chats import BOT_ID, BOT_USER, ChatState, chat_member
from bot.offline.content import formatted_text
from bot.offline.errors import FakeApiError
from bot.offline.params import JsonDict, require
from bot.offline.state import BotState, UploadedFile, commands_key

Files = dict[str, UploadedFile]
Endpoint = Callable[[BotState, JsonDict, Files], Any]

MAX_CALLBACK_ANSWER = 200
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
NO_MESSAGE_ID = "Bad Request: message identifier is not specified"
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
CHAT_ACTIONS = frozenset(
    {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
     "upload_document", "choose_sticker", "find_location", "record_video_note",
     "upload_video_note"}
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
# Message fields that copyMessage/forwardMessage carry over.
_CONTENT_KEYS = ("text", "entities", "caption", "caption_entities", "document", "photo",
                 "sticker", "voice", "audio", "video", "animation", "contact", "location")


# ---------------------------------------------------------------------- bot and webhook


def ok(state: BotState, params: JsonDict, files: Files) -> bool:
    return True


def get_me(state: BotState, params: JsonDict, files: Files) -> JsonDict:
    return {**BOT_USER, "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False, "can_connect_to_business": False,
            "has_main_web_app": False}


def set_webhook(state: BotState, params: JsonDict, files: Files) -> bool:
    state.webhook_url = str(require(params, "url", "Bad Request: bad webhook: url is empty"))
    if params.get("drop_pending_updates"):
        state.updates.drop_pending()
    return True


def delete_webhook(state: BotState, params: JsonDict, files: Files) -> bool:
    state.webhook_url = ""
    if params.get("drop_pending_updates"):
        state.updates.drop_pending()
    return True


def get_webhook_info(state: BotState, params: JsonDict, files: Files) -> JsonDict:
    return {"url": state.webhook_url, "has_custom_certificate": False,
            "pending_update_count": len(state.updates)}


def get_updates(state: BotState, params: JsonDict, files: Files) -> list[JsonDict]:
    if state.webhook_url:
        raise FakeApiError(409, "Conflict: can't use getUpdates method while webhook is "
                                "active; use deleteWebhook to delete the webhook first")
    return state.updates.fetch(int(params.get("offset", 0)), int(params.get("limit", 100)))


# ---------------------------------------------------------------------- commands


def set_my_commands(state: BotState, params: JsonDict, files: Files) -> bool:
    commands = params.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise FakeApiError(400, "Bad Request: can't parse commands JSON object")
    for command in commands:
        if not _COMMAND.fullmatch(str(command.get("command", ""))):
            raise FakeApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise FakeApiError(400, "Bad Request: command description is empty or too long")
    scope = params.get("scope")
    if isinstance(scope, dict) and "chat_id" in scope:
        state.known_chat(scope["chat_id"])
    key = commands_key(scope, str(params.get("language_code", "")))
    state.commands[key] = [dict(c) for c in commands]
    return True


def get_my_commands(state: BotState, params: JsonDict, files: Files) -> list[JsonDict]:
    key = commands_key(params.get("scope"), str(params.get("language_code", "")))
    return list(state.commands.get(key, []))


def delete_my_commands(state: BotState, params: JsonDict, files: Files) -> bool:
    key = commands_key(params.get("scope"), str(params.get("language_code", "")))
    state.commands.pop(key, None)
    return True


# ---------------------------------------------------------------------- messages


def send_message(state: BotState, params: JsonDict, files: Files) -> JsonDict:
    chat = state.chat_for(params)
    text, entities = formatted_text(params, "text", caption=False)
    content: JsonDict = {"text": text}
    if entities:
        content["entities"] = entities
    return state.store_bot_message(chat, content, params)


def _message_to_edit(state: BotState, params: JsonDict) -> tuple[ChatState, JsonDict]:
    if params.get("inline_message_id"):
        raise FakeApiError(400, "Bad Request: MESSAGE_ID_INVALID")
    chat = state.chat_for(params)
    message_id = require(params, "message_id", NO_MESSAGE_ID)
    message = chat.sent.get(message_id)
    if message is None:
        if message_id in chat.received:
            raise FakeApiError(400, "Bad Request: message can't be edited")
        raise FakeApiError(400, "Bad Request: message to edit not found")
    return chat, message


def edit_message_text(state: BotState, params: JsonDict, files: Files) -> JsonDict:
    chat, old = _message_to_edit(state, params)
    if "text" not in old:
        raise FakeApiError(400, "Bad Request: there is no text in the message to edit")
    text, entities = formatted_text(params, "text", caption=False)
    markup = state.inline_markup(chat, params)
    if (text == old["text"] and entities == old.get("entities", [])
            and markup == old.get("reply_markup")):
        raise FakeApiError(400, NOT_MODIFIED)
    return state.replace_message(chat, old, {"text": text, "entities": entities,
                                             "reply_markup": markup})


def edit_message_reply_markup(state: BotState, params: JsonDict, files: Files) -> JsonDict:
    chat, old = _message_to_edit(state, params)
    markup = state.inline_markup(chat, params)
    if markup == old.get("reply_markup"):
        raise FakeApiError(400, NOT_MODIFIED)
    return state.replace_message(chat, old, {"entities": old.get("entities"),
                                             "reply_markup": markup})


def delete_message(state: BotState, params: JsonDict, files: Files) -> bool:
    chat = state.chat_for(params)
    message_id = require(params, "message_id", NO_MESSAGE_ID)
    if chat.sent.pop(message_id, None) is None and chat.received.pop(message_id, None) is None:
        raise FakeApiError(400, "Bad Request: message to delete not found")
    return True


def answer_callback_query(state: BotState, params: JsonDict, files: Files) -> bool:
    query_id = str(params.get("callback_query_id", ""))
    if query_id not in state.open_callbacks:
        raise FakeApiError(400, QUERY_INVALID)
    if len(str(params.get("text", ""))) > MAX_CALLBACK_ANSWER:
        raise FakeApiError(400, "Bad Request: MESSAGE_TOO_LONG")
    state.open_callbacks.discard(query_id)
    state.callback_answers[query_id] = params
    return True


def send_document(state: BotState, params: JsonDict, files: Files) -> JsonDict:
    chat = state.chat_for(params)
    upload = state.upload(params, files, "document")
    caption, entities = formatted_text(params, "caption", caption=True)
    value = params.get("document")
    if isinstance(value, str) and value in state.files:
        file_id, unique_id = value, "AgAD" + value[-8:]
    else:
        file_id, unique_id = state.store_file(upload)
    content: JsonDict = {"document": {
        "file_id": file_id, "file_unique_id": unique_id, "file_name": upload.filename,
        "mime_type": upload.mime_type, "file_size": len(upload.content),
    }}
    if caption:
        content["caption"] = caption
    if entities:
        content["caption_entities"] = entities
    return state.store_bot_message(chat, content, params)


def send_chat_action(state: BotState, params: JsonDict, files: Files) -> bool:
    state.chat_for(params)
    if params.get("action") not in CHAT_ACTIONS:
        raise FakeApiError(400, "Bad Request: wrong parameter action in request")
    return True


def _source_message(state: BotState, params: JsonDict, action: str) -> JsonDict:
    source = state.known_chat(params.get("from_chat_id"))
    message = source.lookup(params.get("message_id"))
    if message is None:
        raise FakeApiError(400, f"Bad Request: message to {action} not found")
    return message


def copy_message(state: BotState, params: JsonDict, files: Files) -> JsonDict:
    chat = state.chat_for(params)
    source = _source_message(state, params, "copy")
    content = {k: source[k] for k in _CONTENT_KEYS if k in source}
    if "caption" in params:
        caption, entities = formatted_text(params, "caption", caption=True)
        content.pop("caption_entities", None)
        content.update({"caption": caption, "caption_entities": entities} if caption else {})
    copied = state.store_bot_message(chat, content, params)
    return {"message_id": copied["message_id"]}


def forward_message(state: BotState, params: JsonDict, files: Files) -> JsonDict:
    chat = state.chat_for(params)
    source = _source_message(state, params, "forward")
    content = {k: source[k] for k in _CONTENT_KEYS if k in source}
    content["forward_origin"] = {"type": "user", "sender_user": source.get("from", BOT_USER),
                                 "date": source["date"]}
    return state.store_bot_message(chat, content, {})


# ---------------------------------------------------------------------- chats


def get_chat(state: BotState, params: JsonDict, files: Files) -> JsonDict:
    chat = state.chat_for(params)
    gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts",
                           "premium_subscription", "gifts_from_channels"), False)
    return {**chat.info, "accent_color_id": 0, "max_reaction_count": 11,
            "accepted_gift_types": gifts}


def get_chat_member(state: BotState, params: JsonDict, files: Files) -> JsonDict:
    chat = state.chat_for(params, removed="Forbidden: bot is not a member of the {} chat")
    user_id = require(params, "user_id", "Bad Request: user not found")
    user = state.users.get(user_id, {"id": user_id, "is_bot": False,
                                     "first_name": str(user_id)})
    if chat.is_group:
        status = chat.members.get(user_id, "left")
    elif user_id in (chat.id, BOT_ID):
        status = "member"
    else:
        raise FakeApiError(400, "Bad Request: user not found")
    return chat_member(user, status)


def leave_chat(state: BotState, params: JsonDict, files: Files) -> bool:
    chat = state.chat_for(params)
    if not chat.is_group:
        raise FakeApiError(400, "Bad Request: chat member status can't be changed in "
                                "private chats")
    chat.members[BOT_ID] = "left"
    return True


ENDPOINTS: dict[str, Endpoint] = {
    "getMe": get_me, "logOut": ok, "close": ok,
    "setWebhook": set_webhook, "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info, "getUpdates": get_updates,
    "setMyCommands": set_my_commands, "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands, "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
    "sendDocument": send_document, "sendChatAction": send_chat_action,
    "getChat": get_chat, "getChatMember": get_chat_member,
    "leaveChat": leave_chat, "copyMessage": copy_message,
    "forwardMessage": forward_message,
}
# Telegram matches method names case-insensitively.
_BY_LOWER = {name.lower(): (name, endpoint) for name, endpoint in ENDPOINTS.items()}


def resolve(method: str) -> tuple[str, Endpoint] | None:
    """The method's canonical name and endpoint, or None for a method Telegram doesn't know."""
    return _BY_LOWER.get(method.lower())
