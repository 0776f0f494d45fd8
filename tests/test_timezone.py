"""One time zone, the operator's (settings ``timezone``): reference years, card dates, /offen,
/anfrage, /statistik, the export, the digest hour and the draft reminder all use it, with the
bot's clock injected (never the machine's date)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from bot.cli.check import run_check
from bot.config import ConfigError, Settings, load_settings
from bot.tg import jobs
from tests.test_team_harness import MEMBER, TEAM, Harness, running_bot

# 23:30 UTC on New Year's Eve is already 00:30 on 1 January 2028 in Berlin.
NEW_YEAR_UTC = dt.datetime(2027, 12, 31, 23, 30, tzinfo=dt.UTC)


def settings_in(tmp_path: Path, **extra: Any) -> Settings:
    return Settings.model_validate({
        "team": {"chat_id": TEAM},
        "database": {"path": str(tmp_path / "bot.sqlite")},
        **extra,
    })


async def team_command(bot: Harness, text: str) -> dict[str, Any]:
    before = len(bot.api.sent_to(TEAM))
    await bot.team_says(MEMBER, text)
    sent = bot.api.sent_to(TEAM)
    assert len(sent) > before, f"no answer to {text}"
    return sent[-1]


async def test_new_year_request_gets_next_years_ref_and_date_everywhere(tmp_path: Path) -> None:
    """Submitted at 2027-12-31T23:30Z (00:30 in Berlin), a request is A-2028-0001 and its card,
    its details, the team's bare number, the statistics and the export all say 01.01.2028."""
    async with running_bot(tmp_path) as bot:
        bot.clock.now = NEW_YEAR_UTC
        ticket = await bot.submit()
        assert ticket.ref == "A-2028-0001"
        card = bot.card(ticket)["text"]
        assert "A-2028-0001" in card and "01.01.2028, 00:30" in card
        assert "2027" not in card
        details = (await team_command(bot, "/anfrage 1"))["text"]  # a bare number: this year's
        assert "A-2028-0001" in details and "01.01.2028, 00:30" in details
        stats = (await team_command(bot, "/statistik"))["text"]
        assert "01/2028: 1" in stats and "12/2027" not in stats
        document = (await team_command(bot, "/export"))["document"]
        assert document["file_name"] == "anfragen-2028-01-01.csv"
        rows = list(csv.reader(io.StringIO(
            bot.api.file_content(document["file_id"]).decode("utf-8-sig")), delimiter=";"))
        assert rows[1][0] == "A-2028-0001" and rows[1][4] == "2028-01-01 00:30"


async def test_configured_time_zone_decides_year_and_dates(tmp_path: Path) -> None:
    """With timezone America/New_York, 03:30 UTC on 1 January 2028 is still 31.12.2027, 22:30:
    the reference keeps the old year and the card shows the New York date and time."""
    settings = settings_in(tmp_path, timezone="America/New_York")
    async with running_bot(tmp_path, settings=settings) as bot:
        bot.clock.now = dt.datetime(2028, 1, 1, 3, 30, tzinfo=dt.UTC)
        ticket = await bot.submit()
        assert ticket.ref == "A-2027-0001"
        assert "31.12.2027, 22:30" in bot.card(ticket)["text"]


async def test_draft_reminder_names_the_local_expiry_time(tmp_path: Path) -> None:
    """The reminder before a draft expires gives the expiry in the operator's zone."""
    settings = settings_in(tmp_path, timezone="Asia/Tokyo")
    async with running_bot(tmp_path, settings=settings) as bot:
        bot.add_requester()
        bot.clock.now = dt.datetime(2027, 6, 1, 16, 0, tzinfo=dt.UTC)  # 02.06. 01:00 in Tokyo
        drafts = bot.services.storage.drafts
        await drafts.create(42, 42, "organisation", bot.clock(), dt.timedelta(days=7))
        bot.clock.advance(days=6, hours=12)
        assert await jobs.remind_drafts(bot.services) == 1
        await bot.deliver()
        assert "09.06.2027 um 01:00 Uhr" in bot.user_texts()[-1]


async def test_digest_and_retention_run_at_local_hours(tmp_path: Path) -> None:
    """The daily jobs are scheduled at team.digest_hour and at night in the operator's zone."""
    settings = settings_in(tmp_path, timezone="America/New_York")
    settings.team.digest_hour = 9
    async with running_bot(tmp_path, settings=settings) as bot:
        job_queue = bot.app.job_queue
        assert job_queue is not None
        await job_queue.start()
        try:
            by_name = {job.name: job for job in job_queue.jobs()}
            digest, retention = by_name["team_digest"], by_name["retention"]
            assert digest.next_t is not None and retention.next_t is not None
            assert digest.next_t.astimezone(settings.zone).hour == 9
            assert retention.next_t.astimezone(settings.zone).hour == jobs.RETENTION_HOUR
        finally:
            await job_queue.stop(wait=False)


@pytest.mark.parametrize("name", ["Europe/Berlinn", "Mars/Olympus", "", "../etc/passwd"])
def test_unknown_time_zone_is_a_configuration_error(tmp_path: Path, name: str) -> None:
    """A time zone zoneinfo does not know is refused at load, naming the key, no traceback."""
    config = tmp_path / "config.yaml"
    config.write_text(f"timezone: '{name}'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"timezone: .*unknown time zone"):
        load_settings(config, env={})


def test_check_names_the_time_zone(tmp_path: Path) -> None:
    """`python -m bot check` says which time zone is in effect."""
    config = tmp_path / "config.yaml"
    config.write_text("timezone: America/New_York\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run_check(config, out, err) == 0, err.getvalue()
    assert "time zone: America/New_York" in out.getvalue()


def test_default_time_zone_is_berlin() -> None:
    """Without a setting the operator's zone is Europe/Berlin."""
    assert Settings().zone.key == "Europe/Berlin"
