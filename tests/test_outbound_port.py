"""Team replies reach the requester through their channel's outbound port (issue 11)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.conversation.model import UserKey
from bot.storage.models import Notification
from tests.test_team_harness import MEMBER, TEAM, request_data, running_bot

WEB_USER = 5150


class RecordingPort:
    """A web door's port as another door would register it: rows of its own kind."""

    def __init__(self) -> None:
        self.sent: list[tuple[UserKey, str]] = []
        self.woken = 0

    def notification(self, user: UserKey, html: str, *, link: bool = False,
                     ack_message_id: int | None = None) -> Notification:
        self.sent.append((user, html))
        return Notification("web_message", user_chat(user), {"chat_id": user_chat(user)})

    def wake(self) -> None:
        self.woken += 1


def user_chat(user: UserKey) -> int:
    return int(user.id)


async def test_team_reply_to_a_web_request_goes_through_the_web_port(tmp_path: Path) -> None:
    """A reply to the card of a request from the website is handed to the web door's port
    (with the requester's key), stored as that port's outbox row, and the port is woken;
    nothing is sent to a Telegram chat of the same number."""
    async with running_bot(tmp_path) as bot:
        port = RecordingPort()
        bot.services.outbound["web"] = port
        storage = bot.services.storage
        draft = await storage.drafts.create(WEB_USER, WEB_USER, "summary", bot.clock(),
                                            dt.timedelta(days=7), "web")
        ticket, _ = await storage.tickets.submit_request(draft, request_data(), bot.clock(),
                                                         {"chat_id": TEAM})
        await bot.deliver()
        card = bot.card(await bot.ticket(ticket.id))
        assert "über die Website" in card["text"]
        await bot.team_says(MEMBER, "Wir rufen Sie an.", reply_to=card["message_id"])
        assert [user for user, _ in port.sent] == [UserKey("web", str(WEB_USER))]
        assert "Wir rufen Sie an." in port.sent[0][1] and port.woken == 1
        rows = await storage.db.fetchall("SELECT kind FROM outbox WHERE ticket_id = ?",
                                         (ticket.id,))
        assert "web_message" in [r["kind"] for r in rows]
        assert bot.api.sent_to(WEB_USER) == []
