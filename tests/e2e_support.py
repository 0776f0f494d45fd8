"""Run the real bot (``python -m bot run``) as a process against the fake Bot API server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.offline import BOT_ID, user
from tests.fake_server import FakeTelegramServer

ROOT = Path(__file__).resolve().parent.parent
TEAM = -1001234567
REQUESTER = user(4242, "Erika", "Muster")
MEMBER = user(777, "Tina", "Team")
WAIT = 20.0
# `run` refuses placeholder operator data when a token is set; the bot under test is "live".
OPERATOR = {"name": "Testverband", "address": "Teststraße 1, 24103 Kiel",
            "email": "datenschutz@test.invalid", "privacy_contact": "Datenschutz Testverband"}


def with_operator(config: Path | None, directory: Path) -> Path:
    """A copy of `config` (or an empty one) that names a real operator unless it has one."""
    raw: dict[str, Any] = {}
    if config is not None:
        raw = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    raw.setdefault("operator", OPERATOR)
    target = directory / "config-with-operator.yaml"
    target.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return target


class BotProcess:
    """The bot in its own process, polling the fake server via TELEGRAM_BASE_URL."""

    def __init__(self, server: FakeTelegramServer, tmp_path: Path,
                 config: Path | None = None, ready: str = "deleteWebhook") -> None:
        self.server = server
        self.config = config
        # The call that shows the bot is up: polling deletes the webhook, webhook mode sets it.
        self.ready = ready
        self.db = tmp_path / "bot.sqlite"
        self.log = tmp_path / "bot.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if "FAKETIME" in os.environ:
            # Timed waits against a bot process do not survive faketime: say so instead of
            # hanging for minutes, so a new process test gets its marker.
            pytest.fail("drives a bot process: mark the test @pytest.mark.realclock")
        env = {k: v for k, v in os.environ.items() if k != "BOT_CONFIG"}
        env.update({
            "BOT_TOKEN": "123456:E2E",
            "TELEGRAM_BASE_URL": self.server.base_url,
            "TEAM_CHAT_ID": str(TEAM),
            "DATABASE_PATH": str(self.db),
        })
        env["BOT_CONFIG"] = str(with_operator(self.config, self.db.parent))
        # run_polling calls deleteWebhook right before its first long poll (a getUpdates is
        # recorded only when it returns, which may take the whole poll timeout).
        polls = len(self.server.api.calls_of(self.ready))
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                                         stdout=log, stderr=subprocess.STDOUT)
        proc = self.proc
        started = poll_until(lambda: len(self.server.api.calls_of(self.ready)) > polls
                             or proc.poll() is not None)
        ok = started and proc.poll() is None
        assert ok, f"bot did not start polling:\n{self.log.read_text(errors='replace')[-3000:]}"

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flushing: what a crash or power cut does."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=WAIT)
        self.proc = None

    def signal(self, signum: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(signum)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> int:
        if self.proc is None:
            return 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return -9
        finally:
            self.proc = None


def poll_until(predicate: Callable[[], object], timeout: float = WAIT) -> bool:
    """Wait for a condition outside the fake api (a log line, a file): server.wait_for only
    wakes on api changes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())


def prepare_team_chat(server: FakeTelegramServer) -> None:
    api = server.api
    api.add_chat({"id": TEAM, "type": "supergroup", "title": "Team Engagement"})
    api.set_member(TEAM, BOT_ID, "administrator")
    api.add_user(MEMBER)
    api.set_member(TEAM, int(MEMBER["id"]), "member")


def buttons(message: Mapping[str, Any]) -> list[tuple[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


def texts(server: FakeTelegramServer, chat_id: int) -> list[str]:
    return [m.get("text", "") for m in server.api.sent_to(chat_id)]


def press(server: FakeTelegramServer, who: Mapping[str, Any], chat_id: int, label: str) -> None:
    """Press the newest button whose label contains ``label`` in that chat."""
    for message in reversed(server.api.sent_to(chat_id)):
        for text, data in buttons(message):
            if label in text:
                server.factory.callback(who, message, data)
                return
    raise AssertionError(f"no button {label!r} in chat {chat_id}: {texts(server, chat_id)[-3:]}")


def say(server: FakeTelegramServer, text: str, who: Mapping[str, Any] = REQUESTER) -> None:
    server.factory.message(who, text)


def wait_text(server: FakeTelegramServer, chat_id: int, fragment: str, count: int = 1) -> None:
    """Wait until ``count`` bot messages in the chat contain ``fragment``."""
    ok = server.wait_for(lambda: sum(fragment in t for t in texts(server, chat_id)) >= count, WAIT)
    assert ok, f"{fragment!r} not seen in chat {chat_id}; last: {texts(server, chat_id)[-4:]}"
