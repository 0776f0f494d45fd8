"""A web request, its card's outbox row and its private link are stored in one transaction:
a fault after the ticket's insert leaves nothing half-stored, and the requester is told that
their draft is kept (issue 11)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.config import LimitSettings
from tests.db_faults import FailingStatement
from tests.test_team_harness import make_settings
from tests.web_support import Chat, bot_with_web_chat


def _button(messages: list[dict[str, Any]], label: str) -> str:
    for message in reversed(messages):
        for row in message["buttons"]:
            for button in row:
                if label in button["label"]:
                    return str(button["data"])
    raise AssertionError(f"no button {label!r}")


async def _until_summary(chat: Chat) -> list[dict[str, Any]]:
    """The web chat's request dialogue, up to the summary with its "Absenden" button."""
    status, body = await chat.post("/api/command", {"name": "anfrage"})
    assert status == 200
    messages = body["messages"]
    for label in ("Beratung für Kommunen", "Engagementkonzept", "per Video"):
        status, body = await chat.post("/api/press", {"data": _button(messages, label),
                                                      "message": "1"})
        messages = body["messages"]
    for text in ("Gemeinde Musterdorf", "Erika Muster, Bürgermeisterin", "erika@musterdorf.de"):
        status, body = await chat.post("/api/send", {"text": text})
        messages = body["messages"]
    status, body = await chat.post(
        "/api/press", {"data": _button(messages, "Weiter zur Zusammenfassung"), "message": "1"})
    assert status == 200
    return list(body["messages"])


async def _count(bot: Any, table: str) -> int:
    return int(await bot.services.storage.db.fetchval(f"SELECT COUNT(*) FROM {table}"))


async def test_a_fault_storing_the_link_stores_nothing_of_the_request(tmp_path: Path) -> None:
    """The private link's insert fails after the ticket's insert: no ticket, no card row, no
    link, the draft is still there and the requester hears that their entries are not lost;
    the next "Absenden" stores the request with its link."""
    settings = make_settings(tmp_path).model_copy(
        update={"limits": LimitSettings(burst=100, per_minute=1000)})
    async with bot_with_web_chat(tmp_path, settings) as (bot, chat):
        summary = await _until_summary(chat)
        submit = {"data": _button(summary, "Absenden"), "message": "1"}
        fault = FailingStatement(bot.services.storage.db, "INSERT INTO request_links")
        fault.full = True
        status, body = await chat.post("/api/press", submit)
        fault.full = False
        assert fault.failed == 1, "the fault hit the link's insert"
        assert status == 503 and "nicht verloren" in body["notice"]
        assert [await _count(bot, t) for t in ("tickets", "outbox", "request_links")] == [0, 0, 0]
        assert await _count(bot, "drafts") == 1
        status, body = await chat.post("/api/press", submit)
        assert status == 200
        receipt = " ".join(m["html"] for m in body["messages"])
        assert "anfrage/" in receipt
        assert [await _count(bot, t) for t in ("tickets", "outbox", "request_links")] == [1, 1, 1]
        assert await _count(bot, "drafts") == 0
