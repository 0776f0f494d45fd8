"""What each user talked about last, so a follow-up ("und wie lange dauert das?") keeps its topic.

Kept in memory only (a restart forgets it, as a person would after a break): the last answered
entry per user, forgotten after ``minutes`` and on /start.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

MAX_USERS = 10_000  # bounded: the oldest conversations are dropped first


@dataclass(frozen=True)
class Turn:
    """What a user's conversation is about: the last answered entry, and the last entry that
    named a topic (after "Was kostet das?" the topic is still the workshops asked before)."""

    last: str
    topic: str | None
    at: float


class ConversationContext:
    def __init__(self, minutes: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = minutes * 60
        self._clock = clock
        self._turns: OrderedDict[Hashable, Turn] = OrderedDict()

    def recall(self, user: Hashable) -> Turn | None:
        """The user's conversation, if the last answer is recent enough."""
        turn = self._turns.get(user)
        if turn is None:
            return None
        if self._clock() - turn.at > self._ttl:
            del self._turns[user]
            return None
        return turn

    def topic(self, user: Hashable) -> str | None:
        """The entry the conversation is about (the last one that named a topic)."""
        turn = self.recall(user)
        return turn.topic if turn else None

    def remember(self, user: Hashable, entry_id: str, topical: bool = True) -> None:
        """The user was answered with ``entry_id``; ``topical``: it names a topic of its own."""
        before = self.recall(user)
        topic = entry_id if topical else (before.topic if before else None)
        self._turns[user] = Turn(entry_id, topic, self._clock())
        self._turns.move_to_end(user)
        while len(self._turns) > MAX_USERS:
            self._turns.popitem(last=False)

    def forget(self, user: Hashable) -> None:
        self._turns.pop(user, None)
