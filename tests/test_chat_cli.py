"""`python -m bot chat`: the offline terminal chat with the real handlers, piped stdin."""

from __future__ import annotations

import asyncio
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from bot.cli.chat import OFFLINE_TEAM_CHAT, chat_loop, chat_settings
from bot.offline import FakeBotApi
from bot.offline.local_request import LocalRequest
from tests.e2e_support import ROOT


def chat(lines: list[str], tmp_path: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_CONFIG", "BOT_TOKEN")}
    env["DATABASE_PATH"] = str(tmp_path / "chat.sqlite")
    result = subprocess.run([sys.executable, "-m", "bot", "chat"], cwd=ROOT, env=env,
                            input="\n".join(lines) + "\n", capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_chat_answers_cost_question_offline(tmp_path: Path) -> None:
    """Piped "Was kostet die Beratung?" gets the answer that the offer is free of charge."""
    out = chat(["Was kostet die Beratung?"], tmp_path)
    answer = out.split("Sie> Was kostet die Beratung?", 1)[1]
    assert "kostenfrei" in answer
    assert "[1]" in out  # buttons are numbered


def test_chat_numbers_press_buttons(tmp_path: Path) -> None:
    """Typing a button's number presses it (here: the start menu's first module)."""
    out = chat(["1"], tmp_path)
    after = out.split("Sie> 1", 1)[1]
    assert "Lernwerkstatt" in after


REQUEST_LINES = [
    "/anfrage", "Workshop vor Ort", "Wir wollen Vereine und Verwaltung vernetzen.",
    "Gemeinde Musterdorf", "Erika Muster, Amt", "erika@musterdorf.de",
    "Überspringen", "Überspringen", "Absenden",
]
REF = re.compile(r"A-(\d{4})-0001")


def test_chat_whole_flow_with_team_side(tmp_path: Path) -> None:
    """A request in the chat produces a team card; @team commands and replies work offline.
    The team answers the card by its bare number, so the test holds in any year."""
    lines = [*REQUEST_LINES, "@team /offen", "@team ^1 Gern, wir melden uns.", "^ Danke, bis bald!"]
    out = chat(lines, tmp_path)
    assert "Ihre Anfrage ist eingegangen" in out
    team = [line for line in out.splitlines() if line.startswith("[Team-Gruppe]")]
    refs = {match.group(0) for line in team for match in [REF.search(line)] if match}
    assert len(refs) == 1  # one request, one reference (the current year's)
    assert "Gern, wir melden uns." in out.split("@team ^1", 1)[1]
    tail = out.split("Sie> ^ Danke, bis bald!", 1)[1]
    assert "[Team-Gruppe] Bot:" in tail and "Danke, bis bald!" in tail.split("[Team-Gruppe]", 1)[1]


class SlowTeamRequest(LocalRequest):
    """The fake Bot API, but every message into the team chat takes 0.4 s (a slow network)."""

    async def do_request(self, url: str, method: str, request_data: Any = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        params = request_data.parameters if request_data is not None else {}
        if url.endswith("/sendMessage") and params.get("chat_id") == OFFLINE_TEAM_CHAT:
            await asyncio.sleep(0.4)
        return await super().do_request(url, method, request_data, *args, **kwargs)


async def test_chat_prints_the_card_before_the_next_input(tmp_path: Path) -> None:
    """The chat waits until the queued card is delivered (not for a guessed quiet period): with
    a slow team chat the card still appears before the next line is read."""
    settings = chat_settings(None)
    settings.database.path = tmp_path / "chat.sqlite"
    out = io.StringIO()
    request = SlowTeamRequest(FakeBotApi(strict_chats=False))
    await chat_loop(settings, io.StringIO("\n".join([*REQUEST_LINES, "/hilfe"]) + "\n"), out,
                    request=request)
    before_next = out.getvalue().split("Sie> Absenden", 1)[1].split("Sie> /hilfe", 1)[0]
    assert "[Team-Gruppe] Bot: 📋 Anfrage" in before_next


def test_chat_follow_up_keeps_the_topic(tmp_path: Path) -> None:
    """In the offline chat, "welche themen?" after the consultation is about its topics."""
    out = chat(["beratung für kommunen", "welche themen?"], tmp_path)
    answer = out.split("Sie> welche themen?", 1)[1]
    assert "Unterstützungsstruktur" in answer
