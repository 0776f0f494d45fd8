"""The e-mail telling a web requester that the team answered: a fresh private link, no content.

Only the link token's hash is stored (bot.storage.request_links), so each mail issues a new link
row rather than keeping a clear or encrypted token for mailing: nothing stored can be turned back
into a working link, and a leaked mail opens the page no wider than the first link did.

Best effort: the reply itself is already stored and delivered to the web page; a failing mail
server costs a few bounded retries and a log line with the ticket id (never the address).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import aiosmtplib

from bot.config import MailSettings
from bot.conversation.requests import REQUEST_PAGE_PATH
from bot.storage.models import Ticket
from bot.storage.request_links import RequestLinkRepo
from bot.texts import Texts

log = logging.getLogger(__name__)

ATTEMPTS = 3
RETRY_SECONDS = 5.0
TIMEOUT_SECONDS = 30.0


class ReplyMailer:
    def __init__(self, settings: MailSettings, public_url: str, links: RequestLinkRepo,
                 texts: Texts, clock: Callable[[], dt.datetime], *, password: str | None = None,
                 attempts: int = ATTEMPTS, retry_seconds: float = RETRY_SECONDS) -> None:
        self.settings = settings
        self.base = public_url.rstrip("/") + "/"
        self.links = links
        self.texts = texts
        self.clock = clock
        self.password = password
        self.attempts = attempts
        self.retry_seconds = retry_seconds
        self._tasks: set[asyncio.Task[Any]] = set()

    def schedule(self, ticket: Ticket | None) -> None:
        """Mail in the background: the outbox worker never waits for the mail server."""
        if ticket is None or not self.settings.enabled or not ticket.data.get("email"):
            return
        task = asyncio.get_running_loop().create_task(self.send(ticket))
        self._tasks.add(task)  # kept until done (not collected mid-send)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for the mails under way (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def send(self, ticket: Ticket) -> bool:
        address = ticket.data.get("email")
        if not self.settings.enabled or not isinstance(address, str) or not address:
            return False
        try:
            token = await self.links.create(ticket.id, self.clock())
            # Inside the guard: a malformed address makes EmailMessage raise, quoting it.
            message = self._message(ticket, address, f"{self.base}{REQUEST_PAGE_PATH}{token}")
        except Exception as exc:  # best effort: the reply is delivered already
            log.warning("reply mail ticket=%d: not sent (%s)", ticket.id, type(exc).__name__)
            return False
        for attempt in range(1, self.attempts + 1):
            try:
                await self._deliver(message)
            except Exception as exc:  # any SMTP or network failure is retried
                # The exception text may quote the address back (SMTP replies): log its type only.
                log.warning("reply mail ticket=%d attempt %d/%d failed (%s)",
                            ticket.id, attempt, self.attempts, type(exc).__name__)
                if attempt < self.attempts:
                    await asyncio.sleep(self.retry_seconds * attempt)
                continue
            log.info("reply mail sent ticket=%d", ticket.id)
            return True
        return False

    def _message(self, ticket: Ticket, address: str, link: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.settings.sender
        message["To"] = address
        message["Subject"] = self.texts.plain("mail_reply_subject", ref=ticket.ref)
        message.set_content(self.texts.plain("mail_reply_body", ref=ticket.ref, link=link))
        return message

    async def _deliver(self, message: EmailMessage) -> None:
        s = self.settings
        await aiosmtplib.send(
            message, hostname=s.host, port=s.port, username=s.user, password=self.password,
            use_tls=s.tls == "tls", start_tls=s.tls == "starttls" if s.tls != "tls" else None,
            timeout=TIMEOUT_SECONDS,
        )
