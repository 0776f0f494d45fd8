"""The services every door and the conversation core use, built once by the composition root."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bot.answering import Answerer
from bot.config import Settings
from bot.conversation.ports import OutboundPort
from bot.dialogue import DialogueEngine
from bot.knowledge import KnowledgeBase
from bot.localtime import utc_now
from bot.ratelimit import UserRateLimiter
from bot.storage import Storage
from bot.team.team_link import TeamLinkMemory
from bot.texts import TEXTS_DIR, Texts


class Background(Protocol):
    """A helper that runs beside the handlers (the outbox worker) and must stop first."""

    async def stop(self) -> None: ...


class Worker(Background, Protocol):
    """A background helper the composition root starts with the application (the reply mail)."""

    def start(self) -> None: ...


class Closing(Protocol):
    """A helper with something to close at shutdown (the database alerts)."""

    async def close(self) -> None: ...


class ChatFilter(Protocol):
    """The team handlers' chat filter (PTB's filters.Chat), extended when the group migrates."""

    def add_chat_ids(self, chat_id: int) -> None: ...


@dataclass
class Services:
    settings: Settings
    kb: KnowledgeBase
    texts: Texts
    answerer: Answerer
    storage: Storage
    dialogue: DialogueEngine
    clock: Callable[[], dt.datetime] = utc_now
    bot_username: str = ""
    team_chat_id: int | None = None
    rate_limiter: UserRateLimiter = field(default_factory=lambda: UserRateLimiter(10, 30))
    wake_outbox: Callable[[], None] = lambda: None  # set by the delivery worker
    # Set by the Telegram composition root (bot/tg/app.py, bot/tg/jobs.py):
    outbox_worker: Background | None = None
    db_alerts: Closing | None = None
    team_filter: ChatFilter | None = None
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)  # kept until done (not collected)
    # The knowledge files as last loaded, and the phrasings the team taught on top of them
    # (entry id, text): kb is the one built from both (tg.team.reload).
    knowledge_files: KnowledgeBase | None = None
    taught: tuple[tuple[str, str], ...] = ()
    # Texts waiting for "is this for the team?" (bot.team.team_link), in memory only.
    team_links: TeamLinkMemory = field(default_factory=TeamLinkMemory)
    texts_dir: Path = TEXTS_DIR  # where /reload reads the texts again
    # How a requester of each channel is reached when the team writes (bot.conversation.ports);
    # registered by the composition root of each door.
    outbound: dict[str, OutboundPort] = field(default_factory=dict)
    # Sends the queued reply e-mails (bot.delivery.mail_worker); None while mail is off.
    reply_mail: Worker | None = None

    def outbound_for(self, channel: str) -> OutboundPort:
        port = self.outbound.get(channel)
        if port is None:
            raise LookupError(f"no outbound port for channel {channel!r}")
        return port
