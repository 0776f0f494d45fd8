"""Process life cycle of the real ``python -m bot run`` against the fake Bot API server:
malformed updates, start-up validation, shutdown that always ends, quiet and secret-free logs."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from bot.cli.check import run_check
from bot.offline import UpdateFactory, user
from tests.e2e_support import (
    ROOT,
    WAIT,
    BotProcess,
    poll_until,
    prepare_team_chat,
    say,
    wait_text,
    with_operator,
)
from tests.fake_server import FakeTelegramServer

USER_CHAT = 4242
SECRET_TEXT = "Meine Telefonnummer ist 0431 999 888"
EXIT_DEADLINE = 15.0  # seconds from SIGTERM to exit


@pytest.fixture
def server() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer(timeout_delay=3.0) as fake:
        prepare_team_chat(fake)
        yield fake


def stop_within(bot: BotProcess, deadline: float = EXIT_DEADLINE) -> int:
    """SIGTERM, then the exit code; fails the test when the process outlives the deadline."""
    proc = bot.proc
    assert proc is not None
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=deadline)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail(f"no exit within {deadline} s of SIGTERM:\n{bot.log_text()[-2000:]}")
    finally:
        bot.proc = None


def run_once(tmp_path: Path, env: dict[str, str], config: str | None = None,
             timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
    """``python -m bot run`` that is expected to end by itself."""
    full = {"PATH": os.environ.get("PATH", ""), "DATABASE_PATH": str(tmp_path / "bot.sqlite"),
            **env}
    path = tmp_path / "config.yaml"
    path.write_text(config or "", encoding="utf-8")
    full["BOT_CONFIG"] = str(with_operator(path, tmp_path))  # a live setup: real operator data
    return subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, capture_output=True,
                          text=True, env=full, timeout=timeout)


# ---------------------------------------------------------------- malformed updates


@pytest.mark.realclock
def test_malformed_updates_are_skipped_and_everyone_else_is_served(
    server: FakeTelegramServer, tmp_path: Path
) -> None:
    """A message without date/chat and a callback without from are skipped: the log names their
    update ids but not their contents, the offset moves past them, the next update is answered,
    and SIGTERM still stops the bot."""
    bot = BotProcess(server, tmp_path)
    bot.start()
    api = server.api
    no_date = api.push_update({"message": {"message_id": 7, "text": SECRET_TEXT,
                                           "from": {"id": 4243, "is_bot": False,
                                                    "first_name": "Mallory"}}})
    no_from = api.push_update({"callback_query": {"id": "cb-1", "chat_instance": "1",
                                                  "data": SECRET_TEXT}})
    # Both were the last in their batch: only if the offset moved past them is the queue empty.
    assert server.wait_for(lambda: api.pending_updates == 0, WAIT), "offset did not advance"
    say(server, "/start")
    wait_text(server, USER_CHAT, "Engagement-Assistent")
    log = bot.log_text()
    for bad in (no_date, no_from):
        assert f"skipped malformed update {bad['update_id']}" in log
    assert SECRET_TEXT not in log and "Mallory" not in log
    assert "Traceback" not in log and "CRITICAL" not in log
    assert stop_within(bot) == 0


# ---------------------------------------------------------------- start-up and shutdown


def test_missing_knowledge_directory_ends_at_once_with_one_line(tmp_path: Path) -> None:
    """A missing knowledge directory is found before the database is opened: the process exits
    non-zero within seconds, with one line naming the directory and no traceback."""
    missing = tmp_path / "no-such-knowledge"
    started = time.monotonic()
    result = run_once(tmp_path, {"BOT_TOKEN": "123456:LIFECYCLE"},
                      config=f"knowledge: {{path: '{missing}'}}\n")
    assert result.returncode == 2
    assert time.monotonic() - started < 20
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(missing) in lines[0], result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "bot.sqlite").exists(), "the database was opened before validation"


def _corrupt_behind_the_bots_back(db: Path) -> None:
    """Move everything into the main file, overwrite all pages but the first, then commit a
    change from another connection so the bot's connection drops its page cache."""
    with sqlite3.connect(db, isolation_level=None) as other:
        other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = db.stat().st_size
    with db.open("r+b") as raw:
        raw.seek(4096)
        raw.write(bytes([0xA5]) * (size - 4096))
    other = sqlite3.connect(db, isolation_level=None)
    try:
        other.execute("PRAGMA user_version=4242")
    finally:
        other.close()


@pytest.mark.realclock
def test_sigterm_exits_when_closing_the_database_fails(
    server: FakeTelegramServer, tmp_path: Path
) -> None:
    """With a database that fails at close (a corrupt page), SIGTERM still ends the process
    within the deadline; the failure is logged."""
    bot = BotProcess(server, tmp_path)
    bot.start()
    say(server, "Wie wird das Wetter morgen?")  # writes the question log, reads by index
    wait_text(server, USER_CHAT, "keine Antwort")
    say(server, "/start")
    wait_text(server, USER_CHAT, "Engagement-Assistent")
    _corrupt_behind_the_bots_back(bot.db)
    stop_within(bot)
    assert "failed" in bot.log_text()


# ---------------------------------------------------------------- token, level, 409


def test_rejected_token_ends_clearly_without_the_token(
    server: FakeTelegramServer, tmp_path: Path
) -> None:
    """getMe answered 401: one clear message, exit code 2, the token nowhere, no traceback."""
    token = "987654:SecretTokenValue_xyz"
    server.api.inject(401, method="getMe", times=5)
    result = run_once(tmp_path, {"BOT_TOKEN": token, "TELEGRAM_BASE_URL": server.base_url})
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "rejected the bot token" in result.stderr
    assert "SecretTokenValue" not in output and "Traceback" not in output
    assert "Unclosed" not in output  # the connections were released


def test_malformed_token_is_a_configuration_error_without_the_token(tmp_path: Path) -> None:
    """A token that cannot be one (a pasted space) is refused before any network call,
    naming the setting and not the value."""
    result = run_once(tmp_path, {"BOT_TOKEN": "987654:Secret Value"})
    output = result.stdout + result.stderr
    assert result.returncode == 2
    assert "telegram.token" in result.stderr and "@BotFather" in result.stderr
    assert "Secret" not in output and "Traceback" not in output


def test_logging_level_typo_is_a_configuration_error(tmp_path: Path) -> None:
    """`logging.level: INFOO` ends in a configuration error naming the key, no traceback."""
    result = run_once(tmp_path, {"BOT_TOKEN": "123456:LIFECYCLE"},
                      config="logging: {level: INFOO}\n")
    assert result.returncode == 2
    assert "logging.level" in result.stderr and "INFO" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.realclock
def test_polling_conflict_is_one_warning_per_episode(
    server: FakeTelegramServer, tmp_path: Path
) -> None:
    """Three 409 Conflicts in a row (another process polls the token) give one warning, no
    traceback and no "unhandled error"; when polling works again the bot answers."""
    bot = BotProcess(server, tmp_path)
    bot.start()
    try:
        server.api.inject(409, method="getUpdates", times=3)
        say(server, "/start")
        wait_text(server, USER_CHAT, "Engagement-Assistent")
        assert poll_until(lambda: "polling works again" in bot.log_text())
        log = bot.log_text()
        assert log.count("polling conflict (409)") == 1, log
        assert "unhandled error" not in log and "Traceback" not in log
        assert len([c for c in server.api.calls_of("getUpdates") if not c.ok]) == 3
    finally:
        assert stop_within(bot) == 0


@pytest.mark.realclock
def test_token_never_reaches_the_log(server: FakeTelegramServer, tmp_path: Path) -> None:
    """Even at DEBUG, where PTB logs request details, the bot token is not in the log."""
    config = tmp_path / "debug.yaml"
    config.write_text("logging: {level: debug}\n", encoding="utf-8")
    bot = BotProcess(server, tmp_path, config=config)
    bot.start()
    say(server, "/start", who=user(4242, "Erika", "Muster"))
    wait_text(server, USER_CHAT, "Engagement-Assistent")
    assert stop_within(bot) == 0
    log = bot.log_text()
    assert "DEBUG" in log
    assert "123456:E2E" not in log and "E2E" not in log


# ---------------------------------------------------------------- webhook mode


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _post(port: int, body: bytes, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    async with aiohttp.ClientSession() as session, session.post(
        f"http://127.0.0.1:{port}/", data=body, headers=headers
    ) as response:
        return response.status


def post(port: int, update: object, secret: str | None) -> int:
    """POST an update to the bot's webhook port as Telegram would; the HTTP status."""
    return asyncio.run(_post(port, json.dumps(update).encode(), secret))


@pytest.fixture
def webhook_bot(server: FakeTelegramServer, tmp_path: Path) -> Iterator[tuple[BotProcess, int]]:
    """The real bot in webhook mode without a configured secret, listening on a free port."""
    port = _free_port()
    config = tmp_path / "webhook.yaml"
    config.write_text(
        "telegram:\n  webhook: {url: 'https://bot.example.org/hook', listen: 127.0.0.1, "
        f"port: {port}}}\n", encoding="utf-8")
    bot = BotProcess(server, tmp_path, config=config, ready="setWebhook")
    bot.start()

    def listening() -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    assert poll_until(listening), bot.log_text()[-2000:]
    try:
        yield bot, port
    finally:
        if bot.proc is not None:
            assert stop_within(bot) == 0


@pytest.mark.realclock
def test_webhook_without_configured_secret_refuses_unauthenticated_posts(
    server: FakeTelegramServer, webhook_bot: tuple[BotProcess, int]
) -> None:
    """Without secret_token in the configuration the bot generates one (and says so, without
    the value); a POST without it or with a wrong one is refused and never handled, one with
    it is answered."""
    bot, port = webhook_bot
    secret = server.api.calls_of("setWebhook")[-1].params.get("secret_token")
    assert isinstance(secret, str) and len(secret) >= 32
    factory = UpdateFactory(server.api)
    mallory, erika = user(5151, "Mallory"), user(4242, "Erika", "Muster")
    assert post(port, factory.message(mallory, "/start"), None) == 403
    assert post(port, factory.message(mallory, "/start"), "wrong-secret") == 403
    assert post(port, factory.message(erika, "/start"), secret) == 200
    wait_text(server, USER_CHAT, "Engagement-Assistent")
    assert server.api.sent_to(5151) == []
    log = bot.log_text()
    assert "generated a random one" in log and secret not in log


@pytest.mark.realclock
def test_webhook_survives_malformed_posts(
    server: FakeTelegramServer, webhook_bot: tuple[BotProcess, int]
) -> None:
    """Authenticated but malformed updates (unparsable, or a callback without from) do not
    stop the webhook; the log has their ids but not their contents; the next one is answered."""
    bot, port = webhook_bot
    secret = server.api.calls_of("setWebhook")[-1].params.get("secret_token")
    assert isinstance(secret, str)
    no_date = {"update_id": 9001, "message": {"message_id": 3, "text": SECRET_TEXT,
                                              "chat": {"id": 4243, "type": "private"}}}
    no_from = {"update_id": 9002, "callback_query": {"id": "cb-2", "chat_instance": "1",
                                                     "data": SECRET_TEXT}}
    assert post(port, no_date, secret) == 400
    assert post(port, no_from, secret) == 200
    assert post(port, UpdateFactory(server.api).message(user(4242, "Erika"), "/start"),
                secret) == 200
    wait_text(server, USER_CHAT, "Engagement-Assistent")
    assert poll_until(lambda: "update 9002" in bot.log_text())
    log = bot.log_text()
    assert "update 9001" in log
    assert SECRET_TEXT not in log and "Traceback" not in log and "CRITICAL" not in log


def test_check_reports_the_webhook_secret_state(tmp_path: Path) -> None:
    """`python -m bot check` says whether webhook posts are authenticated by a configured or a
    generated secret token, and refuses a secret Telegram would not accept."""
    webhook = "telegram:\n  webhook: {url: 'https://bot.example.org/hook'%s}\n"
    outputs = []
    for extra in ("", ", secret_token: abc_DEF-123"):
        path = tmp_path / "c.yaml"
        path.write_text(webhook % extra, encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        assert run_check(path, out, err) == 0, err.getvalue()
        outputs.append(out.getvalue())
    assert "no secret_token configured: a random one is generated at each start" in outputs[0]
    assert "secret token configured" in outputs[1]
    path.write_text(webhook % ", secret_token: 'has spaces'", encoding="utf-8")
    err = io.StringIO()
    assert run_check(path, io.StringIO(), err) == 1
    assert "telegram.webhook.secret_token" in err.getvalue()
