"""Sends the queued reply e-mails (bot.storage.mail_jobs) in the background, one at a time.

A job is written with the team reply it announces, so it survives a crash and a restart: the
worker sends every pending job that is due when it starts. A failed attempt is tried again after
a growing pause (BACKOFF_SECONDS); after ``max_attempts`` the job is marked 'failed' with a log
line naming the ticket, never the address. Stopping waits a bounded time for the mail in
flight, then cancels it: its job stays pending, unchanged, and is sent after the restart (at
worst a second time, if the server had taken it just before).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from bot.delivery.pass_loop import PassLoop
from bot.delivery.reply_mail import MailOutcome, ReplyMailer
from bot.storage.mail_jobs import MailJob, MailJobRepo
from bot.storage.tickets import TicketRepo

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# Pause before the 2nd, 3rd, … attempt: a mail server down for a few hours is still caught.
BACKOFF_SECONDS = (60.0, 300.0, 900.0, 3600.0, 3 * 3600.0)
POLL_SECONDS = 300.0  # look again at least this often (a clock set back, a missed wake)
STOP_GRACE_SECONDS = 5.0  # then the mail in flight is cancelled; its job stays pending


def backoff(attempts: int) -> dt.timedelta:
    """The pause after ``attempts`` failed tries."""
    return dt.timedelta(seconds=BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1])


class MailWorker(PassLoop):
    def __init__(self, mailer: ReplyMailer, jobs: MailJobRepo, tickets: TicketRepo,
                 clock: Callable[[], dt.datetime], *, max_attempts: int = MAX_ATTEMPTS,
                 poll_seconds: float = POLL_SECONDS,
                 stop_grace: float = STOP_GRACE_SECONDS) -> None:
        super().__init__(name="reply-mail", poll_seconds=poll_seconds, stop_grace=stop_grace)
        self.mailer = mailer
        self.jobs = jobs
        self.tickets = tickets
        self.clock = clock
        self.max_attempts = max_attempts

    def _stop_timed_out(self) -> None:
        log.warning("reply mail: a mail was still under way at shutdown; it is sent after"
                    " the restart")

    async def _seconds_to_next(self) -> float:
        due = await self.jobs.next_at()
        if due is None:
            return self.poll_seconds
        # A job planned beyond any backoff comes from a clock set back: run_once takes it now.
        seconds = (due - self.clock()).total_seconds()
        if seconds > max(BACKOFF_SECONDS):
            return 0.0
        return min(max(seconds, 0.0), self.poll_seconds)

    async def run_once(self) -> int:
        """Attempt every due job once; returns how many were attempted."""
        count = 0
        now = self.clock()
        latest = now + dt.timedelta(seconds=max(BACKOFF_SECONDS))
        for job in await self.jobs.due(now, latest):
            if self._stopping:
                break
            await self._attempt(job)
            count += 1
        return count

    async def _attempt(self, job: MailJob) -> None:
        ticket = await self.tickets.get(job.ticket_id)
        outcome = MailOutcome.NOTHING if ticket is None else await self.mailer.send(ticket)
        if outcome in (MailOutcome.SENT, MailOutcome.NOTHING):
            await self.jobs.done(job.id)
            return
        attempts = job.attempts + 1
        if outcome is MailOutcome.RETRY and attempts < self.max_attempts:
            await self.jobs.retry(job.id, attempts, self.clock() + backoff(attempts))
            return
        await self.jobs.give_up(job.id, attempts)
        log.warning("reply mail ticket=%d: given up after %d attempts", job.ticket_id, attempts)
