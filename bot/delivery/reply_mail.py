"""The e-mail telling a web requester that the team answered: a fresh private link, no content.

Only the link token's hash is stored (bot.storage.request_links), so each mail issues a new link
row rather than keeping a clear or encrypted token for mailing: nothing stored can be turned back
into a working link, and a leaked mail opens the page no wider than the first link did. The queue
(bot.storage.mail_jobs) therefore holds only the ticket id: the address is read from the ticket
and the token is made here, at each attempt.

One attempt per call; the durable job, its retries and backoff are bot.delivery.mail_worker's.
The reply itself is stored and shown on the request page whatever the mail server does; a failure
is logged with the ticket id, never the address.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Callable
from email.message import EmailMessage

import aiosmtplib

from bot.config import MailSettings
from bot.conversation.requests import REQUEST_PAGE_PATH
from bot.storage.models import Ticket
from bot.storage.request_links import RequestLinkRepo
from bot.texts import Texts

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30.0


class MailOutcome(enum.Enum):
    SENT = "sent"
    NOTHING = "nothing"  # no address (any more): nothing to send, now or later
    RETRY = "retry"  # the server failed or was unreachable: try again later
    REFUSED = "refused"  # this mail can never be sent (an address that is no header)


class ReplyMailer:
    def __init__(self, settings: MailSettings, public_url: str, links: RequestLinkRepo,
                 texts: Texts, clock: Callable[[], dt.datetime], *,
                 password: str | None = None) -> None:
        self.settings = settings
        self.base = public_url.rstrip("/") + "/"
        self.links = links
        self.texts = texts
        self.clock = clock
        self.password = password

    async def send(self, ticket: Ticket) -> MailOutcome:
        """One attempt to mail the ticket's requester a fresh link to its page."""
        address = ticket.data.get("email")
        if not isinstance(address, str) or not address or ticket.status == "deleted":
            return MailOutcome.NOTHING
        if not _header_safe(address):
            log.warning("reply mail ticket=%d: the stored address is no mail header", ticket.id)
            return MailOutcome.REFUSED
        try:
            token = await self.links.create(ticket.id, self.clock())
            message = self._message(ticket, address, f"{self.base}{REQUEST_PAGE_PATH}{token}")
            await self._deliver(message)
        except Exception as exc:  # any SMTP, network or database failure is tried again
            # The exception text may quote the address back (SMTP replies): log its type only.
            log.warning("reply mail ticket=%d: attempt failed (%s)", ticket.id,
                        type(exc).__name__)
            return MailOutcome.RETRY
        log.info("reply mail sent ticket=%d", ticket.id)
        return MailOutcome.SENT

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


def _header_safe(address: str) -> bool:
    """Whether the address can be a To header (a line break would smuggle in more headers).
    Checked before a link row is made; the exception would quote the address, so it is not
    passed on."""
    try:
        EmailMessage()["To"] = address
    except Exception:
        return False
    return True
