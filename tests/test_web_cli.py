"""``python -m bot web`` (offline, no token) and ``python -m bot run`` with ``web.enabled``:
the web door in the same process and event loop as the bot."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from bot.cli.chat import OFFLINE_TEAM_CHAT
from tests.e2e_support import (
    ROOT,
    TEAM,
    WAIT,
    BotProcess,
    poll_until,
    prepare_team_chat,
    with_operator,
)
from tests.fake_server import FakeTelegramServer
from tests.web_support import serving_bot_web

URL = re.compile(r"http://127\.0\.0\.1:[0-9]+/")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ask(base: str, question: str) -> dict[str, object]:
    """What the chat page does: a session, then the question (same-origin JSON POSTs)."""
    origin = base.rstrip("/")

    def post(path: str, payload: object, token: str | None = None) -> dict[str, object]:
        headers = {"Content-Type": "application/json", "Origin": origin}
        if token:
            headers["X-Chat-Session"] = token
        request = urllib.request.Request(base + path, json.dumps(payload).encode(), headers)
        with urllib.request.urlopen(request, timeout=WAIT) as response:
            return dict(json.load(response))

    token = str(post("api/session", {})["token"])
    return post("api/send", {"text": question}, token)


@pytest.mark.realclock  # a process (or the bot in-process) with timed waits
def test_bot_web_serves_the_chat_offline(tmp_path: Path) -> None:
    """`python -m bot web --port N` needs no token, prints the URL, answers a question through
    the web API, and ends cleanly on SIGTERM."""
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_CONFIG", "BOT_TOKEN")}
    env["DATABASE_PATH"] = str(tmp_path / "web.sqlite")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "web", "--port", str(port)], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], WAIT)  # never hang the suite
        assert ready, "bot web printed nothing"
        line = proc.stdout.readline()  # the URL line comes once the server listens
        match = URL.search(line)
        assert match, line
        base = match.group(0)
        assert base == f"http://127.0.0.1:{port}/"
        with urllib.request.urlopen(base + "healthz", timeout=WAIT) as response:
            assert json.load(response) == {"status": "ok"}
        answer = _ask(base, "Was kostet die Beratung?")
        assert "kostenfrei" in json.dumps(answer, ensure_ascii=False)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=WAIT) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.realclock  # a process (or the bot in-process) with timed waits
async def test_barrier_report_reaches_the_team_group(tmp_path: Path) -> None:
    """A barrier reported on the accessibility statement arrives in the team group (through
    the outbox, as every team message), escaped."""
    async with serving_bot_web(tmp_path) as served:
        base, api, settings = served.base, served.api, served.settings
        deadline = time.monotonic() + WAIT
        async with aiohttp.ClientSession() as session, session.post(
            base + "api/barrier", json={"text": "Der <Senden>-Knopf ist zu klein"},
            headers={"Origin": base.rstrip("/")},
        ) as response:
            assert response.status == 200
        team = settings.team.chat_id or OFFLINE_TEAM_CHAT

        def reported() -> bool:
            return any("zu klein" in (m.get("text") or "") for m in api.sent_to(team))

        while not reported():
            assert time.monotonic() < deadline, api.sent_to(team)
            await asyncio.sleep(0.02)
        text = next(m["text"] for m in api.sent_to(team) if "zu klein" in (m.get("text") or ""))
        assert "Der <Senden>-Knopf" in text  # the fake API shows the text as Telegram would
        assert "Barriere" in text


@pytest.fixture
def server() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer() as fake:
        prepare_team_chat(fake)
        yield fake


@pytest.mark.realclock  # a process (or the bot in-process) with timed waits
def test_run_serves_the_web_chat_when_enabled(server: FakeTelegramServer, tmp_path: Path) -> None:
    """`python -m bot run` with web.enabled serves the web chat next to Telegram polling, in
    the same process."""
    port = _free_port()
    config = tmp_path / "web.yaml"
    config.write_text(f"web: {{enabled: true, port: {port}}}\n", encoding="utf-8")
    bot = BotProcess(server, tmp_path, config=config)
    bot.start()
    try:
        base = f"http://127.0.0.1:{port}/"

        def healthy() -> bool:
            try:
                with urllib.request.urlopen(base + "healthz", timeout=2) as response:
                    return response.status == 200
            except OSError:
                return False

        assert poll_until(healthy), bot.log_text()[-2000:]
        answer = _ask(base, "Was kostet die Beratung?")
        assert "kostenfrei" in json.dumps(answer, ensure_ascii=False)
    finally:
        assert bot.proc is not None
        bot.proc.send_signal(signal.SIGTERM)
        assert bot.proc.wait(timeout=WAIT) == 0
        bot.proc = None


@pytest.mark.realclock  # a process (or the bot in-process) with timed waits
def test_run_ends_clearly_when_the_web_port_is_taken(
    server: FakeTelegramServer, tmp_path: Path
) -> None:
    """web.enabled with a port already in use: `run` ends with one "cannot start" line naming
    the address and exit status 2, not a traceback or a bot without its web door."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = tmp_path / "web.yaml"
        config.write_text(f"web: {{enabled: true, port: {port}}}\n", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "BOT_CONFIG"}
        env.update({"BOT_TOKEN": "123456:E2E", "TELEGRAM_BASE_URL": server.base_url,
                    "TEAM_CHAT_ID": str(TEAM), "DATABASE_PATH": str(tmp_path / "bot.sqlite"),
                    "BOT_CONFIG": str(with_operator(config, tmp_path))})
        result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr[-2000:]
    assert f"cannot start: web chat: cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.realclock  # a process (or the bot in-process) with timed waits
def test_bot_web_ends_clearly_when_its_port_is_taken(tmp_path: Path) -> None:
    """`python -m bot web --port N` on a taken port: one "cannot start" line, exit 2."""
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_CONFIG", "BOT_TOKEN")}
    env["DATABASE_PATH"] = str(tmp_path / "web.sqlite")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "bot", "web", "--port", str(port)],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr[-2000:]
    assert f"cannot start: web chat: cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_reports_the_web_chat(tmp_path: Path) -> None:
    """`python -m bot check` says whether `run` serves the web chat, where, and who may
    embed it."""
    from bot.cli.check import run_check

    config = tmp_path / "c.yaml"
    config.write_text(
        "web: {enabled: true, port: 8099, public_url: 'https://chat.example.org',"
        " embed_origins: ['https://www.example.org']}\n",
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    assert run_check(config, out, err) == 0, err.getvalue()
    assert ("web chat: on at 127.0.0.1:8099, https://chat.example.org; may be embedded by: "
            "https://www.example.org") in out.getvalue()
    off = io.StringIO()
    assert run_check(None, off, io.StringIO()) == 0
    assert "web chat: off" in off.getvalue()
