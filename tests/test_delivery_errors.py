"""Classification of Telegram errors into what the outbox worker does next."""

from __future__ import annotations

import datetime as dt
import random

import pytest
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

from bot.delivery.errors import BACKOFF_CAP, backoff, classify, is_missing_message


@pytest.mark.parametrize("value", [7, dt.timedelta(seconds=7)])
def test_retry_after_uses_telegrams_delay(value: int | dt.timedelta) -> None:
    """RetryAfter (int or timedelta) → retry after exactly that long."""
    verdict = classify(RetryAfter(value))
    assert verdict.action == "retry" and verdict.delay == dt.timedelta(seconds=7)


def test_bad_request_is_permanent_even_though_it_is_a_network_error() -> None:
    """BadRequest subclasses NetworkError but must not be retried."""
    assert isinstance(BadRequest("x"), NetworkError)
    verdict = classify(BadRequest("Can't parse entities: unsupported start tag"))
    assert verdict.action == "failed" and "parse entities" in verdict.reason


def test_not_modified_counts_as_sent() -> None:
    """An edit that changes nothing already shows what we want."""
    assert classify(BadRequest("Message is not modified: specified new message ...")).action \
        == "sent"


@pytest.mark.parametrize("exc", [NetworkError("Internal Server Error"), NetworkError("Bad Gateway"),
                                 Conflict("terminated by other getUpdates request")])
def test_transient_errors_are_retried_with_backoff(exc: TelegramError) -> None:
    """5xx (NetworkError) and friends → retry, delay left to the backoff."""
    verdict = classify(exc)
    assert verdict.action == "retry" and verdict.delay is None and not verdict.uncertain


def test_timeout_is_retried_but_marked_uncertain() -> None:
    """A timeout may have been delivered: retried, flagged as uncertain."""
    verdict = classify(TimedOut())
    assert verdict.action == "retry" and verdict.uncertain


def test_forbidden_means_blocked() -> None:
    """Forbidden → blocked (the worker decides: requester flagged, or alert for the team)."""
    assert classify(Forbidden("Forbidden: bot was blocked by the user")).action == "blocked"


def test_chat_migrated_carries_new_id() -> None:
    """ChatMigrated → migrated with the new chat id."""
    verdict = classify(ChatMigrated(-100555))
    assert verdict.action == "migrated" and verdict.new_chat_id == -100555


@pytest.mark.parametrize("exc", [InvalidToken("Unauthorized"), TelegramError("odd"),
                                 KeyError("text")])
def test_everything_else_fails(exc: Exception) -> None:
    """Unknown Telegram errors and bugs in our code fail the row instead of looping."""
    assert classify(exc).action == "failed"


def test_missing_message_is_recognised() -> None:
    """A card that cannot be edited any more is recognised (to post it anew)."""
    assert is_missing_message(BadRequest("Message to edit not found"))
    assert not is_missing_message(BadRequest("Chat not found"))


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    """Backoff doubles per attempt, jitters between half and full, and stays under the cap."""
    rng = random.Random(1)
    for attempts in range(0, 40):
        full = min(BACKOFF_CAP.total_seconds(), 2.0 * 2 ** attempts)
        delay = backoff(attempts, rng).total_seconds()
        assert full / 2 <= delay <= full
    assert backoff(100, rng) <= BACKOFF_CAP
