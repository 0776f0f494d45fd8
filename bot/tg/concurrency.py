"""Concurrent update processing that keeps every chat's updates in order.

PTB's default processes one update at a time: while the bot waits for Telegram's answer to one
user, every other user waits too. ``concurrent_updates(n)`` alone would run a user's second
message before the first is done (a dialogue step could overtake the previous one). This
processor does both: updates of *different* chats run concurrently (at most
``max_concurrent_updates`` at once), updates of the *same* chat one after another, in the order
Telegram delivered them.

Ordering relies on two properties of PTB and asyncio: the Application starts one task per
update in update order, and ``BaseUpdateProcessor.process_update`` takes a FIFO-fair semaphore
before calling ``do_process_update``. So updates enter ``do_process_update`` in update order,
and each waits there for the previous update of its chat. A waiting update holds one of the
``max_concurrent_updates`` slots; its predecessor always holds one too (it entered earlier), so
the chain always ends at a running update and never deadlocks.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

_UNKEYED = ("unkeyed",)


def update_key(update: object) -> Hashable:
    """What must stay in order: the chat, else the user; anything else is serialised as one."""
    if isinstance(update, Update):
        chat = update.effective_chat
        if chat is not None:
            return ("chat", chat.id)
        user = update.effective_user
        if user is not None:
            return ("user", user.id)
    return _UNKEYED


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """At most ``max_concurrent_updates`` updates at once; one chat's updates strictly in order.

    An exception in one update (PTB has already passed it to the error handlers) does not hold
    up the chat's next update nor any other chat.
    """

    __slots__ = ("_tails",)

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        # The last update of each chat that entered; its event is set when it finished.
        self._tails: dict[Hashable, asyncio.Event] = {}

    @property
    def busy_chats(self) -> int:
        """Chats with an update running or waiting (for tests and diagnostics)."""
        return len(self._tails)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = update_key(update)
        previous = self._tails.get(key)
        finished = asyncio.Event()
        self._tails[key] = finished
        try:
            if previous is not None:
                await previous.wait()  # an Event: cancelling this wait cannot disturb others
            await coroutine
        finally:
            if inspect.iscoroutine(coroutine) and inspect.getcoroutinestate(coroutine) == (
                inspect.CORO_CREATED
            ):
                coroutine.close()  # cancelled while waiting: never started, no warning
            finished.set()
            if self._tails.get(key) is finished:
                del self._tails[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: PTB awaits the running update tasks itself."""
