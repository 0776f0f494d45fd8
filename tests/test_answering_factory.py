"""One function builds the answerer for ``run``/``chat`` (the app), ``ask`` and ``/reload``: all
render a knowledge date against the same injected clock in the operator's time zone."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

from bot.cli.ask import run_ask
from bot.tg.team.reload import reload_knowledge
from tests.test_team_harness import TEAM, running_bot
from tests.test_timezone import settings_in

# The certificate course began on 16 March 2022. 23:30 UTC that day is already 17 March in
# Berlin (00:30), but still the 16th in UTC: only the operator's zone says it has begun. A date
# on today counts as not yet passed (bot.knowledge.dates).
MOMENT = dt.datetime(2022, 3, 16, 23, 30, tzinfo=dt.UTC)
QUESTION = "Wann beginnt der Zertifikatskurs?\n"
PAST = "begann am 16. März 2022"
UPCOMING = "beginnt am 16. März 2022"


def ask(config: Path | None) -> str:
    out = io.StringIO()
    assert run_ask(config, io.StringIO(QUESTION), out, explain=False, clock=lambda: MOMENT) == 0
    reply = json.loads(out.getvalue())
    assert reply["kind"] == "answer"
    return str(reply["text"])


async def test_ask_app_and_reload_render_dates_alike(tmp_path: Path) -> None:
    """With the same clock, `ask`, the running bot and the bot after /reload all say the course
    began (the Berlin date), none that it begins (the UTC date)."""
    assert PAST in ask(None)
    async with running_bot(tmp_path) as bot:
        bot.clock.now = MOMENT
        entry = bot.services.answerer.show_entry("m3_zertifikat")
        assert entry is not None and PAST in entry.text
        reload_knowledge(bot.services)
        entry = bot.services.answerer.show_entry("m3_zertifikat")
        assert entry is not None and PAST in entry.text


async def test_ask_and_app_follow_the_configured_time_zone(tmp_path: Path) -> None:
    """With timezone UTC in the configuration, `ask` and the bot both say the course begins."""
    config = tmp_path / "config.yaml"
    config.write_text(f"timezone: UTC\nteam: {{chat_id: {TEAM}}}\n", encoding="utf-8")
    assert UPCOMING in ask(config)
    async with running_bot(tmp_path, settings=settings_in(tmp_path, timezone="UTC")) as bot:
        bot.clock.now = MOMENT
        entry = bot.services.answerer.show_entry("m3_zertifikat")
        assert entry is not None and UPCOMING in entry.text
