"""The e-mail to a web requester when the team answered (issue 11, part 3): a fresh private
link to their request page, no request content, sent to a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import asyncio
import email
import io
import logging
import re
import socket
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from aiosmtpd.controller import Controller

from bot.cli.webserve import build_web_app
from bot.config import ConfigError, Settings, load_settings
from bot.delivery.web_outbound import WebRowOutbound
from tests.test_request_page import _press
from tests.test_team_harness import MEMBER, TEAM, Harness, running_bot
from tests.web_support import Chat

PUBLIC = "https://chat.example.org/bot"
ADDRESS = "erika@example.org"
MAIL_LINK = re.compile(r"https://chat\.example\.org/bot/(anfrage/[A-Za-z0-9_-]{43})")
REQUEST_TEXTS = ("Gemeinde Musterdorf", "Erika Muster", "Engagementkonzept", "Wir melden uns")


class _Inbox:
    """aiosmtpd handler (it calls handle_DATA by that name): keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.original_content))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[tuple[_Inbox, int]]:
    inbox, port = _Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _settings(tmp_path: Path, mail: dict[str, Any]) -> Settings:
    return Settings.model_validate({
        "team": {"chat_id": TEAM},
        "database": {"path": str(tmp_path / "bot.sqlite")},
        "web": {"public_url": PUBLIC,
                "limits": {"session_burst": 100, "session_per_minute": 100,
                           "address_burst": 100, "address_per_minute": 100}},
        "mail": mail,
    })


@asynccontextmanager
async def web_bot(settings: Settings, tmp_path: Path) -> AsyncIterator[tuple[Harness, Chat]]:
    async with running_bot(tmp_path, settings=settings) as bot:
        server = TestServer(build_web_app(bot.services))
        await server.start_server()
        async with TestClient(server) as client:
            chat = Chat(client)
            await chat.start()
            yield bot, chat


def _web_port(bot: Harness) -> WebRowOutbound:
    port = bot.services.outbound["web"]
    assert isinstance(port, WebRowOutbound)
    return port


async def _submit_and_get_reply(bot: Harness, chat: Chat, contact: str) -> None:
    """A web request with the given contact, then the team replies to its card."""
    _, body = await chat.post("/api/command", {"name": "anfrage"})
    shown = list(body["messages"])
    for label in ("Beratung für Kommunen", "Engagementkonzept", "per Video"):
        shown = await _press(chat, shown, label)
    for text in ("Gemeinde Musterdorf", "Erika Muster, Bürgermeisterin", contact):
        _, body = await chat.post("/api/send", {"text": text})
        shown = list(body["messages"])
    shown = await _press(chat, shown, "Weiter zur Zusammenfassung")
    await _press(chat, shown, "Absenden")
    await bot.deliver()
    row = await bot.services.storage.db.fetchone("SELECT id FROM tickets WHERE channel = 'web'", ())
    assert row is not None
    card = bot.card(await bot.ticket(row["id"]))
    await bot.team_says(MEMBER, "Wir melden uns am Montag.", reply_to=card["message_id"])
    await bot.deliver()


async def _wait_for(condition: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


def _mail(tmp_path: Path, port: int, **extra: Any) -> dict[str, Any]:
    return {"enabled": True, "host": "127.0.0.1", "port": port, "tls": "none",
            "sender": "bot@example.org", **extra}


async def test_team_reply_mails_a_working_link_without_request_content(tmp_path: Path) -> None:
    """When the team answers a web requester who left an e-mail address, one short German mail
    goes to that address with the reference and a fresh link that opens the request page;
    the mail carries none of the request's text or the reply."""
    with smtp_server() as (inbox, port):
        async with web_bot(_settings(tmp_path, _mail(tmp_path, port)), tmp_path) as (bot, chat):
            await _submit_and_get_reply(bot, chat, ADDRESS)
            await _wait_for(lambda: len(inbox.messages) >= 1)
            mailer = _web_port(bot).mailer
            assert mailer is not None
            await mailer.drain()
            assert len(inbox.messages) == 1 and inbox.recipients == [[ADDRESS]]
            message = inbox.messages[0]
            body = message.get_payload(decode=True).decode("utf-8")
            ref = (await bot.services.storage.db.fetchone("SELECT ref FROM tickets", ()))["ref"]
            assert ref in str(message["Subject"])
            assert f"Das Team hat auf Ihre Anfrage {ref} geantwortet" in body.replace("das", "Das")
            for text in REQUEST_TEXTS:
                assert text not in body and text not in str(message["Subject"])
            found = MAIL_LINK.search(body)
            assert found is not None, body
            page = await chat.client.get("/" + found.group(1))
            assert page.status == 200
            assert "Wir melden uns am Montag." in await page.text()


async def test_no_mail_without_address_or_when_disabled(tmp_path: Path) -> None:
    """A requester who left only a phone number gets no mail; with mail disabled nobody does
    (no mailer is built at all)."""
    with smtp_server() as (inbox, port):
        async with web_bot(_settings(tmp_path, _mail(tmp_path, port)),
                           tmp_path / "phone") as (bot, chat):
            await _submit_and_get_reply(bot, chat, "0431 1234567")
            mailer = _web_port(bot).mailer
            assert mailer is not None
            await mailer.drain()
        async with web_bot(_settings(tmp_path / "off", {"enabled": False, "port": port}),
                           tmp_path / "off") as (bot, chat):
            assert _web_port(bot).mailer is None
            await _submit_and_get_reply(bot, chat, ADDRESS)
        assert inbox.messages == []


async def test_mail_failure_is_retried_logged_without_address_and_keeps_the_reply(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """With the mail server unreachable the mail is tried a bounded number of times, each
    failure logged with the ticket id but not the address; the reply is on the page anyway."""
    caplog.set_level(logging.INFO)
    async with web_bot(_settings(tmp_path, _mail(tmp_path, _free_port())), tmp_path) as (bot, chat):
        mailer = _web_port(bot).mailer
        assert mailer is not None
        mailer.retry_seconds = 0.01
        await _submit_and_get_reply(bot, chat, ADDRESS)
        await mailer.drain()
        failures = [r for r in caplog.records if "reply mail" in r.getMessage()]
        assert len(failures) == mailer.attempts
        assert all(ADDRESS not in r.getMessage() for r in caplog.records)
        rows = await bot.services.storage.db.fetchall(
            "SELECT status FROM outbox WHERE kind = 'to_web'", ())
        assert rows and all(r["status"] == "sent" for r in rows)


def test_mail_needs_public_url_and_takes_the_password_from_env_only(tmp_path: Path) -> None:
    """mail.enabled without web.public_url is refused at start-up (the mail's link needs it)."""
    config = tmp_path / "config.yaml"
    config.write_text("mail:\n  enabled: true\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="public_url"):
        load_settings(config, env={})
    config.write_text("mail:\n  enabled: true\n  password: x\nweb:\n  public_url: https://a.b\n",
                      encoding="utf-8")
    with pytest.raises(ConfigError, match="password"):
        load_settings(config, env={})


async def test_malformed_stored_address_is_logged_without_it(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A stored address that cannot be a mail header (line break) never crashes the task and
    is not logged; the mailer reports the mail as not sent."""
    with smtp_server() as (inbox, port):
        async with web_bot(_settings(tmp_path, _mail(tmp_path, port)), tmp_path) as (bot, chat):
            await _submit_and_get_reply(bot, chat, "0431 1234567")
            mailer = _web_port(bot).mailer
            assert mailer is not None
            row = await bot.services.storage.db.fetchone("SELECT id FROM tickets", ())
            ticket = await bot.ticket(row["id"])
            bad = "x@example.org\nBcc: y@example.org"
            ticket.data["email"] = bad
            assert await mailer.send(ticket) is False
            assert all("example.org" not in r.getMessage() for r in caplog.records)
        assert inbox.messages == []


def test_check_reports_the_reply_mail_without_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python -m bot check` says whether web requesters get the reply e-mail and through which
    server, and never shows the password from MAIL_PASSWORD."""
    from bot.cli.check import run_check

    monkeypatch.setenv("MAIL_PASSWORD", "s3cret-pass")
    config = tmp_path / "c.yaml"
    config.write_text(
        "web: {public_url: 'https://chat.example.org'}\n"
        "mail: {enabled: true, host: smtp.example.org, port: 465, tls: tls, user: bot,"
        " sender: 'bot@example.org'}\n",
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    assert run_check(config, out, err) == 0, err.getvalue()
    assert ("reply e-mail: on via smtp.example.org:465 (tls, login bot), sender bot@example.org"
            in out.getvalue())
    assert "s3cret-pass" not in out.getvalue() + err.getvalue()
    off = io.StringIO()
    assert run_check(None, off, io.StringIO()) == 0
    assert "reply e-mail: off" in off.getvalue()
