"""PerChatUpdateProcessor: one chat's updates in order, different chats at once, errors isolated.

Driven the way PTB drives it: one task per update, started in update order, each calling
``processor.process_update(update, coroutine)``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import pytest
from telegram import Update

from bot.offline import FakeBotApi, UpdateFactory, user
from bot.tg.concurrency import PerChatUpdateProcessor, update_key

FACTORY = UpdateFactory(FakeBotApi())


def message(user_id: int, text: str = "Hallo") -> Update:
    return Update.de_json(FACTORY.message(user(user_id, "Erika"), text), None)


def run_all(processor: PerChatUpdateProcessor,
            jobs: list[tuple[Update, Awaitable[Any]]]) -> list[asyncio.Task[None]]:
    """As PTB's update fetcher does: a task per update, created in update order."""
    return [asyncio.create_task(processor.process_update(update, coroutine))
            for update, coroutine in jobs]


async def test_same_chat_updates_run_one_after_another_in_order() -> None:
    """A user's second update starts only after the first finished, even if the first is slow."""
    processor = PerChatUpdateProcessor(8)
    log: list[str] = []

    async def handle(name: str, delay: float) -> None:
        log.append(f"start {name}")
        await asyncio.sleep(delay)
        log.append(f"end {name}")

    tasks = run_all(processor, [(message(1), handle(f"u{i}", 0.02 if i == 0 else 0))
                                for i in range(5)])
    await asyncio.gather(*tasks)
    assert log == [entry for i in range(5) for entry in (f"start u{i}", f"end u{i}")]
    assert processor.busy_chats == 0


async def test_different_chats_overlap() -> None:
    """Two users' updates run at the same time: both have started before either finishes."""
    processor = PerChatUpdateProcessor(8)
    started: set[int] = set()
    both_running = asyncio.Event()

    async def handle(user_id: int) -> None:
        started.add(user_id)
        if len(started) == 2:
            both_running.set()
        await asyncio.wait_for(both_running.wait(), 1)  # times out if run one at a time

    await asyncio.gather(*run_all(processor, [(message(1), handle(1)), (message(2), handle(2))]))
    assert started == {1, 2}


async def test_concurrency_is_bounded() -> None:
    """Never more than max_concurrent_updates updates of different chats at once."""
    processor = PerChatUpdateProcessor(3)
    running = peak = 0

    async def handle() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.005)
        running -= 1

    await asyncio.gather(*run_all(processor, [(message(uid), handle()) for uid in range(10)]))
    assert peak == 3


async def test_an_exception_does_not_stop_the_chat_or_others() -> None:
    """A failing update (PTB re-raises after the error handlers) lets the next ones run."""
    processor = PerChatUpdateProcessor(4)
    done: list[str] = []

    async def fail() -> None:
        await asyncio.sleep(0.005)
        raise RuntimeError("boom")

    async def ok(name: str) -> None:
        done.append(name)

    tasks = run_all(processor, [(message(1), fail()), (message(1), ok("same chat after")),
                                (message(2), ok("other chat"))])
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert isinstance(results[0], RuntimeError)
    assert sorted(done) == ["other chat", "same chat after"]
    assert processor.busy_chats == 0


async def test_a_cancelled_waiting_update_lets_the_next_one_run() -> None:
    """Cancelling an update that waits for its predecessor neither hangs the chat nor warns."""
    processor = PerChatUpdateProcessor(4)
    release = asyncio.Event()
    first_running = asyncio.Event()
    done: list[str] = []

    async def slow() -> None:
        first_running.set()
        await release.wait()
        done.append("first")

    async def ok(name: str) -> None:
        done.append(name)

    first, second, third = run_all(processor, [(message(1), slow()), (message(1), ok("second")),
                                               (message(1), ok("third"))])
    # The first runs; the others, created after it, wait for it in the processor.
    await asyncio.wait_for(first_running.wait(), 5)
    second.cancel()
    release.set()
    await asyncio.gather(first, third)
    with pytest.raises(asyncio.CancelledError):
        await second
    assert done == ["first", "third"]


def test_keys_are_the_chat_then_the_user() -> None:
    """Private messages and button presses of one chat share a key; other chats do not."""
    api = FakeBotApi()
    factory = UpdateFactory(api)
    erika = user(1, "Erika")
    sent = factory.message(erika, "Hallo")
    press = Update.de_json(factory.callback(erika, sent["message"], "m", strict=False), None)
    assert update_key(message(1)) == update_key(press) == ("chat", 1)
    assert update_key(message(2)) != update_key(message(1))
    assert update_key(object()) == update_key("not an update")
