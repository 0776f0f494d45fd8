"""The team workflow polish (issue 10): unroutable replies, replies without the reply function,
buttons that follow the status, /reload of texts, one word per status, one outbox query."""

from __future__ import annotations

from pathlib import Path

from bot import callbacks
from tests.test_team_commands import command
from tests.test_team_harness import MEMBER, OTHER_MEMBER, TEAM, running_bot


async def test_open_asks_the_outbox_once_for_all_tickets(tmp_path: Path) -> None:
    """/offen finds failed deliveries with one outbox statement, however many tickets are open."""
    async with running_bot(tmp_path) as bot:
        tickets = [await bot.submit(user_id=100 + i) for i in range(5)]
        bot.api.block(100)
        await bot.press(MEMBER, bot.card(tickets[0]), callbacks.card(tickets[0].id, "take"))
        await bot.deliver()
        statements: list[str] = []
        await bot.services.storage.db.conn.set_trace_callback(statements.append)
        try:
            text = await command(bot, "/offen")
        finally:
            await bot.services.storage.db.conn.set_trace_callback(None)
        assert "Zustellung fehlgeschlagen" in text
        outbox_reads = [s for s in statements if "FROM outbox" in s]
        assert len(outbox_reads) == 1, outbox_reads


async def test_reply_to_open_list_is_explained(tmp_path: Path) -> None:
    """A team reply to /offen (several requests) gets a one-line hint to answer on the card,
    and nothing reaches any requester."""
    async with running_bot(tmp_path) as bot:
        await bot.submit()
        await bot.submit(user_id=43)
        await command(bot, "/offen")
        listing = bot.api.sent_to(TEAM)[-1]
        before = len(bot.user_texts()) + len(bot.user_texts(43))
        await bot.team_says(MEMBER, "Ich kümmere mich darum", reply_to=listing["message_id"])
        assert "direkt auf die Karte" in bot.team_texts()[-1]
        await bot.deliver()
        assert len(bot.user_texts()) + len(bot.user_texts(43)) == before


async def test_reply_to_a_colleague_is_not_answered(tmp_path: Path) -> None:
    """Replies among team members (not to a bot message) stay a conversation between people."""
    async with running_bot(tmp_path) as bot:
        await bot.submit()
        said = await bot.team_says(MEMBER, "Wer übernimmt?")
        before = len(bot.team_texts())
        await bot.team_says(OTHER_MEMBER, "Ich", reply_to=said["message"]["message_id"])
        assert len(bot.team_texts()) == before
