"""Operations: clean stop on SIGTERM, knowledge reload on SIGHUP, online backup, start-up checks."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import BUNDLED_KNOWLEDGE
from tests.e2e_support import ROOT, BotProcess, poll_until, prepare_team_chat, say, wait_text
from tests.fake_server import FakeTelegramServer

USER_CHAT = 4242


@pytest.fixture
def server() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer(timeout_delay=3.0) as fake:
        prepare_team_chat(fake)
        yield fake


@pytest.mark.realclock
def test_sigterm_stops_cleanly(server: FakeTelegramServer, tmp_path: Path) -> None:
    """SIGTERM ends the bot with exit code 0 after closing the database properly."""
    bot = BotProcess(server, tmp_path)
    bot.start()
    say(server, "/start")
    wait_text(server, USER_CHAT, "Engagement-Assistent")
    assert bot.stop() == 0
    with sqlite3.connect(bot.db) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert "Traceback" not in bot.log_text()


@pytest.mark.realclock
def test_sighup_reloads_knowledge_and_keeps_old_on_error(
    server: FakeTelegramServer, tmp_path: Path
) -> None:
    """SIGHUP swaps in edited knowledge files; a broken edit keeps the running ones."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(BUNDLED_KNOWLEDGE, knowledge)
    config = tmp_path / "config.yaml"
    config.write_text(f"knowledge: {{path: '{knowledge}'}}\n", encoding="utf-8")
    bot = BotProcess(server, tmp_path, config=config)
    bot.start()
    extra = knowledge / "zz_reload_test.yaml"
    entry = """entries:
  - id: sonnenblume
    title: Sonnenblumenfeld
    answer: "Das Sonnenblumenfeld ist ein Testeintrag (NEU GELADEN)."
    questions: ["Was ist das Sonnenblumenfeld?", "sonnenblumenfeld"]
    keywords: [sonnenblumenfeld]
"""
    try:
        extra.write_text(entry, encoding="utf-8")
        bot.signal(signal.SIGHUP)
        assert poll_until(lambda: "knowledge reloaded" in bot.log_text())
        say(server, "Was ist das Sonnenblumenfeld?")
        wait_text(server, USER_CHAT, "NEU GELADEN")
        extra.write_text(entry + "    broken: [\n", encoding="utf-8")
        bot.signal(signal.SIGHUP)
        assert poll_until(lambda: "knowledge reload failed" in bot.log_text())
        say(server, "sonnenblumenfeld")
        wait_text(server, USER_CHAT, "NEU GELADEN", count=2)
    finally:
        assert bot.stop() == 0


@pytest.mark.realclock
def test_backup_command_copies_a_consistent_database(
    server: FakeTelegramServer, tmp_path: Path
) -> None:
    """`python -m bot backup FILE` copies the live database (WAL included) while the bot runs."""
    bot = BotProcess(server, tmp_path)
    bot.start()
    try:
        say(server, "Wie wird das Wetter morgen?")
        wait_text(server, USER_CHAT, "keine Antwort")
        target = tmp_path / "backup" / "copy.sqlite"
        result = subprocess.run(
            [sys.executable, "-m", "bot", "backup", str(target)], cwd=ROOT, capture_output=True,
            text=True, env={"DATABASE_PATH": str(bot.db), "PATH": ""}, timeout=60,
        )
        assert result.returncode == 0, result.stderr
        with sqlite3.connect(target) as db:
            assert db.execute("SELECT count(*) FROM question_log").fetchone()[0] == 1
    finally:
        bot.stop()


@pytest.mark.realclock
def test_start_fails_clearly_when_team_chat_unreachable(
    server: FakeTelegramServer, tmp_path: Path
) -> None:
    """Removed from the team group, the bot refuses to start with a message saying what to do."""
    server.api.remove_from_chat(-1001234567)
    bot = BotProcess(server, tmp_path)
    with pytest.raises(AssertionError):
        bot.start()
    assert bot.proc is not None
    assert bot.proc.wait(timeout=20) == 3
    assert "team" in bot.log_text().lower()


def test_run_without_token_points_to_offline_chat(tmp_path: Path) -> None:
    """`python -m bot run` without a token exits with a hint instead of a traceback."""
    result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, capture_output=True,
                            text=True, env={"PATH": "", "DATABASE_PATH": str(tmp_path / "x")},
                            timeout=60)
    assert result.returncode == 2
    assert "python -m bot chat" in result.stderr and "Traceback" not in result.stderr


def test_check_reports_broken_knowledge_with_file_and_entry(tmp_path: Path) -> None:
    """`python -m bot check` exits non-zero naming file and entry."""
    knowledge = tmp_path / "k"
    shutil.copytree(BUNDLED_KNOWLEDGE, knowledge)
    target = next(knowledge.glob("modul2.yaml"))
    target.write_text(target.read_text(encoding="utf-8").replace("title:", "titel:", 1), "utf-8")
    config = tmp_path / "c.yaml"
    config.write_text(f"knowledge: {{path: '{knowledge}'}}\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bot", "--config", str(config), "check"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "modul2.yaml: entries[0]" in result.stderr and "titel" in result.stderr
