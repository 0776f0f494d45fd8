"""An in-process fake of the Telegram Bot API: method name + parameters in, ``result`` JSON out.

One implementation of the API semantics shared by both transports: ``LocalRequest`` (in-process,
for the terminal chat and ``process_update`` tests) and the fake HTTP server used by tests that
run the real bot over the network stack. It imports nothing from ``telegram``.

``FakeBotApi`` is the facade: it holds the lock, records every call and runs injected faults;
the work is done by ``state`` (chats, messages, files), ``update_queue`` (getUpdates, long
polling), ``faults`` (injected errors and timeouts) and ``endpoints`` (one function per method).

Stored message dicts are replaced, never mutated, when edited: callers may keep references but
must treat them as read-only.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.offline import endpoints
from bot.offline.changes import Changes
from bot.offline.chats import (
    BOT_ID,
    BOT_USER,
    MEMBER_STATUSES,
    chat_member,
    private_chat,
)
from bot.offline.errors import FakeApiError, SimulatedTimeout
from bot.offline.faults import FaultPlan
from bot.offline.params import JsonDict, normalize_params
from bot.offline.state import BotState, UploadedFile, commands_key
from bot.offline.update_queue import UpdateQueue


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


class FakeBotApi:
    """Thread-safe fake of one bot: chats, messages, the update queue, faults and a call log."""

    def __init__(
        self, *, strict_chats: bool = True, clock: Callable[[], float] = time.time
    ) -> None:
        self._clock = clock
        self._changes = Changes()
        self._lock = self._changes.lock
        self._updates = UpdateQueue(self._changes)
        self._state = BotState(clock=clock, updates=self._updates, strict_chats=strict_chats)
        self._faults = FaultPlan()
        self.calls: list[Call] = []
        self._calls_by_method: dict[str, list[Call]] = {}
        self.callback_answers = self._state.callback_answers

    @property
    def strict_chats(self) -> bool:
        """Whether sending to a chat the bot has never seen fails, as it would on Telegram."""
        return self._state.strict_chats

    @strict_chats.setter
    def strict_chats(self, value: bool) -> None:
        with self._lock:
            self._state.strict_chats = value

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
            entry = endpoints.resolve(method)
            if entry is None:
                not_found = FakeApiError(404, "Not Found")
                self._record(method, raw, uploads, ok=False, error=not_found)
                raise not_found
            name, endpoint = entry
            try:
                clean = normalize_params(raw)
            except FakeApiError as exc:
                self._record(name, raw, uploads, ok=False, error=exc)
                raise
            fault = self._faults.take(name, clean)
            if fault is not None and fault.before_effect:
                self._record(name, clean, uploads, ok=False, timed_out=True)
                raise SimulatedTimeout(name, applied=False)
            try:
                if fault is not None and fault.error is not None:
                    error = fault.error  # a fresh instance per failure: tracebacks stay separate
                    raise FakeApiError(error.error_code, error.description, error.retry_after,
                                       error.migrate_to_chat_id)
                result = endpoint(self._state, clean, uploads)
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
        self._changes.add_listener(callback)

    def remove_listener(self, callback: Callable[[], None]) -> None:
        self._changes.remove_listener(callback)

    def wait_until(self, predicate: Callable[[], object], timeout: float) -> bool:
        """Block the calling thread until ``predicate()`` is true (checked after each change)."""
        return self._changes.wait_until(predicate, timeout)

    async def until(self, predicate: Callable[[], object], timeout: float = 10.0) -> bool:
        """Await ``predicate()`` without blocking the event loop the bot may be running on."""
        return await self._changes.until(predicate, timeout)

    def has_updates(self, offset: int = 0) -> bool:
        """Whether getUpdates with this offset would return something."""
        return self._updates.has_updates(offset)

    def confirm_updates(self, offset: int) -> None:
        """Forget updates below ``offset``: Telegram confirms them when a request arrives with
        that offset, before the long poll waits (so a bot killed mid-poll gets no replays)."""
        self._updates.confirm(offset)

    def wait_for_updates(self, offset: int, timeout: float) -> bool:
        """Long-poll helper for transports: wait for updates, or until interrupt_waiters()."""
        return self._updates.wait_for_updates(offset, timeout)

    @property
    def polls_waiting(self) -> int:
        """getUpdates calls blocked in a long poll right now."""
        return self._updates.polls_waiting

    def waiting_poll(self) -> contextlib.AbstractContextManager[None]:
        """For transports that wait themselves: count their long poll while it waits."""
        return self._updates.waiting_poll()

    def interrupt_waiters(self) -> None:
        """Release every thread blocked in wait_for_updates (used when a server stops)."""
        self._updates.interrupt_waiters()

    # ------------------------------------------------------------------ incoming side

    def push_update(self, update: Mapping[str, Any]) -> JsonDict:
        """Queue an update for getUpdates; assigns and returns it with its ``update_id``."""
        return self._updates.push(update)

    def new_update_id(self) -> int:
        return self._updates.new_update_id()

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by a getUpdates offset."""
        return len(self._updates)

    def add_chat(self, chat: Mapping[str, Any]) -> JsonDict:
        """Make a chat known (the bot is a member of groups added here); returns its dict."""
        with self._lock:
            return self._state.ensure_chat(chat).info

    def user(self, user_id: int) -> JsonDict | None:
        """A user the api has seen (in updates or via add_user)."""
        with self._lock:
            return self._state.users.get(user_id)

    def add_user(self, user: Mapping[str, Any]) -> JsonDict:
        with self._lock:
            self._state.users[int(user["id"])] = dict(user)
            return self._state.users[int(user["id"])]

    def record_user_message(self, message: Mapping[str, Any]) -> JsonDict:
        """Store a message a user sent (assigning message_id and date); returns the stored dict."""
        with self._lock:
            stored = self._state.record_user_message(message)
            self._changes.notify()
            return stored

    def record_callback_query(self, query: Mapping[str, Any]) -> None:
        """Register a callback query id so answerCallbackQuery accepts it (once)."""
        with self._lock:
            self._state.open_callbacks.add(str(query["id"]))

    def store_file(self, upload: UploadedFile) -> tuple[str, str]:
        """Keep an uploaded file; returns (file_id, file_unique_id)."""
        with self._lock:
            return self._state.store_file(upload)

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
        with self._lock:
            self._faults.add_error(status, method=method, chat_id=chat_id, times=times,
                                   retry_after=retry_after, description=description,
                                   migrate_to_chat_id=migrate_to_chat_id)

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
            self._faults.add_timeout(method=method, chat_id=chat_id, times=times,
                                     after_effect=after_effect)

    def clear_faults(self) -> None:
        """End every injected failure (an outage is over)."""
        with self._lock:
            self._faults.clear()

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to their private chat answer 403."""
        with self._lock:
            self._state.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        with self._lock:
            self._state.blocked.discard(user_id)

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        """Set a member's status in a group (``user_id=BOT_ID`` for the bot itself)."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"unsupported member status {status!r}")
        with self._lock:
            self._state.known_chat(chat_id).members[user_id] = status
            self._changes.notify()

    def remove_from_chat(self, chat_id: int) -> None:
        """The bot is kicked from a group: sends answer 403."""
        self.set_member(chat_id, BOT_ID, "kicked")

    def migrate_chat(self, old_id: int, new_id: int) -> JsonDict:
        """Upgrade a group to a supergroup with a new id; sends to the old id answer 400."""
        with self._lock:
            old = self._state.known_chat(old_id)
            new = self._state.ensure_chat({**old.info, "id": new_id, "type": "supergroup"})
            new.members.update(old.members)
            old.migrated_to = new_id
            return new.info

    # ------------------------------------------------------------------ queries

    def sent_to(self, chat_id: int) -> list[JsonDict]:
        """Messages the bot sent to a chat, in order, in their current (edited) state."""
        with self._lock:
            chat = self._state.chats.get(chat_id)
            return list(chat.sent.values()) if chat else []

    def chat_log(self, chat_id: int) -> list[JsonDict]:
        """Every message of a chat, the bot's (current state) and its members', in order."""
        with self._lock:
            chat = self._state.chats.get(chat_id)
            if not chat:
                return []
            return [chat.lookup(i) or {} for i in sorted({*chat.sent, *chat.received})]

    def last_message(self, chat_id: int) -> JsonDict | None:
        """The newest message the bot sent to a chat that still exists."""
        with self._lock:
            chat = self._state.chats.get(chat_id)
            if not chat or not chat.sent:
                return None
            return chat.sent[next(reversed(chat.sent))]

    def message(self, chat_id: int, message_id: int) -> JsonDict | None:
        """Any stored message (bot's or user's) by id."""
        with self._lock:
            chat = self._state.chats.get(chat_id)
            return chat.lookup(message_id) if chat else None

    def calls_of(self, method: str) -> list[Call]:
        entry = endpoints.resolve(method)
        name = entry[0] if entry is not None else method
        with self._lock:
            return list(self._calls_by_method.get(name, []))

    def file_content(self, file_id: str) -> bytes:
        with self._lock:
            return self._state.files[file_id].content

    def reply_keyboard(self, chat_id: int) -> JsonDict | None:
        """The reply keyboard (not inline) currently shown in a chat, if any."""
        with self._lock:
            chat = self._state.chats.get(chat_id)
            return chat.reply_keyboard if chat else None

    def my_commands(self, scope: Mapping[str, Any] | None = None,
                    language_code: str = "") -> list[JsonDict]:
        with self._lock:
            return list(self._state.commands.get(commands_key(scope, language_code), []))

    def member_status(self, chat_id: int, user_id: int) -> str | None:
        """A member's status in a known group (``BOT_ID`` for the bot), None if unknown."""
        with self._lock:
            chat = self._state.chats.get(chat_id)
            return chat.members.get(user_id) if chat else None

    def chat(self, chat_id: int) -> JsonDict | None:
        with self._lock:
            chat = self._state.chats.get(chat_id)
            return chat.info if chat else None

    def clock(self) -> float:
        """The fake server's wall clock (Unix seconds)."""
        return self._clock()

    # ------------------------------------------------------------------ internals

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
        self._changes.notify()


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
