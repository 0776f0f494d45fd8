"""Injected failures: error answers (429, 5xx, 403 …) and timeouts, consumed by matching calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.offline.errors import FakeApiError, error_for
from bot.offline.params import JsonDict


@dataclass
class Fault:
    """One injected failure rule; ``remaining`` counts down as matching calls consume it."""

    method: str | None  # lower-case method name; None = any call that targets a chat
    chat_id: int | None
    remaining: int
    error: FakeApiError | None = None  # None: a timeout instead of an error answer
    after_effect: bool = False  # for timeouts: the call takes effect, the client sees a timeout

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        if self.remaining <= 0:
            return False
        if self.method is not None and self.method != method.lower():
            return False
        if self.method is None and "chat_id" not in params:
            return False
        return self.chat_id is None or params.get("chat_id") == self.chat_id

    @property
    def before_effect(self) -> bool:
        """A timeout that happens before the call takes effect."""
        return self.error is None and not self.after_effect


class FaultPlan:
    """The injected failure rules, in the order they were added (not thread-safe by itself)."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add_error(
        self,
        status: int,
        *,
        method: str | None,
        chat_id: int | None,
        times: int,
        retry_after: int | None,
        description: str | None,
        migrate_to_chat_id: int | None,
    ) -> None:
        error = error_for(status, retry_after=retry_after, description=description,
                          migrate_to_chat_id=migrate_to_chat_id)
        self._faults.append(Fault(method.lower() if method else None, chat_id, times, error))

    def add_timeout(
        self, *, method: str | None, chat_id: int | None, times: int, after_effect: bool
    ) -> None:
        self._faults.append(
            Fault(method.lower() if method else None, chat_id, times, None, after_effect)
        )

    def clear(self) -> None:
        self._faults.clear()

    def take(self, method: str, params: JsonDict) -> Fault | None:
        """The first rule matching this call, counted down (and dropped when used up)."""
        for fault in self._faults:
            if fault.matches(method, params):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None
