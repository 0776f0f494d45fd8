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

Owner = tuple[str, int]  # (channel, user id): whose draft


class DraftCache:
    """Owner -> Draft or None (known to have none), least recently used evicted first."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._entries: OrderedDict[Owner, Draft | None] = OrderedDict()
        self._capacity = capacity
        self.epoch = 0  # grows with every write, so a read in flight knows it may be stale

    def lookup(self, key: Owner) -> tuple[bool, Draft | None]:
        """(True, draft or None) if known, (False, None) if the database must be asked."""
        if key not in self._entries:
            return False, None
        self._entries.move_to_end(key)
        return True, self._entries[key]

    def read(self, key: Owner, draft: Draft | None, epoch: int) -> None:
        """Remember what a read that started at ``epoch`` found, unless a write came between."""
        if epoch == self.epoch:
            self._put(key, draft)

    def wrote(self, key: Owner, draft: Draft | None) -> None:
        """The user's draft is now ``draft`` (None: deleted), as just committed."""
        self.epoch += 1
        self._put(key, draft)

    def forget(self, key: Owner) -> None:
        """The user's draft changed in a way not worth tracking: ask the database next time."""
        self.epoch += 1
        self._entries.pop(key, None)

    def clear(self) -> None:
        self.epoch += 1
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def _put(self, key: Owner, draft: Draft | None) -> None:
        self._entries[key] = draft
        self._entries.move_to_end(key)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)
