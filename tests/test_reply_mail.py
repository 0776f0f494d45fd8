"""The e-mail to a web requester when the team answered (issue 11, part 3): a fresh private
link to their request page, no request content, sent to a real local SMTP server (aiosmtpd).
The mail is a durable job (table mail_jobs): retried with backoff, kept over a restart, given
up after the last attempt, deleted with the user's data."""

from __future__ import annotations

import asyncio
import email
import io
import logging
import re
import socket
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, closing, contextmanager
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from aiosmtpd.controller import Controller

from bot.composition import build_web_app
from bot.config import ConfigError, Settings, load_settings
from bot.delivery.mail_worker import MailWorker, backoff
from bot.delivery.reply_mail import MailOutcome
from tests.test_request_page import _press
from tests.test_team_harness import MEMBER, TEAM, Harness, running_bot
from tests.waiting import eventually
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
def smtp_server(port: int | None = None) -> Iterator[tuple[_Inbox, int]]:
    inbox, port = _Inbox(), port or _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@asynccontextmanager
async def hanging_smtp_server() -> AsyncIterator[tuple[asyncio.Event, int]]:
    """Accepts connections and never greets: a mail to it stays under way until cancelled."""
    connected = asyncio.Event()
    held: list[asyncio.StreamWriter] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        connected.set()

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    try:
        yield connected, int(server.sockets[0].getsockname()[1])
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


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


def _worker(bot: Harness) -> MailWorker:
    worker = bot.services.reply_mail
    assert isinstance(worker, MailWorker)
    return worker


async def _submit_and_get_reply(bot: Harness, chat: Chat, contact: str) -> int:
    """A web request with the given contact, then the team replies to its card; the ticket id."""
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
    return int(row["id"])


async def _wait_for(condition: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def _jobs(bot: Harness) -> list[tuple[int, int, str]]:
    rows = await bot.services.storage.db.fetchall(
        "SELECT ticket_id, attempts, state FROM mail_jobs ORDER BY id", ())
    return [(int(r["ticket_id"]), int(r["attempts"]), str(r["state"])) for r in rows]


async def _wait_for_jobs(bot: Harness, expected: list[tuple[int, int, str]],
                         seconds: float = 10.0) -> None:
    async def matches() -> bool:
        return await _jobs(bot) == expected

    assert await eventually(matches, seconds), await _jobs(bot)


def _mail(tmp_path: Path, port: int, **extra: Any) -> dict[str, Any]:
    return {"enabled": True, "host": "127.0.0.1", "port": port, "tls": "none",
            "sender": "bot@example.org", **extra}


async def test_team_reply_mails_a_working_link_without_request_content(tmp_path: Path) -> None:
    """When the team answers a web requester who left an e-mail address, one short German mail
    goes to that address with the reference and a fresh link that opens the request page;
    the mail carries none of the request's text or the reply. The sent job is gone."""
    with smtp_server() as (inbox, port):
        async with web_bot(_settings(tmp_path, _mail(tmp_path, port)), tmp_path) as (bot, chat):
            await _submit_and_get_reply(bot, chat, ADDRESS)
            await _wait_for(lambda: len(inbox.messages) >= 1)
            await _wait_for_jobs(bot, [])
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
    """A requester who left only a phone number gets no mail (no job is queued); with mail
    disabled nobody does (no mail worker is built, no job queued)."""
    with smtp_server() as (inbox, port):
        async with web_bot(_settings(tmp_path, _mail(tmp_path, port)),
                           tmp_path / "phone") as (bot, chat):
            await _submit_and_get_reply(bot, chat, "0431 1234567")
            assert await _jobs(bot) == []
        async with web_bot(_settings(tmp_path / "off", {"enabled": False, "port": port}),
                           tmp_path / "off") as (bot, chat):
            assert bot.services.reply_mail is None
            await _submit_and_get_reply(bot, chat, ADDRESS)
            assert await _jobs(bot) == []
        assert inbox.messages == []


async def test_mail_job_is_written_with_the_reply_and_sent_once_after_a_restart(
        tmp_path: Path) -> None:
    """The mail job is stored in the reply's transaction. A mail still under way at shutdown
    does not hold the shutdown beyond its grace and keeps its job pending; after a restart the
    job is sent, exactly once, with a link that opens the page."""
    async with hanging_smtp_server() as (connected, hanging_port):
        settings = _settings(tmp_path, _mail(tmp_path, hanging_port))
        async with web_bot(settings, tmp_path) as (bot, chat):
            _worker(bot).stop_grace = 0.2
            ticket_id = await _submit_and_get_reply(bot, chat, ADDRESS)
            assert await _jobs(bot) == [(ticket_id, 0, "pending")]
            await asyncio.wait_for(connected.wait(), 10)  # the mail is under way now
            stopping = time.monotonic()
        # Leaving the block shut the bot down; aiosmtplib alone would wait 30 s for a greeting.
        assert time.monotonic() - stopping < 5
    with closing(sqlite3.connect(tmp_path / "bot.sqlite")) as db:
        kept = db.execute("SELECT ticket_id, attempts, state FROM mail_jobs").fetchall()
    assert kept == [(ticket_id, 0, "pending")]  # the cut-off attempt is not counted
    with smtp_server() as (inbox, port):
        async with web_bot(_settings(tmp_path, _mail(tmp_path, port)), tmp_path) as (bot, chat):
            assert await _jobs(bot) in ([(ticket_id, 0, "pending")], [])
            await _wait_for_jobs(bot, [])
            await _wait_for(lambda: len(inbox.messages) >= 1)
            assert await _worker(bot).run_once() == 0  # nothing left to send
            assert inbox.recipients == [[ADDRESS]]
            body = inbox.messages[0].get_payload(decode=True).decode("utf-8")
            found = MAIL_LINK.search(body)
            assert found is not None, body
            page = await chat.client.get("/" + found.group(1))
            assert "Wir melden uns am Montag." in await page.text()


async def test_mail_failure_is_retried_with_backoff_then_given_up_without_the_address(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """With the mail server unreachable the job is tried again after growing pauses (nothing
    before its time), then given up after the last attempt with a log line naming the ticket;
    no log line shows the address, and the reply is on the page anyway."""
    caplog.set_level(logging.INFO)
    async with web_bot(_settings(tmp_path, _mail(tmp_path, _free_port())), tmp_path) as (bot, chat):
        worker = _worker(bot)
        ticket_id = await _submit_and_get_reply(bot, chat, ADDRESS)
        await _wait_for_jobs(bot, [(ticket_id, 1, "pending")])
        assert await worker.run_once() == 0  # not due before its backoff
        for attempts in range(2, worker.max_attempts + 1):
            bot.clock.advance(seconds=backoff(attempts - 1).total_seconds())
            worker.wake()
            state = "failed" if attempts == worker.max_attempts else "pending"
            await _wait_for_jobs(bot, [(ticket_id, attempts, state)])
        assert worker.max_attempts > 2
        assert backoff(2) > backoff(1)
        messages = [r.getMessage() for r in caplog.records]
        failures = [m for m in messages if f"reply mail ticket={ticket_id}: attempt failed" in m]
        assert len(failures) == worker.max_attempts
        assert any(f"reply mail ticket={ticket_id}: given up after {worker.max_attempts}" in m
                   for m in messages)
        assert all(ADDRESS not in m for m in messages)
        rows = await bot.services.storage.db.fetchall(
            "SELECT status FROM outbox WHERE kind = 'to_web'", ())
        assert rows and all(r["status"] == "sent" for r in rows)


async def test_loeschen_deletes_the_pending_mail_so_none_is_sent(tmp_path: Path) -> None:
    """A requester who erases their data (/loeschen) while their reply mail waits for a retry
    gets no mail: the job is deleted with their data, also once the server is back."""
    port = _free_port()
    async with web_bot(_settings(tmp_path, _mail(tmp_path, port)), tmp_path) as (bot, chat):
        ticket_id = await _submit_and_get_reply(bot, chat, ADDRESS)
        await _wait_for_jobs(bot, [(ticket_id, 1, "pending")])
        _, body = await chat.post("/api/command", {"name": "loeschen"})
        await _press(chat, list(body["messages"]), "Ja")
        assert await _jobs(bot) == []
        with smtp_server(port) as (inbox, _):
            bot.clock.advance(days=1)
            assert await _worker(bot).run_once() == 0
        assert inbox.messages == []


async def test_retention_deletes_the_mail_job_with_the_ticket(tmp_path: Path) -> None:
    """When retention deletes a closed request, its mail job (pending or failed) goes too."""
    async with web_bot(_settings(tmp_path, _mail(tmp_path, _free_port())), tmp_path) as (bot, chat):
        ticket_id = await _submit_and_get_reply(bot, chat, ADDRESS)
        await _wait_for_jobs(bot, [(ticket_id, 1, "pending")])
        storage = bot.services.storage
        await storage.db.write("UPDATE tickets SET status = 'done', closed_at = ?",
                               ("2000-01-01T00:00:00+00:00",))
        assert await storage.privacy.delete_closed_before(bot.clock(), bot.clock()) == 1
        assert await _jobs(bot) == []


async def test_a_second_reply_before_the_mail_went_out_queues_no_second_mail(
        tmp_path: Path) -> None:
    """Two team replies while the first mail is still pending make one job (one mail says the
    team answered); the queue stores no address and no token."""
    async with web_bot(_settings(tmp_path, _mail(tmp_path, _free_port())), tmp_path) as (bot, chat):
        ticket_id = await _submit_and_get_reply(bot, chat, ADDRESS)
        await _wait_for_jobs(bot, [(ticket_id, 1, "pending")])
        card = bot.card(await bot.ticket(ticket_id))
        await bot.team_says(MEMBER, "Und noch etwas.", reply_to=card["message_id"])
        assert await _jobs(bot) == [(ticket_id, 1, "pending")]
        columns = await bot.services.storage.db.fetchall("PRAGMA table_info(mail_jobs)", ())
        assert {c["name"] for c in columns} == {"id", "ticket_id", "attempts", "next_at", "state"}


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


async def test_malformed_stored_address_is_given_up_at_once_and_not_logged(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A stored address that cannot be a mail header (line break) never crashes the worker and
    is not logged; its job is given up at once (no retry can fix it) and no link is made."""
    caplog.set_level(logging.INFO)
    with smtp_server() as (inbox, port):
        async with web_bot(_settings(tmp_path, _mail(tmp_path, port)), tmp_path) as (bot, chat):
            ticket_id = await _submit_and_get_reply(bot, chat, "0431 1234567")
            storage = bot.services.storage
            ticket = await bot.ticket(ticket_id)
            bad = "x@example.org\nBcc: y@example.org"
            ticket.data["email"] = bad
            assert await _worker(bot).mailer.send(ticket) is MailOutcome.REFUSED
            await storage.db.write("UPDATE tickets SET data = json_set(data, '$.email', ?)",
                                   (bad,))
            links = await storage.db.fetchval("SELECT COUNT(*) FROM request_links", ())
            card = bot.card(ticket)
            await bot.team_says(MEMBER, "Noch eine Antwort.", reply_to=card["message_id"])
            await _wait_for_jobs(bot, [(ticket_id, 1, "failed")])
            assert await storage.db.fetchval("SELECT COUNT(*) FROM request_links", ()) == links
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
