"""What each user talked about last, so a follow-up ("und wie lange dauert das?") keeps its topic.

Kept in memory only (a restart forgets it, as a person would after a break): the last answered
entry per user and the entries the last reply offered as buttons ("mehr zum zweiten" points into
them), forgotten after ``minutes`` and on /start.
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
    named a topic (after "Was kostet das?" the topic is still the workshops asked before);
    ``options``: the entries the last reply offered, in the order shown."""

    last: str | None
    topic: str | None
    at: float
    options: tuple[str, ...] = ()


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

    def remember(
        self,
        user: Hashable,
        entry_id: str,
        topical: bool = True,
        options: tuple[str, ...] = (),
        named: str | None = None,
    ) -> None:
        """The user was answered with ``entry_id``; ``topical``: it names a topic of its own;
        ``options``: the entries the reply offered; ``named``: the topic the question named
        (the consultation of "Was kostet die Beratung?", answered by the general cost entry),
        which outlasts the answer's lack of a topic."""
        before = self.recall(user)
        topic = entry_id if topical else (named or (before.topic if before else None))
        self._store(user, Turn(entry_id, topic, self._clock(), options))

    def offer(self, user: Hashable, options: tuple[str, ...]) -> None:
        """The reply was no answer but offered ``options`` ("Meinten Sie …?"): the topic stays."""
        before = self.recall(user)
        last, topic = (before.last, before.topic) if before else (None, None)
        self._store(user, Turn(last, topic, self._clock(), options))

    def _store(self, user: Hashable, turn: Turn) -> None:
        self._turns[user] = turn
        self._turns.move_to_end(user)
        while len(self._turns) > MAX_USERS:
            self._turns.popitem(last=False)

    def forget(self, user: Hashable) -> None:
        self._turns.pop(user, None)
