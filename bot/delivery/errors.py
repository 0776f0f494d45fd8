"""What to do after a failed Bot API call: classify the exception python-telegram-bot raised.

Order matters: BadRequest and TimedOut are subclasses of NetworkError, so the permanent and the
ambiguous cases are picked out before the generic "network trouble, try again".
"""

from __future__ import annotations

import datetime as dt
import random
import warnings
from dataclasses import dataclass
from typing import Literal

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.warnings import PTBDeprecationWarning

Action = Literal["sent", "retry", "blocked", "migrated", "failed"]

BACKOFF_BASE = dt.timedelta(seconds=2)
BACKOFF_CAP = dt.timedelta(minutes=10)
REASON_LIMIT = 200
NOT_MODIFIED = "message is not modified"
MISSING_MESSAGE = ("message to edit not found", "message can't be edited",
                   "message to delete not found")


@dataclass(frozen=True)
class Verdict:
    """The decision for one failed call.

    sent: nothing to repeat (the edit was already in place). retry: try again after `delay`
    (None: exponential backoff). blocked: Forbidden, the chat will not take messages. migrated:
    the group has a new id. failed: permanent, give up and alert. `uncertain`: the call may
    have taken effect (a timeout), so a repeated send may show twice.
    """

    action: Action
    reason: str
    delay: dt.timedelta | None = None
    new_chat_id: int | None = None
    uncertain: bool = False


def _reason(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return text[:REASON_LIMIT]


def retry_after_delay(exc: RetryAfter) -> dt.timedelta:
    """RetryAfter.retry_after is an int (seconds) or a timedelta, depending on PTB's settings.

    Capped at BACKOFF_CAP, so no retry is ever scheduled further ahead than that: a row due
    later must come from a wall clock set back (see backoff_ceiling). Asking too early only costs
    another 429 with the time that is left.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    delay = value if isinstance(value, dt.timedelta) else dt.timedelta(seconds=float(value))
    return min(delay, BACKOFF_CAP)


def is_missing_message(exc: BaseException) -> bool:
    """An edit failed because the message is gone or too old: send it anew instead."""
    return isinstance(exc, BadRequest) and any(m in str(exc).lower() for m in MISSING_MESSAGE)


def classify(exc: BaseException) -> Verdict:
    reason = _reason(exc)
    if isinstance(exc, RetryAfter):
        return Verdict("retry", reason, delay=retry_after_delay(exc))
    if isinstance(exc, ChatMigrated):
        return Verdict("migrated", reason, new_chat_id=exc.new_chat_id)
    if isinstance(exc, BadRequest):
        if NOT_MODIFIED in str(exc).lower():
            return Verdict("sent", reason)
        return Verdict("failed", reason)
    if isinstance(exc, Forbidden):
        return Verdict("blocked", reason)
    if isinstance(exc, TimedOut):
        return Verdict("retry", reason, uncertain=True)
    if isinstance(exc, (NetworkError, Conflict)):  # includes 5xx answers
        return Verdict("retry", reason)
    if isinstance(exc, (InvalidToken, TelegramError)):
        return Verdict("failed", reason)
    return Verdict("failed", reason)  # a bug in our code: do not loop on it


def backoff_ceiling(attempts: int, base: dt.timedelta = BACKOFF_BASE,
                    cap: dt.timedelta = BACKOFF_CAP) -> dt.timedelta:
    """The longest delay the worker can have set after `attempts` failed tries (0: none yet)."""
    if attempts <= 0:
        return dt.timedelta(0)
    return dt.timedelta(seconds=min(cap.total_seconds(),
                                    base.total_seconds() * 2 ** min(attempts - 1, 30)))


def backoff(attempts: int, rng: random.Random | None = None,
            base: dt.timedelta = BACKOFF_BASE, cap: dt.timedelta = BACKOFF_CAP) -> dt.timedelta:
    """Delay before the next try after `attempts` failed ones: base·2^attempts, capped, with jitter.

    The jitter ("equal jitter": half fixed, half random) spreads retries of many rows after an
    outage while keeping a lower bound, so a busy API is not hit again at once.
    """
    rng = rng or random.Random()
    full = min(cap.total_seconds(), base.total_seconds() * 2 ** min(attempts, 30))
    return dt.timedelta(seconds=full / 2 + rng.uniform(0, full / 2))
