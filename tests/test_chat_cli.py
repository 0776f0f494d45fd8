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


async def chat_in_process(lines: list[str], tmp_path: Path) -> str:
    settings = chat_settings(None)
    settings.database.path = tmp_path / "chat.sqlite"
    out = io.StringIO()
    await chat_loop(settings, io.StringIO("\n".join(lines) + "\n"), out)
    return out.getvalue()


async def test_chat_shows_typed_markup_as_typed(tmp_path: Path) -> None:
    """What the user types comes back unchanged: the bot escapes it, the fake parses the HTML
    once, and the chat prints the plain text (``<b>`` stays ``<b>``, ``&amp;`` stays ``&amp;``)."""
    typed = "Vereine <b>und</b> Verwaltung &amp; Ehrenamt vernetzen."
    lines = [*REQUEST_LINES[:2], typed, *REQUEST_LINES[3:8]]
    out = await chat_in_process(lines, tmp_path)
    summary = out.rsplit("Sie> Überspringen", 1)[1]
    assert f"Handlungsbedarf: {typed}\n" in summary


async def test_chat_number_without_such_button_is_text(tmp_path: Path) -> None:
    """A phone number typed without spaces at the contact step is the contact, not a button
    press; a number is a press only while a button with that number is shown."""
    lines = [*REQUEST_LINES[:5], "04311234567", "Überspringen", "Überspringen"]
    out = await chat_in_process(lines, tmp_path)
    assert "Keine Schaltfläche" not in out
    summary = out.rsplit("Sie> Überspringen", 1)[1]
    assert "Kontakt: 04311234567" in summary


async def test_chat_shows_sent_files_with_readable_copy(tmp_path: Path) -> None:
    """/meinedaten and the team's /export print the file's first lines and the path of a copy
    next to the chat's database that holds the whole file."""
    lines = [*REQUEST_LINES, "/meinedaten", "@team /export"]
    out = await chat_in_process(lines, tmp_path)
    my_data = out.split("Sie> /meinedaten", 1)[1].split("Sie> @team /export", 1)[0]
    assert '|     "user_id": 4242,' in my_data
    copy = tmp_path / "chat-dateien" / "meine-daten.json"
    assert f"(Kopie zum Öffnen: {copy})" in my_data
    assert '"user_id": 4242' in copy.read_text(encoding="utf-8")
    export = out.split("Sie> @team /export", 1)[1]
    ref = REF.search(export)
    assert ref is not None and "    | " in export
    copies = [p for p in (tmp_path / "chat-dateien").iterdir() if p.suffix == ".csv"]
    assert len(copies) == 1 and ref.group(0) in copies[0].read_text(encoding="utf-8-sig")
    assert f"(Kopie zum Öffnen: {copies[0]})" in export


def run_cli(args: list[str], tmp_path: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_CONFIG", "BOT_TOKEN")}
    env["DATABASE_PATH"] = str(tmp_path / "chat.sqlite")
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_chat_says_where_its_database_is_and_fresh_starts_over(tmp_path: Path) -> None:
    """The chat names its database and how to start fresh; ``--fresh`` starts without the
    earlier requests (which count against the limit of open requests), ``--reset`` only
    deletes, and a database from a configuration file is never deleted."""
    database = tmp_path / "chat.sqlite"
    first = chat([*REQUEST_LINES, "/meinedaten"], tmp_path)
    assert f"Datenbank dieses Chats: {database}" in first
    assert "make chat-reset" in first and "python -m bot chat --fresh" in first
    assert "1 Anfrage" in first.rsplit("Sie> /meinedaten", 1)[1]
    again = run_cli(["chat", "--fresh"], tmp_path, "/meinedaten\n")
    assert again.returncode == 0, again.stderr
    assert "derzeit nichts gespeichert" in again.stdout.rsplit("Sie> /meinedaten", 1)[1]
    reset = run_cli(["chat", "--reset"], tmp_path)
    assert reset.returncode == 0 and not database.exists()
    assert "Datenbank des Offline-Chats ist gelöscht" in reset.stdout
    config = tmp_path / "config.yaml"
    config.write_text(f"database:\n  path: {tmp_path / 'bot.sqlite'}\n", encoding="utf-8")
    (tmp_path / "bot.sqlite").write_bytes(b"keep")
    env_free = run_cli(["chat", "--reset", "--config", str(config)], tmp_path)
    # DATABASE_PATH names the chat's own file, so only that one may go; drop it to see the refusal.
    assert env_free.returncode == 0
    refused = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--reset", "--config", str(config)], cwd=ROOT,
        env={k: v for k, v in os.environ.items()
             if k not in ("BOT_CONFIG", "BOT_TOKEN", "DATABASE_PATH")},
        capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and (tmp_path / "bot.sqlite").read_bytes() == b"keep"


def test_make_chat_reset_runs_the_reset() -> None:
    """``make chat-reset`` deletes the chat's database through ``python -m bot chat --reset``."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = makefile.split("\nchat-reset:", 1)[1].split("\n\n", 1)[0]
    assert "-m bot chat --reset" in target


def test_chat_follow_up_keeps_the_topic(tmp_path: Path) -> None:
    """In the offline chat, "welche themen?" after the consultation is about its topics."""
    out = chat(["beratung für kommunen", "welche themen?"], tmp_path)
    answer = out.split("Sie> welche themen?", 1)[1]
    assert "Unterstützungsstruktur" in answer
