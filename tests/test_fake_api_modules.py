"""The offline fake Bot API's parts, each on its own: update queue, faults, endpoints."""

from __future__ import annotations

from pathlib import Path

from bot.offline import FakeBotApi, endpoints
from bot.offline.changes import Changes
from bot.offline.faults import FaultPlan
from bot.offline.update_queue import UpdateQueue

OFFLINE = Path(__file__).resolve().parent.parent / "bot" / "offline"


def test_update_queue_follows_telegrams_offset_rules() -> None:
    """A positive offset confirms (forgets) every update below it; ``-N`` keeps the last N;
    ``limit`` is clamped to 1..100; long polling returns at once when updates are waiting."""
    queue = UpdateQueue(Changes())
    ids = [queue.push({"message": {"text": str(n)}})["update_id"] for n in range(5)]
    assert [u["update_id"] for u in queue.fetch(0, 2)] == ids[:2]
    assert [u["update_id"] for u in queue.fetch(ids[2], 100)] == ids[2:]
    assert len(queue) == 3
    assert [u["update_id"] for u in queue.fetch(-1, 0)] == ids[-1:]
    assert queue.wait_for_updates(ids[-1], timeout=0.0)
    assert not queue.wait_for_updates(ids[-1] + 1, timeout=0.0)
    assert len(queue) == 0


def test_fault_plan_consumes_rules_in_order() -> None:
    """A rule matches its method (any case) or, without a method, only calls with a chat_id;
    it counts down and is gone when used up."""
    plan = FaultPlan()
    plan.add_error(429, method="sendMessage", chat_id=None, times=2, retry_after=None,
                   description=None, migrate_to_chat_id=None)
    plan.add_timeout(method=None, chat_id=7, times=1, after_effect=True)
    assert plan.take("getUpdates", {}) is None
    first = plan.take("SENDMESSAGE", {"chat_id": 7})
    assert first is not None and first.error is not None and first.error.retry_after == 3
    assert plan.take("sendMessage", {"chat_id": 7}) is first
    timeout = plan.take("sendMessage", {"chat_id": 7})
    assert timeout is not None and timeout.error is None and not timeout.before_effect
    assert plan.take("sendMessage", {"chat_id": 7}) is None


def test_every_endpoint_is_dispatched_by_name_in_any_case() -> None:
    """Each Bot API method is one function, found by its name case-insensitively; the facade
    records calls under the canonical name; an unknown method answers 404."""
    api = FakeBotApi()
    for name, function in endpoints.ENDPOINTS.items():
        assert endpoints.resolve(name.upper()) == (name, function)
    assert api.handle("GETME")["is_bot"] is True
    assert [call.method for call in api.calls_of("getme")] == ["getMe"]
    status, body = api.respond("noSuchMethod")
    assert status == 404 and b'"Not Found"' in body


def test_html_is_checked_in_one_place() -> None:
    """Only content.py parses message HTML (with the shared checker), so the fake's HTML check
    is one call."""
    users = sorted(path.name for path in OFFLINE.glob("*.py")
                   if "parse_html" in path.read_text(encoding="utf-8"))
    assert users == ["content.py"]
