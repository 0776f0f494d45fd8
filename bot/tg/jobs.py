"""Background work: the outbox worker, the team's daily digest, the weekly review digest (questions
to teach the bot), draft reminders/expiry and the daily retention job.

Job callbacks catch and log every error: a failing job must never stop the others or the bot.
The work itself lives in plain async functions (send_digest, remind_drafts, expire_drafts) so
tests call them directly with a controlled clock.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram.ext import Application

from bot.conversation import requests
from bot.delivery import OutboxWorker, queue
from bot.storage.models import Draft
from bot.team.display import when_words
from bot.team.reports import digest_text
from bot.tg import teaching_handlers
from bot.tg.db_alerts import DatabaseAlerts
from bot.tg.services import BotContext, Services

log = logging.getLogger(__name__)

DRAFT_JOB_SECONDS = 3600
DRAFT_JOB_FIRST_SECONDS = 60
RETENTION_HOUR = 3  # at night, in the operator's time zone

AnyApp = Application[Any, Any, Any, Any, Any, Any]
# PTB's run_daily counts days from Sunday = 0.
PTB_WEEKDAYS = {"sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4,
                "friday": 5, "saturday": 6}


async def send_digest(services: Services) -> bool:
    """Queue the list of tickets open for at least team.digest_after_days; False if none."""
    if services.team_chat_id is None:
        return False
    now = services.clock()
    days = services.settings.team.digest_after_days
    tickets = await services.storage.tickets.open_older_than(now, days)
    failed = await services.storage.outbox.failed_tickets([t.id for t in tickets])
    text = digest_text(tickets, now, days, services.texts, services.settings.zone, failed)
    if text is None:
        return False
    await queue.enqueue_to_team(services, text, track=[t.id for t in tickets])
    services.wake_outbox()
    log.info("digest queued: %d old tickets", len(tickets))
    return True


async def remind_drafts(services: Services) -> int:
    """Remind (once) every user whose draft expires within requests.reminder_before_hours."""
    now = services.clock()
    before = dt.timedelta(hours=services.settings.requests.reminder_before_hours)
    drafts = services.storage.drafts
    due = await drafts.due_reminders(now, before)
    for draft in due:
        # Marked first: a crash in between loses one reminder rather than sending it twice.
        await drafts.mark_reminded(draft.id, now)
        text = services.texts.render(
            "req_reminder", date=when_words(draft.expires_at, services.settings.zone)
        )
        await requests.tell_draft_owner(services, draft, text)
        log.info("draft %d reminder queued", draft.id)
    return len(due)


async def expire_drafts(services: Services) -> int:
    """Delete expired drafts and tell their owners; returns how many were deleted."""
    expired = await services.storage.drafts.take_expired(services.clock())
    for draft in expired:
        await tell_draft_expired(services, draft)
    return len(expired)


async def tell_draft_expired(services: Services, draft: Draft) -> None:
    """Queue the note that the draft is gone (see bot.conversation.requests)."""
    await requests.tell_draft_expired(services, draft)


def guarded_job(
    name: str, work: Callable[[], Awaitable[object]]
) -> Callable[[BotContext], Coroutine[Any, Any, None]]:
    """A job callback that logs instead of raising."""

    async def callback(context: BotContext) -> None:
        try:
            await work()
        except Exception:
            log.exception("job %s failed", name)

    return callback


async def apply_retention(services: Services) -> dict[str, int]:
    """Delete what the privacy notice promises to delete (settings.retention); returns counts."""
    now = services.clock()
    retention = services.settings.retention
    storage = services.storage
    counts = {
        "closed_tickets": await storage.privacy.delete_closed_before(
            now - dt.timedelta(days=retention.closed_requests_days), now),
        "team_messages": await storage.team_posts.redact_questions_before(
            now - dt.timedelta(days=retention.question_log_days), now),
        # Through expire_drafts, so a draft that expired since the last hourly pass is not
        # deleted without telling its owner.
        "expired_drafts": await expire_drafts(services),
        "outbox_rows": await storage.outbox.delete_delivered_before(
            now - dt.timedelta(days=retention.delivered_outbox_days)),
        "questions": await storage.questions.delete_before(
            now - dt.timedelta(days=retention.question_log_days)),
        "feedback": await storage.feedback.delete_before(
            now - dt.timedelta(days=retention.question_log_days)),
    }
    if any(counts.values()):
        await storage.db.checkpoint_and_vacuum()
        services.wake_outbox()  # the redactions of team messages
    log.info("retention: %s", counts)
    return counts


async def _draft_housekeeping(services: Services) -> None:
    await remind_drafts(services)
    await expire_drafts(services)


def worker_of(services: Services) -> OutboxWorker | None:
    worker = services.outbox_worker
    return worker if isinstance(worker, OutboxWorker) else None


async def shutdown(services: Services) -> None:
    """Stop the outbox worker (before the database closes). Safe to call twice."""
    worker = worker_of(services)
    if worker is not None:
        await worker.stop()
    if services.db_alerts is not None:
        await services.db_alerts.close()


def _stop_worker_on_stop(app: AnyApp, services: Services) -> None:
    previous = app.post_stop

    async def post_stop(application: AnyApp) -> None:
        await shutdown(services)
        if previous is not None:
            await previous(application)

    app.post_stop = post_stop


def schedule(app: AnyApp, services: Services) -> None:
    """Start the outbox worker and register the digest and draft jobs (called in post_init)."""
    services.db_alerts = DatabaseAlerts(app.bot, services)
    worker = OutboxWorker(app.bot, services)
    services.outbox_worker = worker
    services.wake_outbox = worker.wake
    worker.start()
    _stop_worker_on_stop(app, services)
    job_queue = app.job_queue
    if job_queue is None:
        log.warning(
            "no job queue (install python-telegram-bot[job-queue]): no digest, no draft reminders"
        )
        return
    hour = services.settings.team.digest_hour
    zone = services.settings.zone
    job_queue.run_daily(
        guarded_job("digest", lambda: send_digest(services)),
        time=dt.time(hour=hour, tzinfo=zone),
        name="team_digest",
    )
    review_day = services.settings.team.review_day
    if review_day is not None:
        job_queue.run_daily(
            guarded_job("review", lambda: teaching_handlers.send_review_digest(app.bot, services)),
            time=dt.time(hour=services.settings.team.review_hour, tzinfo=zone),
            days=(PTB_WEEKDAYS[review_day],),
            name="review_digest",
        )
    job_queue.run_daily(
        guarded_job("retention", lambda: apply_retention(services)),
        time=dt.time(hour=RETENTION_HOUR, tzinfo=zone),
        name="retention",
    )
    job_queue.run_repeating(
        guarded_job("drafts", lambda: _draft_housekeeping(services)),
        interval=DRAFT_JOB_SECONDS,
        first=DRAFT_JOB_FIRST_SECONDS,
        name="draft_housekeeping",
    )
