"""An in-process fake of the Telegram Bot API: method name + parameters in, ``result`` JSON out.

One implementation of the API semantics shared by both transports: ``LocalRequest`` (in-process,
for the terminal chat and ``process_update`` tests) and the fake HTTP server used by tests that
run the real bot over the network stack. It imports nothing from ``telegram``.

Stored message dicts are replaced, never mutated, when edited: callers may keep references but
must treat them as read-only.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from bot.offline.chats import (
    BOT_ID,
    BOT_USER,
    MEMBER_STATUSES,
    ChatState,
    chat_member,
    private_chat,
)
from bot.offline.content import checked_markup, formatted_text
from bot.offline.errors import FakeApiError, Fault, SimulatedTimeout, error_for
from bot.offline.params import JsonDict, normalize_params, require

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


class UploadedFile(NamedTuple):
    """A file sent with multipart/form-data."""

    filename: str
    content: bytes
    mime_type: str


@dataclass(frozen=True)
class Call:
    """One recorded API call (parameters normalised to JSON values)."""

    method: str
    params: JsonDict
    ok: bool
    time: float
    error_code: int | None = None
    description: str | None = None
    timed_out: bool = False
    files: dict[str, UploadedFile] = field(default_factory=dict)


Handler = Callable[[JsonDict, dict[str, UploadedFile]], Any]


class FakeBotApi:
    """Thread-safe state of one fake bot: chats, messages, the update queue and a call log."""

    def __init__(
        self, *, strict_chats: bool = True, clock: Callable[[], float] = time.time
    ) -> None:
        # strict_chats: sending to a chat the bot has never seen fails as it would on Telegram.
        self.strict_chats = strict_chats
        self._clock = clock
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._listeners: list[Callable[[], None]] = []
        self._interrupts = 0
        self.calls: list[Call] = []
        self._calls_by_method: dict[str, list[Call]] = {}
        self._faults: list[Fault] = []
        self._chats: dict[int, ChatState] = {}
        self._users: dict[int, JsonDict] = {BOT_ID: BOT_USER}
        self._blocked: set[int] = set()
        self._updates: deque[JsonDict] = deque()
        self._update_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._files: dict[str, UploadedFile] = {}
        self._open_callbacks: set[str] = set()
        self.callback_answers: dict[str, JsonDict] = {}
        self._commands: dict[tuple[str, str], list[JsonDict]] = {}
        self._webhook_url = ""
        methods: dict[str, Handler] = {
            "getMe": self._get_me, "logOut": self._ok, "close": self._ok,
            "setWebhook": self._set_webhook, "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info, "getUpdates": self._get_updates,
            "setMyCommands": self._set_my_commands, "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands, "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendDocument": self._send_document, "sendChatAction": self._send_chat_action,
            "getChat": self._get_chat, "getChatMember": self._get_chat_member,
            "leaveChat": self._leave_chat, "copyMessage": self._copy_message,
            "forwardMessage": self._forward_message,
        }
        self._handlers = {name.lower(): (name, fn) for name, fn in methods.items()}

    # ------------------------------------------------------------------ entry points

    def handle(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        files: Mapping[str, UploadedFile] | None = None,
    ) -> Any:
        """Run one API method; return its ``result`` or raise FakeApiError / SimulatedTimeout."""
        raw = dict(params or {})
        uploads = dict(files or {})
        with self._lock:
            entry = self._handlers.get(method.lower())
            if entry is None:
                not_found = FakeApiError(404, "Not Found")
                self._record(method, raw, uploads, ok=False, error=not_found)
                raise not_found
            name = entry[0]
            try:
                clean = normalize_params(raw)
            except FakeApiError as exc:
                self._record(name, raw, uploads, ok=False, error=exc)
                raise
            fault = self._take_fault(name, clean)
            if fault is not None and fault.error is None and not fault.after_effect:
                self._record(name, clean, uploads, ok=False, timed_out=True)
                raise SimulatedTimeout(name, applied=False)
            try:
                if fault is not None and fault.error is not None:
                    error = fault.error  # a fresh instance per failure: tracebacks stay separate
                    raise FakeApiError(error.error_code, error.description, error.retry_after,
                                       error.migrate_to_chat_id)
                result = entry[1](clean, uploads)
            except FakeApiError as exc:
                self._record(name, clean, uploads, ok=False, error=exc)
                raise
            self._record(name, clean, uploads, ok=True, timed_out=fault is not None)
            if fault is not None:
                raise SimulatedTimeout(name, applied=True)
            return result

    def respond(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        files: Mapping[str, UploadedFile] | None = None,
    ) -> tuple[int, bytes]:
        """HTTP status and JSON body exactly as Telegram answers (SimulatedTimeout propagates)."""
        try:
            body: JsonDict = {"ok": True, "result": self.handle(method, params, files)}
            status = 200
        except FakeApiError as exc:
            body, status = exc.to_response(), exc.error_code
        return status, json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()

    # ------------------------------------------------------------------ waiting

    def add_listener(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (from any thread, with the lock held) after every state change."""
        with self._lock:
            self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[], None]) -> None:
        with self._lock:
            if callback in self._listeners:
                self._listeners.remove(callback)

    def wait_until(self, predicate: Callable[[], object], timeout: float) -> bool:
        """Block the calling thread until ``predicate()`` is true (checked after each change)."""
        with self._changed:
            return bool(self._changed.wait_for(predicate, timeout))

    async def until(self, predicate: Callable[[], object], timeout: float = 10.0) -> bool:
        """Await ``predicate()`` without blocking the event loop the bot may be running on."""
        loop = asyncio.get_running_loop()
        changed = asyncio.Event()

        def wake() -> None:
            with contextlib.suppress(RuntimeError):  # the loop may be closed by now
                loop.call_soon_threadsafe(changed.set)

        deadline = loop.time() + timeout
        self.add_listener(wake)
        try:
            while True:
                changed.clear()
                with self._lock:
                    if predicate():
                        return True
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return False
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), remaining)
        finally:
            self.remove_listener(wake)

    def has_updates(self, offset: int = 0) -> bool:
        """Whether getUpdates with this offset would return something."""
        with self._lock:
            if not self._updates:
                return False
            return offset <= 0 or int(self._updates[-1]["update_id"]) >= offset

    def confirm_updates(self, offset: int) -> None:
        """Forget updates below ``offset``: Telegram confirms them when a request arrives with
        that offset, before the long poll waits (so a bot killed mid-poll gets no replays)."""
        if offset <= 0:
            return
        with self._lock:
            while self._updates and int(self._updates[0]["update_id"]) < offset:
                self._updates.popleft()

    def wait_for_updates(self, offset: int, timeout: float) -> bool:
        """Long-poll helper for transports: wait for updates, or until interrupt_waiters()."""
        self.confirm_updates(offset)
        with self._lock:
            generation = self._interrupts
            return self.wait_until(
                lambda: self.has_updates(offset) or self._interrupts != generation, timeout
            )

    def interrupt_waiters(self) -> None:
        """Release every thread blocked in wait_for_updates (used when a server stops)."""
        with self._lock:
            self._interrupts += 1
            self._notify()

    # ------------------------------------------------------------------ incoming side

    def push_update(self, update: Mapping[str, Any]) -> JsonDict:
        """Queue an update for getUpdates; assigns and returns it with its ``update_id``."""
        with self._lock:
            queued = {"update_id": self.new_update_id(),
                      **{k: v for k, v in update.items() if k != "update_id"}}
            self._updates.append(queued)
            self._notify()
            return queued

    def new_update_id(self) -> int:
        with self._lock:
            return next(self._update_ids)

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by a getUpdates offset."""
        with self._lock:
            return len(self._updates)

    def add_chat(self, chat: Mapping[str, Any]) -> JsonDict:
        """Make a chat known (the bot is a member of groups added here); returns its dict."""
        with self._lock:
            return self._ensure_chat(chat).info

    def user(self, user_id: int) -> JsonDict | None:
        """A user the api has seen (in updates or via add_user)."""
        with self._lock:
            return self._users.get(user_id)

    def add_user(self, user: Mapping[str, Any]) -> JsonDict:
        with self._lock:
            self._users[int(user["id"])] = dict(user)
            return self._users[int(user["id"])]

    def record_user_message(self, message: Mapping[str, Any]) -> JsonDict:
        """Store a message a user sent (assigning message_id and date); returns the stored dict."""
        with self._lock:
            chat = self._ensure_chat(message["chat"])
            sender = message.get("from")
            if sender is not None:
                self._users.setdefault(int(sender["id"]), dict(sender))
                if chat.is_group:
                    chat.members.setdefault(int(sender["id"]), "member")
            if "message_id" in message:
                message_id = int(message["message_id"])
                chat.next_message_id = max(chat.next_message_id, message_id + 1)
            else:
                message_id = chat.next_message_id
                chat.next_message_id += 1
            stored: JsonDict = {"message_id": message_id, "date": self._date(), **message}
            stored["chat"] = chat.info
            chat.received[message_id] = stored
            self._notify()
            return stored

    def record_callback_query(self, query: Mapping[str, Any]) -> None:
        """Register a callback query id so answerCallbackQuery accepts it (once)."""
        with self._lock:
            self._open_callbacks.add(str(query["id"]))

    def store_file(self, upload: UploadedFile) -> tuple[str, str]:
        """Keep an uploaded file; returns (file_id, file_unique_id)."""
        with self._lock:
            number = next(self._file_ids)
            file_id = f"BQACAgIAAxkBAAI{number:08d}"
            self._files[file_id] = upload
            return file_id, f"AgAD{number:08d}"

    # ------------------------------------------------------------------ scenario controls

    def inject(
        self,
        status: int,
        *,
        method: str | None = None,
        chat_id: int | None = None,
        times: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """Make the next ``times`` matching calls fail with ``status``.

        A rule without ``method`` matches only calls that target a chat (have ``chat_id``), so
        background getUpdates polling does not consume it.
        """
        error = error_for(status, retry_after=retry_after, description=description,
                          migrate_to_chat_id=migrate_to_chat_id)
        with self._lock:
            self._faults.append(Fault(method.lower() if method else None, chat_id, times, error))

    def inject_timeout(
        self,
        *,
        method: str | None = None,
        chat_id: int | None = None,
        times: int = 1,
        after_effect: bool = False,
    ) -> None:
        """Make the next matching calls time out; with ``after_effect`` they still take effect."""
        with self._lock:
            self._faults.append(
                Fault(method.lower() if method else None, chat_id, times, None, after_effect)
            )

    def clear_faults(self) -> None:
        """End every injected failure (an outage is over)."""
        with self._lock:
            self._faults.clear()

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to their private chat answer 403."""
        with self._lock:
            self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        with self._lock:
            self._blocked.discard(user_id)

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        """Set a member's status in a group (``user_id=BOT_ID`` for the bot itself)."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"unsupported member status {status!r}")
        with self._lock:
            self._known_chat(chat_id).members[user_id] = status
            self._notify()

    def remove_from_chat(self, chat_id: int) -> None:
        """The bot is kicked from a group: sends answer 403."""
        self.set_member(chat_id, BOT_ID, "kicked")

    def migrate_chat(self, old_id: int, new_id: int) -> JsonDict:
        """Upgrade a group to a supergroup with a new id; sends to the old id answer 400."""
        with self._lock:
            old = self._known_chat(old_id)
            new = self._ensure_chat({**old.info, "id": new_id, "type": "supergroup"})
            new.members.update(old.members)
            old.migrated_to = new_id
            return new.info

    # ------------------------------------------------------------------ queries

    def sent_to(self, chat_id: int) -> list[JsonDict]:
        """Messages the bot sent to a chat, in order, in their current (edited) state."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return list(chat.sent.values()) if chat else []

    def last_message(self, chat_id: int) -> JsonDict | None:
        """The newest message the bot sent to a chat that still exists."""
        with self._lock:
            chat = self._chats.get(chat_id)
            if not chat or not chat.sent:
                return None
            return chat.sent[next(reversed(chat.sent))]

    def message(self, chat_id: int, message_id: int) -> JsonDict | None:
        """Any stored message (bot's or user's) by id."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return chat.lookup(message_id) if chat else None

    def calls_of(self, method: str) -> list[Call]:
        with self._lock:
            for name, _ in self._handlers.values():
                if name.lower() == method.lower():
                    method = name
            return list(self._calls_by_method.get(method, []))

    def file_content(self, file_id: str) -> bytes:
        with self._lock:
            return self._files[file_id].content

    def reply_keyboard(self, chat_id: int) -> JsonDict | None:
        """The reply keyboard (not inline) currently shown in a chat, if any."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return chat.reply_keyboard if chat else None

    def my_commands(self, scope: Mapping[str, Any] | None = None,
                    language_code: str = "") -> list[JsonDict]:
        with self._lock:
            return list(self._commands.get(self._commands_key(scope, language_code), []))

    def member_status(self, chat_id: int, user_id: int) -> str | None:
        """A member's status in a known group (``BOT_ID`` for the bot), None if unknown."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return chat.members.get(user_id) if chat else None

    def chat(self, chat_id: int) -> JsonDict | None:
        with self._lock:
            chat = self._chats.get(chat_id)
            return chat.info if chat else None

    # ------------------------------------------------------------------ internals

    def clock(self) -> float:
        """The fake server's wall clock (Unix seconds)."""
        return self._clock()

    def _date(self) -> int:
        return int(self._clock())

    def _notify(self) -> None:
        self._changed.notify_all()
        for callback in list(self._listeners):
            callback()

    def _record(
        self,
        method: str,
        params: JsonDict,
        files: dict[str, UploadedFile],
        *,
        ok: bool,
        error: FakeApiError | None = None,
        timed_out: bool = False,
    ) -> None:
        call = Call(method, params, ok, self._clock(),
                    error.error_code if error else None, error.description if error else None,
                    timed_out, files)
        self.calls.append(call)
        self._calls_by_method.setdefault(method, []).append(call)
        self._notify()

    def _take_fault(self, method: str, params: JsonDict) -> Fault | None:
        for fault in self._faults:
            if fault.matches(method, params):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _ensure_chat(self, info: Mapping[str, Any]) -> ChatState:
        chat_id = int(info["id"])
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = ChatState(info=dict(info))
            if chat.is_group:
                chat.members[BOT_ID] = "member"
            self._chats[chat_id] = chat
        return chat

    def _known_chat(self, chat_id: Any) -> ChatState:
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise FakeApiError(400, "Bad Request: chat not found")
        return chat

    def _chat_for(self, params: JsonDict, removed: str | None = None) -> ChatState:
        """The target chat of a call, failing the way Telegram does when the bot can't reach it."""
        chat_id = require(params, "chat_id", "Bad Request: chat_id is empty")
        if chat_id in self._blocked:
            raise FakeApiError(403, "Forbidden: bot was blocked by the user")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            if self.strict_chats or not isinstance(chat_id, int):
                if isinstance(chat_id, int) and chat_id > 0:
                    raise FakeApiError(
                        403, "Forbidden: bot can't initiate conversation with a user"
                    )
                raise FakeApiError(400, "Bad Request: chat not found")
            user = self._users.get(chat_id, {"id": chat_id, "first_name": "Nutzer"})
            info = (private_chat(user) if chat_id > 0
                    else {"id": chat_id, "type": "group", "title": "Gruppe"})
            chat = self._ensure_chat(info)
        if chat.migrated_to is not None:
            raise error_for(400, migrate_to_chat_id=chat.migrated_to)
        status = chat.members.get(BOT_ID, "member")
        if chat.is_group and status in ("left", "kicked"):
            if removed is None:
                removed = ("Forbidden: bot was kicked from the {} chat" if status == "kicked"
                           else "Forbidden: bot is not a member of the {} chat")
            raise FakeApiError(403, removed.format(chat.kind))
        return chat

    def _inline_markup(self, chat: ChatState, params: JsonDict) -> JsonDict | None:
        """The inline keyboard to attach to the message (reply keyboards are kept per chat)."""
        markup = checked_markup(params.get("reply_markup"))
        if markup is None or "inline_keyboard" in markup:
            return markup
        chat.reply_keyboard = None if markup.get("remove_keyboard") else markup
        return None

    def _reply_to(self, chat: ChatState, params: JsonDict) -> JsonDict | None:
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

    def _store_bot_message(self, chat: ChatState, content: JsonDict, params: JsonDict) -> JsonDict:
        reply_to = self._reply_to(chat, params)
        markup = self._inline_markup(chat, params)
        message: JsonDict = {"message_id": chat.next_message_id, "from": BOT_USER,
                             "chat": chat.info, "date": self._date(), **content}
        chat.next_message_id += 1
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if markup is not None:
            message["reply_markup"] = markup
        chat.sent[message["message_id"]] = message
        return message

    @staticmethod
    def _commands_key(scope: Mapping[str, Any] | None, language_code: str) -> tuple[str, str]:
        return json.dumps(dict(scope or {"type": "default"}), sort_keys=True), language_code

    # ------------------------------------------------------------------ methods

    def _ok(self, params: JsonDict, files: dict[str, UploadedFile]) -> bool:
        return True

    def _get_me(self, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        return {**BOT_USER, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False,
                "has_main_web_app": False}

    def _set_webhook(self, params: JsonDict, files: dict[str, UploadedFile]) -> bool:
        self._webhook_url = str(require(params, "url", "Bad Request: bad webhook: url is empty"))
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _delete_webhook(self, params: JsonDict, files: dict[str, UploadedFile]) -> bool:
        self._webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        return {"url": self._webhook_url, "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    def _get_updates(self, params: JsonDict, files: dict[str, UploadedFile]) -> list[JsonDict]:
        if self._webhook_url:
            raise FakeApiError(409, "Conflict: can't use getUpdates method while webhook is "
                                    "active; use deleteWebhook to delete the webhook first")
        offset = int(params.get("offset", 0))
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        if offset > 0:  # every update below the offset is confirmed and forgotten
            while self._updates and int(self._updates[0]["update_id"]) < offset:
                self._updates.popleft()
        elif offset < 0:  # -N: only the last N updates are kept
            while len(self._updates) > -offset:
                self._updates.popleft()
        return list(itertools.islice(self._updates, limit))

    def _set_my_commands(self, params: JsonDict, files: dict[str, UploadedFile]) -> bool:
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
            self._known_chat(scope["chat_id"])
        key = self._commands_key(scope, str(params.get("language_code", "")))
        self._commands[key] = [dict(c) for c in commands]
        return True

    def _get_my_commands(self, params: JsonDict, files: dict[str, UploadedFile]) -> list[JsonDict]:
        key = self._commands_key(params.get("scope"), str(params.get("language_code", "")))
        return list(self._commands.get(key, []))

    def _delete_my_commands(self, params: JsonDict, files: dict[str, UploadedFile]) -> bool:
        key = self._commands_key(params.get("scope"), str(params.get("language_code", "")))
        self._commands.pop(key, None)
        return True

    def _send_message(self, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        chat = self._chat_for(params)
        text, entities = formatted_text(params, "text", caption=False)
        content: JsonDict = {"text": text}
        if entities:
            content["entities"] = entities
        return self._store_bot_message(chat, content, params)

    def _message_to_edit(self, params: JsonDict) -> tuple[ChatState, JsonDict]:
        if params.get("inline_message_id"):
            raise FakeApiError(400, "Bad Request: MESSAGE_ID_INVALID")
        chat = self._chat_for(params)
        message_id = require(params, "message_id", NO_MESSAGE_ID)
        message = chat.sent.get(message_id)
        if message is None:
            if message_id in chat.received:
                raise FakeApiError(400, "Bad Request: message can't be edited")
            raise FakeApiError(400, "Bad Request: message to edit not found")
        return chat, message

    def _replace(self, chat: ChatState, old: JsonDict, changes: JsonDict) -> JsonDict:
        # Omitting reply_markup in an edit removes the inline keyboard, as on Telegram.
        dropped = {"entities", "reply_markup", "edit_date"}
        new = {k: v for k, v in old.items() if k not in dropped}
        new.update({k: v for k, v in changes.items() if v})
        new["edit_date"] = self._date()
        chat.sent[int(old["message_id"])] = new
        return new

    def _edit_message_text(self, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        chat, old = self._message_to_edit(params)
        if "text" not in old:
            raise FakeApiError(400, "Bad Request: there is no text in the message to edit")
        text, entities = formatted_text(params, "text", caption=False)
        markup = self._inline_markup(chat, params)
        if (text == old["text"] and entities == old.get("entities", [])
                and markup == old.get("reply_markup")):
            raise FakeApiError(400, NOT_MODIFIED)
        return self._replace(chat, old, {"text": text, "entities": entities,
                                         "reply_markup": markup})

    def _edit_message_reply_markup(
        self, params: JsonDict, files: dict[str, UploadedFile]
    ) -> JsonDict:
        chat, old = self._message_to_edit(params)
        markup = self._inline_markup(chat, params)
        if markup == old.get("reply_markup"):
            raise FakeApiError(400, NOT_MODIFIED)
        return self._replace(chat, old, {"entities": old.get("entities"), "reply_markup": markup})

    def _delete_message(self, params: JsonDict, files: dict[str, UploadedFile]) -> bool:
        chat = self._chat_for(params)
        message_id = require(params, "message_id", NO_MESSAGE_ID)
        if chat.sent.pop(message_id, None) is None and chat.received.pop(message_id, None) is None:
            raise FakeApiError(400, "Bad Request: message to delete not found")
        return True

    def _answer_callback_query(self, params: JsonDict, files: dict[str, UploadedFile]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._open_callbacks:
            raise FakeApiError(400, QUERY_INVALID)
        if len(str(params.get("text", ""))) > MAX_CALLBACK_ANSWER:
            raise FakeApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._open_callbacks.discard(query_id)
        self.callback_answers[query_id] = params
        return True

    def _upload(self, params: JsonDict, files: dict[str, UploadedFile], key: str) -> UploadedFile:
        value = params.get(key)
        if key in files:
            return files[key]
        if isinstance(value, str) and value.startswith("attach://"):
            name = value.removeprefix("attach://")
            if name in files:
                return files[name]
        elif isinstance(value, str) and value in self._files:
            return self._files[value]
        elif isinstance(value, str) and value.startswith(("http://", "https://")):
            return UploadedFile(value.rsplit("/", 1)[-1] or "file", b"", "application/octet-stream")
        if value is None:
            raise FakeApiError(400, f"Bad Request: there is no {key} in the request")
        raise FakeApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _send_document(self, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        chat = self._chat_for(params)
        upload = self._upload(params, files, "document")
        caption, entities = formatted_text(params, "caption", caption=True)
        value = params.get("document")
        if isinstance(value, str) and value in self._files:
            file_id, unique_id = value, "AgAD" + value[-8:]
        else:
            file_id, unique_id = self.store_file(upload)
        content: JsonDict = {"document": {
            "file_id": file_id, "file_unique_id": unique_id, "file_name": upload.filename,
            "mime_type": upload.mime_type, "file_size": len(upload.content),
        }}
        if caption:
            content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
        return self._store_bot_message(chat, content, params)

    def _send_chat_action(self, params: JsonDict, files: dict[str, UploadedFile]) -> bool:
        self._chat_for(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise FakeApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _get_chat(self, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        chat = self._chat_for(params)
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts",
                               "premium_subscription", "gifts_from_channels"), False)
        return {**chat.info, "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": gifts}

    def _get_chat_member(self, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        chat = self._chat_for(params, removed="Forbidden: bot is not a member of the {} chat")
        user_id = require(params, "user_id", "Bad Request: user not found")
        user = self._users.get(user_id, {"id": user_id, "is_bot": False,
                                         "first_name": str(user_id)})
        if chat.is_group:
            status = chat.members.get(user_id, "left")
        elif user_id in (chat.id, BOT_ID):
            status = "member"
        else:
            raise FakeApiError(400, "Bad Request: user not found")
        return chat_member(user, status)

    def _leave_chat(self, params: JsonDict, files: dict[str, UploadedFile]) -> bool:
        chat = self._chat_for(params)
        if not chat.is_group:
            raise FakeApiError(400, "Bad Request: chat member status can't be changed in "
                                    "private chats")
        chat.members[BOT_ID] = "left"
        return True

    def _source_message(self, params: JsonDict, action: str) -> JsonDict:
        source = self._known_chat(params.get("from_chat_id"))
        message = source.lookup(params.get("message_id"))
        if message is None:
            raise FakeApiError(400, f"Bad Request: message to {action} not found")
        return message

    def _copy_message(self, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        chat = self._chat_for(params)
        source = self._source_message(params, "copy")
        content = {k: source[k] for k in _CONTENT_KEYS if k in source}
        if "caption" in params:
            caption, entities = formatted_text(params, "caption", caption=True)
            content.pop("caption_entities", None)
            content.update({"caption": caption, "caption_entities": entities} if caption else {})
        copied = self._store_bot_message(chat, content, params)
        return {"message_id": copied["message_id"]}

    def _forward_message(self, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        chat = self._chat_for(params)
        source = self._source_message(params, "forward")
        content = {k: source[k] for k in _CONTENT_KEYS if k in source}
        content["forward_origin"] = {"type": "user", "sender_user": source.get("from", BOT_USER),
                                     "date": source["date"]}
        return self._store_bot_message(chat, content, {})


__all__ = [
    "BOT_ID",
    "BOT_USER",
    "Call",
    "FakeBotApi",
    "JsonDict",
    "UploadedFile",
    "chat_member",
    "private_chat",
]
