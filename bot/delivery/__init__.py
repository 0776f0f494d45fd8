"""Reliable delivery: the outbox worker, the classification of Telegram errors, and the helpers
that queue notifications (see queue.py for the payload of each kind).

The worker and the error classes speak Telegram; they are loaded on first use, so the
conversation core can queue notifications (queue.py, outbound.py) without importing telegram.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bot.delivery.migration import follow_migration

if TYPE_CHECKING:
    from bot.delivery.errors import Verdict, backoff, classify
    from bot.delivery.worker import OutboxWorker

__all__ = ["OutboxWorker", "Verdict", "backoff", "classify", "follow_migration"]

_LAZY = {"OutboxWorker": "bot.delivery.worker", "Verdict": "bot.delivery.errors",
         "backoff": "bot.delivery.errors", "classify": "bot.delivery.errors"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'bot.delivery' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
