"""A small memory of the last results of a pure step, by its argument.

A message that asks two things is read part by part and then, when the parts do not make one
answer, as a whole: its sentences are read again. Keeping the last few readings makes that
second reading cheap; a small bound keeps memory flat however many users write.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Recent(Generic[K, V]):
    """The values of the last ``size`` keys put; the oldest goes first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: dict[K, V] = {}

    def get(self, key: K) -> V | None:
        return self._values.get(key)

    def put(self, key: K, value: V) -> None:
        if key not in self._values and len(self._values) >= self._size:
            del self._values[next(iter(self._values))]  # dicts keep insertion order
        self._values[key] = value
