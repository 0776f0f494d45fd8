"""Storage: one aiosqlite connection, numbered migrations, one repository per concern."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.localtime import DEFAULT_ZONE
from bot.storage.db import Database
from bot.storage.draft_cache import DraftCache
from bot.storage.drafts import DraftRepo
from bot.storage.feedback import FeedbackRepo
from bot.storage.mail_jobs import MailJobRepo
from bot.storage.messages import MessageRepo
from bot.storage.models import (
    Draft,
    LoggedQuestion,
    OutboxItem,
    Ticket,
    TicketEvent,
    TicketMessage,
)
from bot.storage.outbox import OutboxRepo
from bot.storage.privacy import PrivacyRepo
from bot.storage.questions import QuestionLog
from bot.storage.request_links import RequestLinkRepo
from bot.storage.startup import DatabaseUnusable
from bot.storage.teaching import TeachingRepo
from bot.storage.team_posts import PostRef, TeamPostRepo
from bot.storage.tickets import TicketRepo

__all__ = [
    "Database",
    "DatabaseUnusable",
    "Draft",
    "DraftRepo",
    "FeedbackRepo",
    "LoggedQuestion",
    "MailJobRepo",
    "MessageRepo",
    "OutboxItem",
    "OutboxRepo",
    "PostRef",
    "PrivacyRepo",
    "QuestionLog",
    "Storage",
    "TeachingRepo",
    "TeamPostRepo",
    "Ticket",
    "TicketEvent",
    "TicketMessage",
    "TicketRepo",
]


@dataclass(frozen=True)
class Storage:
    """The database and every repository on it, built once by the composition root."""

    db: Database
    drafts: DraftRepo
    tickets: TicketRepo
    messages: MessageRepo
    outbox: OutboxRepo
    questions: QuestionLog
    privacy: PrivacyRepo
    team_posts: TeamPostRepo
    teaching: TeachingRepo
    feedback: FeedbackRepo
    request_links: RequestLinkRepo
    mail_jobs: MailJobRepo

    @classmethod
    async def open(
        cls, path: Path | str, *, new_database: bool = False, zone: ZoneInfo = DEFAULT_ZONE
    ) -> Storage:
        """Open the database after its start-up checks; raises DatabaseUnusable (one line).
        `zone` is the operator's (settings.zone), for the year in reference numbers."""
        db = await Database.open(path, new_database=new_database)
        # Shared by every repository that changes the drafts table (see draft_cache.py).
        draft_cache = DraftCache()
        questions = QuestionLog(db)
        return cls(
            db=db,
            drafts=DraftRepo(db, draft_cache),
            tickets=TicketRepo(db, draft_cache, zone),
            messages=MessageRepo(db),
            outbox=OutboxRepo(db),
            questions=questions,
            privacy=PrivacyRepo(db, draft_cache, questions),
            team_posts=TeamPostRepo(db),
            teaching=TeachingRepo(db, questions),
            feedback=FeedbackRepo(db, questions),
            request_links=RequestLinkRepo(db),
            mail_jobs=MailJobRepo(db),
        )

    async def close(self) -> None:
        """Write the pending question log rows, then close; the close happens even if the write
        fails (a full disk must not keep the connection, and with it the process, alive)."""
        try:
            await self.questions.flush()  # the rows logged in the last second
        finally:
            await self.db.close()
