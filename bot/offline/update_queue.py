"""The fake's update queue: what getUpdates returns, offsets that confirm, and long polling."""

from __future__ import annotations

import contextlib
import itertools
from collections import deque
from collections.abc import Iterator, Mapping
from typing import Any

from bot.offline.changes import Changes
from bot.offline.params import JsonDict


class UpdateQueue:
    """Updates waiting for the bot, in order, with Telegram's offset rules."""

    def __init__(self, changes: Changes) -> None:
        self._changes = changes
        self._updates: deque[JsonDict] = deque()
        self._ids = itertools.count(1)
        self._interrupts = 0
        self._polls_waiting = 0

    def __len__(self) -> int:
        with self._changes.lock:
            return len(self._updates)

    def new_update_id(self) -> int:
        with self._changes.lock:
            return next(self._ids)

    def push(self, update: Mapping[str, Any]) -> JsonDict:
        """Queue an update; assigns and returns it with its ``update_id``."""
        with self._changes.lock:
            queued = {"update_id": self.new_update_id(),
                      **{k: v for k, v in update.items() if k != "update_id"}}
            self._updates.append(queued)
            self._changes.notify()
            return queued

    def has_updates(self, offset: int = 0) -> bool:
        """Whether getUpdates with this offset would return something."""
        with self._changes.lock:
            if not self._updates:
                return False
            return offset <= 0 or int(self._updates[-1]["update_id"]) >= offset

    def confirm(self, offset: int) -> None:
        """Forget updates below ``offset`` (Telegram confirms them when a request carries it)."""
        if offset <= 0:
            return
        with self._changes.lock:
            while self._updates and int(self._updates[0]["update_id"]) < offset:
                self._updates.popleft()

    def fetch(self, offset: int, limit: int) -> list[JsonDict]:
        """getUpdates: confirm below a positive offset, keep only the last N for ``-N``."""
        with self._changes.lock:
            if offset > 0:
                self.confirm(offset)
            elif offset < 0:
                while len(self._updates) > -offset:
                    self._updates.popleft()
            return list(itertools.islice(self._updates, min(max(limit, 1), 100)))

    def drop_pending(self) -> None:
        """drop_pending_updates of setWebhook / deleteWebhook."""
        with self._changes.lock:
            self._updates.clear()

    @property
    def polls_waiting(self) -> int:
        """getUpdates calls blocked in a long poll right now (tests wait for one to start)."""
        with self._changes.lock:
            return self._polls_waiting

    @contextlib.contextmanager
    def waiting_poll(self) -> Iterator[None]:
        """Count a long poll for its duration; a change notification tells who waits for it."""
        with self._changes.lock:
            self._polls_waiting += 1
            self._changes.notify()
        try:
            yield
        finally:
            with self._changes.lock:
                self._polls_waiting -= 1
                self._changes.notify()

    def wait_for_updates(self, offset: int, timeout: float) -> bool:
        """Long poll: wait for updates at ``offset``, or until interrupt_waiters()."""
        self.confirm(offset)
        with self._changes.lock, self.waiting_poll():
            generation = self._interrupts
            return self._changes.wait_until(
                lambda: self.has_updates(offset) or self._interrupts != generation, timeout
            )

    def interrupt_waiters(self) -> None:
        """Release every thread blocked in wait_for_updates (used when a server stops)."""
        with self._changes.lock:
            self._interrupts += 1
            self._changes.notify()
