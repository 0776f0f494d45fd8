"""One lock for the whole fake and the ways to wait for its next change.

The fake is used from the bot's event loop and from the threads of the fake HTTP server at
once; every change happens under this lock and wakes whoever waits, blocking or awaiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable


class Changes:
    """The fake's lock, its change notification and the waits built on it."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._changed = threading.Condition(self.lock)
        self._listeners: list[Callable[[], None]] = []

    def notify(self) -> None:
        """Wake every waiter; call with the lock held."""
        self._changed.notify_all()
        for callback in list(self._listeners):
            callback()

    def add_listener(self, callback: Callable[[], None]) -> None:
        with self.lock:
            self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[], None]) -> None:
        with self.lock:
            if callback in self._listeners:
                self._listeners.remove(callback)

    def wait_until(self, predicate: Callable[[], object], timeout: float) -> bool:
        """Block the calling thread until ``predicate()`` is true (checked after each change)."""
        with self._changed:
            return bool(self._changed.wait_for(predicate, timeout))

    async def until(self, predicate: Callable[[], object], timeout: float) -> bool:
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
                with self.lock:
                    if predicate():
                        return True
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return False
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), remaining)
        finally:
            self.remove_listener(wake)
