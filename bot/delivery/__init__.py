"""Reliable delivery: the outbox worker, the classification of Telegram errors, and the helpers
that queue notifications (see queue.py for the payload of each kind)."""

from bot.delivery.errors import Verdict, backoff, classify
from bot.delivery.migration import follow_migration
from bot.delivery.worker import OutboxWorker

__all__ = ["OutboxWorker", "Verdict", "backoff", "classify", "follow_migration"]
