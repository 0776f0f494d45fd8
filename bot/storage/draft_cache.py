"""An in-memory copy of each active user's draft (or of the fact that they have none).

Every message in a private chat first asks "does this user have a draft?", and every dialogue
step reads the draft before it writes it. A read is a hop to aiosqlite's thread and back, which
costs more CPU than answering a question, so the repositories keep what they last read or wrote
here. The database stays the record: every change is written before it is cached, and a process
that restarts starts with an empty cache.

The cache is correct only because this process is the database's only writer and every
statement that changes the drafts table invalidates it (DraftRepo, TicketRepo.submit_request,
PrivacyRepo.delete_user). Reads race with writes: a read stores its result only if no write
happened while it was in flight (``epoch``).
"""

from __future__ import annotations

from collections import OrderedDict

from bot.storage.models import Draft

CAPACITY = 10_000


class DraftCache:
    """User id -> Draft or None (known to have none), least recently used evicted first."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._entries: OrderedDict[int, Draft | None] = OrderedDict()
        self._capacity = capacity
        self.epoch = 0  # grows with every write, so a read in flight knows it may be stale

    def lookup(self, user_id: int) -> tuple[bool, Draft | None]:
        """(True, draft or None) if known, (False, None) if the database must be asked."""
        if user_id not in self._entries:
            return False, None
        self._entries.move_to_end(user_id)
        return True, self._entries[user_id]

    def read(self, user_id: int, draft: Draft | None, epoch: int) -> None:
        """Remember what a read that started at ``epoch`` found, unless a write came between."""
        if epoch == self.epoch:
            self._put(user_id, draft)

    def wrote(self, user_id: int, draft: Draft | None) -> None:
        """The user's draft is now ``draft`` (None: deleted), as just committed."""
        self.epoch += 1
        self._put(user_id, draft)

    def forget(self, user_id: int) -> None:
        """The user's draft changed in a way not worth tracking: ask the database next time."""
        self.epoch += 1
        self._entries.pop(user_id, None)

    def clear(self) -> None:
        self.epoch += 1
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def _put(self, user_id: int, draft: Draft | None) -> None:
        self._entries[user_id] = draft
        self._entries.move_to_end(user_id)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)
