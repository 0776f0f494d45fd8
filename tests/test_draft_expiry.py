"""A draft that expires is never deleted silently: whichever path deletes it (the hourly job,
the nightly retention, or its owner coming back) tells the owner once, through the outbox."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.tg import jobs
from tests.test_team_harness import REQUESTER, Harness, running_bot

TTL = dt.timedelta(days=7)


def expiry_notes(bot: Harness) -> list[str]:
    return [t for t in bot.user_texts() if "länger als 7 Tage" in t]


async def test_retention_tells_the_owner_of_an_expired_draft(tmp_path: Path) -> None:
    """The nightly retention job, running before the hourly draft pass, still tells the owner;
    the hourly pass afterwards finds nothing left to tell."""
    async with running_bot(tmp_path) as bot:
        bot.add_requester()
        drafts = bot.services.storage.drafts
        await drafts.create(REQUESTER, REQUESTER, "organisation", bot.clock(), TTL)
        bot.clock.advance(days=7, minutes=30)
        counts = await jobs.apply_retention(bot.services)
        assert counts["expired_drafts"] == 1
        assert await jobs.expire_drafts(bot.services) == 0
        await bot.deliver()
        assert await drafts.get(REQUESTER) is None
        assert len(expiry_notes(bot)) == 1


async def test_owner_returning_to_an_expired_draft_is_told(tmp_path: Path) -> None:
    """/anfrage on an expired draft deletes it, says so once, and starts a new request."""
    async with running_bot(tmp_path) as bot:
        bot.add_requester()
        drafts = bot.services.storage.drafts
        old = await drafts.create(REQUESTER, REQUESTER, "organisation", bot.clock(), TTL)
        bot.clock.advance(days=8)
        await bot.user_says("/anfrage")
        assert await jobs.expire_drafts(bot.services) == 0
        await bot.deliver()
        assert len(expiry_notes(bot)) == 1
        new = await drafts.get(REQUESTER)
        assert new is not None and new.id != old.id


async def test_an_expired_draft_is_told_once_by_the_hourly_pass(tmp_path: Path) -> None:
    """The hourly pass deletes an expired draft and tells its owner; a second pass is silent,
    and a draft saved within its time stays."""
    async with running_bot(tmp_path) as bot:
        bot.add_requester()
        bot.add_requester(43)
        drafts = bot.services.storage.drafts
        await drafts.create(REQUESTER, REQUESTER, "organisation", bot.clock(), TTL)
        bot.clock.advance(days=3)
        await drafts.create(43, 43, "organisation", bot.clock(), TTL)
        bot.clock.advance(days=5)
        assert await jobs.expire_drafts(bot.services) == 1
        assert await jobs.expire_drafts(bot.services) == 0
        await bot.deliver()
        assert len(expiry_notes(bot)) == 1
        assert await drafts.get(43) is not None
