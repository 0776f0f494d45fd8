"""Shutdown that always ends: each step is bounded and logged, a failing one never stops the next.

A database that cannot be closed cleanly (full disk, read-only file, corrupt page) must not keep
the process alive: systemd restarts a bot only after it has exited.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from bot.storage import Storage
from bot.tg import jobs
from bot.tg.services import Services

log = logging.getLogger(__name__)

STEP_TIMEOUT = 10.0  # seconds; the outbox worker finishes one send, the database one commit


async def _step(what: str, action: Awaitable[object], timeout: float) -> None:
    try:
        await asyncio.wait_for(action, timeout)
    except Exception as exc:  # whatever fails, the next step must still run
        # The exception text may quote SQL values; its type is enough to tell the operator.
        log.error("shutdown: %s failed (%s); going on", what, type(exc).__name__)


async def close_storage(storage: Storage, timeout: float = STEP_TIMEOUT) -> None:
    await _step("closing the database", storage.close(), timeout)


async def close_services(services: Services, timeout: float = STEP_TIMEOUT) -> None:
    """Stop the workers (they write to the database), then close the database."""
    if services.reply_mail is not None:  # bounded on its own: a pending mail stays queued
        await _step("stopping the reply mail", services.reply_mail.stop(), timeout)
    await _step("stopping the outbox worker", jobs.shutdown(services), timeout)
    await close_storage(services.storage, timeout)
