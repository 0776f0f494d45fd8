"""Web sessions: a random token per browser tab, the user key derived from it, and the mailbox
of messages the core pushes later (team replies), collected by the browser's long poll.

The token is the only identifier of a web user. It is created here, kept by the page in its own
storage (not a cookie: third-party cookies are blocked when the chat is embedded on another site)
and sent as a header. The core only ever sees a hash of it, so the database holds nothing that
would let anyone act as the user. Any token of the right shape is accepted, not just those this
process issued: after a restart, a tab with a draft continues where it stopped.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from bot.conversation.model import UserKey

SESSION_HEADER = "X-Chat-Session"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # 32 random bytes, URL-safe base64
MAX_PENDING = 50


def new_token() -> str:
    return secrets.token_urlsafe(32)


def valid_token(token: str | None) -> bool:
    return token is not None and _TOKEN.fullmatch(token) is not None


def user_key(token: str) -> UserKey:
    """The core's name for this session: not reversible to the token. Numeric, because the
    storage keys users by a number within their channel (bot/conversation/users.py); 60 bits of
    the hash fit SQLite's integers, and a collision among real sessions is out of reach."""
    digest = hashlib.sha256(b"web-session:" + token.encode("ascii")).hexdigest()
    return UserKey("web", str(int(digest[:15], 16)))


@dataclass
class _Mailbox:
    messages: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    next_seq: int = 1
    changed: asyncio.Event = field(default_factory=asyncio.Event)


class Mailboxes:
    """Messages pushed to web users while they were not asking; bounded (LRU over users)."""

    def __init__(self, max_users: int = 10_000) -> None:
        self.max_users = max_users
        self._boxes: OrderedDict[str, _Mailbox] = OrderedDict()
        self.closing = False
        self.waiting = 0  # polls waiting right now

    def close(self) -> None:
        """Shutdown: every waiting poll returns now, so stopping never waits for a timeout."""
        self.closing = True
        for box in self._boxes.values():
            box.changed.set()

    def _box(self, user_id: str) -> _Mailbox:
        box = self._boxes.get(user_id)
        if box is None:
            box = _Mailbox()
            self._boxes[user_id] = box
            if len(self._boxes) > self.max_users:
                self._boxes.popitem(last=False)
        else:
            self._boxes.move_to_end(user_id)
        return box

    def push(self, user_id: str, message: dict[str, Any]) -> None:
        box = self._box(user_id)
        box.messages.append((box.next_seq, message))
        box.next_seq += 1
        del box.messages[:-MAX_PENDING]
        box.changed.set()

    def after(self, user_id: str, seq: int) -> tuple[int, list[dict[str, Any]]]:
        """Messages newer than ``seq`` and the sequence number to ask with next time."""
        box = self._boxes.get(user_id)
        if box is None:
            return seq, []
        newer = [m for s, m in box.messages if s > seq]
        return box.next_seq - 1, newer

    async def wait(
        self, user_id: str, seq: int, timeout: float
    ) -> tuple[int, list[dict[str, Any]]]:
        """Long poll: return as soon as there is something newer than ``seq``, or at timeout."""
        box = self._box(user_id)
        if seq > box.next_seq - 1:  # a counter from before a restart
            seq = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            last, newer = self.after(user_id, seq)
            if newer or self.closing:
                return last, newer
            remaining = deadline - loop.time()
            if remaining <= 0:
                return last, []
            box.changed.clear()
            self.waiting += 1
            try:
                await asyncio.wait_for(box.changed.wait(), remaining)
            except TimeoutError:
                return self.after(user_id, seq)
            finally:
                self.waiting -= 1
