"""A background loop of delivery passes, shared by the outbox worker and the reply mailer.

Each pass handles what is due, then the loop sleeps until the next row is due or someone wakes
it (a row was just queued). Stopping lets the pass in flight finish within a grace period, so a
message sent is also recorded as sent, and cancels it after that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod

log = logging.getLogger(__name__)


class PassLoop(ABC):
    """Runs ``run_once`` passes in a task of its own until ``stop``."""

    def __init__(self, *, name: str, poll_seconds: float, stop_grace: float) -> None:
        self.poll_seconds = poll_seconds
        self.stop_grace = stop_grace
        self._name = name
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    @abstractmethod
    async def run_once(self) -> int:
        """Handle everything due now; returns how many items were handled."""

    @abstractmethod
    async def _seconds_to_next(self) -> float:
        """How long the loop may sleep before something is due."""

    def _pass_failed(self, exc: Exception) -> None:
        """Log a failed pass (the loop goes on after ``poll_seconds``)."""
        log.error("%s: pass failed (%s)", self._name, type(exc).__name__)

    def _stop_timed_out(self) -> None:
        log.warning("%s did not stop in time; cancelling it", self._name)

    async def _after_stop(self) -> None:
        """Called once the loop has ended (by itself or cancelled); nothing by default."""
        return None

    def wake(self) -> None:
        """Something was queued: look now. Safe to call from any handler."""
        self._wake.set()

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._stopping = False
            self._task = asyncio.get_running_loop().create_task(self._loop(), name=self._name)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        """End the loop: the pass in flight gets ``stop_grace`` seconds, then it is cancelled."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), self.stop_grace)
        except TimeoutError:
            self._stop_timed_out()
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await self._after_stop()

    async def _loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                await self.run_once()
                timeout = await self._seconds_to_next()
            except Exception as exc:  # never let the loop die (a database fault): try later
                self._pass_failed(exc)
                timeout = self.poll_seconds
            if self._stopping:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
