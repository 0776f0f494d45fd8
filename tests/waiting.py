"""Wait for a condition with a deadline, instead of sleeping a fixed time and hoping."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

DEADLINE = 5.0


async def eventually(check: Callable[[], Awaitable[object]], timeout: float = DEADLINE) -> bool:
    """True as soon as ``await check()`` is truthy; False if it is not by the deadline.

    Polls briefly: a slow machine only makes the test slower, never wrong.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(0.01)
    return True
